"""The run server: a plant with a network forks its replications from a small process started
once per Python process (engine/run/run_server.hpp), not from the interpreter. Same documents,
event logs and forecasts as a run forking from Python itself (PLANTWIN_RUN_SERVER=off); started
again when it died; its own for a forked Python process; gone with the process that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import shutil
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import plantwin
from plantwin import _plantwin

from test_faults import _running as _alive
from test_run import without_wall

EDGE = "scenarios/examples/edge_inspection.yaml"
SHORT = {"warmup": "2min", "horizon": "10min", "replications": 3}


def _served(scenario, monkeypatch, served: bool, **kwargs):
    monkeypatch.setenv("PLANTWIN_RUN_SERVER", "on" if served else "off")
    return plantwin.run(scenario, **kwargs)


def _how_run(scenario) -> str:
    """What _plantwin.run says of the run server for this scenario: "served", or why not."""
    name, text = scenario._origin
    return _plantwin.run(scenario._loaded, 2, False, None, None, (name, text, list(scenario._changes)))["run_server"]


def test_the_run_server_gives_the_document_and_event_log_of_a_run_forked_from_python(in_root, monkeypatch):
    scenario = plantwin.load(EDGE, SHORT)
    served = _served(scenario, monkeypatch, True, jobs=2, events=True)
    assert _how_run(scenario) == "served"
    server = _plantwin.run_server()
    assert server["error"] is None and server["pid"] is not None and _alive(server["pid"])
    direct = _served(scenario, monkeypatch, False, jobs=2, events=True)
    assert without_wall(served.to_dict()) == without_wall(direct.to_dict())
    pd.testing.assert_frame_equal(served.events, direct.events)
    assert len(served.events) > 100


def test_the_run_server_sends_back_the_timeline_a_run_forked_from_python_records(in_root, monkeypatch):
    scenario = plantwin.load(EDGE, SHORT)
    name, text = scenario._origin
    outcomes = {}
    for mode in ("on", "off"):
        monkeypatch.setenv("PLANTWIN_RUN_SERVER", mode)
        outcomes[mode] = _plantwin.run(scenario._loaded, 2, True, None, None, (name, text, list(scenario._changes)))
    assert outcomes["on"]["run_server"] == "served" and outcomes["off"]["run_server"] is None
    served, direct = outcomes["on"]["timeline"], outcomes["off"]["timeline"]
    assert served == direct
    assert len(served["states"]["time_s"]) > 100 and len(served["exits"]["time_s"]) > 10
    assert {station for station, _ in served["stations"]} >= set(served["states"]["station"])


def test_a_run_from_a_state_has_the_same_forecast_from_the_run_server(in_root, monkeypatch, tmp_path):
    scenario = plantwin.load(EDGE, SHORT)
    log = tmp_path / "log.csv"
    _served(scenario, monkeypatch, False, replications=1, events=True).events.to_csv(log, index=False)
    state = tmp_path / "state.yaml"
    plantwin.plant_state(log, scenario, at="5min", out=state)
    served = _served(scenario, monkeypatch, True, state=state)
    direct = _served(scenario, monkeypatch, False, state=state)
    assert served.forecast is not None and served.to_dict()["start_s"] == 300
    assert without_wall(served.to_dict()) == without_wall(direct.to_dict())


def test_the_run_server_is_started_once_and_again_after_it_died(in_root, monkeypatch):
    scenario = plantwin.load(EDGE, {**SHORT, "replications": 2})
    first = _served(scenario, monkeypatch, True).to_dict()
    pid = _plantwin.run_server()["pid"]
    assert without_wall(_served(scenario, monkeypatch, True).to_dict()) == without_wall(first)
    assert _plantwin.run_server()["pid"] == pid
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.1)
    assert without_wall(_served(scenario, monkeypatch, True).to_dict()) == without_wall(first)
    again = _plantwin.run_server()["pid"]
    assert again != pid and _alive(again) and not _alive(pid)


def test_a_plant_without_a_network_runs_in_this_process(in_root, monkeypatch):
    # Its replications run on threads: nothing to fork, no server needed for it.
    monkeypatch.setenv("PLANTWIN_RUN_SERVER", "on")
    script = textwrap.dedent("""
        import plantwin
        from plantwin import _plantwin
        plantwin.run("scenarios/examples/two_stations.yaml", replications=2)
        print(_plantwin.run_server()["pid"])
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"


def test_the_run_server_ends_with_its_python_process_and_a_fork_has_its_own(in_root):
    # A process forked from Python (multiprocessing's default on Linux) must not write into the
    # parent's server: it starts one of its own, and the parent keeps using its server.
    script = textwrap.dedent("""
        import os, sys
        import plantwin
        from plantwin import _plantwin
        scenario = plantwin.load(sys.argv[1], {"warmup": "0s", "horizon": "5min", "replications": 2})
        first = plantwin.run(scenario).to_dict()
        parent_server = _plantwin.run_server()["pid"]
        child = os.fork()
        if child == 0:
            same = {k: v for k, v in plantwin.run(scenario).to_dict().items() if k != "wall_s"} == \\
                   {k: v for k, v in first.items() if k != "wall_s"}
            print("child", _plantwin.run_server()["pid"], same, flush=True)
            os._exit(0)
        os.waitpid(child, 0)
        plantwin.run(scenario)
        print("parent", parent_server, _plantwin.run_server()["pid"], flush=True)
    """)
    done = subprocess.run([sys.executable, "-c", script, EDGE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(" ", 1) for line in done.stdout.strip().splitlines())
    child_server, same = lines["child"].split()
    parent_server, parent_after = lines["parent"].split()
    assert same == "True"
    assert parent_after == parent_server and child_server != parent_server
    until = time.monotonic() + 5
    while (_alive(int(parent_server)) or _alive(int(child_server))) and time.monotonic() < until:
        time.sleep(0.05)
    assert not _alive(int(parent_server)) and not _alive(int(child_server))


def test_a_wrong_plantwin_run_server_value_is_an_error(in_root, monkeypatch):
    monkeypatch.setenv("PLANTWIN_RUN_SERVER", "maybe")
    with pytest.raises(ValueError, match="PLANTWIN_RUN_SERVER: expected on or off, got 'maybe'"):
        plantwin.run(EDGE, changes=SHORT)


def test_a_python_process_that_ignores_sigchld_runs_a_network_through_its_server(in_root):
    # Forked from Python, the replications would be reaped by the kernel (their waitpid fails,
    # said as such); the server sets SIGCHLD back to its default.
    script = textwrap.dedent("""
        import signal, sys
        import plantwin
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        try:
            print(plantwin.run(sys.argv[1], changes={"warmup": "0s", "horizon": "5min", "replications": 2}).to_dict()["replications"])
        except plantwin.RunError as e:
            print(e)
    """)
    for mode, expected in (("on", "2"), ("off", "SIGCHLD is ignored in this process; set it back to SIG_DFL")):
        done = subprocess.run([sys.executable, "-c", script, EDGE], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PLANTWIN_RUN_SERVER": mode})
        assert done.returncode == 0, done.stderr
        assert expected in done.stdout


def test_the_run_server_outlives_the_thread_that_started_it(in_root, monkeypatch):
    # A thread per request (a web app, an executor): the server it started serves the next run.
    monkeypatch.setenv("PLANTWIN_RUN_SERVER", "on")
    scenario = plantwin.load(EDGE, {**SHORT, "replications": 1})
    _plantwin.run(scenario._loaded)  # no recipe: nothing served; the module is loaded
    started = []
    worker = threading.Thread(target=lambda: started.append(_how_run(scenario)))
    worker.start()
    worker.join()
    pid = _plantwin.run_server()["pid"]
    assert started == ["served"] and pid is not None
    time.sleep(0.2)
    assert _how_run(scenario) == "served" and _plantwin.run_server()["pid"] == pid


def test_the_run_server_takes_the_callers_plantwin_variables_of_the_moment(in_root, monkeypatch):
    scenario = plantwin.load(EDGE, {**SHORT, "replications": 1})
    _served(scenario, monkeypatch, True)
    monkeypatch.setenv("PLANTWIN_NETWORK_SHORTCUTS", "bogus")
    with pytest.raises(plantwin.RunError, match="PLANTWIN_NETWORK_SHORTCUTS: expected on, off, alone or run-ahead, got 'bogus'"):
        _served(scenario, monkeypatch, True)
    monkeypatch.delenv("PLANTWIN_NETWORK_SHORTCUTS")
    assert _how_run(scenario) == "served"


def test_a_fork_while_another_thread_runs_in_the_server_has_a_server_of_its_own(in_root):
    script = textwrap.dedent("""
        import os, signal, sys, threading, time
        import plantwin
        from plantwin import _plantwin
        long = plantwin.load(sys.argv[1], {"warmup": "0s", "horizon": "20d", "replications": 2})
        short = plantwin.load(sys.argv[1], {"warmup": "0s", "horizon": "5min", "replications": 1})
        worker = threading.Thread(target=lambda: plantwin.run(long, jobs=2))
        worker.start()
        until = time.monotonic() + 20
        while not _plantwin.run_server()["busy"] and time.monotonic() < until:
            time.sleep(0.01)
        child = os.fork()
        if child == 0:
            signal.alarm(20)  # a hang fails the test instead of stalling it
            print("child", _plantwin.run_server()["busy"], flush=True)
            name, text = short._origin
            print("child", _plantwin.run(short._loaded, 1, False, None, None, (name, text, []))["run_server"], flush=True)
            os._exit(0)
        _, status = os.waitpid(child, 0)
        print("status", status, flush=True)
        worker.join()
    """)
    done = subprocess.run([sys.executable, "-c", script, EDGE], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["child False", "child served", "status 0"], done.stdout + done.stderr


def test_without_its_executable_a_run_warns_once_and_forks_from_python(in_root, tmp_path):
    # The package without plantwin-server: the same results, and a RuntimeWarning that says why.
    package = Path(plantwin.__file__).resolve().parent
    copy = tmp_path / "plantwin"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("plantwin-server", "__pycache__", "viewer"))
    script = textwrap.dedent("""
        import sys, warnings
        import plantwin
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(2):
                doc = plantwin.run(sys.argv[1], changes={"warmup": "0s", "horizon": "5min", "replications": 2}).to_dict()
        print(doc["replications"])
        for w in caught:
            print(w.category.__name__, w.message)
    """)
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "PLANTWIN_RUN_SERVER": "on"}
    done = subprocess.run([sys.executable, "-c", script, EDGE], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "2"
    assert lines[1:] == [f"RuntimeWarning plantwin: the run server could not be started: cannot start {copy}/plantwin-server: "
                         "No such file or directory; the replications were forked from this process (same results, more "
                         "time per replication; docs/python.md)"]
