"""Three cache tiers on one path: a browser cache (per client), a shared edge cache in
front of the API, and the API's own cache of its database calls (a cache on the hop
api->db). One key, Poisson(λ) requests, fixed TTLs T1 < T2 < T3 from insertion, every
fetch instant (latency 0s: a miss inserts at once), so each tier is docs/validation.md
case 5 fed by the tier above's misses:

- tier 1 sees the Poisson stream: h1 = λT1/(1 + λT1).
- tier 1's misses are a renewal process: after a miss at t the entry is good until t + T1,
  and the next miss is the first request after that, so the gaps are X = T1 + Exp(λ).
  Tier 2 (renewal-reward, case 5's renewal form): h2 = m(T2)/(1 + m(T2)), m the renewal
  function; with T1 < T2 < 2·T1 at most one gap fits in T2, so m(T2) = P(X ≤ T2) =
  1 − e^(−λ(T2−T1)).
- tier 2's misses are the first tier-1 miss after T2: the gap Y is X1 when X1 > T2, else
  X1 + X2 (> 2·T1 > T2). With T2 < T3 < 2·T2 and T3 ≥ T1 + T2, at most one Y fits in T3 and
  P(Y ≤ T3) = [e^(−λa) − e^(−λ(T3−T1))] + [(1 − e^(−λa)) − λa·e^(−λb)], a = T2 − T1,
  b = T3 − 2·T1 (the second bracket: E1 ≤ a and E1 + E2 ≤ b, b ≥ a, integrated over E1).
  h3 = P(Y ≤ T3)/(1 + P(Y ≤ T3)).

The formulas are derived here, not read from the code. Tolerance: 4 SE of the per-
replication hit ratios over 8 independent replications (validation.md §0), each of
5,000 s (~10,000 requests, ~3,000 cycles of the slowest tier). Conservation is exact and
counted: a tier's lookups equal the tier above's misses that called.
"""

from __future__ import annotations

import math

import numpy as np

from asyncsim.reports.metrics.registry import RunView
from asyncsim.reports.metrics.tiers import lookups, passed_down, tier_hit_rate
from tests.validation import theory
from tests.validation.cache_runs import run_strategy

LAM, T1, T2, T3 = 2.0, 1.0, 1.5, 2.6
REPLICATIONS = 8

SCENARIO = f"""
version: 1
name: cache-tiers-theory
seed: 17
duration: 5030s
warmup: 30s
backends:
  api:
    workers: 64
    latency: 0s
    calls:
      - call: {{backend: db, layers: [{{cache: {{ttl: {T3}s}}}}]}}
  db:
    workers: 64
    latency: 0s
workload:
  target: api
  users: 1
  arrivals: {{poisson: {LAM}/s}}
  keys: {{count: 1}}
strategies:
  tiers:
    - cache: {{ttl: {T1}s, scope: client}}
    - cache: {{ttl: {T2}s}}
"""


def expected() -> tuple[float, float, float]:
    h1 = LAM * T1 / (1 + LAM * T1)
    m2 = 1 - math.exp(-LAM * (T2 - T1))
    a, b = T2 - T1, T3 - 2 * T1
    assert T2 < T3 < 2 * T2 and b >= a and T1 < T2 < 2 * T1
    p3 = (math.exp(-LAM * a) - math.exp(-LAM * (T3 - T1))
          + (1 - math.exp(-LAM * a)) - LAM * a * math.exp(-LAM * b))
    return h1, m2 / (1 + m2), p3 / (1 + p3)


def test_three_tiers_hit_ratios_and_conservation() -> None:
    tiers = ("api/0", "api/1", "api->db/0")
    ratios: dict[str, list[float]] = {tier: [] for tier in tiers}
    for replication in range(REPLICATIONS):
        run = run_strategy(SCENARIO, "tiers", replication)
        result = run.result
        layers = {f"{s.target}/{s.position}": s for s in result.layers if s.kind == "cache"}
        assert sorted(layers) == sorted(tiers)
        # conservation, counted: what a tier passes down is what the next one sees
        assert lookups(layers["api/0"]) == run.columns["t_start_s"].size
        assert lookups(layers["api/1"]) == passed_down(layers["api/0"])
        assert lookups(layers["api->db/0"]) == passed_down(layers["api/1"])
        assert result.backends["db"].calls == passed_down(layers["api->db/0"])
        values = tier_hit_rate(RunView(result))
        for tier in tiers:
            ratios[tier].append(values[f"tier_hit_rate{{tier:{tier}}}"])
    for tier, h in zip(tiers, expected(), strict=True):
        sample = np.asarray(ratios[tier])
        se = float(sample.std(ddof=1) / math.sqrt(len(sample)))
        theory.assert_close_4se(float(sample.mean()), se, h, f"tier {tier} hit ratio")
