"""Rates per second beside counts: ``retries_per_s`` is ``retries`` over the measured
window, with the same tags (``rejected_per_s{layer:...}``), so a reader compares a run of
10 minutes with one of an hour, and a rate with the arrival rate.

One definition each: every rate is made here from its counter's registered function (no
second way to count), divided by ``RunView.window_s``; it has the counter's family, tags
and direction, and is absent where the counter is.
"""

from __future__ import annotations

from dataclasses import replace

from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics import core, protection, retry  # noqa: F401 (the counters)
from asyncsim.reports.metrics.registry import REGISTRY, Metric, RunView, Values, register

RATED = ("retries", "retries_denied", "rejected", "shed", "dropped", "short_circuited",
         "breaker_transitions")
"""The counters users read as rates: retries, refusals (throttles, limiters, full queues),
sheds, drops, short circuits and breaker trips."""


def per_second(counter: Metric) -> Metric:
    """The metric ``<counter>_per_s``: each of the counter's values per second."""
    name = f"{counter.name}_per_s"

    def compute(view: RunView) -> Values:
        return {str(replace(ValueKey.parse(key), name=name)): value / view.window_s
                for key, value in counter.compute(view).items()}

    return Metric(name, "gauge", f"{counter.unit}/s", counter.better,
                  f"{counter.name} per second of measured time", compute, counter.family,
                  counter.tags, counter.idle)


for _name in RATED:
    register(per_second(REGISTRY[_name]))
