"""Contention: N clients each complete one conditional write to one shared record.

This is the experiment of the AWS Architecture Blog post 'Exponential Backoff And Jitter'
(2015), modelled as aws-samples/aws-arch-backoff-simulator does: one row with a version
number; a client reads the version, then writes "version + 1 if the version is still v";
if another client's write landed in between, the write fails (a conflict) and the client
retries per its strategy. Every message crosses the network with a one-way delay drawn
from ``network``; the server answers at once in the AWS model (a backend with constant 0
latency and enough workers), or takes its service time if the scenario gives one.

One *attempt* is read + write: out (hop), read at the server, back (hop), out (hop),
conditional write at the server, back (hop). The strategy's layers wrap that whole
attempt, so a retry re-reads before it writes again, and the retry layer's backoff is the
wait between a conflict's answer and the next read (the AWS client sleeps
``net.delay() + backoff(n)``: the hop is the first hop of the next attempt).

Results: a :class:`~asyncsim.sim.workload.logs.contention.ContentionTally` in
``RunResult.logs`` (writes reaching the server, what the AWS post calls "calls";
conflicts; when the last client got its success, the post's "time").
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, ClassVar

from simpy.events import Event, Timeout

from asyncsim.sim.distributions import Distribution
from asyncsim.sim.engine import BlockSampler
from asyncsim.sim.layers.base import Call
from asyncsim.sim.outcome import Outcome, Source, Status
from asyncsim.sim.request import Request
from asyncsim.sim.workload.context import WorkloadContext
from asyncsim.sim.workload.load.models import Burst, LoadModel, start_load
from asyncsim.sim.workload.logs.contention import ContentionTally

RECORD_KEY = 0
"""Every client writes the same record."""


@dataclass(frozen=True)
class ConditionalWrite:
    """Each client of a burst completes one conditional write to the shared record."""

    network: Distribution
    target: str
    LOADS: ClassVar[tuple[type, ...]] = (Burst,)

    @property
    def targets(self) -> tuple[str, ...]:
        return (self.target,)

    def start(self, ctx: WorkloadContext, load: LoadModel) -> None:
        assert isinstance(load, Burst)
        hop = BlockSampler(self.network.draw, ctx.streams.generator("workload:network"))
        record = _Record(ctx, hop)
        call = ctx.call_for(self.target, record.adapt)
        driver, target = ctx.driver, self.target

        def write(client: int) -> None:
            driver.start(call, driver.new_request(RECORD_KEY, client, target))

        start_load(ctx, load, write)


class _Record:
    """The shared record and the read-then-write attempt made against it."""

    def __init__(self, ctx: WorkloadContext, hop: BlockSampler) -> None:
        self.env = ctx.env
        self.version = 0
        self._hop = hop
        self._tally = ctx.logs.add(ContentionTally())

    def adapt(self, backend_call: Call) -> Call:
        def attempt(request: Request) -> Generator[Event, Any, Outcome]:
            env, hop, tally = self.env, self._hop, self._tally
            yield Timeout(env, hop())
            read = yield from backend_call(request)
            if read.status != Status.OK:
                yield Timeout(env, hop())
                return read
            seen = self.version
            yield Timeout(env, hop() + hop())
            write = yield from backend_call(request)
            tally.writes += 1
            won = write.status == Status.OK and self.version == seen
            if won:
                self.version += 1
            elif write.status == Status.OK:
                tally.conflicts += 1
            yield Timeout(env, hop())
            if won:
                tally.completion_s = env._now
                return Outcome(Status.OK, Source.NETWORK, self.version, 1)
            return Outcome(Status.ERROR if write.status == Status.OK else write.status,
                           attempts=1, retry_after_s=write.retry_after_s)
        return attempt
