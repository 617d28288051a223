"""plantwin: a digital twin of production lines, from Python.

    import plantwin
    line = plantwin.load("scenarios/smt_line.yaml")
    result = plantwin.run(line.with_changes({"stations.reflow.servers": 16}), replications=20)
    result.kpis, result.stations, result.to_dict()
"""

from ._plantwin import __version__
from .errors import Diagnostic, RunError, ScenarioError
from .result import Result
from .run import run
from .scenario import Scenario, load, loads

__all__ = ["Diagnostic", "Result", "RunError", "Scenario", "ScenarioError", "__version__", "load", "loads", "run"]
