"""The reference formulas in theory.py reproduce the worked numbers of docs/validation.md.

Expected values are written exactly as printed in the spec; `near` turns the printed digits
into the tolerance (half a unit in the last printed place), so a test fails only if the
formula disagrees with the spec at the precision the spec states.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.validation import theory as th


def near(printed: str, scale: float = 1.0, ulps: float = 0.5) -> object:
    """pytest.approx for a number printed as `printed`, in units of `scale` (1e-3 for ms).

    The tolerance is `ulps` units in the last printed place (0.5 = correctly rounded).
    """
    if float(printed) == 0.0:
        return pytest.approx(0.0, abs=1e-12)
    decimals = len(printed.partition(".")[2])
    tol = ulps * 10.0**-decimals * scale
    return pytest.approx(float(printed) * scale, rel=1e-12, abs=tol * (1 + 1e-9))


MS = 1e-3

# --------------------------------------------------------------------------------- §1 M/M/1


def test_mm1_example_lambda_08() -> None:
    lam, mu = 0.8, 1.0
    assert th.mm1_mean_response(lam, mu) == near("5.0")
    assert th.mm1_mean_wait(lam, mu) == near("4.0")
    assert th.mm1_mean_in_system(lam, mu) == near("4.0")
    assert th.mm1_mean_in_queue(lam, mu) == near("3.2")
    assert th.mm1_p_wait(lam, mu) == near("0.8")
    assert th.mm1_wait_survival(lam, mu, 5.0) == near("0.294304")
    assert th.mm1_response_survival(lam, mu, 10.0) == near("0.135335")


@pytest.mark.parametrize(
    ("p", "expected"),
    [(0.5, "3.4657"), (0.9, "11.5129"), (0.95, "14.9787"), (0.99, "23.0259"), (0.999, "34.5388")],
)
def test_mm1_response_quantiles(p: float, expected: str) -> None:
    assert th.mm1_response_quantile(0.8, 1.0, p) == near(expected)


@pytest.mark.parametrize(("p", "expected"), [(0.5, "2.3500"), (0.95, "13.8629"), (0.99, "21.9101")])
def test_mm1_wait_quantiles(p: float, expected: str) -> None:
    assert th.mm1_wait_quantile(0.8, 1.0, p) == near(expected)


def test_mm1_wait_quantile_inside_atom_is_zero() -> None:
    assert th.mm1_wait_quantile(0.8, 1.0, 0.1) == 0.0  # P(Wq = 0) = 0.2


def test_mm1_little_law_and_unit_scaling() -> None:
    assert th.mm1_mean_in_system(0.8, 1.0) == pytest.approx(0.8 * th.mm1_mean_response(0.8, 1.0))
    # μ = 100/s, λ = 80/s: same system with times × 10 ms.
    assert th.mm1_mean_response(80.0, 100.0) == pytest.approx(0.05)


@pytest.mark.parametrize(("rho", "expected"), [(0.5, "29.0"), (0.7, "336"), (0.8, "1976")])
def test_mm1_wait_asymptotic_variance(rho: float, expected: str) -> None:
    assert th.mm1_wait_asymptotic_variance(rho, 1.0) == near(expected)


def test_mm1_rejects_unstable_load() -> None:
    with pytest.raises(ValueError, match="unstable"):
        th.mm1_mean_response(1.0, 1.0)


# ------------------------------------------------------------------------ §2 M/M/c, Erlang C


def test_erlang_c_example() -> None:
    c, lam, mu = 4, 3.5, 1.0
    assert th.erlang_c(c, lam / mu) == near("0.737861")
    hand_check = 50.020833 / (17.770833 + 50.020833)
    assert th.erlang_c(c, lam / mu) == pytest.approx(hand_check, abs=1e-8)
    assert th.mmc_mean_wait(c, lam, mu) == near("1.475722")
    assert th.mmc_mean_response(c, lam, mu) == near("2.475722")
    assert th.mmc_mean_in_queue(c, lam, mu) == near("5.165028")
    assert th.mmc_mean_in_system(c, lam, mu) == near("8.665028")


@pytest.mark.parametrize(
    ("t", "expected"), [(0.5, "0.574647"), (1.0, "0.447535"), (2.0, "0.271444"), (5.0, "0.060567")]
)
def test_mmc_wait_tail(t: float, expected: str) -> None:
    assert th.mmc_p_wait_longer(4, 3.5, 1.0, t) == near(expected)


def test_mmc_with_one_server_is_mm1() -> None:
    assert th.erlang_c(1, 0.8) == pytest.approx(0.8)
    assert th.mmc_mean_wait(1, 0.8, 1.0) == pytest.approx(th.mm1_mean_wait(0.8, 1.0))


# ------------------------------------------------------------------------- §3 M/G/1, P-K


@pytest.mark.parametrize(
    ("es2", "es3", "wait", "response", "sd"),
    [
        (1.0, 1.0, "2.0", "3.0", "2.309"),  # deterministic
        (2.0, 6.0, "4.0", "5.0", "4.899"),  # exponential
        (2.0, 8.0, "4.0", "5.0", "5.164"),  # lognormal SCV 1
        (5.0, 125.0, "10.0", "11.0", "16.33"),  # lognormal SCV 4
    ],
)
def test_pollaczek_khinchine_table(
    es2: float, es3: float, wait: str, response: str, sd: str
) -> None:
    lam, es = 0.8, 1.0
    assert th.mg1_mean_wait(lam, es, es2) == near(wait)
    assert th.mg1_mean_wait(lam, es, es2) + es == near(response)
    assert th.mg1_wait_sd(lam, es, es2, es3) == near(sd)


def test_md1_and_ci_case() -> None:
    assert th.md1_mean_wait(0.8, 1.0) == near("2.0")
    assert th.md1_mean_wait(0.5, 1.0) == near("0.5")


@pytest.mark.parametrize(
    ("scv", "mu_ln", "sigma_ln", "es2", "es3"),
    [(1.0, "-0.3466", "0.8326", "2", "8"), (4.0, "-0.8047", "1.2686", "5", "125")],
)
def test_lognormal_service_moments(
    scv: float, mu_ln: str, sigma_ln: str, es2: str, es3: str
) -> None:
    m, s = th.lognormal_params(1.0, scv)
    assert (m, s) == (near(mu_ln), near(sigma_ln))
    assert th.lognormal_moment(1.0, scv, 1) == pytest.approx(1.0)
    assert th.lognormal_moment(1.0, scv, 2) == near(es2)
    assert th.lognormal_moment(1.0, scv, 3) == near(es3)


# ------------------------------------------------------------------------- §4 blocking


@pytest.mark.parametrize(
    ("c", "K", "lam", "block", "L", "w", "x"),
    [
        (1, 5, 0.8, "0.088819", "1.868332", "2.563065", "0.728944"),
        (1, 5, 1.2, "0.250588", "3.021172", "3.359493", "0.899294"),
        (4, 4, 3.5, "0.260271", "2.589051", "1.0", "2.589051"),
        (4, 10, 3.5, "0.058281", "4.856686", "1.473501", "3.296018"),
    ],
)
def test_mmck_table(c: int, K: int, lam: float, block: str, L: str, w: str, x: str) -> None:
    assert th.mmck_blocking(c, K, lam, 1.0) == near(block)
    assert th.mmck_mean_in_system(c, K, lam, 1.0) == near(L)
    assert th.mmck_mean_response(c, K, lam, 1.0) == near(w)
    assert th.mmck_throughput(c, K, lam, 1.0) == near(x)


def test_mmck_special_cases() -> None:
    assert th.mmck_blocking(4, 4, 3.5, 1.0) == pytest.approx(th.erlang_b(4, 3.5))
    assert th.erlang_b(4, 3.5) == near("0.260271")
    assert th.mmck_blocking(1, 5, 1.0, 1.0) == pytest.approx(1 / 6)  # ρ = 1: 1/(K+1)
    assert th.mmck_distribution(4, 10, 3.5, 1.0).sum() == pytest.approx(1.0)


# ------------------------------------------------------------------------- §5 TTL cache


def test_ttl_single_key() -> None:
    assert th.ttl_hit_fixed(2.0, 1.0) == near("0.666667")
    assert th.ttl_hit_sliding(2.0, 1.0) == near("0.864665")


@pytest.mark.parametrize(
    ("alpha", "T", "fixed", "fixed_keys", "sliding", "sliding_keys"),
    [
        (0.8, 1.0, "0.332711", "667", "0.384301", "722"),
        (0.8, 10.0, "0.651697", "3483", "0.740776", "4150"),
        (1.0, 1.0, "0.531139", "469", "0.589611", "512"),
        (1.0, 10.0, "0.757044", "2430", "0.815730", "2813"),
    ],
)
def test_ttl_zipf_table(
    alpha: float, T: float, fixed: str, fixed_keys: str, sliding: str, sliding_keys: str
) -> None:
    n, rate = 10_000, 1000.0
    assert th.ttl_hit_zipf(n, alpha, rate, T, sliding=False) == near(fixed)
    assert th.ttl_hit_zipf(n, alpha, rate, T, sliding=True) == near(sliding)
    assert th.ttl_mean_cached_keys(n, alpha, rate, T, sliding=False) == near(fixed_keys)
    assert th.ttl_mean_cached_keys(n, alpha, rate, T, sliding=True) == near(sliding_keys)


def test_zipf_probabilities() -> None:
    p = th.zipf_probabilities(10, 1.0)
    assert p.sum() == pytest.approx(1.0)
    assert p[0] / p[9] == pytest.approx(10.0)
    assert np.all(np.diff(p) < 0)


# ------------------------------------------------------------------ §6 LRU / FIFO under IRM


@pytest.mark.parametrize(
    ("alpha", "C", "lru", "fifo", "che", "fifo_approx"),
    [
        (0.8, 1, "0.147863", "0.147863", "0.143688", "0.140187"),
        (0.8, 3, "0.407837", "0.391982", "0.403627", "0.381824"),
        (0.8, 5, "0.622655", "0.593698", "0.622695", "0.585909"),
        (1.0, 1, "0.180650", "0.180650", "0.172797", "0.166392"),
        (1.0, 3, "0.470664", "0.445104", "0.465724", "0.429520"),
        (1.0, 5, "0.681364", "0.641709", "0.683073", "0.631095"),
    ],
)
def test_cache_small_n_exact_and_approx(
    alpha: float, C: int, lru: str, fifo: str, che: str, fifo_approx: str
) -> None:
    p = th.zipf_probabilities(10, alpha)
    assert th.lru_hit_exact_king(p, C) == near(lru)
    assert th.fifo_hit_exact_gelenbe(p, C) == near(fifo)
    assert th.che_lru_hit(p, C) == near(che)
    assert th.fifo_random_hit(p, C) == near(fifo_approx)


def test_cache_capacity_one_is_sum_of_squares() -> None:
    p = th.zipf_probabilities(10, 1.0)
    expected = float(np.sum(p**2))
    assert th.lru_hit_exact_king(p, 1) == pytest.approx(expected)
    assert th.fifo_hit_exact_gelenbe(p, 1) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("alpha", "C", "t_che", "h_che", "t_fifo", "h_fifo"),
    [
        (0.8, 100, "110.79", "0.156625", "115.42", "0.133625"),
        (0.8, 1000, "1472.48", "0.436660", "1650.65", "0.394179"),
        (1.0, 100, "141.24", "0.390525", "152.05", "0.342332"),
        (1.0, 1000, "2352.18", "0.675602", "2709.34", "0.630906"),
    ],
)
def test_che_and_fifo_main_table(
    alpha: float, C: int, t_che: str, h_che: str, t_fifo: str, h_fifo: str
) -> None:
    p = th.zipf_probabilities(10_000, alpha)
    assert th.che_characteristic_time(p, C) == near(t_che)
    assert th.che_lru_hit(p, C) == near(h_che)
    assert th.fifo_characteristic_time(p, C) == near(t_fifo)
    assert th.fifo_random_hit(p, C) == near(h_fifo)


def test_che_rejects_capacity_not_below_key_count() -> None:
    with pytest.raises(ValueError):
        th.che_lru_hit(th.zipf_probabilities(10, 1.0), 10)


# ------------------------------------------------------------------------------ §7 retries


def test_retry_examples() -> None:
    assert th.retry_success_prob(0.3, 3) == near("0.9919")
    assert 1 - th.retry_success_prob(0.3, 3) == near("0.0081")
    assert th.retry_expected_attempts(0.3, 3) == near("1.417")
    assert th.retry_expected_attempts_given_success(0.3, 3) == near("1.395907")
    assert th.retry_success_prob(0.5, 5) == near("0.984375")
    assert th.retry_expected_attempts(0.5, 5) == near("1.96875")
    assert th.retry_success_prob(0.1, 2) == near("0.999")
    assert th.retry_expected_attempts(0.1, 2) == near("1.11")
    assert th.retry_expected_attempts(1.0, 3) == 4  # total outage: amplification R + 1


@pytest.mark.parametrize(
    ("jitter", "sleep", "sleep_success", "latency"),
    [
        ("none", "58.8", "53.564", "87.14"),
        ("full", "29.4", "26.782", "57.74"),
        ("equal", "44.1", "40.173", "72.44"),
    ],
)
def test_retry_sleep_table(jitter: th.Jitter, sleep: str, sleep_success: str, latency: str) -> None:
    delays = th.exponential_backoff_delays(0.1, 1.0, 3)
    assert delays == pytest.approx([0.1, 0.2, 0.4])
    assert th.retry_expected_sleep(0.3, delays, jitter) == near(sleep, MS)
    assert th.retry_expected_sleep_given_success(0.3, delays, jitter) == near(sleep_success, MS)
    # The MC latencies imply τ = 20 ms per attempt.
    assert th.retry_expected_latency(0.3, delays, 0.020, jitter) == near(latency, MS)


def test_retry_sleep_with_cap() -> None:
    delays = th.exponential_backoff_delays(0.1, 1.0, 5)
    assert delays == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.0])
    assert th.retry_expected_sleep(0.5, delays, "none") == near("231.25", MS)
    assert th.retry_expected_sleep(0.5, delays, "full") == near("115.625", MS)
    assert th.retry_expected_sleep(0.5, delays, "equal") == near("173.438", MS)


def test_decorrelated_jitter_uncapped_means() -> None:
    means = [th.decorrelated_jitter_uncapped_mean(1.0, k) for k in range(1, 5)]
    assert means == pytest.approx([2.0, 3.5, 5.75, 9.125])
    # b = 100 ms: "the cap binds from k=3 on; uncapped would be 575 and 912.5" (k = 3, 4).
    assert th.decorrelated_jitter_uncapped_mean(0.1, 3) == near("575", MS)
    assert th.decorrelated_jitter_uncapped_mean(0.1, 4) == near("912.5", MS)


def test_layered_retries() -> None:
    assert th.layered_retry_expected_calls(1.0, 3, 3) == 64
    assert th.layered_retry_expected_calls(1.0, 2, 3) == 27
    assert th.layered_retry_expected_calls(0.3, 2, 3) == near("1.428571")
    assert th.layered_retry_expected_calls(0.3, 3, 1) == pytest.approx(
        th.retry_expected_attempts(0.3, 3)
    )


# ------------------------------------------------------------------ §8 timeouts and hedging


def test_exponential_timeout_retry_example_a() -> None:
    mu, t, R = 10.0, 0.150, 2
    assert th.exp_timeout_retry_success(mu, t, R) == near("0.988891")
    assert th.exp_timeout_retry_expected_time(mu, t, R) == near("98.889", MS)
    assert th.exp_timeout_retry_expected_attempts(mu, t, R) == near("1.272917")
    assert th.exp_timeout_retry_p_by_deadline(mu, t, R, 0.200) == near("0.864665")
    assert th.exp_timeout_retry_mean_latency_given_success(mu, t, R) == near("94.945", MS)


def test_exponential_timeout_unlimited_retries_keep_mean() -> None:
    # Memorylessness: timeouts + immediate retries do not change latency of Exp service.
    assert th.exp_timeout_retry_mean_latency_given_success(10.0, 0.15, 10_000) == pytest.approx(0.1)


def test_lognormal_basics() -> None:
    m, s = 0.050, 1.0
    assert th.lognormal_mean(m, s) == near("82.436", MS)
    assert th.lognormal_quantile(m, s, 0.99) == near("512", MS)
    assert th.lognormal_cdf(0.200, m, s) == near("0.917171")
    assert th.lognormal_cdf(0.300, m, s) == near("0.963414")
    assert th.lognormal_cdf(0.0, m, s) == 0.0
    assert th.lognormal_quantile(m, s, 0.95) == near("259.01", MS)
    assert th.lognormal_partial_mean(1e9, m, s) == pytest.approx(th.lognormal_mean(m, s))


def test_lognormal_timeout_retry_example_b() -> None:
    m, s, t, R = 0.050, 1.0, 0.200, 2
    assert th.lognormal_timeout_retry_success(m, s, t, R) == near("0.999432")
    assert th.lognormal_timeout_retry_expected_attempts(m, s, t, R) == near("1.089689")
    assert th.lognormal_timeout_retry_expected_time(m, s, t, R) == near("76.473", MS)
    # Exact value 76.17549 ms; the spec prints 76.176 (double rounding), so allow 1 ulp.
    latency = th.lognormal_timeout_retry_mean_latency_given_success(m, s, t, R)
    assert latency == near("76.176", MS, ulps=1)
    assert th.lognormal_timeout_retry_p_by_deadline(m, s, t, R, 0.300) == near("0.979781")


@pytest.mark.parametrize(
    ("d_ms", "mean", "requests", "p50", "p99"),
    [
        (0, "50.000", "2.000", "34.657", "230.259"),
        (50, "69.674", "1.606531", "59.657", "255.259"),
        (100, "81.606", "1.367879", "69.315", "280.259"),
        (200, "93.233", "1.135335", "69.315", "330.259"),
    ],
)
def test_hedging_exponential_table(
    d_ms: float, mean: str, requests: str, p50: str, p99: str
) -> None:
    mu, d = 10.0, d_ms * MS
    # d = 50 ms: exact E[L] = 69.67347 ms, printed 69.674 (double rounding), so allow 1 ulp.
    assert th.hedge_exp_mean(mu, d) == near(mean, MS, ulps=1)
    assert th.hedge_exp_expected_requests(mu, d) == near(requests)
    assert th.hedge_exp_quantile(mu, d, 0.50) == near(p50, MS)
    assert th.hedge_exp_quantile(mu, d, 0.99) == near(p99, MS)


def test_hedging_exponential_limits() -> None:
    assert th.hedge_exp_quantile(10.0, 1e9, 0.99) == near("460.517", MS)  # never hedges
    assert th.hedge_exp_mean(10.0, 1e9) == pytest.approx(0.1)


def test_hedging_lognormal() -> None:
    m, s = 0.050, 1.0
    assert th.hedge_lognormal_mean(m, s, 0.0) == near("39.528", MS)
    assert th.hedge_lognormal_quantile(m, s, 0.0, 0.99) == near("180.1", MS)
    assert th.hedge_lognormal_quantile(m, s, 0.0, 0.999) == near("320.4", MS)
    d = th.lognormal_quantile(m, s, 0.95)
    assert th.hedge_lognormal_mean(m, s, d) == near("76.495", MS)
    assert th.hedge_lognormal_expected_requests(m, s, d) == near("1.05")
    assert th.hedge_lognormal_quantile(m, s, d, 0.99) == near("333.33", MS)
    assert th.hedge_lognormal_quantile(m, s, d, 0.999) == near("465.65", MS)
    # Without hedging (d → ∞) the formulas fall back to X itself.
    assert th.hedge_lognormal_mean(m, s, 1e6) == near("82.436", MS)
    assert th.hedge_lognormal_quantile(m, s, 1e6, 0.999) == near("1099.1", MS)


def test_fanout() -> None:
    assert th.fanout_p_slow(100, 0.01) == near("0.633968")


# --------------------------------------------------------------------------- §9 dedup


def test_dedup_example() -> None:
    lam, ed = 10.0, 0.2
    assert th.dedup_fetch_rate(lam, ed) == near("3.3333")
    assert th.dedup_fetch_fraction(lam, ed) == pytest.approx(1 / 3)
    assert th.dedup_mean_latency(lam, ed, ed**2) == near("0.13333")  # deterministic D
    assert th.dedup_mean_latency(lam, ed, 2 * ed**2) == near("0.2")  # exponential D


# ----------------------------------------------------------------------- §10 polling / push


@pytest.mark.parametrize(
    ("delta", "stale", "age", "staleness", "behind", "push"),
    [
        (0.0, "0.213061", "2.5", "0.369387", "0.25", "0"),
        (0.2, "0.228644", "2.7", "0.413563", "0.27", "0.019801"),
    ],
)
def test_polling_table(
    delta: float, stale: str, age: str, staleness: str, behind: str, push: str
) -> None:
    u, P = 0.1, 5.0
    assert th.poll_p_stale(u, P, delta) == near(stale)
    assert th.poll_mean_age(u, P, delta) == near(age)
    assert th.poll_mean_staleness(u, P, delta) == near(staleness)
    assert th.poll_versions_behind(u, P, delta) == near(behind)
    assert th.push_p_stale(u, delta) == near(push)


def test_polling_versions_missed_equals_instant_staleness() -> None:
    assert th.poll_fraction_versions_missed(0.1, 5.0) == pytest.approx(th.poll_p_stale(0.1, 5.0))


# --------------------------------------------------------------- §11 stale-while-revalidate


@pytest.mark.parametrize(
    ("lam", "S", "D", "W", "fresh", "stale", "miss", "rate", "latency"),
    [
        (5.0, 2.0, 0.5, math.inf, "0.740741", "0.259259", "0", "0.370370", "0"),
        (1.0, 2.0, 0.5, math.inf, "0.571429", "0.428571", "0", "0.285714", "0"),
        (1.0, 2.0, 0.5, 1.0, "0.571429", "0.270909", "0.157663", "0.285714", "0.065693"),
        (0.5, 1.0, 0.3, 0.5, "0.303030", "0.154169", "0.542801", "0.303030", "0.152220"),
        (5.0, 2.0, 0.5, 0.0, "0.740741", "0", "0.259259", "0.370370", "0.083333"),
    ],
)
def test_swr_table(
    lam: float,
    S: float,
    D: float,
    W: float,
    fresh: str,
    stale: str,
    miss: str,
    rate: str,
    latency: str,
) -> None:
    assert th.swr_fractions(lam, S, D, W) == (near(fresh), near(stale), near(miss))
    assert sum(th.swr_fractions(lam, S, D, W)) == pytest.approx(1.0)
    assert th.swr_fetch_rate(lam, S, D) == near(rate)
    assert th.swr_mean_latency(lam, S, D, W) == near(latency)


def test_swr_mean_age_served() -> None:
    assert th.swr_mean_age_served(5.0, 2.0, 0.5) == near("1.357407")
    assert th.swr_mean_stale_age(5.0, 2.0, 0.5) == near("2.378571")
    assert th.swr_mean_age_served(1.0, 2.0, 0.5) == near("1.892857")


def test_swr_window_zero_is_ttl_with_dedup() -> None:
    lam, T, D = 5.0, 2.0, 0.5
    fresh, stale, miss = th.swr_fractions(lam, T, D, 0.0)
    assert fresh == pytest.approx(lam * T / (1 + lam * (T + D)))
    assert (stale, miss) == (0.0, pytest.approx((1 + lam * D) / (1 + lam * (T + D))))
    # Exponential D (E[D²] = 2D²) needs the ED2 override.
    assert th.swr_mean_latency(lam, T, D, 0.0, ED2=2 * D * D) > th.swr_mean_latency(lam, T, D, 0.0)


# ------------------------------------------------------------------- §14 offset pagination


@pytest.mark.parametrize(
    ("k", "pages", "r", "t", "expected"),
    [(20, 10, 0.5, 5.0, "22.5"), (20, 2, 0.5, 5.0, "2.5000"), (50, 5, 1.0, 2.0, "8.0")],
)
def test_offset_pagination_duplicates(
    k: int, pages: int, r: float, t: float, expected: str
) -> None:
    assert th.offset_pagination_expected_duplicates(k, pages, r, t) == near(expected)


def test_offset_pagination_heavy_regime_and_p_any() -> None:
    # (P−1)·E[min(I, k)] = 164.01 is the spec's approximation; its MC reference is 163.20.
    assert th.offset_pagination_expected_duplicates(20, 10, 4.0, 5.0) == near("164.01")
    assert th.offset_pagination_p_any_duplicate(2, 0.5, 5.0) == near("0.9179")
    assert th.offset_pagination_expected_duplicates(20, 1, 0.5, 5.0) == 0.0


# ---------------------------------------------------------------- Extra: circuit breaker


@pytest.mark.parametrize(
    ("p", "k", "lam", "open_time", "n_closed", "rejected", "trips"),
    [
        (0.5, 5, 10.0, 1.0, "62", "0.238095", "0.119048"),
        (0.2, 3, 50.0, 0.5, "155", "0.166667", "0.266667"),
    ],
)
def test_breaker_table(
    p: float, k: int, lam: float, open_time: float, n_closed: str, rejected: str, trips: str
) -> None:
    assert th.breaker_closed_requests(p, k) == near(n_closed)
    assert th.breaker_rejected_fraction(p, k, lam, open_time) == near(rejected)
    assert th.breaker_trip_rate(p, k, lam, open_time) == near(trips)


# ------------------------------------------------------------------ §0 statistical helpers


def test_normal_cdf_and_4se_false_failure_rate() -> None:
    assert th.normal_cdf(0.0) == 0.5
    assert th.normal_cdf(1.96) == pytest.approx(0.975, abs=1e-4)
    assert 2 * (1 - th.normal_cdf(4.0)) == pytest.approx(6e-5, rel=0.1)  # "near 6·10⁻⁵"


def test_run_length_for_precision() -> None:
    # §10: per-interval sd 0.320 around P_stale = 0.213061 → 8.7·10⁴ intervals.
    n_poll = th.run_length_for_precision(0.320**2, th.poll_p_stale(0.1, 5.0))
    assert n_poll == pytest.approx(8.7e4, rel=0.01)
    # §14: Poisson dups, σ² = mean = (P−1)rt = 22.5 → 1.7·10³ walks.
    assert th.run_length_for_precision(22.5, 22.5) == pytest.approx(1.7e3, rel=0.01)
    # §0: at N = N₁ the relative SE is 0.51 %.
    rel_se_at_n1 = 0.01 / 1.96
    assert rel_se_at_n1 == pytest.approx(0.0051, abs=5e-5)


def test_batch_means_se_exact_batches() -> None:
    # 5 leading observations are dropped; the rest form batches with means 0..29.
    x = np.concatenate([np.full(5, 1e6), np.repeat(np.arange(30.0), 10)])
    mean, se = th.batch_means_se(x, batches=30)
    assert mean == pytest.approx(14.5)
    assert se == pytest.approx(math.sqrt(77.5 / 30))


def test_batch_means_se_iid() -> None:
    x = np.random.default_rng(1).normal(3.0, 2.0, size=300_000)
    mean, se = th.batch_means_se(x)
    assert se == pytest.approx(2.0 / math.sqrt(x.size), rel=0.35)
    th.assert_close_4se(mean, se, 3.0, "iid normal mean")


def test_batch_means_se_rejects_too_little_data() -> None:
    with pytest.raises(ValueError):
        th.batch_means_se(np.ones(10), batches=30)


def test_assert_close_4se_message() -> None:
    th.assert_close_4se(1.03, 0.01, 1.0, "inside 4 SE")
    th.assert_close_4se(0.440, 0.0001, 0.4366, "Che", abs_tol=0.002 * 2)
    with pytest.raises(AssertionError, match=r"E\[W\] rho=0.5: sim 1.05 .* theory 1: .*\+5\.00 SE"):
        th.assert_close_4se(1.05, 0.01, 1.0, "E[W] rho=0.5")


def test_workflow_mm1_lindley_against_theory() -> None:
    """End-to-end use of the helpers: M/M/1 at ρ = 0.5 (the spec's CI case), fixed seed."""
    rng = np.random.default_rng(12345)
    n, lam, mu = 200_000, 0.5, 1.0
    gaps = rng.exponential(1 / lam, n).tolist()
    services = rng.exponential(1 / mu, n).tolist()
    waits = np.empty(n)
    w = 0.0
    for i in range(n):  # Lindley: Wq_{i+1} = max(0, Wq_i + S_i − A_{i+1})
        waits[i] = w
        w = max(0.0, w + services[i] - gaps[i])
    warm = n // 100
    response = waits[warm:] + np.asarray(services[warm:])
    mean, se = th.batch_means_se(response)
    th.assert_close_4se(mean, se, th.mm1_mean_response(lam, mu), "M/M/1 E[W]")
    p_wait, se_p = th.batch_means_se(waits[warm:] > 0)
    th.assert_close_4se(p_wait, se_p, th.mm1_p_wait(lam, mu), "M/M/1 P(wait>0)")
