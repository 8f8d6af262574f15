"""A looped trace replays from its records held once: the same starts, at the same
instants, with the same keys and clients, as the looped copy it replaced (which held
every repetition: gigabytes for a month of a two-minute trace)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from asyncsim.calibrate.trace import Trace
from asyncsim.sim.engine import Environment, RandomStreams
from asyncsim.sim.workload.context import WorkloadContext
from asyncsim.sim.workload.load.models import TraceLoad, start_load

Start = tuple[float, int, int]


def replayed(load: TraceLoad, duration_s: float) -> list[Start]:
    """(instant, key, client) of every unit the load starts in ``duration_s``."""
    env = Environment()
    ctx = WorkloadContext(env, RandomStreams(3, 0), driver=None,  # type: ignore[arg-type]
                          call_for=None, warmup_s=0.0,  # type: ignore[arg-type]
                          duration_s=duration_s)
    seen: list[Start] = []

    def start(client: int) -> None:
        assert ctx.recorded_key is not None
        seen.append((env.now, ctx.recorded_key.current, client))

    start_load(ctx, load, start)
    env.run()
    return seen


@given(gaps=st.lists(st.sampled_from([0.0, 0.1, 0.3, 1.0 / 3, 2.5]), min_size=1, max_size=6)
       .filter(lambda gaps: sum(gaps) > 0),
       duration_s=st.sampled_from([0.05, 1.0, 3.0, 10.0, 31.4]),
       with_clients=st.booleans())
def test_a_looped_trace_starts_what_its_looped_copy_started(
        gaps: list[float], duration_s: float, with_clients: bool) -> None:
    times = np.concatenate([[0.0], np.cumsum(gaps)])
    keys = np.arange(len(times), dtype=np.int64) * 7
    clients = np.arange(len(times), dtype=np.int64) % 3 if with_clients else None
    trace = Trace("t", times, keys, ("k",), clients)
    copy = trace.looped(duration_s)
    held_once = TraceLoad(times, keys, clients, users=3,
                          copies=trace.copies_until(duration_s), period_s=trace.loop_period_s)
    expected = replayed(TraceLoad(copy.times, copy.keys, copy.clients, users=3), duration_s)
    assert replayed(held_once, duration_s) == expected
    assert len(expected) == int((copy.times < duration_s).sum()) > 0
