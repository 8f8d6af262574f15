"""What a run will cost, estimated from the scenario before anything is simulated.

Why: a rate of 10^6/s for an hour, 10,000 replications or 10^12 users all validated and
then ran for hours or died of MemoryError. The estimate is coarse on purpose (a factor of
a few either way) and cheap: expected units of work (requests, page views, sessions) times
strategies times replications, and the memory a run holds at its peak: per-user state,
the key table, a replayed trace's records, the calls waiting or in flight (a backlog that
grows for the whole run when the offered rate exceeds the target's capacity), and a record
per unit for the workloads that log their units (page views, sessions, clicks, live
views, writes). A plain request costs no memory once it is answered: it is folded into
streaming summaries (sim/measure).
``asyncsim validate`` and ``asyncsim run`` refuse a scenario above the limits
(:data:`MAX_REQUESTS`, :data:`MAX_MEMORY_BYTES`); ``--max-requests`` and ``--max-memory``
raise them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from asyncsim.scenarios.build import arrival_spec
from asyncsim.scenarios.checks.limits import MAX_MEMORY_BYTES as MAX_MEMORY_BYTES
from asyncsim.scenarios.checks.limits import MAX_REQUESTS as MAX_REQUESTS
from asyncsim.scenarios.models import Scenario
from asyncsim.scenarios.workload.trace import TraceConfig
from asyncsim.sim.workload.keys import TABLE_MAX_KEYS
from asyncsim.sim.workload.load.arrivals import RateProfile

USER_BYTES = 4096
"""Per simulated user: its client state (cache, retry budget, views), an upper figure."""
REQUEST_BYTES = 200
"""Per unit a workload logs (a page view, a session...), and per call held waiting or in
flight: its request, its queue entry and its events."""
TRACE_RECORD_BYTES = 128
"""Per record of the trace a run replays (held once, however often it loops): its
columns (time, key, client: 24 bytes) and the replay's Python lists of them (a float and
two ints with their pointers; the trace-replay example measures 73 bytes a record in all,
with few enough keys and clients that Python shares their ints), an upper figure."""
REQUESTS_PER_S = 100_000
"""Simulated requests per second of CPU, for the time estimate (benchmarks/mm1)."""
LONG_RUN_S = 60.0
"""From this estimated CPU time on, ``run`` prints the estimate before it starts."""


@dataclass(frozen=True)
class Cost:
    requests_per_replication: float
    runs: int
    memory_bytes: float
    calls_per_request: float = 1.0
    """Backend calls one request makes through the service graph (a fan-out to 100 leaves
    costs about 100 requests' work)."""

    @property
    def requests(self) -> float:
        """The work of the run, in request-equivalents (requests x calls per request)."""
        return self.requests_per_replication * self.runs * self.calls_per_request

    @property
    def cpu_s(self) -> float:
        return self.requests / REQUESTS_PER_S

    def text(self) -> str:
        per_run = self.requests_per_replication
        calls = (f", {self.calls_per_request:.3g} backend calls each"
                 if self.calls_per_request > 1 else "")
        return (f"about {self.requests:.3g} requests ({per_run:.3g} per run x {self.runs} "
                f"runs{calls}), {_bytes(self.memory_bytes)} per process, "
                f"about {_duration(self.cpu_s)} of CPU")


def estimate_cost(scenario: Scenario) -> Cost:
    workload = scenario.workload
    span_s = scenario.duration
    if workload.arrivals is not None and workload.arrivals.trace is not None:
        per_run = _trace_records(workload.arrivals.trace, span_s)
    elif workload.arrivals is not None:
        per_run = RateProfile(arrival_spec(workload.arrivals)).area_between(0.0, span_s)
    elif workload.closed is not None:
        think_s = max(workload.closed.think_time.mean_s, 1e-3)
        per_run = workload.users * span_s / think_s
    elif workload.contention is not None:
        per_run = workload.users * 10.0
    else:  # live views: a few fetches per user per second at most
        per_run = workload.users * span_s
    # Health probes cost as requests do: one per replica per interval.
    per_run += sum(cfg.replicas * span_s / cfg.health_check.interval
                   for cfg in scenario.backends.values() if cfg.health_check is not None)
    keys = workload.keys
    table = min(keys.count, TABLE_MAX_KEYS) * 8.0 if keys.zipf or keys.hot_set else 0.0
    calls = calls_per_request(scenario)
    logged = per_run if _logs_its_units(scenario) else 0.0
    held = min(per_run, _held_calls(scenario, per_run / span_s if span_s > 0 else 0.0)) * calls
    trace = workload.arrivals.trace if workload.arrivals is not None else None
    recorded = len(trace.trace) * TRACE_RECORD_BYTES if trace is not None else 0.0
    memory = (workload.users * USER_BYTES + table + recorded
              + (logged + held) * REQUEST_BYTES)
    runs = len(scenario.strategies) * scenario.replications
    return Cost(per_run, runs, memory, calls)


def _logs_its_units(scenario: Scenario) -> bool:
    """Whether the workload keeps a row per unit (sim/workload/logs/): every workload but
    plain requests (the behaviours that log, prefetch and pagination, need one of these)."""
    workload = scenario.workload
    return any(part is not None for part in (workload.pages, workload.navigation, workload.feed,
                                             workload.live, workload.contention))


def _held_calls(scenario: Scenario, rate_per_s: float) -> float:
    """Calls to the workload's target held at the peak: in flight (rate x mean service
    time, Little's law), plus the backlog when the offered rate exceeds the target's
    capacity (workers x replicas / mean service time): it grows by the difference for the
    whole run, up to what the queue admits. Faults, retries and slowing service are left
    out (a factor of a few)."""
    target = scenario.backends.get(scenario.workload.target or "")
    if target is None or scenario.workload.arrivals is None:
        return 0.0         # closed users hold at most one call each (counted per user)
    service_s = target.latency.mean_s
    if not math.isfinite(service_s) or service_s <= 0:
        return 0.0
    capacity_per_s = target.workers * target.replicas / service_s
    backlog = max(0.0, rate_per_s - capacity_per_s) * scenario.duration
    admitted = min(target.workers + target.queue_limit if target.queue_limit is not None
                   else math.inf,
                   target.queue.max_in_system or math.inf) * target.replicas
    return min(backlog, admitted) + rate_per_s * service_s


def calls_per_request(scenario: Scenario) -> float:
    """Backend calls a request to the workload's target causes through the graph: 1 for its
    own, plus each hop's calls (n for a fan-out, its replicas' answers included) times what
    the callee calls in turn. Retries and hedges are left out (a factor of a few)."""
    backends = scenario.backends
    memo: dict[str, float] = {}

    def cost(name: str, depth: int) -> float:
        if name not in backends or depth > len(backends):  # unknown or cyclic: checked apart
            return 1.0
        if name not in memo:
            total = 1.0
            for step in backends[name].calls:
                for call in step.hops():
                    total += getattr(call, "n", 1) * cost(call.backend, depth + 1)
            memo[name] = total
        return memo[name]

    target = scenario.workload.target
    if target is not None:
        return cost(target, 0)
    return max(cost(name, 0) for name in backends)


def _trace_records(trace: TraceConfig, span_s: float) -> float:
    """Records replayed in ``span_s``: counted without building a looped copy, which
    would itself cost what the estimate is there to refuse."""
    recorded = trace.trace
    if not trace.loop:
        return float((recorded.times < span_s).sum())
    return len(recorded) * span_s / recorded.loop_period_s


def cost_problem(cost: Cost, max_requests: float, max_memory_bytes: float) -> str | None:
    """Why the run is refused, with the estimate and the flag that raises the limit."""
    if not math.isfinite(cost.requests) or cost.requests > max_requests:
        return (f"this run is too large: {cost.text()}; the limit is {max_requests:.3g} "
                "requests (raise it with --max-requests, or shorten the run)")
    if not math.isfinite(cost.memory_bytes) or cost.memory_bytes > max_memory_bytes:
        return (f"this run needs too much memory: {cost.text()}; the limit is "
                f"{_bytes(max_memory_bytes)} (raise it with --max-memory)")
    return None


def _bytes(value: float) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if value >= size:
            return f"{value / size:.3g} {unit}"
    return f"{value:.0f} B"


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.3g} h"
    if seconds >= 60:
        return f"{seconds / 60:.3g} min"
    return f"{seconds:.2g} s"
