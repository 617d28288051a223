"""The live twin against a real broker (docs/twin.md, "The live twin"): each test starts Debian's
mosquitto on a free localhost port with a temporary configuration (persistence in a temporary
directory), runs `plantwin twin` and `plantwin replay`, listens with paho-mqtt, and stops the
broker by its pid."""

from __future__ import annotations

import getpass
import json
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

paho = pytest.importorskip("paho.mqtt.client", reason="python3-paho-mqtt (scripts/bootstrap.sh installs it)")
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
pytestmark = pytest.mark.skipif(not Path(MOSQUITTO).exists(), reason="mosquitto (scripts/bootstrap.sh installs it)")

# A small line with two orders and a welder that fails: forecasts take a fraction of a second.
SCENARIO = """\
plantwin: 1
name: live-line
seed: 7
horizon: 4h
products:
  - id: widget
    route: [cut, weld]
sources:
  - id: plan
    orders:
      - {id: W-1, product: widget, quantity: 100, release: 0s, due: 1.5h}
      - {id: W-2, product: widget, quantity: 100, release: 1h, due: 3h}
stations:
  - id: cut
    process: {dist: exponential, mean: 30s}
  - id: weld
    buffer: 10
    process: {dist: lognormal, mean: 40s, cv: 0.2}
    failures:
      mtbf: {dist: exponential, mean: 1h}
      mttr: {dist: exponential, mean: 5min}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """mosquitto on 127.0.0.1:port, persistence in `directory`; start() and stop() by pid."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.config = directory / "mosquitto.conf"
        self.config.write_text(
            # A replay at full speed queues thousands of events for the twin at once: mosquitto's
            # default of 1000 per client would drop the rest (docs/twin.md, "The broker").
            # Run as root, mosquitto would switch to its own user, who cannot write `directory`.
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 1000000\nuser {getpass.getuser()}\n"
            f"persistence true\n"
            f"persistence_location {directory}/\nlog_dest file {directory}/mosquitto.log\n"
        )
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(self.config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                assert self.process.poll() is None, (self.directory / "mosquitto.log").read_text()
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start listening")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # it saves its persistence file on the way out
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def broker(tmp_path):
    b = Broker(tmp_path)
    b.start()
    yield b
    b.stop()


class Listener:
    """Collects the twin's forecasts (paho-mqtt, on its own thread)."""

    def __init__(self, port: int, topic: str):
        self.forecasts: list[dict] = []
        self.arrived: list[float] = []
        self.lock = threading.Lock()
        self.client = paho.Client(client_id=f"test-listener-{port}")
        self.client.on_message = self._on_message
        self.client.on_connect = lambda c, u, f, rc: c.subscribe(topic, qos=1)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def _on_message(self, client, userdata, message):
        with self.lock:
            self.forecasts.append(json.loads(message.payload))
            self.arrived.append(time.monotonic())

    def wait_for(self, predicate, timeout=60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                found = [f for f in self.forecasts if predicate(f)]
            if found:
                return found[0]
            time.sleep(0.05)
        raise AssertionError(f"no such forecast within {timeout} s; got {self.forecasts}")

    def close(self):
        self.client.loop_stop()
        self.client.disconnect()


def publish(port: int, topic: str, payloads: list[str]) -> None:
    client = paho.Client(client_id=f"test-publisher-{time.monotonic_ns()}")
    client.connect("127.0.0.1", port)
    client.loop_start()
    for p in payloads:
        client.publish(topic, p, qos=1).wait_for_publish()
    client.loop_stop()
    client.disconnect()


class Twin:
    def __init__(self, cli: Path, scenario: Path, broker: Broker, *args: str):
        self.log = broker.directory / "twin.log"
        self.file = open(self.log, "w")
        self.process = subprocess.Popen([str(cli), "twin", str(scenario), "--broker", broker.url, *args],
                                        stdout=self.file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while "connected to" not in self.text():
            assert self.process.poll() is None and time.monotonic() < deadline, self.text()
            time.sleep(0.05)

    def text(self) -> str:
        return self.log.read_text()

    def stop(self, sig=signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        rc = self.process.wait(timeout=15)
        self.file.close()
        return rc


@pytest.fixture
def line(tmp_path, cli):
    """The small line and the event log of one run of it (4 h)."""
    scenario = tmp_path / "live_line.yaml"
    scenario.write_text(SCENARIO)
    log = tmp_path / "line.csv"
    subprocess.run([str(cli), "run", str(scenario), "--replications", "1", "--events", str(log)], check=True,
                   stdout=subprocess.DEVNULL)
    return scenario, log


def replay(cli: Path, log: Path, broker: Broker, speed: str = "max", plant: str = "live-line"):
    return subprocess.run([str(cli), "replay", str(log), "--broker", broker.url, "--plant", plant, "--speed", speed],
                          capture_output=True, text=True, timeout=120)


def ask(broker: Broker, request_id: str, plant: str = "live-line") -> dict:
    """A forecast asked for now, with its id, and its answer."""
    listener = Listener(broker.port, f"plantwin/{plant}/forecast")
    try:
        time.sleep(0.5)
        publish(broker.port, f"plantwin/{plant}/forecast/request", [json.dumps({"id": request_id})])
        return listener.wait_for(lambda f: f.get("request_id") == request_id)
    finally:
        listener.close()


def rows(log: Path) -> int:
    return sum(1 for _ in log.open()) - 1


def test_the_twin_publishes_a_forecast_every_half_hour_of_plant_time_and_on_request(cli, broker, line):
    scenario, log = line
    listener = Listener(broker.port, "plantwin/live-line/forecast")
    twin = Twin(cli, scenario, broker, "--every", "30min", "--replications", "8")
    try:
        done = replay(cli, log, broker)
        assert done.returncode == 0, done.stderr
        assert f"{rows(log)} row(s) published" in done.stderr
        # The forecasts at 0.5 h, 1 h, ... of plant time: the state after every row up to each.
        # At full speed a newer state replaces one that waits for the forecast before it, but the
        # last boundary before the last row is always forecast.
        end = float(log.read_text().splitlines()[-1].split(",")[0])
        last_boundary = (end // 1800) * 1800 if end % 1800 else end - 1800
        last = listener.wait_for(lambda f: f["plant_time_s"] == last_boundary)
        times = sorted({f["plant_time_s"] for f in listener.forecasts if f["trigger"] == "every"})
        assert times[-1] == last_boundary and all(t % 1800 == 0 for t in times)
        for key in ("made_at_s", "plant_time_s", "until_s", "replications", "orders", "throughput_per_h", "bottleneck"):
            assert key in last
        assert last["until_s"] == 4 * 3600 and last["replications"] == 8
        assert last["throughput_per_h"]["mean"] > 0 and "ci95" in last["throughput_per_h"]
        assert last["made_at_s"] >= last["requested_at_s"] and abs(last["made_at_s"] - time.time()) < 120
        # A request: the state now (the end of the log), answered with its id.
        requested = time.monotonic()
        publish(broker.port, "plantwin/live-line/forecast/request", ['{"id": "r-1"}'])
        answer = listener.wait_for(lambda f: f.get("request_id") == "r-1", timeout=30)
        latency = listener.arrived[listener.forecasts.index(answer)] - requested
        assert latency < 10, latency
        assert answer["trigger"] == "request"
        assert answer["events"]["applied"] == rows(log) and answer["events"]["malformed"] == 0
        for order in answer["orders"]:
            assert set(order) >= {"id", "p_on_time", "done_s"}
            assert set(order["done_s"]) == {"mean", "ci95"}
    finally:
        listener.close()
        assert twin.stop() == 0
    assert "stopped:" in twin.text()


def test_a_forecast_early_in_the_shift_has_orders_open_with_probabilities(cli, broker, line, tmp_path):
    scenario, log = line
    # The first hour of the log only.
    text = log.read_text().splitlines()
    head = [text[0]] + [r for r in text[1:] if float(r.split(",")[0]) <= 3000]
    part = tmp_path / "first_hour.csv"
    part.write_text("\n".join(head) + "\n")
    listener = Listener(broker.port, "plantwin/live-line/forecast")
    twin = Twin(cli, scenario, broker, "--every", "0", "--replications", "10")
    try:
        assert replay(cli, part, broker).returncode == 0
        publish(broker.port, "plantwin/live-line/forecast/request", ['{"id": 7}'])
        f = listener.wait_for(lambda f: f.get("request_id") == 7)
        assert f["plant_time_s"] == pytest.approx(float(head[-1].split(",")[0]), abs=1e-6)
        ids = {o["id"]: o for o in f["orders"]}
        assert "W-1" in ids and "W-2" in ids
        for o in ids.values():
            assert o["p_on_time"] is None or 0 <= o["p_on_time"] <= 1
        assert ids["W-1"]["done_s"]["mean"] > f["plant_time_s"]
    finally:
        listener.close()
        twin.stop()


def test_malformed_out_of_order_and_unknown_messages_are_counted_and_logged_never_fatal(cli, broker, line):
    scenario, _ = line
    listener = Listener(broker.port, "plantwin/live-line/forecast")
    twin = Twin(cli, scenario, broker, "--every", "0", "--replications", "2")
    try:
        topic = "plantwin/live-line/events"
        publish(broker.port, topic, [
            '{"time": 0, "event": "release", "part": "1", "product": "widget", "order": "W-1"}',
            "this is not JSON",
            "[1, 2]",
            '{"time": 5, "event": "enter", "station": "cutt", "part": "1", "product": "widget"}',
            '{"time": 6, "event": "enter", "station": "cutt", "part": "1", "product": "widget"}',
            '{"time": 10, "event": "enter", "station": "cut", "part": "1", "product": "widget", "order": "W-1"}',
            '{"time": 3, "event": "start", "station": "cut", "part": "1", "product": "widget"}',
            '{"time": 11, "event": "inspect", "station": "cut", "part": "1", "product": "widget"}',
            '{"time": 12, "event": "start", "station": "cut", "part": "1", "product": "widget", "order": "W-1"}',
            '{"time": 12, "event": "start", "station": "cut", "part": "1", "product": "widget", "order": "W-1"}',
        ])
        publish(broker.port, "plantwin/live-line/forecast/request", ["please"])
        f = listener.wait_for(lambda f: f["trigger"] == "request")
        assert f["events"] == {"received": 10, "applied": 3, "duplicates": 1, "out_of_order": 1, "malformed": 4, "ignored": 1}
        assert f["plant_time_s"] == 12
        log = twin.text()
        assert "plantwin/live-line/events:2: error: not JSON" in log
        assert "plantwin/live-line/events:3: error: expected a JSON object" in log
        assert log.count("unknown station 'cutt' (did you mean 'cut'?)") == 1  # reported once
        assert "plantwin/live-line/events:7: error: time goes backwards" in log
        assert "unknown event 'inspect'" in log
        assert "the request is not a JSON object" in log
        assert twin.process.poll() is None
    finally:
        listener.close()
        assert twin.stop() == 0


def test_the_twin_reconnects_after_a_broker_restart_and_loses_no_event(cli, broker, line, tmp_path):
    scenario, log = line
    text = log.read_text().splitlines()
    half = len(text) // 2
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("\n".join(text[:half]) + "\n")
    second.write_text("\n".join([text[0]] + text[half:]) + "\n")
    twin = Twin(cli, scenario, broker, "--every", "0", "--replications", "2")
    try:
        assert replay(cli, first, broker).returncode == 0
        broker.stop()
        time.sleep(1.0)
        broker.start()  # the same port, its persistence file: the twin's session is kept
        deadline = time.monotonic() + 30
        while twin.text().count("connected to") < 2:
            assert time.monotonic() < deadline, twin.text()
            time.sleep(0.1)
        assert "lost" in twin.text() and "trying again in" in twin.text()
        # Events published while the twin reconnects are queued for it by the broker.
        assert replay(cli, second, broker).returncode == 0
        f = ask(broker, "after")
        assert f["events"]["applied"] == rows(log)
        assert f["events"]["malformed"] == 0 and f["events"]["out_of_order"] == 0
    finally:
        assert twin.stop() == 0


def test_a_broker_restart_in_the_middle_of_a_replay_loses_no_event_and_duplicates_are_recognised(cli, broker, line):
    scenario, log = line
    twin = Twin(cli, scenario, broker, "--every", "0", "--replications", "2")
    try:
        # The log's 2.5 h at 3000x: about 3 s of publishing, the broker stopped for 1 s in the middle.
        publisher = subprocess.Popen([str(cli), "replay", str(log), "--broker", broker.url, "--plant", "live-line", "--speed", "3000"],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(1.2)
        broker.stop()
        time.sleep(1.0)
        broker.start()
        out, _ = publisher.communicate(timeout=60)
        assert publisher.returncode == 0, out
        assert "lost" in out and f"{rows(log)} row(s) published" in out
        f = ask(broker, "after")
        # Rows the broker had not acknowledged were sent again: the twin took each once.
        assert f["events"]["applied"] == rows(log)
        assert f["events"]["received"] == rows(log) + f["events"]["duplicates"]
        assert f["events"]["out_of_order"] == 0 and f["events"]["malformed"] == 0
    finally:
        assert twin.stop() == 0


def test_the_twin_waits_for_a_broker_that_is_not_there_yet(cli, tmp_path, line):
    scenario, log = line
    b = Broker(tmp_path)
    twin_log = tmp_path / "twin.log"
    with open(twin_log, "w") as out:
        p = subprocess.Popen([str(cli), "twin", str(scenario), "--broker", b.url], stdout=out, stderr=subprocess.STDOUT)
        time.sleep(1.5)
        assert p.poll() is None
        b.start()
        try:
            deadline = time.monotonic() + 20
            while "connected to" not in twin_log.read_text():
                assert time.monotonic() < deadline, twin_log.read_text()
                time.sleep(0.1)
            assert "trying again in" in twin_log.read_text()
            p.send_signal(signal.SIGINT)
            assert p.wait(timeout=10) == 0
        finally:
            b.stop()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_signal_ends_the_twin_cleanly_during_a_forecast(cli, broker, flagship, sig):
    # 400 replications of the flagship's two shifts: a forecast of several seconds.
    twin = Twin(cli, flagship, broker, "--every", "0", "--replications", "400")
    publish(broker.port, "plantwin/smt-line-a/forecast/request", ["{}"])
    deadline = time.monotonic() + 10
    while "forecast (request) at plant time 0 s started" not in twin.text():
        assert time.monotonic() < deadline, twin.text()
        time.sleep(0.02)
    # The forecast's replications run, each in a process of its own (SimGrid's network).
    while len(processes_of(broker.url)) <= 2:
        assert time.monotonic() < deadline, processes_of(broker.url)
        time.sleep(0.02)
    started = time.monotonic()
    assert twin.stop(sig) == 0
    assert time.monotonic() - started < 5
    assert "stopped:" in twin.text() and "1 request(s)" in twin.text() and "0 forecast(s) published" in twin.text()
    # No process of the twin is left (the forecast's child and its replications die with it).
    deadline = time.monotonic() + 5
    while processes_of(broker.url) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_of(broker.url) == []


def processes_of(url: str) -> list[int]:
    """The pids of the processes whose command line names `url` (a twin and its forked children)."""
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if url.encode() in (d / "cmdline").read_bytes() and (d / "stat").read_text().split()[2] != "Z":
                    found.append(int(d.name))
            except OSError:
                pass
    return found


def test_a_forecast_runs_beside_the_intake_of_events(cli, broker, flagship, root):
    # A long forecast (the flagship's week, 300 replications) asked for before the events:
    # they are applied while it runs, so the forecast, published after them, counts them all.
    listener = Listener(broker.port, "plantwin/smt-line-a/forecast")
    twin = Twin(cli, flagship, broker, "--every", "0", "--replications", "300")
    try:
        publish(broker.port, "plantwin/smt-line-a/forecast/request", ['{"id": "long"}'])
        deadline = time.monotonic() + 10
        while "started" not in twin.text():
            assert time.monotonic() < deadline, twin.text()
            time.sleep(0.02)
        shift = (root / "scenarios" / "twin" / "smt_line_shift.csv").read_text().splitlines()
        part = broker.directory / "first_2000.csv"
        part.write_text("\n".join(shift[:2001]) + "\n")
        began = time.monotonic()
        assert replay(cli, part, broker, plant="smt-line-a").returncode == 0
        replayed_in = time.monotonic() - began
        f = listener.wait_for(lambda f: f.get("request_id") == "long", timeout=120)
        assert f["plant_time_s"] == 0
        if f["compute_s"] > replayed_in + 1:  # the forecast outlasted the replay (it should, by far)
            assert f["events"]["applied"] == 2000, (f["events"], f["compute_s"], replayed_in)
    finally:
        listener.close()
        twin.stop()


def test_usage_errors_are_located(cli, line, tmp_path):
    scenario, log = line
    r = subprocess.run([str(cli), "twin", str(scenario), "--broker", "http://x"], capture_output=True, text=True)
    assert r.returncode == 2 and "--broker: expected mqtt://HOST:PORT" in r.stderr
    r = subprocess.run([str(cli), "twin", str(scenario), "--broker", "mqtt://h:99999"], capture_output=True, text=True)
    assert r.returncode == 2 and "--broker: expected a port from 1 to 65535" in r.stderr
    r = subprocess.run([str(cli), "twin", str(scenario), "--broker", "mqtt://h:1883", "--every", "often"], capture_output=True, text=True)
    assert r.returncode == 2 and "--every:" in r.stderr
    r = subprocess.run([str(cli), "twin", str(scenario), "--broker", "mqtt://h:1883", "--plant", "a/b"], capture_output=True, text=True)
    assert r.returncode == 2 and "cannot be a topic level" in r.stderr
    r = subprocess.run([str(cli), "replay", str(log), "--broker", "mqtt://h:1883"], capture_output=True, text=True)
    assert r.returncode == 2 and "--plant NAME or --scenario" in r.stderr
    r = subprocess.run([str(cli), "replay", str(log), "--broker", "mqtt://h:1883", "--plant", "p", "--speed", "fast"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "--speed: expected a factor above 0" in r.stderr
    r = subprocess.run([str(cli), "replay", str(tmp_path / "missing.csv"), "--broker", "mqtt://h:1883", "--plant", "p"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "missing.csv: error: cannot read the event log" in r.stderr
