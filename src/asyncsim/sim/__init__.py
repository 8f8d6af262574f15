"""The model: a plain Python library on SimPy.

Nothing here imports YAML, pydantic, pandas or plotly, and nothing prints: anyone can
build a :class:`Simulation` from Python objects and read the recorded columns.
"""

from asyncsim.sim.backend import Backend, BackendSpec, Fault
from asyncsim.sim.distributions import Distribution
from asyncsim.sim.engine import RandomStreams
from asyncsim.sim.outcome import Outcome, Source, Status
from asyncsim.sim.request import Request
from asyncsim.sim.simulation import RunResult, Simulation, SimulationSpec, StrategySpec

__all__ = [
    "Backend",
    "BackendSpec",
    "Distribution",
    "Fault",
    "Outcome",
    "RandomStreams",
    "Request",
    "RunResult",
    "Simulation",
    "SimulationSpec",
    "Source",
    "Status",
    "StrategySpec",
]
