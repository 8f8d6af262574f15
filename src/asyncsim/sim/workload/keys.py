"""Key popularity: which key each request asks for.

Keys are integers ``0 .. count-1``; under Zipf and hot-set popularity key 0 is the most
popular, so reports and theory checks can name keys by rank.

Up to :data:`TABLE_MAX_KEYS` keys, a non-uniform popularity is drawn by inverse CDF from
a table of every key's cumulative probability (8 bytes a key). Above it, no per-key array
is built: the hot set is two uniform ranges, inverted exactly, and Zipf is drawn by
rejection-inversion (Hörmann & Derflinger 1996, "Rejection-inversion to generate variates
from monotone discrete distributions", as in Apache Commons' RejectionInversionZipfSampler),
which needs O(1) memory and about one uniform per key. Both are exact samplers of the same
distributions, but they consume the random stream differently, so the keys drawn for a
given seed differ from what a table would give; scenarios at or below the threshold (every
bundled example) draw exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import TYPE_CHECKING, Literal, Self

import numpy as np

from asyncsim.sim.engine import blocks

if TYPE_CHECKING:
    from asyncsim.sim.workload.context import WorkloadContext

Popularity = Literal["uniform", "zipf", "hotset"]
TABLE_MAX_KEYS = 1_000_000
"""Most keys drawn from a cumulative table (8 MB); above, the table-free samplers."""


@dataclass(frozen=True)
class KeySpec:
    count: int = 1
    popularity: Popularity = "uniform"
    zipf_alpha: float = 1.0
    hot_fraction: float = 0.2
    hot_share: float = 0.8

    def probabilities(self) -> np.ndarray:
        """Per-key request probability, key 0 first."""
        n = self.count
        if self.popularity == "zipf":
            weights = np.arange(1, n + 1, dtype=float) ** -self.zipf_alpha
            normalised: np.ndarray = weights / weights.sum()
            return normalised
        if self.popularity == "hotset":
            hot = max(1, round(n * self.hot_fraction))
            cold = n - hot
            p = np.empty(n)
            p[:hot] = (self.hot_share if cold else 1.0) / hot
            if cold:
                p[hot:] = (1.0 - self.hot_share) / cold
            return p
        return np.full(n, 1.0 / n)


class KeySampler(partial[int]):
    """Draws keys in blocks, as :class:`~asyncsim.sim.engine.BlockSampler` draws floats:
    uniform by integer draw, others by inverse CDF of one uniform, or, past
    :data:`TABLE_MAX_KEYS` keys, by exact inversion without a per-key table."""

    __slots__ = ()

    def __new__(cls, spec: KeySpec, rng: np.random.Generator) -> Self:
        return super().__new__(cls, next, chain.from_iterable(blocks(_key_blocks(spec), rng)))


def _key_blocks(spec: KeySpec) -> Callable[[np.random.Generator, int], np.ndarray]:
    """``draw(rng, n)``: ``n`` keys of ``spec``."""
    count = spec.count
    if spec.popularity != "uniform" and count > TABLE_MAX_KEYS:
        if spec.popularity == "zipf":
            return lambda rng, n: zipf_block(rng, count, spec.zipf_alpha, n)
        return lambda rng, n: hotset_block(rng, spec, n)
    if spec.popularity == "uniform":
        return lambda rng, n: rng.integers(0, count, n)
    cdf = np.cumsum(spec.probabilities())
    return lambda rng, n: np.minimum(np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right"),
                                     count - 1)


class RecordedKey:
    """The key of the trace record being started: a trace load sets ``current`` before it
    starts each unit, and the unit reads it where it would have drawn a key."""

    __slots__ = ("current",)

    def __init__(self) -> None:
        self.current = 0

    def __call__(self) -> int:
        return self.current


def key_draw(ctx: WorkloadContext, spec: KeySpec, replayed: bool) -> Callable[[], int]:
    """Where a unit's keys come from: the trace's records when ``replayed`` (a trace
    load), else drawn from ``spec`` on the ``workload:keys`` stream."""
    if replayed:
        if ctx.recorded_key is None:
            ctx.recorded_key = RecordedKey()
        return ctx.recorded_key
    if spec.count == 1:  # every draw would be key 0; each caller has its own generator,
        return _only_key  # so skipping them changes no one else's draws
    return KeySampler(spec, ctx.streams.generator("workload:keys"))


def _only_key() -> int:
    return 0


def hotset_block(rng: np.random.Generator, spec: KeySpec, size: int) -> np.ndarray:
    """``size`` hot-set keys by exact inversion of the two-level CDF (no per-key array)."""
    n = spec.count
    hot = max(1, round(n * spec.hot_fraction))
    cold = n - hot
    hot_share = spec.hot_share if cold else 1.0
    u = rng.random(size)
    in_hot = u < hot_share
    keys = np.where(in_hot, np.floor(u / hot_share * hot),
                    hot + np.floor((u - hot_share) / max(1.0 - hot_share, 1e-300) * cold))
    return np.clip(keys.astype(np.int64), 0, n - 1)


def zipf_block(rng: np.random.Generator, n: int, alpha: float, size: int) -> np.ndarray:
    """``size`` ranks (0-based) with P(k) ∝ (k+1)^-alpha, by rejection-inversion.

    The continuous hat h(x) = x^-alpha over [0.5, n+0.5] is inverted from one uniform; the
    candidate rank k = round(x) is kept when it lies in the hat's squeeze or under the
    exact mass of k (acceptance is above 90% for every alpha). Vectorised: candidates are
    drawn in blocks until ``size`` are kept, in order, so the result is deterministic.
    """
    h_x1 = _h_integral(1.5, alpha) - 1.0
    h_n = _h_integral(n + 0.5, alpha)
    squeeze = 2.0 - _h_integral_inverse(_h_integral(2.5, alpha) - 2.0 ** -alpha, alpha)
    kept: list[np.ndarray] = []
    missing = size
    while missing > 0:
        u = h_n + rng.random(missing + missing // 8 + 16) * (h_x1 - h_n)
        x = _h_integral_inverse(u, alpha)
        k = np.clip(np.floor(x + 0.5), 1, n)
        accept = (k - x <= squeeze) | (u >= _h_integral(k + 0.5, alpha) - k ** -alpha)
        chosen = k[accept][:missing]
        kept.append(chosen)
        missing -= len(chosen)
    return np.concatenate(kept).astype(np.int64) - 1


def _h_integral(x: float | np.ndarray, alpha: float) -> np.ndarray:
    """∫ t^-alpha dt from 1 to x, written to stay accurate as alpha nears 1."""
    log_x = np.log(x)
    return np.asarray(_expm1_over((1.0 - alpha) * log_x) * log_x)


def _h_integral_inverse(y: float | np.ndarray, alpha: float) -> np.ndarray:
    t = np.maximum(np.asarray(y) * (1.0 - alpha), -1.0)
    return np.asarray(np.exp(_log1p_over(t) * y))


def _expm1_over(x: np.ndarray) -> np.ndarray:
    """expm1(x)/x, with its limit 1 at 0."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-8
    safe = np.where(small, 1.0, x)
    return np.where(small, 1.0 + x / 2.0, np.expm1(safe) / safe)


def _log1p_over(x: np.ndarray) -> np.ndarray:
    """log1p(x)/x, with its limit 1 at 0."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-8
    safe = np.where(small, 1.0, x)
    with np.errstate(divide="ignore"):
        return np.where(small, 1.0 - x / 2.0, np.log1p(safe) / safe)
