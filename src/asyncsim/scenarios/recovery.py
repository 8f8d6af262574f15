"""The ``recovery:`` section of a scenario: how recovery after a fault is judged.

```yaml
recovery: {tolerance: 20%, hold: 10s, step: 1s}
```

The analysis itself is a report (reports/metrics/recovery.py); this is only what the
scenario says about it. Every field has a default, so a scenario with faults gets
``recovery_time``, ``recovered`` and ``metastable`` without writing the section.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from asyncsim.scenarios.base import Model, Problems
from asyncsim.scenarios.types import Duration


class RecoveryConfig(Model):
    """When a system counts as recovered from a fault."""

    tolerance: float = Field(
        default=0.2, gt=0, lt=1,
        description="how far from the pre-fault baseline still counts as recovered: "
                    "goodput at least (1 - tolerance) x baseline and latency p99 at most "
                    "(1 + tolerance) x baseline; a share like 0.2 or 20%")
    hold: Duration = Field(
        default=10.0, gt=0,
        description="how long goodput and p99 must stay within the tolerance (pooled over "
                    "this window) for the system to count as recovered")
    step: Duration = Field(
        default=1.0, gt=0,
        description="the resolution of recovery_time: the instants after a fault's end at "
                    "which a hold window may begin")

    @field_validator("tolerance", mode="before")
    @classmethod
    def _percent(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().endswith("%"):
            try:
                return float(value.strip()[:-1]) / 100
            except ValueError:
                return value
        return value

    def problems(self) -> Problems:
        if self.step > self.hold:
            return [(("step",), f"step ({self.step:g}s) is longer than hold "
                                f"({self.hold:g}s): recovery would be judged on windows "
                                "that skip time")]
        return []
