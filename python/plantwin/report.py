"""An HTML report of one run: KPI cards, the bottleneck named, the KPI tables, the plots as PNG
files and the replay of the run on the plant's layout, for people who would rather look than read. ``python3 -m plantwin report`` writes one from the
command line."""

from __future__ import annotations

import datetime
import html
import math
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import numpy as np

from .result import Result, _duration, _num
from .states import ACTIVE_STATES, SERVER_STATES, STATES
from .run import run
from .scenario import Changes, PathLike, Scenario

#: The PNG files a report writes, with their captions.
PLOTS = {
    "states.png": "Station states: the share of the servers' time in each state (means over the replications).",
    "throughput.png": "Good parts leaving the plant per hour over time (replication 0); the dashed line is the "
                      "throughput KPI over all replications.",
    "lead_times.png": "Lead times of the good parts that left in the measured window (replication 0); the lines are "
                      "the mean and the pooled p50 and p95 of all replications.",
    "gantt.png": "",  # written by write_report: it names the window shown
}


def bottleneck_sentence(result: Result) -> str:
    """The bottleneck in words: which station, its active share (working + setup + down, and
    waiting on the network when there is one: docs/kpis.md) and
    what that means for the line, with the blocking upstream and the starving downstream of it
    when the scenario's routes are known.

    Every share is one of the station's planned time, as the bottleneck's active share is
    (docs/kpis.md): in a plant with calendars or maintenance the state shares, which are shares of
    calendar time, are divided by ``1 - off_shift - maintenance`` of their station (0 for a station
    with no planned time), and the sentence says "of its planned time"."""
    name = result.bottleneck
    if not name:
        return "The plant has no station."
    calendar = result.station_states
    states = _planned_shares(calendar)
    basis = "of the time" if states is calendar else "of its planned time"
    row = states.loc[name]
    active = result.bottleneck_active
    parts = [f"{s.replace('_', ' ')} {100 * row[s]:.1f} %" for s in ACTIVE_STATES if s in row and row[s] > 0.0005]
    others = sum(states.get(s, 0) for s in ACTIVE_STATES).drop(index=name)
    runner_up = f" (next: {others.idxmax()}, {100 * others.max():.1f} %)" if len(others) else ""
    text = (f"The bottleneck is {name}: its servers are active ({', '.join(parts) or 'working 0 %'}) "
            f"{100 * active:.1f} % {basis}, more than any other station's{runner_up}. ")
    if active >= 0.9:
        text += (f"It is saturated and sets the line's throughput: more capacity at {name} (another server, shorter "
                 f"process or setup times, fewer or shorter failures) raises throughput, more capacity anywhere "
                 f"else does not. ")
    else:
        slack = 1 - active
        text += (f"No station is saturated ({name} is idle, blocked or waiting {100 * slack:.1f} % {basis}): the "
                 f"line's output follows its arrivals or its production plan rather than its capacity, and {name} is "
                 f"where queues and lead times grow first when the load rises. ")
    upstream, downstream = _neighbours(result, name)
    blocked = [f"{s} {100 * states.loc[s, 'blocked']:.1f} %" for s in upstream
               if "blocked" in states and states.loc[s, "blocked"] >= 0.05]
    starved = [f"{s} {100 * states.loc[s, 'idle']:.1f} %" for s in downstream
               if "idle" in states and states.loc[s, "idle"] >= 0.25]
    if blocked:
        text += f"Upstream, stations wait for room (blocked: {', '.join(blocked)}). "
    if starved:
        text += f"Downstream, stations wait for work (idle: {', '.join(starved)}). "
    return text.strip()


def _planned_shares(states):
    """``states`` (:attr:`Result.station_states`, shares of calendar time) as shares of each
    station's planned time, without the unplanned states (off_shift, maintenance); a station
    with no planned time has every share 0. ``states`` itself when the plant has no unplanned
    state (no calendars, no maintenance)."""
    unplanned = [s.name for s in SERVER_STATES if not s.planned and s.name in states]
    if not unplanned:
        return states
    planned = 1 - states[unplanned].sum(axis=1)
    planned = planned.where(planned > 1e-12)
    return states.drop(columns=unplanned).div(planned, axis=0).fillna(0.0)


def _neighbours(result: Result, station: str):
    """Stations before and after ``station`` on the products' routes that visit it."""
    routes = result.scenario.routes if result.scenario is not None else {}
    before: Dict[str, None] = {}
    after: Dict[str, None] = {}
    for route in routes.values():
        if station in route:
            k = route.index(station)
            before.update(dict.fromkeys(s for s in route[:k] if s != station))
            after.update(dict.fromkeys(s for s in route[k + 1:] if s != station))
    return list(before), [s for s in after if s not in before]


def write_report(source: Union[Result, Scenario, PathLike], out: PathLike, *, replications: Optional[int] = None,
                 seed: Optional[int] = None, jobs: Optional[int] = None, changes: Optional[Changes] = None,
                 gantt_hours: float = 2.0) -> Path:
    """Writes ``out/index.html`` and its PNG plots; returns the path of ``index.html``.

    ``source`` is a scenario (or its path), which is run with ``replications``, ``seed``, ``jobs``
    and ``changes`` as :func:`plantwin.run` takes them, or a :class:`Result` of a run that recorded
    its timeline (and, for the replay, its events: ``run(..., timeline=True, events=True)``). The
    page, laid out for reading at 1280 px, holds a table of contents, KPI cards (throughput,
    on-time, lead time, WIP, the bottleneck in a sentence: :func:`bottleneck_sentence`), the plant
    KPIs, the order, product and station tables, the material flow per station (rework, assembly,
    batches) and the release control per source when the scenario has them, any section transport
    or the network add (times
    in h:mm:ss, shares in %, other quantities with their units), the plots (station states,
    throughput over time, lead times and a Gantt chart of the first ``gantt_hours`` of the measured
    window), the replay of replication 0 (``out/replay/index.html``, :mod:`plantwin.view`) when the
    Result has its events, and the run's details.

    Raises :class:`ScenarioError`, :class:`RunError` as ``run`` does, ``ValueError`` for a Result
    without a timeline, ``OSError`` when ``out`` cannot be written.
    """
    if isinstance(source, Result):
        result = source
        if result.timeline is None:
            raise ValueError("write_report() needs a Result with its timeline: plantwin.run(..., timeline=True)")
    else:
        result = run(source, seed=seed, replications=replications, jobs=jobs, changes=changes, timeline=True,
                     events=True)
    import matplotlib.pyplot as plt

    from . import plots

    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    doc = result.to_dict()
    timeline = result.timeline
    gantt_end = min(timeline.end_s, timeline.warmup_s + gantt_hours * 3600)
    captions = dict(PLOTS)
    captions["gantt.png"] = (f"Server states of replication 0 over the first {_duration(gantt_end - timeline.warmup_s)} "
                             f"of the measured window, one row per server.")
    drawings = {
        "states.png": lambda: plots.station_states(result),
        "throughput.png": lambda: plots.throughput(result),
        "lead_times.png": lambda: plots.lead_times(result),
        "gantt.png": lambda: plots.gantt(result, timeline.warmup_s, gantt_end),
    }
    for name, draw in drawings.items():
        figure = draw().figure
        try:
            figure.savefig(directory / name, dpi=110)
        finally:
            plt.close(figure)

    replay = None
    if result.events is not None and result.scenario is not None:
        from .view import write_view

        write_view(result, result.scenario, directory / "replay", result=doc)
        replay = "replay/index.html"
    page = _page(result, doc, captions, replay)
    index = directory / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


#: Columns shown as percentages: shares of time and ratios in [0, 1] (docs/kpis.md, docs/transport.md,
#: docs/network.md).
_FRACTIONS = frozenset(STATES) | {
    "utilization", "active", "oee", "availability", "performance", "quality", "on_time", "full", "uplink", "downlink",
    "down", "forward", "backward", "failure", "transport", "network", "setup_loss", "travelling_loaded",
    "travelling_empty", "loading", "unloading", "waiting_zone", "charging"}
_INTERVAL_SUFFIXES = ("_ci95", "_ci_low", "_ci_high")


def hms(seconds: float) -> str:
    """Seconds as the CLI prints times: ``3725`` -> ``"1:02:05"`` (h:mm:ss, hours past 24 as they
    are); ``"n/a"`` when undefined."""
    if seconds is None or not math.isfinite(seconds):
        return "n/a"
    total = int(round(seconds))
    sign = "-" if total < 0 else ""
    total = abs(total)
    return f"{sign}{total // 3600}:{total // 60 % 60:02d}:{total % 60:02d}"


def _seconds_text(seconds: float) -> str:
    """A time with its unit: h:mm:ss from a minute on, else seconds or milliseconds."""
    if seconds is None or not math.isfinite(seconds):
        return "n/a"
    if abs(seconds) >= 60 or seconds == 0:
        return hms(seconds)
    if abs(seconds) >= 1:
        return f"{seconds:.2f} s"
    return f"{1000 * seconds:.3g} ms"


def _number(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if isinstance(value, (int, np.integer)) or float(value).is_integer():
        return f"{int(value):,}"
    return _num(float(value))


def _cell(column: str, value: Any) -> str:
    """One value with its unit, by the column's name (docs/kpis.md's naming: ``_s`` seconds,
    ``_per_h`` per hour, ``_m`` metres, fractions as percentages)."""
    if isinstance(value, str):
        return html.escape(value)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if column in _FRACTIONS:
        return f"{100 * value:.1f} %"
    if column.endswith("_s") or "_s_p" in column:
        return _seconds_text(value)
    if column.endswith("_per_h"):
        return f"{_number(value)} /h"
    if column.endswith("_m"):
        return f"{_number(value)} m"
    if column.endswith("_bytes"):
        return _bytes(value)
    return _number(value)


def _bytes(value: float) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(value) >= size:
            return f"{value / size:.3g} {unit}"
    return f"{value:.0f} B"


def _heading(column: str) -> str:
    text = column
    for suffix, unit in (("_per_h", " /h"), ("_s_p50", " p50"), ("_s_p95", " p95"), ("_s", ""), ("_m", " (m)")):
        if text.endswith(suffix):
            text = text[: -len(suffix)] + unit
            break
    return html.escape(text.replace("_", " "))


def _table(frame, caption: str, columns: Optional[List[str]] = None, headings: Optional[Dict[str, str]] = None,
           missing: str = "n/a") -> str:
    """A table that fits its box: one column per KPI with its mean and, when there is one, its
    ± 95 % half-width in the same cell; units in the cells; wide tables scroll inside their box.
    ``headings`` names columns otherwise named after their key; ``missing`` fills the cells of a
    row that has no such value (NaN)."""
    columns = [c for c in (columns or list(frame.columns)) if c in frame.columns and not c.endswith(_INTERVAL_SUFFIXES)]
    head = "".join(f"<th scope='col'>{html.escape(headings[c]) if headings and c in headings else _heading(c)}</th>"
                   for c in columns)
    rows = []
    for name, row in frame.iterrows():
        cells = []
        for c in columns:
            value = row[c]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                cells.append(f"<td>{html.escape(missing)}</td>")
                continue
            text = _cell(c, value)
            ci = row.get(f"{c}_ci95")
            if ci is not None and isinstance(ci, (float, int)) and math.isfinite(ci) and ci > 0:
                text += f" <span class='ci'>± {_cell(c, ci) if c in _FRACTIONS or c.endswith('_s') else _number(ci)}</span>"
            cells.append(f"<td>{text}</td>")
        rows.append(f"<tr><th scope='row'>{html.escape(str(name))}</th>{''.join(cells)}</tr>")
    index = html.escape(str(frame.index.name or ""))
    return (f"<div class='table-wrap'><table><caption>{html.escape(caption)}</caption>"
            f"<thead><tr><th scope='col'>{index}</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


#: The plant KPIs as the report names them, with their units.
_KPI_NAMES = {"throughput_per_h": "throughput (good parts /h)", "lead_time_s": "lead time (h:mm:ss)",
              "wip": "work in process (parts)", "completed": "good parts out", "scrapped": "parts scrapped",
              "orders.completed": "orders done", "orders.on_time": "orders on time",
              "orders.tardiness_s": "tardiness of late orders (h:mm:ss)"}


def _kpi_table(result: Result) -> str:
    """The plant KPIs, one per row: mean, ± 95 % half-width, the interval, p50 and p95, in units."""
    rows = []
    for name, k in result.kpis.iterrows():
        column = name.split(".")[-1]
        cells = [_cell(column, k["mean"]), "" if not k["ci95"] else f"± {_cell(column, k['ci95'])}",
                 f"{_cell(column, k['ci_low'])} .. {_cell(column, k['ci_high'])}",
                 _cell(column, k["p50"]) if math.isfinite(k["p50"]) else "",
                 _cell(column, k["p95"]) if math.isfinite(k["p95"]) else ""]
        rows.append(f"<tr><th scope='row'>{html.escape(_KPI_NAMES.get(name, name))} <code class='path'>{html.escape(name)}"
                    f"</code></th>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return ("<div class='table-wrap'><table><caption>plant KPIs: mean and 95 % interval over the replications; "
            "percentiles pooled over every part</caption><thead><tr><th scope='col'>KPI</th><th scope='col'>mean</th>"
            "<th scope='col'>± 95 %</th><th scope='col'>interval</th><th scope='col'>p50</th><th scope='col'>p95</th>"
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")


#: The station KPIs of material flow (docs/kpis.md, "Material flow"), in the order the report shows
#: them, with their headings. Each appears only at the stations that use the vocabulary.
MATERIAL_COLUMNS = {
    "rejected": "rejected", "reworked": "reworked", "visits_per_good_part": "visits per good part",
    "consumed": "components consumed", "kits_waiting": "kits waiting", "batches_count": "batches",
    "batches_mean_size": "mean batch size", "batches_fill_wait_s": "batch fill wait"}


def _material_table(stations) -> str:
    """Rework, assembly and batches per station: only the columns some station has, only the
    stations that have one of them (a plant without material flow gets no table). ``rejected``
    alone (a station with a yield and no rework: its rejects are its scrap) is no material flow."""
    columns = [c for c in MATERIAL_COLUMNS if c in stations.columns and stations[c].notna().any()]
    flow = [c for c in columns if c != "rejected"]
    if not flow:
        return ""
    rows = stations[stations[flow].notna().any(axis=1)]
    return _table(rows, "material flow per station (means over the replications): rejected and reworked passes, "
                        "passes per good part, components consumed by assembly, complete kits waiting (time "
                        "average), batches started, their mean size and the wait to fill one", columns,
                  headings=MATERIAL_COLUMNS, missing="–")


def _release_table(result: Result) -> str:
    """The sources with release control (``wip_limit``): the limit and the backlog held outside."""
    sources = result.section("sources")
    columns = [c for c in ("wip_limit", "backlog") if c in sources.columns]
    if sources.empty or not columns:
        return ""
    return _table(sources, "release control per source: the WIP limit (parts of the source in the plant at once) "
                           "and the backlog, the time-average number of parts held back outside the plant (not "
                           "WIP)", columns + [c for c in sources.columns if c not in columns],
                  headings={"wip_limit": "WIP limit", "backlog": "backlog (parts)"}, missing="–")


def _card(title: str, value: str, note: str, cls: str = "") -> str:
    return (f"<div class='card {cls}'><div class='card-title'>{html.escape(title)}</div>"
            f"<div class='card-value'>{value}</div><div class='card-note'>{note}</div></div>")


def _cards(result: Result, doc: dict) -> str:
    e = html.escape
    kpis = doc["kpis"]
    n = doc["replications"]
    over = f"over {n} replication{'s' if n != 1 else ''}"
    tp = kpis["throughput_per_h"]
    cards = [_card("Throughput", f"{_num(tp['mean'])} <small>parts/h</small>",
                   f"± {_num(tp['ci95'])} (95 % interval {over}); {_number(kpis['completed']['mean'])} good parts in "
                   f"{hms(doc['horizon_s'])}")]
    on_time = doc.get("orders", {}).get("on_time")
    if on_time is not None and on_time.get("mean") is not None:
        cards.append(_card("On time", f"{100 * on_time['mean']:.1f} <small>%</small>",
                           f"of the orders due in the window done by their due time; "
                           f"tardiness {hms(doc['orders']['tardiness_s']['mean'])} on average when late"))
    else:
        cards.append(_card("On time", "n/a", "the plant has no orders with due times"))
    lt = kpis["lead_time_s"]
    cards.append(_card("Lead time", f"{hms(lt['mean'])}",
                       f"mean, h:mm:ss (p50 {hms(lt.get('p50'))}, p95 {hms(lt.get('p95'))}), from release to leaving"))
    cards.append(_card("Work in process", f"{_num(kpis['wip']['mean'])} <small>parts</small>",
                       f"time average; {_number(kpis['scrapped']['mean'])} parts scrapped"))
    bottleneck = result.bottleneck
    cards.append(_card("Bottleneck", f"{e(bottleneck or 'none')} <small>{100 * result.bottleneck_active:.1f} % active</small>"
                       if bottleneck else "none", e(bottleneck_sentence(result)), "wide"))
    return "<div class='cards'>" + "".join(cards) + "</div>"


def _page(result: Result, doc: dict, captions: Dict[str, str], replay: Optional[str] = None) -> str:
    e = html.escape
    scenario = result.scenario
    rows: List[str] = []
    if scenario is not None:
        rows.append(f"<tr><th>scenario file</th><td><code>{e(scenario.file)}</code></td></tr>")
        if scenario.changes:
            rows.append("<tr><th>changes</th><td>" + "<br>".join(
                f"<code>{e(k)}={e(v)}</code>" for k, v in scenario.changes.items()) + "</td></tr>")
    rows += [
        f"<tr><th>replications</th><td>{doc['replications']} of {hms(doc['horizon_s'])} (h:mm:ss) after a warm-up "
        f"of {hms(doc['warmup_s'])}, seed {doc['seed']}</td></tr>",
        f"<tr><th>events</th><td>{doc['events']:,} in {doc['wall_s']:.3f} s of wall time</td></tr>",
        f"<tr><th>fingerprint</th><td><code>{e(doc['fingerprint'])}</code></td></tr>",
        f"<tr><th>plantwin</th><td>{e(doc['plantwin'])}, {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}</td></tr>",
    ]
    sections: List[tuple] = []  # (anchor, title, html)
    sections.append(("plant", "Plant", _kpi_table(result)))
    orders = result.orders
    if len(orders):
        sections.append(("orders", "Orders", _table(orders, "each order: release, due and done times (h:mm:ss from "
                                                            "time 0, mean) and the share of replications that "
                                                            "finished it by its due time")))
    if len(result.products) > 1:
        sections.append(("products", "Products", _table(result.products, "per product")))
    stations = result.stations
    kpi_cols = [c for c in ("utilization", "oee", "availability", "performance", "quality", "queue", "completed",
                            "scrapped") if c in stations.columns]
    state_cols = [c for c in STATES if c in stations.columns]
    sections.append(("stations", "Stations", _table(stations, "per station (means over the replications)", kpi_cols) +
                     _table(stations, "share of the servers' time in each state", state_cols)))
    material = _material_table(stations)
    if material:
        sections.append(("material", "Material flow", material))
    release = _release_table(result)
    if release:
        sections.append(("release", "Release", release))
    for name in result.sections:
        if name not in ("products", "stations", "sources"):
            sections.append((name, name.capitalize(), _table(result.section(name), name)))
    figures = "".join(f"<figure><img src='{file}' alt='{e(caption)}'><figcaption>{e(caption)}</figcaption></figure>"
                      for file, caption in captions.items())
    sections.append(("plots", "Plots", figures))
    if replay is not None:
        sections.append(("replay", "Replay", (
            f"<p>Replication 0 on the plant's layout: play it, or drag the time slider "
            f"(<a href='{replay}'>open it on its own page</a>; docs/view.md).</p>"
            f"<iframe class='replay' src='{replay}' title='replay of replication 0'></iframe>")))
    sections.append(("run", "Run", "<div class='table-wrap'><table class='info'>" + "".join(rows) + "</table></div>"))
    toc = "".join(f"<li><a href='#{a}'>{e(t)}</a></li>" for a, t, _ in sections)
    body = [f"<header><h1>{e(str(doc['scenario']))}</h1><p class='sub'>{doc['replications']} replication(s) of "
            f"{hms(doc['horizon_s'])} after {hms(doc['warmup_s'])} of warm-up · seed {doc['seed']} · fingerprint "
            f"<code>{e(doc['fingerprint'])}</code></p></header>",
            f"<nav class='toc' aria-label='contents'><ul>{toc}</ul></nav>",
            *_forecast_section(result),
            "<section id='summary'><h2>Summary</h2>" + _cards(result, doc) + "</section>"]
    body += [f"<section id='{a}'><h2>{e(t)}</h2>{content}</section>" for a, t, content in sections]
    body.append("<p class='note'>Times are h:mm:ss (as the CLI prints them) or seconds; shares of time in %. "
                "KPI definitions: docs/kpis.md. Written by <code>python3 -m plantwin report</code>.</p>")
    return _TEMPLATE.replace("@@TITLE@@", e(f"plantwin report: {doc['scenario']}")).replace("@@BODY@@", "\n".join(body))


def _forecast_section(result: Result) -> List[str]:
    """A run from a state (docs/twin.md): its forecast, first, as the CLI's table shows it."""
    f = result.forecast
    if not f:
        return []
    e = html.escape
    rows = []
    for o in f.get("orders", []):
        p = "-" if o["p_on_time"] is None else f"{o['p_on_time']:.2f}"
        done = hms(o["done_s"]["mean"])
        if o["done_s"]["ci95"] is not None:
            done += " ± " + hms(o["done_s"]["ci95"])
        rows.append(f"<tr><td>{e(o['id'])}</td><td>{e(o['product'])}</td><td>{hms(o['due_s'])}</td><td>{p}</td>"
                    f"<td>{o['p_done']:.2f}</td><td>{done}</td></tr>")
    table = ("<div class='table-wrap'><table><thead><tr><th>order</th><th>product</th><th>due</th><th>P(on time)</th>"
             "<th>P(done)</th><th>done (mean ± ci95)</th></tr></thead><tbody>" + "".join(rows) +
             "</tbody></table></div>") if rows else ""
    tp = f.get("throughput_per_h", {})
    station = f.get("bottleneck", {}).get("station", "-")
    sentence = (f"From the plant's state in <code>{e(str(f['state']))}</code> at {hms(f['from_s'])} to "
                f"{hms(f['until_s'])} after time 0: throughput {tp.get('mean', float('nan')):.2f} ± "
                f"{tp.get('ci95', float('nan')):.2f} parts per hour; bottleneck {e(str(station))}.")
    return [f"<section id='forecast'><h2>Forecast</h2><p class='forecast'>{sentence}</p>{table}</section>"]


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@@TITLE@@</title>
<style>
* { box-sizing: border-box; }
body { font-family: system-ui, sans-serif; max-width: 1180px; margin: 0 auto; padding: 1em 1.2em 3em; color: #222;
       line-height: 1.4; }
header h1 { margin: 0.2em 0 0; } .sub { color: #555; margin: 0.2em 0 0.8em; overflow-wrap: anywhere; }
.toc { position: sticky; top: 0; background: #fff; border-bottom: 1px solid #ddd; z-index: 2; padding: 0.3em 0; }
.toc ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.2em 1.1em; margin: 0; padding: 0; }
.toc a { color: #1f4e99; text-decoration: none; } .toc a:hover { text-decoration: underline; }
section { scroll-margin-top: 3em; }
h2 { margin: 1.4em 0 0.5em; border-bottom: 2px solid #eee; padding-bottom: 0.15em; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); gap: 12px; }
.card { border: 1px solid #ddd; border-radius: 8px; padding: 0.7em 0.9em; background: #fcfcfc; min-width: 0; }
.card.wide { grid-column: 1 / -1; background: #fff6e0; border-color: #f2c12e; }
.card-title { color: #666; font-size: 0.85em; text-transform: uppercase; letter-spacing: 0.04em; }
.card-value { font-size: 1.7em; font-weight: 650; margin: 0.1em 0; overflow-wrap: anywhere; }
.card-value small { font-size: 0.55em; font-weight: 400; color: #555; }
.card-note { color: #555; font-size: 0.88em; }
.forecast { font-size: 1.1em; background: #e8f4fd; padding: 0.8em; border-left: 4px solid #1f77b4; }
.table-wrap { max-width: 100%; overflow-x: auto; margin: 0.4em 0 1.4em; border: 1px solid #eee; border-radius: 6px; }
table { border-collapse: collapse; font-size: 0.86em; width: max-content; min-width: 100%; }
caption { text-align: left; font-weight: 600; padding: 0.4em 0.6em; caption-side: top; white-space: normal; }
th, td { padding: 0.25em 0.6em; text-align: right; border-bottom: 1px solid #eee; white-space: nowrap; }
thead th { background: #f5f5f5; position: sticky; top: 0; } tbody th { text-align: left; }
table.info th, table.info td { text-align: left; white-space: normal; overflow-wrap: anywhere; }
.ci { color: #888; font-size: 0.9em; } code.path { color: #888; font-weight: 400; font-size: 0.85em; }
figure { margin: 1em 0 2em; } img { max-width: 100%; height: auto; } figcaption { color: #555; font-size: 0.9em; }
iframe.replay { width: 100%; height: 680px; border: 1px solid #ddd; border-radius: 6px; }
code { overflow-wrap: anywhere; }
.note { color: #777; font-size: 0.85em; }
</style>
</head>
<body>
@@BODY@@
</body>
</html>
"""
