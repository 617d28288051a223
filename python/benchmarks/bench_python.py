"""Measures what the Python package adds to the engine, for docs/performance.md.

    PYTHONPATH=python /usr/bin/python3 python/benchmarks/bench_python.py overhead [--repeats 9]
    PYTHONPATH=python /usr/bin/python3 python/benchmarks/bench_python.py sweep [--repeats 3]

`overhead`: the flagship with R replications on one thread, run (a) by the CLI as a process
(`plantwin run --json --jobs 1`, the whole process timed from Python) and (b) by plantwin.run in a
warm interpreter (the whole call: load, run, conversion, Result), and (c) as a fresh Python
process that imports plantwin and runs it once. The engine's own time is the document's wall_s;
the rest is what each way adds. Medians of --repeats runs, alternating the ways.

`sweep`: a 100-point sweep of the flagship (10 x 10 buffer sizes around the chip shooter) with
jobs=1 (in-process, one point after the other) and jobs=2 (two worker processes), whole call
timed (worker start-up included), medians of --repeats runs, and the frames compared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "smt_line.yaml"


def cli_path() -> str:
    given = os.environ.get("PLANTWIN_CLI")
    if given:
        return given
    for candidate in (ROOT / "build" / "release" / "engine" / "plantwin", ROOT / "build" / "engine" / "plantwin"):
        if candidate.exists():
            return str(candidate)
    sys.exit("no plantwin binary: build first or set PLANTWIN_CLI")


def ms(seconds: float) -> str:
    return f"{1e3 * seconds:,.1f}"


def overhead(repeats: int) -> None:
    import plantwin

    cli = cli_path()
    line = plantwin.load(FLAGSHIP)
    plantwin.run(line, replications=1, jobs=1)  # warm: pandas imported, caches filled
    cold_code = f"import plantwin; plantwin.run({str(FLAGSHIP)!r}, replications={{r}}, jobs=1)"
    print("| replications | CLI process | CLI engine (wall_s) | CLI rest | plantwin.run call | its engine (wall_s) "
          "| its rest | run call − CLI process | rest per replication (CLI / run) | fresh python3 process |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in (1, 10, 100, 1000):
        cli_total, cli_wall, py_total, py_wall, cold = [], [], [], [], []
        for _ in range(repeats):
            t = time.perf_counter()
            out = subprocess.run([cli, "run", str(FLAGSHIP), "--json", "--jobs", "1", "--replications", str(r)],
                                 capture_output=True, text=True, check=True)
            cli_total.append(time.perf_counter() - t)
            cli_wall.append(json.loads(out.stdout)["wall_s"])
            t = time.perf_counter()
            result = plantwin.run(FLAGSHIP, replications=r, jobs=1)
            py_total.append(time.perf_counter() - t)
            py_wall.append(result.to_dict()["wall_s"])
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", cold_code.format(r=r)], check=True)
            cold.append(time.perf_counter() - t)
        m = {k: statistics.median(v) for k, v in dict(ct=cli_total, cw=cli_wall, pt=py_total, pw=py_wall, co=cold).items()}
        print(f"| {r} | {ms(m['ct'])} ms | {ms(m['cw'])} ms | {ms(m['ct'] - m['cw'])} ms | {ms(m['pt'])} ms "
              f"| {ms(m['pw'])} ms | {ms(m['pt'] - m['pw'])} ms | {ms(m['pt'] - m['ct'])} ms "
              f"| {1e3 * (m['ct'] - m['cw']) / r:,.3f} / {1e3 * (m['pt'] - m['pw']) / r:,.3f} ms | {ms(m['co'])} ms |")


def sweep(repeats: int) -> None:
    import pandas as pd

    import plantwin

    line = plantwin.load(FLAGSHIP)
    grid = {"stations.pnp_chip.buffer": list(range(1, 11)), "stations.pnp_fine.buffer": list(range(1, 11))}
    print("| replications per point | points | jobs=1 (in-process) | jobs=2 (2 processes) | speed-up |")
    print("|---:|---:|---:|---:|---:|")
    for r in (10, 100):
        times = {1: [], 2: []}
        frames = {}
        for _ in range(repeats):
            for jobs in (1, 2):
                t = time.perf_counter()
                frames[jobs] = plantwin.sweep(line, grid, replications=r, jobs=jobs, progress=False)
                times[jobs].append(time.perf_counter() - t)
        pd.testing.assert_frame_equal(frames[1], frames[2])
        one, two = statistics.median(times[1]), statistics.median(times[2])
        print(f"| {r} | 100 | {one:.2f} s | {two:.2f} s | {one / two:.2f}x |")


def load_average() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["overhead", "sweep"])
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()
    # Timings on a shared machine mean little when other work runs: say how busy it was.
    print(f"load average before: {load_average()} ({os.cpu_count()} cores)")
    if args.what == "overhead":
        overhead(args.repeats or 9)
    else:
        sweep(args.repeats or 3)
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
