"""Prices from genai-prices, config overrides, and the unknown-price error."""

from __future__ import annotations

import pytest
from genai_prices import Usage, calc_price
from langchain_core.messages import HumanMessage
from pydantic import ValidationError

from orchestrator_graph import (
    ModelPrice,
    OrchestratorConfig,
    UnknownModelPriceError,
    create_orchestrator,
    evaluate_task,
)
from orchestrator_graph.accounting.pricing import model_name_of, price_for
from orchestrator_graph.config import RoutingConfig
from orchestrator_graph.testing.simulated import SimulatedChatModel

PRIVATE = "acme-private-llama-7b"


def genai_usd(model: str, **usage: int) -> float:
    return float(calc_price(Usage(**usage), model_ref=model).total_price)


@pytest.mark.parametrize("model", ["gpt-4.1", "gpt-4.1-mini", "gpt-4o"])
def test_prices_are_genai_prices(model: str) -> None:
    price = price_for(model)
    assert price.input_per_mtok == pytest.approx(genai_usd(model, input_tokens=1_000_000))
    assert price.output_per_mtok == pytest.approx(genai_usd(model, output_tokens=1_000_000))
    cached = genai_usd(model, input_tokens=1_000_000, cache_read_tokens=1_000_000)
    assert price.cached_input_per_mtok == pytest.approx(cached)
    assert 0 < price.cached_input_per_mtok < price.input_per_mtok
    assert price.source.startswith("genai-prices:")


def test_cost_is_tokens_times_prices() -> None:
    price = price_for("gpt-4.1")
    expected = genai_usd("gpt-4.1", input_tokens=5000, cache_read_tokens=2048, output_tokens=700)
    assert price.cost(5000, 700, cached_input_tokens=2048) == pytest.approx(expected)
    # cached tokens are a part of the input, never more than all of it
    assert price.cost(100, 0, cached_input_tokens=500) == pytest.approx(100 * price.cached_rate)


def test_provider_prefix_and_override() -> None:
    assert price_for("openai:gpt-4.1") == price_for("gpt-4.1")
    custom = ModelPrice(input_per_mtok=1, output_per_mtok=2)
    assert price_for("gpt-4.1", {"gpt-4.1": custom}) is custom
    assert custom.cached_rate == custom.input_rate  # no discount when none is given


def test_cached_price_cannot_exceed_input() -> None:
    with pytest.raises(ValidationError, match="cached_input_per_mtok"):
        ModelPrice(input_per_mtok=1, output_per_mtok=2, cached_input_per_mtok=3)


def test_unknown_model_is_an_error_at_build_time(tmp_path) -> None:
    config = OrchestratorConfig(ledger_path=tmp_path / "ledger.sqlite")
    with pytest.raises(UnknownModelPriceError) as caught:
        create_orchestrator(
            main_model=SimulatedChatModel(model_name="gpt-4.1"),
            worker_model=SimulatedChatModel(model_name=PRIVATE),
            config=config,
        )
    message = str(caught.value)
    assert PRIVATE in message
    assert "OrchestratorConfig(prices=" in message and "ModelPrice(" in message
    assert caught.value.model == PRIVATE
    with pytest.raises(UnknownModelPriceError):
        evaluate_task([HumanMessage("hi")], worker_model=PRIVATE)


def test_price_override_makes_an_unknown_model_work(tmp_path) -> None:
    price = ModelPrice(input_per_mtok=0.2, cached_input_per_mtok=0.1, output_per_mtok=0.6)
    config = OrchestratorConfig(
        ledger_path=tmp_path / "ledger.sqlite",
        prices={PRIVATE: price},
        routing=RoutingConfig(force_route="worker_session"),
    )
    worker = SimulatedChatModel(model_name=PRIVATE)
    graph = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"), worker_model=worker, config=config
    ).compile()
    state = graph.invoke({"messages": [HumanMessage("What is the capital of Peru?")]})
    (sent,) = worker.requests
    assert state["cost_usd"] == pytest.approx(
        sent.input_tokens * 0.2e-6 + sent.output_tokens * 0.6e-6
    )
    assert state["cost_usd"] > 0


def test_model_without_a_name_is_refused() -> None:
    with pytest.raises(UnknownModelPriceError, match="names no model"):
        model_name_of(object())
