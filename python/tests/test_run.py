"""plantwin.run: the same document as the CLI, the DataFrames, the timeline, failures and Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pandas as pd
import pytest

import plantwin


def cli_document(cli, *args) -> dict:
    done = subprocess.run([str(cli), "run", *map(str, args), "--json"], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def without_wall(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "wall_s"}


@pytest.mark.parametrize("scenario", ["scenarios/smt_line.yaml", "scenarios/examples/mixed_cell.yaml",
                                      "scenarios/examples/saturated_line.yaml"])
def test_a_run_gives_the_cli_document(cli, in_root, scenario):
    assert without_wall(plantwin.run(scenario).to_dict()) == without_wall(cli_document(cli, scenario))


def test_seed_replications_and_changes_give_the_cli_document(cli, in_root):
    expected = cli_document(cli, "scenarios/smt_line.yaml", "--seed", 7, "--replications", 3,
                            "--set", "stations.reflow.servers=12", "--set", "sources.plan.orders.MB-1001.due=9h")
    result = plantwin.run("scenarios/smt_line.yaml", seed=7, replications=3,
                          changes={"stations.reflow.servers": 12, "sources.plan.orders.MB-1001.due": "9h"})
    assert without_wall(result.to_dict()) == without_wall(expected)
    assert result.fingerprint == expected["fingerprint"]


def test_the_number_of_jobs_does_not_change_the_numbers(flagship):
    one = plantwin.run(flagship, jobs=1).to_dict()
    two = plantwin.run(flagship, jobs=2).to_dict()
    assert without_wall(one) == without_wall(two)


def test_the_dataframes_are_views_of_the_document(flagship):
    result = plantwin.run(flagship, replications=4)
    doc = result.to_dict()
    assert list(result.kpis.index[:5]) == list(plantwin.result.PLANT_KPIS)
    assert result.kpis.loc["throughput_per_h", "mean"] == doc["kpis"]["throughput_per_h"]["mean"]
    assert result.kpis.loc["orders.on_time", "ci95"] == doc["orders"]["on_time"]["ci95"]
    assert result.kpis.loc["lead_time_s", "p95"] == doc["kpis"]["lead_time_s"]["p95"]
    assert list(result.stations.index) == list(doc["stations"])
    assert result.stations.loc["reflow", "utilization"] == doc["stations"]["reflow"]["utilization"]["mean"]
    assert list(result.products.index) == ["mainboard", "io_board"]
    assert list(result.orders.index) == list(doc["orders"]["by_order"])
    assert result.orders.loc["MB-1001", "due_s"] == 31500
    replications = result.replications
    assert len(replications) == 4
    assert list(replications["throughput_per_h"]) == doc["kpis"]["throughput_per_h"]["values"]
    assert list(replications["stations.pnp_chip.oee"]) == doc["stations"]["pnp_chip"]["oee"]["values"]
    np.testing.assert_allclose(result.station_states.sum(axis=1), 1.0, atol=1e-9)
    assert result.bottleneck == doc["bottleneck"]["station"]
    assert result["stations.reflow.utilization"] == doc["stations"]["reflow"]["utilization"]
    assert result["lead_time_s.p95"] == doc["kpis"]["lead_time_s"]["p95"]
    with pytest.raises(KeyError, match="utilisation"):
        result["stations.reflow.utilisation"]
    assert result.sections == ["products", "stations", "fleets", "arms", "flows", "links", "nodes", "operators"]
    assert result.section("stations").equals(result.stations)
    assert result.section("fleets").loc["agv", "trips"] == doc["fleets"]["agv"]["trips"]["mean"]
    assert result.section("conveyors").empty  # a section this plant does not have
    # every interval is the document's own, within the KPI's range
    assert result.kpis.loc["orders.on_time", "ci_high"] == doc["orders"]["on_time"]["ci_high"] <= 1
    assert result.orders.loc["MB-1001", "on_time_ci_low"] == doc["orders"]["by_order"]["MB-1001"]["on_time"]["ci_low"]
    assert result.stations.loc["reflow", "oee_ci_high"] == doc["stations"]["reflow"]["oee"]["ci_high"]
    # to_dict() is a copy: changing it changes nothing
    doc["kpis"]["wip"]["mean"] = -1
    assert result.to_dict()["kpis"]["wip"]["mean"] != -1


def test_a_misspelt_path_says_what_it_may_have_meant(flagship):
    result = plantwin.run(flagship, replications=1)
    with pytest.raises(plantwin.PathError) as caught:
        result["stations.reflow.utilisation"]
    error = caught.value
    assert isinstance(error, KeyError)
    assert str(error) == "no 'utilisation' in 'stations.reflow' (did you mean 'utilization'?)"
    assert (error.path, error.missing, error.parent) == ("stations.reflow.utilisation", "utilisation", "stations.reflow")
    assert error.suggestions[0] == "utilization"
    # at the top, the plant KPIs' bare names are candidates too
    with pytest.raises(KeyError, match=r"no 'throughput' in the result document \(did you mean 'throughput_per_h'\?\)"):
        result["throughput"]
    with pytest.raises(KeyError, match=r"^no 'reflw' in 'stations' \(did you mean 'reflow'\?\)$"):
        result["stations.reflw"]
    with pytest.raises(KeyError, match=r"^no 'xyzzy' in 'stations'$"):  # nothing close: no guess
        result["stations.xyzzy"]


def test_bounded_kpis_get_bounded_intervals(flagship):
    """kpis.md, "Intervals": Wilson's interval for one order's 0/1 on-time, Student-t cut to [0, 1] for
    fractions, cut at 0 for counts; ci95 is the interval's longer side."""
    doc = plantwin.run(flagship).to_dict()
    mb = doc["orders"]["by_order"]["MB-1001"]["on_time"]
    assert mb["values"].count(1) == 8 and len(mb["values"]) == 10
    assert mb["ci_low"] == pytest.approx(0.4901624715366418, rel=1e-12)  # Wilson, 8 of 10
    assert mb["ci_high"] == pytest.approx(0.9433178485456248, rel=1e-12)
    assert mb["ci95"] == pytest.approx(0.8 - mb["ci_low"], rel=1e-12)
    # A second oven puts nearly every order on time: its Student-t interval is cut at 1.
    on_time = plantwin.run(flagship, changes={"stations.reflow.servers": 16}).to_dict()["orders"]["on_time"]
    assert on_time["ci_high"] == 1 and on_time["ci_low"] == pytest.approx(on_time["mean"] - on_time["ci95"])
    from plantwin._document import kpi_entries

    for path, kpi in kpi_entries(doc):
        if kpi["mean"] is not None:
            assert kpi["ci_low"] >= 0 and kpi["ci_low"] <= kpi["ci_high"], path
            assert max(kpi["mean"] - kpi["ci_low"], kpi["ci_high"] - kpi["mean"]) == pytest.approx(kpi["ci95"], rel=1e-12, abs=1e-12)


def test_a_result_shows_as_tables_in_jupyter(flagship):
    result = plantwin.run(flagship, replications=2)
    page = result._repr_html_()
    for text in ("smt-line-a", "throughput_per_h", "orders", "MB-1001", "pnp_chip", "blocked", "fingerprint"):
        assert text in page
    assert "bottleneck 'pnp_chip'" in repr(result)


def test_the_timeline_covers_every_server_for_the_whole_run(flagship):
    result = plantwin.run(flagship, replications=2, timeline=True)
    timeline = result.timeline
    assert not timeline.truncated
    assert timeline.servers["reflow"] == 8
    segments = timeline.segments()
    per_server = segments.assign(d=segments.end_s - segments.start_s).groupby(["station", "server"])["d"].sum()
    assert len(per_server) == sum(timeline.servers.values())
    np.testing.assert_allclose(per_server, timeline.end_s)
    # The working share of replication 0's planned time (off shift and maintenance left out) is the
    # document's replication-0 utilisation.
    reflow = segments[segments.station == "reflow"]
    length = reflow.end_s - reflow.start_s
    planned = 8 * result["horizon_s"] - length[reflow.state.isin(["off_shift", "maintenance"])].sum()
    share = length[reflow.state == "working"].sum() / planned
    assert share == pytest.approx(result.replications.loc[0, "stations.reflow.utilization"], abs=1e-9)
    good = timeline.exits[timeline.exits.good]
    assert len(good) == result.replications.loc[0, "completed"]
    assert plantwin.run(flagship, replications=1).timeline is None


def test_a_failing_run_raises_run_error_with_the_cli_message(cli, in_root):
    changes = {"stations.coat.buffer": 2, "stations.expose.buffer": 2}
    with pytest.raises(plantwin.RunError) as caught:
        plantwin.run("scenarios/examples/reentrant.yaml", changes=changes)
    done = subprocess.run([str(cli), "run", "scenarios/examples/reentrant.yaml", "--set", "stations.coat.buffer=2",
                           "--set", "stations.expose.buffer=2"], capture_output=True, text=True)
    assert done.returncode == 3
    assert f"plantwin: error: {caught.value}" in done.stderr
    assert caught.value.file == "scenarios/examples/reentrant.yaml"
    assert caught.value.reason.startswith("replication 0: deadlock at t=")


def test_bad_arguments_are_errors(flagship):
    with pytest.raises(ValueError, match="jobs"):
        plantwin.run(flagship, jobs=-1)
    with pytest.raises(TypeError, match="seed"):
        plantwin.run(flagship, seed="7")
    with pytest.raises(plantwin.ScenarioError, match="replications"):
        plantwin.run(flagship, replications=0)


# A run long enough that only an interruption ends it in time (about 10^9 events).
LONG_RUN = 'plantwin.run("scenarios/examples/saturated_line.yaml", changes={"horizon": "36500d", "warmup": 0}, jobs=1)'


def test_the_gil_is_released_while_simulating(in_root):
    # A thread notes the longest pause between two of its iterations. Were the GIL held while the
    # engine runs, that pause would span the whole simulation; released, it is at most a switch
    # interval (5 ms) spent in the Python parts of run(). No absolute time is assumed.
    # The result's modules (pandas) are imported first: an import under a busy thread waits a
    # switch interval at each file read, which would time the import, not the engine.
    import plantwin.result  # noqa: F401

    longest_pause = 0.0
    stop = threading.Event()

    def watch():
        nonlocal longest_pause
        last = time.perf_counter()
        while not stop.is_set():
            now = time.perf_counter()
            longest_pause = max(longest_pause, now - last)
            last = now

    worker = threading.Thread(target=watch)
    worker.start()
    try:
        started = time.perf_counter()
        plantwin.run("scenarios/examples/saturated_line.yaml", changes={"horizon": "20000h"}, replications=1, jobs=1)
        elapsed = time.perf_counter() - started
    finally:
        stop.set()
        worker.join()
    assert longest_pause < 0.5 * elapsed, (longest_pause, elapsed)


def interrupt_after_start(code: str, root) -> tuple:
    """Starts `code` in a child Python, sends SIGINT once it prints 'started', returns (stdout,
    seconds from the signal to the child's exit, return code)."""
    script = textwrap.dedent("""
        import sys, time
        import plantwin
        if __name__ == "__main__":
            print("started", flush=True)
            try:
                {code}
                print("finished")
            except KeyboardInterrupt:
                print("KeyboardInterrupt")
                sys.exit(0)
    """).format(code=code)
    child = subprocess.Popen([sys.executable, "-c", script], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=dict(os.environ, PLANTWIN_TEST_TOKEN=f"interrupt-{os.getpid()}"))
    assert child.stdout.readline().strip() == "started"
    time.sleep(1.0)
    assert child.poll() is None, child.communicate()
    sent = time.perf_counter()
    child.send_signal(signal.SIGINT)
    try:
        out, err = child.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        child.kill()
        raise AssertionError("the child did not stop within 20 s of Ctrl-C")
    return out + err, time.perf_counter() - sent, child.returncode


def test_ctrl_c_interrupts_a_long_run_promptly(root):
    out, seconds, code = interrupt_after_start(LONG_RUN, root)
    assert "KeyboardInterrupt" in out and "finished" not in out, out
    assert code == 0
    assert seconds < 3


def test_ctrl_c_interrupts_a_sweep_and_stops_its_workers(root):
    code = ('plantwin.sweep(plantwin.load("scenarios/examples/saturated_line.yaml", {"horizon": "36000d"}), '
            '{"stations.press.buffer": [0, 1, 2, 3]}, replications=1, jobs=2, progress=False)')
    out, seconds, returncode = interrupt_after_start(code, root)
    assert "KeyboardInterrupt" in out and "finished" not in out, out
    assert returncode == 0
    assert seconds < 5
    # No worker outlives the sweep: none of this machine's processes carries the child's token.
    time.sleep(0.5)
    token = f"PLANTWIN_TEST_TOKEN=interrupt-{os.getpid()}".encode()
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if token in f.read():
                    left.append(pid)
        except OSError:
            pass
    assert not left, f"processes left after the sweep was interrupted: {left}"


def test_compare_pairs_the_replications(in_root):
    base = plantwin.run("scenarios/examples/saturated_line.yaml", replications=8)
    variant = plantwin.run("scenarios/examples/saturated_line.yaml", replications=8, changes={"stations.weld.buffer": 4})
    table = plantwin.compare(base, variant, kpis=["throughput_per_h", "stations.*.utilization"])
    assert list(table.index) == ["throughput_per_h", *[f"stations.{s}.utilization" for s in ("press", "weld", "paint")]]
    row = table.loc["throughput_per_h"]
    pairs = variant.replications["throughput_per_h"] - base.replications["throughput_per_h"]
    assert row["difference"] == pytest.approx(pairs.mean())
    assert row["base"] == base["throughput_per_h"]["mean"] and row["variant_ci95"] == variant["throughput_per_h"]["ci95"]
    # the paired interval is computed as the document computes every ci95 (Student-t over the pairs)
    half = 2.3646242510102993 * pairs.std(ddof=1) / np.sqrt(8)  # t(0.975, 7)
    assert row["difference_ci95"] == pytest.approx(half, rel=1e-6)
    # common random numbers make the pairs far tighter than the runs' own intervals
    assert row["difference_ci95"] < row["base_ci95"]
    with pytest.raises(ValueError, match="same seed and replications"):
        plantwin.compare(base, plantwin.run("scenarios/examples/saturated_line.yaml", replications=4))


def test_compare_takes_two_points_of_a_sweep(in_root):
    """A sweep keeps every KPI's per-replication values: two of its points compare pairwise exactly as
    two runs do."""
    line = plantwin.load("scenarios/examples/saturated_line.yaml")
    table = plantwin.sweep(line, {"stations.weld.buffer": [1, 4]}, replications=8, jobs=1, progress=False)
    from_points = plantwin.compare(table[table.point == 0], table[table.point == 1], kpis="throughput_per_h")
    base = plantwin.run(line, replications=8, changes={"stations.weld.buffer": 1})
    variant = plantwin.run(line, replications=8, changes={"stations.weld.buffer": 4})
    pd.testing.assert_frame_equal(from_points, plantwin.compare(base, variant, kpis="throughput_per_h"))
    # a point against a run of it is no change at all
    same = plantwin.compare(table[table.point == 1], variant)
    assert (same["difference"].dropna() == 0).all() and len(same) > 10
    with pytest.raises(ValueError, match="one sweep point"):
        plantwin.compare(table, variant)
    other_seed = plantwin.sweep(line, [{"stations.weld.buffer": 4, "seed": 9}], replications=8, jobs=1, progress=False)
    with pytest.raises(ValueError, match="same seed"):
        plantwin.compare(table[table.point == 1], other_seed)
    with pytest.raises(TypeError, match="a Result or the rows of one sweep point"):
        plantwin.compare(base, {"throughput_per_h": 1})
