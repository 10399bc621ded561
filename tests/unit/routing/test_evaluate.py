"""``evaluate_task``: the routing decision alone, with no model call."""

from __future__ import annotations

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from orchestrator_graph import (
    InvalidTurnError,
    OrchestratorConfig,
    RoutingConfig,
    RoutingDecision,
    evaluate_task,
)
from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.routing.decide import decide_turn
from orchestrator_graph.state import TaskProfile

QUESTIONS = [
    "What is the capital of Australia?",
    "Convert 72 degrees Fahrenheit to Celsius.",
    "Who wrote the novel 'The Left Hand of Darkness'?",
]


@pytest.fixture(autouse=True)
def no_model_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any chat model call during these tests is a failure."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("evaluate_task called a model")

    for name in ("invoke", "ainvoke", "generate", "agenerate", "stream", "astream"):
        monkeypatch.setattr(BaseChatModel, name, refuse)


def test_first_turn_decision_is_complete() -> None:
    messages = [SystemMessage("Be brief."), HumanMessage("Write a haiku about tea.")]
    decision = evaluate_task(messages, config=OrchestratorConfig(ledger_path=None))
    assert isinstance(decision, RoutingDecision)
    assert decision.profile.context_dependency == 0
    assert "first turn" in decision.profile.signals
    assert decision.confidence == decision.profile.confidence
    assert len(decision.reasons) >= 3 and decision.reasons[0].startswith("context dependency")
    assert decision.decision_ms > 0
    est = decision.estimate
    assert est.main.models == ["gpt-4.1"] and est.main.call_usd > 0
    assert est.worker is not None and est.worker.call_usd > 0
    assert decision.route == "worker_session"
    assert decision.worker_context == [[0]]  # the standing instructions only
    assert decision.worker_briefs == ["Write a haiku about tea."]
    (task,) = decision.tasks
    assert (task.brief, task.model, task.tier) == (
        "Write a haiku about tea.",
        "gpt-4.1-mini",
        "worker",
    )


def test_numbered_list_fans_out_with_worker_positions() -> None:
    messages = [
        SystemMessage("Answer in English."),
        HumanMessage("Tell me a fact about octopuses."),
        AIMessage("Octopuses have three hearts."),
        HumanMessage("\n".join(f"{n}. {q}" for n, q in enumerate(QUESTIONS, 1))),
    ]
    decision = evaluate_task(messages)
    assert decision.route == "parallel_workers"
    assert decision.worker_briefs == QUESTIONS
    assert decision.worker_context == [[0], [0], [0]]
    assert len(decision.worker_models) == 3
    parallel = decision.estimate.parallel
    assert parallel is not None
    assert parallel.total_usd <= 0.8 * decision.estimate.main.total_usd
    assert any("3 independent subtasks" in r for r in decision.reasons)


def test_matches_decide_turn_and_honours_the_config() -> None:
    messages = [HumanMessage("What is the tallest mountain in Africa?")]
    config = OrchestratorConfig(ledger_path=None, routing=RoutingConfig(force_route="main_session"))
    decision = evaluate_task(messages, config=config, worker_model="gpt-4o-mini")
    assert decision.route == "main_session"
    assert any("forced" in r for r in decision.reasons)
    assert decision.estimate.worker is not None
    assert decision.estimate.worker.models == ["gpt-4o-mini"]
    profile = TaskProfile.model_validate(decision.profile.model_dump())
    again = decide_turn(
        messages, profile, pricing=Pricing.resolve("gpt-4.1", "gpt-4o-mini", config), options=config
    )
    assert again.estimate == decision.estimate


def test_bad_input_is_a_typed_error() -> None:
    with pytest.raises(InvalidTurnError):
        evaluate_task([HumanMessage("hi"), AIMessage("hello")])
    with pytest.raises(InvalidTurnError):
        evaluate_task([])
