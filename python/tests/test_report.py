"""python3 -m plantwin report: the page, its plots, and the CLI's exit codes."""

from __future__ import annotations

import math
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import plantwin

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
