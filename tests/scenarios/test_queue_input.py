"""A backend's ``queue:`` and ``concurrency_factor``: forms, a strategy's own queue through
``system``, and each bad value at its position."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncsim.scenarios.build import strategy_specs
from asyncsim.sim.queues import QueueSpec
from tests.helpers import MINIMAL, scenario_from_yaml, validate_rejects

LATENCY = "    latency: {exponential: 10ms}\n"


def _with(backend_lines: str, rest: str = "") -> str:
    assert LATENCY in MINIMAL
    return MINIMAL.replace(LATENCY, LATENCY + backend_lines) + rest


def test_shorthand_and_full_forms() -> None:
    lifo = scenario_from_yaml(_with("    queue: lifo\n")).backends["api"].queue.to_sim()
    assert lifo == QueueSpec("lifo")
    full = scenario_from_yaml(_with(
        "    queue: {discipline: adaptive_lifo, lifo_after: 50ms, codel: {target: 5ms},"
        " max_wait: 1s}\n    concurrency_factor: 0.1\n")).backends["api"]
    assert full.queue.to_sim() == QueueSpec("adaptive_lifo", 0.05, 0.005, 0.1, 1.0)
    assert full.concurrency_factor == 0.1


def test_a_strategy_chooses_its_queue() -> None:
    scenario = scenario_from_yaml(_with("", "strategies:\n  fifo: []\n  lifo:\n"
                                            "    - system: {backends.api.queue: lifo}\n"))
    specs = {s.name: s for s in strategy_specs(scenario)}
    assert specs["fifo"].backends is None or specs["fifo"].backends[0].queue == QueueSpec()
    lifo_backends = specs["lifo"].backends
    assert lifo_backends is not None and lifo_backends[0].queue == QueueSpec("lifo")


# MINIMAL's backend latency is on line 9: the first added line is line 10.
@pytest.mark.parametrize(("lines", "col", "message"), [
    ("    queue: {codel: {target: 0ms}}\n", 29, "greater than 0"),
    ("    queue: {codel: {target: 5ms, interval: -1s}}\n", 44, "negative"),
    ("    queue: {max_wait: 0s}\n", 23, "greater than 0"),
    ("    queue: {lifo_after: 10ms}\n", 25, "lifo_after applies to adaptive_lifo only"),
    ("    queue: stack\n", 12, "allowed: 'fifo', 'lifo', 'adaptive_lifo'"),
    ("    concurrency_factor: -0.5\n", 25, "greater than or equal to 0"),
])
def test_bad_queue_settings(tmp_path: Path, lines: str, col: int, message: str) -> None:
    rejection = validate_rejects(tmp_path, _with(lines))
    assert (rejection.line, rejection.col) == (10, col), rejection.output
    assert message in rejection.output


def test_service_curve_and_max_in_system_forms() -> None:
    from asyncsim.scenarios.build import backend_spec

    backend = scenario_from_yaml(_with(
        "    service_curve: {latency: {4: 40ms, 1: 10ms}}\n"
        "    queue: {max_in_system: 7}\n")).backends["api"]
    spec = backend_spec("api", backend)
    assert spec.service_curve == ((1, 1.0), (4, 4.0))   # latency / the mean, 10 ms
    assert spec.queue.max_in_system == 7


@pytest.mark.parametrize(("lines", "col", "message"), [
    ("    service_curve: {multiplier: {1: 0}}\n", 37, "greater than 0"),
    ("    service_curve: {multiplier: {0: 1}}\n", 34, "greater than 0"),
    ("    service_curve: {multiplier: {}}\n", 33, "at least 1 item"),
    ("    service_curve: {latency: {1: 0ms}}\n", 34, "a mean latency must be above 0"),
    ("    service_curve: {speed: {1: 1}}\n", 21, "speed"),
    ("    service_curve: {multiplier: {1: 1}, latency: {1: 10ms}}\n", 20,
     "set exactly one of: multiplier, latency"),
    ("    concurrency_factor: 0.1\n    service_curve: {multiplier: {1: 1, 2: 2}}\n", 20,
     "choose one: concurrency_factor or service_curve"),
    ("    queue: {max_in_system: 0}\n", 28, "greater than 0"),
])
def test_bad_curve_and_concurrency_shedding(tmp_path: Path, lines: str, col: int,
                                            message: str) -> None:
    rejection = validate_rejects(tmp_path, _with(lines))
    assert message in rejection.output
    assert rejection.col == col, rejection.output


def test_a_latency_curve_needs_a_mean_above_0(tmp_path: Path) -> None:
    text = _with("    service_curve: {latency: {1: 10ms}}\n").replace(
        "latency: {exponential: 10ms}", "latency: {constant: 0ms}")
    rejection = validate_rejects(tmp_path, text)
    assert "a latency curve needs a backend latency with a mean above 0" in rejection.output
    assert (rejection.line, rejection.col) == (10, 30), rejection.output
