"""Shared set-up of the Python tests: the checkout's package on every path (this process, its
subprocesses, worker processes, notebook kernels), the CLI binary, a file-only matplotlib backend."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON_DIR = ROOT / "python"

# The package under test is this checkout's, for this process and every process it starts.
if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))
os.environ["PYTHONPATH"] = os.pathsep.join([str(PYTHON_DIR), *filter(None, [os.environ.get("PYTHONPATH")])])
os.environ["MPLBACKEND"] = "Agg"

import matplotlib  # noqa: E402

matplotlib.use("Agg")


def _cli() -> Path:
    given = os.environ.get("PLANTWIN_CLI")
    if given:
        return Path(given)
    for candidate in (ROOT / "build" / "release" / "engine" / "plantwin", ROOT / "build" / "engine" / "plantwin"):
        if candidate.exists():
            return candidate
    raise RuntimeError("no plantwin binary: build first (scripts/bootstrap.sh) or set PLANTWIN_CLI")


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository's top directory."""
    return ROOT


@pytest.fixture(scope="session")
def cli() -> Path:
    """The plantwin command built from this checkout."""
    path = _cli()
    assert path.exists(), f"{path} does not exist"
    return path


@pytest.fixture
def in_root(monkeypatch):
    """Runs the test from the repository's top directory (file names as the CLI's tests give them)."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.fixture(scope="session")
def flagship() -> Path:
    return ROOT / "scenarios" / "smt_line.yaml"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
