"""Plots of results and sweeps (matplotlib).

Each function draws on ``ax`` when given, otherwise on a new figure (``matplotlib.pyplot.subplots``),
and returns the Axes (``sweep_curves`` with several KPIs returns the Figure). None calls
``plt.show()``: in Jupyter the figure shows by itself; in a script, save it with
``ax.figure.savefig("states.png")``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ._document import interval
from .result import Result
from .states import STATE_COLORS, STATES

_SPARE_COLORS = ("#8c564b", "#e377c2", "#bcbd22", "#1f77b4", "#ff7f0e")
# Legends go to the right of the axes, outside, where they hide no data.
_OUTSIDE = dict(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small")


def _color(state: str, known: List[str]) -> str:
    if state in STATE_COLORS:
        return STATE_COLORS[state]
    return _SPARE_COLORS[known.index(state) % len(_SPARE_COLORS)] if state in known else _SPARE_COLORS[0]


def _axes(ax: Optional[Axes], figsize: Sequence[float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")[1]


def _timeline(result: Result, what: str):
    timeline = result.timeline
    if timeline is None:
        raise ValueError(f"{what} needs the recorded timeline: run with plantwin.run(..., timeline=True)")
    return timeline


def _hours(seconds: Any) -> Any:
    return np.asarray(seconds, dtype=float) / 3600.0


# -- results ----------------------------------------------------------------------------------------

def station_states(result: Result, ax: Optional[Axes] = None, stations: Optional[Sequence[str]] = None) -> Axes:
    """Horizontal stacked bars: for each station, the share of its servers' time in each state
    (working, setup, blocked, down, idle and, when the plant has them, waiting_transport and
    waiting_network), means over the replications. The bottleneck's name is in bold."""
    states = result.station_states
    if stations is not None:
        states = states.loc[list(stations)]
    ax = _axes(ax, (9, 0.45 * len(states) + 1.2))
    names = list(states.index)
    y = np.arange(len(names))
    left = np.zeros(len(names))
    extra = [s for s in states.columns if s not in STATES]
    for state in states.columns:
        share = states[state].fillna(0).to_numpy()
        ax.barh(y, share, left=left, color=_color(state, extra), label=state.replace("_", " "), edgecolor="white",
                linewidth=0.5)
        left += share
    ax.set_yticks(y, names)
    for label in ax.get_yticklabels():
        if label.get_text() == result.bottleneck:
            label.set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of server time")
    ax.set_title(f"{result['scenario']}: station states ({result['replications']} replications)")
    ax.legend(**_OUTSIDE)
    return ax


def throughput(result: Result, bin_s: Optional[float] = None, ax: Optional[Axes] = None, by_product: bool = True) -> Axes:
    """Good parts leaving the plant per hour over time, in bins of ``bin_s`` seconds (default: one
    hour, or a twelfth of a shorter run), from replication 0's recorded timeline; stacked by
    product when ``by_product`` and there are several. The dashed line is the throughput KPI (the
    mean over the replications, per hour of the measured window); the grey band is the warm-up.
    Needs ``run(..., timeline=True)``."""
    t = _timeline(result, "throughput()")
    exits = t.exits[t.exits["good"]]
    if bin_s is None:
        bin_s = 3600.0 if t.end_s >= 4 * 3600 else t.end_s / 12
    edges = np.arange(0.0, t.end_s + bin_s * 0.999, bin_s)
    edges[-1] = min(edges[-1], t.end_s) if len(edges) > 1 else t.end_s
    widths = np.diff(edges)
    ax = _axes(ax, (10, 3.8))
    products = list(dict.fromkeys(exits["product"])) if by_product else []
    bottom = np.zeros(len(widths))
    groups = [(p, exits[exits["product"] == p]) for p in products] if len(products) > 1 else [("all parts", exits)]
    for name, rows in groups:
        counts, _ = np.histogram(rows["time_s"], bins=edges)
        rate = counts / (widths / 3600.0)
        ax.bar(_hours(edges[:-1]), rate, width=_hours(widths), bottom=bottom, align="edge", label=name, alpha=0.85,
               edgecolor="white", linewidth=0.5)
        bottom += rate
    kpi = result["throughput_per_h"]
    low, high = interval(kpi)
    ax.axhline(kpi["mean"], color="black", linestyle="--", linewidth=1,
               label=f"throughput_per_h {kpi['mean']:.2f} (95 % CI {low:.2f} .. {high:.2f}, all replications)")
    _warmup(ax, t.warmup_s)
    ax.set_xlim(0, _hours(t.end_s))
    ax.set_xlabel("time (h)")
    ax.set_ylabel("good parts per hour")
    ax.set_title(f"{result['scenario']}: throughput over time (replication 0)")
    ax.legend(**_OUTSIDE)
    return ax


def lead_times(result: Result, bins: int = 40, ax: Optional[Axes] = None, by_product: bool = True) -> Axes:
    """Histogram of the lead times (creation to leaving) of the good parts that left in replication
    0's measured window, stacked by product when ``by_product`` and there are several. Vertical
    lines: the mean (over the replications) and the pooled p50 and p95 of all replications.
    Needs ``run(..., timeline=True)``."""
    t = _timeline(result, "lead_times()")
    exits = t.exits[t.exits["good"] & (t.exits["time_s"] >= t.warmup_s) & (t.exits["time_s"] < t.end_s)]
    ax = _axes(ax, (9, 3.8))
    products = list(dict.fromkeys(exits["product"])) if by_product else []
    if len(products) > 1:
        ax.hist([exits.loc[exits["product"] == p, "lead_time_s"] for p in products], bins=bins, stacked=True,
                label=products, alpha=0.85)
    else:
        ax.hist(exits["lead_time_s"], bins=bins, label="good parts", alpha=0.85)
    kpi = result["lead_time_s"]
    for value, style, name in ((kpi["mean"], "-", "mean"), (kpi.get("p50"), "--", "p50"), (kpi.get("p95"), ":", "p95")):
        if value is not None and np.isfinite(value):
            ax.axvline(value, color="black", linestyle=style, linewidth=1.2, label=f"{name} {value:,.0f} s")
    ax.set_xlabel("lead time (s)")
    ax.set_ylabel("parts")
    ax.set_title(f"{result['scenario']}: lead times (replication 0; lines: all replications)")
    ax.legend(**_OUTSIDE)
    return ax


def gantt(result: Result, start_s: Optional[float] = None, end_s: Optional[float] = None,
          stations: Optional[Sequence[str]] = None, ax: Optional[Axes] = None) -> Axes:
    """A Gantt chart of replication 0: one row per server (``station`` or ``station/k``), coloured
    by state, from ``start_s`` to ``end_s`` (seconds from time 0, the start of the warm-up;
    default: the whole run). Needs ``run(..., timeline=True)``."""
    t = _timeline(result, "gantt()")
    lo = 0.0 if start_s is None else float(start_s)
    hi = t.end_s if end_s is None else float(end_s)
    if not hi > lo:
        raise ValueError(f"gantt(): end_s ({hi}) must be after start_s ({lo})")
    chosen = list(t.servers) if stations is None else list(stations)
    unknown = [s for s in chosen if s not in t.servers]
    if unknown:
        raise ValueError(f"gantt(): no station {unknown[0]!r} (stations: {', '.join(t.servers)})")
    segments = t.segments(lo, hi)
    segments = segments[segments["station"].isin(chosen)]
    rows = [(s, k) for s in chosen for k in range(t.servers[s])]
    row_of = {key: i for i, key in enumerate(rows)}
    ax = _axes(ax, (11, 0.3 * len(rows) + 1.2))
    present = [s for s in STATES if s in set(segments["state"])]
    present += [s for s in dict.fromkeys(segments["state"]) if s not in present]
    extra = [s for s in present if s not in STATES]
    unit = 3600.0 if hi - lo > 2 * 3600 else 60.0
    for state in present:
        part = segments[segments["state"] == state]
        color = _color(state, extra)
        for (station, server), g in part.groupby(["station", "server"], sort=False):
            i = row_of[(station, server)]
            spans = list(zip(g["start_s"] / unit, (g["end_s"] - g["start_s"]) / unit))
            ax.broken_barh(spans, (i - 0.4, 0.8), facecolors=color, linewidth=0)
    ax.set_yticks(range(len(rows)), [s if t.servers[s] == 1 else f"{s}/{k}" for s, k in rows], fontsize="small")
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(lo / unit, hi / unit)
    ax.set_xlabel("time (h)" if unit == 3600.0 else "time (min)")
    if lo < t.warmup_s:
        ax.axvline(t.warmup_s / unit, color="black", linewidth=1, linestyle="--")
    ax.legend(handles=[Patch(color=_color(s, extra), label=s.replace("_", " ")) for s in present], **_OUTSIDE)
    ax.set_title(f"{result['scenario']}: server states (replication 0)")
    return ax


def kpi_bars(result: Result, section: str, kpi: str, ax: Optional[Axes] = None) -> Axes:
    """One KPI across the members of a per-id section, as horizontal bars with 95 % error bars:
    ``kpi_bars(result, "stations", "oee")``, and the same for the sections transport and the
    network add (``"fleets"``, ``"links"``, ...). Raises ``KeyError`` for a section or KPI the
    document does not have."""
    members = result.to_dict().get(section)
    if not isinstance(members, dict) or not members:
        raise KeyError(f"no section {section!r} in this result (sections: {', '.join(result.sections)})")
    names = [name for name, obj in members.items() if isinstance(obj, dict) and kpi in obj]
    if not names:
        raise KeyError(f"no KPI {kpi!r} in {section!r}")
    means = np.array([np.nan if members[n][kpi]["mean"] is None else members[n][kpi]["mean"] for n in names], dtype=float)
    # The bars' whiskers are the KPI's own interval, which need not be symmetric (kpis.md, "Intervals").
    ends = np.array([interval(members[n][kpi]) for n in names], dtype=float).reshape(-1, 2)
    errors = np.nan_to_num(np.array([means - ends[:, 0], ends[:, 1] - means]))
    ax = _axes(ax, (7, 0.4 * len(names) + 1.2))
    y = np.arange(len(names))
    ax.barh(y, means, xerr=errors, color="#4c72b0", alpha=0.85, capsize=3)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel(f"{kpi} (mean and 95 % CI)")
    ax.set_title(f"{result['scenario']}: {section} {kpi} ({result['replications']} replications)")
    ax.grid(True, axis="x", alpha=0.3)
    return ax


def _warmup(ax: Axes, warmup_s: float) -> None:
    if warmup_s > 0:
        ax.axvspan(0, _hours(warmup_s), color="grey", alpha=0.15, label="warm-up")


# -- sweeps -----------------------------------------------------------------------------------------

#: The columns of a sweep table that are not grid paths.
_SWEEP_COLUMNS = ("point", "kpi", "mean", "ci95", "ci_low", "ci_high", "values")


def sweep_curves(frame: pd.DataFrame, x: str, kpi: Union[str, Sequence[str]], hue: Optional[str] = None,
                 ax: Optional[Axes] = None) -> Union[Axes, Figure]:
    """Curves of a :func:`plantwin.sweep` table: ``kpi``'s mean against the grid path ``x``, one
    curve per value of the grid path ``hue``, each with its 95 % confidence band (``ci_low`` ..
    ``ci_high``, which stays within the KPI's range).

    Every other grid path must have a single value in ``frame``: select one first, e.g.
    ``frame[frame["stations.aoi.buffer"] == 5]``. Numeric ``x`` values are sorted; others keep the
    grid's order. With a list of KPIs, draws one panel each and returns the Figure; otherwise
    returns the Axes. Raises ``KeyError`` for a KPI or a path not in ``frame``, ``ValueError`` when
    another grid path varies.
    """
    if not isinstance(kpi, str):
        kpis = list(kpi)
        if ax is not None:
            raise ValueError("sweep_curves(): give ax only with a single KPI")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, len(kpis), figsize=(4.8 * len(kpis), 3.8), layout="constrained", squeeze=False)
        for name, a in zip(kpis, axes[0]):
            sweep_curves(frame, x, name, hue=hue, ax=a)
        return fig
    parameters = frame.attrs.get("parameters") or [c for c in frame.columns if c not in _SWEEP_COLUMNS]
    for name in (x, hue):
        if name is not None and name not in frame.columns:
            raise KeyError(f"no grid path {name!r} in this sweep (paths: {', '.join(parameters)})")
    rows = frame[frame["kpi"] == kpi]
    if rows.empty:
        raise KeyError(f"no KPI {kpi!r} in this sweep")
    varying = [p for p in parameters if p not in (x, hue) and rows[p].nunique(dropna=False) > 1]
    if varying:
        raise ValueError(f"sweep_curves(): {', '.join(varying)} also vary; pass it as hue= or select one value, "
                         f"e.g. frame[frame[{varying[0]!r}] == {rows[varying[0]].iloc[0]!r}]")
    ax = _axes(ax, (6, 4))
    groups = [(None, rows)] if hue is None else list(rows.groupby(hue, sort=True))
    numeric = pd.api.types.is_numeric_dtype(rows[x])
    for value, g in groups:
        if numeric:
            g = g.sort_values(x)
        label = None if hue is None else str(value)
        line, = ax.plot(g[x], g["mean"], marker="o", label=label)
        low, high = g["ci_low"].to_numpy(dtype=float), g["ci_high"].to_numpy(dtype=float)
        if np.isfinite(low).any():
            mean = g["mean"].to_numpy(dtype=float)
            ax.fill_between(g[x], np.where(np.isfinite(low), low, mean), np.where(np.isfinite(high), high, mean),
                            color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set_xlabel(x)
    ax.set_ylabel(kpi)
    replications = frame.attrs.get("replications")
    over = f", {replications} replications" if replications else ""
    what = f"mean and 95 % CI{over}" if rows["ci_low"].notna().any() else f"pooled{over}, no interval"
    ax.set_title(f"{kpi} ({what})", fontsize="medium")
    if hue is not None:
        ax.legend(title=hue, fontsize="small")
    ax.grid(True, alpha=0.3)
    return ax


__all__ = ["STATE_COLORS", "gantt", "kpi_bars", "lead_times", "station_states", "sweep_curves", "throughput"]


# -- fits -------------------------------------------------------------------------------------------

def fit(report: Any, quantities: Optional[Sequence[str]] = None, kind: str = "histogram", columns: int = 3) -> Figure:
    """The fitted distributions against the log's observations, one panel per fitted duration of
    a :class:`plantwin.FitReport` (or its ``to_dict()``): ``kind="histogram"`` draws the
    observations' histogram (bars) and the counts the fitted distribution expects in each bin
    (line); ``kind="qq"`` the observations' quantiles (1 % to 99 %) against the fitted ones, on
    the diagonal when they agree. Each title gives the quantity, the family chosen and the
    Kolmogorov–Smirnov p-value. ``quantities`` picks paths (default: every fitted duration)."""
    import matplotlib.pyplot as plt

    if kind not in ("histogram", "qq"):
        raise ValueError(f"kind must be 'histogram' or 'qq', got {kind!r}")
    doc = report.to_dict() if hasattr(report, "to_dict") else report
    entries = [q for q in doc["quantities"] if "plot" in q and (quantities is None or q["path"] in quantities)]
    if quantities is not None:
        missing = sorted(set(quantities) - {q["path"] for q in entries})
        if missing:
            raise KeyError(f"no fitted duration {', '.join(missing)} in the report")
    if not entries:
        raise ValueError("the report has no fitted duration to plot")
    cols = max(1, min(columns, len(entries)))
    rows = (len(entries) + cols - 1) // cols
    figure, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.0 * rows), layout="constrained", squeeze=False)
    for ax, q in zip(axes.flat, entries):
        p = q["plot"]
        if kind == "histogram":
            edges = np.asarray(p["edges"], dtype=float)
            ax.bar(edges[:-1], p["counts"], width=np.diff(edges), align="edge", color="#9ecae1", edgecolor="white",
                   label="log")
            ax.plot((edges[:-1] + edges[1:]) / 2, p["expected"], color="#d62728", label="fitted")
            ax.set_xlabel("seconds")
            ax.set_ylabel("observations")
        else:
            empirical, fitted = np.asarray(p["empirical"], dtype=float), np.asarray(p["fitted"], dtype=float)
            ax.plot(fitted, empirical, ".", color="#1f77b4", markersize=4, label="quantiles 1-99 %")
            lo, hi = np.nanmin([fitted.min(), empirical.min()]), np.nanmax([fitted.max(), empirical.max()])
            ax.plot([lo, hi], [lo, hi], color="black", linewidth=0.8, linestyle="--", label="agreement")
            ax.set_xlabel("fitted (s)")
            ax.set_ylabel("log (s)")
        ks = q.get("ks", {}).get("p")
        ax.set_title(f"{q['path']}\n{q['family']}, n {q['n']}" + (f", KS p {ks:.2g}" if ks is not None else ""),
                     fontsize="small")
        ax.legend(fontsize="x-small", frameon=False)
    for ax in list(axes.flat)[len(entries):]:
        ax.set_visible(False)
    return figure
