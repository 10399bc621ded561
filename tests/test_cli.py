"""The command line: a bad input ends with one line naming the file and the problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator_graph.cli import main

TINY = Path(__file__).parent / "data" / "tiny_workload.jsonl"


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


def test_a_bad_config_file_is_one_line_naming_it(tmp_path: Path, capsys) -> None:
    config = tmp_path / "bad.json"
    config.write_text('{"routing": {"context_threshold": 7}}')
    assert main(["eval", "--workload", str(TINY), "--config", str(config)]) == 2
    line = _one_error_line(capsys)
    assert str(config) in line and "context_threshold" in line


def test_a_missing_workload_file_is_one_line_naming_it(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nope.jsonl"
    assert main(["eval", "--workload", str(missing)]) == 2
    assert str(missing) in _one_error_line(capsys)


def test_an_unpriced_model_is_one_line_that_says_how_to_price_it(capsys) -> None:
    code = main(["bench", "--workload", str(TINY), "--main-model", "acme-private-7b"])
    assert code == 2
    line = _one_error_line(capsys)
    assert "acme-private-7b" in line and "ModelPrice(" in line


def test_the_progress_bar_stays_out_of_a_log(tmp_path: Path) -> None:
    """stderr is a pipe here, not a terminal: no bar is drawn into it."""
    done = subprocess.run(
        [sys.executable, "-m", "orchestrator_graph.cli", "bench", "--workload", str(TINY),
         "--no-speedup", "--json", str(tmp_path / "r.json")],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    assert "bench" not in done.stderr and "\r" not in done.stderr
