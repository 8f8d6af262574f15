"""An adaptive concurrency limiter against a server with a hidden concurrency limit, as in
Netflix concurrency-limits' simulation harness (docs/systems.md, "Overload control"): the
server has ``hidden`` workers and no queue (a call beyond them is rejected at once) and a
latency uniform on 50-150 ms; the offered load is twice its capacity (hidden / 0.1 s).
The learned limit's time average settles within 20% of the hidden one, with Netflix's AIMD
defaults (min 20: at a hidden 20 it can go no lower) and with min_limit 1 (learned from 1).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import MINIMAL, run_yaml, validate_rejects, value

HIDDEN = """
version: 1
name: hidden-limit
seed: 6
duration: 120s
warmup: 30s
backends:
  api:
    workers: {hidden}
    queue_limit: 0
    latency: {{uniform: {{low: 50ms, high: 150ms}}}}
workload:
  target: api
  arrivals: {{poisson: {rate}/s}}
strategies:
  aimd:
    - limiter: netflix-aimd
  aimd-from-1:
    - limiter: {{preset: netflix-aimd, min_limit: 1, initial_limit: 1}}
"""


@pytest.mark.slow
@pytest.mark.parametrize("hidden", [20, 50])
def test_the_learned_limit_settles_near_the_hidden_one(hidden: int) -> None:
    output = run_yaml(HIDDEN.format(hidden=hidden, rate=20 * hidden))
    for strategy in ("aimd", "aimd-from-1"):
        learned = value(output, strategy, "concurrency_limit")
        assert learned == pytest.approx(hidden, rel=0.2), (strategy, learned)


def test_the_preset_is_netflixs_aimd() -> None:
    from asyncsim.scenarios.items.layers.limiter import LimiterConfig

    spec = LimiterConfig.model_validate("netflix-aimd").to_spec()
    # AIMDLimit.java Builder: minLimit 20, initialLimit 20, maxLimit 200, backoffRatio 0.9,
    # timeout 5 s
    assert (spec.min_limit, spec.initial_limit, spec.max_limit, spec.backoff_ratio,
            spec.timeout_s) == (20, 20, 200, 0.9, 5.0)


@pytest.mark.parametrize(("item", "message"), [
    ("{backoff_ratio: 1.0}", "backoff_ratio: Input should be less than 1"),
    ("{min_limit: 0}", "min_limit: Input should be greater than 0"),
    ("{timeout: 0s}", "timeout: Input should be greater than 0"),
    ("{min_limit: 300}", "min_limit (300) is above max_limit (200)"),
])
def test_bad_limiter(tmp_path: Path, item: str, message: str) -> None:
    rejection = validate_rejects(tmp_path, MINIMAL + f"strategies:\n  s:\n    - limiter: {item}\n")
    assert message in rejection.output
    assert rejection.line == 15
