"""Running scenarios."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Optional, Union

from ._engine import simulate
from .scenario import Changes, PathLike, Scenario, change_pairs, load

if TYPE_CHECKING:  # pragma: no cover
    from .result import Result


def prepare(scenario_or_path: Union[Scenario, PathLike], seed: Optional[int] = None,
            replications: Optional[int] = None, changes: Optional[Changes] = None) -> Scenario:
    """The scenario a run with these arguments simulates: loaded if given as a path, then
    ``changes``, ``seed`` and ``replications`` applied as changes (validated and located like
    any other)."""
    scenario = scenario_or_path if isinstance(scenario_or_path, Scenario) else load(scenario_or_path)
    extra = change_pairs(changes)
    if seed is not None:
        extra.append(("seed", _integer("seed", seed)))
    if replications is not None:
        extra.append(("replications", _integer("replications", replications)))
    return scenario.with_changes(extra) if extra else scenario


def check_jobs(jobs: Optional[int]) -> int:
    """``jobs`` as the engine takes it: ``None`` and 0 mean one per core. Raises ``ValueError``."""
    if jobs is None:
        return 0
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 0:
        raise ValueError(f"jobs must be an integer >= 0 (0 or None: one per core), got {jobs!r}")
    return jobs


def _integer(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    return value


def run(scenario_or_path: Union[Scenario, PathLike], seed: Optional[int] = None, replications: Optional[int] = None,
        jobs: Optional[int] = None, changes: Optional[Changes] = None, timeline: bool = False,
        events: bool = False, state: Optional[PathLike] = None) -> "Result":
    """Runs every replication of a scenario and returns its :class:`Result`.

    Parameters
    ----------
    scenario_or_path:
        A :class:`Scenario` or the path of a scenario file.
    seed, replications:
        Replace the scenario's, like the CLI's ``--seed`` and ``--replications``.
    jobs:
        Replications run on this many threads; ``None`` or 0: one per core. The numbers are the
        same whatever ``jobs``.
    changes:
        ``{PATH: value}`` or ``[(PATH, value), ...]``, like the CLI's ``--set PATH=VALUE``
        (see :meth:`Scenario.with_changes`).
    timeline:
        Record replication 0's server state changes and the parts that left
        (:attr:`Result.timeline`: Gantt charts, throughput over time, lead-time histograms).
    events:
        Keep replication 0's event log (warm-up included) as :attr:`Result.events`, a DataFrame
        of the columns of docs/twin.md (what ``plantwin run --events FILE`` writes).
    state:
        A state file (:func:`plantwin.plant_state`, ``plantwin state``): every replication starts
        from the plant's state at its time and measures ``[at, at + horizon)`` with no warm-up,
        like ``plantwin run --from STATE``; the result has :attr:`Result.forecast`.

    The result document equals ``plantwin run --json``'s for the same scenario and seed (except
    ``wall_s``). The GIL is released while simulating, and Ctrl-C stops the run within a few
    thousand events: ``KeyboardInterrupt`` is raised once the engine has stopped.

    Raises :class:`ScenarioError` for an invalid scenario or change, :class:`RunError` when the
    simulation fails (a deadlock, an unstable line), ``ValueError`` for a bad ``jobs`` or
    ``PLANTWIN_RUN_SERVER`` value (docs/python.md),
    ``TypeError`` for a seed or a replication count that is not an integer,
    :class:`plantwin.LogError` for a state file with errors.
    """
    scenario = prepare(scenario_or_path, seed, replications, changes)
    jobs = check_jobs(jobs)
    state_path = None if state is None else os.fspath(state)
    if not events:
        document, recorded = simulate(scenario, jobs, bool(timeline), None, state_path)
        from .result import Result  # pandas: loaded once there is a result to show

        return Result(document, recorded, scenario)
    import tempfile

    from .result import Result
    from .eventlog import read_events

    handle, path = tempfile.mkstemp(prefix="plantwin-events-", suffix=".csv")
    os.close(handle)
    try:
        document, recorded = simulate(scenario, jobs, bool(timeline), path, state_path)
        log = read_events(path)
    finally:
        os.unlink(path)
    return Result(document, recorded, scenario, events=log)
