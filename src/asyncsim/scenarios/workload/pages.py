"""Page views as written in a scenario: resources, dependencies, Suspense boundaries.

```yaml
workload:
  arrivals: {poisson: 2/s}          # page views per second
  pages:
    resources:
      user:  {backend: users}
      posts: {backend: posts, after: [user]}   # its key comes from user's result
    boundaries:
      header: [user]
      main: [posts]
strategies:
  sequential: [{page_load: sequential}]
  parallel:   [{page_load: parallel}]
```
Each resource names the backend that serves it; a resource with its own latency is its own
backend (one service, one latency distribution, one queue), which keeps queueing, faults
and per-backend metrics consistent when several resources share a service.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from asyncsim.scenarios.base import Model
from asyncsim.sim.workload.units.page_view import Boundaries, Resource

ModeName = Literal["parallel", "sequential", "declared"]


ResourceList = Annotated[list[str], Field(min_length=1)]


MODE_HELP = ("declared: each resource starts once the resources it comes after settled; "
             "parallel: Promise.all tier by tier; sequential: one at a time in order")


class ResourceConfig(Model):
    """One piece of data the page reads."""

    backend: str = Field(description="the backend that serves this resource")
    after: list[str] = Field(
        default_factory=list,
        description="resources that must settle first (its key comes from their result)")
    key: Literal["page", "client", "global"] = Field(
        default="page", description="what the key varies with: the viewed page (drawn from "
        "workload.keys), the client (per-user data) or nothing (one value for everyone)")

    def to_sim(self, name: str) -> Resource:
        return Resource(name, self.backend, tuple(self.after), self.key)


class PagesConfig(Model):
    """Users view pages; each view loads the page's resources."""

    resources: dict[str, ResourceConfig] = Field(min_length=1)
    mode: ModeName = Field(default="declared", description=MODE_HELP)
    boundaries: dict[str, ResourceList] = Field(
        default_factory=dict,
        description="Suspense boundaries: name -> resources read under it; a boundary shows "
        "once they all settled; resources under none suspend the root boundary 'page'")

    def resource_specs(self) -> tuple[Resource, ...]:
        return tuple(cfg.to_sim(name) for name, cfg in self.resources.items())


def boundaries_spec(boundaries: dict[str, list[str]]) -> Boundaries:
    return tuple((name, tuple(reads)) for name, reads in boundaries.items())
