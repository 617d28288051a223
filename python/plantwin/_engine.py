"""The calls into the compiled engine that a run makes, in the calling process or in a worker
process of a sweep (this module imports neither pandas nor matplotlib, so workers start fast)."""

from __future__ import annotations

import warnings
from typing import Any, Dict, Optional, Set, Tuple

from . import _plantwin
from .errors import LogError, RunError
from .scenario import Scenario


def simulate(scenario: Scenario, jobs: int = 0, timeline: bool = False, events_path: Optional[str] = None,
             state_path: Optional[str] = None) -> Tuple[Dict[str, Any], Optional[Dict[str, Any]]]:
    """Runs every replication of ``scenario`` on ``jobs`` threads (0: one per core); returns the
    result document and, when asked, replication 0's timeline. With ``events_path``, replication
    0's event log is written to that file; with ``state_path``, every replication starts from that
    state file (docs/twin.md).

    Raises :class:`RunError` when a replication fails, ``KeyboardInterrupt`` on Ctrl-C (the
    engine stops within a few thousand events), :class:`plantwin.LogError` for a bad state file."""
    name, text = scenario._origin
    recipe = (name, text, list(scenario._changes))
    outcome = _plantwin.run(scenario._loaded, jobs, timeline, events_path, state_path, recipe)
    if "state_diagnostics" in outcome:
        raise LogError([d["text"] for d in outcome["state_diagnostics"] if d["severity"] == "error"])
    _warn_without_server(outcome.get("run_server"))
    if not outcome["ok"]:
        if outcome["interrupted"]:
            raise KeyboardInterrupt(outcome["error"])
        raise RunError(scenario.file, outcome["error"])
    return outcome["document"], outcome["timeline"]


_WARNED: Set[str] = set()


def _warn_without_server(what: Optional[str]) -> None:
    """A network's run that could not use the run server forked its replications from this
    process: the same results, more time per replication. Said once per reason."""
    if what is None or what == "served" or what in _WARNED:
        return
    _WARNED.add(what)
    warnings.warn(f"plantwin: the run server {what}; the replications were forked from this process "
                  "(same results, more time per replication; docs/python.md)", RuntimeWarning, stacklevel=4)


def run_point(scenario: Scenario, jobs: int) -> Dict[str, Any]:
    """One point of a sweep: the result document of ``scenario`` (pickled as its recipe)."""
    return simulate(scenario, jobs)[0]


def init_worker() -> None:
    """Initialiser of a sweep's worker processes: Ctrl-C goes to the parent, which stops the
    workers itself (a worker interrupted between two tasks would break the pool). A worker is a
    small process (no pandas) started for one sweep: it forks a network's replications itself,
    cheaper than starting a run server of its own (docs/python.md)."""
    import os
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["PLANTWIN_RUN_SERVER"] = "off"
