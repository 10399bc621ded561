"""Every notebook in ``notebooks/`` runs headless, offline, without an error."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client import KernelManager
from nbclient import NotebookClient

pytestmark = [pytest.mark.slow]  # a Jupyter kernel

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WATCHED = (ROOT / "notebooks", ROOT / "checkpoints", ROOT / "benchmarks" / "workloads")


def scored_data() -> Path:
    """The scored workload 02_savings reads for its cost-quality curve (not shipped)."""
    default = ROOT.parent / "shared" / "data" / "quality_dev.jsonl"
    return Path(os.environ.get("QUALITY_DATA", default))


def tree(folders: tuple[Path, ...]) -> dict[Path, float]:
    return {
        p: p.stat().st_mtime for f in folders if f.exists() for p in f.rglob("*") if p.is_file()
    }


def outputs(book: nbformat.NotebookNode, kind: str) -> list[str]:
    return [
        out.get("text", "") if kind == "text" else out["data"][kind]
        for cell in book.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if (kind == "text" and out.output_type == "stream") or kind in out.get("data", {})
    ]


def test_the_kernel_is_this_python() -> None:
    manager = KernelManager(kernel_name="python3")
    command = manager.format_kernel_cmd()
    assert Path(command[0]).resolve() == Path(sys.executable).resolve()


def test_there_are_three_notebooks() -> None:
    assert [p.stem for p in NOTEBOOKS] == ["01_quickstart", "02_savings", "03_tuning"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # offline: simulated models
    monkeypatch.setenv("MPLBACKEND", "Agg")
    before = tree(WATCHED)
    book = nbformat.read(path, as_version=4)
    NotebookClient(
        book,
        timeout=120,  # per cell
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()  # raises CellExecutionError on the first failing cell
    assert tree(WATCHED) == before, "a notebook wrote into the project tree"
    text = "".join(outputs(book, "text"))
    assert "Traceback" not in text
    assert all(cell.execution_count for cell in book.cells if cell.cell_type == "code")
    if path.stem == "01_quickstart":
        assert "route: parallel_workers" in text and "classify --> cost_estimate" in text
    if path.stem == "02_savings":  # the curve needs scored turns: read by path, when present
        assert "44 sessions, 381 turns" in text and "long-11-0: 217 turns" in text
        assert "main session only $" in text and "all-weak $" in text
        curve = scored_data().exists()
        assert len(outputs(book, "image/png")) == 2 + curve
        assert ("APGR" in text) == curve and ("no scored workload" in text) != curve
    if path.stem == "03_tuning":
        assert "A (default)" in text and "gpt-4.1-nano" in text and "one baseline" in text
        assert len(outputs(book, "image/png")) == 1
    assert os.environ.get("OPENAI_API_KEY") is None
