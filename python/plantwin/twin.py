"""The twin and the plant's data (docs/twin.md): parameters fitted from an event log, the twin
validated against a log, the plant's state at an instant, runs that start from it.

    report = plantwin.fit("week.csv", "line.yaml", out="line.fitted.yaml")
    report.quantities                         # one row per estimated quantity
    plantwin.plots.fit(report)                # fitted against empirical
    check = plantwin.validate_log("week.csv", "line.fitted.yaml")
    check.passed, check.rows, check.stations_out
    plantwin.plant_state("today.csv", "line.fitted.yaml", at="2026-03-02T10:00:00+08:00", out="now.yaml")
    forecast = plantwin.run("line.fitted.yaml", state="now.yaml")
    forecast.forecast                         # orders' chances to be on time, throughput, bottleneck

Each function takes the scenario as a :class:`Scenario` or a path, and the log as a path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from . import _plantwin
from .errors import LogError
from .scenario import PathLike, Scenario, load

_Source = Union[Scenario, PathLike]


def _scenario(source: _Source) -> Scenario:
    return source if isinstance(source, Scenario) else load(source)


def _raise_for(raw: List[Dict[str, Any]]) -> List[str]:
    """Raises LogError when ``raw`` (the engine's diagnostics) has errors; returns the warnings."""
    errors = [d["text"] for d in raw if d["severity"] == "error"]
    warnings = [d["text"] for d in raw if d["severity"] != "error"]
    if errors:
        raise LogError(errors, warnings)
    return warnings


class FitReport:
    """What :func:`fit` estimated (the ``--report`` document of ``plantwin fit``).

    ``quantities`` is a DataFrame, one row per quantity: ``path`` (``stations.printer.process``),
    ``what``, ``status`` (``fitted``, ``kept`` with too few observations, ``reported``), ``n``,
    ``base`` and ``fitted`` (as the scenario writes them), ``family``, ``mean_s``, ``ks_p``, ``note``.
    ``scenario_text`` is the fitted scenario; ``to_dict()`` the whole document, with the tables
    :func:`plantwin.plots.fit` draws."""

    def __init__(self, document: Dict[str, Any], scenario_text: str, summary: str, warnings: List[str]):
        self._doc = document
        self.scenario_text = scenario_text
        self.summary = summary
        self.warnings = warnings

    def to_dict(self) -> Dict[str, Any]:
        return self._doc

    @property
    def quantities(self):
        import pandas as pd

        rows = []
        for q in self._doc["quantities"]:
            rows.append({"path": q["path"], "what": q["what"], "status": q["status"], "n": q["n"], "base": q["base"],
                         "fitted": q.get("fitted"), "family": q.get("family"), "mean_s": q.get("mean_s"),
                         "value": q.get("value"), "ks_p": (q.get("ks") or {}).get("p"), "note": q["note"]})
        return pd.DataFrame(rows).set_index("path")

    def quantity(self, path: str) -> Dict[str, Any]:
        """One quantity's entry of the document (its candidates, KS test and plot tables)."""
        for q in self._doc["quantities"]:
            if q["path"] == path:
                return q
        raise KeyError(path)

    def save(self, path: PathLike) -> Path:
        """Writes the fitted scenario to ``path``."""
        out = Path(path)
        out.write_text(self.scenario_text, encoding="utf-8")
        return out

    def __repr__(self) -> str:
        return self.summary

    def _repr_html_(self) -> str:
        return self.quantities.to_html()


def fit(log: PathLike, scenario: _Source, out: Optional[PathLike] = None, *, report: Optional[PathLike] = None,
        epoch: Optional[str] = None, min_observations: int = 30) -> FitReport:
    """Fits the scenario's parameters to an event log, like ``plantwin fit LOG --scenario BASE
    --out FITTED [--report REPORT]`` (docs/twin.md, "Fitting"): the base scenario's text with the
    fitted values written in place (``out``, and :attr:`FitReport.scenario_text`), its other keys
    and comments kept. ``epoch`` places ISO 8601 times (else the scenario's ``epoch``, else the
    first row's midnight is time 0).

    Raises :class:`LogError` for a bad log, :class:`ScenarioError` for a bad scenario."""
    base = _scenario(scenario)
    raw = _plantwin.fit(os.fspath(log), base._loaded, base._origin[1], epoch, int(min_observations))
    warnings = _raise_for(raw["diagnostics"])
    text = raw["text"].decode("utf-8")
    result = FitReport(raw["report"], text, raw["summary"], warnings)
    if out is not None:
        result.save(out)
    if report is not None:
        import json

        Path(report).write_text(json.dumps(raw["report"], indent=2) + "\n", encoding="utf-8")
    return result


class Validation:
    """What :func:`validate_log` found (the ``--json`` document of ``plantwin validate-log``).

    ``passed`` is True when every row is inside its prediction interval; ``rows`` is a DataFrame
    (``kpi``: ``log``, ``mean``, ``low``, ``high``, ``inside``, ``verdict``); ``stations_out`` the
    stations with a row outside, most out first; ``lead_time_ks`` the Kolmogorov–Smirnov test of
    lead times; ``text`` the CLI's table."""

    def __init__(self, document: Dict[str, Any], text: str, warnings: List[str]):
        self._doc = document
        self.text = text
        self.warnings = warnings

    def to_dict(self) -> Dict[str, Any]:
        return self._doc

    @property
    def passed(self) -> bool:
        return bool(self._doc["passed"])

    @property
    def stations_out(self) -> List[str]:
        return list(self._doc["stations_out"])

    @property
    def lead_time_ks(self) -> Dict[str, Any]:
        return dict(self._doc["lead_time_ks"])

    @property
    def rows(self):
        import pandas as pd

        return pd.DataFrame(self._doc["rows"]).set_index("kpi")

    def __repr__(self) -> str:
        return self._doc["summary"]

    def _repr_html_(self) -> str:
        return f"<p>{self._doc['summary']}</p>" + self.rows.to_html()


def validate_log(log: PathLike, scenario: _Source, *, replications: int = 50, confidence: float = 0.95,
                 epoch: Optional[str] = None, jobs: Optional[int] = None) -> Validation:
    """Runs the scenario over the log's window with the log's releases and compares their KPIs,
    like ``plantwin validate-log LOG SCENARIO`` (docs/twin.md, "Validation").

    Raises :class:`LogError` for a bad log, :class:`RunError` when the twin fails to run."""
    from .errors import RunError
    from .run import check_jobs

    base = _scenario(scenario)
    raw = _plantwin.validate_log(os.fspath(log), base._loaded, int(replications), float(confidence), epoch, check_jobs(jobs))
    warnings = _raise_for(raw["diagnostics"])
    if raw["exit_code"] == 3:
        raise RunError(base.file, raw["error"])
    if raw["document"] is None:
        raise LogError([f"{os.fspath(log)}: error: the log could not be compared"], warnings)
    return Validation(raw["document"], raw["text"], warnings)


def plant_state(log: PathLike, scenario: _Source, at: Union[str, float], *, out: Optional[PathLike] = None,
                epoch: Optional[str] = None) -> str:
    """The plant's state at ``at`` (seconds after time 0, a duration like ``"10h"``, or ISO 8601)
    as the YAML of ``plantwin state`` (docs/twin.md, "State and warm start"); written to ``out``
    when given. Run from it with ``plantwin.run(scenario, state=out)``.

    Raises :class:`LogError` for a bad log or time."""
    base = _scenario(scenario)
    raw = _plantwin.plant_state(os.fspath(log), base._loaded, str(at), epoch)
    _raise_for(raw["diagnostics"])
    if out is not None:
        Path(out).write_text(raw["yaml"], encoding="utf-8")
    return raw["yaml"]


__all__ = ["FitReport", "LogError", "Validation", "fit", "plant_state", "validate_log"]
