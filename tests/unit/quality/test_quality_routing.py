"""The quality target decides the model: one knob, its verdict in every decision."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage

from orchestrator_graph import (
    OrchestratorConfig,
    QualityConfig,
    RoutingConfig,
    create_orchestrator,
    evaluate_task,
)
from orchestrator_graph.cli import main as cli_main
from orchestrator_graph.quality import load_quality_model
from orchestrator_graph.testing.simulated import SimulatedChatModel
from tests.unit.quality.test_quality_model import _workload

# a word problem, like the shipped model's training data (GSM8K)
ASK = [
    HumanMessage(
        "A train travels 60 miles per hour for 2.5 hours, then twice as fast for half as "
        "long. How far does it travel?"
    )
]
# a harder one: its prediction clears a lax target's threshold, not the strictest's
HARD_ASK = [
    HumanMessage(
        "John is twice as old as Mary was when John was as old as Mary is now. If Mary is "
        "24, how old is John?"
    )
]


def test_the_default_target_puts_the_predicted_quality_in_the_decision() -> None:
    decision = evaluate_task(ASK)
    assert decision.quality is not None
    assert decision.quality.min_quality == OrchestratorConfig().quality.min_quality == 0.95
    shipped = load_quality_model()
    assert decision.quality.threshold == pytest.approx(shipped.threshold_for(0.95))
    # the reasons say the predicted quality and the threshold it was held to
    assert any(
        "P(cheap answer as good)" in r and f"threshold {decision.quality.threshold:.2f}" in r
        for r in decision.reasons
    )


def test_the_target_moves_the_turn_between_the_models() -> None:
    """The same request: the cheap model under a lax target, the strong one under a
    strict target whose threshold its prediction does not clear."""
    p = evaluate_task(HARD_ASK).quality.p_cheap_ok  # type: ignore[union-attr]
    shipped = load_quality_model()
    lax = evaluate_task(
        HARD_ASK,
        config=OrchestratorConfig(
            quality=QualityConfig(min_quality=0.5),
            routing=RoutingConfig(force_route="worker_session"),
        ),
    )
    assert shipped.threshold_for(0.5) < p
    assert [t.tier for t in lax.tasks] == ["worker"]
    assert shipped.threshold_for(1.0) >= p  # predicted below what keeps all quality
    strict = OrchestratorConfig(
        quality=QualityConfig(min_quality=1.0), routing=RoutingConfig(force_route="worker_session")
    )
    assert [t.tier for t in evaluate_task(HARD_ASK, config=strict).tasks] == ["main"]


def test_unlike_its_training_data_the_model_abstains_and_the_rules_choose() -> None:
    """The shipped model learned from math word problems: on a request unlike them its
    calibration says nothing, so the rules choose and the reasons say why."""
    haiku = [HumanMessage("Write a haiku about green tea.")]
    strict = OrchestratorConfig(
        quality=QualityConfig(min_quality=1.0), routing=RoutingConfig(force_route="worker_session")
    )
    decision = evaluate_task(haiku, config=strict)
    assert decision.quality is not None and not decision.quality.in_domain
    assert [t.tier for t in decision.tasks] == ["worker"]  # by the rules, not the target
    assert any(r.startswith("quality model abstains") for r in decision.reasons)
    assert evaluate_task(ASK, config=strict).quality.in_domain  # type: ignore[union-attr]


def test_without_a_target_the_rules_choose_and_no_prediction_is_made() -> None:
    decision = evaluate_task(
        ASK, config=OrchestratorConfig(quality=QualityConfig(min_quality=None))
    )
    assert decision.quality is None
    assert any("by complexity/category" in r for r in decision.reasons)


def test_strong_categories_stay_strong_whatever_the_prediction() -> None:
    code = [HumanMessage("Write a Python function that merges two sorted lists.")]
    config = OrchestratorConfig(
        quality=QualityConfig(min_quality=0.5), routing=RoutingConfig(force_route="worker_session")
    )
    assert evaluate_task(code, config=config).tasks[0].tier == "main"


def test_a_model_trained_on_your_traffic_is_used_and_checked_at_build(tmp_path: Path) -> None:
    model = tmp_path / "mine.npz"
    train = ["quality", "train", str(_workload(tmp_path)), "--feature-set", "lexical"]
    assert cli_main([*train, "--out", str(model)]) == 0
    mine = OrchestratorConfig(quality=QualityConfig(quality_model_path=model))
    decision = evaluate_task(ASK, config=mine)
    assert decision.quality is not None
    assert decision.quality.threshold == pytest.approx(
        load_quality_model(model).threshold_for(0.95)
    )

    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not a quality model"):
        create_orchestrator(
            main_model=SimulatedChatModel(model_name="gpt-4.1"),
            worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
            config=OrchestratorConfig(quality=QualityConfig(quality_model_path=broken)),
        )
