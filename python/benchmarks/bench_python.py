"""Measures what the Python package adds to the engine, for docs/performance.md.

    PYTHONPATH=python /usr/bin/python3 python/benchmarks/bench_python.py overhead [--repeats 9]
        [--scenario FILE]... [--replications 1,10,100,1000]
    PYTHONPATH=python /usr/bin/python3 python/benchmarks/bench_python.py sweep [--repeats 3]
        [--replications 10,100] [--no-dask]

`overhead`: a scenario (default: the flagship and the small two-station example) with R
replications on one thread, run (a) by the CLI as a process (`plantwin run --json --jobs 1`, the
whole process timed from Python) and (b) by plantwin.run in a warm interpreter (the whole call:
load, run, conversion, Result), and (c) as a fresh Python process that imports plantwin and runs
it once. The engine's own time is the document's wall_s; the rest is what each way adds. Medians
of --repeats runs, alternating the ways.

`sweep`: a 100-point sweep of the flagship (10 x 10 buffer sizes around the chip shooter) with
jobs=1 (in-process, one point after the other), jobs=2 (two worker processes, started by the
call) and on a Dask LocalCluster of two single-threaded worker processes (started once,
before the timed calls; its start-up is timed apart). Whole calls timed, medians of --repeats
runs, and the three frames compared (they must be equal).
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
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "smt_line.yaml"
SMALL = ROOT / "scenarios" / "examples" / "two_stations.yaml"


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


def overhead(repeats: int, scenarios: List[Path], replications: List[int]) -> None:
    import plantwin

    cli = cli_path()
    print("| scenario | replications | CLI process | CLI engine (wall_s) | CLI rest | plantwin.run call "
          "| its engine (wall_s) | its rest | run call − CLI process | rest per replication (CLI / run) "
          "| fresh python3 process |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for scenario in scenarios:
        plantwin.run(scenario, replications=1, jobs=1)  # warm: pandas imported, caches filled
        for r in replications:
            row = _overhead_row(plantwin, cli, scenario, r, repeats)
            print(f"| {scenario.name} {row}", flush=True)


def _overhead_row(plantwin: Any, cli: str, scenario: Path, r: int, repeats: int) -> str:
    cold_code = f"import plantwin; plantwin.run({str(scenario)!r}, replications={r}, jobs=1)"
    cli_total, cli_wall, py_total, py_wall, cold = [], [], [], [], []
    for _ in range(repeats):
        t = time.perf_counter()
        out = subprocess.run([cli, "run", str(scenario), "--json", "--jobs", "1", "--replications", str(r)],
                             capture_output=True, text=True, check=True)
        cli_total.append(time.perf_counter() - t)
        cli_wall.append(json.loads(out.stdout)["wall_s"])
        t = time.perf_counter()
        result = plantwin.run(scenario, replications=r, jobs=1)
        py_total.append(time.perf_counter() - t)
        py_wall.append(result.to_dict()["wall_s"])
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", cold_code], check=True)
        cold.append(time.perf_counter() - t)
    m = {k: statistics.median(v) for k, v in dict(ct=cli_total, cw=cli_wall, pt=py_total, pw=py_wall, co=cold).items()}
    return (f"| {r} | {ms(m['ct'])} ms | {ms(m['cw'])} ms | {ms(m['ct'] - m['cw'])} ms | {ms(m['pt'])} ms "
            f"| {ms(m['pw'])} ms | {ms(m['pt'] - m['pw'])} ms | {ms(m['pt'] - m['ct'])} ms "
            f"| {1e3 * (m['ct'] - m['cw']) / r:,.3f} / {1e3 * (m['pt'] - m['pw']) / r:,.3f} ms | {ms(m['co'])} ms |")


def sweep(repeats: int, replications: List[int], dask: bool) -> None:
    import pandas as pd

    import plantwin

    line = plantwin.load(FLAGSHIP)
    grid = {"stations.pnp_chip.buffer": list(range(1, 11)), "stations.pnp_fine.buffer": list(range(1, 11))}
    cluster = client = None
    if dask:
        from distributed import Client, LocalCluster

        t = time.perf_counter()
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        client.submit(sum, [1]).result()  # the workers are up
        print(f"Dask LocalCluster (2 worker processes, 1 thread each) and client started in "
              f"{time.perf_counter() - t:.2f} s (not in the times below)")
    ways = {"jobs=1": dict(jobs=1), "jobs=2": dict(jobs=2)}
    if client is not None:
        ways["dask"] = dict(client=client)
    print(f"| replications per point | points | {' | '.join(ways)} | speed-up jobs=2 | speed-up dask |")
    print("|---:|---:|" + "---:|" * (len(ways) + 2))
    try:
        for r in replications:
            times: Dict[str, List[float]] = {way: [] for way in ways}
            frames = {}
            for _ in range(repeats):
                for way, kwargs in ways.items():
                    t = time.perf_counter()
                    frames[way] = plantwin.sweep(line, grid, replications=r, progress=False, **kwargs)
                    times[way].append(time.perf_counter() - t)
            for way in ways:
                pd.testing.assert_frame_equal(frames["jobs=1"], frames[way])
            med = {way: statistics.median(v) for way, v in times.items()}
            dask_cell = f"{med['jobs=1'] / med['dask']:.2f}x" if "dask" in med else "n/a"
            print(f"| {r} | 100 | {' | '.join(f'{med[w]:.2f} s' for w in ways)} "
                  f"| {med['jobs=1'] / med['jobs=2']:.2f}x | {dask_cell} |", flush=True)
    finally:
        if client is not None:
            client.close()
            cluster.close()


def load_average() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["overhead", "sweep"])
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--scenario", action="append", type=Path, help="overhead: a scenario (repeatable)")
    parser.add_argument("--replications", default=None, help="comma-separated replication counts")
    parser.add_argument("--no-dask", action="store_true", help="sweep: without the Dask LocalCluster")
    args = parser.parse_args()
    counts = [int(x) for x in args.replications.split(",")] if args.replications else None
    # Timings on a shared machine mean little when other work runs: say how busy it was.
    print(f"load average before: {load_average()} ({os.cpu_count()} cores)")
    if args.what == "overhead":
        overhead(args.repeats or 9, args.scenario or [FLAGSHIP, SMALL], counts or [1, 10, 100, 1000])
    else:
        sweep(args.repeats or 3, counts or [10, 100], not args.no_dask)
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
