"""Model calls: invoke, retry, time out, and price from the usage the provider reports.

Retries live here and nowhere else (not in a LangGraph ``RetryPolicy``, not in
the provider client), run by tenacity: each failed attempt is returned as a
``ModelCall`` with status ``retry:<Error>`` or ``failed:<Error>`` at $0 (a
provider bills no errors), so the ledger shows it. An attempt that timed out is
different: the provider may still finish and bill it, so it is recorded as
``billed_unknown:<Error>`` at its worst case (the input as counted plus the
output cap), never as free.

Two forms, one policy: :func:`call_model` (sync) and :func:`acall_model` (async,
used under ``ainvoke``/``astream`` and the LangGraph server). The async form runs
the model's ``ainvoke`` under ``asyncio.timeout``: a timed-out attempt is cancelled.
The sync form's deadline is the client's own timeout where the chat model has one
(``ChatOpenAI(timeout=...)``: the call is bound with ``timeout=call_timeout_s``);
for a chat model with no timeout field the sync call runs in a watchdog thread
that is abandoned, still running, after the deadline (``CallTimeoutError``): give
such a client its own timeout, or run the graph with ``ainvoke``.
"""

from __future__ import annotations

import asyncio
import contextvars
import random
import re
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.runnables import Runnable, RunnableSequence
from langgraph.errors import GraphBubbleUp
from pydantic import BaseModel
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
)

from orchestrator_graph.accounting.pricing import ModelPrice
from orchestrator_graph.conversation.tokens import count_messages, count_text
from orchestrator_graph.errors import CallTimeoutError, ModelCallError
from orchestrator_graph.state import ModelCall, WorkerStatus

if TYPE_CHECKING:
    from orchestrator_graph.config import OrchestratorConfig

Parsed = TypeVar("Parsed", bound=BaseModel)

_REFUSAL = re.compile(
    r"^\s*(?:i'?m sorry,? but |sorry,? )?i (?:can(?:no|')t|am unable to|won'?t) "
    r"(?:help|assist|comply|do that|provide)",
    re.I,
)
# the output a timed-out call may have been billed for when neither the call nor the
# model's profile caps it
UNCAPPED_OUTPUT_TOKENS = 8192
BILLED_UNKNOWN = "billed_unknown"
_CLIENT_TIMEOUT_FIELDS = ("request_timeout", "timeout", "default_request_timeout")


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
        input_tokens, output_tokens, cached = count_messages(sent), count_text(answer.text), 0
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
        return cls(
            config.retries.max_retries,
            config.retries.retry_backoff_s,
            config.retries.call_timeout_s,
        )

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (0-based)."""
        return self.backoff_s * 2**retry * (0.5 + random.random() / 2)

    def wait(self, state: RetryCallState) -> float:
        """tenacity's wait: the delay before the next attempt."""
        return self.delay(state.attempt_number - 1)

    def retrying(self) -> dict[str, Any]:
        """tenacity's arguments for this policy (``Retrying`` or ``AsyncRetrying``)."""
        return {
            "stop": stop_after_attempt(self.max_retries + 1),
            "wait": self.wait,
            "retry": retry_if_exception(is_retryable),
            "reraise": True,
        }


@dataclass(frozen=True)
class CallOutcome:
    """An answered call: the answer, its billed call and the failed attempts before it.

    ``max_tokens`` is the output cap the call was bound to (None: uncapped);
    ``sent`` the messages as sent; ``trimmed`` what was cut from the view to fit the
    model's window (None: nothing).
    """

    answer: AIMessage
    call: ModelCall
    retries: list[ModelCall] = field(default_factory=list)
    max_tokens: int | None = None
    sent: list[BaseMessage] = field(default_factory=list)
    trimmed: str | None = None

    @property
    def calls(self) -> list[ModelCall]:
        """Every attempt, in order, as billed: the retries, then the answered call."""
        return [*self.retries, self.call]


def is_timeout(error: BaseException) -> bool:
    """An attempt that ran out of time: the provider may have finished and billed it."""
    if isinstance(error, TimeoutError):
        return True
    openai = sys.modules.get("openai")  # an openai error means openai is loaded; never import it
    return openai is not None and isinstance(error, openai.APITimeoutError)


def is_retryable(error: BaseException) -> bool:
    """Rate limits, server errors, timeouts and lost connections are worth retrying."""
    if isinstance(error, TimeoutError | ConnectionError):
        return True
    openai = sys.modules.get("openai")
    if openai is not None and isinstance(error, openai.APIConnectionError):
        return True
    status = getattr(error, "status_code", None)
    return isinstance(status, int) and (status in (408, 409, 429) or status >= 500)


def output_cap(model: BaseChatModel, max_tokens: int | None) -> int:
    """The most output tokens a call may be billed for: its cap, else the model's
    profile (``max_output_tokens``), else ``UNCAPPED_OUTPUT_TOKENS``."""
    if max_tokens:
        return max_tokens
    profile = getattr(model, "profile", None) or {}
    return int(profile.get("max_output_tokens") or UNCAPPED_OUTPUT_TOKENS)


def client_timeout_field(model: BaseChatModel) -> str | None:
    """The chat model's own per-request timeout field, if it has one."""
    fields = type(model).model_fields
    return next((name for name in _CLIENT_TIMEOUT_FIELDS if name in fields), None)


@dataclass
class _Attempts:
    """One call's attempts: invoke, time, and bill each failure as it happens."""

    model: BaseChatModel
    bound: Runnable[Any, Any]
    sent: list[BaseMessage]
    node: str
    model_name: str
    price: ModelPrice
    cap: int
    timeout_s: float | None
    failed: list[ModelCall] = field(default_factory=list)

    def __call__(self) -> tuple[AIMessage, float]:
        started = time.perf_counter()
        try:
            answer = self._invoke()
        except Exception as error:
            self._failed(error, started)
            raise
        return answer, (time.perf_counter() - started) * 1000

    async def attempt(self) -> tuple[AIMessage, float]:
        """One async attempt: ``ainvoke`` under ``asyncio.timeout``, cancelled at the deadline."""
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout_s):
                answer = await self.bound.ainvoke(self.sent)
        except Exception as error:
            self._failed(error, started)
            raise
        return answer, (time.perf_counter() - started) * 1000

    def _failed(self, error: Exception, started: float) -> None:
        if not isinstance(error, GraphBubbleUp):
            self.failed.append(self._bill(error, (time.perf_counter() - started) * 1000))

    def _invoke(self) -> AIMessage:
        if self.timeout_s is None or client_timeout_field(self.model) is not None:
            return self.bound.invoke(self.sent)  # the client's own deadline, if any
        return _invoke_with_deadline(self.bound, self.sent, self.timeout_s)

    def _bill(self, error: BaseException, ms: float) -> ModelCall:
        """A failed attempt as billed: $0, or its worst case when it timed out."""
        name, timed_out = type(error).__name__, is_timeout(error)
        input_tokens, output_tokens = (count_messages(self.sent), self.cap) if timed_out else (0, 0)
        return ModelCall(
            call_id=str(uuid.uuid4()),
            node=self.node,
            model=self.model_name,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cost_usd=self.price.cost(input_tokens, output_tokens),
            latency_ms=ms,
            status=f"{BILLED_UNKNOWN if timed_out else 'retry'}:{name}",
        )


def _invoke_with_deadline(
    model: Runnable[Any, Any], messages: list[BaseMessage], timeout_s: float
) -> AIMessage:
    """The fallback deadline for a model with no client timeout: ``model.invoke`` in a
    watchdog thread that is abandoned after ``timeout_s``."""
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
    if attempts and attempts[-1].status.startswith("retry:"):
        attempts[-1].status = "failed:" + attempts[-1].status.removeprefix("retry:")
    raise ModelCallError(
        f"{node}: the call to {model_name} failed after {len(attempts)} attempt(s): "
        f"{type(error).__name__}: {error}",
        attempts,
    ) from error


def structured_parts(model: BaseChatModel, schema: type[BaseModel]) -> tuple[Runnable, Runnable]:
    """LangChain's structured output (``model.with_structured_output(schema)``) in its two
    parts: the model call (guarded, bound and priced as any call: its ``AIMessage``
    carries the usage) and the parser that reads the answer into ``schema``.

    Raises ``TypeError`` for a chat model whose structured output is not a call then a
    parser."""
    chain = model.with_structured_output(schema)
    if not isinstance(chain, RunnableSequence):
        raise TypeError(f"{type(model).__name__}: its structured output is not a call and a parser")
    rest = [*chain.middle, chain.last]
    return chain.first, rest[0] if len(rest) == 1 else RunnableSequence(*rest)


def read_structured(model: BaseChatModel, schema: type[Parsed], answer: AIMessage) -> Parsed:
    """The answer of a structured call (``guarded_call(..., schema=schema)``) read into
    ``schema`` by the model's own parser (``structured_parts``). Raises ``ValueError``
    when it is not one (the parser's ``OutputParserException`` is one too)."""
    parsed = structured_parts(model, schema)[1].invoke(answer)
    if not isinstance(parsed, schema):
        raise ValueError(f"the answer is not a {schema.__name__}: {parsed!r}")
    return parsed


def _binding(
    model: BaseChatModel,
    max_tokens: int | None,
    timeout_s: float | None,
    schema: type[BaseModel] | None = None,
) -> Runnable:
    options: dict[str, Any] = {"max_tokens": max_tokens} if max_tokens else {}
    if timeout_s is not None and client_timeout_field(model) is not None:
        options["timeout"] = timeout_s  # passed to the provider client's request
    target = model if schema is None else structured_parts(model, schema)[0]
    return target.bind(**options) if options else target


def _attempts(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    node: str,
    model_name: str,
    price: ModelPrice,
    max_tokens: int | None,
    policy: CallPolicy,
    schema: type[BaseModel] | None = None,
) -> _Attempts:
    return _Attempts(
        model,
        _binding(model, max_tokens, policy.timeout_s, schema),
        list(messages),
        node,
        model_name,
        price,
        output_cap(model, max_tokens),
        policy.timeout_s,
    )


def _answered(
    attempts: _Attempts, answer: AIMessage, latency: float, max_tokens: int | None
) -> CallOutcome:
    call = priced_call(
        answer,
        attempts.sent,
        node=attempts.node,
        model_name=attempts.model_name,
        price=attempts.price,
        latency_ms=latency,
    )
    return CallOutcome(answer, call, attempts.failed, max_tokens, attempts.sent)


def call_model(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    node: str,
    model_name: str,
    price: ModelPrice,
    max_tokens: int | None = None,
    policy: CallPolicy | None = None,
    schema: type[BaseModel] | None = None,
) -> CallOutcome:
    """Invoke ``model`` with retries (tenacity) and a deadline per attempt; account for it.
    With ``schema``, the model is asked for structured output (``structured_parts``);
    the answer is the raw message, for its parser.

    Raises ``ModelCallError`` (its ``attempts`` as billed) when the last attempt fails
    or an error is not retryable; LangGraph's own signals (interrupts) pass through.
    Not called by nodes directly: ``budget.guarded_call`` wraps it.
    """
    policy = policy or CallPolicy()
    attempts = _attempts(model, messages, node, model_name, price, max_tokens, policy, schema)
    try:
        answer, latency = Retrying(**policy.retrying())(attempts)
    except Exception as error:
        if isinstance(error, GraphBubbleUp):
            raise
        _give_up(node, model_name, attempts.failed, error)
    return _answered(attempts, answer, latency, max_tokens)


async def acall_model(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    node: str,
    model_name: str,
    price: ModelPrice,
    max_tokens: int | None = None,
    policy: CallPolicy | None = None,
    schema: type[BaseModel] | None = None,
) -> CallOutcome:
    """:func:`call_model` in async: each attempt is the model's ``ainvoke`` under
    ``asyncio.timeout(policy.timeout_s)``, so an attempt past its deadline is
    cancelled (billed ``billed_unknown:TimeoutError`` at its worst case) and retried."""
    policy = policy or CallPolicy()
    attempts = _attempts(model, messages, node, model_name, price, max_tokens, policy, schema)
    try:
        answer: AIMessage
        latency: float
        answer, latency = await AsyncRetrying(**policy.retrying())(attempts.attempt)
    except Exception as error:
        if isinstance(error, GraphBubbleUp):
            raise
        _give_up(node, model_name, attempts.failed, error)
    return _answered(attempts, answer, latency, max_tokens)


def answer_status(answer: AIMessage) -> WorkerStatus:
    """Whether an answer can be used: ok, empty, truncated or refused."""
    text = answer.text
    if not text.strip():
        return "empty"
    finish = (answer.response_metadata or {}).get("finish_reason")
    if finish == "length":
        return "truncated"
    if answer.additional_kwargs.get("refusal") or (len(text) < 300 and _REFUSAL.search(text)):
        return "refused"
    return "ok"
