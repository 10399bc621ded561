"""The bench's arithmetic on a tiny workload: costs are the ledger's calls, savings
follow the formula, recall comes from what the simulated models were sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from orchestrator_graph.accounting.ledger import CostLedger, percentile
from orchestrator_graph.cli import bench as bench_command
from orchestrator_graph.lab import bench, replay
from orchestrator_graph.lab.workloads import read_workloads
from orchestrator_graph.routing.classify import split_subtasks
from orchestrator_graph.testing.simulated import SimulatedRequest

TINY = Path(__file__).resolve().parents[2] / "data" / "tiny_workload.jsonl"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    workdir = tmp_path_factory.mktemp("bench")
    return bench.run_bench([TINY], workdir=workdir, speedup=False), workdir


def _ledger_calls(path: Path) -> dict[tuple[str, int], float]:
    sums: dict[tuple[str, int], float] = {}
    with CostLedger(path) as ledger:
        for call in ledger.calls():
            key = (call["thread_id"].rsplit(":", 1)[-1], call["turn"])
            sums[key] = sums.get(key, 0.0) + call["cost_usd"]
    return sums


def test_costs_are_the_sums_of_the_ledgers_calls(report: tuple[dict[str, Any], Path]) -> None:
    result, workdir = report
    orchestrated = _ledger_calls(workdir / "ledger-orchestrated.sqlite")
    baseline = _ledger_calls(workdir / "ledger-baseline.sqlite")
    assert result["orchestrated_cost_usd"] == pytest.approx(sum(orchestrated.values()))
    assert result["baseline_cost_usd"] == pytest.approx(sum(baseline.values()))
    for turn in result["turns"]:
        key = (turn["session"], turn["turn"])
        assert turn["cost_usd"] == pytest.approx(orchestrated[key])
        assert turn["baseline_cost_usd"] == pytest.approx(baseline[key])
    assert result["baseline_cost_usd"] > 0


def test_savings_formula_overall_per_file_and_category(
    report: tuple[dict[str, Any], Path],
) -> None:
    result, _ = report
    assert result["savings"] == pytest.approx(
        1 - result["orchestrated_cost_usd"] / result["baseline_cost_usd"]
    )
    for group in (*result["per_file"].values(), *result["per_category"].values()):
        assert group["savings"] == pytest.approx(
            1 - group["orchestrated_cost_usd"] / group["baseline_cost_usd"]
        )
    by_category: dict[str, float] = {}
    for turn in result["turns"]:
        by_category[turn["category"]] = by_category.get(turn["category"], 0) + turn["cost_usd"]
    for category, cost in by_category.items():
        assert result["per_category"][category]["orchestrated_cost_usd"] == pytest.approx(cost)


def test_baseline_is_main_session_with_recorded_answers(
    report: tuple[dict[str, Any], Path],
) -> None:
    result, workdir = report
    with CostLedger(workdir / "ledger-baseline.sqlite") as ledger:
        assert {t.route for t in ledger.turns()} == {"main_session"}
    assert result["invented_answers"] == 0
    assert result["turn_count"] == sum(len(s.turns) for s in read_workloads([TINY]))
    expected = {
        "session",
        "turn",
        "route",
        "models",
        "cost_usd",
        "baseline_cost_usd",
        "context_recall",
    }
    assert all(expected <= set(turn) for turn in result["turns"])
    assert json.loads(json.dumps(result))["main_model"] == "gpt-4.1"


def test_recall_is_none_for_unlabelled_turns_and_one_for_self_contained(
    report: tuple[dict[str, Any], Path],
) -> None:
    result, _ = report
    sessions = {s.id: s for s in read_workloads([TINY])}
    for turn in result["turns"]:
        labels = sessions[turn["session"]].turns[turn["turn"]].depends_on
        if labels is None:
            assert turn["context_recall"] is None
        elif not labels:
            assert turn["context_recall"] == 1.0
    recalls = [t["context_recall"] for t in result["turns"] if t["context_recall"] is not None]
    assert result["context_recall"] == pytest.approx(sum(recalls) / len(recalls))
    assert result["starved_rate"] == pytest.approx(sum(r < 1 for r in recalls) / len(recalls))


def test_the_first_turn_is_the_cold_start_apart_from_the_percentiles(
    report: tuple[dict[str, Any], Path],
) -> None:
    result, _ = report
    timings = [t["decision_ms"] for t in result["turns"]]
    assert result["cold_start"]["first_decision_ms"] == timings[0]
    assert result["decision_ms_p99"] == percentile(timings[1:], 99)
    assert result["decision_ms_p50"] == percentile(timings[1:], 50)
    assert result["cold_start"]["warm_up_s"] >= 0
    assert "cold start" in bench_command.format_table(result)


def _request(*messages: Any) -> SimulatedRequest:
    return SimulatedRequest("m", list(messages), 0, 0, 0, "", "stop", None, "default", 0.0, 0.0)


def test_context_recall_reads_what_the_model_was_sent() -> None:
    transcript = [
        SystemMessage("Be terse."),
        HumanMessage("Write f."),
        AIMessage("def f(): return 1"),
        HumanMessage("Capital of Peru?"),
        AIMessage("Lima."),
        HumanMessage("Explain f."),
    ]
    full = _request(*transcript)
    digest = _request(transcript[0], transcript[1], AIMessage("[turn 0 answer; digest] def"))
    assert replay.context_recall(transcript, [0], [full]) == 1.0
    assert replay.context_recall(transcript, [0], [digest]) == 0.0
    assert replay.context_recall(transcript, [0, 1], [_request(*transcript[3:])]) == 0.5
    assert replay.context_recall(transcript, [0], [full, digest]) == 0.0  # every request counts
    assert replay.context_recall(transcript, [], []) == 1.0
    assert replay.context_recall(transcript, None, [full]) is None


def test_split_answer_by_items_and_by_paragraphs() -> None:
    parts, exact = replay.split_answer("Sure.\n1. Lima.\n\n2. 86 F.\n\n3. Herbert.", 3)
    assert exact and parts == ["Sure.\n1. Lima.", "2. 86 F.", "3. Herbert."]
    text = "First paragraph here.\n\nSecond one.\n\nThird.\n\nFourth and last."
    parts, exact = replay.split_answer(text, 2)
    assert not exact and len(parts) == 2
    assert "\n\n".join(parts) == text


def test_subtask_briefs_get_the_parts_of_the_recorded_answer() -> None:
    session = read_workloads([TINY])[0]
    turn = session.turns[2]
    answers, exact = replay.recorded_answers(turn, 4)
    subtasks = split_subtasks(turn.user)
    assert exact is True and len(subtasks) == 3
    assert answers[turn.user.strip()] == turn.answer
    assert answers[subtasks[0].text] == "1. The capital of Peru is Lima."
    both = "\n".join(s.text for s in subtasks[1:])
    assert answers[both].startswith("2. ") and answers[both].endswith("Frank Herbert.")


def test_cost_model_learns_from_the_ledger_with_defaults_when_empty(tmp_path: Path) -> None:
    from langchain_core.messages import HumanMessage as H

    from orchestrator_graph.accounting.estimates import (
        TYPICAL_OUTPUT_TOKENS,
        expected_remaining_turns,
        learned_costs,
        typical_output_tokens,
    )
    from orchestrator_graph.accounting.ledger import CostLedger, TurnRecord
    from orchestrator_graph.config import OrchestratorConfig, RoutingConfig
    from orchestrator_graph.state import ModelCall

    config = OrchestratorConfig(
        ledger_path=tmp_path / "ledger.sqlite", routing=RoutingConfig(expected_remaining_turns=4)
    )
    with CostLedger(tmp_path / "empty.sqlite") as empty:
        nothing = learned_costs(empty)
    assert typical_output_tokens("qa", 10, nothing) == TYPICAL_OUTPUT_TOKENS["qa"]
    assert expected_remaining_turns([H("hi")], config, nothing) == 4
    ledger = CostLedger(tmp_path / "ledger.sqlite")
    for thread, length in (("a", 3), ("b", 5), ("c", 7)):
        for turn in range(length):
            call = ModelCall(
                call_id=f"{thread}{turn}",
                node="main_session",
                model="gpt-4.1",
                input_tokens=50,
                output_tokens=40 + 10 * turn,
                cost_usd=0.0,
                latency_ms=0.0,
            )
            ledger.record_turn(
                TurnRecord(
                    thread_id=thread,
                    turn=turn,
                    route="main_session",
                    confidence=1,
                    category="qa",
                    complexity=1,
                    context_dependency=0,
                    estimated_usd=0,
                    cost_usd=0,
                    baseline_usd=0,
                    calls=[call],
                )
            )
    outputs = sorted(40 + 10 * t for n in (3, 5, 7) for t in range(n))
    learned = learned_costs(ledger)
    ledger.close()
    assert typical_output_tokens("qa", 10, learned) == outputs[len(outputs) // 2]
    assert typical_output_tokens("math", 10, learned) == TYPICAL_OUTPUT_TOKENS["math"]
    # after 3 turns, the three sessions have 0, 2 and 4 turns left
    assert expected_remaining_turns([H("1"), H("2"), H("3")], config, learned) == pytest.approx(2)
    # only two sessions reached 5 turns: too few to learn from
    assert expected_remaining_turns([H(str(n)) for n in range(5)], config, learned) == 4


def test_arms_share_one_baseline(tmp_path: Path) -> None:
    arms = {
        "A": replay.BenchSettings(),
        "B": replay.BenchSettings(worker_model="gpt-4.1-nano"),
    }
    reports = bench.run_arms([TINY], arms, workdir=tmp_path)
    a, b = reports["A"], reports["B"]
    assert a["baseline_cost_usd"] == b["baseline_cost_usd"] > 0  # the same replay
    assert [t["baseline_cost_usd"] for t in a["turns"]] == [
        t["baseline_cost_usd"] for t in b["turns"]
    ]
    assert (
        b["worker_model"] == "gpt-4.1-nano"
        and b["orchestrated_cost_usd"] < a["orchestrated_cost_usd"]
    )
    with CostLedger(tmp_path / "arm-1" / "ledger-orchestrated.sqlite") as ledger:
        models = {c["model"] for c in ledger.calls()}
    assert "gpt-4.1-nano" in models and "gpt-4.1-mini" not in models
    table = bench_command.format_arms(reports)
    assert "one baseline" in table and "gpt-4.1-nano" in table
    with pytest.raises(ValueError, match="same main model"):
        bench.run_arms(
            [TINY], {"x": replay.BenchSettings(main_model="gpt-4o"), **arms}, workdir=tmp_path
        )
