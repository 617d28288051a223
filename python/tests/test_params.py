"""Typed scenario parameters (plantwin.params): values come from the loaded scenario through the
engine's declarations, with the scenario's changes, in declaration order."""

import json
from pathlib import Path

import pytest

import plantwin
from plantwin.params import Items, Params, schema

ROOT = Path(__file__).resolve().parents[2]
SMT = ROOT / "scenarios" / "smt_line.yaml"
EDGE = ROOT / "scenarios" / "examples" / "edge_inspection.yaml"


@pytest.fixture(scope="module")
def line():
    return plantwin.load(SMT)


def test_stations_are_typed_in_declaration_order(line):
    assert isinstance(line.stations, Items)
    assert line.stations[0] == "printer" and line.stations[-1] == "box_build"
    assert line.stations == list(line.stations)  # an Items equals the list of its ids
    reflow = line.stations["reflow"]
    assert isinstance(reflow, Params)
    assert reflow.servers == 8 and reflow.buffer == 2
    assert reflow.process.dist == "constant" and reflow.process.mean_s == pytest.approx(300.0)
    assert reflow.failures is None


def test_units_are_seconds_and_bytes(line):
    chip = line.stations["pnp_chip"]
    assert chip.process.mainboard.mean_s == pytest.approx(48.0)
    assert chip.process.io_board.cv == pytest.approx(0.08)
    assert chip.failures.mtbf.mean_s == pytest.approx(50 * 60)
    assert chip.failures.basis == "operating" and chip.failures.interrupted == "resume"
    radio = plantwin.load(EDGE).links["radio"]
    assert radio.uplink_Bps == pytest.approx(200e6 / 8)
    assert radio.latency_s == pytest.approx(0.004)


def test_unlimited_buffer_is_none():
    s = plantwin.loads("plantwin: 1\nname: t\nhorizon: 1h\nstations:\n  - {id: a, process: 10s}\n"
                       "products:\n  - {id: p, route: [a]}\n"
                       "sources:\n  - {id: s, product: p, interarrival: 20s}\n")
    assert s.stations["a"].buffer is None
    assert s.stations["a"].servers == 1


def test_changes_reach_the_parameters(line):
    bigger = line.with_changes({"stations.reflow.servers": 10,
                                "stations.pack.process": {"dist": "uniform", "min": "10s", "max": "20s"}})
    assert bigger.stations["reflow"].servers == 10
    assert bigger.stations["pack"].process.min_s == pytest.approx(10.0)
    assert line.stations["reflow"].servers == 8  # the original is unchanged


def test_wrong_names_say_what_was_meant(line):
    with pytest.raises(KeyError, match="reflow"):
        line.stations["reflw"]
    with pytest.raises(AttributeError, match="servers"):
        line.stations["reflow"].server


def test_to_dict_is_plain_json(line):
    d = line.stations["pnp_chip"].to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["buffer"] == 3 and d["process"]["mainboard"]["mean_s"] == pytest.approx(48.0)


def test_schema_lists_every_declared_kind():
    s = schema()
    for kind in ("station", "failures", "maintenance", "calendar", "operator_pool", "fleet",
                 "battery", "conveyor", "arm"):
        assert kind in s and s[kind], kind
    keys = {f["key"] for f in s["station"]}
    assert {"servers", "buffer", "yield", "at_shift_end"} <= keys
    for field in s["station"]:
        assert set(field) >= {"key", "type", "doc"}
