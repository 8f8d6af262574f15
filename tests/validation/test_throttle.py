"""Client-side adaptive throttling (Google SRE book, "Handling Overload"; docs/systems.md).

The backend accepts at most ~50 calls/s (50 workers, 1 s each, no queue: the rest are
rejected at once) of 200 req/s. The client refuses locally with probability
max(0, (requests - K accepts) / (requests + 1)) over 2 minutes; with accepts = a x
requests at equilibrium, P(refused) -> max(0, 1 - K a), a the measured share of the
requests the backend accepted. With ~24,000 requests in a window the window's
estimate wanders by well under 0.01; the tolerance is 0.02. A backend with room for 75% of
the requests (a > 1/K) gets everything: P -> 0 (the +1 keeps it at 0 exactly).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import MINIMAL, run_yaml, validate_rejects, value

OVERLOAD = """
version: 1
name: throttle
seed: 4
duration: 500s
warmup: 200s
backends:
  api:
    workers: {workers}
    queue_limit: 0
    latency: 1s
workload:
  target: api
  arrivals: {{poisson: 200/s}}
strategies:
  sre:
    - throttle: sre
  k15:
    - throttle: {{k: 1.5, window: 2m}}
"""


@pytest.mark.slow
def test_refusals_settle_at_one_minus_k_times_the_accepted_share() -> None:
    output = run_yaml(OVERLOAD.format(workers=50))
    for strategy, k in (("sre", 2.0), ("k15", 1.5)):
        accepted = value(output, strategy, "success_rate")
        refused = value(output, strategy, "throttle_rejection")
        assert refused == pytest.approx(max(0.0, 1 - k * accepted), abs=0.02), strategy
    assert value(output, "sre", "throttle_rejection") == pytest.approx(0.5, abs=0.03)


@pytest.mark.slow
def test_no_refusals_while_the_backend_accepts_more_than_one_in_k() -> None:
    output = run_yaml(OVERLOAD.format(workers=150))
    assert value(output, "sre", "throttle_rejection") == 0.0


def test_the_sre_preset_is_the_books() -> None:
    from asyncsim.scenarios.items.layers.throttle import ThrottleConfig

    spec = ThrottleConfig.model_validate("sre").to_spec()
    assert (spec.k, spec.window_s) == (2.0, 120.0)   # K = 2, a 2-minute window


@pytest.mark.parametrize(("item", "message"), [
    ("{k: 0.5}", "k: Input should be greater than or equal to 1"),
    ("{window: 0s}", "window: Input should be greater than 0"),
])
def test_bad_throttle(tmp_path: Path, item: str, message: str) -> None:
    text = MINIMAL + f"strategies:\n  s:\n    - throttle: {item}\n"
    rejection = validate_rejects(tmp_path, text)
    assert message in rejection.output
    assert rejection.line == 15
