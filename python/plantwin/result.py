"""Results: the result document of a run, as pandas DataFrames."""

from __future__ import annotations

import copy
import html
from typing import Any, Dict, Optional

import pandas as pd

#: The plant KPIs of the result document, in its order.
PLANT_KPIS = ("throughput_per_h", "lead_time_s", "wip", "completed", "scrapped")


def _is_kpi(value: Any) -> bool:
    return isinstance(value, dict) and "mean" in value and "values" in value


def _flatten(obj: Dict[str, Any]) -> Dict[str, Any]:
    """One row of a per-id table: a KPI becomes `name` (its mean), `name_ci95` and, for lead
    times, `name_p50` and `name_p95`; a plain object (states) becomes its members."""
    row: Dict[str, Any] = {}
    for key, value in obj.items():
        if _is_kpi(value):
            row[key] = value["mean"]
            row[f"{key}_ci95"] = value["ci95"]
            for q in ("p50", "p95"):
                if q in value:
                    row[f"{key}_{q}"] = value[q]
        elif isinstance(value, dict):
            for member, v in value.items():
                if not isinstance(v, (dict, list)):
                    row[member] = v
        elif not isinstance(value, list):
            row[key] = value
    return row


def _table(section: Optional[Dict[str, Any]], index_name: str) -> pd.DataFrame:
    if not section:
        return pd.DataFrame(index=pd.Index([], name=index_name))
    frame = pd.DataFrame.from_dict({k: _flatten(v) for k, v in section.items()}, orient="index")
    frame.index.name = index_name
    return frame


class Result:
    """The outcome of :func:`plantwin.run`: the CLI's result document and views of it.

    ``to_dict()`` is exactly the document ``plantwin run --json`` prints for the same scenario and
    seed. The DataFrames are views of it; ``timeline`` holds replication 0's state changes and
    exits when the run was asked to record them (``run(..., timeline=True)``).
    """

    def __init__(self, document: Dict[str, Any], timeline: Optional[Dict[str, Any]] = None, scenario=None):
        self._doc = document
        self._timeline = timeline
        self.scenario = scenario

    # -- the document ---------------------------------------------------------------------------
    def to_dict(self) -> Dict[str, Any]:
        """The result document (a deep copy), the same as ``plantwin run --json`` prints."""
        return copy.deepcopy(self._doc)

    @property
    def fingerprint(self) -> str:
        """Hash of replication 0's event trajectory (16 hex digits)."""
        return self._doc["fingerprint"]

    @property
    def bottleneck(self) -> str:
        """The station with the highest active (working + setup + down) fraction."""
        return self._doc.get("bottleneck", {}).get("station", "")

    # -- DataFrames -------------------------------------------------------------------------------
    @property
    def kpis(self) -> pd.DataFrame:
        """Plant KPIs (and order KPIs, as ``orders.<kpi>``): mean, ci95, p50, p95."""
        rows = {}
        for name, kpi in self._doc["kpis"].items():
            rows[name] = {"mean": kpi["mean"], "ci95": kpi["ci95"], "p50": kpi.get("p50"), "p95": kpi.get("p95")}
        for name, kpi in self._doc.get("orders", {}).items():
            if _is_kpi(kpi):
                rows[f"orders.{name}"] = {"mean": kpi["mean"], "ci95": kpi["ci95"], "p50": None, "p95": None}
        frame = pd.DataFrame.from_dict(rows, orient="index", dtype=float)
        frame.index.name = "kpi"
        return frame

    @property
    def stations(self) -> pd.DataFrame:
        """One row per station: KPI means (``utilization``, ``oee``, ...), their ``_ci95``, and the
        state fractions (``working``, ``setup``, ``blocked``, ``down``, ``idle``, ...)."""
        return _table(self._doc.get("stations"), "station")

    @property
    def products(self) -> pd.DataFrame:
        """One row per product: throughput, lead time (mean, ci95, p50, p95), completed."""
        return _table(self._doc.get("products"), "product")

    @property
    def orders(self) -> pd.DataFrame:
        """One row per order of a production plan: release, due, mean completion, on-time rate."""
        return _table(self._doc.get("orders", {}).get("by_order"), "order")

    def section(self, name: str) -> pd.DataFrame:
        """Any per-id section of the document (``stations``, ``products``, and those transport and
        the network add) as a table."""
        return _table(self._doc.get(name), name.rstrip("s") or name)

    @property
    def replications(self) -> pd.DataFrame:
        """One row per replication: every KPI's per-replication value, plant KPIs by name and the
        others by their path (``orders.on_time``, ``stations.reflow.utilization``, ...)."""
        columns: Dict[str, list] = {}

        def walk(obj: Dict[str, Any], prefix: str) -> None:
            for key, value in obj.items():
                path = f"{prefix}{key}"
                if _is_kpi(value):
                    columns[path] = value["values"]
                elif isinstance(value, dict):
                    walk(value, f"{path}.")

        walk(self._doc["kpis"], "")
        for section in self._doc:
            if section != "kpis" and isinstance(self._doc[section], dict):
                walk(self._doc[section], f"{section}.")
        frame = pd.DataFrame(columns)
        frame.index.name = "replication"
        return frame

    # -- the recorded timeline ----------------------------------------------------------------
    @property
    def timeline(self) -> Optional[Dict[str, pd.DataFrame]]:
        """Replication 0's ``states`` (time_s, station, server, state: each change) and ``exits``
        (time_s, created_s, product, good, lead_time_s), or None when not recorded."""
        if self._timeline is None:
            return None
        states = pd.DataFrame(self._timeline["states"])
        exits = pd.DataFrame(self._timeline["exits"])
        if len(exits):
            exits["lead_time_s"] = exits["time_s"] - exits["created_s"]
        else:
            exits["lead_time_s"] = pd.Series(dtype=float)
        return {"states": states, "exits": exits, "truncated": self._timeline["truncated"],
                "servers": dict(self._timeline["stations"])}

    # -- display ----------------------------------------------------------------------------------
    def __repr__(self) -> str:
        doc = self._doc
        kpis = doc["kpis"]
        tp, lt = kpis["throughput_per_h"], kpis["lead_time_s"]
        return (f"<plantwin.Result {doc['scenario']!r}: {doc['replications']} replications, "
                f"throughput {tp['mean']:.2f} ± {tp['ci95']:.2f}/h, lead time {lt['mean']:.1f} ± "
                f"{lt['ci95']:.1f} s, bottleneck {self.bottleneck!r}, fingerprint {self.fingerprint}>")

    def _repr_html_(self) -> str:
        doc = self._doc
        head = (f"<p><b>{html.escape(doc['scenario'])}</b>: {doc['replications']} replications of "
                f"{doc['horizon_s'] / 3600:g} h (warm-up {doc['warmup_s'] / 3600:g} h), seed {doc['seed']}, "
                f"{doc['events']:,} events, fingerprint <code>{doc['fingerprint']}</code>; "
                f"bottleneck <b>{html.escape(self.bottleneck)}</b></p>")
        stations = self.stations
        cols = [c for c in ("utilization", "oee", "working", "setup", "blocked", "down", "idle",
                            "waiting_transport", "waiting_network", "queue", "completed") if c in stations.columns]
        return (head + self.kpis.to_html(float_format=lambda v: f"{v:,.3f}", na_rep="")
                + stations[cols].to_html(float_format=lambda v: f"{v:,.3f}", na_rep=""))
