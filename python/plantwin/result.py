"""Results: the result document of a run, as pandas DataFrames."""

from __future__ import annotations

import copy
import fnmatch
import html
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Union

import numpy as np
import pandas as pd

from . import _plantwin
from . import states as _states
from ._document import PERCENTILES, interval, is_kpi, kpi_entries
from .errors import PathError

#: The plant KPIs of the result document, in its order.
PLANT_KPIS = ("throughput_per_h", "lead_time_s", "wip", "completed", "scrapped")
#: Server states in the order tables and plots show them (a document has only the states its plant
#: can be in). Declared by the engine: see plantwin.states.
STATES = _states.STATES
#: Top-level members of the document that are not per-id sections (``check``: what
#: ``plantwin check --json`` adds).
_NOT_SECTIONS = ("kpis", "orders", "bottleneck", "check")


def _flatten(obj: Dict[str, Any]) -> Dict[str, Any]:
    """One row of a per-id table: a KPI becomes ``name`` (its mean), ``name_ci95``, ``name_ci_low``,
    ``name_ci_high`` and, for lead times, ``name_p50`` and ``name_p95``; a plain object
    (``states``) becomes its members, a group of KPIs (``batches``) ``batches_count``, ... with
    their ``_ci95``."""
    row: Dict[str, Any] = {}
    for key, value in obj.items():
        if is_kpi(value):
            row[key] = value["mean"]
            row[f"{key}_ci95"] = value["ci95"]
            row[f"{key}_ci_low"], row[f"{key}_ci_high"] = interval(value)
            for q in PERCENTILES:
                if q in value:
                    row[f"{key}_{q}"] = value[q]
        elif isinstance(value, dict):
            for member, v in value.items():
                if is_kpi(v):  # a group of KPIs (a station's ``batches``): ``batches_count``, ...
                    row[f"{key}_{member}"] = v["mean"]
                    row[f"{key}_{member}_ci95"] = v["ci95"]
                elif not isinstance(v, (dict, list)):
                    row[member] = v
        elif not isinstance(value, list):
            row[key] = value
    return row


def _table(section: Optional[Dict[str, Any]], index_name: str) -> pd.DataFrame:
    if not section:
        return pd.DataFrame(index=pd.Index([], name=index_name))
    frame = pd.DataFrame.from_dict({k: _flatten(v) for k, v in section.items()}, orient="index")
    for column in frame.columns:  # undefined numbers (null) are NaN, text stays text
        if frame[column].dtype == object and all(v is None or isinstance(v, (int, float)) for v in frame[column]):
            frame[column] = frame[column].astype(float)
    frame.index.name = index_name
    return frame


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and len(name) > 1 else name


@dataclass(frozen=True)
class Timeline:
    """Replication 0 as it happened: every server state change and every part that left the
    plant, from time 0 (the start of the warm-up). Recorded by ``run(..., timeline=True)``."""

    #: One row per state change: ``time_s``, ``station``, ``server`` (0-based), ``state``. Every
    #: server is ``idle`` at time 0 until its first change.
    states: pd.DataFrame
    #: One row per part that left: ``time_s``, ``created_s``, ``product``, ``good`` (False:
    #: scrapped), ``lead_time_s``.
    exits: pd.DataFrame
    #: Station id -> number of servers, in declaration order.
    servers: Dict[str, int]
    #: The warm-up and the end of the measured window, in seconds from time 0.
    warmup_s: float
    end_s: float
    #: True when the recording hit its limit (2,000,000 records of a kind): later records are missing.
    truncated: bool

    def segments(self, start_s: Optional[float] = None, end_s: Optional[float] = None) -> pd.DataFrame:
        """The states as intervals: one row per stretch of one server in one state, with
        ``station``, ``server``, ``state``, ``start_s`` and ``end_s``, clipped to ``[start_s, end_s)`` (default: the whole run, warm-up included).
        Every server of every station appears, in declaration order."""
        lo = 0.0 if start_s is None else float(start_s)
        hi = self.end_s if end_s is None else float(end_s)
        # Every server starts idle at time 0: prepend that, then each stretch lasts until the next
        # change of the same server (the last one until the end of the run).
        initial = pd.DataFrame([(0.0, st, k, "idle") for st, n in self.servers.items() for k in range(n)],
                               columns=["time_s", "station", "server", "state"])
        changes = pd.concat([initial, self.states], ignore_index=True)
        changes["order"] = changes["station"].map({s: i for i, s in enumerate(self.servers)})
        changes = changes.sort_values(["order", "server", "time_s"], kind="stable")
        changes = changes.drop_duplicates(["station", "server", "time_s"], keep="last")
        # A server that goes on in the same state (working on one part, then the next) is one stretch.
        changes = changes[changes["state"] != changes.groupby(["station", "server"], sort=False)["state"].shift(1)]
        nxt = changes.groupby(["station", "server"], sort=False)["time_s"].shift(-1)
        out = pd.DataFrame({"station": changes["station"], "server": changes["server"], "state": changes["state"],
                            "start_s": changes["time_s"].clip(lower=lo),
                            "end_s": nxt.fillna(self.end_s).clip(upper=hi)})
        out = out[out["end_s"] > out["start_s"]]
        return out.reset_index(drop=True)


class Result:
    """The outcome of :func:`plantwin.run`: the CLI's result document and views of it.

    ``to_dict()`` is exactly the document ``plantwin run --json`` prints for the same scenario and
    seed (``wall_s`` aside). The DataFrames are views of it (KPI definitions: docs/kpis.md).
    ``timeline`` holds replication 0's state changes and exits when the run recorded them.
    """

    def __init__(self, document: Dict[str, Any], timeline: Optional[Dict[str, Any]] = None, scenario=None,
                 events: Optional[pd.DataFrame] = None):
        self._doc = document
        self._timeline = timeline
        self._events = events
        #: The :class:`Scenario` that was run (with its changes), or None.
        self.scenario = scenario

    # -- the document ---------------------------------------------------------------------------
    def to_dict(self) -> Dict[str, Any]:
        """The result document (a deep copy), the same as ``plantwin run --json`` prints."""
        return copy.deepcopy(self._doc)

    def __getitem__(self, path: str) -> Any:
        """A value of the document by its dotted path, as ``plantwin check`` names it:
        ``result["throughput_per_h"]`` (a plant KPI object), ``result["stations.reflow.utilization"]``,
        ``result["bottleneck.station"]``. Raises :class:`PathError` (a ``KeyError``) naming the
        first name not found, with "did you mean" over the names there."""
        node: Any = self._doc
        names = path.split(".")
        if names[0] not in self._doc and names[0] in self._doc.get("kpis", {}):
            names.insert(0, "kpis")
        for i, name in enumerate(names):
            if not isinstance(node, dict) or name not in node:
                candidates = list(node) if isinstance(node, dict) else []
                if i == 0:  # plant KPIs go by their bare names too
                    candidates += list(self._doc.get("kpis", {}))
                raise PathError(path, name, ".".join(names[:i]), candidates)
            node = node[name]
        return node

    @property
    def fingerprint(self) -> str:
        """Hash of replication 0's event trajectory (16 hex digits): the same for the same
        scenario and seed in every run, process and number of jobs."""
        return self._doc["fingerprint"]

    @property
    def bottleneck(self) -> str:
        """The station with the highest active fraction (working + setup + down + waiting_network)."""
        return self._doc.get("bottleneck", {}).get("station", "")

    @property
    def bottleneck_active(self) -> float:
        """The bottleneck's active fraction (working + setup + down + waiting_network), mean over replications."""
        return self._doc.get("bottleneck", {}).get("active", float("nan"))

    @property
    def sections(self) -> List[str]:
        """The per-id sections of the document (``products``, ``stations`` and those transport
        and the network add, such as ``fleets`` or ``links``), in document order."""
        return [k for k, v in self._doc.items()
                if k not in _NOT_SECTIONS and isinstance(v, dict) and v and all(isinstance(x, dict) for x in v.values())]

    # -- DataFrames -------------------------------------------------------------------------------
    @property
    def kpis(self) -> pd.DataFrame:
        """Plant KPIs (and order KPIs, as ``orders.<kpi>``): ``mean``, ``ci95``, ``ci_low``,
        ``ci_high`` (the 95 % interval, within the KPI's range), ``p50``, ``p95`` (percentiles only
        for lead times; NaN where undefined)."""
        kpis = list(self._doc["kpis"].items())
        kpis += [(f"orders.{name}", kpi) for name, kpi in self._doc.get("orders", {}).items() if is_kpi(kpi)]
        rows = {}
        for name, kpi in kpis:
            low, high = interval(kpi)
            rows[name] = {"mean": kpi["mean"], "ci95": kpi["ci95"], "ci_low": low, "ci_high": high,
                          "p50": kpi.get("p50"), "p95": kpi.get("p95")}
        frame = pd.DataFrame.from_dict(rows, orient="index", dtype=float)
        frame.index.name = "kpi"
        return frame

    @property
    def stations(self) -> pd.DataFrame:
        """One row per station: KPI means (``utilization``, ``oee``, ``availability``, ...), their
        ``_ci95``, ``_ci_low`` and ``_ci_high``, and the state fractions (``working``, ``setup``,
        ``blocked``, ``down``, ``idle`` and, when the plant has them, ``waiting_transport`` and
        ``waiting_network``)."""
        return _table(self._doc.get("stations"), "station")

    @property
    def station_states(self) -> pd.DataFrame:
        """One row per station, one column per server state present in the document (in the
        order of :data:`STATES`, then any other): fractions of the servers' time, summing to 1."""
        stations = self._doc.get("stations", {})
        frame = pd.DataFrame.from_dict({k: v.get("states", {}) for k, v in stations.items()}, orient="index", dtype=float)
        known = [s for s in STATES if s in frame.columns]
        frame = frame[known + [c for c in frame.columns if c not in known]]
        frame.index.name = "station"
        return frame

    @property
    def products(self) -> pd.DataFrame:
        """One row per product: throughput, lead time (mean, ci95, ci_low, ci_high, p50, p95), completed."""
        return _table(self._doc.get("products"), "product")

    @property
    def orders(self) -> pd.DataFrame:
        """One row per order of a production plan: ``product``, ``release_s``, ``due_s``,
        ``done_s`` (mean over replications, NaN when some replication did not finish it) and
        ``on_time`` (the fraction of replications that finished it by its due time), each with its
        ``_ci95``, ``_ci_low`` and ``_ci_high`` (``on_time``'s: Wilson's interval). Empty when the
        scenario has no orders."""
        return _table(self._doc.get("orders", {}).get("by_order"), "order")

    def section(self, name: str) -> pd.DataFrame:
        """Any per-id section of the document (``stations``, ``products``, and those transport and
        the network add, see :attr:`sections`) as a table like :attr:`stations`. An absent
        section gives an empty table."""
        return _table(self._doc.get(name), _singular(name))

    @property
    def replications(self) -> pd.DataFrame:
        """One row per replication: every KPI's per-replication value, plant KPIs by name and the
        others by their path (``orders.on_time``, ``stations.reflow.utilization``, ...)."""
        frame = pd.DataFrame({path: kpi["values"] for path, kpi in kpi_entries(self._doc)}, dtype=float)
        frame.index.name = "replication"
        return frame

    # -- the event log --------------------------------------------------------------------------

    @property
    def events(self) -> Optional[pd.DataFrame]:
        """Replication 0's event log (``run(..., events=True)``), one row per event in time order:
        ``time`` (seconds from time 0, or a timestamp with the scenario's ``epoch``), ``event``,
        ``station``, ``server``, ``part``, ``product``, ``order`` and plantwin's ``carrier``,
        ``from``, ``to``, ``state`` (docs/twin.md); None when the run did not keep it."""
        return self._events

    # -- the recorded timeline ----------------------------------------------------------------
    @property
    def timeline(self) -> Optional[Timeline]:
        """Replication 0's :class:`Timeline`, or None when the run did not record it
        (``run(..., timeline=True)`` does)."""
        if self._timeline is None:
            return None
        t = self._timeline
        states = pd.DataFrame(t["states"], columns=["time_s", "station", "server", "state"])
        exits = pd.DataFrame(t["exits"], columns=["time_s", "created_s", "product", "good"])
        exits["lead_time_s"] = exits["time_s"] - exits["created_s"]
        # A run from a state (docs/twin.md) measures from its start_s, with no warm-up.
        start = self._doc.get("start_s", 0.0) + self._doc["warmup_s"]
        return Timeline(states=states, exits=exits, servers=dict(t["stations"]), warmup_s=start,
                        end_s=start + self._doc["horizon_s"], truncated=bool(t["truncated"]))

    @property
    def forecast(self) -> Optional[Dict[str, Any]]:
        """The forecast of a run from a state (``run(..., state=...)``, docs/twin.md): ``from_s``,
        ``until_s``, ``throughput_per_h``, ``orders`` (each open order's ``p_on_time``, ``p_done`` and
        ``done_s``) and the ``bottleneck``; None for a run from an empty plant."""
        return self._doc.get("forecast")

    # -- display ----------------------------------------------------------------------------------
    def __repr__(self) -> str:
        doc = self._doc
        kpis = doc["kpis"]
        tp, lt = kpis["throughput_per_h"], kpis["lead_time_s"]
        return (f"<plantwin.Result {doc['scenario']!r}: {doc['replications']} replications, "
                f"throughput {_num(tp['mean'])} ± {_num(tp['ci95'])}/h, lead time {_num(lt['mean'])} ± "
                f"{_num(lt['ci95'])} s, bottleneck {self.bottleneck!r}, fingerprint {self.fingerprint}>")

    def _repr_html_(self) -> str:
        """A readable summary for Jupyter: run information, the bottleneck, then the KPI, order,
        product and station tables and any other section."""
        doc = self._doc
        changes = ""
        if self.scenario is not None and self.scenario.changes:
            changes = "; changes " + ", ".join(f"<code>{html.escape(k)}={html.escape(v)}</code>"
                                               for k, v in self.scenario.changes.items())
        parts = [
            f"<p><b>{html.escape(str(doc['scenario']))}</b>: {doc['replications']} replication(s) of "
            f"{_duration(doc['horizon_s'])}, warm-up {_duration(doc['warmup_s'])}, seed {doc['seed']}{changes}<br>"
            f"{doc['events']:,} events in {doc['wall_s']:.3f} s, fingerprint <code>{doc['fingerprint']}</code>; "
            f"bottleneck <b>{html.escape(self.bottleneck)}</b> (active {100 * self.bottleneck_active:.1f} %)</p>",
            _html_table("plant", self.kpis),
        ]
        if len(self.orders):
            parts.append(_html_table("orders", self.orders))
        if len(self.products) > 1:
            parts.append(_html_table("products", _means(self.products)))
        stations = self.stations
        cols = [c for c in ("utilization", "oee", *STATES, "queue", "completed", "scrapped") if c in stations.columns]
        parts.append(_html_table("stations", stations[cols]))
        for name in self.sections:
            if name not in ("products", "stations"):
                table = self.section(name)
                parts.append(_html_table(name, _means(table)))
        return "\n".join(parts)


#: What :func:`compare` takes: a :class:`Result`, or the rows of one point of a :func:`plantwin.sweep`.
Comparable = Union["Result", pd.DataFrame]


def compare(base: Comparable, variant: Comparable, kpis: Optional[Iterable[str]] = None) -> pd.DataFrame:
    """The variant's KPIs against the base's, replication by replication.

    ``base`` and ``variant`` are each a :class:`Result` or one point of a :func:`plantwin.sweep`
    (its rows, ``table[table.point == 3]``: a sweep keeps every KPI's per-replication ``values``).

    With the same seed and number of replications, replication k of both runs draws the same
    random numbers wherever the change does not reach (common random numbers), so the difference
    ``variant - base`` is measured on pairs: its interval is usually much narrower than the two
    runs' own intervals suggest, and it is the right one to decide whether a change helps.

    Returns one row per KPI path both share (``kpis``: only these names or ``fnmatch`` patterns),
    with ``base``, ``base_ci95``, ``variant``, ``variant_ci95``, ``difference`` (the mean of the
    paired differences) and ``difference_ci95`` (its 95 % Student-t half-width over the pairs,
    computed by the engine's statistics). Percentiles have no per-replication values and are left
    out; an undefined value in any replication makes the difference NaN.

    Raises ``ValueError`` when the seeds or replication counts differ (their replications would not
    be pairs), or when a frame holds no sweep point or several.
    """
    a, b = _Sample.of(base, "base"), _Sample.of(variant, "variant")
    if a.seed != b.seed or a.replications != b.replications:
        raise ValueError(f"compare() needs runs with the same seed and replications (pairs): seed {a.seed} vs "
                         f"{b.seed}, {a.replications} vs {b.replications} replications")
    patterns = None if kpis is None else ([kpis] if isinstance(kpis, str) else list(kpis))
    rows = {}
    for path, (mean, ci95, values) in a.kpis.items():
        if path not in b.kpis or (patterns is not None and not any(fnmatch.fnmatchcase(path, p) for p in patterns)):
            continue
        other_mean, other_ci95, other_values = b.kpis[path]
        pairs = [y - x for x, y in zip(values, other_values)]
        difference, difference_ci95 = _plantwin.summary(pairs)
        rows[path] = {"base": mean, "base_ci95": ci95, "variant": other_mean, "variant_ci95": other_ci95,
                      "difference": difference, "difference_ci95": difference_ci95}
    frame = pd.DataFrame.from_dict(rows, orient="index", dtype=float)
    frame.index.name = "kpi"
    return frame


@dataclass(frozen=True)
class _Sample:
    """One side of :func:`compare`: seed, replications and, per KPI path, (mean, ci95, values)."""

    seed: Any
    replications: int
    kpis: Dict[str, tuple]

    @staticmethod
    def of(side: Comparable, name: str) -> "_Sample":
        if isinstance(side, Result):
            doc = side._doc
            kpis = {path: (k["mean"], k["ci95"], [_float(v) for v in k["values"]]) for path, k in kpi_entries(doc)}
            return _Sample(doc["seed"], doc["replications"], kpis)
        if isinstance(side, pd.DataFrame) and {"point", "kpi", "mean", "ci95", "values"} <= set(side.columns):
            points = side["point"].unique()
            if len(points) != 1:
                raise ValueError(f"compare(): {name} must be the rows of one sweep point, e.g. table[table.point == 3]; "
                                 f"it has {len(points)} points")
            point = int(points[0])
            rows = side[side["values"].notna()]
            kpis = {r.kpi: (r.mean, r.ci95, list(r.values)) for r in rows.itertuples(index=False)}
            seeds = side.attrs.get("seeds") or []
            seed = seeds[point] if point < len(seeds) else side.attrs.get("seed")
            replications = len(next(iter(kpis.values()))[2]) if kpis else 0
            return _Sample(seed, replications, kpis)
        raise TypeError(f"compare(): {name} must be a Result or the rows of one sweep point, got {type(side).__name__}")


def _means(frame: pd.DataFrame) -> pd.DataFrame:
    """The table without its interval columns (``_ci95``, ``_ci_low``, ``_ci_high``)."""
    return frame[[c for c in frame.columns if not c.endswith(("_ci95", "_ci_low", "_ci_high"))]]


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _num(value: Any) -> str:
    """A number as the CLI's tables print it: 3 decimals below 1, 2 below 1000, 1 above."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    size = abs(value)
    return f"{value:.3f}" if size < 1 else f"{value:,.2f}" if size < 1000 else f"{value:,.1f}"


def _duration(seconds: float) -> str:
    if seconds == 0:
        return "0 s"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0 or seconds >= 10 * size:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"


def _html_table(caption: str, frame: pd.DataFrame) -> str:
    def fmt(v: Any) -> str:
        return _num(v) if isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool) else str(v)

    styled = frame.to_html(formatters={c: fmt for c in frame.columns}, na_rep="n/a", border=0)
    return f"<p style='margin-bottom:0'><b>{html.escape(caption)}</b></p>{styled}"
