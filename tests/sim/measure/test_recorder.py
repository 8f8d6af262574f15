"""The recorder never leaves a view of its columns behind: something that keeps what a
flush folded (a sampling profiler holding the frame, as Dask workers run) used to make the
next clear or append raise BufferError."""

from __future__ import annotations

import numpy as np

from asyncsim.sim.measure.recorder import Recorder
from asyncsim.sim.measure.summaries import Columns, Summaries
from asyncsim.sim.record import PACK


class _Keeping(Summaries):
    """Summaries that keep every chunk they are given."""

    kept: list[Columns]

    def add(self, columns: Columns) -> None:
        self.kept = [*getattr(self, "kept", []), columns]
        super().add(columns)


def _row(recorder: Recorder, t_s: float) -> None:
    recorder.log.rows.extend(PACK.pack(t_s, 0.5, 0, 0, 1, 0, 0, 0, 0, 0.0))


def test_a_kept_chunk_does_not_block_the_next_clear_or_append() -> None:
    summaries = _Keeping(np.linspace(0.0, 100.0, 11), 10.0, 10.0, 10, (1.0, 10.0))
    recorder = Recorder(summaries)
    for t in (1.0, 2.0):
        _row(recorder, t)
    recorder.flush()                 # clears the columns while the chunk is still held
    _row(recorder, 3.0)              # and appends to them
    recorder.flush()
    assert [c["t_start_s"].tolist() for c in summaries.kept] == [[1.0, 2.0], [3.0]]
    assert len(recorder.log) == 0
