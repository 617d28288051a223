#!/usr/bin/python3
"""How often `plantwin validate-log` passes a log of the scenario itself (docs/twin.md, "The
prediction interval"): the spec asks for at least `confidence` (95 %) overall. Writes N logs of a
three-station line with `plantwin run --events`, each with its own seed, validates each against
the scenario with R replications and another seed of its own, and prints the share that passed
and, per KPI row, how often it was outside.

    /usr/bin/python3 bench/validate_calibration.py [--logs 300] [--replications 50] [--no-failures]
    /usr/bin/python3 bench/validate_calibration.py --scenario scenarios/smt_line.yaml --horizon 1d --logs 150

About 20 s per 300 logs at R = 20 on 2 cores. Needs a build (build/release).
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "build" / "release" / "engine" / "plantwin"

LINE = """plantwin: 1
name: calibration
seed: 1
horizon: 100h
warmup: 0s
products:
  - {id: p, route: [a, b, c]}
sources:
  - {id: src, product: p, interarrival: {dist: exponential, mean: 60s}}
stations:
  - {id: a, process: {dist: exponential, mean: 30s}}
  - id: b
    process: {dist: lognormal, mean: 40s, cv: 0.5}
FAILURES
  - {id: c, process: 20s}
"""
FAILURES = "    failures: {mtbf: {dist: exponential, mean: 4h}, mttr: {dist: exponential, mean: 30min}}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logs", type=int, default=300)
    parser.add_argument("--replications", type=int, default=50)
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--no-failures", action="store_true", help="station b never fails")
    parser.add_argument("--scenario", type=Path, help="another scenario than the three-station line")
    parser.add_argument("--horizon", help="the logs' horizon (the scenario's by default)")
    args = parser.parse_args()
    if not CLI.exists():
        sys.exit(f"{CLI} not found: build first (scripts/bootstrap.sh or cmake --build build/release)")
    passed = 0
    outside: collections.Counter[str] = collections.Counter()
    with tempfile.TemporaryDirectory(prefix="plantwin_calibration_") as tmp:
        if args.scenario:
            scenario = args.scenario.resolve()
        else:
            scenario = Path(tmp) / "line.yaml"
            scenario.write_text(LINE.replace("FAILURES\n", "" if args.no_failures else FAILURES + "\n"))
        horizon = ["--set", f"horizon={args.horizon}"] if args.horizon else []
        log = Path(tmp) / "log.csv"
        for i in range(args.first_seed, args.first_seed + args.logs):
            subprocess.run([str(CLI), "run", str(scenario), "--seed", str(1000 + i), "--replications", "1",
                            "--events", str(log), *horizon], check=True, stdout=subprocess.DEVNULL)
            v = subprocess.run([str(CLI), "validate-log", str(log), str(scenario), "--replications",
                                str(args.replications), "--confidence", str(args.confidence),
                                "--set", f"seed={5000 + i}", *horizon, "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            if v.returncode not in (0, 1):
                sys.exit(f"validate-log exited {v.returncode} on the log of seed {1000 + i}")
            doc = json.loads(v.stdout)
            passed += doc["passed"]
            for row in doc["rows"]:
                if not row["inside"]:
                    outside[row["kpi"]] += 1
    print(f"{passed} of {args.logs} logs passed ({100 * passed / args.logs:.1f} %) at R = {args.replications}, "
          f"confidence {args.confidence}, {args.scenario or 'the three-station line'}"
          f"{', no failures' if args.no_failures and not args.scenario else ''}")
    for kpi, n in outside.most_common():
        print(f"  {kpi}: outside in {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
