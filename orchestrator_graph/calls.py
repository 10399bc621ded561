"""Model calls: invoke, time, and price from the usage the provider reports."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage

from orchestrator_graph.pricing import ModelPrice
from orchestrator_graph.state import ModelCall, WorkerStatus
from orchestrator_graph.tokens import count_messages, count_text, message_text

_REFUSAL = re.compile(
    r"^\s*(?:i'?m sorry,? but |sorry,? )?i (?:can(?:no|')t|am unable to|won'?t) "
    r"(?:help|assist|comply|do that|provide)",
    re.I,
)


def _bound(model: BaseChatModel, max_tokens: int | None) -> BaseChatModel:
    return model.bind(max_tokens=max_tokens) if max_tokens else model  # type: ignore[return-value]


def priced_call(
    answer: AIMessage,
    sent: Sequence[BaseMessage],
    *,
    node: str,
    model_name: str,
    price: ModelPrice,
    latency_ms: float,
) -> ModelCall:
    """Price one answered call from its ``usage_metadata``.

    A provider that reports no usage is billed from tiktoken counts of what was
    sent and returned, and the call is marked ``usage_estimated``.
    """
    usage = answer.usage_metadata
    status = "ok"
    if usage:
        input_tokens, output_tokens = usage["input_tokens"], usage["output_tokens"]
        cached = (usage.get("input_token_details") or {}).get("cache_read", 0) or 0
    else:
        input_tokens, output_tokens, cached = (
            count_messages(sent),
            count_text(message_text(answer)),
            0,
        )
        status = "usage_estimated"
    return ModelCall(
        call_id=str(uuid.uuid4()),
        node=node,
        model=model_name,
        input_tokens=input_tokens,
        cached_input_tokens=cached,
        output_tokens=output_tokens,
        cost_usd=price.cost(input_tokens, output_tokens, cached),
        latency_ms=latency_ms,
        status=status,
    )


def call_model(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    node: str,
    model_name: str,
    price: ModelPrice,
    max_tokens: int | None = None,
) -> tuple[AIMessage, ModelCall]:
    """Invoke ``model`` and account for the call."""
    started = time.perf_counter()
    answer = _bound(model, max_tokens).invoke(list(messages))
    latency = (time.perf_counter() - started) * 1000
    call = priced_call(
        answer, messages, node=node, model_name=model_name, price=price, latency_ms=latency
    )
    return answer, call


async def acall_model(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    node: str,
    model_name: str,
    price: ModelPrice,
    max_tokens: int | None = None,
) -> tuple[AIMessage, ModelCall]:
    """Async twin of :func:`call_model`."""
    started = time.perf_counter()
    answer = await _bound(model, max_tokens).ainvoke(list(messages))
    latency = (time.perf_counter() - started) * 1000
    call = priced_call(
        answer, messages, node=node, model_name=model_name, price=price, latency_ms=latency
    )
    return answer, call


def answer_status(answer: AIMessage) -> WorkerStatus:
    """Whether an answer can be used: ok, empty, truncated or refused."""
    text = message_text(answer)
    if not text.strip():
        return "empty"
    finish = (answer.response_metadata or {}).get("finish_reason")
    if finish == "length":
        return "truncated"
    if answer.additional_kwargs.get("refusal") or (len(text) < 300 and _REFUSAL.search(text)):
        return "refused"
    return "ok"
