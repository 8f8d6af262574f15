"""What the contention experiment counts: conditional writes, conflicts, completion."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class ContentionTally:
    """``writes``: conditional writes that reached the server (the AWS post's "calls");
    ``conflicts``: writes that lost to another client's; ``completion_s``: when the last
    client's write succeeded (NaN until every client has)."""

    writes: float = 0.0
    conflicts: float = 0.0
    completion_s: float = math.nan
