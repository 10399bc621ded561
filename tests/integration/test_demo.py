"""``orchestrator-graph demo``, run twice as a subprocess: the second run resumes."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.cli.demo import SCRIPT

pytestmark = pytest.mark.slow  # starts processes


def demo_command() -> list[str]:
    script = Path(sys.executable).with_name("orchestrator-graph")
    if script.exists():
        return [str(script)]
    found = shutil.which("orchestrator-graph")
    return [found] if found else [sys.executable, "-m", "orchestrator_graph.cli"]


def run_demo(tmp_path: Path) -> str:
    done = subprocess.run(
        [
            *demo_command(),
            "demo",
            "--thread",
            "t-demo",
            "--db",
            str(tmp_path / "checkpoints.sqlite"),
            "--ledger",
            str(tmp_path / "ledger.sqlite"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return done.stdout


def totals(output: str) -> dict[str, str]:
    return dict(re.findall(r"^(baseline|orchestrated|savings)\b[^:]*:\s+(\S+)$", output, re.M))


def table_rows(output: str) -> list[str]:
    """The per-turn lines of the demo's table: turn, route, models, cost, baseline."""
    pattern = r"^\s+\d+\s+(?:main_session|worker_session|parallel_workers)\b.*$"
    return re.findall(pattern, output, re.M)


def ledger_rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return sorted(conn.execute("SELECT call_id, turn, cost_usd FROM calls").fetchall())


def test_demo_runs_then_resumes(tmp_path: Path) -> None:
    first = run_demo(tmp_path)
    turn_lines = re.findall(
        r"^\s+(\d+)\s+(main_session|worker_session|parallel_workers)\b", first, re.M
    )
    assert [int(n) for n, _ in turn_lines] == list(range(len(SCRIPT))) == list(range(10))
    assert "resuming" not in first
    assert f"session 't-demo': {len(SCRIPT)} turns" in first
    ledger = CostLedger(tmp_path / "ledger.sqlite")
    summary = ledger.totals("t-demo")
    assert summary.turns == 10
    printed = totals(first)
    assert printed["baseline"] == f"${summary.baseline_usd:.5f}"
    assert printed["orchestrated"] == f"${summary.cost_usd:.5f}"
    assert summary.cost_usd < summary.baseline_usd
    calls = ledger_rows(tmp_path / "ledger.sqlite")
    ledger.close()

    second = run_demo(tmp_path)
    assert "has 10 checkpointed turns" in second and "resuming" in second
    # the finished thread shows its table again (from the ledger), without re-running turns
    assert table_rows(second) == table_rows(first)
    assert "      - " not in second  # the reasons are printed only when a turn runs
    assert f"session 't-demo': {len(SCRIPT)} turns" in second
    assert totals(second) == printed
    assert ledger_rows(tmp_path / "ledger.sqlite") == calls  # no duplicate rows
    with CostLedger(tmp_path / "ledger.sqlite") as again:
        assert again.totals("t-demo").turns == 10
    assert not (tmp_path / "checkpoints" / "ledger.sqlite").exists()  # nothing at the defaults
