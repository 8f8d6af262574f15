"""Navigation as written in a scenario: users hover links, some hovers end in a click.

See items/behaviours/prefetch.py for the example.
"""

from __future__ import annotations

from pydantic import Field

from asyncsim.scenarios.base import Model
from asyncsim.scenarios.distributions import DistributionConfig
from asyncsim.scenarios.types import Duration


class NavigationConfig(Model):
    """Users hover links; some hovers end in a click that needs the linked page's data."""

    hover_time: DistributionConfig = Field(
        description="how long the pointer stays on a link (ending in a click, or leaving)")
    click_probability: float = Field(ge=0, le=1, description="share of hovers that click")
    click_after: DistributionConfig | None = Field(
        default=None, description="hover time of the hovers that click (default: hover_time)")
    press_lead: Duration | None = Field(
        default=None, ge=0, description="focus/touchstart/mousedown to click, for "
        "prefetch on: press")
