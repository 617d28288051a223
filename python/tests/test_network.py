"""Scenarios with a network run each replication in a child process of its own (one SimGrid engine
per process): plantwin.run gives the CLI's document, and a sweep gives the same numbers in-process,
in worker processes and on a Dask cluster (whose workers fork the replications' children)."""

from __future__ import annotations

import pandas as pd
import pytest

import plantwin

from test_run import cli_document, without_wall

EDGE = "scenarios/examples/edge_inspection.yaml"
SHORT = {"warmup": "5min", "horizon": "15min", "replications": 2}
GRID = {"messages.inspection.to": ["edge", "cloud"]}
KPIS = ["throughput_per_h", "flows.*", "links.*", "nodes.*", "stations.aoi.waiting_network"]


@pytest.fixture(scope="module")
def edge(root):
    return plantwin.load(root / EDGE, SHORT)


@pytest.fixture(scope="module")
def serial(edge):
    return plantwin.sweep(edge, GRID, jobs=1, progress=False, kpis=KPIS)


def test_a_network_run_gives_the_cli_document(cli, in_root):
    result = plantwin.run(EDGE, changes=SHORT, jobs=2)
    args = [a for k, v in SHORT.items() for a in ("--set", f"{k}={v}")]
    assert without_wall(result.to_dict()) == without_wall(cli_document(cli, EDGE, *args))
    assert {"flows", "links", "nodes"} <= set(result.sections)
    assert result.section("flows").loc["inspection", "completed"] > 0
    assert "waiting_network" in result.station_states.columns


def test_network_sweeps_agree_in_process_in_workers_and_on_dask(edge, serial):
    assert {"flows.inspection.latency_s", "flows.inspection.latency_s.p95", "links.radio.uplink",
            "nodes.edge.utilization"} <= set(serial["kpi"])
    parallel = plantwin.sweep(edge, GRID, jobs=2, progress=False, kpis=KPIS)
    pd.testing.assert_frame_equal(parallel, serial)
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = plantwin.sweep(edge, GRID, client=client, progress=False, kpis=KPIS)
    pd.testing.assert_frame_equal(on_dask, serial)
