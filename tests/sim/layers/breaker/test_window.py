"""The breaker's sliding windows agree with a brute-force count of the same outcomes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from asyncsim.sim.layers.breaker.window import FAILED, SLOW, CountWindow, TimeWindow

flags = st.integers(min_value=0, max_value=FAILED | SLOW)


@given(size=st.integers(1, 12), outcomes=st.lists(flags, max_size=60))
def test_count_window_holds_exactly_the_last_n_outcomes(size: int, outcomes: list[int]) -> None:
    window = CountWindow(size)
    for i, flag in enumerate(outcomes):
        window.record(float(i), flag)
        last = outcomes[max(0, i + 1 - size): i + 1]
        assert window.calls == len(last)
        assert window.failures == sum(1 for f in last if f & FAILED)
        assert window.slow == sum(1 for f in last if f & SLOW)


@given(buckets=st.integers(1, 6), width=st.sampled_from([0.5, 1.0, 3.0]),
       events=st.lists(st.tuples(st.floats(0, 5, allow_nan=False), flags), max_size=50))
def test_time_window_holds_the_outcomes_of_the_current_and_previous_buckets(
        buckets: int, width: float, events: list[tuple[float, int]]) -> None:
    window = TimeWindow(buckets * width, buckets)
    now = 0.0
    seen: list[tuple[float, int]] = []
    for gap, flag in events:
        now += gap
        window.record(now, flag)
        seen.append((now, flag))
        current = int(now / width)
        kept = [f for t, f in seen if current - int(t / width) < buckets]
        assert window.calls == len(kept)
        assert window.failures == sum(1 for f in kept if f & FAILED)
        assert window.slow == sum(1 for f in kept if f & SLOW)


def test_reset_empties_both_windows() -> None:
    count, time = CountWindow(3), TimeWindow(10.0, 5)
    for window in (count, time):
        window.record(1.0, FAILED | SLOW)
        window.reset()
        assert (window.calls, window.failures, window.slow) == (0, 0, 0)
        window.record(2.0, FAILED)
        assert (window.calls, window.failures, window.slow) == (1, 1, 0)
