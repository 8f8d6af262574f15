"""The main tradeoffs of a run, in plain words, from summary.json alone.

Why generated text: a table of thirty rows per strategy hides the two facts a reader
came for. Each strategy gets one sentence: what it buys (where it is clearly best) and
what it costs (where it is clearly worse than the best), plus its cache behaviour when
it has a cache. 'Clearly' means a paired difference significant at 5% over the
replications *and* large enough to matter (see MIN_RELATIVE, MIN_RATE_POINTS).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from asyncsim.reports.compare.differences import difference
from asyncsim.reports.render.report_data import finite
from asyncsim.reports.render.values import format_number

MIN_RELATIVE = 0.2
"""A difference under 20% of the better value is not a tradeoff worth a sentence."""
MIN_RATE_POINTS = 0.005
"""Nor is a difference of rates under half a percentage point (0.2% vs 0.06% errors)."""


@dataclass(frozen=True)
class Aspect:
    key: str
    unit: str
    good: str
    """How a strategy that is best on this aspect is described ({v}: its value)."""
    bad: str
    """How a strategy clearly worse than the best is described ({best}, {bv}, {ratio}),
    after "but"."""
    bad_alone: str = ""
    """The same as a verb phrase, when the sentence has nothing before it (default: bad)."""


ASPECTS = (
    Aspect("latency.p(99)", "s", "the lowest p99 latency ({v})",
           "a p99 latency of {v} ({best}: {bv})", "has a p99 latency of {v} ({best}: {bv})"),
    Aspect("error_rate", "1", "the fewest failures ({v} of requests)",
           "fails {v} of requests ({best}: {bv})"),
    Aspect("backend_calls", "calls", "the lightest backend load ({v} calls)",
           "sends {ratio} the backend calls of {best}"),
    Aspect("fault_backend_load", "calls/s",
           "the lightest load on a backend in trouble ({v} calls/s during faults)",
           "sends {ratio} the load of {best} to a backend in trouble"),
)
"""Aspects a metric absent from the summary (fault_backend_load without faults) skip."""


def prose_value(value: float, unit: str) -> str:
    """A number as a sentence shows it: the one formatter's text, a count without its unit
    (the sentence names it): 300 ms, 4.12 s, 97.0%, 16,297."""
    return format_number(value, unit, with_unit=False)


def ratio_text(ratio: float) -> str:
    return f"{ratio:.1f}x" if ratio < 10 else f"{ratio:,.0f}x"


class _Run:
    def __init__(self, summary: Mapping[str, Any], order: Sequence[str]) -> None:
        self.strategies = summary.get("strategies", {})
        self.order = [s for s in order if s in self.strategies]

    def mean(self, strategy: str, key: str) -> float:
        entry = self.strategies[strategy]["values"].get(key)
        return finite(entry["mean"]) if entry else math.nan

    def reps(self, strategy: str, key: str) -> list[Any]:
        reps: list[Any] = self.strategies[strategy].get("replications", {}).get(key, [])
        return reps

    def clearly_better(self, a: str, b: str, key: str, unit: str) -> bool:
        """a is lower than b on ``key``, significantly and by enough to matter."""
        va, vb = self.mean(a, key), self.mean(b, key)
        if not (math.isfinite(va) and math.isfinite(vb)) or va >= vb:
            return False
        if unit == "1" and vb - va < MIN_RATE_POINTS:
            return False
        if (vb - va) < MIN_RELATIVE * abs(vb):
            return False
        diff = difference(self.reps(b, key), self.reps(a, key))
        return math.isfinite(diff.p_value) and diff.p_value < 0.05

    def best(self, key: str) -> str | None:
        candidates = [s for s in self.order if math.isfinite(self.mean(s, key))]
        return min(candidates, key=lambda s: self.mean(s, key)) if candidates else None


def _cache_clause(run: _Run, strategy: str) -> str | None:
    """'serves 76% of requests from cache with 15% of answers stale', when it has hits."""
    hit = run.mean(strategy, "hit_rate")
    if not math.isfinite(hit) or hit == 0:
        return None
    clause = f"serves {prose_value(hit, '1')} of requests from cache"
    stale = run.mean(strategy, "stale_rate")
    median = run.mean(strategy, "staleness.med")
    if stale == 0:
        return clause + " with none stale"
    if math.isfinite(median) and median > 0:
        return clause + f" at a median staleness of {prose_value(median, 's')}"
    if math.isfinite(stale):
        return clause + f" with {prose_value(stale, '1')} of answers stale"
    return clause


def _join(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def tradeoff_sentences(summary: Mapping[str, Any], order: Sequence[str]) -> list[str]:
    """One plain sentence per strategy (scenario order); strategy names are not escaped."""
    run = _Run(summary, order)
    if len(run.order) == 1:
        (name,) = run.order
        return [f"{name} answers {prose_value(run.mean(name, 'success_rate'), '1')} of "
                f"requests with a p99 latency of "
                f"{prose_value(run.mean(name, 'latency.p(99)'), 's')} and "
                f"{prose_value(run.mean(name, 'amplification'), '')} backend calls per "
                f"request."]
    sentences = []
    for name in run.order:
        goods, bads, bads_alone = [], [], []
        for aspect in ASPECTS:
            best = run.best(aspect.key)
            if best is None:
                continue
            value = run.mean(name, aspect.key)
            others = [s for s in run.order if s != name]
            if best == name and all(run.clearly_better(name, o, aspect.key, aspect.unit)
                                    for o in others):
                goods.append(aspect.good.format(v=prose_value(value, aspect.unit)))
            elif best != name and run.clearly_better(best, name, aspect.key, aspect.unit):
                best_value = run.mean(best, aspect.key)
                ratio = value / best_value if best_value > 0 else math.inf
                fields = {"v": prose_value(value, aspect.unit), "best": best,
                          "bv": prose_value(best_value, aspect.unit),
                          "ratio": ratio_text(ratio)}
                bads.append(aspect.bad.format(**fields))
                bads_alone.append((aspect.bad_alone or aspect.bad).format(**fields))
        cache = _cache_clause(run, name)
        if goods:
            head = ([cache] if cache else []) + ["has " + _join(goods)]
            text = f"{name} {_join(head)}" + (f", but {_join(bads)}" if bads else "")
        elif cache:
            text = f"{name} {cache}" + (f", but {_join(bads_alone)}" if bads else "")
        elif bads:
            text = f"{name} {_join(bads_alone)}"
        else:
            text = (f"{name} is within noise of the best on p99 latency, failures and "
                    "backend load")
        sentences.append(text + ".")
    return sentences
