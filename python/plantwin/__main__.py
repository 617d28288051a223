"""``python3 -m plantwin report SCENARIO --out DIR``: an HTML report of one run.

Exit codes as the ``plantwin`` command's: 0 success, 2 invalid scenario or usage (the located
errors on stderr), 3 failure while running (or interrupted, or the report cannot be written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

USAGE = ("python3 -m plantwin report SCENARIO --out DIR [--replications R] [--seed N] [--jobs J] [--set PATH=VALUE]... "
         "[--from STATE.yaml]")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # the plantwin command's form, exit code 2
        self.exit(2, f"plantwin report: error: {message}\nusage: {USAGE}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python3 -m plantwin", usage=USAGE,
                     description="Runs a scenario and writes DIR/index.html: KPI tables, plots (PNG) and the "
                                 "bottleneck named. Documentation: docs/python.md.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    report = sub.add_parser("report", usage=USAGE, help="write an HTML report of one run")
    report.add_argument("scenario", metavar="SCENARIO", help="the scenario file")
    report.add_argument("--out", required=True, metavar="DIR", help="the directory to write (created if missing)")
    report.add_argument("--replications", type=int, metavar="R", help="replications (default: the scenario's)")
    report.add_argument("--seed", type=int, metavar="N", help="seed (default: the scenario's)")
    report.add_argument("--jobs", type=int, default=0, metavar="J", help="threads; 0 (default): one per core")
    report.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", dest="changes",
                        help="change the scenario like plantwin run --set; repeatable")
    report.add_argument("--from", metavar="STATE.yaml", dest="state",
                        help="start every replication from this state (plantwin state) and lead with the forecast")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """The command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    changes = []
    for text in args.changes:
        path, equals, value = text.partition("=")
        if not equals or not path:
            parser.error(f"--set expects PATH=VALUE, got '{text}'")
        changes.append((path, value))
    if args.jobs < 0:
        parser.error(f"--jobs: expected an integer from 0 (all cores) to 4096, got '{args.jobs}'")

    from .errors import RunError, ScenarioError
    from .run import prepare, run
    from .twin import LogError

    try:
        scenario = prepare(args.scenario, seed=args.seed, replications=args.replications, changes=changes)
    except ScenarioError as error:
        for d in error.errors:
            print(d.text, file=sys.stderr)
        return 2
    for d in scenario.warnings:
        print(d.text, file=sys.stderr)
    try:  # like plantwin run --out: a directory that cannot be made is a usage error, before the run
        Path(args.out).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print(f"plantwin report: error: --out: cannot create directory '{args.out}': {error.strerror or error}", file=sys.stderr)
        return 2
    try:
        result = run(scenario, jobs=args.jobs, timeline=True, state=args.state)
        import matplotlib

        matplotlib.use("Agg")  # files only: no window, whatever the environment says
        from .report import write_report

        index = write_report(result, args.out)
    except LogError as error:
        print(error, file=sys.stderr)
        return 2
    except RunError as error:
        print(f"plantwin report: error: {error}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print(f"plantwin report: error: {scenario.file}: interrupted", file=sys.stderr)
        return 3
    except OSError as error:
        print(f"plantwin report: error: {error}", file=sys.stderr)
        return 3
    print(f"{index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
