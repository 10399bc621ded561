"""The trained tier: train, save, load, and use where the rules are unsure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from orchestrator_graph.classifier import classify_request
from orchestrator_graph.classifier.trained import TrainedClassifier
from orchestrator_graph.cli import main
from orchestrator_graph.config import OrchestratorConfig


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
    config = OrchestratorConfig(ledger_path=None, classifier_model_path=out)
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
    from orchestrator_graph.training import train
    from orchestrator_graph.workloads import Session

    only_dependent = [
        Session.model_validate(
            {"id": "a", "turns": [{"user": "Hi there friend"}, {"user": "And?", "depends_on": [0]}]}
        )
    ]
    with pytest.raises(ValueError, match="both kinds"):
        train(only_dependent)
