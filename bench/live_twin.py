#!/usr/bin/python3
"""The live twin on the flagship, measured against a real broker (docs/twin.md, "The live twin";
docs/performance.md, "The live twin"): starts mosquitto on a free localhost port, runs
`plantwin twin scenarios/smt_line.yaml --every 0 --replications R`, replays the shift's log
(scenarios/twin/smt_line_shift.csv) up to each checkpoint at full speed, asks for a forecast there,
and prints when each forecast came back, the on-time probability of every open order, and what
the twin ingested.

    /usr/bin/python3 bench/live_twin.py [--replications 20] [--at 09:00 09:14 ...] [--json]

Needs mosquitto and python3-paho-mqtt (scripts/bootstrap.sh installs both) and a build.
"""

from __future__ import annotations

import argparse
import getpass
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "build" / "release" / "engine" / "plantwin"
LOG = ROOT / "scenarios" / "twin" / "smt_line_shift.csv"
SCENARIO = ROOT / "scenarios" / "smt_line.yaml"
PLANT = "smt-line-a"
# 09:14 and 09:59: the chip shooter is down (since 09:13:20 and 09:58:19); 09:18 and 10:00: it is up
# again; 10:00-10:30: the line's break (no rows but the oven finishing its boards), 10:30: back at work.
CHECKPOINTS = ["08:00", "09:00", "09:14", "09:18", "09:30", "09:59", "10:00", "10:30"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--replications", type=int, default=20)
    ap.add_argument("--at", nargs="+", default=CHECKPOINTS, help="checkpoints, local times HH:MM[:SS] of the shift's day")
    ap.add_argument("--json", action="store_true", help="print the forecasts as JSON lines too")
    args = ap.parse_args()

    rows = LOG.read_text().splitlines()
    header, body = rows[0], rows[1:]
    work = Path(tempfile.mkdtemp(prefix="plantwin_live_"))
    port = free_port()
    conf = work / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 1000000\nuser {getpass.getuser()}\n")
    broker = subprocess.Popen(["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    twin_log = open(work / "twin.log", "w")
    twin = None
    try:
        time.sleep(0.5)
        url = f"mqtt://127.0.0.1:{port}"
        twin = subprocess.Popen([str(CLI), "twin", str(SCENARIO), "--broker", url, "--every", "0",
                                 "--replications", str(args.replications)], stdout=twin_log, stderr=subprocess.STDOUT)
        got: list[tuple[float, dict]] = []
        lock = threading.Lock()

        def on_message(client, userdata, message):
            with lock:
                got.append((time.monotonic(), json.loads(message.payload)))

        client = mqtt.Client(client_id="live-bench")
        client.on_message = on_message
        client.connect("127.0.0.1", port)
        client.subscribe(f"plantwin/{PLANT}/forecast", qos=1)
        client.loop_start()
        time.sleep(1.0)

        sent = 0
        print(f"plantwin twin {SCENARIO.name}, {args.replications} replications; replaying {LOG.name} up to each checkpoint "
              f"at full speed, then a request")
        print(f"{'plant time':>10} {'rows':>6} {'ingest s':>8} {'rows/s':>8} {'latency s':>9} {'compute s':>9}  "
              f"bottleneck  p(on time) of the open orders")
        for k, at in enumerate(args.at):
            stamp = f"2026-03-02T{at if len(at) > 5 else at + ':00'}"
            segment = [r for r in body[sent:] if r[:19] <= stamp]
            part = work / f"part{k}.csv"
            part.write_text("\n".join([header, *segment]) + "\n")
            started = time.monotonic()
            subprocess.run([str(CLI), "replay", str(part), "--broker", url, "--plant", PLANT, "--speed", "max"],
                           check=True, capture_output=True)
            sent += len(segment)
            # Asked once the broker has every row: the answer says how many the twin had applied.
            asked = time.monotonic()
            client.publish(f"plantwin/{PLANT}/forecast/request", json.dumps({"id": k}), qos=1)
            deadline = asked + 120
            answer = None
            while answer is None and time.monotonic() < deadline:
                with lock:
                    answer = next(((t, f) for t, f in got if f.get("request_id") == k), None)
                time.sleep(0.01)
            if answer is None:
                print(f"{at}: no forecast within 120 s", file=sys.stderr)
                return 1
            arrived, f = answer
            assert f["events"]["applied"] == sent, (f["events"], sent)
            ingest = asked - started
            orders = "  ".join(f"{o['id']} {o['p_on_time'] if o['p_on_time'] is not None else '-'}" for o in f["orders"])
            b = f.get("bottleneck") or {}
            print(f"{at:>10} {len(segment):>6} {ingest:>8.2f} {len(segment) / ingest if ingest > 0 else 0:>8.0f} "
                  f"{arrived - asked:>9.2f} {f['compute_s']:>9.2f}  {b.get('station', '-'):<10}  {orders}")
            if args.json:
                print(json.dumps(f))
        client.loop_stop()
        client.disconnect()
        return 0
    finally:
        if twin is not None:
            twin.terminate()
            twin.wait(timeout=15)
        broker.terminate()
        broker.wait(timeout=10)
        twin_log.close()


if __name__ == "__main__":
    sys.exit(main())
