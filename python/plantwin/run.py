"""Running scenarios."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

from . import _plantwin
from .errors import RunError
from .result import Result
from .scenario import PathLike, Scenario, load


def _prepare(scenario_or_path: Union[Scenario, PathLike], seed: Optional[int], replications: Optional[int],
             changes: Optional[Mapping[str, Any]]) -> Scenario:
    scenario = scenario_or_path if isinstance(scenario_or_path, Scenario) else load(scenario_or_path)
    extra = dict(changes or {})
    # Seed and replications are changes like any other: validated and located the same way.
    if seed is not None:
        extra["seed"] = seed
    if replications is not None:
        extra["replications"] = replications
    return scenario.with_changes(extra) if extra else scenario


def run(scenario_or_path: Union[Scenario, PathLike], seed: Optional[int] = None, replications: Optional[int] = None,
        jobs: Optional[int] = None, changes: Optional[Mapping[str, Any]] = None, timeline: bool = False) -> Result:
    """Runs every replication of a scenario and returns its :class:`Result`.

    ``seed``, ``replications`` and ``changes`` (``{"stations.reflow.servers": 2}``) override the
    scenario as the CLI's ``--seed``, ``--replications`` and ``--set`` do; ``jobs`` is the number
    of parallel replications (default: every core). The numbers equal the CLI's for the same
    scenario and seed, whatever ``jobs``. The GIL is released while simulating; Ctrl-C interrupts
    the run (KeyboardInterrupt). With ``timeline=True`` replication 0's state changes and exits are
    recorded (``Result.timeline``, for Gantt charts and throughput over time).
    Raises :class:`ScenarioError` for an invalid scenario or change, :class:`RunError` when the
    simulation fails (a deadlock, an unstable line).
    """
    scenario = _prepare(scenario_or_path, seed, replications, changes)
    if jobs is not None and (not isinstance(jobs, int) or jobs < 0):
        raise ValueError(f"jobs must be an integer >= 0 (0: every core), got {jobs!r}")
    outcome = _plantwin.run(scenario._loaded, jobs or 0, bool(timeline))
    if not outcome["ok"]:
        if outcome["interrupted"]:
            raise KeyboardInterrupt(outcome["error"])
        raise RunError(f"{scenario.file}: {outcome['error']}")
    return Result(outcome["document"], outcome["timeline"], scenario)
