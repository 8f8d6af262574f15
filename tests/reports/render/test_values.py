"""The one number formatter (terminal, HTML, Markdown, headlines, chart ticks): each case
the issue found, with where it came from.

Expected texts are written by hand from the rule (three significant digits, the value's
unit, the ± in the mean's unit and to its last digit), never read back from the code.
"""

from __future__ import annotations

import pytest

from asyncsim.reports.render.values import (
    estimate_text,
    format_estimate,
    format_number,
    format_tick,
    format_value,
    log_ticks,
)


@pytest.mark.parametrize(("value", "unit", "text"), [
    (0.0, "s", "0 s"),            # was "0µs": f"{v * 1e6:.0f}µs" for every time under 1 ms
    (4e-7, "s", "< 1 µs"),
    (2e-5, "s", "20.0 µs"),
    (0.3, "s", "300 ms"),
    (0.99996, "s", "1.00 s"),     # was "1000.00ms": scaled before it was rounded
    (0.0099996, "s", "10.0 ms"),
    (3.0, "s", "3.00 s"),
    (0.1869, "1", "18.7%"),
    (0.0, "1", "0%"),
    (1e-5, "1", "0.00100%"),      # was "0.00%": percentages had two fixed decimals
    (8.6e-05, "versions", "0.0000860 versions"),  # was "8.6e-05": :.3g goes scientific
    (13591.5, "calls", "13,592 calls"),
    (500.0, "calls", "500 calls"),
    (2.5, "req/view", "2.50 req/view"),
    (float("nan"), "s", "n/a"),
])
def test_numbers(value: float, unit: str, text: str) -> None:
    assert format_number(value, unit) == text


def test_table_cells_drop_a_counts_unit_but_keep_the_scale() -> None:
    assert format_value(13591.5, "calls") == "13,592"
    assert format_value(0.3, "s") == "300 ms"
    assert format_value(0.5, "1") == "50.0%"
    assert format_value(None, "s") == "-"


@pytest.mark.parametrize(("mean", "half", "unit", "text"), [
    # was "500 ±0.000571": the half was formatted on its own, to its own digits
    (500.0, 0.000571, "calls", "500 ±<1"),
    # was "8.6e-05 ±0.000337"
    (8.6e-05, 0.000337, "", "0.0000860 ±0.0003370"),
    # was "14.36s ±765ms": the half in another unit than the mean
    (14.36, 0.765, "s", "14.4 s ±0.8 s"),
    (0.25, 0.0123, "s", "250 ms ±12 ms"),
    (0.1869, 0.0153, "1", "18.7% ±1.5%"),
    (3.0, 0.0, "s", "3.00 s"),
    (0.0, 0.001, "s", "0 s ±1.00 ms"),
])
def test_estimates_put_the_half_interval_in_the_means_unit_and_digits(
        mean: float, half: float, unit: str, text: str) -> None:
    assert format_estimate(mean, mean - half, mean + half, unit, with_unit=False) == text


def test_a_summary_entry_reads_as_its_estimate() -> None:
    entry = {"mean": 500.0, "ci95_low": 499.9995, "ci95_high": 500.0005}
    assert estimate_text({"backend_calls": entry}, "backend_calls", "calls") == "500 ±<1"
    assert estimate_text({}, "backend_calls", "calls") == "-"


def test_tiny_rates_that_differ_show_different_numbers() -> None:
    """compare showed '0.00% → 0.00%' next to '−49.8%': two decimals of a percentage hid
    the values the relative change was computed from."""
    assert format_value(1e-5, "1") != format_value(5e-6, "1")
    assert format_value(5e-6, "1") == "0.000500%"


def test_log_axis_ticks_have_units_on_every_label_and_one_prefix_per_scale() -> None:
    """plotly's own log ticks read "9 1s 2 3" (bare minor digits) and "100µs, 0.001s"."""
    values, labels = log_ticks(5e-5, 2e-3, "s")
    assert values == pytest.approx([5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3])
    assert labels == ["50 µs", "100 µs", "200 µs", "500 µs", "1 ms", "2 ms"]
    values, labels = log_ticks(0.9, 3.5, "s")
    assert labels == ["900 ms", "1 s", "2 s", "3 s"]
    _, labels = log_ticks(1e-6, 100.0, "s")
    assert labels == ["1 µs", "10 µs", "100 µs", "1 ms", "10 ms", "100 ms", "1 s", "10 s",
                      "100 s"]
    assert format_tick(0.2, "1") == "20%"
