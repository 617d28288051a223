"""An HTML report of one run: the KPI tables, the plots as PNG files and the bottleneck named,
for people who would rather look than read. ``python3 -m plantwin report`` writes one from the
command line."""

from __future__ import annotations

import datetime
import html
from pathlib import Path
from typing import Dict, List, Optional, Union


from .result import Result, _html_table, _duration
from .states import ACTIVE_STATES, STATES
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
    when the scenario's routes are known."""
    name = result.bottleneck
    if not name:
        return "The plant has no station."
    states = result.station_states
    row = states.loc[name]
    active = result.bottleneck_active
    parts = [f"{s.replace('_', ' ')} {100 * row[s]:.1f} %" for s in ACTIVE_STATES if s in row and row[s] > 0.0005]
    others = sum(states.get(s, 0) for s in ACTIVE_STATES).drop(index=name)
    runner_up = f" (next: {others.idxmax()}, {100 * others.max():.1f} %)" if len(others) else ""
    text = (f"The bottleneck is {name}: its servers are active ({', '.join(parts) or 'working 0 %'}) "
            f"{100 * active:.1f} % of the time, more than any other station's{runner_up}. ")
    if active >= 0.9:
        text += (f"It is saturated and sets the line's throughput: more capacity at {name} (another server, shorter "
                 f"process or setup times, fewer or shorter failures) raises throughput, more capacity anywhere "
                 f"else does not. ")
    else:
        slack = 1 - active
        text += (f"No station is saturated ({name} is idle, blocked or waiting {100 * slack:.1f} % of the time): the "
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
    its timeline. The page holds the run's details, the bottleneck in a sentence
    (:func:`bottleneck_sentence`), the plant KPIs, the order, product and station tables, any
    section transport or the network add, and the plots: station states, throughput over time,
    lead times and a Gantt chart of the first ``gantt_hours`` of the measured window.

    Raises :class:`ScenarioError`, :class:`RunError` as ``run`` does, ``ValueError`` for a Result
    without a timeline, ``OSError`` when ``out`` cannot be written.
    """
    if isinstance(source, Result):
        result = source
        if result.timeline is None:
            raise ValueError("write_report() needs a Result with its timeline: plantwin.run(..., timeline=True)")
    else:
        result = run(source, seed=seed, replications=replications, jobs=jobs, changes=changes, timeline=True)
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

    page = _page(result, doc, captions)
    index = directory / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def _page(result: Result, doc: dict, captions: Dict[str, str]) -> str:
    e = html.escape
    scenario = result.scenario
    rows: List[str] = []
    if scenario is not None:
        rows.append(f"<tr><th>scenario file</th><td><code>{e(scenario.file)}</code></td></tr>")
        if scenario.changes:
            rows.append("<tr><th>changes</th><td>" + "<br>".join(
                f"<code>{e(k)}={e(v)}</code>" for k, v in scenario.changes.items()) + "</td></tr>")
    rows += [
        f"<tr><th>replications</th><td>{doc['replications']} of {_duration(doc['horizon_s'])} "
        f"(warm-up {_duration(doc['warmup_s'])}), seed {doc['seed']}</td></tr>",
        f"<tr><th>events</th><td>{doc['events']:,} in {doc['wall_s']:.3f} s</td></tr>",
        f"<tr><th>fingerprint</th><td><code>{e(doc['fingerprint'])}</code></td></tr>",
        f"<tr><th>plantwin</th><td>{e(doc['plantwin'])}, {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}</td></tr>",
    ]
    body = [f"<h1>{e(str(doc['scenario']))}</h1>", "<table class='info'>" + "".join(rows) + "</table>",
            *_forecast_section(result),
            "<h2>Bottleneck</h2>", f"<p class='bottleneck'>{e(bottleneck_sentence(result))}</p>",
            "<h2>Plant</h2>", _html_table("plant KPIs (mean and 95 % interval over the replications)", result.kpis)]
    if len(result.orders):
        body += ["<h2>Orders</h2>", _html_table("each order: when it was done (mean) and the share of replications "
                                                "that finished it by its due time", result.orders)]
    if len(result.products) > 1:
        body += ["<h2>Products</h2>", _html_table("per product", result.products)]
    stations = result.stations
    cols = [c for c in ("utilization", "oee", "availability", "performance", "quality", *STATES, "queue", "completed",
                        "scrapped") if c in stations.columns]
    body += ["<h2>Stations</h2>", _html_table("per station (means over the replications)", stations[cols])]
    for name in result.sections:
        if name not in ("products", "stations"):
            body += [f"<h2>{e(name.capitalize())}</h2>", _html_table(name, result.section(name))]
    body.append("<h2>Plots</h2>")
    for file, caption in captions.items():
        body.append(f"<figure><img src='{file}' alt='{e(caption)}'><figcaption>{e(caption)}</figcaption></figure>")
    body.append("<p class='note'>KPI definitions: docs/kpis.md. Written by <code>python3 -m plantwin report</code>.</p>")
    return _TEMPLATE.format(title=e(f"plantwin report: {doc['scenario']}"), body="\n".join(body))


def _clock(seconds: Optional[float]) -> str:
    if seconds is None:
        return "-"
    total = int(round(seconds))
    return f"{total // 3600}:{total // 60 % 60:02d}:{total % 60:02d}"


def _forecast_section(result: Result) -> List[str]:
    """A run from a state (docs/twin.md): its forecast, first, as the CLI's table shows it."""
    f = result.forecast
    if not f:
        return []
    e = html.escape
    rows = []
    for o in f.get("orders", []):
        p = "-" if o["p_on_time"] is None else f"{o['p_on_time']:.2f}"
        done = _clock(o["done_s"]["mean"])
        if o["done_s"]["ci95"] is not None:
            done += " ± " + _clock(o["done_s"]["ci95"])
        rows.append(f"<tr><td>{e(o['id'])}</td><td>{e(o['product'])}</td><td>{_clock(o['due_s'])}</td><td>{p}</td>"
                    f"<td>{o['p_done']:.2f}</td><td>{done}</td></tr>")
    table = ("<table><thead><tr><th>order</th><th>product</th><th>due</th><th>P(on time)</th><th>P(done)</th>"
             "<th>done (mean ± ci95)</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>") if rows else ""
    tp = f.get("throughput_per_h", {})
    station = f.get("bottleneck", {}).get("station", "-")
    sentence = (f"From the plant's state in <code>{e(str(f['state']))}</code> at {_clock(f['from_s'])} to "
                f"{_clock(f['until_s'])} after time 0: throughput {tp.get('mean', float('nan')):.2f} ± "
                f"{tp.get('ci95', float('nan')):.2f} parts per hour; bottleneck {e(str(station))}.")
    return ["<h2>Forecast</h2>", f"<p class='forecast'>{sentence}</p>", table]


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }}
th, td {{ padding: 0.25em 0.7em; text-align: right; border-bottom: 1px solid #ddd; }}
table.info th, table.info td {{ text-align: left; }}
thead th {{ background: #f3f3f3; }}
.bottleneck {{ font-size: 1.1em; background: #fff6e0; padding: 0.8em; border-left: 4px solid #f2c12e; }}
.forecast {{ font-size: 1.1em; background: #e8f4fd; padding: 0.8em; border-left: 4px solid #1f77b4; }}
figure {{ margin: 1em 0 2em; }} img {{ max-width: 100%; }} figcaption {{ color: #555; font-size: 0.9em; }}
.note {{ color: #777; font-size: 0.85em; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""

