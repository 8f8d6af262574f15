"""The inlined event loop (sim/engine.py: Environment) against SimPy's own ``run``: the
same processing order, the same stop at ``until``, failures raised, and an ``until``
event's other callbacks kept for the next ``run``, as ``step`` does."""

from __future__ import annotations

import pytest
import simpy
from hypothesis import given
from hypothesis import strategies as st
from simpy.events import AnyOf, Event, Timeout

from asyncsim.sim.engine import Environment, Tick, first_of, race, schedule

Log = list[tuple[float, str]]


def scripted(env: simpy.Environment, delays: list[float], log: Log) -> None:
    """Processes, timeouts at equal times, triggered events and ticks, all logging."""
    def worker(name: str, delay: float):  # type: ignore[no-untyped-def]
        yield env.timeout(delay)
        log.append((env.now, f"{name} woke"))
        done = env.event()
        done.callbacks.append(lambda _: log.append((env.now, f"{name} event")))
        done.succeed()
        yield env.timeout(delay / 2)
        log.append((env.now, f"{name} done"))

    for index, delay in enumerate(delays):
        env.process(worker(f"w{index}", delay))
        schedule(env, Tick((lambda _, i=index: log.append((env.now, f"tick{i}")),)), delay)


@given(delays=st.lists(st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0]), max_size=8),
       until=st.sampled_from([0.75, 1.0, 2.5, None]))
def test_the_inlined_loop_processes_what_simpy_does_in_the_same_order(
        delays: list[float], until: float | None) -> None:
    logs: list[Log] = []
    for env in (simpy.Environment(), Environment()):
        log: Log = []
        scripted(env, delays, log)
        env.run(until=until)
        logs.append([*log, (env.now, "end"), (next(env._eid), "ids")])
    assert logs[0] == logs[1]


def test_an_until_event_keeps_its_other_callbacks_for_the_next_run() -> None:
    results = []
    for env in (simpy.Environment(), Environment()):
        seen: list[float] = []
        stop = Event(env)
        env.process(_succeed_later(env, stop))
        env.process(_wait_for(env, stop, seen))  # registers after run's own callback
        assert env.run(until=stop) == "value"
        seen_at_stop = list(seen)
        env.run(until=10.0)
        results.append((seen_at_stop, seen, env.now, next(env._eid)))
    assert results[0] == results[1]
    assert results[1][0] == [] and results[1][1] == [1.0]


def _succeed_later(env: simpy.Environment, event: Event):  # type: ignore[no-untyped-def]
    yield env.timeout(1.0)
    event.succeed("value")


def _wait_for(env: simpy.Environment, event: Event, seen: list[float]):  # type: ignore[no-untyped-def]
    yield env.timeout(0.5)
    yield event
    seen.append(env.now)


def test_a_failed_event_nobody_handles_crashes_the_run() -> None:
    env = Environment()
    env.event().fail(ValueError("boom"))
    with pytest.raises(ValueError, match="boom"):
        env.run()


def test_until_past_the_last_event_is_refused_as_simpy_does() -> None:
    env = Environment()
    env.run(until=5.0)
    with pytest.raises(ValueError, match="must be greater"):
        env.run(until=5.0)
    event = env.event()
    with pytest.raises(RuntimeError, match="No scheduled events left"):
        env.run(until=event)


def raced(env: simpy.Environment, use_race: bool, event_s: float, event_fails: bool,
          timer_s: float, log: Log) -> None:
    """A waiter on (a process ending ``event_s`` from now, or a timer ``timer_s`` from
    now), amid bystanders that wake at both instants, scheduled before and after it, and
    schedule more at that instant: ties on every side, so any change of the timer's place
    in SimPy's order shows in the log."""
    def outcome(event: Event) -> None:
        log.append((env.now, f"event {'failed' if not event.ok else 'ok'}"))

    def source():  # type: ignore[no-untyped-def]
        yield env.timeout(event_s)
        if event_fails:
            raise ValueError("below")
        return "answer"

    def waiter():  # type: ignore[no-untyped-def]
        work = env.process(source())
        try:
            if use_race:
                yield race(env, work, timer_s)
            else:
                yield AnyOf(env, (work, Timeout(env, timer_s)))
        except ValueError:
            log.append((env.now, "raised"))
            return
        log.append((env.now, f"resumed, event triggered: {work.triggered}"))
        if not work.triggered:
            work.callbacks.append(outcome)
            work.defused = event_fails

    def bystander(name: str, delay: float):  # type: ignore[no-untyped-def]
        yield env.timeout(delay)
        log.append((env.now, name))
        yield env.timeout(0)
        log.append((env.now, f"{name} again"))

    for delay in (event_s, timer_s):
        env.process(bystander("before", delay))
    env.process(waiter())
    for delay in (event_s, timer_s):
        env.process(bystander("after", delay))


@given(event_s=st.sampled_from([0.0, 0.5, 1.0, 2.0]), event_fails=st.booleans(),
       timer_s=st.sampled_from([0.0, 0.5, 1.0, 2.0]))
def test_race_resumes_its_waiter_as_any_of_does(event_s: float, event_fails: bool,
                                                 timer_s: float) -> None:
    """Same instants, same order among ties, same failure raised, same event ids: what
    lets the timeout and bulkhead layers use it without moving any summary."""
    logs: list[Log] = []
    for use_race in (False, True):
        env = Environment()
        log: Log = []
        raced(env, use_race, event_s, event_fails, timer_s, log)
        try:
            env.run()
        except ValueError:  # it failed after the timer had won: nobody handles it
            log.append((env.now, "the run raised"))
        logs.append([*log, (env.now, "end"), (next(env._eid), "ids")])
    assert logs[0] == logs[1]
    assert any(entry[1].startswith(("resumed", "raised", "the run raised"))
               for entry in logs[1])


def firsts(env: simpy.Environment, use_first_of: bool, ends: list[tuple[float, bool]],
           timer_s: float | None, log: Log) -> None:
    """A waiter on the first of several processes (each ending after its delay, failing
    or not) and maybe a Timeout, as the hedge and tied layers wait, amid bystanders that
    wake at every one of those instants and schedule more there."""
    def source(delay: float, fails: bool):  # type: ignore[no-untyped-def]
        yield env.timeout(delay)
        if fails:
            raise ValueError("below")
        return "answer"

    def waiter():  # type: ignore[no-untyped-def]
        works = [env.process(source(delay, fails)) for delay, fails in ends]
        events = [*works, Timeout(env, timer_s)] if timer_s is not None else works
        try:
            yield first_of(env, events) if use_first_of else AnyOf(env, events)
        except ValueError:
            log.append((env.now, "raised"))
        else:
            log.append((env.now, f"resumed, triggered: {[w.triggered for w in works]}"))
        for work in works:
            work.defused = True  # the others are nobody's business any more

    def bystander(name: str, delay: float):  # type: ignore[no-untyped-def]
        yield env.timeout(delay)
        log.append((env.now, name))
        yield env.timeout(0)
        log.append((env.now, f"{name} again"))

    instants = [delay for delay, _ in ends] + ([timer_s] if timer_s is not None else [])
    for delay in instants:
        env.process(bystander("before", delay))
    env.process(waiter())
    for delay in instants:
        env.process(bystander("after", delay))


@given(ends=st.lists(st.tuples(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.booleans()),
                     min_size=1, max_size=3),
       timer_s=st.sampled_from([None, 0.0, 0.5, 1.0]))
def test_first_of_resumes_its_waiter_as_any_of_does(ends: list[tuple[float, bool]],
                                                     timer_s: float | None) -> None:
    logs: list[Log] = []
    for use_first_of in (False, True):
        env = Environment()
        log: Log = []
        firsts(env, use_first_of, ends, timer_s, log)
        try:
            env.run()
        except ValueError:  # one failed after another had come first: nobody handles it
            log.append((env.now, "the run raised"))
        logs.append([*log, (env.now, "end"), (next(env._eid), "ids")])
    assert logs[0] == logs[1]
    assert any(entry[1].startswith(("resumed", "raised", "the run raised"))
               for entry in logs[1])
