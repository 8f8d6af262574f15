"""What one run returns: backend and layer counters, fault windows, the requests' summaries.

Kept apart from sim/simulation.py (which builds and runs the world) so reports can read
the result types without the machinery; sim/simulation.py re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from asyncsim.sim.graph_times import GraphTimes
from asyncsim.sim.layer_books import LayerStats as LayerStats
from asyncsim.sim.measure.recorder import RawSpool
from asyncsim.sim.measure.summaries import Summaries
from asyncsim.sim.replicas.replica_set import ReplicaResult
from asyncsim.sim.workload.logs.container import ClientLogs


@dataclass
class BackendResult:
    workers: int
    calls: int
    errors: int
    rejected: int
    dropped: int
    served: int
    queued: int
    wait_s: float
    utilisation: float
    mean_queue_length: float
    mean_in_service: float
    shed: int | None = None     # calls its queue discipline shed; None: it never sheds


@dataclass(frozen=True)
class FaultWindow:
    """One fault of a backend's timeline, so reports can look at fault time."""

    backend: str
    kind: str
    start_s: float
    end_s: float


@dataclass
class RunResult:
    strategy: str
    replication: int
    requests: dict[str, np.ndarray]
    """Every request's row when the spec keeps them; else no columns (read ``summaries``)."""
    backends: dict[str, BackendResult]
    layers: tuple[LayerStats, ...]
    series_bin_s: float
    series_counts: dict[str, np.ndarray]
    series_averages: dict[str, np.ndarray]
    warmup_s: float
    duration_s: float           # end of the measured window: the spec's, or the early stop
    sim_time_s: float
    events: int
    wall_s: float
    cpu_s: float
    logs: ClientLogs = field(default_factory=ClientLogs)
    faults: tuple[FaultWindow, ...] = ()
    changing_data: bool = False   # some backend's data changes (staleness can happen)
    stopped_at_s: float | None = None   # set when a StopCheck ended the run early
    stop_reason: str | None = None
    replicas: dict[str, tuple[ReplicaResult, ...]] = field(default_factory=dict)  # by backend
    summaries: Summaries | None = None
    """The requests' streaming summaries; None for a result built by hand from columns
    (reports then summarise ``requests``)."""
    spool: RawSpool | None = None
    """Where the run's rows were spooled, when the spec asked (``raw_dir``)."""
    graph: GraphTimes | None = None   # a service graph's timings (sim/graph_times.py)
