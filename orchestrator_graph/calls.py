"""Model calls: invoke, retry, time out, and price from the usage the provider reports.

Retries live here and nowhere else (not in a LangGraph ``RetryPolicy``, not in
the provider client): each failed attempt is returned as a $0 ``ModelCall``
with status ``retry:<Error>`` or ``failed:<Error>``, so the ledger shows it.
"""

from __future__ import annotations

import contextvars
import random
import re
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langgraph.errors import GraphBubbleUp

from orchestrator_graph.errors import CallTimeoutError, ModelCallError
from orchestrator_graph.pricing import ModelPrice
from orchestrator_graph.state import ModelCall, WorkerStatus
from orchestrator_graph.tokens import count_messages, count_text, message_text

if TYPE_CHECKING:
    from orchestrator_graph.config import OrchestratorConfig

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


@dataclass(frozen=True)
class CallPolicy:
    """How one model call is retried and timed out: the only place retries happen.

    A retryable error (rate limit, server error, timeout, lost connection) is
    retried up to ``max_retries`` times with exponential backoff and jitter
    (``backoff_s``, then doubled). Each attempt has ``timeout_s`` to answer.
    Provider clients should not retry on their own: build
    ``ChatOpenAI(max_retries=0)``, else each attempt here hides its retries.
    """

    max_retries: int = 2
    backoff_s: float = 0.5
    timeout_s: float | None = 120.0

    @classmethod
    def from_config(cls, config: OrchestratorConfig) -> CallPolicy:
        return cls(config.max_retries, config.retry_backoff_s, config.call_timeout_s)

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (0-based)."""
        return self.backoff_s * 2**retry * (0.5 + random.random() / 2)


@dataclass(frozen=True)
class CallOutcome:
    """An answered call: the answer, its billed call and the failed attempts before it."""

    answer: AIMessage
    call: ModelCall
    retries: list[ModelCall] = field(default_factory=list)

    @property
    def calls(self) -> list[ModelCall]:
        """Every attempt, in order, as billed: the retries, then the answered call."""
        return [*self.retries, self.call]


def is_retryable(error: BaseException) -> bool:
    """Rate limits, server errors, timeouts and lost connections are worth retrying."""
    if isinstance(error, TimeoutError | ConnectionError):
        return True
    openai = sys.modules.get("openai")  # an openai error means openai is loaded; never import it
    if openai is not None and isinstance(error, openai.APIConnectionError):
        return True
    status = getattr(error, "status_code", None)
    return isinstance(status, int) and (status in (408, 409, 429) or status >= 500)


def _attempt(node: str, model_name: str, error: BaseException, ms: float, last: bool) -> ModelCall:
    """A failed attempt as billed: no tokens, $0 (providers bill no errors)."""
    return ModelCall(
        call_id=str(uuid.uuid4()),
        node=node,
        model=model_name,
        input_tokens=0,
        output_tokens=0,
        cost_usd=0.0,
        latency_ms=ms,
        status=f"{'failed' if last else 'retry'}:{type(error).__name__}",
    )


def _invoke_with_deadline(
    model: BaseChatModel, messages: list[BaseMessage], timeout_s: float | None
) -> AIMessage:
    """``model.invoke`` that gives up after ``timeout_s`` (the call's thread is abandoned)."""
    if timeout_s is None:
        return model.invoke(messages)  # type: ignore[return-value]
    box: dict[str, Any] = {}
    context = contextvars.copy_context()

    def run() -> None:
        try:
            box["answer"] = context.run(model.invoke, messages)
        except BaseException as error:
            box["error"] = error

    thread = threading.Thread(target=run, name="model-call", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        raise CallTimeoutError(f"no answer within {timeout_s} s")
    if "error" in box:
        raise box["error"]
    return box["answer"]


def _give_up(
    node: str, model_name: str, attempts: list[ModelCall], error: BaseException
) -> NoReturn:
    raise ModelCallError(
        f"{node}: the call to {model_name} failed after {len(attempts)} attempt(s): "
        f"{type(error).__name__}: {error}",
        attempts,
    ) from error


def call_model(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    node: str,
    model_name: str,
    price: ModelPrice,
    max_tokens: int | None = None,
    policy: CallPolicy | None = None,
) -> CallOutcome:
    """Invoke ``model`` with retries and a deadline per attempt; account for the call.

    Raises ``ModelCallError`` when the last attempt fails or an error is not retryable.
    """
    policy = policy or CallPolicy()
    bound, sent = _bound(model, max_tokens), list(messages)
    failed: list[ModelCall] = []
    for retry in range(policy.max_retries + 1):
        started = time.perf_counter()
        try:
            answer = _invoke_with_deadline(bound, sent, policy.timeout_s)
        except GraphBubbleUp:
            raise
        except Exception as error:
            ms = (time.perf_counter() - started) * 1000
            last = retry == policy.max_retries or not is_retryable(error)
            failed.append(_attempt(node, model_name, error, ms, last))
            if last:
                _give_up(node, model_name, failed, error)
            time.sleep(policy.delay(retry))
            continue
        latency = (time.perf_counter() - started) * 1000
        call = priced_call(
            answer, sent, node=node, model_name=model_name, price=price, latency_ms=latency
        )
        return CallOutcome(answer, call, failed)
    raise AssertionError("unreachable")  # pragma: no cover


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
