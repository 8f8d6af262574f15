"""The ``tied`` layer as written in a scenario (Dean & Barroso's tied requests).

```yaml
- tied: 1ms                  # a second copy after 1 ms; the first to start cancels the other
- tied: {delay: 2ms}
```
It must be the innermost layer of its list (see sim/layers/tied.py).
"""

from __future__ import annotations

from pydantic import Field

from asyncsim.scenarios.base import Model, shorthand
from asyncsim.scenarios.types import Duration
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.tied import TiedSpec


class TiedConfig(Model):
    """Send a copy to another server after ``delay``; whichever starts service first
    cancels the other (only its queueing is extra load)."""

    delay: Duration = Field(default=0.001, ge=0, description="wait this long before the "
                            "second copy (Dean & Barroso: 1ms)")

    _shorthand = shorthand("delay", str, int, float)

    def to_spec(self) -> LayerSpec:
        return TiedSpec(self.delay)
