"""The baseline in the provider's token counts: a main-session turn costs exactly its
baseline even when the provider's tokenizer is not tiktoken's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import BaseMessage, HumanMessage
from langchain_core.outputs import ChatResult

from orchestrator_graph import OrchestratorConfig, RoutingConfig, create_orchestrator
from orchestrator_graph.accounting.calibration import calibrated_baseline_usd, token_ratio
from orchestrator_graph.accounting.estimates import baseline_usd, request_tokens
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.accounting.pricing import TokenRatio, calibrated_cost, price_for
from orchestrator_graph.conversation.views import turns_of
from orchestrator_graph.testing.simulated import SimulatedChatModel


class OtherTokenizerModel(SimulatedChatModel):
    """A provider whose tokenizer counts 30% more input and 20% more output tokens."""

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None = None, **kwargs: Any
    ) -> ChatResult:
        result = super()._generate(messages, stop, **kwargs)
        message = result.generations[0].message
        usage = dict(message.usage_metadata)
        usage["input_tokens"] = round(usage["input_tokens"] * 1.3)
        usage["output_tokens"] = round(usage["output_tokens"] * 1.2)
        usage["total_tokens"] = usage["input_tokens"] + usage["output_tokens"]
        message.usage_metadata = usage
        return result


def test_token_ratio_scales_counts_and_is_one_to_one_by_default() -> None:
    price = price_for("gpt-4.1")
    assert calibrated_cost(price, input_tokens=1000, output_tokens=100) == price.cost(1000, 100)
    ratio = TokenRatio.of(1000, 1300, 100, 120)
    assert (ratio.input(1000), ratio.output(100)) == (1300, 120)
    assert calibrated_cost(price, input_tokens=1000, output_tokens=100, ratio=ratio) == (
        price.cost(1300, 120)
    )
    assert calibrated_cost(  # the cache rule applies to the provider's count of the prefix
        price, input_tokens=2000, output_tokens=0, cached_prefix_tokens=900, ratio=ratio
    ) == price.cost(2600, 0, 1024 + (1170 - 1024) // 128 * 128)


def test_a_main_session_turn_costs_exactly_its_calibrated_baseline(tmp_path: Path) -> None:
    config = OrchestratorConfig(
        ledger_path=tmp_path / "ledger.sqlite", routing=RoutingConfig(force_route="main_session")
    )
    main = OtherTokenizerModel(model_name="gpt-4.1")
    graph = create_orchestrator(
        main_model=main, worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"), config=config
    ).compile()
    thread = {"configurable": {"thread_id": "cal"}}
    state: dict = {"messages": []}
    for ask in ["Explain why the sky is blue.", "And why are sunsets red?"]:
        state = graph.invoke({"messages": [*state["messages"], HumanMessage(ask)]}, thread)
    messages, price = state["messages"], price_for("gpt-4.1")
    turns = turns_of(messages)
    last = turns[-1]
    previous = request_tokens(messages[: turns[-2].start + 1])
    args = (messages[: last.start], messages[last.start], messages[-1].text, previous, price)
    cost = CostLedger(config.ledger_path).turns("cal")[-1].cost_usd
    assert baseline_usd(*args, config) != pytest.approx(cost)  # tiktoken's counts: off
    assert token_ratio(config, "cal", "gpt-4.1").input_ratio == pytest.approx(1.3, rel=0.01)
    calibrated = calibrated_baseline_usd(
        config,
        "cal",
        model_name="gpt-4.1",
        price=price,
        transcript_before=args[0],
        request=args[1],
        answer=args[2],
        previous_request_tokens=previous,
    )
    assert calibrated == cost  # exactly, not approximately
    assert token_ratio(config, "other-thread", "gpt-4.1") == TokenRatio()  # kept per thread
