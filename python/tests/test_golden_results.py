"""Every example scenario keeps its result document (tests/golden/results/*.json): the numbers,
not only the fingerprint, stay what they were unless a change says so. Regenerate deliberately with
``PLANTWIN_CLI=build/release/engine/plantwin /usr/bin/python3 python/tests/test_golden_results.py --update``."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "results"
SCENARIOS = ["scenarios/smt_line.yaml"] + sorted(f"scenarios/examples/{p.name}" for p in (ROOT / "scenarios" / "examples").glob("*.yaml"))
#: Results are deterministic; floating-point sums may differ in their last bits when the code that
#: adds them is rearranged, never more.
RELATIVE = 1e-12


def _document(cli: Path, scenario: str) -> dict:
    out = subprocess.run([str(cli), "run", scenario, "--json"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    doc.pop("wall_s", None)
    return doc


def _differences(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            yield f"{path}: keys {sorted(set(a) ^ set(b))}"
        for k in a.keys() & b.keys():
            yield from _differences(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            yield f"{path}: {len(a)} items, not {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            yield from _differences(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or not math.isclose(a, b, rel_tol=RELATIVE, abs_tol=1e-300):
            if a != b:
                yield f"{path}: {a!r}, not {b!r}"
    elif a != b:
        yield f"{path}: {a!r}, not {b!r}"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_an_example_keeps_its_result_document(cli, scenario):
    golden = GOLDEN / (Path(scenario).stem + ".json")
    assert golden.exists(), f"no golden document for {scenario}: run this file with --update"
    differences = list(_differences(_document(cli, scenario), json.loads(golden.read_text())))
    assert not differences, f"{scenario}: " + "; ".join(differences[:10])


if __name__ == "__main__" and "--update" in sys.argv:
    cli = Path(os.environ.get("PLANTWIN_CLI", ROOT / "build" / "release" / "engine" / "plantwin"))
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for scenario in SCENARIOS:
        (GOLDEN / (Path(scenario).stem + ".json")).write_text(json.dumps(_document(cli, scenario), indent=1, sort_keys=True) + "\n")
        print("updated", scenario)
