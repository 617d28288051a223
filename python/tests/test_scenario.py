"""Loading scenarios, ScenarioError's fields, with_changes validated like --set, pickling."""

from __future__ import annotations

import pickle
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import plantwin

BAD = sorted(Path(__file__).resolve().parents[2].joinpath("tests", "bad").glob("*.yaml"))


def validate_stderr(cli, *args) -> list:
    done = subprocess.run([str(cli), "validate", *map(str, args)], capture_output=True, text=True)
    assert done.returncode == 2
    return [line for line in done.stderr.splitlines() if ": error: " in line]


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_every_bad_scenario_gives_its_expected_first_error(in_root, path):
    name = f"tests/bad/{path.name}"
    expected = path.with_suffix(".expected").read_text().splitlines()[0]
    with pytest.raises(plantwin.ScenarioError) as caught:
        plantwin.load(name)
    error = caught.value
    assert error.errors[0].text == expected
    assert str(error).splitlines()[0] == expected
    assert expected.startswith(f"{error.file}:{error.line}:{error.column}: error: ")
    assert expected.endswith(error.message)


MANY_ERRORS = """\
plantwin: 1
name: broken
horizon: 8h
products:
  - id: board
    route: [printer, oven]
sources:
  - id: orders
    product: bord
    interarrival: {dist: exponential, mean: 60s}
stations:
  - id: printer
    proces: 40s
  - id: oven
    buffer: -1
    process: 45s
"""


def test_scenario_error_has_every_error_located_as_the_cli_prints_them(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("broken.yaml").write_text(MANY_ERRORS)
    with pytest.raises(plantwin.ScenarioError) as caught:
        plantwin.load("broken.yaml")
    error = caught.value
    assert [e.text for e in error.errors] == validate_stderr(cli, "broken.yaml")
    assert len(error.errors) >= 3
    first = error.errors[0]
    assert (error.file, error.line, error.column, error.path, error.message) == \
           (first.file, first.line, first.column, first.path, first.message)
    assert error.file == "broken.yaml" and error.line == 9 and error.column == 14
    assert "did you mean 'board'?" in error.message
    assert any(e.line == 13 and "did you mean 'process'?" in e.message for e in error.errors)
    assert isinstance(error, ValueError)
    # an error survives pickling (from a worker process) with its fields
    again = pickle.loads(pickle.dumps(error))
    assert (again.file, again.line, again.errors) == (error.file, error.line, error.errors)


def test_loads_names_the_text_in_errors():
    with pytest.raises(plantwin.ScenarioError) as caught:
        plantwin.loads(MANY_ERRORS, name="inline.yaml")
    assert caught.value.file == "inline.yaml"
    assert plantwin.loads(MANY_ERRORS.replace("bord", "board").replace("proces:", "process:")
                          .replace("buffer: -1", "buffer: 1")).name == "broken"


def test_an_unreadable_file_is_a_scenario_error(tmp_path):
    with pytest.raises(plantwin.ScenarioError, match="cannot read"):
        plantwin.load(tmp_path / "missing.yaml")
    with pytest.raises(plantwin.ScenarioError, match="directory"):
        plantwin.load(tmp_path)


def test_a_scenario_describes_itself(flagship):
    line = plantwin.load(flagship)
    assert line.name == "smt-line-a" and line.seed == 42 and line.replications == 10
    assert line.horizon_s == 7 * 24 * 3600 and line.warmup_s == 0
    assert line.stations[:3] == ["printer", "spi", "pnp_chip"] and line.products == ["mainboard", "io_board"]
    assert line.sources == ["plan"]
    assert line.routes["io_board"] == ["printer", "spi", "pnp_chip", "reflow", "aoi", "pack"]
    assert "stations.reflow.utilization" in line.kpi_paths and "lead_time_s" in line.kpi_paths
    assert "smt-line-a" in repr(line)


def test_with_changes_applies_paths_like_set(cli, in_root):
    line = plantwin.load("scenarios/smt_line.yaml")
    changed = line.with_changes({"stations.reflow.servers": 16, "horizon": "24h", "seed": np.int64(5)})
    assert changed.horizon_s == 24 * 3600 and changed.seed == 5
    assert changed.changes == {"stations.reflow.servers": "16", "horizon": "24h", "seed": "5"}
    assert line.changes == {} and line.horizon_s == 7 * 24 * 3600  # the original is unchanged
    assert changed.with_changes({}) is changed
    # pairs apply in order, a later one wins
    assert line.with_changes([("seed", 1), ("seed", 2)]).seed == 2
    # structured values become flow YAML
    changed = line.with_changes({"stations.pack.process": {"dist": "uniform", "min": "10s", "max": "20s"},
                                 "products.io_board.route": ["printer", "spi", "pnp_chip", "reflow", "aoi", "pack"]})
    assert changed.changes["stations.pack.process"] == '{"dist": "uniform", "min": "10s", "max": "20s"}'


def test_a_bad_path_is_located_with_did_you_mean_as_set_does(cli, in_root):
    line = plantwin.load("scenarios/smt_line.yaml")
    with pytest.raises(plantwin.ScenarioError) as caught:
        line.with_changes({"stations.reflw.servers": 2, "stations.reflow.servers": "two"})
    expected = validate_stderr(cli, "scenarios/smt_line.yaml", "--set", "stations.reflw.servers=2",
                               "--set", "stations.reflow.servers=two")
    assert [e.text for e in caught.value.errors] == expected
    error = caught.value
    assert (error.file, error.line, error.column) == ("--set[1]", 1, 10)
    assert error.message == "no station 'reflw' in stations (did you mean 'reflow'?)"
    assert caught.value.errors[1].path == "stations[4].servers"
    assert caught.value.errors[1].column == 25


def test_changes_are_numbered_after_the_scenarios_own(in_root):
    line = plantwin.load("scenarios/smt_line.yaml").with_changes({"seed": 3})
    with pytest.raises(plantwin.ScenarioError) as caught:
        line.with_changes({"horizon": "fast"})
    assert caught.value.file == "--set[2]"
    assert caught.value.message == 'expected a duration like "12s", got "fast"'


def test_a_change_that_breaks_the_file_elsewhere_points_into_the_file(in_root):
    with pytest.raises(plantwin.ScenarioError) as caught:
        plantwin.load("scenarios/examples/two_stations.yaml", {"products.board.route": ["printer"]})
    assert caught.value.file == "scenarios/examples/two_stations.yaml"
    assert "station 'oven' is on no product's route" in caught.value.message


def test_values_without_a_yaml_form_are_type_errors(flagship):
    line = plantwin.load(flagship)
    with pytest.raises(TypeError, match="object"):
        line.with_changes({"seed": object()})
    with pytest.raises(TypeError, match="mapping"):
        line.with_changes("seed=3")


def test_a_scenario_pickles_as_its_recipe_and_keeps_its_text(tmp_path, flagship):
    copy = tmp_path / "line.yaml"
    shutil.copy(flagship, copy)
    line = plantwin.load(copy, {"stations.reflow.servers": 12})
    copy.write_text("not: a scenario\n")  # later edits of the file do not change a loaded scenario
    again = pickle.loads(pickle.dumps(line))
    assert again == line and hash(again) == hash(line)
    assert again.changes == line.changes and again.stations == line.stations
    assert again.with_changes({"seed": 1}).seed == 1
    assert "reflow" in again.text
    assert len(pickle.dumps(line)) < len(line.text) + 1000
