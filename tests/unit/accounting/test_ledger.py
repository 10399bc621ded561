"""The cost ledger on real SQLite files."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from pathlib import Path

import pytest

from orchestrator_graph.accounting.ledger import (
    CostLedger,
    Label,
    LedgerError,
    LedgerTotals,
    TurnRecord,
)
from orchestrator_graph.state import ModelCall


def make_turn(thread_id: str = "t1", turn: int = 0, **overrides: object) -> TurnRecord:
    calls = [
        ModelCall(
            call_id=f"{thread_id}-{turn}-{i}",
            node="spawn_subgraph" if i else "main_session",
            model="gpt-4o-mini" if i else "gpt-4o",
            input_tokens=100 * (i + 1),
            cached_input_tokens=10,
            output_tokens=50,
            cost_usd=0.001 * (i + 1),
            latency_ms=12.5,
        )
        for i in range(2)
    ]
    fields: dict[str, object] = {
        "thread_id": thread_id,
        "turn": turn,
        "route": "worker_session",
        "reasons": ["low context dependency", "worker is 40% of main"],
        "confidence": 0.8,
        "category": "summarization",
        "complexity": 2,
        "context_dependency": 0.1,
        "estimated_usd": 0.0025,
        "estimate": {"main": {"call_usd": 0.01, "models": ["gpt-4o"]}, "remaining_turns": 4.0},
        "cost_usd": sum(c.cost_usd for c in calls),
        "baseline_usd": 0.01,
        "decision_ms": 1.5,
        "overhead_ms": 3.0,
        "model_ms": 25.0,
        "worker_results": 1,
        "workers_accepted": 1,
        "calls": calls,
    }
    return TurnRecord.model_validate({**fields, **overrides})


@pytest.fixture
def ledger(tmp_path: Path):
    with CostLedger(tmp_path / "sub" / "ledger.sqlite") as ledger:
        yield ledger


def test_creates_file_in_wal_mode(ledger: CostLedger) -> None:
    assert ledger.path.exists()
    with sqlite3.connect(ledger.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_json_round_trip(ledger: CostLedger) -> None:
    record = make_turn()
    ledger.record_turn(record)
    assert ledger.turns() == [record]
    assert ledger.turns("other") == []
    rows = ledger.calls()
    assert [r["call_id"] for r in rows] == [c.call_id for c in record.calls]
    assert all(r["thread_id"] == "t1" and r["turn"] == 0 for r in rows)
    assert [ModelCall.model_validate(r) for r in rows] == record.calls


def test_record_twice_is_one_row(ledger: CostLedger) -> None:
    record = make_turn()
    ledger.record_turn(record)
    before = ledger.totals()
    ledger.record_turn(record)
    assert len(ledger.turns()) == 1
    assert len(ledger.calls()) == 2
    assert ledger.totals() == before


def test_rerecord_replaces_the_turns_calls(ledger: CostLedger) -> None:
    ledger.record_turn(make_turn())
    retried = make_turn(route="main_session")
    retried.calls = retried.calls[:1]
    retried.cost_usd = retried.calls[0].cost_usd
    ledger.record_turn(retried)
    assert ledger.turns() == [retried]
    assert ledger.totals().by_model == {"gpt-4o": pytest.approx(0.001)}
    assert ledger.totals().by_route == {"main_session": 1}


def _shadow_call(call_id: str, node: str) -> ModelCall:
    return ModelCall(
        call_id=call_id, node=node, model="gpt-4o-mini", input_tokens=80, output_tokens=40,
        cost_usd=0.0004, latency_ms=9.0,
    )  # fmt: skip


def test_the_shadow_judges_calls_stay_when_their_turn_is_recorded_again(
    ledger: CostLedger,
) -> None:
    record = make_turn(category="qa", route="main_session")
    record.calls = record.calls[:1]
    ledger.record_turn(record)
    ledger.record_calls("t1", 0, [_shadow_call("s", "shadow"), _shadow_call("j", "judge")])
    ledger.record_turn(record)  # a resumed record re-writes its turn
    assert sorted(c["node"] for c in ledger.calls()) == [
        "judge", "main_session", "shadow",
    ]  # fmt: skip
    # the learned answer length counts the turn's own calls, not the shadow's
    assert ledger.output_tokens_by_category()["qa"] == (50.0, 1)
    ledger.record_feedback("t1", 0, quality=0.0, source="shadow")
    assert ledger.turns_with_quality()[0]["quality"] is None


def test_labels_round_trip_by_tenant(ledger: CostLedger) -> None:
    fields = {
        "request": "What is 2 + 2?", "category": "qa", "score": 0.5, "better": 0.0,
        "p_cheap_ok": 0.7, "threshold": 0.6, "min_quality": 0.95, "cheap_answered": False,
        "probability": 0.1, "cheap_model": "m", "strong_model": "s", "judge_model": "m",
        "cheap_usd": 0.001, "strong_usd": 0.01, "verdicts": ["tie", "loss"],
    }  # fmt: skip
    acme = Label(thread_id="a", turn=0, tenant="acme", **fields)  # type: ignore[arg-type]
    other = Label(thread_id="b", turn=3, tenant=None, **fields)  # type: ignore[arg-type]
    for label in (acme, other, acme):
        ledger.record_label(label)
    assert ledger.labels() == [acme, other]
    assert ledger.labels(tenant="acme") == [acme]
    assert ledger.labels(source="user") == []


def test_totals_match_rows(ledger: CostLedger) -> None:
    records = [
        make_turn("a", 0),
        make_turn("a", 1, route="main_session", baseline_usd=0.02, fallbacks=1),
        make_turn("b", 0, route="parallel_workers", baseline_usd=0.005),
    ]
    for record in records:
        ledger.record_turn(record)

    totals = ledger.totals()
    cost = sum(r.cost_usd for r in records)
    baseline = sum(r.baseline_usd for r in records)
    assert totals.turns == 3
    assert totals.cost_usd == pytest.approx(cost)
    assert totals.baseline_usd == pytest.approx(baseline)
    assert totals.savings == pytest.approx(1 - cost / baseline)
    assert totals.fallbacks == 1
    assert totals.by_route == {"main_session": 1, "parallel_workers": 1, "worker_session": 1}
    assert totals.by_model == {
        "gpt-4o": pytest.approx(0.003),
        "gpt-4o-mini": pytest.approx(0.006),
    }
    assert sum(totals.by_model.values()) == pytest.approx(totals.cost_usd)

    a = ledger.totals("a")
    assert a.turns == 2
    assert a.cost_usd == pytest.approx(sum(r.cost_usd for r in records[:2]))
    assert [t.turn for t in ledger.turns("a")] == [0, 1]
    assert {r["thread_id"] for r in ledger.calls("b")} == {"b"}


def test_savings_formula() -> None:
    assert LedgerTotals().savings == 0.0
    assert LedgerTotals(cost_usd=1.0, baseline_usd=0.0).savings == 0.0
    assert LedgerTotals(cost_usd=0.25, baseline_usd=1.0).savings == pytest.approx(0.75)
    assert LedgerTotals(cost_usd=1.5, baseline_usd=1.0).savings == pytest.approx(-0.5)
    assert LedgerTotals(cost_usd=0.25, baseline_usd=1.0).model_dump()["savings"] == 0.75


def test_empty_ledger_totals(ledger: CostLedger) -> None:
    assert ledger.totals() == LedgerTotals()
    assert ledger.turns() == [] and ledger.calls() == []


def test_reopen_keeps_rows(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    record = make_turn()
    with CostLedger(path) as ledger:
        ledger.record_turn(record)
    with CostLedger(path) as ledger:
        assert ledger.turns() == [record]


def test_not_a_database_raises_and_leaves_file(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    content = b"this is not sqlite\n" * 100
    path.write_bytes(content)
    with pytest.raises(LedgerError, match="move it away") as info:
        CostLedger(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.sqlite"]


def test_wrong_schema_raises_and_leaves_file(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE turns (id INTEGER PRIMARY KEY, note TEXT)")
        conn.execute("INSERT INTO turns VALUES (1, 'keep me')")
    conn.close()
    content = path.read_bytes()
    with pytest.raises(LedgerError, match="turns") as info:
        CostLedger(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == content
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT note FROM turns").fetchall() == [("keep me",)]
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'calls'").fetchall() == []
    conn.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.sqlite"]


def test_threads_share_one_ledger(ledger: CostLedger) -> None:
    def write(thread: int) -> None:
        for turn in range(20):
            ledger.record_turn(make_turn(f"thread-{thread}", turn))
            ledger.totals()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ledger.totals().turns == 80
    assert len(ledger.calls()) == 160


def _write_turns(path: str, worker: int, turns: int) -> None:
    with CostLedger(path) as ledger:
        for turn in range(turns):
            ledger.record_turn(make_turn(f"proc-{worker}", turn))
            ledger.totals(f"proc-{worker}")


@pytest.mark.slow  # several processes
def test_processes_write_concurrently(tmp_path: Path) -> None:
    path = str(tmp_path / "ledger.sqlite")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write_turns, args=(path, i, 25)) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    with CostLedger(path) as ledger:
        assert len(ledger.turns()) == 100
        assert len(ledger.calls()) == 200
        totals = ledger.totals()
        assert totals.turns == 100
        assert totals.cost_usd == pytest.approx(100 * 0.003)
        assert {ledger.totals(f"proc-{i}").turns for i in range(4)} == {25}
