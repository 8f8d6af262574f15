"""The inlined event loop (sim/engine.py: Environment) against SimPy's own ``run``: the
same processing order, the same stop at ``until``, failures raised, and an ``until``
event's other callbacks kept for the next ``run``, as ``step`` does. And ``first_of`` and
``race`` against ``AnyOf``: the same waiter resumed at the same place in that order."""

from __future__ import annotations

from collections.abc import Callable

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


Wait = Callable[[simpy.Environment, list[Event], float | None], Event]


def any_of(env: simpy.Environment, works: list[Event], timer_s: float | None) -> Event:
    return AnyOf(env, [*works, Timeout(env, timer_s)] if timer_s is not None else works)


def first_of_them(env: simpy.Environment, works: list[Event], timer_s: float | None) -> Event:
    return first_of(env, [*works, Timeout(env, timer_s)] if timer_s is not None else works)


def race_them(env: simpy.Environment, works: list[Event], timer_s: float | None) -> Event:
    assert len(works) == 1 and timer_s is not None
    return race(env, works[0], timer_s)


def waited(wait: Wait, ends: list[tuple[float, bool]], timer_s: float | None) -> Log:
    """A waiter on the first of some processes (each ending after its delay, failing or
    not) and maybe a timer, as the timeout, hedge and tied layers wait, amid bystanders
    that wake at every one of those instants, scheduled before and after it, and schedule
    more there: ties on every side, so any change of place in SimPy's order shows."""
    env = Environment()
    log: Log = []

    def source(delay: float, fails: bool):  # type: ignore[no-untyped-def]
        yield env.timeout(delay)
        if fails:
            raise ValueError("below")
        return "answer"

    def waiter():  # type: ignore[no-untyped-def]
        works = [env.process(source(delay, fails)) for delay, fails in ends]
        try:
            yield wait(env, works, timer_s)
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
    try:
        env.run()
    except ValueError:  # one failed after another had come first: nobody handles it
        log.append((env.now, "the run raised"))
    log += [(env.now, "end"), (next(env._eid), "ids")]
    assert any(entry[1].startswith(("resumed", "raised", "the run raised")) for entry in log)
    return log


ENDS = st.tuples(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.booleans())


@given(end=ENDS, timer_s=st.sampled_from([0.0, 0.5, 1.0, 2.0]))
def test_race_resumes_its_waiter_as_any_of_does(end: tuple[float, bool],
                                                 timer_s: float) -> None:
    """Same instants, same order among ties, same failure raised, same event ids: what
    lets the timeout and bulkhead layers use it without moving any summary."""
    assert waited(race_them, [end], timer_s) == waited(any_of, [end], timer_s)


@given(ends=st.lists(ENDS, max_size=3),
       timer_s=st.sampled_from([None, 0.0, 0.5, 1.0]))
def test_first_of_resumes_its_waiter_as_any_of_does(ends: list[tuple[float, bool]],
                                                     timer_s: float | None) -> None:
    """The same for several processes and maybe a Timeout, as hedge and tied wait."""
    assert waited(first_of_them, ends, timer_s) == waited(any_of, ends, timer_s)
