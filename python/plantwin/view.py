"""An animated replay of an event log on the plant's layout, in one self-contained HTML page
(docs/view.md). ``python3 -m plantwin view LOG --scenario S.yaml --out DIR`` and ``plantwin view``
write one; :func:`write_view` does it from Python and the report (:mod:`plantwin.report`) adds
one as its "Replay" section.

The page is drawn from the scenario (stations at their layout places, or placed by a force layout
of the routes; the AGV path network; conveyors, arms, the network's links) and animated from the
log. The log is preprocessed here into compact per-element tracks (one sorted list of change times
and values per server, station queue, vehicle, conveyor), so the page finds the state at any
instant with one binary search per element and never holds the events in its DOM.
"""

from __future__ import annotations

import datetime
import html
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from .errors import LogError
from .scenario import PathLike, Scenario, load

#: The colours of products, in declaration order (matplotlib's tab10 without the state colours' greys).
PRODUCT_COLORS = ("#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#2ca02c",
                  "#d62728", "#7f7f7f")
#: The vehicle states of docs/transport.md, in the order the page's legend lists them, with colours.
VEHICLE_STATES = {
    "idle": "#c7c7c7", "travelling_empty": "#9ecae1", "travelling_loaded": "#2ca02c", "loading": "#98df8a",
    "unloading": "#98df8a", "blocked": "#ff7f0e", "waiting_zone": "#ffbb78", "charging": "#f2c12e",
    "waiting_network": "#17becf",
}
_VIEWER_DIR = Path(__file__).with_name("viewer")
_MICRO = 1_000_000  # track times are written as whole microseconds
#: The events that happen at a station (docs/twin.md).
_STATION_EVENTS = frozenset({"state", "enter", "setup_start", "setup_end", "start", "end", "leave", "scrap", "down", "up",
                             "consume", "assemble"})


# ------------------------------------------------------------------------------------------------
# Placing the plant


def _force_layout(names: Sequence[str], edges: Sequence[Tuple[int, int, float]], initial: Dict[int, Tuple[float, float]],
                  fixed: Dict[int, Tuple[float, float]], spacing: float, iterations: int = 300) -> List[Tuple[float, float]]:
    """A force-directed layout of ``names`` with the ``fixed`` vertices pinned: each edge
    ``(a, b, length)`` a spring of that rest length (as in Kamada–Kawai), every pair closer than
    1.5 ``spacing`` pushed apart (as in Fruchterman–Reingold), moves capped by a temperature that
    cools linearly. Deterministic: it starts from ``initial`` and draws no random number."""
    import numpy as np

    n = len(names)
    pos = np.array([fixed.get(i, initial.get(i, (0.0, 0.0))) for i in range(n)], dtype=float)
    if n < 2:
        return [(float(x), float(y)) for x, y in pos]
    movable = np.array([i not in fixed for i in range(n)])
    k = spacing
    e = np.array([(a, b) for a, b, _ in edges], dtype=int).reshape(-1, 2)
    rest = np.array([length for _, _, length in edges], dtype=float)
    for step in range(iterations):
        temperature = 0.2 * k * (1 - step / iterations) + 1e-4 * k
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((delta ** 2).sum(-1))
        np.fill_diagonal(dist, 1e9 * k)
        dist = np.maximum(dist, 1e-6 * k)
        push = np.where(dist < 1.5 * k, (1.5 * k - dist) / dist, 0.0)
        disp = (delta * push[..., None]).sum(1)
        if len(e):
            d = pos[e[:, 1]] - pos[e[:, 0]]
            length = np.sqrt((d ** 2).sum(-1)) + 1e-9
            pull = d * ((length - rest) / length)[:, None] * 0.5
            np.add.at(disp, e[:, 0], pull)
            np.add.at(disp, e[:, 1], -pull)
        size = np.sqrt((disp ** 2).sum(-1)) + 1e-12
        move = disp / size[:, None] * np.minimum(size, temperature)[:, None]
        pos[movable] += move[movable]
    return [(float(x), float(y)) for x, y in pos]


def _ranks(stations: Sequence[str], routes: Sequence[Sequence[str]]) -> Dict[str, int]:
    """Each station's column: the longest path to it along the routes (loops broken at stations
    already seen on the route), so a line reads from left to right."""
    rank = {s: 0 for s in stations}
    for _ in range(len(stations)):
        changed = False
        for route in routes:
            seen = set()
            for a, b in zip(route, route[1:]):
                seen.add(a)
                if b in seen:
                    continue
                if rank[b] < rank[a] + 1:
                    rank[b] = rank[a] + 1
                    changed = True
        if not changed:
            break
    return rank


def place_stations(plant: Dict[str, Any]) -> Tuple[Dict[str, Tuple[float, float]], float, Dict[str, bool]]:
    """Where each station is drawn, in metres: at its layout place when it has one (stations
    sharing a node side by side), else by a force layout of the routes (columns by route order,
    then Fruchterman–Reingold with the placed stations pinned). Returns the positions, the spacing
    (metres between neighbouring stations: the drawing's unit) and which stations were placed."""
    stations = [s["id"] for s in plant["stations"]]
    routes = [p["route"] for p in plant["products"]]
    layout = plant.get("layout")
    nodes = {n["id"]: (n["x"], n["y"]) for n in (layout or {}).get("nodes", [])}
    places = dict((layout or {}).get("places", {}))
    lengths = []
    for s in (layout or {}).get("segments", []):
        a, b = nodes[s["from"]], nodes[s["to"]]
        lengths.append(s["length"] or math.dist(a, b))
    if nodes:
        xs = [p[0] for p in nodes.values()]
        ys = [p[1] for p in nodes.values()]
        extent = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
        spacing = max(sorted(lengths)[len(lengths) // 2] if lengths else 0.0, extent / 8, 1.0)
    else:
        extent, spacing = 0.0, 10.0
    placed: Dict[str, Tuple[float, float]] = {}
    by_node: Dict[str, List[str]] = {}
    for s in stations:
        if s in places:
            by_node.setdefault(places[s], []).append(s)
    for node, group in by_node.items():
        x, y = nodes[node]
        for i, s in enumerate(group):
            placed[s] = (x + (i - (len(group) - 1) / 2) * 0.9 * spacing, y)
    rank = _ranks(stations, routes)
    columns: Dict[int, List[str]] = {}
    for s in stations:
        columns.setdefault(rank[s], []).append(s)
    initial = {}
    for r, group in columns.items():
        for i, s in enumerate(group):
            initial[s] = (r * spacing, -(i - (len(group) - 1) / 2) * spacing)
    free = [s for s in stations if s not in placed]
    if placed and free:
        # Put the unplaced stations' columns beside the layout, on the side their routes go:
        # before the placed stations (to the west) or after them (to the east).
        mean_free = sum(rank[s] for s in free) / len(free)
        mean_placed = sum(rank[s] for s in placed) / len(placed)
        px = [p[0] for p in nodes.values()] or [0.0]
        anchor = min(placed.values(), key=lambda p: p[0]) if mean_free <= mean_placed else max(placed.values(), key=lambda p: p[0])
        fr = [rank[s] for s in free]
        if mean_free <= mean_placed:
            dx = min(px) - spacing - max(fr) * spacing
        else:
            dx = max(px) + spacing - min(fr) * spacing
        dy = anchor[1]
        initial = {s: (x + dx, y + dy) for s, (x, y) in initial.items()}
    if free:
        index = {s: i for i, s in enumerate(stations)}
        edges = sorted({(index[a], index[b], spacing * max(1, abs(rank[b] - rank[a])))
                        for route in routes for a, b in zip(route, route[1:]) if a != b})
        fixed = {index[s]: p for s, p in placed.items()}
        positions = _force_layout(stations, edges, {index[s]: initial[s] for s in stations}, fixed, spacing)
        out = {s: positions[index[s]] for s in stations}
    else:
        out = dict(placed)
    return out, spacing, {s: s in placed for s in stations}


# ------------------------------------------------------------------------------------------------
# Tracks: the log as per-element lists of changes


@dataclass
class _Track:
    """One element's changes: times (seconds) and values, appended in time order."""

    t: List[float] = field(default_factory=list)
    v: List[int] = field(default_factory=list)

    def add(self, time: float, value: int) -> None:
        if self.v and self.v[-1] == value:
            return
        self.t.append(time)
        self.v.append(value)


def _pack(tracks: Sequence[_Track], with_values: bool = True) -> Dict[str, Any]:
    """Tracks as flat arrays: ``off`` (where each track starts), ``dt`` (times in whole
    microseconds, each the difference to the previous time of its track, the first from 0) and
    ``v`` (the values)."""
    off, dt, values = [0], [], []
    for tr in tracks:
        previous = 0
        for time in tr.t:
            micro = round(time * _MICRO)
            dt.append(micro - previous)
            previous = micro
        if with_values:
            values.extend(tr.v)
        off.append(len(dt))
    out = {"off": off, "dt": dt}
    if with_values:
        out["v"] = values
    return out


def _count_track(changes: List[Tuple[float, int]]) -> _Track:
    """A count over time from (time, +1 / -1) changes (sorted stably by time)."""
    changes.sort(key=lambda c: c[0])
    track = _Track()
    n = 0
    for time, delta in changes:
        n += delta
        track.t.append(time)
        track.v.append(n)
    return track


def _columns(log) -> Tuple[Dict[str, List[Any]], Optional[str]]:
    """The log's columns as Python lists (text '' when empty; server and part as integers, -1 when
    empty, or as a plant's names, '' when empty) and
    the file name for messages."""
    import pandas as pd

    from .eventlog import as_ids, read_events

    name = None
    if isinstance(log, (str, os.PathLike)):
        name = os.fspath(log)
        try:
            frame = read_events(name)
        except (ValueError, pd.errors.ParserError) as error:
            raise LogError(f"{name}: error: {error}") from None
    else:
        frame = getattr(log, "events", log)
        if frame is None:
            raise LogError("the Result has no event log: plantwin.run(..., events=True) keeps one")
    cols: Dict[str, List[Any]] = {}
    for c in ("event", "station", "product", "order", "carrier", "from", "to", "state"):
        cols[c] = frame[c].fillna("").astype(str).tolist() if c in frame.columns else [""] * len(frame)
    for c in ("server", "part"):
        series = as_ids(frame[c]) if c in frame.columns else pd.Series([pd.NA] * len(frame), dtype="Int64")
        if pd.api.types.is_integer_dtype(series.dtype):
            cols[c] = series.fillna(-1).astype(int).tolist()
        else:  # a plant's server names and part ids
            cols[c] = series.fillna("").astype(str).tolist()
    cols["time"] = frame["time"]
    return cols, name


def _seconds(times, epoch: Optional[Dict[str, Any]]) -> Tuple[List[float], Optional[float]]:
    """The log's times as seconds from time 0, and time 0 as Unix seconds when the log has ISO
    times (from the scenario's epoch, else the first row's day at 00:00 in its offset)."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(times):
        return times.astype(float).tolist(), None
    stamps = pd.to_datetime(times, utc=True)
    if epoch is not None:
        zero = float(epoch["unix_seconds"])
    else:
        first = pd.Timestamp(times.iloc[0]) if len(times) else pd.Timestamp(0, tz="UTC")
        zero = first.normalize().timestamp() if first.tzinfo else first.normalize().tz_localize("UTC").timestamp()
    unix = (stamps - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    return (unix - zero).astype(float).tolist(), zero


def replay_data(log, scenario: Union[Scenario, PathLike], result: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """The page's data: the plant as drawn and the log as tracks (docs/view.md, "The data").

    ``log`` is an event log file, its DataFrame (:func:`plantwin.eventlog.read_events`) or a
    :class:`Result` of ``run(..., events=True)``; ``scenario`` the scenario it belongs to (or its
    path); ``result`` a result document (for the links' utilisation). Raises :class:`LogError`
    for a log that names stations, vehicles or conveyors the scenario does not have.
    """
    from . import states as _states

    scn = scenario if isinstance(scenario, Scenario) else load(scenario)
    plant = scn.plant
    cols, name = _columns(log)
    times, zero_unix = _seconds(cols["time"], plant.get("epoch"))
    where = name or "the log"

    stations = [s["id"] for s in plant["stations"]]
    station_index = {s: i for i, s in enumerate(stations)}
    servers = [s["servers"] for s in plant["stations"]]
    products = list(scn.products)
    product_index = {p: i for i, p in enumerate(products)}
    state_names = list(_states.STATES)
    state_index = {s: i for i, s in enumerate(state_names)}
    vstate_names = list(VEHICLE_STATES)
    vstate_index = {s: i for i, s in enumerate(vstate_names)}
    layout = plant.get("layout") or {"nodes": [], "segments": [], "places": {}}
    node_index = {n["id"]: i for i, n in enumerate(layout["nodes"])}
    node_xy = [(n["x"], n["y"]) for n in layout["nodes"]]
    seg_length: Dict[Tuple[str, str], float] = {}
    for s in layout["segments"]:
        length = s["length"] or math.dist(node_xy[node_index[s["from"]]], node_xy[node_index[s["to"]]])
        seg_length[(s["from"], s["to"])] = seg_length[(s["to"], s["from"])] = length
    vehicles: List[Dict[str, Any]] = []
    vehicle_index: Dict[str, int] = {}
    for f in plant["fleets"]:
        for k in range(f["vehicles"]):
            vehicle_index[f"{f['id']}[{k}]"] = len(vehicles)
            vehicles.append({"id": f"{f['id']}[{k}]", "fleet": f["id"], "home": node_index.get(f["home"], -1),
                             "speed": f["speed"], "capacity": f["capacity"]})
    conveyor_index = {c["id"]: i for i, c in enumerate(plant["conveyors"])}

    def server_slot(st: int, server: Any) -> int:
        if server in (-1, ""):  # no server: server 0 at a station of one, as the CLI reads it
            return 0 if st >= 0 and servers[st] == 1 else -1
        if isinstance(server, str):  # a plant's server names: numbered in the order they appear
            names = server_names.setdefault(st, {})
            if server not in names:
                names[server] = len(names)
            k = names[server]
        else:
            k = server
        if k >= len(server_tracks[st]):
            server_tracks[st].extend(_Track() for _ in range(k + 1 - len(server_tracks[st])))
            server_state[st].extend([0] * (k + 1 - len(server_state[st])))
            server_product[st].extend([-1] * (k + 1 - len(server_product[st])))
            server_free[st].extend([True] * (k + 1 - len(server_free[st])))
            server_taken[st].extend([0.0] * (k + 1 - len(server_taken[st])))
            server_before_down[st].extend([0] * (k + 1 - len(server_before_down[st])))
            is_down[st].extend([False] * (k + 1 - len(is_down[st])))
        return k

    server_names: Dict[int, Dict[str, int]] = {}
    server_tracks = [[_Track() for _ in range(n)] for n in servers]
    idle = state_index.get("idle", 0)
    server_state = [[idle] * n for n in servers]
    server_before_down = [[idle] * n for n in servers]
    server_product = [[-1] * n for n in servers]
    server_free = [[True] * n for n in servers]  # holds no part (idle, or down after idle)
    server_taken = [[0.0] * n for n in servers]  # when it last took a part
    queue_changes: List[List[Tuple[float, int]]] = [[] for _ in stations]
    waiting: List[Dict[int, float]] = [{} for _ in stations]  # part -> enter time, until a server takes it
    done: List[List[float]] = [[] for _ in stations]
    vehicle_moves = [{"t": [], "a": [], "b": [], "d": [], "loaded": []} for _ in vehicles]
    pending_arrive: Dict[int, int] = {}
    vstate_tracks = [_Track() for _ in vehicles]
    vload_changes: List[List[Tuple[float, int]]] = [[] for _ in vehicles]
    conveyor_changes: List[List[Tuple[float, int]]] = [[] for _ in plant["conveyors"]]
    wip_changes: List[Tuple[float, int]] = []
    exits: List[float] = []
    failures: List[Tuple[float, int]] = []
    has_state_rows = "state" in set(cols["event"])

    def colour(st: int, k: int, time: float) -> None:
        server_tracks[st][k].add(time, server_state[st][k] * (len(products) + 1) + server_product[st][k] + 1)

    def set_state(st: int, k: int, state: int, time: float) -> None:
        previous = server_state[st][k]
        if state == state_index.get("down"):
            if previous != state:
                server_before_down[st][k] = previous
        elif state == idle:
            server_free[st][k] = True
        elif server_free[st][k]:
            server_free[st][k] = False
            server_taken[st][k] = time
        server_state[st][k] = state
        colour(st, k, time)

    # A log without servers (an MES's): a part keeps the server that took it, which is its station's
    # first free one (or, when none is, the first whose part's work ended: that part moves on; at a
    # batch station, the batch started at that instant if it has room), until it leaves it, enters a
    # station, is loaded or leaves the plant, as the CLI's replay assigns them (engine/twin/replay.cpp,
    # server_of and let_go).
    held: List[Dict[Any, int]] = [{} for _ in stations]  # per station: part -> its server
    held_at: Dict[Any, int] = {}  # part -> the station where it holds a server
    on: List[Dict[int, Dict[Any, None]]] = [{} for _ in stations]  # per station: server -> its parts, in order
    ended: List[Dict[int, float]] = [{} for _ in stations]  # per station: servers whose parts' work ended, when
    batch_max = [(s.get("batch") or {}).get("max", 0) for s in plant["stations"]]
    batch_mixed = [bool((s.get("batch") or {}).get("mixed")) for s in plant["stations"]]
    is_down = [[False] * n for n in servers]  # by the log's `down` and `up` rows, as the CLI's replay
    part_product: Dict[Any, int] = {}  # each part's product: its release row's, else its first row's with one

    def product_of(p: Any, row_product: Any) -> int:
        known = part_product.get(p, -1)
        if known < 0:
            known = part_product[p] = product_index.get(row_product, -1)
        return known
    opened: List[Tuple[int, float, str]] = [(-1, 0.0, "") for _ in stations]  # the last batch started: server, time, event

    def let_go(p: Any, time: Optional[float] = None) -> None:
        """Part p is off the server it holds, if any. At `time`, a server it leaves empty is idle
        (a log without `leave` rows: the part's next row takes it off), as the CLI's replay counts it."""
        st = held_at.pop(p, None)
        if st is not None:
            k = held[st].pop(p)
            del on[st][k][p]
            if not on[st][k]:
                del on[st][k]
                ended[st].pop(k, None)
                if time is not None and not has_state_rows:
                    server_product[st][k] = -1
                    if is_down[st][k]:
                        server_before_down[st][k] = idle
                    else:
                        server_state[st][k] = idle
                        colour(st, k, time)

    def part_slot(st: int, i: int, taking: bool) -> int:
        named = server_slot(st, server[i])
        if st < 0 or (named < 0 and server[i] not in (-1, "")):
            return named
        k = held[st].get(part[i], -1)
        if named >= 0:
            # The row names its server (or the station has one): the parts it holds move on when
            # another part starts there, but for a batch started at this instant.
            if not taking or k == named:
                return named
            k = named
            if k in on[st] and opened[st] != (k, times[i], event[i]):
                for q in list(on[st][k]):
                    let_go(q)
        elif k < 0 and taking:
            b, at, ev = opened[st]
            if b in on[st] and b not in ended[st] and at == times[i] and ev == event[i] and len(on[st][b]) < batch_max[st]:
                # Of the part's product unless batches mix them (an unknown product matches any).
                mine, theirs = product_of(part[i], product[i]), part_product.get(next(iter(on[st][b])), -1)
                if batch_mixed[st] or mine < 0 or theirs < 0 or mine == theirs:
                    k = b
            if k < 0:
                free = [j for j in range(servers[st]) if j not in on[st]]
                k = next((j for j in free if not is_down[st][j]), -1)
                if k < 0:  # the one up whose parts' work ended first: they move on (as the CLI)
                    k = min(((ended[st][j], j) for j in ended[st] if not is_down[st][j]), default=(0, -1))[1]
                    if k >= 0:
                        for q in list(on[st][k]):
                            let_go(q)
                    elif free:  # else a free one that is down (the log does not say it came up)
                        k = free[0]
        if taking and k >= 0 and held[st].get(part[i], -1) != k:
            let_go(part[i], times[i])  # off its server elsewhere, which is idle now
            held[st][part[i]] = k
            held_at[part[i]] = st
            on[st].setdefault(k, {})[part[i]] = None
        return k

    def take(st: int, part: int, k: int, time: float) -> None:
        entered = waiting[st].pop(part, None)
        if entered is not None:
            taken = max(entered, server_taken[st][k]) if has_state_rows and k >= 0 else time
            queue_changes[st].append((min(taken, time), -1))

    event, station, server, part = cols["event"], cols["station"], cols["server"], cols["part"]
    product, carrier, frm, to, state = cols["product"], cols["carrier"], cols["from"], cols["to"], cols["state"]

    def unknown(kind: str, value: str, row: int) -> LogError:
        return LogError(f"{where}:{row + 2}: error: {kind} '{value}' is not in the scenario {scn.file}")

    for i, ev in enumerate(event):
        t = times[i]
        if station[i]:
            st = station_index.get(station[i])
            if st is None:
                raise unknown("station", station[i], i)
        elif ev in _STATION_EVENTS:
            continue  # a station's event without its station: nothing to draw
        else:
            st = -1
        if ev == "state":
            k = server_slot(st, server[i])
            if k < 0:
                continue
            s = state[i]
            if s not in state_index:
                state_index[s] = len(state_names)
                state_names.append(s)
            set_state(st, k, state_index[s], t)
        elif ev in ("enter", "assemble"):
            # An assembled part appears in its station's buffer (docs/planning.md, "Assembly").
            let_go(part[i], t)
            waiting[st][part[i]] = t
            queue_changes[st].append((t, +1))
            if ev == "assemble":
                wip_changes.append((t, +1))
        elif ev == "consume":
            # A component consumed by its assembly leaves the buffer and the plant.
            let_go(part[i], t)
            if waiting[st].pop(part[i], None) is not None:
                queue_changes[st].append((t, -1))
            wip_changes.append((t, -1))
        elif ev in ("setup_start", "start"):
            k = part_slot(st, i, True)
            take(st, part[i], k, t)
            if k >= 0:
                ended[st].pop(k, None)
                if batch_max[st] > 0:
                    opened[st] = (k, t, ev)
                server_product[st][k] = product_index.get(product[i], -1)
                if not has_state_rows:
                    server_state[st][k] = state_index["setup" if ev == "setup_start" else "working"]
                colour(st, k, t)
        elif ev == "end":
            k = part_slot(st, i, False)
            if k >= 0:
                ended[st].setdefault(k, t)
            if not has_state_rows:
                if k >= 0:
                    server_state[st][k] = state_index["blocked"]
                    colour(st, k, t)
        elif ev in ("leave", "scrap"):
            k = part_slot(st, i, False)
            let_go(part[i])
            take(st, part[i], k, t)
            if ev == "leave":
                done[st].append(t)
            else:
                wip_changes.append((t, -1))
            if k >= 0:
                server_product[st][k] = -1
                if not has_state_rows:
                    server_state[st][k] = idle
                colour(st, k, t)
        elif ev in ("down", "up"):
            k = server_slot(st, server[i])
            if ev == "down":
                failures.append((t, st))
            if 0 <= k < len(is_down[st]):
                is_down[st][k] = ev == "down"
            if not has_state_rows and k >= 0:
                if ev == "down":
                    server_before_down[st][k] = server_state[st][k]
                    server_state[st][k] = state_index["down"]
                else:
                    server_state[st][k] = server_before_down[st][k]
                colour(st, k, t)
        elif ev == "release":
            product_of(part[i], product[i])
            wip_changes.append((t, +1))
        elif ev == "exit":
            let_go(part[i], t)
            wip_changes.append((t, -1))
            exits.append(t)
        elif ev in ("load", "unload"):
            if ev == "load":
                let_go(part[i], t)
            delta = 1 if ev == "load" else -1
            if carrier[i] in vehicle_index:
                vload_changes[vehicle_index[carrier[i]]].append((t, delta))
            elif carrier[i] in conveyor_index:
                conveyor_changes[conveyor_index[carrier[i]]].append((t, delta))
            elif carrier[i]:
                raise unknown("carrier", carrier[i], i)
        elif ev in ("depart", "arrive", "vehicle_state"):
            v = vehicle_index.get(carrier[i])
            if v is None:
                raise unknown("vehicle", carrier[i], i)
            if ev == "vehicle_state":
                s = state[i]
                if s not in vstate_index:
                    vstate_index[s] = len(vstate_names)
                    vstate_names.append(s)
                vstate_tracks[v].add(t, vstate_index[s])
            elif ev == "depart":
                a, b = node_index.get(frm[i]), node_index.get(to[i])
                if a is None or b is None:
                    raise unknown("node", frm[i] if a is None else to[i], i)
                length = seg_length.get((frm[i], to[i]), math.dist(node_xy[a], node_xy[b]))
                m = vehicle_moves[v]
                m["t"].append(t)
                m["a"].append(a)
                m["b"].append(b)
                m["d"].append(length / vehicles[v]["speed"])
                m["loaded"].append(1 if state[i] == "loaded" else 0)
                pending_arrive[v] = len(m["t"]) - 1
            else:
                j = pending_arrive.pop(v, None)
                if j is not None and vehicle_moves[v]["d"][j] > t - vehicle_moves[v]["t"][j]:
                    vehicle_moves[v]["d"][j] = max(t - vehicle_moves[v]["t"][j], 0.0)

    positions, spacing, placed = place_stations(plant)
    wip = _count_track(wip_changes)
    end_s = scn.warmup_s + scn.horizon_s
    last = times[-1] if times else 0.0
    doc_links = (result or {}).get("links", {})
    network = plant.get("network")
    net_out = None
    if network:
        net_out = {
            "nodes": [{"id": n["id"], "kind": n["kind"]} for n in network["nodes"]],
            "links": [{"id": l["id"], "kind": l["kind"], "ends": l["ends"],
                       "utilization": (doc_links.get(l["id"], {}).get("utilization") or {}).get("mean")}
                      for l in network["links"]],
            "attach": network["attach"],
        }
    conveyor_routes: Dict[str, Dict[str, Any]] = {c["id"]: {"from": [], "to": None} for c in plant["conveyors"]}
    for p in plant["products"]:
        for k, via in enumerate(p["via"]):
            if via in conveyor_routes and k > 0:
                c = conveyor_routes[via]
                if station_index[p["route"][k - 1]] not in c["from"]:
                    c["from"].append(station_index[p["route"][k - 1]])
                c["to"] = station_index[p["route"][k]]
    flows = sorted({(station_index[a], station_index[b], via or "")
                    for p in plant["products"] for a, b, via in zip(p["route"], p["route"][1:], p["via"][1:]) if a != b})
    move_off, move_dt, move_a, move_b, move_d, move_loaded = [0], [], [], [], [], []
    for m in vehicle_moves:
        previous = 0
        for j, time in enumerate(m["t"]):
            micro = round(time * _MICRO)
            move_dt.append(micro - previous)
            previous = micro
            move_a.append(m["a"][j])
            move_b.append(m["b"][j])
            move_d.append(round(m["d"][j] * 1000))
            move_loaded.append(m["loaded"][j])
        move_off.append(len(move_dt))
    return {
        "format": 1,
        "scenario": scn.name,
        "file": scn.file,
        "log": name or "",
        "events": len(times),
        "warmup_s": scn.warmup_s,
        "end_s": max(end_s, last),
        "epoch_unix": zero_unix,
        "epoch_offset_min": (plant.get("epoch") or {}).get("offset_minutes", 0),
        "spacing": spacing,
        "states": state_names,
        "state_colors": [_states.STATE_COLORS.get(s, "#bbbbbb") for s in state_names],
        "products": products,
        "product_colors": [PRODUCT_COLORS[i % len(PRODUCT_COLORS)] for i in range(len(products))],
        "stations": [{"id": s["id"], "servers": len(server_tracks[i]), "buffer": s["buffer"],
                      "x": positions[s["id"]][0], "y": positions[s["id"]][1], "placed": placed[s["id"]],
                      "failures": bool(s["failures"])} for i, s in enumerate(plant["stations"])],
        "flows": [list(f) for f in flows],
        "nodes": [{"id": n["id"], "x": n["x"], "y": n["y"]} for n in layout["nodes"]],
        "segments": [{"id": s["id"] or f"{s['from']}-{s['to']}", "a": node_index[s["from"]], "b": node_index[s["to"]],
                      "one_way": s["one_way"]} for s in layout["segments"]],
        "chargers": sorted({node_index[c] for f in plant["fleets"] for c in f["chargers"] if c in node_index}),
        "vehicles": vehicles,
        "vehicle_states": vstate_names,
        "vehicle_colors": [VEHICLE_STATES.get(s, "#bbbbbb") for s in vstate_names],
        "conveyors": [{"id": c["id"], "capacity": c["capacity"], "from": conveyor_routes[c["id"]]["from"],
                       "to": conveyor_routes[c["id"]]["to"]} for c in plant["conveyors"]],
        "arms": [{"id": a["id"], "stations": [station_index[s] for s in a["stations"]]} for a in plant["arms"]],
        "network": net_out,
        "failures": [[round(t, 6), st] for t, st in failures],
        "dues": [[o["due_s"], o["id"]] for o in sorted(plant["orders"], key=lambda o: o["due_s"] or 0)
                 if o["due_s"] is not None],
        "servers": _pack([tr for per in server_tracks for tr in per]),
        "queues": _pack([_count_track(c) for c in queue_changes]),
        "done": _pack([_Track(t=d, v=[]) for d in done], with_values=False),
        "vstates": _pack(vstate_tracks),
        "vloads": _pack([_count_track(c) for c in vload_changes]),
        "moves": {"off": move_off, "dt": move_dt, "a": move_a, "b": move_b, "d_ms": move_d, "loaded": move_loaded},
        "conveyor_counts": _pack([_count_track(c) for c in conveyor_changes]),
        "wip": _pack([wip]),
        "exits": _pack([_Track(t=exits, v=[])], with_values=False),
    }


# ------------------------------------------------------------------------------------------------
# The page


def _asset(name: str) -> str:
    return (_VIEWER_DIR / name).read_text(encoding="utf-8")


def page(data: Dict[str, Any], title: Optional[str] = None) -> str:
    """The replay page for :func:`replay_data`'s ``data``: one HTML document with its script,
    style and data inline (it loads nothing)."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    literal = json.dumps(text, ensure_ascii=True).replace("</", "<\\/")
    title = title or f"plantwin replay: {data['scenario']}"
    parts = {
        "@@TITLE@@": html.escape(title),
        "@@HEADING@@": html.escape(data["scenario"]),
        "@@STYLE@@": _asset("viewer.css"),
        "@@DATA@@": f"window.PLANTWIN_REPLAY_JSON = {literal};",
        "@@SCRIPT@@": _asset("viewer.js").replace("</", "<\\/"),
    }
    return re.sub(r"@@[A-Z]+@@", lambda m: parts.get(m.group(0), m.group(0)), _asset("viewer.html"))


def _result_document(result) -> Optional[Dict[str, Any]]:
    if result is None:
        return None
    if hasattr(result, "to_dict"):
        return result.to_dict()
    if isinstance(result, dict):
        return result
    with open(result, encoding="utf-8") as f:
        return json.load(f)


def write_view(log, scenario: Union[Scenario, PathLike], out: PathLike, result=None,
               title: Optional[str] = None) -> Path:
    """Writes ``out/index.html``, the replay of ``log`` on ``scenario``'s plant; returns its path.

    ``log``: an event log file, its DataFrame or a :class:`Result` of ``run(..., events=True)``.
    ``result``: a :class:`Result`, a result document or the path of one (``plantwin run --json``)
    for the links' utilisation. Raises :class:`LogError`, :class:`ScenarioError`, ``OSError``.
    """
    data = replay_data(log, scenario, _result_document(result))
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    index = directory / "index.html"
    index.write_text(page(data, title), encoding="utf-8")
    return index


__all__ = ["LogError", "PRODUCT_COLORS", "VEHICLE_STATES", "page", "place_stations", "replay_data", "write_view"]
