"""Faults around a run from Python, as a notebook meets them: Ctrl-C (a Jupyter interrupt), the
kernel killed (a restart, the OOM killer) while replications run in child processes, and where
the network module is loaded from."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

EDGE = "scenarios/examples/edge_inspection.yaml"

# Replications that would run for hours, started from a thread other than the main one (as a
# Dask worker or a notebook's background job does): the thread that forks is not the main thread.
ENDLESS = textwrap.dedent("""
    import os, signal, sys, threading, time
    import plantwin
    scenario = plantwin.load(sys.argv[1]).with_changes({"horizon": "36000d", "warmup": "0s", "replications": 2})
    outcome = []
    def run():
        try:
            plantwin.run(scenario, jobs=2)
        except KeyboardInterrupt:
            outcome.append("interrupted")
    worker = threading.Thread(target=run) if sys.argv[2] == "thread" else None
    if worker:
        worker.start()
        worker.join()
        print(outcome[0] if outcome else "finished", flush=True)
    else:
        try:
            plantwin.run(scenario, jobs=2)
        except KeyboardInterrupt:
            print("KeyboardInterrupt", flush=True)
""")


def _children(pid: int) -> list:
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            out.append(int(entry))
    return out


def _run_servers(pid: int) -> list:
    """A Python process's run server (engine/run/run_server.hpp): its child started as
    `plantwin-server serve-runs` (whose own children, forked, carry the same command line)."""
    out = []
    for child in _children(pid):
        try:
            if b"serve-runs" in Path(f"/proc/{child}/cmdline").read_bytes():
                out.append(child)
        except OSError:
            pass
    return out


def _replications(pid: int) -> list:
    """The replication processes of a Python process: its run server's children, or its own
    (PLANTWIN_RUN_SERVER=off)."""
    servers = _run_servers(pid)
    return [c for c in _children(pid) if c not in servers] + [c for s in servers for c in _children(s)]


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def _start(root: Path, mode: str) -> subprocess.Popen:
    # SIGINT back to its default in the child: a test run started in the background of a shell
    # without job control inherits it ignored, and Python then installs no KeyboardInterrupt.
    return subprocess.Popen([sys.executable, "-c", ENDLESS, str(root / EDGE), mode], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for_replications(pid: int, n: int, seconds: float = 20) -> list:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        kids = _replications(pid)
        if len(kids) >= n:
            return kids
        time.sleep(0.02)
    return _replications(pid)


def test_ctrl_c_stops_a_network_run_at_once(root):
    # The children used to keep Python's SIGINT handler, never stopped, and were killed when the
    # 5 s grace ended; now they stop within a few thousand events.
    process = _start(root, "main")
    try:
        assert len(_wait_for_replications(process.pid, 2)) == 2
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
        latency = time.monotonic() - sent
    finally:
        process.kill()
    assert out.strip() == "KeyboardInterrupt", err
    assert latency < 2.5


def test_a_killed_python_process_leaves_no_replication_process(root):
    # A Jupyter kernel restart or the OOM killer: SIGKILL, which nothing can catch. The children
    # were forked by a worker thread; they die with it (PR_SET_PDEATHSIG), not hours later.
    process = _start(root, "thread")
    try:
        children = _wait_for_replications(process.pid, 2)
        assert len(children) == 2
        children += _run_servers(process.pid)
        process.kill()
        process.wait(timeout=10)
        until = time.monotonic() + 5
        while any(_running(c) for c in children) and time.monotonic() < until:
            time.sleep(0.02)
        assert not any(_running(c) for c in children)
    finally:
        process.kill()


def test_the_network_module_is_loaded_from_the_package(root, tmp_path):
    # Beside _plantwin, never from the build directory compiled in (which anyone could create
    # again once it is gone).
    script = textwrap.dedent("""
        import sys
        import plantwin
        from plantwin import _plantwin
        plantwin.run(sys.argv[1], changes={"horizon": "5min", "warmup": "0s", "replications": 1})
        # Loaded where the replications are forked: this process, or its run server.
        server = _plantwin.run_server()["pid"]
        maps = ["/proc/self/maps"] + ([f"/proc/{server}/maps"] if server else [])
        print("\\n".join(line.split()[-1] for m in maps for line in open(m) if "libplantwin_simgrid" in line))
    """)
    env = {k: v for k, v in os.environ.items() if k != "PLANTWIN_NETWORK_MODULE"}
    done = subprocess.run([sys.executable, "-c", script, str(root / EDGE)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    package = Path(__import__("plantwin").__file__).resolve().parent
    assert {Path(p) for p in done.stdout.split()} == {package / "libplantwin_simgrid.so"}
