"""plantwin: a digital twin of production lines, from Python.

    import plantwin
    line = plantwin.load("scenarios/smt_line.yaml")
    result = plantwin.run(line.with_changes({"stations.reflow.servers": 16}), replications=20)
    result.kpis, result.stations, result.to_dict()
    table = plantwin.sweep(line, {"stations.reflow.servers": [8, 12, 16]}, replications=20)
    plantwin.plots.sweep_curves(table, x="stations.reflow.servers", kpi="orders.on_time")

The twin and the plant's data: ``plantwin.fit``, ``plantwin.validate_log``,
``plantwin.plant_state`` and ``plantwin.run(..., state=...)`` (docs/twin.md).

The reference is docs/python.md. ``Result``, ``compare``, ``sweep``, ``plots`` and ``report`` load pandas and
matplotlib when first used, so that ``import plantwin`` (and each worker process of a sweep) starts
fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._plantwin import __version__
from .errors import Diagnostic, PathError, RunError, ScenarioError
from .run import run
from .scenario import Scenario, load, loads

# name -> (module, attribute or None for the module itself), imported on first use.
_LAZY = {
    "Result": (".result", "Result"),
    "Timeline": (".result", "Timeline"),
    "compare": (".result", "compare"),
    "sweep": (".sweeps", "sweep"),
    "plots": (".plots", None),
    "report": (".report", None),
    "params": (".params", None),
    "states": (".states", None),
    "twin": (".twin", None),
    "fit": (".twin", "fit"),
    "validate_log": (".twin", "validate_log"),
    "plant_state": (".twin", "plant_state"),
    "LogError": (".errors", "LogError"),
    "FitReport": (".twin", "FitReport"),
    "Validation": (".twin", "Validation"),
}

__all__ = ["Diagnostic", "FitReport", "LogError", "PathError", "Result", "RunError", "Scenario", "ScenarioError", "Timeline",
           "Validation", "__version__", "compare", "fit", "load", "loads", "params", "plant_state", "plots", "report", "run",
           "states", "sweep", "twin", "validate_log"]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'plantwin' has no attribute {name!r}")
    module_name, attribute = _LAZY[name]
    module = importlib.import_module(module_name, __name__)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(__all__))
