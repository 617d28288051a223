"""Every notebook under notebooks/ is stored without outputs and runs end to end (nbclient, an
ipykernel on this interpreter with this checkout's package). The executed copies go to
build/notebooks/ (or $PLANTWIN_NOTEBOOK_OUT) for a look at their outputs."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402
from jupyter_client.manager import KernelManager  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def kernel_dirs(tmp_path_factory) -> Path:
    """A kernel spec that starts this very interpreter (Debian's /usr/bin/python3 under
    scripts/test.sh) with this checkout's package on its path and inline figures. Its TMPDIR is a
    directory of pytest's, so what a notebook writes with `tempfile` is not left in /tmp."""
    base = tmp_path_factory.mktemp("kernels")
    scratch = tmp_path_factory.mktemp("notebook-tmp")
    spec = base / "plantwin-python3"
    spec.mkdir()
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "plantwin tests", "language": "python",
        "env": {"PYTHONPATH": os.environ["PYTHONPATH"], "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                "TMPDIR": str(scratch)},
    }))
    return base


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear the outputs before committing"
    assert notebook.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_notebook_runs_end_to_end(path, kernel_dirs):
    notebook = nbformat.read(path, as_version=4)
    manager = KernelManager(kernel_name="plantwin-python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernel_dirs)]))
    client = nbclient.NotebookClient(notebook, km=manager, timeout=600, resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    finally:
        out = Path(os.environ.get("PLANTWIN_NOTEBOOK_OUT", ROOT / "build" / "notebooks"))
        out.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, out / path.name)
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
