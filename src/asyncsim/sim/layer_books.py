"""The books of a run's layers: the client's stack over each backend and each hop's chain
in a service graph, kept alike so a retry on ``api->db`` is counted, reset at the end of
warm-up, closed at the end of the window and published as a retry at the client is.

``target`` names the chain: the backend for the client's stack (``db``), the hop for a
hop's (``api->db``, sim/topology.py). A fan-out hop has one chain per leaf; its layers
are summed over the leaves as a per-client layer's are over the clients.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.record import Gauge


@dataclass(frozen=True)
class LayerStats:
    """What one layer of a chain counted over the measured window.

    ``counters`` are totals (summed over a per-client layer's instances and a fan-out's
    leaves); ``gauges`` are time averages of the layer's gauges over the measured window
    (a cache's ``entries``).
    """

    target: str      # the chain's: a backend (the client's stack) or a hop (``api->db``)
    position: int    # 0 = outermost layer of the chain
    kind: str        # the LayerSpec's kind: "cache", "retry", "breaker", ...
    counters: Mapping[str, float]
    gauges: Mapping[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The layer as reports tag it: ``<target>:<position>:<kind>``."""
        return f"{self.target}:{self.position}:{self.kind}"

    @property
    def hop(self) -> str | None:
        """The hop (``api->db``) of a layer in a service graph; None for a client layer."""
        return self.target if "->" in self.target else None


GaugeKey = tuple[str, int, str]
"""(chain target, layer position, gauge name)."""


class LayerBooks:
    """Every layer chain of one run, by target."""

    def __init__(self) -> None:
        self._chains: dict[str, tuple[tuple[LayerSpec, ...], list[list[Any]],
                                      dict[tuple[int, str], Gauge]]] = {}
        self._warm: dict[GaugeKey, float] = {}

    def add(self, target: str, specs: tuple[LayerSpec, ...], built: list[list[Any]],
            gauges: dict[tuple[int, str], Gauge]) -> None:
        """A chain (or a fan-out's chains, one list of layers each) and its gauges."""
        self._chains[target] = (specs, built, gauges)

    def _parts(self) -> list[Any]:
        return [part for _, built, _ in self._chains.values() for layers in built
                for layer in layers for part in _parts(layer)]

    def gauge_areas_at(self, now: float) -> dict[GaugeKey, float]:
        """Integrals of the layers' gauges up to ``now``."""
        return {(target, position, name): gauge.area_at(now)
                for target, (_, _, gauges) in self._chains.items()
                for (position, name), gauge in gauges.items()}

    def warm_up(self, now: float) -> None:
        """The measured window starts: counters restart, gauges are integrated from now."""
        for part in self._parts():
            part.counters.clear()
        self._warm = self.gauge_areas_at(now)

    def close(self, end_of_window: float) -> None:
        """Layers that account time (a breaker's open time) close their books."""
        for part in self._parts():
            close = getattr(part, "close", None)
            if close is not None:
                close(end_of_window)

    def stats(self, gauge_areas: Mapping[GaugeKey, float], span_s: float
              ) -> tuple[LayerStats, ...]:
        """Each layer that counted something, by target, then outermost first."""
        out: list[LayerStats] = []
        for target, (specs, built, gauges) in sorted(self._chains.items()):
            for position, spec in enumerate(specs):
                counters: dict[str, float] = {}
                for layers in built:
                    for part in _parts(layers[position]):
                        for name, value in part.counters.items():
                            counters[name] = counters.get(name, 0.0) + value
                averages = {name: (gauge_areas[target, at, name]
                                   - self._warm.get((target, at, name), 0.0)) / span_s
                            for at, name in gauges if at == position}
                if counters or averages:
                    out.append(LayerStats(target, position, spec.kind, counters, averages))
        return tuple(out)


def _parts(layer: Any) -> list[Any]:
    """The runtime objects holding a layer's ``counters``: its per-client instances, or itself."""
    instances = getattr(layer, "instances", None)
    parts = list(instances.values()) if instances is not None else [layer]
    return [part for part in parts if hasattr(part, "counters")]
