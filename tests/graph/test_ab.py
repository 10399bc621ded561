"""A/B of routing strategies: threads split by a stable hash, the arm in the ledger,
``report --ab`` with confidence intervals and a verdict on significance."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from pydantic import ValidationError

from orchestrator_graph import OrchestratorConfig, create_orchestrator
from orchestrator_graph.accounting.ledger import CostLedger, TurnRecord
from orchestrator_graph.cli import main as cli_main
from orchestrator_graph.config import ABArm, ABTest
from orchestrator_graph.routing.ab import assign_arm
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel

TEST = ABTest(
    arms={
        "control": ABArm(share=0.5),
        "main-only": ABArm(share=0.5, options={"force_route": "main_session"}),
    },
    salt="t",
)
REQUESTS = ["Write a haiku about green tea.", "Now one about coffee.", "Which do you prefer?"]


def test_arms_are_stable_per_thread_and_respect_the_shares() -> None:
    test = ABTest(arms={"a": ABArm(share=0.2), "b": ABArm(share=0.8)}, salt="exp-1")
    threads = [f"user-{n}" for n in range(10_000)]
    arms = [assign_arm(test, t) for t in threads]
    assert arms == [assign_arm(test.model_copy(), t) for t in threads]  # stable
    assert arms.count("a") / len(arms) == pytest.approx(0.2, abs=0.015)
    other = ABTest(arms=test.arms, salt="exp-2")  # a new salt, a new split
    assert sum(a != assign_arm(other, t) for a, t in zip(arms, threads, strict=True)) > 2000


def test_an_arm_changes_routing_options_only_and_shares_add_up() -> None:
    with pytest.raises(ValidationError, match="may change"):
        ABArm(share=0.5, options={"ledger_path": "elsewhere.sqlite"})
    with pytest.raises(ValidationError, match="add up"):
        ABTest(arms={"a": ABArm(share=0.5), "b": ABArm(share=0.3)})


def _run(tmp_path: Path, name: str, config: OrchestratorConfig, threads: list[str]) -> Path:
    ledger = tmp_path / f"{name}.sqlite"
    builder = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=config.updated({"ledger_path": ledger}),
    )
    with sqlite_checkpointer(tmp_path / f"{name}-cp.sqlite") as saver, builder:
        graph = builder.compile(checkpointer=saver)
        for thread in threads:
            for request in REQUESTS:
                graph.invoke(
                    {"messages": [HumanMessage(request)]}, {"configurable": {"thread_id": thread}}
                )
    return ledger


def _turns(ledger: Path, thread: str) -> list[TurnRecord]:
    with CostLedger(ledger) as opened:
        return opened.turns(thread)


def test_the_ledger_records_each_threads_arm_and_arms_match_each_strategy_alone(
    tmp_path: Path,
) -> None:
    threads = [f"th-{n}" for n in range(8)]
    split = _run(tmp_path, "split", OrchestratorConfig(ab=TEST), threads)
    by_thread = {t: {r.arm for r in _turns(split, t)} for t in threads}
    assert all(arms == {assign_arm(TEST, t)} for t, arms in by_thread.items())
    assert {a for arms in by_thread.values() for a in arms} == {"control", "main-only"}
    for name, arm in TEST.arms.items():
        mine = [t for t in threads if assign_arm(TEST, t) == name]
        alone = _run(tmp_path, name, OrchestratorConfig().updated(arm.options), mine)
        for thread in mine:
            in_split = [(r.route, r.cost_usd) for r in _turns(split, thread)]
            assert in_split == [(r.route, r.cost_usd) for r in _turns(alone, thread)]
    routes = {r.route for t in threads if assign_arm(TEST, t) == "main-only"
              for r in _turns(split, t)}  # fmt: skip
    assert routes == {"main_session"}


def _turn(thread: str, arm: str, cost: float, fallbacks: int = 0) -> TurnRecord:
    return TurnRecord(
        thread_id=thread, turn=0, route="worker_session", confidence=0.9, category="qa",
        complexity=2, context_dependency=0.0, estimated_usd=cost, cost_usd=cost,
        baseline_usd=0.01, arm=arm, fallbacks=fallbacks,
    )  # fmt: skip


def _report(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert cli_main(["report", "--ledger", str(path), "--ab"]) == 0
    return capsys.readouterr().out


def test_report_ab_gives_intervals_and_says_when_a_difference_is_not_significant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    same, apart = tmp_path / "same.sqlite", tmp_path / "apart.sqlite"
    with CostLedger(same) as a, CostLedger(apart) as b:
        for n in range(40):
            wobble = 0.001 * (n % 5)  # the same spread in both arms
            arm = "x" if n % 2 else "y"
            a.record_turn(_turn(f"t{n}", arm, 0.004 + wobble))
            b.record_turn(_turn(f"t{n}", arm, (0.002 if arm == "y" else 0.008) + wobble))
            quality = 1.0 if n % 3 else 0.0
            a.record_feedback(f"t{n}", 0, quality=quality)
            b.record_feedback(f"t{n}", 0, quality=quality)
    text = _report(same, capsys)
    assert "95% intervals: bootstrap over threads" in text
    assert "x: 20 threads, 20 turns" in text and "over 20 turns with feedback" in text
    assert "savings " in text and "[" in text  # each figure with its interval
    assert "y - x:" in text
    assert "savings" in text and "not significant yet" in text
    assert "  savings" in text and ": significant" not in text.split("y - x:")[1]

    text = _report(apart, capsys)
    versus = text.split("y - x:")[1]
    assert "savings 60.0% [" in versus and "]: significant" in versus.splitlines()[1]
    assert "quality" in versus and "not significant yet" in versus  # same feedback in both
