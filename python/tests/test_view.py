"""The replay page (plantwin view, docs/view.md) in a real browser: headless Chromium from Debian,
driven by Selenium. The page's state at an instant (servers, queues, vehicles, conveyors) is
compared with the same state computed here from the log, independently of plantwin.view."""

from __future__ import annotations

import itertools
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import plantwin
from plantwin.eventlog import read_events
from plantwin.view import LogError, place_stations, replay_data, write_view

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def _browser_missing() -> str:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "python3-selenium is not installed (scripts/bootstrap.sh installs it)"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return f"{path} is missing (Debian's chromium and chromium-driver: scripts/bootstrap.sh installs them)"
    return ""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    reason = _browser_missing()
    if reason:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + ["--window-size=1280,800", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _open(driver, index: Path, t=None):
    driver.get("about:blank")  # a new load, even when only the fragment differs
    driver.get(index.as_uri() + ("" if t is None else f"#t={t}"))
    _wait(driver, "return window.plantwinView && window.plantwinView.ready === true")
    driver.get_log("browser")  # what loading printed is checked by the test that wants it


def _wait(driver, script: str, timeout: float = 10.0):
    end = time.time() + timeout
    while time.time() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for: {script}")


def _seek(driver, t: float) -> None:
    driver.execute_script(f"location.hash = '#t={t!r}'")
    _wait(driver, f"return Math.abs(Number(document.getElementById('plantwin-view').dataset.time) - {t!r}) < 1e-6")


def _errors(driver):
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


# ------------------------------------------------------------------------------------------------
# The log's state at an instant, computed from the log alone


class Oracle:
    """What the plant looks like at an instant, from the log rows up to it (docs/view.md, "The
    data-* contract")."""

    def __init__(self, log: pd.DataFrame, scenario: plantwin.Scenario):
        self.log = log
        self.plant = scenario.plant
        self.states = log[log.event == "state"]
        self._stays = {}
        self.nodes = {n["id"]: (n["x"], n["y"]) for n in (self.plant["layout"] or {"nodes": []})["nodes"]}
        self.speed = {f["id"]: f["speed"] for f in self.plant["fleets"]}
        self.home = {f["id"]: f["home"] for f in self.plant["fleets"]}
        self.lengths = {}
        for s in (self.plant["layout"] or {"segments": []})["segments"]:
            length = s["length"] or math.dist(self.nodes[s["from"]], self.nodes[s["to"]])
            self.lengths[(s["from"], s["to"])] = self.lengths[(s["to"], s["from"])] = length

    def server_states(self, station: str, servers: int, t: float):
        rows = self.states[(self.states.station == station) & (self.states.time <= t)]
        last = rows.groupby("server")["state"].last()
        return [str(last.get(k, "idle")) for k in range(servers)]

    def queue(self, station: str, t: float) -> int:
        """Parts that entered the station by t and that no server had taken by t. A server takes
        a part when it leaves idle for it: at the part's entry when the server was free, else when
        the server turns from idle (or from a failure while idle) to another state."""
        if station not in self._stays:
            self._stays[station] = self._stays_at(station)
        entered, taken = self._stays[station]
        return int(((entered <= t) & (taken > t)).sum())

    def _stays_at(self, station: str):
        rows = self.log[self.log.station == station]
        took = {}  # server -> the times it took a part, in order
        for server, changes in self.states[self.states.station == station].groupby("server"):
            times, free = [], True
            for state, at in zip(changes.state, changes.time):
                if state == "idle":
                    free = True
                elif state != "down" and free:
                    free = False
                    times.append(at)
            took[server] = np.array(times)
        entered, taken = [], []
        enters = rows[rows.event == "enter"]
        firsts = rows[rows.event.isin(["setup_start", "start", "leave", "scrap"])].groupby("part").first()
        for part, at in zip(enters.part, enters.time):
            if part not in firsts.index:
                entered.append(at)
                taken.append(np.inf)
                continue
            first = firsts.loc[part]
            times = took.get(first.server, np.array([]))
            k = np.searchsorted(times, first.time, side="right")
            entered.append(at)
            taken.append(min(first.time, max(at, times[k - 1] if k > 0 else at)))
        return np.array(entered), np.array(taken)

    def vehicle(self, vehicle: str, t: float):
        fleet = vehicle.split("[")[0]
        rows = self.log[(self.log.carrier == vehicle) & (self.log.time <= t)]
        departs = rows[rows.event == "depart"]
        if len(departs) == 0:
            x, y = self.nodes[self.home[fleet]]
        else:
            d = departs.iloc[-1]
            (ax, ay), (bx, by) = self.nodes[d["from"]], self.nodes[d["to"]]
            f = min(1.0, (t - d.time) * self.speed[fleet] / self.lengths[(d["from"], d["to"])])
            x, y = ax + f * (bx - ax), ay + f * (by - ay)
        loaded = int((rows.event == "load").sum() - (rows.event == "unload").sum())
        states = rows[rows.event == "vehicle_state"]
        return x, y, loaded, str(states.state.iloc[-1]) if len(states) else "idle"

    def conveyor(self, conveyor: str, t: float) -> int:
        rows = self.log[(self.log.carrier == conveyor) & (self.log.time <= t)]
        return int((rows.event == "load").sum() - (rows.event == "unload").sum())


def instants(log: pd.DataFrame, n: int, seed: int):
    """n instants within the log, each at least 1 ms from every event (the page's times are
    rounded to the microsecond)."""
    rng = np.random.default_rng(seed)
    times = np.sort(log.time.to_numpy())
    out = []
    while len(out) < n:
        t = float(rng.uniform(times[0], times[-1]))
        k = np.searchsorted(times, t)
        if all(abs(times[j] - t) > 1e-3 for j in (k - 1, k) if 0 <= j < len(times)):
            out.append(round(t, 4))
    return out


def _page_state(driver):
    return driver.execute_script("""
      const st = {}, veh = {}, conv = {};
      for (const e of document.querySelectorAll('[data-station]'))
        st[e.dataset.station] = {state: e.dataset.state.split(' '), queue: Number(e.dataset.queue)};
      for (const e of document.querySelectorAll('[data-vehicle]'))
        veh[e.dataset.vehicle] = [Number(e.dataset.x), Number(e.dataset.y), Number(e.dataset.loaded), e.dataset.state];
      for (const e of document.querySelectorAll('[data-conveyor]')) conv[e.dataset.conveyor] = Number(e.dataset.parts);
      return {st, veh, conv, time: window.plantwinView.time};""")


def _compare(driver, oracle: Oracle, scenario: plantwin.Scenario, t: float):
    _seek(driver, t)
    page = _page_state(driver)
    assert page["time"] == pytest.approx(t, abs=1e-9)
    for s in oracle.plant["stations"]:
        expected = oracle.server_states(s["id"], s["servers"], t)
        assert page["st"][s["id"]]["state"] == expected, (t, s["id"])
        assert page["st"][s["id"]]["queue"] == oracle.queue(s["id"], t), (t, s["id"])
    for v, (x, y, loaded, state) in page["veh"].items():
        ex, ey, eloaded, estate = oracle.vehicle(v, t)
        assert (x, y) == (pytest.approx(ex, abs=2e-3), pytest.approx(ey, abs=2e-3)), (t, v)
        assert (loaded, state) == (eloaded, estate), (t, v)
    for c, parts in page["conv"].items():
        assert parts == oracle.conveyor(c, t), (t, c)


# ------------------------------------------------------------------------------------------------
# Logs and pages, written once per module


@pytest.fixture(scope="module")
def pages(tmp_path_factory, cli):
    """name -> (scenario, log DataFrame, index.html) for the flagship, the AGV job shop (4 h) and
    the conveyor cell, each written by ``plantwin view``."""
    root = Path(__file__).resolve().parents[2]
    out = tmp_path_factory.mktemp("view")
    cases = {"flagship": ("scenarios/smt_line.yaml", []),
             "agv": ("scenarios/examples/agv_fleet_sizing.yaml", ["--set", "horizon=3h"]),
             "conveyor": ("scenarios/examples/conveyor_cell.yaml", ["--set", "horizon=2h"])}
    made = {}
    for name, (path, sets) in cases.items():
        log, json_path = out / f"{name}.csv", out / f"{name}.json"
        done = subprocess.run([str(cli), "run", path, "--replications", "1", "--events", str(log), "--json", *sets],
                              cwd=root, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        json_path.write_text(done.stdout)
        view = subprocess.run([str(cli), "view", str(log), "--scenario", path, "--out", str(out / name),
                               "--result", str(json_path), *sets], cwd=root, capture_output=True, text=True, timeout=120)
        assert view.returncode == 0, view.stderr
        assert view.stdout.strip() == str(out / name / "index.html")
        scenario = plantwin.load(root / path, changes=[tuple(s.split("=", 1)) for s in sets[1::2]])
        made[name] = (scenario, _in_seconds(read_events(log), scenario), out / name / "index.html")
    return made


def _in_seconds(log: pd.DataFrame, scenario: plantwin.Scenario) -> pd.DataFrame:
    """The log with its times in seconds from time 0, as the page has them: a scenario with an
    epoch (the flagship) writes its log in ISO 8601 (docs/twin.md)."""
    if not pd.api.types.is_datetime64_any_dtype(log.time):
        return log
    zero = pd.Timestamp(scenario.plant["epoch"]["unix_seconds"], unit="s", tz="UTC")
    return log.assign(time=(log.time - zero).dt.total_seconds())


def test_the_flagship_renders_without_console_errors_and_matches_its_log(browser, pages, tmp_path):
    scenario, log, index = pages["flagship"]
    browser.get(index.as_uri())
    _wait(browser, "return window.plantwinView && window.plantwinView.ready === true")
    assert _errors(browser) == []
    stations = browser.execute_script("return [...document.querySelectorAll('[data-station]')].map(e => e.dataset.station)")
    assert stations == scenario.stations
    assert browser.execute_script("return document.querySelectorAll('[data-vehicle]').length") == 2
    assert browser.execute_script("return document.querySelectorAll('[data-link]').length") == 3
    assert browser.execute_script("return document.querySelector('[data-link=radio]').dataset.utilization") != ""
    oracle = Oracle(log, scenario)
    for t in instants(log, 6, seed=1):
        _compare(browser, oracle, scenario, t)
    assert _errors(browser) == []
    shot = tmp_path / "flagship.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 20_000


def test_vehicles_move_along_their_segments_as_the_log_says(browser, pages):
    scenario, log, index = pages["agv"]
    _open(browser, index)
    oracle = Oracle(log, scenario)
    departs = log[log.event == "depart"]
    # Half-way along segments (the vehicles are between nodes), and instants at random.
    middles = [round(float(t) + 0.37 * 10, 4) for t in departs.time.iloc[[5, 40, 120]]]
    for t in middles + instants(log, 4, seed=2):
        _compare(browser, oracle, scenario, t)
    row = departs.iloc[40]  # one second after a departure, that vehicle is on that segment
    _seek(browser, round(float(row.time) + 1.0, 4))
    segment = browser.execute_script(f"return document.querySelector('[data-vehicle=\"{row.carrier}\"]').dataset.segment")
    assert segment == f"{row['from']}→{row['to']}"
    assert _errors(browser) == []


def test_conveyors_and_arms_match_the_log(browser, pages):
    scenario, log, index = pages["conveyor"]
    _open(browser, index)
    oracle = Oracle(log, scenario)
    for t in instants(log, 5, seed=3):
        _compare(browser, oracle, scenario, t)
    assert browser.execute_script("return document.querySelectorAll('[data-arm]').length") == len(scenario.plant["arms"])
    assert _errors(browser) == []


def test_the_url_fragment_opens_the_page_at_that_instant(browser, pages):
    scenario, log, index = pages["flagship"]
    _open(browser, index, t=5025.5)
    assert browser.execute_script("return window.plantwinView.time") == 5025.5
    assert browser.find_element("id", "plantwin-view").get_attribute("data-time") == "5025.5"
    # The flagship has an epoch: the date and time of day in its offset, then h:mm:ss from time 0.
    assert browser.find_element("id", "pw-clock").text == "2026-03-02 01:23:46+08:00 (1:23:46)"
    _open(browser, index, t="1:00:00")  # h:mm:ss is taken too
    assert browser.execute_script("return window.plantwinView.time") == 3600


def test_controls_play_pause_speed_and_jumps(browser, pages):
    scenario, log, index = pages["flagship"]
    _open(browser, index, t=100)
    browser.find_element("css selector", "#pw-speed option[value='10000']").click()
    browser.find_element("id", "pw-play").click()
    _wait(browser, "return window.plantwinView.time > 2000")  # 10,000 simulated seconds a second
    browser.find_element("id", "pw-play").click()
    assert browser.execute_script("return window.plantwinView.playing") is False
    paused = browser.execute_script("return window.plantwinView.time")
    time.sleep(0.2)
    assert browser.execute_script("return window.plantwinView.time") == paused
    assert browser.execute_script("return location.hash").startswith("#t=")
    downs = sorted(log[log.event == "down"].time)
    _seek(browser, 0.5)
    browser.find_element("id", "pw-failure").click()
    assert browser.execute_script("return window.plantwinView.time") == pytest.approx(downs[0], abs=1e-6)
    station = log[log.event == "down"].iloc[0]
    states = browser.execute_script(f"return document.querySelector('[data-station={station.station}]').dataset.state")
    assert states.split(" ")[int(station.server)] == "down"
    dues = sorted(o["due_s"] for o in scenario.plant["orders"])
    browser.find_element("id", "pw-due").click()
    assert browser.execute_script("return window.plantwinView.time") == pytest.approx(min(d for d in dues if d > downs[0]))
    warmup = browser.execute_script("return document.getElementById('pw-warmup').style.width")
    assert warmup == "0%"  # the flagship has no warm-up


def test_hovering_a_station_or_a_vehicle_shows_its_details(browser, pages):
    from selenium.webdriver.common.action_chains import ActionChains

    scenario, log, index = pages["agv"]
    _open(browser, index, t=3000)
    ActionChains(browser).move_to_element(browser.find_element("css selector", "[data-station=mill] rect")).perform()
    tip = _wait(browser, "const t = document.getElementById('pw-tip'); return !t.hidden && t.textContent")
    assert tip.startswith("station mill at 0:50:00") and "server 3:" in tip
    ActionChains(browser).move_to_element(browser.find_element("css selector", "[data-vehicle='agv[0]'] circle")).perform()
    tip = _wait(browser, "const t = document.getElementById('pw-tip'); return t.textContent.startsWith('vehicle') && t.textContent")
    assert "agv[0]" in tip and "position: x" in tip


def test_the_warm_up_is_marked_on_the_slider(browser, pages):
    scenario, log, index = pages["agv"]
    _open(browser, index)
    width = browser.execute_script("return document.getElementById('pw-warmup').style.width")
    assert float(width.rstrip("%")) == pytest.approx(100 * 7200 / (7200 + 3 * 3600))


# ------------------------------------------------------------------------------------------------
# The report at 1280 px


def test_the_report_fits_a_1280_px_page_and_shows_the_replay(browser, in_root, tmp_path):
    done = subprocess.run([sys.executable, "-m", "plantwin", "report", "scenarios/smt_line.yaml", "--out",
                           str(tmp_path), "--replications", "2"], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    browser.set_window_size(1280, 900)
    browser.get((tmp_path / "index.html").as_uri())
    _wait(browser, "return document.readyState === 'complete'")
    width, scroll, overflowing = browser.execute_script("""
      const w = document.documentElement.clientWidth, bad = [];
      for (const e of document.querySelectorAll('body *')) {
        if (e.closest('.table-wrap') !== e && e.closest('.table-wrap')) continue;  // scrolls inside its box
        const r = e.getBoundingClientRect();
        if (r.right > w + 0.5 || r.left < -0.5) bad.push(`${e.tagName}.${e.className} ${r.left}..${r.right}`);
      }
      return [w, document.documentElement.scrollWidth, bad];""")
    assert scroll <= width and overflowing == []
    cards = browser.find_element("css selector", ".cards").text.lower()  # the titles are set in capitals
    for text in ("throughput", "on time", "lead time", "bottleneck", "the bottleneck is pnp_chip"):
        assert text in cards
    toc = [a.get_attribute("href").split("#")[1] for a in browser.find_elements("css selector", "nav.toc a")]
    assert toc[:3] == ["plant", "orders", "products"] and "replay" in toc and "plots" in toc
    assert "8:45:00" in browser.find_element("id", "orders").text  # MB-1001's due time, as the CLI prints it
    assert _errors(browser) == []
    browser.switch_to.frame(browser.find_element("css selector", "iframe.replay"))
    _wait(browser, "return window.plantwinView && window.plantwinView.ready === true")
    assert browser.execute_script("return document.querySelectorAll('[data-station]').length") == 10
    browser.switch_to.default_content()
    browser.save_screenshot(str(tmp_path / "report.png"))


# ------------------------------------------------------------------------------------------------
# Without a browser: the data, the placing, the errors


def test_a_log_without_state_rows_gets_its_states_from_its_events(flagship, tmp_path):
    log = plantwin.run(flagship, replications=1, events=True).events
    plain = log[log.event.isin(["release", "enter", "start", "end", "leave", "scrap", "down", "up", "exit",
                                "setup_start", "setup_end"])][["time", "event", "station", "server", "part", "product", "order"]]
    data = replay_data(plain, plantwin.load(flagship))
    assert data["events"] == len(plain) and sum(data["servers"]["v"]) > 0
    assert "waiting_transport" not in {data["states"][v // (len(data["products"]) + 1)] for v in data["servers"]["v"]}


def test_a_row_without_a_server_at_a_station_of_one_is_on_server_0_as_the_cli_reads_it(flagship):
    # The CLI reads an empty `server` at a station of one server as server 0 (docs/twin.md), its
    # `down` and `up` rows too; the view ignored those, and drew the failures of such a station as
    # nothing. Blanked at every station of one server, the log is drawn exactly as with its servers.
    scenario = plantwin.load(flagship)
    log = plantwin.run(flagship, replications=1, events=True).events
    plain = log[log.event.isin(["release", "enter", "start", "end", "leave", "scrap", "down", "up", "exit",
                                "setup_start", "setup_end"])][["time", "event", "station", "server", "part", "product", "order"]]
    single = {s["id"] for s in scenario.plant["stations"] if s["servers"] == 1}
    blanked = plain.astype({"server": "Int64"}).copy()
    at_single = blanked.station.isin(single)
    assert (at_single & (blanked.event == "down")).any()  # the flagship's single-server stations fail
    blanked.loc[at_single, "server"] = pd.NA
    ours, theirs = replay_data(plain, scenario), replay_data(blanked, scenario)
    assert theirs["servers"] == ours["servers"] and theirs["queues"] == ours["queues"]


def _server_changes(tracks):
    """Each server's (time, value) changes, the last value at each instant (zero-length ones dropped)."""
    out = []
    for a, b in zip(tracks["off"], tracks["off"][1:]):
        t, at = 0, {}
        for j in range(a, b):
            t += tracks["dt"][j]
            at[t] = tracks["v"][j]
        changes = []
        for t, v in at.items():
            if not changes or changes[-1][1] != v:
                changes.append((t, v))
        out.append(changes)
    return out


def test_a_log_without_leave_rows_frees_a_server_at_its_parts_next_row_as_the_cli(tmp_path):
    # Station a's parts wait for b (no buffer): blocked, then idle when a part enters b, as the CLI's
    # replay counts it. The view drew a server blocked until its next start (b 12 % blocked instead
    # of idle, a 75 % instead of 58 %), and without a server column gave the next start the first
    # finished server, not the one whose part ended first (the one the station hands over first).
    scenario = tmp_path / "blk.yaml"
    scenario.write_text("""plantwin: 1
name: blk
horizon: 5h
products: [{id: p, route: [a, b]}]
sources: [{id: s, product: p, interarrival: {dist: exponential, mean: 10s}}]
stations:
  - {id: a, process: {dist: exponential, mean: 5s}, servers: 2}
  - {id: b, process: {dist: exponential, mean: 9s}, buffer: 0}
""")
    log = plantwin.run(scenario, replications=1, events=True).events
    log = log[log.event != "state"][["time", "event", "station", "server", "part", "product", "order"]]
    full = _server_changes(replay_data(log, scenario)["servers"])
    assert sum(len(c) for c in full) > 1000
    no_leave = log[log.event != "leave"]
    assert _server_changes(replay_data(no_leave, scenario)["servers"]) == full
    assert _server_changes(replay_data(no_leave.drop(columns=["server"]), scenario)["servers"]) == full


def test_a_plants_log_without_servers_and_with_text_part_ids_is_drawn_as_plantwins_own(in_root, tmp_path):
    # An MES export: no `server` column (optional, docs/twin.md), part numbers as text. The view
    # gives each part its station's first free server, as the engine does: on a plant without
    # failures the servers' tracks are the same as from plantwin's own log.
    scenario = "scenarios/examples/job_shop.yaml"
    log = plantwin.run(scenario, replications=1, events=True).events
    plain = log[log.event.isin(["release", "enter", "start", "end", "leave", "exit", "setup_start", "setup_end"])][
        ["time", "event", "station", "server", "part", "product", "order"]]
    assert plain.server.max() >= 1  # two lathes and two mills, both used
    mes = plain.drop(columns=["server"]).assign(part=plain.part.map(lambda p: f"PX-{p:06d}"))
    mes.to_csv(tmp_path / "mes.csv", index=False)
    read = read_events(tmp_path / "mes.csv")
    assert str(read.part.dtype) == "string" and read.part.iloc[0].startswith("PX-") and read.server.isna().all()
    ours, theirs = replay_data(plain, scenario), replay_data(tmp_path / "mes.csv", scenario)
    assert theirs["servers"] == ours["servers"] and theirs["queues"] == ours["queues"] and theirs["wip"] == ours["wip"]
    write_view(tmp_path / "mes.csv", scenario, tmp_path / "v")
    assert (tmp_path / "v" / "index.html").is_file()
    # Without `leave` rows a part lets go of its server when it enters its next station or exits.
    # Each server is then drawn through the whole log (it is not held for good by its first part;
    # a part whose `enter` row comes after the next part's `start` at the same instant still holds
    # it then, as in the CLI's replay).
    tracks = replay_data(plain[plain.event != "leave"].drop(columns=["server"]), scenario)["servers"]
    off = tracks["off"] + [len(tracks["dt"])]
    changes = [b - a for a, b in zip(off, off[1:]) if b > a]
    assert len(changes) == 7 and min(changes) > 100
    # A frame of plain pd.read_csv (servers as floats with NaN) is drawn as the file is.
    plain.to_csv(tmp_path / "own.csv", index=False)
    assert replay_data(pd.read_csv(tmp_path / "own.csv"), scenario)["servers"] == ours["servers"]


def test_an_mes_log_of_starts_and_ends_only_draws_every_work_as_plantwins_own_log(in_root):
    # No `server`, `enter` or `leave` rows: when every lathe holds a part, the next part takes the
    # first one whose part's work ended (that part moved on), as the CLI's replay does. Before, such
    # a start found no server and its work was not drawn.
    scenario = "scenarios/examples/job_shop.yaml"
    log = plantwin.run(scenario, replications=1, events=True).events
    own = log[log.event.isin(["release", "enter", "start", "end", "leave", "exit", "setup_start", "setup_end"])][
        ["time", "event", "station", "server", "part", "product", "order"]]
    mes = own[own.event.isin(["release", "start", "end", "exit", "setup_start", "setup_end"])].drop(columns=["server"])

    def shares(frame):
        data = replay_data(frame, scenario)
        tracks, width, end = data["servers"], len(data["products"]) + 1, round(frame.time.max() * 1e6)
        total = {}
        for a, b in zip(tracks["off"], tracks["off"][1:]):
            times = list(itertools.accumulate(tracks["dt"][a:b])) + [end]
            for i in range(b - a):
                state = data["states"][tracks["v"][a + i] // width]
                total[state] = total.get(state, 0) + times[i + 1] - times[i]
        return total

    ours, theirs = shares(own), shares(mes)
    assert theirs["working"] == ours["working"] and theirs["setup"] == ours["setup"]
    assert theirs["blocked"] > ours.get("blocked", 0)  # a part moves on at its server's next start


def test_a_log_without_servers_at_an_oven_of_two_chambers_puts_each_batch_in_one(tmp_path):
    # The parts of a batch start at one instant: without a `server` column they join the batch
    # started then, up to its most, as the CLI's replay does; they took a chamber each before.
    scenario = tmp_path / "ovens.yaml"
    scenario.write_text("""plantwin: 1
name: ovens
seed: 3
horizon: 8h
products: [{id: p, route: [prep, oven]}]
sources: [{id: s, product: p, interarrival: {dist: exponential, mean: 20s}}]
stations:
  - {id: prep, process: {dist: exponential, mean: 15s}}
  - {id: oven, servers: 2, process: 3min, batch: {max: 5, max_wait: 2min}}
""")
    log = plantwin.run(str(scenario), replications=1, events=True).events
    own = log[log.event.isin(["release", "enter", "start", "end", "leave", "exit"])][
        ["time", "event", "station", "server", "part", "product", "order"]]
    oven = own[(own.station == "oven") & (own.event == "start")]
    assert oven.server.max() == 1 and oven.groupby(["time", "server"]).size().max() == 5
    ours, theirs = replay_data(own, str(scenario)), replay_data(own.drop(columns=["server"]), str(scenario))
    assert theirs["servers"] == ours["servers"] and theirs["queues"] == ours["queues"]


def test_a_log_with_iso_times_written_with_a_space_reads_as_with_a_t(tmp_path):
    (tmp_path / "t.csv").write_text("time,event,station,part,product\n2026-03-02T06:00:00+08:00,release,,1,p\n")
    (tmp_path / "s.csv").write_text("time,event,station,part,product\n2026-03-02 06:00:00+08:00,release,,1,p\n")
    assert read_events(tmp_path / "s.csv").equals(read_events(tmp_path / "t.csv"))
    assert read_events(tmp_path / "s.csv").part.dtype == "Int64"
    # Ids too long for an integer are a plant's ids: kept as text, exactly.
    (tmp_path / "l.csv").write_text("time,event,station,part,product\n0,release,,123456789012345678901,p\n1,exit,,,p\n")
    assert read_events(tmp_path / "l.csv").part.tolist() == ["123456789012345678901", pd.NA]


def test_ids_not_in_the_scenario_are_located_errors(in_root, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("time,event,station,server,part,product,order\n0,release,,,1,board,\n1,enter,oven,,1,board,\n")
    with pytest.raises(LogError, match=r"log.csv:3: error: station 'oven' is not in the scenario"):
        write_view(log, "scenarios/smt_line.yaml", tmp_path / "v")


def test_stations_without_a_layout_are_placed_by_a_force_layout_apart_and_in_route_order(in_root):
    plant = plantwin.load("scenarios/smt_line.yaml").plant
    plant["layout"] = None
    positions, spacing, placed = place_stations(plant)
    assert not any(placed.values())
    points = list(positions.values())
    closest = min(math.dist(a, b) for i, a in enumerate(points) for b in points[i + 1:])
    assert closest > 0.5 * spacing
    assert positions["printer"][0] < positions["reflow"][0] < positions["pack"][0]
    assert place_stations(plant)[0] == positions  # deterministic


def test_a_log_with_iso_times_replays_from_the_scenarios_epoch(in_root, tmp_path):
    scenario = plantwin.load("scenarios/examples/two_stations.yaml", changes={"epoch": "2026-03-02T00:00:00+08:00"})
    result = plantwin.run(scenario, replications=1, events=True)
    data = replay_data(result, scenario)
    assert data["epoch_unix"] == pd.Timestamp("2026-03-01T16:00:00Z").timestamp() and data["epoch_offset_min"] == 480


def test_view_usage_errors_exit_2(cli, in_root, tmp_path):
    done = subprocess.run([str(cli), "view", "nope.csv", "--scenario", "scenarios/smt_line.yaml", "--out", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "plantwin view: error: cannot read 'nope.csv'" in done.stderr
    done = subprocess.run([str(cli), "view", "nope.csv"], capture_output=True, text=True)
    assert done.returncode == 2 and "--scenario" in done.stderr
    done = subprocess.run([str(cli), "view", "x.csv", "--scenario", "scenarios/smt_line.yaml", "--out", str(tmp_path),
                           "--set", "stations.reflw.servers=2"], capture_output=True, text=True)
    assert done.returncode == 2 and "did you mean 'reflow'" in done.stderr
    env = dict(os.environ, PLANTWIN_PYTHON="/nonexistent/python3")
    done = subprocess.run([str(cli), "view", "x.csv"], capture_output=True, text=True, env=env)
    assert done.returncode == 3 and "cannot run /nonexistent/python3" in done.stderr
