"""Fit latency distributions to samples, and pick the one to write in a scenario.

```python
samples = read_samples(Path("latency.csv"), column="duration", unit="ms")
result = fit_samples(samples, source="latency.csv")
print(result.table())         # every candidate, best first, with its distance
print(result.yaml())          # latency: {lognormal: {median: 80.1ms, p99: 401ms}}
```
Candidates: lognormal, gamma and Pareto by maximum likelihood, a mixture of two
lognormals by EM on the log samples, and the empirical distribution. Goodness of fit is
the Kolmogorov-Smirnov distance (Anderson-Darling as well for the parametric ones).

The pick: the candidates are ranked by KS distance, but the best is the one with the
fewest parameters among those whose distance is within ``1.36/sqrt(n)`` (the KS test's
5% critical value) of the smallest: a distribution the test cannot tell apart from a
better-fitting one is preferred when it is simpler. The empirical distribution always
fits its own data best, so it wins only when every parametric candidate is visibly off.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from asyncsim.calibrate import families as f
from asyncsim.calibrate.columns import numbers, read_table, unit_scale
from asyncsim.calibrate.errors import CalibrationError

KS_CRITICAL = 1.36
"""KS critical value at 5%, times sqrt(n)."""


@dataclass(frozen=True)
class FitResult:
    """Every candidate, ranked (best fit first), and the one to write in a scenario."""

    source: str
    n: int
    kind: str
    """What was fitted: samples, buckets or percentiles (what ``distance`` measures)."""
    ranked: tuple[f.Fitted, ...]
    best: f.Fitted

    def candidate(self, family: str) -> f.Fitted:
        return next(c for c in self.ranked if c.family == family)

    def yaml(self, key: str = "latency") -> str:
        """The best fit as one line of scenario YAML, with a comment saying why."""
        assert self.best.snippet is not None
        note = (f"# best of {len(self.ranked)} candidates fitted to {self.n} {NOUN[self.kind]}"
                f" of {self.source}: {self.best.family}, {DISTANCE[self.kind]} "
                f"{self.best.distance:.4g}")
        return f"{note}\n{key}: {flow(self.best.snippet)}\n"

    def table(self) -> str:
        """A plain-text ranking: family, distance, AD, parameters, and the pick."""
        rows = [f"{'family':<10} {DISTANCE[self.kind]:>13} {'AD':>9}  parameters"]
        for c in self.ranked:
            ad = f"{c.ad:9.3g}" if c.ad is not None else f"{'-':>9}"
            mark = "  <- best" if c is self.best else ""
            if c.snippet is None:
                mark += "  (no scenario syntax)"
            rows.append(f"{c.family:<10} {c.distance:13.4g} {ad}  {_params(c)}{mark}"
                        + (f"  [{c.note}]" if c.note else ""))
        return "\n".join(rows) + "\n"

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "n": self.n, "kind": self.kind,
                "best": self.best.family, "snippet": self.best.snippet,
                "ranked": [{"family": c.family, "distance": c.distance, "ad": c.ad,
                            "params": c.params, "snippet": c.snippet, "note": c.note}
                           for c in self.ranked]}


NOUN = {"samples": "samples", "buckets": "observations in buckets",
        "percentiles": "percentiles"}
DISTANCE = {"samples": "KS", "buckets": "bucket KS", "percentiles": "max rel err"}


def _params(c: f.Fitted) -> str:
    if c.family == "empirical":
        return f"{int(c.params['points'])} points"
    return ", ".join(f"{k}={_show(k, v)}" for k, v in c.params.items())


def _show(name: str, value: float) -> str:
    return f.duration(value) if name.split("_")[0] in _DURATIONS else f"{value:.4g}"


_DURATIONS = {"median", "p99", "mean", "min"}


def flow(value: Any) -> str:
    """YAML flow style for the snippets (mappings, lists, strings without specials, numbers)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def read_samples(path: Path, column: str, unit: str,
                 where: Mapping[str, str] | None = None) -> np.ndarray:
    """Durations in seconds from a CSV or Parquet column written in ``unit`` (of the
    records matching ``where``, see :func:`~asyncsim.calibrate.columns.read_table`)."""
    scale = unit_scale(unit)
    return numbers(read_table(path, [column], where), column, "duration") * scale


def fit_samples(samples_s: Sequence[float] | np.ndarray, source: str = "samples") -> FitResult:
    """Fit every candidate to durations in seconds and rank them (see the module doc)."""
    given = np.asarray(samples_s, dtype=float)
    if len(given) < 2:
        raise CalibrationError(f"{len(given)} sample(s): a fit needs at least 2", source)
    if not np.isfinite(given).all() or (given < 0).any():
        bad = int(np.flatnonzero(~np.isfinite(given) | (given < 0))[0])
        raise CalibrationError(f"duration {given[bad]!r} is NaN, infinite or negative", source,
                               record=bad)
    x = np.sort(given)
    positive = x[x > 0]
    note = ""
    if len(positive) < len(x):
        note = f"fitted to the {len(positive)} positive samples of {len(x)}"
    candidates: list[f.Fitted] = []
    if len(positive) >= 2 and np.ptp(positive) > 0:
        logs = np.log(positive)
        candidates.append(f.lognormal(float(logs.mean()), float(logs.std())))
        shape, _, scale = stats.gamma.fit(positive, floc=0)
        candidates.append(f.gamma(float(shape), float(scale)))
        xm = float(positive[0])
        candidates.append(f.pareto(len(positive) / float(np.sum(logs - math.log(xm))), xm))
        candidates.append(_em_mixture(logs))
    candidates = [replace(c, note=note) for c in candidates]
    candidates.append(f.empirical(x))
    scored = [replace(c, distance=float(stats.kstest(x, c.cdf).statistic),
                      ad=None if c.family == "empirical" else _anderson_darling(x, c))
              for c in candidates]
    return ranked_result(source, len(x), "samples", scored, KS_CRITICAL / math.sqrt(len(x)))


def ranked_result(source: str, n: int, kind: str, scored: list[f.Fitted],
                  slack: float) -> FitResult:
    """Rank by distance; the best is the simplest within ``slack`` of the smallest."""
    ranked = sorted(scored, key=lambda c: c.distance)
    usable = [c for c in ranked if c.snippet is not None and math.isfinite(c.distance)]
    if not usable:
        raise CalibrationError("no candidate distribution could be fitted", source)
    floor = usable[0].distance
    best = min((c for c in usable if c.distance <= floor + slack),
               key=lambda c: (c.n_params, c.distance))
    return FitResult(source, n, kind, tuple(ranked), best)


def _anderson_darling(x: np.ndarray, c: f.Fitted) -> float:
    """A^2 of sorted ``x`` against the fitted CDF (cheap: one CDF evaluation)."""
    n = len(x)
    cdf = np.clip(c.cdf(x), 1e-12, 1 - 1e-12)
    i = np.arange(1, n + 1)
    return float(-n - np.mean((2 * i - 1) * (np.log(cdf) + np.log(1 - cdf[::-1]))))


def _em_mixture(logs: np.ndarray, iterations: int = 200) -> f.Fitted:
    """Two normals on the log samples by EM, started from the lower and upper halves."""
    half = len(logs) // 2
    w = np.array([0.5, 0.5])
    mu = np.array([logs[:half].mean(), logs[half:].mean()])
    sd = np.maximum(np.array([logs[:half].std(), logs[half:].std()]), 1e-3)
    previous = -math.inf
    for _ in range(iterations):
        z = (logs[None, :] - mu[:, None]) / sd[:, None]
        dens = (w / sd)[:, None] * np.exp(-0.5 * z * z)  # the 1/sqrt(2 pi) cancels
        total = np.maximum(dens.sum(axis=0), 1e-300)
        loglik = float(np.log(total).sum())
        resp = dens / total
        nk = np.maximum(resp.sum(axis=1), 1e-9)
        w = nk / len(logs)
        mu = (resp * logs).sum(axis=1) / nk
        sd = np.maximum(np.sqrt((resp * (logs - mu[:, None]) ** 2).sum(axis=1) / nk), 1e-3)
        if loglik - previous < 1e-8 * abs(loglik):
            break
        previous = loglik
    return f.mixture(w, mu, sd)
