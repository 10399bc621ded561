"""The load test's checks (``benchmarks/load_checks.py``) find what they claim to: a lost
turn, a doubled one, a turn the ledger misses, a cost that does not add up, spend over a
budget, an accepted turn's workers left unrecorded; on a real SQLite ledger."""

from __future__ import annotations

import sys
from pathlib import Path

from langchain_core.messages import AIMessage, HumanMessage

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from load_checks import Findings, check_ledger, check_threads, transcript_of  # noqa: E402
from load_clients import Attempt  # noqa: E402

from orchestrator_graph.accounting.ledger import CostLedger, TurnRecord  # noqa: E402
from orchestrator_graph.state import ModelCall  # noqa: E402

LIMITS = {"tenant": 1.0, "thread": 0.1, "tenants": ("tenant-a",)}


def call(call_id: str, usd: float) -> ModelCall:
    return ModelCall(
        call_id=call_id, node="main_session", model="gpt-4.1", input_tokens=10,
        output_tokens=10, cost_usd=usd, latency_ms=5.0,
    )  # fmt: skip


def turn(thread: str, index: int, usd: float, tenant: str = "tenant-a") -> TurnRecord:
    return TurnRecord(
        thread_id=thread, turn=index, route="main_session", confidence=0.9, category="qa",
        complexity=1, context_dependency=0.0, estimated_usd=usd, cost_usd=usd,
        baseline_usd=usd, calls=[call(f"{thread}-{index}", usd)], tenant=tenant,
    )  # fmt: skip


def attempt(thread: str, text: str, usd: float | None = 0.01, outcome: str = "ok") -> Attempt:
    return Attempt("graph", "graph0", thread, text, outcome, "200", 10.0, cost_usd=usd)


def transcript(*requests: str) -> list:
    return [m for r in requests for m in (HumanMessage(r), AIMessage(f"answer to {r}"))]


def test_a_clean_run_has_no_problem(tmp_path: Path) -> None:
    with CostLedger(tmp_path / "ledger.sqlite") as ledger:
        ledger.record_turn(turn("t1", 0, 0.01))
        ledger.record_turn(turn("t1", 1, 0.01))
        found = Findings()
        turns = check_ledger(ledger, [attempt("t1", "a"), attempt("t1", "b")], LIMITS, found)
    stored = {"t1": transcript_of(transcript("a", "b"))}
    check_threads([attempt("t1", "a"), attempt("t1", "b")], stored, turns, found)
    assert found.problems == [] and found.accepted == 2
    assert found.calls_usd == found.turns_usd == 0.02


def test_lost_doubled_missing_and_mismatched_turns_are_found(tmp_path: Path) -> None:
    with CostLedger(tmp_path / "ledger.sqlite") as ledger:
        ledger.record_turn(turn("t1", 0, 0.01))  # "b" is not in the ledger
        ledger.record_turn(turn("t2", 0, 0.03))  # the client was told 0.01
        ledger.record_turn(turn("t2", 1, 0.01))  # one ledger turn more than accepted
        found = Findings()
        tried = [attempt("t1", "a"), attempt("t1", "b"), attempt("t2", "c")]
        turns = check_ledger(ledger, tried, LIMITS, found)
    stored = {"t1": transcript_of(transcript("a")), "t2": transcript_of(transcript("c", "c"))}
    check_threads(tried, stored, turns, found)
    assert (found.lost, found.doubled, found.ledger_missing, found.ledger_extra) == (1, 1, 1, 1)
    assert found.cost_mismatch == 1


def test_over_budget_and_unrecorded_workers_are_found(tmp_path: Path) -> None:
    with CostLedger(tmp_path / "ledger.sqlite") as ledger:
        ledger.record_turn(turn("t1", 0, 0.08))
        ledger.record_turn(turn("t1", 1, 0.08))  # the thread's budget is 0.1
        ledger.record_calls("worker-1", 0, [call("w1", 0.02)])
        ledger.claim_workers(["worker-1"], "main-1")  # accepted, its turn not recorded
        ledger.record_calls("worker-2", 0, [call("w2", 0.05)])  # never integrated
        ledger.record_calls("worker-3", 0, [call("w3", 0.01)])
        ledger.claim_workers(["worker-3"], "main-3")  # claimed by a killed process
        found = Findings()
        merged = Attempt("service", "app0", "main-1", "c", "ok", "200", 1.0, workers=["worker-1"])
        tried = [attempt("t1", "a"), attempt("t1", "b"), merged]
        check_ledger(ledger, tried, LIMITS, found)
    assert found.over_budget == 1 and found.max_budget_use > 1.5
    assert found.workers_unrecorded == 1
    assert round(found.orphan_worker_usd, 6) == 0.06 and found.claimed_unmerged == 1
