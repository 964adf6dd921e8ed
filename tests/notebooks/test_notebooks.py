"""The notebooks run top to bottom on small data in this interpreter's kernel, and are committed clean."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = {"01_negative_profile.ipynb", "02_train_and_explain.ipynb", "03_backtest_and_shadow.ipynb"}
KERNEL = "leadgate-test-venv"
# Small enough for a few seconds of work each on two cores, large enough for every split and criterion.
SMALL = {"N_LEADS": 3000, "SEED": 0}


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _code(notebook) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_every_expected_notebook_is_there():
    assert {path.name for path in NOTEBOOKS} == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_committed_without_outputs(path):
    notebook = _read(path)
    nbformat.validate(notebook)
    dirty = [
        i
        for i, cell in enumerate(notebook.cells)
        if cell.get("outputs") or cell.get("execution_count") is not None
    ]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs: see notebooks/README.md"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_says_what_it_shows_then_takes_parameters_and_holds_no_logic(path):
    notebook = _read(path)
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source.startswith("# ")
    tagged = [cell for cell in _code(notebook) if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1 and _code(notebook)[0] is tagged[0], "the first code cell is the parameters cell"
    for name in ("N_LEADS", "SEED", "DATA_DIR"):
        assert f"\n{name} = " in "\n" + tagged[0].source
    # Functions and classes belong in the package, where they are tested; a notebook only calls them.
    for cell in _code(notebook):
        lines = cell.source.splitlines()
        assert not [line for line in lines if line.lstrip().startswith(("def ", "class "))], cell.source
        assert "lambda " not in cell.source, cell.source


@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory):
    """A kernel spec running this very interpreter, so no hand-installed kernel is needed (or used)."""
    from jupyter_client.kernelspec import KernelSpecManager

    folder = tmp_path_factory.mktemp("kernels")
    (folder / KERNEL).mkdir()
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "leadgate tests",
        "language": "python",
    }
    (folder / KERNEL / "kernel.json").write_text(json.dumps(spec))
    return KernelSpecManager(kernel_dirs=[str(folder)])


def _with_parameters(notebook, values: dict):
    """Papermill's convention: a cell tagged injected-parameters right after the parameters cell."""
    cell = nbformat.v4.new_code_cell("\n".join(f"{name} = {value!r}" for name, value in values.items()))
    cell.metadata["tags"] = ["injected-parameters"]
    index = next(i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", []))
    notebook.cells.insert(index + 1, cell)
    return notebook


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_runs_on_small_data(path, tmp_path, kernel_specs):
    from jupyter_client.manager import AsyncKernelManager

    data_dir = tmp_path / "data"
    notebook = _with_parameters(_read(path), {**SMALL, "DATA_DIR": str(data_dir)})
    manager = AsyncKernelManager(kernel_name=KERNEL, kernel_spec_manager=kernel_specs)
    # The kernel runs in a scratch folder: nothing a notebook does may land in the repository.
    client = nbclient.NotebookClient(
        notebook, km=manager, timeout=300, resources={"metadata": {"path": str(tmp_path)}}
    )
    env = {
        **os.environ,
        # LightGBM's threads sleep while waiting (tests/conftest.py); no one's IPython profile or startup files.
        "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE"),
        "IPYTHONDIR": str(tmp_path / "ipython"),
    }
    client.execute(env=env)  # a cell that raises fails the test with the cell and its traceback

    errors = [
        output
        for cell in _code(notebook)
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
    assert data_dir.is_dir() and any(data_dir.iterdir()), "the notebook must write into DATA_DIR"
    figures = [
        output
        for cell in _code(notebook)
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]
    assert figures, "every notebook shows at least one figure"
