"""``orchestrator-graph report``: the ledger's KPIs, as text and JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from orchestrator_graph.accounting.ledger import CostLedger, LedgerError, TurnRecord
from orchestrator_graph.cli import UsageError, main, report
from orchestrator_graph.state import ModelCall
from orchestrator_graph.storage import database
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer

KEYS = {
    "turns",
    "cost_usd",
    "baseline_usd",
    "savings",
    "routes",
    "integration_success_rate",
    "worker_results",
    "fallbacks",
    "cache_saved_usd",
    "decision_ms_p50",
    "decision_ms_p99",
    "overhead_ms_p50",
    "overhead_ms_p99",
    "per_model",
    "per_category",
}


def _turn(thread: str, turn: int, route: str, category: str, **fields: float) -> TurnRecord:
    cost = fields.pop("cost", 0.001)
    model = "gpt-4.1" if route == "main_session" else "gpt-4.1-mini"
    call = ModelCall(
        call_id=f"{thread}-{turn}",
        node=route,
        model=model,
        input_tokens=100,
        output_tokens=20,
        cost_usd=cost,
        latency_ms=1.0,
    )
    return TurnRecord(
        thread_id=thread,
        turn=turn,
        route=route,
        confidence=0.9,
        category=category,
        complexity=2,
        context_dependency=0.1,
        estimated_usd=cost,
        cost_usd=cost,
        baseline_usd=fields.pop("baseline", 0.002),
        calls=[call],
        **fields,
    )


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.sqlite"
    with CostLedger(path) as ledger:
        ledger.record_turn(_turn("a", 0, "main_session", "qa", decision_ms=1.0))
        ledger.record_turn(
            _turn(
                "a",
                1,
                "parallel_workers",
                "qa",
                worker_results=3,
                workers_accepted=2,
                fallbacks=1,
                decision_ms=3.0,
                cost=0.0005,
            )
        )
        ledger.record_turn(
            _turn(
                "b",
                0,
                "worker_session",
                "writing",
                worker_results=1,
                workers_accepted=1,
                cost=0.0002,
            )
        )
    return path


def _run(*argv: str) -> str:
    parser = argparse.ArgumentParser()
    report.add_arguments(parser)
    lines: list[str] = []
    assert report.run(parser.parse_args(list(argv)), out=lines.append) == 0
    return "\n".join(lines)


def test_report_json_has_the_kpis(ledger_path: Path) -> None:
    kpis = json.loads(_run("--ledger", str(ledger_path), "--json"))
    assert set(kpis) == KEYS
    assert kpis["routes"] == {"main_session": 1, "parallel_workers": 1, "worker_session": 1}
    assert kpis["integration_success_rate"] == pytest.approx(3 / 4)
    assert kpis["fallbacks"] == 1
    assert kpis["cost_usd"] == pytest.approx(0.0017)
    assert kpis["savings"] == pytest.approx(1 - 0.0017 / 0.006)
    assert kpis["per_category"]["qa"]["turns"] == 2
    assert kpis["per_model"]["gpt-4.1-mini"]["calls"] == 2
    assert kpis["decision_ms_p99"] == 3.0


def test_report_for_one_thread(ledger_path: Path) -> None:
    kpis = json.loads(_run("--ledger", str(ledger_path), "--thread", "b", "--json"))
    assert kpis["turns"] == 1 and kpis["routes"] == {"worker_session": 1}
    text = _run("--ledger", str(ledger_path), "--thread", "b")
    assert "worker_session 1" in text and "writing" in text


def test_report_without_a_ledger_says_so(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no cost ledger"):
        _run("--ledger", str(tmp_path / "missing.sqlite"))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize("kind", ["a checkpoint file", "an empty SQLite database"])
def test_a_report_changes_nothing_in_a_file_that_is_not_a_ledger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    path = folder / "other.sqlite"
    if kind == "a checkpoint file":
        with sqlite_checkpointer(path):
            pass
    else:
        path.touch()
    before = _files(folder)
    assert main(["report", "--ledger", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path} is {kind}" in err and "cannot be read as a cost ledger" in err
    assert _files(folder) == before  # same bytes, no table added, no file created
    assert database.tables_in(path, file_error=LedgerError.unusable) == (
        {"checkpoints", "writes"} if kind == "a checkpoint file" else set()
    )


def test_a_report_reads_a_ledger_without_writing_to_it(ledger_path: Path) -> None:
    before = ledger_path.read_bytes()
    assert json.loads(_run("--ledger", str(ledger_path), "--json"))["turns"] == 3
    assert ledger_path.read_bytes() == before


def test_report_by_tenant_and_by_thread(tmp_path: Path) -> None:
    path = tmp_path / "tenants.sqlite"
    with CostLedger(path) as ledger:
        ledger.record_turn(_turn("a", 0, "main_session", "qa", tenant="acme", cost=0.004))
        ledger.record_turn(_turn("b", 0, "worker_session", "qa", tenant="acme"))
        ledger.record_turn(_turn("c", 0, "worker_session", "qa"))  # a run without a tenant
    rows = json.loads(_run("--ledger", str(path), "--by", "tenant", "--json"))
    assert [(r["tenant"], r["turns"], r["calls"]) for r in rows] == [("acme", 2, 2), (None, 1, 1)]
    assert rows[0]["billed_usd"] == pytest.approx(0.005)
    assert rows[0]["savings"] == pytest.approx(1 - 0.005 / 0.004)  # over its baseline
    text = _run("--ledger", str(path), "--by", "tenant").splitlines()
    assert text[0].split() == [
        "tenant",
        "turns",
        "calls",
        "billed",
        "$",
        "baseline",
        "$",
        "savings",
    ]
    assert text[1].split()[:4] == ["acme", "2", "2", "0.00500"] and text[2].startswith("- ")
    threads = json.loads(_run("--ledger", str(path), "--by", "thread", "--json"))
    assert [r["thread"] for r in threads] == ["a", "b", "c"]
    assert sum(r["billed_usd"] for r in threads) == pytest.approx(0.006)
