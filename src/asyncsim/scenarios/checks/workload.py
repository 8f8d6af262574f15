"""Cross-field checks of client-behaviour workloads (pages, navigation, feed) and of the
strategy items that configure them, each pointing at the field to fix."""

from __future__ import annotations

from asyncsim.scenarios.base import Loc, Problems
from asyncsim.scenarios.models import Scenario, WorkloadConfig
from asyncsim.scenarios.strategy import BEHAVIOUR_ITEMS, LayerItem
from asyncsim.scenarios.workload.pages import PagesConfig

MAX_KEY = 2**31 - 1
"""Keys are stored as 32-bit integers in the request log."""


def named_backends(workload: WorkloadConfig) -> list[tuple[Loc, str]]:
    """Every backend the workload names, with where it is named."""
    if workload.pages is not None:
        return [(("workload", "pages", "resources", name, "backend"), resource.backend)
                for name, resource in workload.pages.resources.items()]
    return [(("workload", "target"), workload.target)] if workload.target is not None else []


def workload_problems(scenario: Scenario) -> Problems:
    workload = scenario.workload
    problems: Problems = []
    if workload.pages is None and workload.target is None:
        what = f"a {workload.behaviour} workload" if workload.behaviour else "the workload"
        problems.append((("workload",), f"{what} needs a target: the backend its requests go "
                                        f"to (allowed: {', '.join(sorted(scenario.backends))})"))
    if workload.pages is not None:
        if workload.target is not None:
            problems.append((("workload", "target"), "a pages workload names the backend of "
                                                     "each resource: remove target"))
        problems += _pages_problems(workload.pages, workload.keys.count)
    problems += _class_problems(scenario)
    if workload.feed is not None:
        feed = workload.feed
        if feed.items < feed.pages * feed.page_size:
            problems.append((("workload", "feed", "items"),
                             f"a session reads {feed.pages} pages of {feed.page_size}: the feed "
                             f"needs at least {feed.pages * feed.page_size} items, not "
                             f"{feed.items}"))
    return problems


def _class_problems(scenario: Scenario) -> Problems:
    workload = scenario.workload
    if not workload.classes:
        prioritised = [name for name, b in scenario.backends.items()
                       if b.queue.discipline == "priority" or b.queue.shed is not None]
        return [(("backends", name, "queue"), "a priority queue or shedding by class needs "
                                              "request classes (workload.classes)")
                for name in prioritised]
    problems: Problems = []
    if workload.behaviour is not None or workload.contention is not None or (
            workload.live is not None):
        problems.append((("workload", "classes"), "request classes apply to plain requests "
                                                  "only"))
    total = sum(c.share for c in workload.classes.values())
    if abs(total - 1) > 1e-9:
        problems.append((("workload", "classes"),
                         f"the classes' shares add up to {total:g}, not 1"))
    return problems


def _pages_problems(pages: PagesConfig, key_count: int) -> Problems:
    base: Loc = ("workload", "pages")
    problems: Problems = []
    names = set(pages.resources)
    for name, resource in pages.resources.items():
        for index, parent in enumerate(resource.after):
            if parent not in names:
                problems.append(((*base, "resources", name, "after", index),
                                 _unknown_resource(parent, names)))
    cycle = _find_cycle(pages)
    if cycle:
        problems.append(((*base, "resources", cycle[0], "after"),
                         f"dependency cycle: {' -> '.join([*cycle, cycle[0]])} (a resource "
                         "cannot wait for itself)"))
    problems += boundary_problems(pages.boundaries, names, (*base, "boundaries"))
    if key_count * len(pages.resources) > MAX_KEY:
        problems.append((("workload", "keys", "count"),
                         f"{key_count} pages x {len(pages.resources)} resources is more keys "
                         f"than a request can carry ({MAX_KEY})"))
    return problems


def boundary_problems(boundaries: dict[str, list[str]], names: set[str], base: Loc) -> Problems:
    return [((*base, boundary, index), _unknown_resource(resource, names))
            for boundary, reads in boundaries.items()
            for index, resource in enumerate(reads) if resource not in names]


def _unknown_resource(name: str, names: set[str]) -> str:
    return f"unknown resource {name!r} (allowed: {', '.join(sorted(names))})"


def _find_cycle(pages: PagesConfig) -> list[str]:
    """One dependency cycle as a list of resource names (empty when there is none)."""
    parents = {name: [p for p in r.after if p in pages.resources]
               for name, r in pages.resources.items()}
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(name: str, path: list[str]) -> list[str]:
        state[name] = 1
        path.append(name)
        for parent in parents[name]:
            if state.get(parent) == 1:
                return path[path.index(parent):]
            if parent not in state:
                found = visit(parent, path)
                if found:
                    return found
        path.pop()
        state[name] = 2
        return []

    for name in pages.resources:
        if name not in state:
            found = visit(name, [])
            if found:
                return found
    return []


def strategy_problems(scenario: Scenario) -> Problems:
    """Behaviour items must fit the workload, once per strategy, and name what exists."""
    workload = scenario.workload
    problems: Problems = []
    for strategy, items in scenario.strategies.items():
        seen: set[str] = set()
        for index, item in enumerate(items):
            if not item.is_behaviour:
                continue
            kind = item.kind
            loc: Loc = ("strategies", strategy, index, kind)
            needs = BEHAVIOUR_ITEMS[kind]
            if workload.behaviour != needs:
                problems.append((loc, f"{kind} applies to a workload with {needs} (this "
                                      f"workload has {workload.behaviour or 'plain requests'})"))
                continue
            if kind in seen:
                problems.append((loc, f"{kind} is set twice in strategy {strategy!r}"))
            seen.add(kind)
            problems += _item_problems(scenario, loc, item)
    return problems


def _item_problems(scenario: Scenario, loc: Loc, item: LayerItem) -> Problems:
    workload = scenario.workload
    if (item.page_load is not None and workload.pages is not None
            and item.page_load.boundaries is not None):
        return boundary_problems(item.page_load.boundaries, set(workload.pages.resources),
                                 (*loc, "boundaries"))
    if (item.prefetch is not None and workload.navigation is not None
            and item.prefetch.settings()["on"] == "press"
            and workload.navigation.press_lead is None):
        return [((*loc, "on"), "on: press needs workload.navigation.press_lead (how long "
                                   "before the click the press happens)")]
    if item.pagination is not None and workload.feed is not None:
        within = item.pagination.prefetch_within
        if within is not None and within > workload.feed.page_size:
            return [((*loc, "prefetch_within"),
                     f"prefetch_within ({within}) must be at most the page size "
                     f"({workload.feed.page_size})")]
    return []
