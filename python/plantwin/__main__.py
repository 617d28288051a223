"""``python3 -m plantwin report SCENARIO --out DIR``: an HTML report of one run.
``python3 -m plantwin view LOG --scenario SCENARIO --out DIR``: the replay of an event log
(docs/view.md); ``plantwin view`` runs this.

Exit codes as the ``plantwin`` command's: 0 success, 2 invalid scenario or usage (the located
errors on stderr), 3 failure while running (or interrupted, or the report cannot be written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

REPORT_USAGE = ("python3 -m plantwin report SCENARIO --out DIR [--replications R] [--seed N] [--jobs J] [--set PATH=VALUE]... "
                "[--from STATE.yaml]")
VIEW_USAGE = "python3 -m plantwin view LOG --scenario SCENARIO --out DIR [--result RESULT.json] [--set PATH=VALUE]..."
USAGE = f"{REPORT_USAGE}\n       {VIEW_USAGE}"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # the plantwin command's form, exit code 2
        words = (self.usage or "").split()
        command = "view" if words[3:4] == ["view"] else "report"
        self.exit(2, f"plantwin {command}: error: {message}\nusage: {self.usage}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python3 -m plantwin", usage=USAGE,
                     description="Runs a scenario and writes DIR/index.html: KPI tables, plots (PNG) and the "
                                 "bottleneck named. Documentation: docs/python.md.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    report = sub.add_parser("report", usage=REPORT_USAGE, help="write an HTML report of one run")
    report.add_argument("scenario", metavar="SCENARIO", help="the scenario file")
    report.add_argument("--out", required=True, metavar="DIR", help="the directory to write (created if missing)")
    report.add_argument("--replications", type=int, metavar="R", help="replications (default: the scenario's)")
    report.add_argument("--seed", type=int, metavar="N", help="seed (default: the scenario's)")
    report.add_argument("--jobs", type=int, default=0, metavar="J", help="threads; 0 (default): one per core")
    report.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", dest="changes",
                        help="change the scenario like plantwin run --set; repeatable")
    report.add_argument("--from", metavar="STATE.yaml", dest="state",
                        help="start every replication from this state (plantwin state) and lead with the forecast")
    view = sub.add_parser("view", usage=VIEW_USAGE, help="write the animated replay of an event log")
    view.add_argument("log", metavar="LOG", help="the event log (plantwin run --events, or a plant's log: docs/twin.md)")
    view.add_argument("--scenario", required=True, metavar="SCENARIO", help="the scenario whose plant it draws")
    view.add_argument("--out", required=True, metavar="DIR", help="the directory to write (created if missing)")
    view.add_argument("--result", metavar="RESULT.json", help="a result document (plantwin run --json): links by load")
    view.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", dest="changes",
                      help="change the scenario like plantwin run --set; repeatable")
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
    if args.command == "view":
        return _view(args, changes)
    if args.jobs < 0:
        parser.error(f"--jobs: expected an integer from 0 (all cores) to 4096, got '{args.jobs}'")

    from .errors import LogError, RunError
    from .run import run

    scenario = _prepared(args, changes, seed=args.seed, replications=args.replications)
    if isinstance(scenario, int):
        return scenario
    try:
        result = run(scenario, jobs=args.jobs, timeline=True, events=True, state=args.state)
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


def _prepared(args, changes, **options):
    """The scenario with its changes, its warnings printed, and ``--out`` made; or the exit code 2
    with the errors printed (like plantwin run --out, a directory that cannot be made is a usage
    error, found before any work)."""
    from .errors import ScenarioError
    from .run import prepare

    try:
        scenario = prepare(args.scenario, changes=changes, **options)
    except ScenarioError as error:
        for d in error.errors:
            print(d.text, file=sys.stderr)
        return 2
    for d in scenario.warnings:
        print(d.text, file=sys.stderr)
    try:
        Path(args.out).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print(f"plantwin {args.command}: error: --out: cannot create directory '{args.out}': {error.strerror or error}",
              file=sys.stderr)
        return 2
    return scenario


def _view(args, changes) -> int:
    from .view import LogError, write_view

    scenario = _prepared(args, changes)
    if isinstance(scenario, int):
        return scenario
    document = None
    if args.result:
        import json

        try:
            with open(args.result, encoding="utf-8") as f:
                document = json.load(f)
            if not isinstance(document, dict) or "kpis" not in document:
                raise ValueError("it has no kpis")
        except OSError as error:
            print(f"plantwin view: error: --result: cannot read '{args.result}': {error.strerror or error}", file=sys.stderr)
            return 2
        except ValueError as error:
            print(f"plantwin view: error: --result {args.result}: not a result document ({error})", file=sys.stderr)
            return 2
    try:
        index = write_view(args.log, scenario, args.out, result=document)
    except LogError as error:
        print(f"plantwin view: {error}" if ": error: " in str(error) else f"plantwin view: error: {error}", file=sys.stderr)
        return 2
    except FileNotFoundError as error:
        print(f"plantwin view: error: cannot read '{error.filename}': {error.strerror}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("plantwin view: error: interrupted", file=sys.stderr)
        return 3
    except OSError as error:
        print(f"plantwin view: error: {error}", file=sys.stderr)
        return 3
    print(f"{index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
