"""The notebook tutorials run from start to end in a real Jupyter kernel.

Each notebook under ``docs/`` is executed as a reader would run it (cells in order, a fresh
kernel, the working directory a temporary folder); a cell that raises fails the test with the
cell's traceback. The notebooks assert what they show (a sync without failures, figures that
add up), so a change that breaks them breaks this test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook tests need rrma-core[test]")
nbclient = pytest.importorskip("nbclient", reason="the notebook tests need rrma-core[test]")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "docs").rglob("*.ipynb"))


def test_there_is_a_tutorial() -> None:
    assert [p.name for p in NOTEBOOKS] == ["barometre.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), (
        f"{path.name} is committed with outputs: clear them (the docs build runs it)"
    )
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors
    # Every code cell ran, and the charts were shown as images.
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)
    images = [
        output for cell in code for output in cell.outputs if "image/png" in output.get("data", {})
    ]
    assert len(images) >= 5
