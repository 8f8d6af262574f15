"""Access traces: arrays in order, scaling, looping, and refused input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from asyncsim.calibrate.errors import CalibrationError
from asyncsim.calibrate.trace import Trace, read_trace

RATE, KEYS, ZIPF, N = 50.0, 200, 0.9, 20_000


def _synthetic(tmp_path: Path) -> tuple[Path, np.ndarray]:
    """Poisson arrivals at RATE/s, keys from Zipf(ZIPF) over KEYS, times in ms."""
    rng = np.random.default_rng(11)
    times = np.cumsum(rng.exponential(1 / RATE, N)) + 1_700_000_000.0
    weights = 1 / np.arange(1, KEYS + 1) ** ZIPF
    keys = rng.choice(KEYS, N, p=weights / weights.sum())
    clients = rng.integers(0, 30, N)
    path = tmp_path / "access.csv"
    rows = [f"{t * 1e3:.3f},/item/{k},u{c}" for t, k, c in zip(times, keys, clients,
                                                                strict=True)]
    path.write_text("ts,path,user\n" + "\n".join(rows) + "\n")
    return path, weights / weights.sum()


def test_a_poisson_zipf_trace_reads_back_its_rate_and_popularity(tmp_path: Path) -> None:
    path, popularity = _synthetic(tmp_path)
    trace = read_trace(path, time="ts", key="path", client="user", unit="ms")
    assert len(trace) == N and trace.times[0] == 0.0 and np.all(np.diff(trace.times) >= 0)
    assert trace.rate == pytest.approx(RATE, rel=0.03)
    counts = np.bincount(trace.keys)
    hottest = trace.key_names[int(np.argmax(counts))]
    assert hottest == "/item/0"
    assert counts.max() / N == pytest.approx(popularity[0], rel=0.1)
    assert trace.clients is not None and trace.client_names is not None
    assert len(trace.client_names) == 30


def test_twice_the_time_is_half_the_rate_and_rate_scale_the_inverse(tmp_path: Path) -> None:
    path, _ = _synthetic(tmp_path)
    trace = read_trace(path, time="ts", key="path", unit="ms")
    slow = read_trace(path, time="ts", key="path", unit="ms", time_scale=2.0)
    assert slow.rate == pytest.approx(trace.rate / 2, rel=1e-9)
    assert trace.scaled(rate_scale=2.0).rate == pytest.approx(trace.rate * 2, rel=1e-9)
    assert np.array_equal(slow.keys, trace.keys)


def test_looping_repeats_keys_one_gap_after_the_end(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("t,k\n10,a\n11,b\n13,a\n")
    trace = read_trace(path, time="t", key="k", loop_until_s=10.0)
    # span 3 s over 2 gaps: an average gap of 1.5 s, so a period of 4.5 s
    assert trace.times.tolist() == [0, 1, 3, 4.5, 5.5, 7.5, 9]
    assert [trace.key_names[k] for k in trace.keys] == ["a", "b", "a"] * 2 + ["a"]


@given(gaps=st.lists(st.sampled_from([0.0, 0.1, 0.3, 1.0 / 3, 2.5]), min_size=1, max_size=6)
       .filter(lambda gaps: sum(gaps) > 0),
       x_s=st.sampled_from([-1.0, 0.0, 0.1, 1.0, 2.7, 3.0, 10.0, 31.4, 1e3]),
       until_s=st.sampled_from([0.05, 1.0, 3.0, 10.0, 31.4, 1e3]))
def test_looped_before_counts_what_looped_holds(gaps: list[float], x_s: float,
                                                until_s: float) -> None:
    """The count without the copy is the copy's count, to the record: equal times,
    records on a repetition's seam, and bounds that fall on a record included."""
    times = np.concatenate([[0.0], np.cumsum(gaps)])
    trace = Trace("t", times, np.zeros(len(times), dtype=np.int64), ("k",))
    looped = trace.looped(until_s).times
    assert trace.looped_before(x_s, until_s) == int((looped < x_s).sum())
    for bound in looped[:50]:  # bounds exactly on a record, where rounding would show
        assert trace.looped_before(float(bound), until_s) == int((looped < bound).sum())


def test_sort_true_sorts_stably_and_counts_the_moved_records(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("t,k\n1,a\n3,b\n2,c\n3,d\n")
    trace = read_trace(path, time="t", key="k", sort=True)
    assert trace.times.tolist() == [0, 1, 2, 2]
    assert [trace.key_names[k] for k in trace.keys] == ["a", "c", "b", "d"]
    assert trace.reordered == 2


def test_iso_timestamps_and_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"when": ["2026-03-02T10:00:00Z", "2026-03-02T10:00:01.5Z"],
                             "key": [7, 8]}), path)
    trace = read_trace(path, time="when", key="key")
    assert trace.times.tolist() == [0.0, 1.5] and trace.key_names == ("7", "8")


@pytest.mark.parametrize(("content", "message", "line"), [
    ("", "the file is empty", None),
    ("t,k\n1,a\n3,b\n2,c\n", "timestamps are not sorted: '2' comes before the previous "
                             "record's '3' (sort the file by 't' first)", 4),
    ("t,key\n1,a\n", "no column 'k' (the file has: t, key)", 1),
    ("t,k\n1,a\nsoon,b\n", "timestamp 'soon' in column 't' is not a number", 3),
    ("t,k\n1,a\n2,\n", "empty value in column 'k'", 3),
])
def test_bad_traces_are_refused_at_their_line(tmp_path: Path, content: str, message: str,
                                              line: int | None) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(CalibrationError) as caught:
        read_trace(path, time="t", key="k")
    assert caught.value.message == message and caught.value.line == line
