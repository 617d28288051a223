"""The twin and the plant's data from Python and the command line (docs/twin.md): fits of logs
that plantwin did not write, validation, state and runs from it, the forecast in the report."""

from __future__ import annotations

import datetime
import math
import random
import subprocess
import sys

import pytest

import plantwin

# -- an independent generator: a two-station line written in plain Python, logged like an MES ----------

TRUTH = {
    "interarrival": 20.0,                     # exponential
    "cut": (15.0, 0.25),                      # lognormal (mean, cv)
    "weld": (2.0, 12.0),                      # weibull (shape, scale)
    "mtbf": 1800.0,                           # exponential, calendar basis, at cut
    "mttr": (120.0, 360.0),                   # uniform
}
PARTS = 10_000
EPOCH = datetime.datetime(2026, 3, 2, 6, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))

BASE = """\
# The line the generator imitates, with guesses for its numbers (fit replaces them).
plantwin: 1
name: generated
horizon: 60h
products:
  - {id: widget, route: [cut, weld]}
sources:
  - id: arrivals
    product: widget
    interarrival: 30s          # a guess
stations:
  - id: cut
    process: 10s               # a guess
    failures:
      mtbf: {dist: exponential, mean: 1h}
      mttr: 1min
      basis: calendar          # the cutter breaks down whether or not it cuts
  - id: weld
    process: {dist: exponential, mean: 10s}
"""


def _lognormal(rng: random.Random, mean: float, cv: float) -> float:
    s2 = math.log1p(cv * cv)
    return rng.lognormvariate(math.log(mean) - s2 / 2, math.sqrt(s2))


def generate_mes_log(path, seed: int = 2026) -> None:
    """A log of PARTS widgets through `cut` (one machine "C1", failing on the calendar basis and
    resuming its work after repairs) and `weld` (machine "W1"), infinite buffers, first come first
    served: ISO 8601 times at +08:00, MES part numbers, no plantwin columns."""
    rng = random.Random(seed)
    rows = []  # (time, sequence, fields)

    def row(t, event, station="", server="", part="", product=""):
        rows.append((t, len(rows), (event, station, server, part, product)))

    # The cutter's failures: up for Exp(mtbf), then down for U(mttr) — calendar basis.
    downs = []
    t = 0.0
    while t < 80 * 3600:
        t += rng.expovariate(1 / TRUTH["mtbf"])
        repair = rng.uniform(*TRUTH["mttr"])
        downs.append((t, t + repair))
        t += repair
    for a, b in downs:
        row(a, "down", "cut", "C1")
        row(b, "up", "cut", "C1")

    def finish(start: float, work: float) -> float:
        """When `work` seconds of cutting that start at `start` end, pausing while the cutter is down."""
        now, left = start, work
        for a, b in downs:
            if b <= now:
                continue
            if a >= now + left:
                break
            if a > now:
                left -= a - now
            now = b
        return now + left

    arrival, cut_free, weld_free = 600.0, 0.0, 0.0
    for k in range(PARTS):
        part = f"SN{100000 + k}"
        arrival += rng.expovariate(1 / TRUTH["interarrival"])
        row(arrival, "release", part=part, product="widget")
        row(arrival, "enter", "cut", part=part, product="widget")
        start = max(arrival, cut_free)
        # A part cannot start while the cutter is down: it starts at the end of the repair.
        for a, b in downs:
            if a <= start < b:
                start = b
        end = finish(start, _lognormal(rng, *TRUTH["cut"]))
        cut_free = end
        row(start, "start", "cut", "C1", part, "widget")
        row(end, "end", "cut", "C1", part, "widget")
        row(end, "leave", "cut", "C1", part, "widget")
        row(end, "enter", "weld", part=part, product="widget")
        ws = max(end, weld_free)
        we = ws + rng.weibullvariate(TRUTH["weld"][1], TRUTH["weld"][0])
        weld_free = we
        row(ws, "start", "weld", "W1", part, "widget")
        row(we, "end", "weld", "W1", part, "widget")
        row(we, "leave", "weld", "W1", part, "widget")
        row(we, "exit", part=part, product="widget")
    last = max(r[0] for r in rows if r[2][0] == "exit")
    rows = [r for r in rows if r[0] <= last]
    rows.sort(key=lambda r: (r[0], r[1]))
    with open(path, "w", encoding="utf-8") as f:
        f.write("time,event,station,server,part,product,order\n")
        for t, _, (event, station, server, part, product) in rows:
            stamp = (EPOCH + datetime.timedelta(seconds=t)).isoformat(timespec="milliseconds")
            f.write(f"{stamp},{event},{station},{server},{part},{product},\n")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    directory = tmp_path_factory.mktemp("generated")
    log = directory / "mes.csv"
    generate_mes_log(log)
    base = directory / "base.yaml"
    base.write_text(BASE, encoding="utf-8")
    return log, base


def test_a_log_of_an_independent_generator_is_fitted_within_3_percent(generated, tmp_path, cli):
    log, base = generated
    fitted = tmp_path / "fitted.yaml"
    report_path = tmp_path / "report.json"
    done = subprocess.run([str(cli), "fit", str(log), "--scenario", str(base), "--out", str(fitted), "--report", str(report_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    import json

    report = {q["path"]: q for q in json.loads(report_path.read_text())["quantities"]}
    shape, scale = TRUTH["weld"]
    truth = {
        "sources.arrivals.interarrival": ("exponential", TRUTH["interarrival"]),
        "stations.cut.process": ("lognormal", TRUTH["cut"][0]),
        "stations.weld.process": ("weibull", scale * math.gamma(1 + 1 / shape)),
        "stations.cut.failures.mtbf": ("exponential", TRUTH["mtbf"]),
        "stations.cut.failures.mttr": ("uniform", sum(TRUTH["mttr"]) / 2),
    }
    for path, (family, mean) in truth.items():
        q = report[path]
        assert q["status"] == "fitted", (path, q["note"])
        assert q["family"] == family, (path, q["family"], q["candidates"][:3])
        if q["n"] >= 1_000:
            assert abs(q["fitted_mean_s"] - mean) <= 0.03 * mean, (path, q["fitted_mean_s"], mean)
        else:  # failures are rare: within 3 standard errors
            assert abs(q["fitted_mean_s"] - mean) <= 3 * q["se_mean_s"], (path, q["fitted_mean_s"], mean, q["se_mean_s"])
    # Weibull's shape too, and the base's comments survive in the fitted file.
    weld = plantwin.load(fitted)
    assert "# The line the generator imitates" in fitted.read_text()
    assert "basis: calendar          # the cutter breaks down whether or not it cuts" in fitted.read_text()
    assert weld.name == "generated"
    assert "shape: 1.9" in report["stations.weld.process"]["fitted"] or "shape: 2" in report["stations.weld.process"]["fitted"]


def test_fit_writes_neither_file_when_its_report_cannot_be_written(generated, tmp_path, cli):
    # A reviewer's case: the fitted scenario was written, then the report failed (exit 3).
    log, base = generated
    fitted = tmp_path / "fitted.yaml"
    done = subprocess.run([str(cli), "fit", str(log), "--scenario", str(base), "--out", str(fitted),
                           "--report", str(tmp_path / "missing" / "report.json")], capture_output=True, text=True)
    assert done.returncode == 3
    assert "missing/report.json: No such file or directory (nothing written)" in done.stderr
    assert not fitted.exists()


def test_the_fitted_twin_reproduces_the_generators_log(generated, tmp_path):
    log, base = generated
    fitted = tmp_path / "fitted.yaml"
    plantwin.fit(log, base, out=fitted)
    check = plantwin.validate_log(log, fitted, replications=20)
    assert check.passed, check.text
    assert not check.to_dict()["state_rows"]  # an MES log: stations compared on working, setup, down
    assert set(check.rows.index) >= {"throughput_per_h.widget", "lead_time_s.p95", "stations.cut.states.down"}


# -- plantwin's own logs -----------------------------------------------------------------------------

def test_fit_returns_a_report_with_plots_and_writes_the_fitted_scenario(in_root, tmp_path):
    result = plantwin.run("scenarios/examples/two_stations.yaml", replications=1, events=True)
    log = tmp_path / "log.csv"
    import pandas as pd

    frame = result.events.copy()
    frame.to_csv(log, index=False)
    report = plantwin.fit(log, "scenarios/examples/two_stations.yaml", out=tmp_path / "fitted.yaml", report=tmp_path / "r.json",
                          min_observations=10)
    table = report.quantities
    assert isinstance(table, pd.DataFrame)
    assert {"status", "n", "fitted", "family", "ks_p"} <= set(table.columns)
    assert (tmp_path / "fitted.yaml").exists() and (tmp_path / "r.json").exists()
    assert plantwin.load(tmp_path / "fitted.yaml").name == plantwin.load("scenarios/examples/two_stations.yaml").name
    figure = plantwin.plots.fit(report)
    assert figure.axes
    assert plantwin.plots.fit(report, kind="qq").axes
    with pytest.raises(ValueError):
        plantwin.plots.fit(report, kind="pie")


def test_a_bad_log_raises_a_located_log_error(in_root, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("time,event,station,server,part,product,order\n0,release,,,1,nope,\n")
    with pytest.raises(plantwin.LogError) as error:
        plantwin.fit(bad, "scenarios/examples/two_stations.yaml")
    assert f"{bad}:2: error: unknown product 'nope'" in str(error.value)
    with pytest.raises(plantwin.LogError):
        plantwin.validate_log(bad, "scenarios/examples/two_stations.yaml")
    with pytest.raises(plantwin.LogError):
        plantwin.plant_state(bad, "scenarios/examples/two_stations.yaml", at=10)


def test_a_run_from_a_state_has_a_forecast_in_its_result_and_its_report(in_root, tmp_path):
    scenario = "scenarios/examples/two_stations.yaml"
    log = tmp_path / "log.csv"
    plantwin.run(scenario, replications=1, events=True).events.to_csv(log, index=False)
    state = tmp_path / "state.yaml"
    text = plantwin.plant_state(log, scenario, at="1h", out=state)
    assert text.startswith("# The plant's state at 3600 s after time 0")
    result = plantwin.run(scenario, state=state, replications=3, timeline=True)
    assert result.to_dict()["start_s"] == 3600
    assert result.to_dict()["warmup_s"] == 0
    forecast = result.forecast
    assert forecast["from_s"] == 3600 and forecast["until_s"] == 3600 + result.to_dict()["horizon_s"]
    assert forecast["bottleneck"]["station"] in plantwin.load(scenario).stations
    assert plantwin.run(scenario, replications=1).forecast is None
    out = tmp_path / "report"
    done = subprocess.run([sys.executable, "-m", "plantwin", "report", scenario, "--out", str(out), "--from", str(state),
                           "--replications", "2"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    page = (out / "index.html").read_text()
    assert "<h2>Forecast</h2>" in page and "From the plant's state in" in page


def test_a_state_file_with_errors_raises_log_error(in_root, tmp_path):
    state = tmp_path / "bad_state.yaml"
    state.write_text("plantwin_state: 1\nat: 10\nstations: [{id: nowhere}]\n")
    with pytest.raises(plantwin.LogError) as error:
        plantwin.run("scenarios/examples/two_stations.yaml", state=state)
    assert "unknown station 'nowhere'" in str(error.value)
