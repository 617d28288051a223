"""plantwin.sweep: the tidy table, common random numbers, the same numbers in-process, in worker
processes and on a Dask cluster."""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
import time

import pandas as pd
import pytest

import plantwin

GRID = {"stations.reflow.servers": [8, 12], "stations.pnp_chip.buffer": [1, 3, 6]}


@pytest.fixture(scope="module")
def line(flagship):
    return plantwin.load(flagship)


@pytest.fixture(scope="module")
def serial(line):
    return plantwin.sweep(line, GRID, replications=4, jobs=1, progress=False)


def test_a_sweep_is_one_row_per_point_and_kpi(line, serial):
    assert list(serial.columns) == ["point", *GRID, "kpi", "mean", "ci95", "ci_low", "ci_high", "values"]
    n_kpis = len(line.kpi_paths)
    assert len(serial) == 6 * n_kpis
    assert serial["point"].nunique() == 6
    # every combination, the last path varying fastest
    points = serial.drop_duplicates("point")[list(GRID)].values.tolist()
    assert points == [[8, 1], [8, 3], [8, 6], [12, 1], [12, 3], [12, 6]]
    assert serial.attrs["parameters"] == list(GRID)
    assert serial.attrs["replications"] == 4 and serial.attrs["seed"] == 42
    assert {"throughput_per_h", "lead_time_s.p95", "orders.on_time", "stations.reflow.utilization",
            "products.io_board.lead_time_s", "orders.by_order.MB-1001.on_time"} <= set(serial["kpi"])
    p95 = serial[serial["kpi"] == "lead_time_s.p95"]
    assert p95["ci95"].isna().all() and p95["ci_low"].isna().all() and p95["values"].isna().all()
    assert all(len(v) == 4 for v in serial.loc[serial["kpi"] != "lead_time_s.p95", "values"] if v is not None)


def test_each_point_is_the_run_of_its_changes(line, serial):
    """Same seed at every point (common random numbers): a point equals a plain run of it."""
    point = serial[(serial["stations.reflow.servers"] == 12) & (serial["stations.pnp_chip.buffer"] == 6)]
    doc = plantwin.run(line, replications=4, changes={"stations.reflow.servers": 12, "stations.pnp_chip.buffer": 6}).to_dict()
    values = point.set_index("kpi")
    assert values.loc["throughput_per_h", "mean"] == doc["kpis"]["throughput_per_h"]["mean"]
    assert values.loc["orders.on_time", "ci95"] == doc["orders"]["on_time"]["ci95"]
    assert values.loc["orders.on_time", "ci_high"] == doc["orders"]["on_time"]["ci_high"]
    assert list(values.loc["stations.aoi.oee", "values"]) == doc["stations"]["aoi"]["oee"]["values"]
    assert serial.attrs["seeds"] == [42] * 6
    assert values.loc["stations.aoi.oee", "mean"] == doc["stations"]["aoi"]["oee"]["mean"]
    assert values.loc["lead_time_s.p95", "mean"] == doc["kpis"]["lead_time_s"]["p95"]
    assert serial.attrs["fingerprints"][5] == doc["fingerprint"]


def test_common_random_numbers_across_points(in_root):
    """The arrivals and the printer's process times come from their own streams: changing the oven
    (behind an unlimited buffer, so the printer never blocks) leaves the printer's numbers exactly
    as they were, replication by replication, while the oven's change."""
    scenario = plantwin.load("scenarios/examples/two_stations.yaml", {"stations.oven.buffer": "inf"})
    ovens = [{"dist": "exponential", "mean": f"{m}s"} for m in (40, 45, 50)]
    frame = plantwin.sweep(scenario, {"stations.oven.process": ovens}, replications=5, jobs=1, progress=False)
    printer = frame[frame["kpi"] == "stations.printer.utilization"]
    oven = frame[frame["kpi"] == "stations.oven.utilization"]
    assert printer["mean"].nunique() == 1 and printer["ci95"].nunique() == 1
    assert oven["mean"].nunique() == 3


def test_worker_processes_give_the_same_numbers(line, serial):
    parallel = plantwin.sweep(line, GRID, replications=4, jobs=2, progress=False)
    pd.testing.assert_frame_equal(parallel, serial)
    assert parallel.attrs == serial.attrs


def test_any_executor_gives_the_same_numbers(line, serial):
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        threaded = plantwin.sweep(line, GRID, replications=4, client=pool, progress=False)
    pd.testing.assert_frame_equal(threaded, serial)


def test_a_dask_cluster_gives_the_same_numbers(line, serial):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = plantwin.sweep(line, GRID, replications=4, client=client, progress=False)
    pd.testing.assert_frame_equal(on_dask, serial)
    assert on_dask.attrs == serial.attrs


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """A Dask cluster started the way users start one across machines: a `dask scheduler` process
    and two `dask worker` processes, each connected to the scheduler by its address (here on
    localhost, on a port the scheduler chose), started and stopped by their pids."""
    distributed = pytest.importorskip("distributed")
    directory = tmp_path_factory.mktemp("dask")
    scheduler_file = directory / "scheduler.json"
    processes = []

    def start(*args):
        log = open(directory / f"process{len(processes)}.log", "w")
        processes.append(subprocess.Popen([sys.executable, "-m", *args], stdout=log, stderr=subprocess.STDOUT))
        return processes[-1]

    try:
        # Port 0: the scheduler takes a free port and writes its address to the scheduler file.
        start("distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
              "--scheduler-file", str(scheduler_file))
        deadline = time.monotonic() + 30
        while not scheduler_file.exists() or not scheduler_file.read_text().strip():
            assert processes[0].poll() is None, (directory / "process0.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start within 30 s"
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        for _ in range(2):  # --no-nanny: the pid started is the worker itself
            start("distributed.cli.dask_worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                  "--host", "127.0.0.1", "--local-directory", str(directory))
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=30)
            yield client, sorted(p.pid for p in processes[1:])
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_cluster_of_separate_scheduler_and_worker_processes_gives_the_same_numbers(line, serial, dask_cluster):
    client, worker_pids = dask_cluster
    # The workers are the two processes the fixture started, reached over TCP.
    assert sorted(client.run(os.getpid).values()) == worker_pids
    assert all(w.startswith("tcp://127.0.0.1:") for w in client.scheduler_info()["workers"])
    remote = plantwin.sweep(line, GRID, replications=4, client=client, progress=False)
    pd.testing.assert_frame_equal(remote, serial)
    assert remote.attrs == serial.attrs


def test_points_can_be_listed_and_kpis_chosen(line):
    frame = plantwin.sweep(line, [{"stations.reflow.servers": 8}, {"stations.reflow.servers": 16, "seed": 3}],
                           replications=2, jobs=1, progress=False, kpis=["throughput_per_h", "stations.*.utilization"])
    assert list(frame.columns) == ["point", "stations.reflow.servers", "seed", "kpi", "mean", "ci95", "ci_low",
                                   "ci_high", "values"]
    assert frame.attrs["seeds"] == [42, 3]
    assert frame["kpi"].unique().tolist() == ["throughput_per_h", *[f"stations.{s}.utilization" for s in line.stations]]
    assert frame["seed"].isna().tolist()[:1] == [True]


def test_bad_grids_fail_before_anything_runs(line):
    with pytest.raises(plantwin.ScenarioError) as caught:
        plantwin.sweep(line, {"stations.reflow.servers": [8, "many"]}, progress=False)
    assert caught.value.file == "--set[1]"
    assert "in sweep point 1" in "\n".join(caught.value.__notes__)
    with pytest.raises(ValueError, match="did you mean 'stations.reflow.utilization'"):
        plantwin.sweep(line, {"stations.reflow.servers": [8]}, kpis=["stations.reflow.utilisation"])
    with pytest.raises(ValueError, match="no values"):
        plantwin.sweep(line, {"stations.reflow.servers": []})
    with pytest.raises(TypeError, match="list of values"):
        plantwin.sweep(line, {"stations.reflow.servers": 8})


def test_a_failing_point_raises_run_error_naming_it(in_root):
    scenario = plantwin.load("scenarios/examples/reentrant.yaml", {"stations.expose.buffer": 2})
    with pytest.raises(plantwin.RunError) as caught:
        plantwin.sweep(scenario, {"stations.coat.buffer": ["inf", 2]}, jobs=2, progress=False)
    assert "deadlock" in caught.value.reason
    assert "in sweep point 1" in "\n".join(caught.value.__notes__)
