"""The command line: a bad input ends with one line naming the file and the problem,
exit status 2; a closed output pipe ends it quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.cli import main

TINY = Path(__file__).resolve().parents[2] / "data" / "tiny_workload.jsonl"


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


def test_a_bad_config_file_is_one_line_naming_it(tmp_path: Path, capsys) -> None:
    config = tmp_path / "bad.json"
    config.write_text('{"context_threshold": 7}')
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


@pytest.mark.slow  # a subprocess: stderr must be a real pipe
def test_the_progress_bar_stays_out_of_a_log(tmp_path: Path) -> None:
    """stderr is a pipe here, not a terminal: no bar is drawn into it."""
    done = subprocess.run(
        [sys.executable, "-m", "orchestrator_graph.cli", "bench", "--workload", str(TINY),
         "--no-speedup", "--json", str(tmp_path / "r.json")],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    assert "bench" not in done.stderr and "\r" not in done.stderr


def _usage_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """The line argparse ends with when it refuses ``argv`` (exit status 2)."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


def test_version_is_the_installed_distributions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"orchestrator-graph {version('orchestrator-graph')}"


@pytest.mark.parametrize(
    "argv",
    [
        ["train", "--out", "model.json"],  # neither --workload nor --ledger
        ["train", "--ledger", "missing.sqlite", "--out", "model.json"],
        ["report", "--ledger", "missing.sqlite"],
        ["prune", "--db", "missing.sqlite", "t"],
    ],
)
def test_bad_input_is_exit_status_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, argv: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    _one_error_line(capsys)


def test_a_bench_workdir_holding_bench_files_is_exit_status_2(tmp_path: Path, capsys) -> None:
    (tmp_path / "ledger.sqlite").touch()
    assert main(["bench", "--workload", str(TINY), "--workdir", str(tmp_path)]) == 2
    assert "already holds bench files" in _one_error_line(capsys)


@pytest.mark.parametrize("command", ["eval", "bench"])
def test_an_empty_workload_is_refused_by_eval_and_bench(
    tmp_path: Path, capsys, command: str
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert (
        main([command, "--workload", str(empty), *(["--no-speedup"] * (command == "bench"))]) == 2
    )
    assert f"{empty}: no sessions" in _one_error_line(capsys)


@pytest.mark.parametrize("option", ["--db", "--ledger"])
def test_a_directory_for_the_demos_files_is_one_line_without_advice_to_move_it(
    tmp_path: Path, capsys, option: str
) -> None:
    files = {"--db": str(tmp_path / "cp.sqlite"), "--ledger": str(tmp_path / "ledger.sqlite")}
    folder = tmp_path / "a folder"
    folder.mkdir()
    assert (
        main(["demo", *[x for k, v in {**files, option: str(folder)}.items() for x in (k, v)]]) == 2
    )
    line = _one_error_line(capsys)
    assert f"{folder} is a directory" in line and "mv " not in line
    assert list(folder.iterdir()) == []


def test_a_directory_for_the_reports_ledger_is_one_line(tmp_path: Path, capsys) -> None:
    line = _usage_error(capsys, ["report", "--ledger", str(tmp_path)])
    assert f"{tmp_path} is a directory, not a file" in line and "mv " not in line


def test_workloads_join_help_shows_its_defaults_not_a_docstring(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["workloads", "join", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "threads to write (default: 6)" in text
    assert "turns per thread at least (default: 150)" in text
    assert "Raises:" not in text and "``" not in text


@pytest.mark.parametrize("option", [["--threads", "0"], ["--min-turns", "0"]])
def test_workloads_join_refuses_an_empty_output(tmp_path: Path, capsys, option: list[str]) -> None:
    out = tmp_path / "joined.jsonl"
    line = _usage_error(capsys, ["workloads", "join", str(TINY), "--out", str(out), *option])
    assert f"argument {option[0]}: 0 is below the minimum, 1" in line
    assert not out.exists()


@pytest.mark.slow  # a subprocess: the pipe must close under a real process
def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    with CostLedger(ledger):
        pass
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written, as `| head` after its lines
    try:
        done = subprocess.run(
            [sys.executable, "-m", "orchestrator_graph.cli", "report", "--ledger", str(ledger),
             "--json"],
            stdout=write, stderr=subprocess.PIPE, text=True, timeout=120,
        )  # fmt: skip
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == 1
