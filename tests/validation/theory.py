"""Closed-form reference results for validating asyncsim against theory.

Every formula follows docs/validation.md (the spec); section numbers
below refer to it. Times are in seconds and rates are per second, unless a docstring says
"in requests" (the cache formulas of case 6). All results are steady-state values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import combinations, permutations
from statistics import NormalDist
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
Jitter = Literal["none", "full", "equal"]


def _require_stable(rho: float) -> None:
    if not 0.0 <= rho < 1.0:
        raise ValueError(f"queue is unstable: rho = {rho:g} must be in [0, 1)")


def normal_cdf(z: float) -> float:
    """Standard normal CDF, Φ(z), via math.erf."""
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


# ---------------------------------------------------------------------------------------
# §1  M/M/1: Poisson(lam) arrivals, Exp(mu) service, one FCFS server, infinite queue.
# Response W ~ Exp(mu - lam); the wait Wq has an atom 1 - rho at zero.
# ---------------------------------------------------------------------------------------


def mm1_mean_response(lam: float, mu: float) -> float:
    """E[W] = 1/(μ−λ): mean sojourn time (wait + service)."""
    _require_stable(lam / mu)
    return 1.0 / (mu - lam)


def mm1_mean_wait(lam: float, mu: float) -> float:
    """E[Wq] = ρ/(μ−λ): mean time in queue before service starts."""
    _require_stable(lam / mu)
    return (lam / mu) / (mu - lam)


def mm1_p_wait(lam: float, mu: float) -> float:
    """P(Wq > 0) = ρ (PASTA: an arrival waits iff the server is busy)."""
    _require_stable(lam / mu)
    return lam / mu


def mm1_mean_in_system(lam: float, mu: float) -> float:
    """L = ρ/(1−ρ), the time-average number in system (= λE[W] by Little's law)."""
    rho = lam / mu
    _require_stable(rho)
    return rho / (1.0 - rho)


def mm1_mean_in_queue(lam: float, mu: float) -> float:
    """Lq = ρ²/(1−ρ), the time-average number waiting (= λE[Wq])."""
    rho = lam / mu
    _require_stable(rho)
    return rho * rho / (1.0 - rho)


def mm1_response_survival(lam: float, mu: float, t: float) -> float:
    """P(W > t) = e^{−(μ−λ)t}."""
    _require_stable(lam / mu)
    return math.exp(-(mu - lam) * t)


def mm1_wait_survival(lam: float, mu: float, t: float) -> float:
    """P(Wq > t) = ρ·e^{−(μ−λ)t} for t ≥ 0."""
    _require_stable(lam / mu)
    return (lam / mu) * math.exp(-(mu - lam) * t)


def mm1_response_quantile(lam: float, mu: float, p: float) -> float:
    """p-quantile of W: −ln(1−p)/(μ−λ)."""
    _require_stable(lam / mu)
    return -math.log1p(-p) / (mu - lam)


def mm1_wait_quantile(lam: float, mu: float, p: float) -> float:
    """p-quantile of Wq: max(0, ln(ρ/(1−p))/(μ−λ)); 0 when p ≤ 1−ρ (the atom)."""
    rho = lam / mu
    _require_stable(rho)
    if p <= 1.0 - rho:
        return 0.0
    return math.log(rho / (1.0 - p)) / (mu - lam)


def mm1_wait_asymptotic_variance(lam: float, mu: float) -> float:
    """σ² = ρ(2+5ρ−4ρ²+ρ³)/(μ²(1−ρ)⁴): asymptotic variance per request of the mean wait.

    Var(mean of N consecutive waits) ≈ σ²/N; use it to size runs (see run_length_for_precision).
    The spec quotes it from memory (Daley-type result), checked against replications.
    """
    rho = lam / mu
    _require_stable(rho)
    return rho * (2 + 5 * rho - 4 * rho**2 + rho**3) / (mu**2 * (1 - rho) ** 4)


# ---------------------------------------------------------------------------------------
# §2  M/M/c (Erlang C) and Erlang B. a = λ/μ offered load, ρ = a/c.
# ---------------------------------------------------------------------------------------


def erlang_b(c: int, a: float) -> float:
    """Erlang B blocking B(c, a) by the stable recursion B_k = a·B_{k−1}/(k + a·B_{k−1})."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Erlang C, P(wait > 0) in M/M/c: C = B/(1 − ρ(1 − B)) with B = B(c, a), ρ = a/c < 1."""
    rho = a / c
    _require_stable(rho)
    b = erlang_b(c, a)
    return b / (1.0 - rho * (1.0 - b))


def mmc_mean_wait(c: int, lam: float, mu: float) -> float:
    """E[Wq] = C(c, a)/(cμ − λ)."""
    return erlang_c(c, lam / mu) / (c * mu - lam)


def mmc_mean_response(c: int, lam: float, mu: float) -> float:
    """E[W] = E[Wq] + 1/μ."""
    return mmc_mean_wait(c, lam, mu) + 1.0 / mu


def mmc_p_wait_longer(c: int, lam: float, mu: float, t: float) -> float:
    """P(Wq > t) = C(c, a)·e^{−(cμ−λ)t} for t ≥ 0."""
    return erlang_c(c, lam / mu) * math.exp(-(c * mu - lam) * t)


def mmc_mean_in_queue(c: int, lam: float, mu: float) -> float:
    """Lq = λE[Wq] (Little)."""
    return lam * mmc_mean_wait(c, lam, mu)


def mmc_mean_in_system(c: int, lam: float, mu: float) -> float:
    """L = Lq + a (a = mean number of busy servers)."""
    return mmc_mean_in_queue(c, lam, mu) + lam / mu


# ---------------------------------------------------------------------------------------
# §3  M/G/1 Pollaczek–Khinchine (moments of the service time S), Takács for the variance.
# ---------------------------------------------------------------------------------------


def mg1_mean_wait(lam: float, es: float, es2: float) -> float:
    """P-K: E[Wq] = λE[S²]/(2(1−ρ)), ρ = λE[S]. Depends on S only through E[S], E[S²]."""
    rho = lam * es
    _require_stable(rho)
    return lam * es2 / (2.0 * (1.0 - rho))


def mg1_wait_sd(lam: float, es: float, es2: float, es3: float) -> float:
    """SD(Wq) from Takács: E[Wq²] = 2E[Wq]² + λE[S³]/(3(1−ρ))."""
    ew = mg1_mean_wait(lam, es, es2)
    ew2 = 2.0 * ew * ew + lam * es3 / (3.0 * (1.0 - lam * es))
    return math.sqrt(ew2 - ew * ew)


def md1_mean_wait(lam: float, mu: float) -> float:
    """M/D/1 (deterministic service 1/μ): E[Wq] = ρ/(2μ(1−ρ))."""
    return mg1_mean_wait(lam, 1.0 / mu, 1.0 / mu**2)


def lognormal_params(mean: float, scv: float) -> tuple[float, float]:
    """(μ_ln, σ_ln) of a lognormal with the given mean and squared coefficient of variation."""
    s2 = math.log1p(scv)
    return math.log(mean) - s2 / 2.0, math.sqrt(s2)


def lognormal_moment(mean: float, scv: float, k: int) -> float:
    """E[S^k] = exp(kμ_ln + k²σ_ln²/2) for a lognormal with the given mean and SCV."""
    m, s = lognormal_params(mean, scv)
    return math.exp(k * m + k * k * s * s / 2.0)


# ---------------------------------------------------------------------------------------
# §4  Blocking: M/M/c/K with K = TOTAL capacity (in service + waiting). Arrivals finding K
# present are dropped and not retried. Rejection seen by arrivals = π_K (PASTA).
# M/M/1/K is c = 1; K = c is Erlang B.
# ---------------------------------------------------------------------------------------


def mmck_distribution(c: int, K: int, lam: float, mu: float) -> FloatArray:
    """Stationary π_0..π_K: π_n ∝ aⁿ/n! for n ≤ c and ∝ a^c/c!·ρ^{n−c} above. Any load is fine."""
    if not 1 <= c <= K:
        raise ValueError("need 1 <= c <= K")
    a = lam / mu
    terms: FloatArray = np.empty(K + 1, dtype=np.float64)
    terms[0] = 1.0
    for n in range(1, K + 1):
        terms[n] = terms[n - 1] * a / min(n, c)
    pi: FloatArray = terms / terms.sum()
    return pi


def mmck_blocking(c: int, K: int, lam: float, mu: float) -> float:
    """P_block = π_K, the fraction of arrivals rejected."""
    return float(mmck_distribution(c, K, lam, mu)[-1])


def mmck_mean_in_system(c: int, K: int, lam: float, mu: float) -> float:
    """L = Σ n·π_n (time average)."""
    pi = mmck_distribution(c, K, lam, mu)
    return float(np.dot(np.arange(K + 1), pi))


def mmck_throughput(c: int, K: int, lam: float, mu: float) -> float:
    """Admitted (= completed) rate λ(1 − π_K)."""
    return lam * (1.0 - mmck_blocking(c, K, lam, mu))


def mmck_mean_response(c: int, K: int, lam: float, mu: float) -> float:
    """E[W] of admitted requests = L/(λ(1−π_K)) by Little's law."""
    return mmck_mean_in_system(c, K, lam, mu) / mmck_throughput(c, K, lam, mu)


# ---------------------------------------------------------------------------------------
# §5  TTL cache, one key with Poisson(lam) requests, unlimited capacity, zero fetch time.
# ---------------------------------------------------------------------------------------


def ttl_hit_fixed(lam: float, T: float) -> float:
    """Expiry T after insertion, no refresh on hit: h = λT/(1+λT) (renewal-reward, exact)."""
    return lam * T / (1.0 + lam * T)


def ttl_hit_sliding(lam: float, T: float) -> float:
    """TTL reset on every request: hit iff the previous request was < T ago, h = 1 − e^{−λT}."""
    return -math.expm1(-lam * T)


def zipf_probabilities(n: int, alpha: float) -> FloatArray:
    """p_i ∝ i^{−α}, i = 1..n (index 0 is the most popular key), normalised to sum 1."""
    w = np.arange(1, n + 1, dtype=np.float64) ** -alpha
    p: FloatArray = w / w.sum()
    return p


def _ttl_per_key_hits(rates: FloatArray, T: float, sliding: bool) -> FloatArray:
    x = rates * T
    return -np.expm1(-x) if sliding else x / (1.0 + x)


def ttl_hit_zipf(n: int, alpha: float, total_rate: float, T: float, sliding: bool) -> float:
    """Aggregate hit ratio H = Σ p_i·h(Λp_i, T) with Zipf(α) popularity over n keys."""
    p = zipf_probabilities(n, alpha)
    return float(np.dot(p, _ttl_per_key_hits(total_rate * p, T, sliding)))


def ttl_mean_cached_keys(n: int, alpha: float, total_rate: float, T: float, sliding: bool) -> float:
    """Mean number of keys present: Σ_i h(Λp_i, T) (per key, P(present) equals its hit ratio)."""
    p = zipf_probabilities(n, alpha)
    return float(_ttl_per_key_hits(total_rate * p, T, sliding).sum())


# ---------------------------------------------------------------------------------------
# §6  Capacity-C caches under the independent reference model (IRM), time in REQUESTS.
# Che (LRU) and its FIFO/RANDOM analogue are approximations (≈1 % off at N = 10, below MC
# resolution at N = 10⁴); King (LRU) and Gelenbe (FIFO = RANDOM) are exact for small N.
# ---------------------------------------------------------------------------------------


def _solve_increasing(f: Callable[[float], float], target: float) -> float:
    """Root of f(t) = target for f increasing on t ≥ 0 with f(0) = 0 (bracket, then bisect)."""
    lo, hi = 0.0, 1.0
    while f(hi) < target:
        lo, hi = hi, hi * 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if f(mid) < target:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-13 * hi:
            break
    return 0.5 * (lo + hi)


def _as_probabilities(p: ArrayLike, C: int) -> FloatArray:
    arr = np.asarray(p, dtype=np.float64)
    if not 0 < C < np.count_nonzero(arr):
        raise ValueError("need 0 < C < number of keys with p_i > 0")
    return arr


def che_characteristic_time(p: ArrayLike, C: int) -> float:
    """t_C (in requests) solving Σ_i (1 − e^{−p_i t}) = C: expected distinct keys seen = C."""
    arr = _as_probabilities(p, C)
    return _solve_increasing(lambda t: float(-np.expm1(-arr * t).sum()), C)


def che_lru_hit(p: ArrayLike, C: int) -> float:
    """Che approximation of the LRU hit ratio: H = Σ p_i(1 − e^{−p_i t_C})."""
    arr = _as_probabilities(p, C)
    t = che_characteristic_time(arr, C)
    return float(np.dot(arr, -np.expm1(-arr * t)))


def fifo_characteristic_time(p: ArrayLike, C: int) -> float:
    """t (in requests) solving Σ_i p_i t/(1 + p_i t) = C (FIFO/RANDOM analogue of Che)."""
    arr = _as_probabilities(p, C)
    return _solve_increasing(lambda t: float((arr * t / (1.0 + arr * t)).sum()), C)


def fifo_random_hit(p: ArrayLike, C: int) -> float:
    """Approximate FIFO (= RANDOM under IRM) hit ratio: H = Σ p_i·p_i t/(1 + p_i t)."""
    arr = _as_probabilities(p, C)
    t = fifo_characteristic_time(arr, C)
    return float(np.dot(arr, arr * t / (1.0 + arr * t)))


def lru_hit_exact_king(p: Sequence[float], C: int) -> float:
    """Exact LRU hit ratio (King 1971), product form over ordered C-tuples (MRU first):
    π(i₁..i_C) = Π_j p_{i_j}/(1 − Σ_{l<j} p_{i_l}); H = Σ π·Σ_j p_{i_j}. Feasible for N ≤ ~10.
    """
    probs = [float(x) for x in p]
    hit = 0.0
    for order in permutations(range(len(probs)), C):
        weight, mass = 1.0, 0.0
        for i in order:
            weight *= probs[i] / (1.0 - mass)
            mass += probs[i]
        hit += weight * mass
    return hit


def fifo_hit_exact_gelenbe(p: Sequence[float], C: int) -> float:
    """Exact FIFO = RANDOM hit ratio (Gelenbe 1973): π(S) ∝ Π_{i∈S} p_i over C-subsets S;
    H = Σ π(S)·Σ_{i∈S} p_i. Feasible for N ≤ ~10.
    """
    probs = [float(x) for x in p]
    total = hit = 0.0
    for subset in combinations(probs, C):
        weight = math.prod(subset)
        total += weight
        hit += weight * sum(subset)
    return hit / total


# ---------------------------------------------------------------------------------------
# §7  Retries on independent failures: each attempt fails w.p. p, at most R retries
# (R + 1 attempts). delays[k] is the backoff slept before retry k+1 (len(delays) = R).
# ---------------------------------------------------------------------------------------

_JITTER_FACTOR: dict[str, float] = {"none": 1.0, "full": 0.5, "equal": 0.75}


def exponential_backoff_delays(base: float, cap: float, R: int) -> list[float]:
    """d_k = min(cap, base·2^{k−1}), k = 1..R: first sleep = base (AWS's simulator uses 2·base)."""
    return [min(cap, base * 2.0 ** (k - 1)) for k in range(1, R + 1)]


def retry_success_prob(p: float, R: int) -> float:
    """P(success) = 1 − p^{R+1}."""
    return 1.0 - p ** (R + 1)


def retry_expected_attempts(p: float, R: int) -> float:
    """E[attempts] = Σ_{k=0}^{R} p^k: the load amplification on the backend (R+1 when p = 1)."""
    return sum(p**k for k in range(R + 1))


def retry_expected_attempts_given_success(p: float, R: int) -> float:
    """E[attempts | success] = Σ_{k=0}^{R} (k+1)p^k(1−p) / (1 − p^{R+1})."""
    return sum((k + 1) * p**k * (1 - p) for k in range(R + 1)) / retry_success_prob(p, R)


def retry_expected_sleep(p: float, delays: Sequence[float], jitter: Jitter = "none") -> float:
    """E[total sleep] = f·Σ_k p^k·d_k; retry k happens iff the first k attempts failed.

    f = 1 (no jitter), 1/2 (full jitter U(0, d)), 3/4 (equal jitter d/2 + U(0, d/2)).
    """
    return _JITTER_FACTOR[jitter] * sum(p**k * d for k, d in enumerate(delays, start=1))


def retry_expected_sleep_given_success(
    p: float, delays: Sequence[float], jitter: Jitter = "none"
) -> float:
    """E[sleep | success] = f·Σ_{j=0}^{R} p^j(1−p)·Σ_{k≤j} d_k / (1 − p^{R+1})."""
    R = len(delays)
    cumulative = np.concatenate(([0.0], np.cumsum(np.asarray(delays, dtype=np.float64))))
    total = sum(p**j * (1 - p) * float(cumulative[j]) for j in range(R + 1))
    return _JITTER_FACTOR[jitter] * total / retry_success_prob(p, R)


def retry_expected_latency(
    p: float, delays: Sequence[float], attempt_time: float, jitter: Jitter = "none"
) -> float:
    """E[latency] = τ·E[attempts] + E[total sleep], each attempt taking τ = attempt_time."""
    R = len(delays)
    return attempt_time * retry_expected_attempts(p, R) + retry_expected_sleep(p, delays, jitter)


def layered_retry_expected_calls(p: float, R: int, L: int) -> float:
    """E[bottom calls] with L nested layers of R retries: same as (R+1)^L flat attempts,
    (1 − p^{(R+1)^L})/(1 − p); (R+1)^L under total failure (p = 1).
    """
    return retry_expected_attempts(p, (R + 1) ** L - 1)


def decorrelated_jitter_uncapped_mean(base: float, k: int) -> float:
    """E[s_k] for uncapped decorrelated jitter s_k = U(b, 3s_{k−1}), s₀ = b:
    E[s_k] = (b + 3E[s_{k−1}])/2, i.e. 2b, 3.5b, 5.75b, ... (with a cap there is no closed form).
    """
    s = base
    for _ in range(k):
        s = (base + 3.0 * s) / 2.0
    return s


# ---------------------------------------------------------------------------------------
# §8  Per-attempt timeout t with up to R immediate retries; attempt latency X i.i.d. and
# independent of load (no queueing); late replies ignored.
# ---------------------------------------------------------------------------------------


def exp_timeout_retry_success(mu: float, t: float, R: int) -> float:
    """X ~ Exp(μ): P(success) = 1 − e^{−μt(R+1)}."""
    return -math.expm1(-mu * t * (R + 1))


def exp_timeout_retry_expected_time(mu: float, t: float, R: int) -> float:
    """X ~ Exp(μ): E[time until success or give-up] = P(success)/μ (memorylessness)."""
    return exp_timeout_retry_success(mu, t, R) / mu


def exp_timeout_retry_expected_attempts(mu: float, t: float, R: int) -> float:
    """X ~ Exp(μ): E[attempts] = (1 − e^{−μt(R+1)})/(1 − e^{−μt})."""
    return exp_timeout_retry_success(mu, t, R) / -math.expm1(-mu * t)


def exp_timeout_retry_p_by_deadline(mu: float, t: float, R: int, D: float) -> float:
    """X ~ Exp(μ): P(success by D) = 1 − e^{−μ·min(D, (R+1)t)}."""
    return -math.expm1(-mu * min(D, (R + 1) * t))


def exp_timeout_retry_mean_latency_given_success(mu: float, t: float, R: int) -> float:
    """X ~ Exp(μ): latency | success is Exp(μ) truncated at a = (R+1)t,
    mean 1/μ − a·e^{−μa}/(1 − e^{−μa}). With R → ∞ it is exactly 1/μ.
    """
    a = (R + 1) * t
    return 1.0 / mu - a * math.exp(-mu * a) / -math.expm1(-mu * a)


def lognormal_cdf(x: float, median: float, sigma_ln: float) -> float:
    """F(x) = Φ((ln x − ln median)/σ_ln), with F(x) = 0 for x ≤ 0."""
    if x <= 0.0:
        return 0.0
    return normal_cdf((math.log(x) - math.log(median)) / sigma_ln)


def lognormal_mean(median: float, sigma_ln: float) -> float:
    """E[X] = median·e^{σ²/2}."""
    return median * math.exp(sigma_ln**2 / 2.0)


def lognormal_quantile(median: float, sigma_ln: float, p: float) -> float:
    """q_p = median·e^{σ·Φ⁻¹(p)}."""
    return median * math.exp(sigma_ln * NormalDist().inv_cdf(p))


def lognormal_partial_mean(x: float, median: float, sigma_ln: float) -> float:
    """E[X; X < x] = e^{m+s²/2}·Φ((ln x − m − s²)/s), m = ln median, s = σ_ln."""
    if x <= 0.0:
        return 0.0
    m, s = math.log(median), sigma_ln
    return math.exp(m + s * s / 2.0) * normal_cdf((math.log(x) - m - s * s) / s)


def lognormal_timeout_retry_success(median: float, sigma_ln: float, t: float, R: int) -> float:
    """P(success) = 1 − S(t)^{R+1}, S = 1 − F."""
    return 1.0 - (1.0 - lognormal_cdf(t, median, sigma_ln)) ** (R + 1)


def lognormal_timeout_retry_expected_attempts(
    median: float, sigma_ln: float, t: float, R: int
) -> float:
    """E[attempts] = (1 − S(t)^{R+1})/F(t)."""
    F = lognormal_cdf(t, median, sigma_ln)
    return lognormal_timeout_retry_success(median, sigma_ln, t, R) / F


def lognormal_timeout_retry_expected_time(
    median: float, sigma_ln: float, t: float, R: int
) -> float:
    """E[time until success or give-up] = E[min(X, t)]·E[attempts],
    E[min(X, t)] = E[X; X < t] + t·S(t).
    """
    S = 1.0 - lognormal_cdf(t, median, sigma_ln)
    per_attempt = lognormal_partial_mean(t, median, sigma_ln) + t * S
    return per_attempt * lognormal_timeout_retry_expected_attempts(median, sigma_ln, t, R)


def lognormal_timeout_retry_p_by_deadline(
    median: float, sigma_ln: float, t: float, R: int, D: float
) -> float:
    """P(success by D) = Σ_{k=0}^{R} S(t)^k·F(min(t, max(0, D − kt)))."""
    S = 1.0 - lognormal_cdf(t, median, sigma_ln)
    return sum(
        S**k * lognormal_cdf(min(t, max(0.0, D - k * t)), median, sigma_ln) for k in range(R + 1)
    )


def lognormal_timeout_retry_mean_latency_given_success(
    median: float, sigma_ln: float, t: float, R: int
) -> float:
    """E[latency | success] = Σ_k S^k·(k·t·F + E[X; X < t]) / P(success)."""
    F = lognormal_cdf(t, median, sigma_ln)
    S = 1.0 - F
    partial = lognormal_partial_mean(t, median, sigma_ln)
    total = sum(S**k * (k * t * F + partial) for k in range(R + 1))
    return total / lognormal_timeout_retry_success(median, sigma_ln, t, R)


# Hedged request: send a second copy after delay d if the first is not done; L = min(X₁, d + X₂).


def hedge_exp_mean(mu: float, d: float) -> float:
    """X ~ Exp(μ): E[L] = (1 − e^{−μd}/2)/μ; d = 0 gives Exp(2μ)."""
    return (1.0 - math.exp(-mu * d) / 2.0) / mu


def hedge_exp_quantile(mu: float, d: float, p: float) -> float:
    """X ~ Exp(μ): q_p = −ln(1−p)/μ if p ≤ 1 − e^{−μd}, else (d − ln(1−p)/μ)/2."""
    if p <= -math.expm1(-mu * d):
        return -math.log1p(-p) / mu
    return (d - math.log1p(-p) / mu) / 2.0


def hedge_exp_expected_requests(mu: float, d: float) -> float:
    """Requests sent per call: 1 + S(d) = 1 + e^{−μd}."""
    return 1.0 + math.exp(-mu * d)


def hedge_lognormal_expected_requests(median: float, sigma_ln: float, d: float) -> float:
    """Requests sent per call: 1 + S(d)."""
    return 2.0 - lognormal_cdf(d, median, sigma_ln)


def hedge_lognormal_mean(median: float, sigma_ln: float, d: float, points: int = 4001) -> float:
    """E[L] = ∫₀^d S(x)dx + ∫₀^∞ S(u+d)S(u)du for lognormal X (numerical, log-spaced Simpson).

    The first term is E[min(X, d)] in closed form; the second is integrated over u = e^y.
    """

    def surv(x: float) -> float:
        return 1.0 - lognormal_cdf(x, median, sigma_ln)

    head = lognormal_partial_mean(d, median, sigma_ln) + d * surv(d)
    u_lo = median * 1e-9
    u_hi = lognormal_quantile(median, sigma_ln, 1.0 - 1e-15)
    y = np.linspace(math.log(u_lo), math.log(u_hi), points | 1)
    u = np.exp(y)
    g = np.array([surv(ui + d) * surv(ui) for ui in u]) * u
    h = float(y[1] - y[0])
    tail = h / 3.0 * float(g[0] + g[-1] + 4.0 * g[1:-1:2].sum() + 2.0 * g[2:-1:2].sum())
    return head + u_lo * surv(d) + tail


def hedge_lognormal_quantile(median: float, sigma_ln: float, d: float, p: float) -> float:
    """q_p of L: P(L > x) = S(x) for x < d and S(x)·S(x − d) for x ≥ d (bisection on the latter)."""
    if p <= lognormal_cdf(d, median, sigma_ln):
        return lognormal_quantile(median, sigma_ln, p)

    def tail(x: float) -> float:
        return (1 - lognormal_cdf(x, median, sigma_ln)) * (
            1 - lognormal_cdf(x - d, median, sigma_ln)
        )

    lo, hi = d, d + lognormal_quantile(median, sigma_ln, p)  # tail(hi) ≤ 1 − p
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if tail(mid) > 1.0 - p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def fanout_p_slow(n: int, q: float) -> float:
    """A request waiting on n leaves, each slow w.p. q independently, is slow w.p. 1 − (1−q)^n."""
    return 1.0 - (1.0 - q) ** n


# ---------------------------------------------------------------------------------------
# §9  In-flight dedup / coalescing, one key, Poisson(lam), fetch duration D, no caching
# after completion. Renewal cycle = one fetch (D) + Exp(λ) idle.
# ---------------------------------------------------------------------------------------


def dedup_fetch_rate(lam: float, ED: float) -> float:
    """Backend fetch rate λ/(1 + λE[D])."""
    return lam / (1.0 + lam * ED)


def dedup_fetch_fraction(lam: float, ED: float) -> float:
    """Fraction of requests that start a fetch, 1/(1 + λE[D]) (the rest are coalesced)."""
    return 1.0 / (1.0 + lam * ED)


def dedup_mean_latency(lam: float, ED: float, ED2: float) -> float:
    """Mean latency (E[D] + λE[D²]/2)/(1 + λE[D]); a follower joining u into a fetch waits D − u."""
    return (ED + lam * ED2 / 2.0) / (1.0 + lam * ED)


# ---------------------------------------------------------------------------------------
# §10  Polling vs push. Source changes at Poisson(u); client polls every P with random phase
# and shows each snapshot delta later; observed at a uniformly random time.
# ---------------------------------------------------------------------------------------


def _poll_f(u: float, P: float) -> float:
    return -math.expm1(-u * P) / (u * P)


def poll_p_stale(u: float, P: float, delta: float = 0.0) -> float:
    """P(displayed value is stale) = 1 − e^{−uδ}·(1 − e^{−uP})/(uP)."""
    return 1.0 - math.exp(-u * delta) * _poll_f(u, P)


def poll_mean_age(u: float, P: float, delta: float = 0.0) -> float:
    """Mean age of the displayed snapshot, δ + P/2 (u is unused; kept for a uniform signature)."""
    return delta + P / 2.0


def poll_mean_staleness(u: float, P: float, delta: float = 0.0) -> float:
    """Mean time since the displayed value became outdated (0 if fresh): δ + P/2 − P_stale/u."""
    return delta + P / 2.0 - poll_p_stale(u, P, delta) / u


def poll_versions_behind(u: float, P: float, delta: float = 0.0) -> float:
    """Mean number of source versions behind, u(δ + P/2)."""
    return u * (delta + P / 2.0)


def poll_fraction_versions_missed(u: float, P: float) -> float:
    """Fraction of source versions never displayed, 1 − (1 − e^{−uP})/(uP)."""
    return 1.0 - _poll_f(u, P)


def push_p_stale(u: float, delta: float) -> float:
    """Push with delivery delay δ: P_stale = 1 − e^{−uδ}."""
    return -math.expm1(-u * delta)


def push_versions_behind(u: float, delta: float) -> float:
    """Push with constant delay δ: mean versions not yet delivered, uδ (Little's law: changes
    arrive at rate u and each waits δ). Derived here; not in docs/validation.md."""
    return u * delta


def push_mean_staleness(u: float, delta: float) -> float:
    """Push with constant delay δ: mean time since the shown value became outdated (0 if
    fresh) = δ − P_stale/u. At a random time the shown value is outdated by s or more iff a
    change fell in (t−δ, t−s]: ∫₀^δ (1 − e^{−u(δ−s)}) ds. Derived here; not in
    docs/validation.md."""
    return delta - push_p_stale(u, delta) / u


# ---------------------------------------------------------------------------------------
# §11  Stale-while-revalidate (TanStack-like): fresh for S after fetch COMPLETION; a request at
# age ≥ S is served stale and triggers one deduplicated background fetch of duration D;
# at age ≥ S + W it is a blocking (coalesced) miss. W = math.inf: never blocks; W = 0:
# TTL cache + in-flight dedup. Renewal cycle length S + 1/λ + D, 1 + λS + λD requests.
# ---------------------------------------------------------------------------------------


def swr_fractions(lam: float, S: float, D: float, W: float) -> tuple[float, float, float]:
    """(fresh, stale, miss) request fractions:
    λS/n, (1 − e^{−λW})(1 + λD)/n, e^{−λW}(1 + λD)/n with n = 1 + λS + λD.
    """
    n = 1.0 + lam * S + lam * D
    p_miss = math.exp(-lam * W)
    return lam * S / n, (1.0 - p_miss) * (1.0 + lam * D) / n, p_miss * (1.0 + lam * D) / n


def swr_fetch_rate(lam: float, S: float, D: float) -> float:
    """Backend fetch rate 1/(S + 1/λ + D) = λ/(1 + λ(S + D)), whatever W is."""
    return lam / (1.0 + lam * (S + D))


def swr_mean_latency(lam: float, S: float, D: float, W: float, ED2: float | None = None) -> float:
    """Mean latency e^{−λW}(D + λE[D²]/2)/n (hits and stale serves take 0).

    E[D²] defaults to D² (deterministic D); pass ED2 for a random D with mean D.
    """
    d2 = D * D if ED2 is None else ED2
    n = 1.0 + lam * S + lam * D
    return math.exp(-lam * W) * (D + lam * d2 / 2.0) / n


def swr_mean_stale_age(lam: float, S: float, D: float) -> float:
    """W = ∞, deterministic D: mean age of data served stale, (S + 1/λ) + λD²/(2(1 + λD))."""
    return S + 1.0 / lam + lam * D * D / (2.0 * (1.0 + lam * D))


def swr_mean_age_served(lam: float, S: float, D: float) -> float:
    """W = ∞, deterministic D: mean age of served data, fresh·S/2 + stale·(mean stale age)."""
    fresh, stale, _ = swr_fractions(lam, S, D, math.inf)
    return fresh * S / 2.0 + stale * swr_mean_stale_age(lam, S, D)


# ---------------------------------------------------------------------------------------
# §14  Offset pagination (newest first) with Poisson(r) head inserts, pages of size k read
# as instantaneous snapshots t apart; I ~ Poisson(rt) inserts between consecutive reads.
# ---------------------------------------------------------------------------------------


def _poisson_pmf(i: int, m: float) -> float:
    return math.exp(i * math.log(m) - m - math.lgamma(i + 1)) if m > 0 else float(i == 0)


def offset_pagination_expected_duplicates(k: int, pages: int, r: float, t: float) -> float:
    """E[duplicates] over a walk of `pages` pages.

    pages = 2: exact E[g(I)], g(I) = I for I ≤ k and max(0, 2k − I) above.
    pages > 2: (pages − 1)·E[min(I, k)], exact while all I_j ≤ k and an approximation in
    the heavy regime (rt ≈ k), where the spec's Monte Carlo reference is lower.
    """
    m = r * t
    if pages <= 1:
        return 0.0
    if pages == 2:
        return sum(min(i, max(0, 2 * k - i)) * _poisson_pmf(i, m) for i in range(2 * k))
    below = sum(i * _poisson_pmf(i, m) for i in range(k))
    p_at_least_k = 1.0 - sum(_poisson_pmf(i, m) for i in range(k))
    return (pages - 1) * (below + k * p_at_least_k)


def offset_pagination_p_any_duplicate(pages: int, r: float, t: float) -> float:
    """P(at least one duplicate) = 1 − e^{−(pages−1)rt} (some insert happens between reads)."""
    return -math.expm1(-(pages - 1) * r * t)


# ---------------------------------------------------------------------------------------
# Extra  Consecutive-failure circuit breaker: Poisson(lam) requests, independent failures
# w.p. p; trips after k consecutive failures, open for open_time seconds (requests rejected),
# then one half-open probe (success closes, failure re-opens).
# ---------------------------------------------------------------------------------------


def breaker_closed_requests(p: float, k: int) -> float:
    """N_c = (1 − p^k)/((1 − p)p^k): requests served while closed until k failures in a row."""
    return (1.0 - p**k) / ((1.0 - p) * p**k)


def breaker_rejected_fraction(p: float, k: int, lam: float, open_time: float) -> float:
    """Rejected fraction [λO/(1−p)] / [N_c + λO/(1−p) + 1/(1−p)], O = open_time."""
    rejected = lam * open_time / (1.0 - p)
    probes = 1.0 / (1.0 - p)
    return rejected / (breaker_closed_requests(p, k) + rejected + probes)


def breaker_trip_rate(p: float, k: int, lam: float, open_time: float) -> float:
    """Closed→open transitions per second, 1/(N_c/λ + (O + 1/λ)/(1 − p))."""
    cycle = breaker_closed_requests(p, k) / lam + (open_time + 1.0 / lam) / (1.0 - p)
    return 1.0 / cycle


# ---------------------------------------------------------------------------------------
# §0  Test helpers: batch means and a readable k·SE assertion.
# ---------------------------------------------------------------------------------------


def run_length_for_precision(
    sigma2: float, mean: float, rel: float = 0.01, z: float = 1.96
) -> float:
    """N₁ = (z·σ/(rel·mean))²: requests needed for ±rel at the z confidence level, where σ² is
    the asymptotic variance per request (e.g. batch size × Var(batch means)).
    """
    return (z * math.sqrt(sigma2) / (rel * mean)) ** 2


def batch_means_se(x: ArrayLike, batches: int = 30) -> tuple[float, float]:
    """(mean, standard error) by non-overlapping batch means: SE = sd(batch means)/√B.

    Drops the first len(x) mod B observations (the oldest, closest to warm-up); batches must
    be much longer than the correlation time for the SE to be honest.
    """
    arr = np.asarray(x, dtype=np.float64).ravel()
    size = arr.size // batches
    if batches < 2 or size < 1:
        raise ValueError(f"need >= 2 batches of >= 1 observation, got {arr.size} for {batches}")
    means = arr[arr.size - size * batches :].reshape(batches, size).mean(axis=1)
    return float(means.mean()), float(means.std(ddof=1) / math.sqrt(batches))


def assert_close_4se(
    sim_mean: float, se: float, theory: float, label: str, *, k: float = 4.0, abs_tol: float = 0.0
) -> None:
    """Assert |sim − theory| ≤ max(k·SE, abs_tol); k = 4 keeps false failures ≈ 6·10⁻⁵.

    abs_tol covers approximate references (e.g. Che: max(4·SE, 0.002)).
    """
    diff = sim_mean - theory
    tol = max(k * se, abs_tol)
    if abs(diff) <= tol:
        return
    z = diff / se if se > 0 else math.copysign(math.inf, diff)
    rel = f" ({diff / theory:+.2%})" if theory != 0 else ""
    raise AssertionError(
        f"{label}: sim {sim_mean:.6g} ± {se:.3g} (SE) vs theory {theory:.6g}: "
        f"diff {diff:+.4g}{rel} = {z:+.2f} SE exceeds tolerance {tol:.4g} "
        f"(max({k:g}·SE, abs_tol={abs_tol:g}))"
    )
