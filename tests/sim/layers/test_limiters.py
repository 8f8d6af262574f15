"""The limiter algorithms' update rules, stepped by hand against the Java sources'
formulas (Netflix VegasLimit, Gradient2Limit; Envoy gradient_controller.cc), their presets
against the libraries' documented defaults, and bad settings (exit 104 at the field)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from asyncsim.scenarios.items.layers.limiter import LimiterConfig
from asyncsim.sim.layers.limiter.envoy import EnvoyGradient, quantile
from asyncsim.sim.layers.limiter.netflix import Gradient2, Vegas, log10_root
from tests.helpers import MINIMAL, validate_rejects


@pytest.mark.parametrize(("limit", "expected"), [(0, 1), (1, 1), (9, 1), (10, 1), (99, 1),
                                                 (100, 2), (999, 2), (1000, 31), (1600, 40)])
def test_log10_root(limit: int, expected: int) -> None:
    assert log10_root(limit) == expected


def _vegas() -> Vegas:
    vegas = Vegas(20, 1000, 1.0, 30, np.random.default_rng(1))
    vegas.update(0.1, 20, False)                     # the first sample sets rtt_noload
    assert vegas.rtt_noload_s == 0.1
    return vegas


def test_vegas_steps() -> None:
    vegas = _vegas()
    assert vegas.update(0.1, 20, False) == 26       # queue 0 <= threshold 1: + beta 6
    vegas = _vegas()
    assert vegas.update(0.2, 20, False) == 19       # queue ceil(20 x 0.5) = 10 > 6: - 1
    vegas = _vegas()
    assert vegas.update(0.1 / (1 - 2 / 20), 20, False) == 21   # queue 2 < alpha 3: + 1
    vegas = _vegas()
    assert vegas.update(0.1 / (1 - 4 / 20), 20, False) == 20   # queue 4 in [3, 6]: stay
    vegas = _vegas()
    assert vegas.update(0.1, 9, False) == 20        # app-limited (9 x 2 < 20): stay
    vegas = _vegas()
    assert vegas.update(0.1, 9, True) == 19         # a drop: - log10(20) = 1


def test_gradient2_steps() -> None:
    g = Gradient2(20, 20, 200, 0.2, 4, 600)
    # first sample: longRtt = shortRtt, gradient 1: 20 x 0.8 + (20 + 4) x 0.2 = 20.8
    assert g.update(0.1, 20, False) == 20 and g.estimated == pytest.approx(20.8)
    # shortRtt 0.2 against longRtt (0.1 + 0.2) / 2 = 0.15: gradient 0.75
    assert g.estimated * 0.8 + (g.estimated * 0.75 + 4) * 0.2 == pytest.approx(
        20.8 * 0.95 + 0.8)
    g.update(0.2, 20, False)
    assert g.estimated == pytest.approx(max(20, 20.8 * 0.95 + 0.8))


def test_envoy_window() -> None:
    envoy = EnvoyGradient(3, 1000, 0.1, 60.0, 2, 0.0, 0.25, 0.5, np.random.default_rng(1))
    assert envoy.limit == 3                          # minRTT window from the start
    envoy.sample(0.05, 0.0, 0.05)
    envoy.sample(0.15, 0.0, 0.15)                    # 2 samples: minRTT = p50 = 0.1
    assert envoy.min_rtt_s == pytest.approx(0.1) and envoy.limit == 3
    envoy.sample(0.2, 0.16, 0.04)                    # sampleRTT 0.04: gradient 2 (clamped)
    assert envoy.advance(0.26) == int(6 + math.sqrt(6))
    envoy.limit = 40
    envoy.sample(0.3, 0.1, 0.2)                      # gradient 0.125 / 0.2 = 0.625
    assert envoy.advance(0.36) == 25 + 5


def test_quantile() -> None:
    assert quantile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert quantile([1.0, 2.0], 0.5) == 1.5
    assert quantile([4.0], 0.9) == 4.0


def test_presets_are_the_libraries_defaults() -> None:
    def spec(text: object) -> object:
        return LimiterConfig.model_validate(text).to_spec()

    vegas = spec("netflix-vegas")        # VegasLimit.Builder
    assert (vegas.algorithm, vegas.initial_limit, vegas.max_limit, vegas.smoothing,
            vegas.probe_multiplier) == ("vegas", 20, 1000, 1.0, 30)
    gradient2 = spec("netflix-gradient2")  # Gradient2Limit.Builder
    assert (gradient2.initial_limit, gradient2.min_limit, gradient2.max_limit,
            gradient2.smoothing, gradient2.queue_size, gradient2.long_window) == (
        20, 20, 200, 0.2, 4, 600)
    envoy = spec("envoy")  # adaptive_concurrency.proto defaults; intervals: the docs' example
    assert (envoy.min_limit, envoy.max_limit, envoy.request_count, envoy.jitter,
            envoy.buffer, envoy.percentile, envoy.update_interval_s,
            envoy.min_rtt_interval_s) == (3, 1000, 50, 0.15, 0.25, 0.5, 0.1, 60.0)
    assert spec({"algorithm": "gradient2"}) == gradient2
    assert spec({"preset": "netflix-gradient2", "min_limit": 5}).min_limit == 5


@pytest.mark.parametrize(("item", "message"), [
    ("{preset: netflix-vegas, backoff_ratio: 0.8}",
     "backoff_ratio is for aimd; a vegas limiter takes initial_limit, max_limit, smoothing, "
     "probe_multiplier"),
    ("{algorithm: envoy, initial_limit: 5}", "initial_limit is for aimd, vegas, gradient2"),
    ("{preset: envoy, algorithm: vegas}", "preset envoy is the envoy algorithm"),
    ("{algorithm: gradient2, smoothing: 0}", "smoothing: Input should be greater than 0"),
    ("{algorithm: envoy, quantile: 1}", "quantile: Input should be less than 1"),
    ("{algorithm: envoy, request_count: 0}", "request_count: Input should be greater than 0"),
    ("{algorithm: envoy, update_interval: 0s}", "update_interval: Input should be greater"),
    ("{algorithm: gradient2, queue_size: -1}", "queue_size: Input should be greater than or"),
    ("{algorithm: vegas2}", "did you mean 'vegas'? allowed: 'aimd', 'vegas', 'gradient2', 'envoy'"),
])
def test_bad_limiter_settings(tmp_path: Path, item: str, message: str) -> None:
    rejection = validate_rejects(tmp_path, MINIMAL + f"strategies:\n  s:\n    - limiter: {item}\n")
    assert message in rejection.output
    assert rejection.line == 15


def test_envoy_skips_empty_windows_at_once() -> None:
    """A microsecond window over a 1000 s lull is one step, not 1e9."""
    envoy = EnvoyGradient(3, 1000, 1e-6, 1e9, 1, 0.0, 0.25, 0.5, np.random.default_rng(1))
    envoy.sample(0.1, 0.0, 0.1)                     # minRTT from 1 sample
    envoy.sample(0.2, 0.15, 0.05)
    assert envoy.advance(1000.0) == int(6 + math.sqrt(6))   # gradient 2 (0.125 / 0.05)
