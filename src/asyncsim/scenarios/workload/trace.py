"""Trace replay as written in a scenario: units start at the times an access log recorded.

```yaml
workload:
  target: api
  users: 50                     # clients to spread records over (without a client column)
  arrivals:
    trace:
      file: access.csv          # CSV or Parquet, relative to the scenario file
      time: ts                  # timestamp column: numbers in `unit`, or ISO 8601
      key: path                 # key column: any text; each distinct value is one key
      client: user              # optional client column (default: spread over users)
      unit: s                   # s, ms, us, ns, min, h
      time_scale: 1             # 2: the same records over twice the time (half the rate)
      rate_scale: 1             # 2: twice as fast (times divided by 2)
      loop: false               # true: repeat the trace until the run's duration
      sort: false               # true: sort by time (stable) instead of refusing
      where: {strategy: baseline, replication: 0}   # optional: keep matching records
```
``where`` selects records by column value (one strategy and replication of an asyncsim
``--raw`` requests.csv, which is in completion order: replay it with ``sort: true``).
The file is read and checked when the scenario is validated: a missing column, a value
that is not a time, a timestamp that goes back in time (unless ``sort``) is a problem at
this node naming the file's line and record. The workload's ``keys`` do not apply (the
trace names its keys); the first record is at time 0.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from asyncsim.calibrate.errors import CalibrationError
from asyncsim.calibrate.trace import Trace, read_trace
from asyncsim.scenarios.base import Model


class TraceConfig(Model):
    """Replay an access log: each record starts a unit at its time, with its key (and
    client)."""

    file: Path = Field(description="CSV or Parquet access log, relative to the scenario file")
    time: str = Field(description="timestamp column (numbers in `unit`, or ISO 8601 text)")
    key: str = Field(description="key column: each distinct value is one key")
    client: str | None = Field(
        default=None, description="client column (default: records spread over `users`)")
    unit: str = Field(default="s", description="unit of numeric timestamps: s, ms, us, ns, "
                                               "min, h")
    time_scale: float = Field(default=1.0, gt=0, description="stretch time: 2 = half the rate")
    rate_scale: float = Field(default=1.0, gt=0, description="speed up: 2 = twice the rate")
    loop: bool = Field(default=False, description="repeat the trace until the run ends")
    sort: bool = Field(default=False, description="sort records by time instead of refusing "
                                                  "a trace that goes back in time")
    where: dict[str, str | int] = Field(
        default_factory=dict, description="keep only records whose columns have these values")
    _trace: Trace | None = PrivateAttr(default=None)

    @field_validator("file")
    @classmethod
    def _relative_to_scenario(cls, value: Path, info: ValidationInfo) -> Path:
        """A relative path is read from the scenario's folder, not the working directory."""
        base = (info.context or {}).get("base_dir")
        return value if value.is_absolute() or base is None else Path(base) / value

    @model_validator(mode="after")
    def _read(self) -> TraceConfig:
        """Read the file now, so a bad trace is a validation problem, located."""
        try:
            trace = read_trace(self.file, self.time, self.key, self.client, self.unit,
                               where={k: str(v) for k, v in self.where.items()} or None,
                               sort=self.sort)
        except CalibrationError as err:
            raise ValueError(str(err)) from None
        if self.loop and (len(trace) < 2 or trace.span <= 0):
            raise ValueError(f"{self.file}: a trace must span some time to loop")
        self._trace = trace.scaled(self.time_scale, self.rate_scale)
        return self

    @property
    def trace(self) -> Trace:
        """The records, scaled (not looped: looping needs the run's duration)."""
        assert self._trace is not None
        return self._trace

    def records_between(self, start_s: float, end_s: float) -> int:
        """How many records a run ending at ``end_s`` replays in [start_s, end_s) (for
        the nothing-recorded check), without building a looped copy."""
        trace = self.trace
        if self.loop:
            return (trace.looped_before(end_s, end_s)
                    - trace.looped_before(min(start_s, end_s), end_s))
        return int(((trace.times >= start_s) & (trace.times < end_s)).sum())
