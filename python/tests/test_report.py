"""python3 -m plantwin report: the page, its plots, and the CLI's exit codes."""

from __future__ import annotations

import subprocess
import sys

import plantwin


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
    assert "<td>4:00:00</td>" in page  # MB-1003's release, 14,400 s
    assert " /h" in page and " %" in page and " m" in page  # rates, shares, the fleet's distance
    assert "release_s" not in page
