"""python3 -m plantwin report: the page, its plots, and the CLI's exit codes."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import plantwin
from plantwin.states import ACTIVE_STATES

ROOT = Path(__file__).resolve().parents[2]


def report(*args, cwd):
    return subprocess.run([sys.executable, "-m", "plantwin", "report", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_report_writes_the_page_and_its_plots(in_root, tmp_path):
    out = tmp_path / "report"
    done = report("scenarios/smt_line.yaml", "--out", out, "--replications", 3, "--set", "stations.reflow.servers=12",
                  cwd=in_root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out / "index.html")
    for name in ("states.png", "throughput.png", "lead_times.png", "gantt.png"):
        assert (out / name).stat().st_size > 5000
        assert f"src='{name}'" in (out / "index.html").read_text()
    page = (out / "index.html").read_text()
    result = plantwin.run("scenarios/smt_line.yaml", replications=3, changes={"stations.reflow.servers": 12})
    assert result.fingerprint in page
    assert "The bottleneck is pnp_chip: its servers are active" in page
    for text in ("throughput_per_h", "Orders", "MB-1001", "Stations", "stations.reflow.servers=12"):
        assert text in page


def test_report_of_a_plant_without_orders(in_root, tmp_path):
    done = report("scenarios/examples/saturated_line.yaml", "--out", tmp_path, "--replications", 2, cwd=in_root)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "index.html").read_text()
    assert "<h2>Orders</h2>" not in page and "The bottleneck is " in page


def test_an_invalid_scenario_exits_2_with_the_cli_errors(cli, in_root, tmp_path):
    args = ["scenarios/smt_line.yaml", "--set", "stations.reflw.servers=2", "--set", "stations.reflow.servers=two"]
    done = report(*args, "--out", tmp_path / "r", cwd=in_root)
    expected = subprocess.run([str(cli), "validate", *args], capture_output=True, text=True, cwd=in_root)
    assert done.returncode == 2 == expected.returncode
    assert done.stderr == expected.stderr
    assert not (tmp_path / "r" / "index.html").exists()


def test_usage_errors_exit_2(in_root, tmp_path):
    assert report("scenarios/smt_line.yaml", cwd=in_root).returncode == 2  # no --out
    done = report("scenarios/smt_line.yaml", "--out", tmp_path, "--set", "horizon", cwd=in_root)
    assert done.returncode == 2 and "--set expects PATH=VALUE, got 'horizon'" in done.stderr


def test_a_failing_run_exits_3(in_root, tmp_path):
    done = report("scenarios/examples/reentrant.yaml", "--out", tmp_path, "--set", "stations.coat.buffer=2",
                  "--set", "stations.expose.buffer=2", cwd=in_root)
    assert done.returncode == 3
    assert "plantwin report: error: scenarios/examples/reentrant.yaml: replication 0: deadlock" in done.stderr
    assert not (tmp_path / "index.html").exists()


def test_write_report_takes_a_result(flagship, tmp_path):
    result = plantwin.run(flagship, replications=2, timeline=True)
    index = plantwin.report.write_report(result, tmp_path)
    assert index == tmp_path / "index.html" and result.fingerprint in index.read_text()


def test_the_report_of_a_result_with_its_events_has_the_replay(flagship, tmp_path):
    with_events = plantwin.run(flagship, replications=2, timeline=True, events=True)
    page = plantwin.report.write_report(with_events, tmp_path / "a").read_text()
    assert "<iframe class='replay' src='replay/index.html'" in page and "href='#replay'" in page
    assert 'data-station' in (tmp_path / "a" / "replay" / "index.html").read_text()
    without = plantwin.run(flagship, replications=2, timeline=True)
    page = plantwin.report.write_report(without, tmp_path / "b").read_text()
    assert "<iframe" not in page and not (tmp_path / "b" / "replay").exists()


def test_report_tables_give_times_as_the_cli_does_and_units(flagship, tmp_path):
    from plantwin.report import hms

    assert (hms(3725), hms(14400.4), hms(90000), hms(float("nan"))) == ("1:02:05", "4:00:00", "25:00:00", "n/a")
    page = plantwin.report.write_report(plantwin.run(flagship, replications=2, timeline=True), tmp_path).read_text()
    assert "<td>10:00:00</td>" in page  # MB-1003's release, 36,000 s
    assert " /h" in page and " %" in page and " m" in page  # rates, shares, the fleet's distance
    assert "release_s" not in page


def _sentence_shares(sentence):
    """The bottleneck sentence's breakdown {state: share}, its active share, its basis and its runner-up."""
    found = re.search(r"are active \((.*?)\) ([\d.]+) % (of the time|of its planned time), .*\(next: (\w+), ([\d.]+) %\)",
                      sentence)
    assert found, sentence
    parts = {p.rsplit(" ", 2)[0]: float(p.rsplit(" ", 2)[1]) / 100 for p in found[1].split(", ")}
    return parts, float(found[2]) / 100, found[3], found[4], float(found[5]) / 100


def test_the_bottleneck_sentence_gives_shares_of_planned_time(flagship):
    """The flagship's week has shifts: the active share is one of planned time (docs/kpis.md), so the
    breakdown and the runner-up are too, and they add up to it (each printed to 0.1 %)."""
    result = plantwin.run(flagship, replications=3)
    sentence = plantwin.report.bottleneck_sentence(result)
    parts, active, basis, runner_up, runner_up_share = _sentence_shares(sentence)
    assert basis == "of its planned time"
    assert active == pytest.approx(result.bottleneck_active, abs=0.0005)
    assert sum(parts.values()) == pytest.approx(active, abs=0.0005 * (len(parts) + 1))
    assert set(parts) >= {"working", "setup"}

    def planned_active(station):
        states = result.to_dict()["stations"][station]["states"]
        planned = 1 - states.get("off_shift", 0) - states.get("maintenance", 0)
        return sum(states.get(s, 0) for s in ACTIVE_STATES) / planned

    others = {s: planned_active(s) for s in result.to_dict()["stations"] if s != result.bottleneck}
    assert runner_up == max(others, key=others.get)
    assert runner_up_share == pytest.approx(others[runner_up], abs=0.0005)
    assert "idle, blocked or waiting" in sentence and "% of the time" not in sentence


def test_the_bottleneck_sentence_of_a_plant_without_calendars_gives_shares_of_the_time(in_root):
    result = plantwin.run("scenarios/examples/saturated_line.yaml", replications=2)
    parts, active, basis, runner_up, runner_up_share = _sentence_shares(plantwin.report.bottleneck_sentence(result))
    assert basis == "of the time" and "planned" not in plantwin.report.bottleneck_sentence(result)
    states = result.station_states
    assert parts == pytest.approx({p: states.loc[result.bottleneck, p.replace(" ", "_")] for p in parts}, abs=0.0005)
    others = states.drop(index=result.bottleneck)[[s for s in ACTIVE_STATES if s in states]].sum(axis=1)
    assert (runner_up, runner_up_share) == (others.idxmax(), pytest.approx(others.max(), abs=0.0005))


def test_a_station_without_planned_time_has_no_share():
    states = pd.DataFrame({"working": [0.25, 0.0], "idle": [0.25, 0.0], "off_shift": [0.5, 1.0]},
                          index=["a", "b"])
    shares = plantwin.report._planned_shares(states)
    assert list(shares.columns) == ["working", "idle"]
    assert shares.loc["a"].tolist() == [0.5, 0.5] and shares.loc["b"].tolist() == [0.0, 0.0]


class _Tables(HTMLParser):
    """The report's tables by caption: {caption: {row header: {column heading: cell text}}}."""

    def __init__(self):
        super().__init__()
        self.tables, self._text, self._row, self._caption, self._headings = {}, None, [], "", []

    def handle_starttag(self, tag, attrs):
        if tag == "table":  # a table without a caption keeps this name
            self._caption, self._headings = f"table {len(self.tables)}", []
            self.tables[self._caption] = {}
        elif tag in ("caption", "th", "td"):
            self._text = ""
        elif tag == "tr":
            self._row = []

    def handle_data(self, data):
        if self._text is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "caption":
            self.tables[self._text.strip()] = self.tables.pop(self._caption)
            self._caption = self._text.strip()
        elif tag in ("th", "td"):
            self._row.append(self._text.strip())
        elif tag == "tr" and self._row:
            if not self._headings:
                self._headings = self._row
            else:
                self.tables[self._caption][self._row[0]] = dict(zip(self._headings[1:], self._row[1:]))
        if tag in ("caption", "th", "td"):
            self._text = None


def _tables(page: str) -> dict:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def _value(text: str) -> float:
    """A cell's mean: "1,050", "5.36 ± 0.520", "13.44 s ± 5.12 s"."""
    return float(text.split()[0].replace(",", ""))


def test_the_report_shows_material_flow_where_the_scenario_has_it(tmp_path):
    result = plantwin.run(ROOT / "scenarios/examples/box_build.yaml", replications=2, timeline=True)
    page = plantwin.report.write_report(result, tmp_path).read_text()
    assert "<h2>Material flow</h2>" in page and "<h2>Release</h2>" in page and "<h2>Sources</h2>" not in page
    tables = _tables(page)
    material = next(rows for caption, rows in tables.items() if caption.startswith("material flow per station"))
    stations = result.stations
    shown = {"ict": ["rejected", "reworked", "visits_per_good_part"], "box_build": ["consumed", "kits_waiting"],
             "reflow": ["batches_count", "batches_mean_size", "batches_fill_wait_s"]}
    assert sorted(material) == sorted(shown)  # only the stations that rework, assemble or batch
    for station, columns in shown.items():
        for column in columns:
            text = material[station][plantwin.report.MATERIAL_COLUMNS[column]]
            assert math.isclose(_value(text), stations.loc[station, column], rel_tol=0.005, abs_tol=0.006), (station, column, text)
        for column in set(plantwin.report.MATERIAL_COLUMNS) - set(columns):
            assert material[station][plantwin.report.MATERIAL_COLUMNS[column]] == "–"
    assert material["reflow"]["batch fill wait"].split()[1] == "s"  # a time, with its unit
    release = next(rows for caption, rows in tables.items() if caption.startswith("release control per source"))
    sources = result.section("sources")
    assert list(release) == ["plan"] and _value(release["plan"]["WIP limit"]) == sources.loc["plan", "wip_limit"] == 60
    assert math.isclose(_value(release["plan"]["backlog (parts)"]), sources.loc["plan", "backlog"], rel_tol=0.005)


def test_a_plant_without_material_flow_has_none_of_its_columns(tmp_path):
    # mixed_cell has a yield (scrap) but no rework, assembly, batches or release control
    result = plantwin.run(ROOT / "scenarios/examples/mixed_cell.yaml", replications=2, timeline=True)
    page = plantwin.report.write_report(result, tmp_path).read_text()
    assert "Material flow" not in page and "<h2>Release</h2>" not in page and "WIP limit" not in page
    headings = {h for rows in _tables(page).values() for row in rows.values() for h in row}
    assert not headings & set(plantwin.report.MATERIAL_COLUMNS.values())
    assert "scrapped" in headings
