"""The trained tier: train, save, load, and use where the rules are unsure."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from orchestrator_graph.cli import main
from orchestrator_graph.config import OrchestratorConfig, RoutingConfig
from orchestrator_graph.routing.classify import classify_request
from orchestrator_graph.routing.classify.trained import FEATURES, TrainedClassifier


def sessions() -> list[dict]:
    """Dependent follow-ups with pronouns; self-contained later turns with new topics."""
    out = []
    for n in range(30):
        out.append(
            {
                "id": f"s{n}",
                "turns": [
                    {
                        "user": f"Tell me about the river number {n}.",
                        "depends_on": [],
                        "answer": "A",
                    },
                    {"user": "How long is it?", "depends_on": [0], "answer": "B"},
                    {
                        "user": f"Write a limerick about a cat named Tom{n} who loves the sea.",
                        "depends_on": [],
                        "answer": "C",
                    },
                ],
            }
        )
    return out


def test_train_save_load_and_use(tmp_path: Path):
    workload = tmp_path / "w.jsonl"
    workload.write_text("\n".join(json.dumps(s) for s in sessions()), encoding="utf-8")
    out = tmp_path / "model.json"
    assert main(["train", "--workload", str(workload), "--out", str(out)]) == 0
    model = TrainedClassifier.load(out)
    assert model.trained_on["examples"] == 60
    assert len(model.weights) == len(model.features)

    messages = [
        HumanMessage("Tell me about the river Nile."),
        AIMessage("The Nile..."),
        HumanMessage("How long is it?"),
    ]
    config = OrchestratorConfig(ledger_path=None, routing=RoutingConfig(classifier_model_path=out))
    profile = classify_request(messages, config=config)
    assert profile.tier == "trained"
    assert profile.context_dependency >= 0.3


def test_a_foreign_model_file_is_refused(tmp_path: Path):
    path = tmp_path / "other.json"
    path.write_text(
        json.dumps(
            {
                "format": "something-else",
                "weights": [],
                "bias": 0,
                "mean": [],
                "scale": [],
                "self_contained_below": 0.1,
            }
        )
    )
    with pytest.raises(ValueError, match="not a classifier of this version"):
        TrainedClassifier.load(path)


def test_training_needs_both_kinds(tmp_path: Path):
    from orchestrator_graph.cli.train import train
    from orchestrator_graph.lab.workloads import Session

    only_dependent = [
        Session.model_validate(
            {"id": "a", "turns": [{"user": "Hi there friend"}, {"user": "And?", "depends_on": [0]}]}
        )
    ]
    with pytest.raises(ValueError, match="both kinds"):
        train(only_dependent)


# --- learning from the ledger: stored feature vectors and feedback -------------------

BANDS = ["Zappa", "Kinks", "Byrds", "Doors", "Cream", "Queen"]


def orchestrator(ledger: Path, **settings):
    from orchestrator_graph import create_orchestrator
    from orchestrator_graph.testing.simulated import SimulatedChatModel

    return create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig().updated({"ledger_path": ledger, **settings}),
    )


def converse(graph, thread_id: str, requests: list[str], resume: str | None = None) -> dict:
    """Run the turns; an interrupt is resumed with ``resume`` (it must happen if given)."""
    from langgraph.types import Command

    thread = {"configurable": {"thread_id": thread_id}}
    paused = 0
    for request in requests:
        out = graph.invoke({"messages": [HumanMessage(request)]}, thread)
        while "__interrupt__" in out:
            assert resume is not None, f"{thread_id}: unexpected interrupt on {request!r}"
            paused += 1
            out = graph.invoke(Command(resume=resume), thread)
    assert resume is None or paused, f"{thread_id}: no interrupt to resume"
    return out


def dependent(n: int) -> list[str]:
    return [f"Tell me about the {BANDS[n]} band history.", "Why did they break up?"]


def self_contained(n: int) -> list[str]:
    return [
        f"Tell me about the river number {n}.",
        f"Write a limerick about a cat named Tom{n} who loves the sea.",
    ]


def flagged(n: int) -> list[str]:
    """Self-contained by the rules; the user will say it needed the conversation."""
    return [f"Tell me about the mountain number {n}.", f"List three prime numbers above {50 + n}."]


def test_train_from_ledger_feedback_moves_the_model(tmp_path: Path):
    from orchestrator_graph.accounting.ledger import CostLedger
    from orchestrator_graph.routing.classify.rules import rule_signals
    from orchestrator_graph.routing.classify.trained import FEATURES_VERSION, features_of
    from orchestrator_graph.storage.checkpoints import sqlite_checkpointer

    path = tmp_path / "ledger.sqlite"
    with sqlite_checkpointer(tmp_path / "checkpoints.sqlite") as saver:
        plain = orchestrator(path).compile(checkpointer=saver)
        asking = orchestrator(path, interrupt_below=0.7).compile(checkpointer=saver)
        for n in range(len(BANDS)):  # a person keeps the follow-up in the main session
            converse(asking, f"dep-{n}", dependent(n), resume="main_session")
        for n in range(6):
            last = converse(plain, f"own-{n}", self_contained(n))
        ledger = plain.builder.resources.ledger()
        for n in range(6):
            ledger.record_feedback(f"own-{n}", 1, needed_earlier_turns=False)

        # every turn carries the classify node's feature vector and its layout
        turns = {(t.thread_id, t.turn): t for t in ledger.turns()}
        assert all(len(t.features or ()) == len(FEATURES) for t in turns.values())
        assert {t.features_version for t in turns.values()} == {FEATURES_VERSION}
        messages = last["messages"]
        request = max(i for i, m in enumerate(messages) if m.type == "human")
        seen = messages[: request + 1]  # what classify saw on the thread's last turn
        assert turns["own-5", 1].features == features_of(seen, rule_signals(seen))
        # the decision shown in the state does not repeat the vector
        assert last["decision"].profile.features == []

        person = [f for f in ledger.feedback() if f.source == "person"]
        assert {(f.thread_id, f.turn) for f in person} == {(f"dep-{n}", 1) for n in range(6)}
        assert all(f.needed_earlier_turns for f in person)

        before = tmp_path / "before.json"
        assert main(["train", "--ledger", str(path), "--out", str(before)]) == 0
        for n in range(6):
            converse(plain, f"flag-{n}", flagged(n))
            ledger.record_feedback(f"flag-{n}", 1, needed_earlier_turns=True)
        after = tmp_path / "after.json"
        assert main(["train", "--ledger", str(path), "--out", str(after)]) == 0
        plain.builder.close()
        asking.builder.close()

    old, new = TrainedClassifier.load(before), TrainedClassifier.load(after)
    assert old.trained_on["examples"] == 12 and new.trained_on["examples"] == 18
    with CostLedger(path) as reopened:
        turns = {(t.thread_id, t.turn): t for t in reopened.turns()}
    dep = [old.probability(turns[f"dep-{n}", 1].features) for n in range(6)]
    own = [old.probability(turns[f"own-{n}", 1].features) for n in range(6)]
    assert min(dep) > max(own)  # it learned the labels it was given
    for n in range(6):
        features = turns[f"flag-{n}", 1].features
        assert new.probability(features) > old.probability(features) + 0.1


def test_a_person_picking_a_worker_is_feedback_that_the_turn_stood_alone(tmp_path: Path):
    from orchestrator_graph.accounting.ledger import CostLedger
    from orchestrator_graph.storage.checkpoints import sqlite_checkpointer

    path = tmp_path / "ledger.sqlite"
    with sqlite_checkpointer(tmp_path / "checkpoints.sqlite") as saver:
        graph = orchestrator(path, interrupt_below=0.7).compile(checkpointer=saver)
        out = converse(graph, "t", dependent(0), resume="worker_session")
        graph.builder.close()
    assert out["decision"].picked_by_person == "worker_session"
    with CostLedger(path) as ledger:
        [row] = ledger.feedback()
    assert (row.thread_id, row.turn, row.source, row.needed_earlier_turns) == (
        "t",
        1,
        "person",
        False,
    )
    assert row.features is not None


def test_feedback_without_usable_features_is_skipped(tmp_path: Path, capsys):
    from orchestrator_graph.accounting.ledger import CostLedger

    path = tmp_path / "ledger.sqlite"
    with CostLedger(path) as ledger:
        ledger.record_feedback("never-recorded", 3, needed_earlier_turns=True)
        ledger.record_feedback("never-recorded", 3, needed_earlier_turns=False)  # upsert
        ledger.record_feedback("never-recorded", 4, needed_earlier_turns=True, source="person")
        assert [f.needed_earlier_turns for f in ledger.feedback()] == [False, True]
        assert all(f.features is None for f in ledger.feedback())
    assert main(["train", "--ledger", str(path), "--out", str(tmp_path / "m.json")]) == 2
    assert re.search(r"nothing to train on.*\(2 feedback rows skipped\)", capsys.readouterr().err)
    assert main(["train", "--ledger", str(tmp_path / "missing.sqlite"), "--out", "m.json"]) == 2
    assert "no cost ledger at" in capsys.readouterr().err
    assert main(["train", "--out", str(tmp_path / "m.json")]) == 2
    assert "--workload FILE..., --ledger PATH..., or both" in capsys.readouterr().err


def test_features_of_another_layout_are_not_trained_on(tmp_path: Path):
    import sqlite3

    from orchestrator_graph.accounting.ledger import CostLedger
    from orchestrator_graph.cli.train import ledger_examples
    from orchestrator_graph.storage.checkpoints import sqlite_checkpointer

    path = tmp_path / "ledger.sqlite"
    with sqlite_checkpointer(tmp_path / "c.sqlite") as saver:
        graph = orchestrator(path).compile(checkpointer=saver)
        for n in range(2):
            converse(graph, f"t{n}", dependent(n))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE turns SET features_version = 'older' WHERE thread_id = 't1'")
    with CostLedger(path) as ledger:
        ledger.record_feedback("t0", 0, needed_earlier_turns=True)  # a first turn: skipped
        ledger.record_feedback("t0", 1, needed_earlier_turns=True)
        ledger.record_feedback("t1", 1, needed_earlier_turns=True)  # another layout: skipped
        x, y, skipped = ledger_examples(ledger)
    assert x.shape == (1, len(FEATURES)) and list(y) == [1.0] and skipped == 2


def test_an_old_ledger_without_features_still_opens_and_records(tmp_path: Path):
    import sqlite3

    from orchestrator_graph.accounting.ledger import CostLedger, TurnRecord
    from orchestrator_graph.storage.checkpoints import sqlite_checkpointer

    path = tmp_path / "old.sqlite"
    with CostLedger(path) as ledger:
        ledger.record_turn(
            TurnRecord(
                thread_id="before",
                turn=0,
                route="main_session",
                confidence=0.9,
                category="qa",
                complexity=1,
                context_dependency=0.0,
                estimated_usd=0.001,
                cost_usd=0.001,
                baseline_usd=0.001,
            )
        )
    with sqlite3.connect(path) as conn:  # the layout of a ledger written before this feature
        conn.execute("ALTER TABLE turns DROP COLUMN features")
        conn.execute("ALTER TABLE turns DROP COLUMN features_version")
        conn.execute("DROP TABLE feedback")
        assert "features" not in {row[1] for row in conn.execute("PRAGMA table_info(turns)")}

    with sqlite_checkpointer(tmp_path / "c.sqlite") as saver:
        out = converse(orchestrator(path).compile(checkpointer=saver), "after", dependent(1))
    assert out["messages"][-1].type == "ai"
    with CostLedger(path) as ledger:
        turns = {t.thread_id: t for t in ledger.turns() if t.turn == 0}
        assert turns["before"].features is None and turns["after"].features is not None
        ledger.record_feedback("after", 1, needed_earlier_turns=True)
        [row] = ledger.feedback()
        assert row.features is not None and row.needed_earlier_turns
