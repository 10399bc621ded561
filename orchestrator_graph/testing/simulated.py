"""A simulated chat model: the offline stand-in for an LLM.

:class:`SimulatedChatModel` is **not** a language model. It replays recorded
answers or invents deterministic filler text whose length is typical for the
request's category, and it reports honest ``usage_metadata``: input tokens are
the tiktoken count of exactly what it was sent, output tokens the count of what
it returned, and ``cache_read`` models a provider's prompt cache (the longest
whole-message prefix shared with an earlier request to the same instance).
Faults (rate limits, server errors, timeouts, truncated, empty or refused
answers) can be queued to exercise error handling.

Example:
    >>> from langchain_core.messages import HumanMessage
    >>> model = SimulatedChatModel(model_name="gpt-4.1", answers={"Hi": "Hello!"})
    >>> model.invoke([HumanMessage("Hi")]).content
    'Hello!'
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForLLMRun,
    CallbackManagerForLLMRun,
)
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field, PrivateAttr

from orchestrator_graph.accounting.pricing import cacheable
from orchestrator_graph.conversation.tokens import REPLY_PRIMING, count_text, message_text
from orchestrator_graph.conversation.tokens import shared_counter as _counter
from orchestrator_graph.testing.faults import (
    FAULT_ERRORS,
    FAULT_KINDS,
    REFUSAL_TEXT,
    FaultKind,
    SimulatedProviderError,
    SimulatedRateLimitError,
    SimulatedServerError,
    SimulatedTimeoutError,
)
from orchestrator_graph.testing.invented import (
    guess_category,
    invent_answer,
    truncate_tokens,
)
from orchestrator_graph.testing.structured import fill_schema, tool_calls

_WORDS_PER_CHUNK = 3


@dataclass(frozen=True)
class SimulatedRequest:
    """One call as the simulated provider saw it (timestamps from ``time.time()``)."""

    model_name: str
    messages: list[BaseMessage]
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    text: str
    finish_reason: str | None
    fault: str | None
    category: str
    started: float
    ended: float


def _message_key(message: BaseMessage) -> bytes:
    return f"{message.type}\0{message.name or ''}\0{message_text(message)}".encode()


def _prefix_hashes(messages: Sequence[BaseMessage]) -> list[bytes]:
    """Chained digests: element i identifies ``messages[:i + 1]``."""
    hashes, previous = [], b""
    for message in messages:
        previous = hashlib.blake2b(previous + _message_key(message), digest_size=16).digest()
        hashes.append(previous)
    return hashes


def _chunks(text: str) -> list[str]:
    """Pieces of a few words each whose concatenation is exactly ``text``."""
    words = re.findall(r"\s+|\S+\s*", text)
    return [
        "".join(words[i : i + _WORDS_PER_CHUNK]) for i in range(0, len(words), _WORDS_PER_CHUNK)
    ]


class SimulatedChatModel(BaseChatModel):
    """A simulated chat model (no LLM) with honest token usage and fault injection.

    Args:
        model_name: The model it stands in for (used for pricing), e.g. ``"gpt-4.1"``.
        answers: Recorded answers keyed by the stripped text of the last human
            message; a match is returned verbatim.
        latency_s: Seconds to sleep per call before the first token.
        token_latency_s: Seconds per output token after it (a stream yields its pieces
            at that pace; ``invoke`` returns after all of them).
        faults: A queue consumed one per call: ``None`` (normal), ``"rate_limit"``,
            ``"server_error"``, ``"timeout"`` (raise), ``"truncated"``, ``"empty"``,
            ``"refusal"`` (odd answers).
        cache_min_tokens: The shortest shared prefix the simulated prompt cache reads.
        max_tokens: Default output limit; ``max_tokens`` in the call overrides it.
        structured: Tool-call arguments for structured output (``with_structured_output``,
            through ``bind_tools``), consumed one per such call; when none is queued they
            are filled from the tool's schema (an ``enum`` value picked by the request's
            hash). The arguments are the answer's text: a cap can truncate them.

    ``requests`` is the log of calls; ``reset()`` clears it and the cache index.
    A repeated request has the same text and output tokens; its ``cache_read``
    grows because the first call populated the simulated cache.
    """

    model_name: str = Field(default="simulated")
    answers: dict[str, str] = Field(default_factory=dict)
    latency_s: float = Field(default=0.0, ge=0)
    token_latency_s: float = Field(default=0.0, ge=0)
    faults: list[FaultKind | None] = Field(default_factory=list)
    cache_min_tokens: int = Field(default=1024, ge=0)
    max_tokens: int | None = Field(default=None, ge=0)
    structured: list[dict[str, Any]] = Field(default_factory=list)

    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _log: list[SimulatedRequest] = PrivateAttr(default_factory=list)
    _prefixes: set[bytes] = PrivateAttr(default_factory=set)

    @property
    def _llm_type(self) -> str:
        return "simulated-chat-model"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "simulated": True}

    @property
    def requests(self) -> list[SimulatedRequest]:
        """A snapshot of the calls so far, oldest first."""
        with self._lock:
            return list(self._log)

    def reset(self) -> None:
        """Forget the request log and the prompt-cache index."""
        with self._lock:
            self._log.clear()
            self._prefixes.clear()

    # -- the simulation -----------------------------------------------------

    def _next_fault(self) -> str | None:
        with self._lock:
            fault = self.faults.pop(0) if self.faults else None
        if fault is not None and fault not in FAULT_KINDS:
            raise ValueError(f"Unknown fault {fault!r}; use one of {sorted(FAULT_KINDS)} or None")
        return fault

    def _respond(
        self,
        messages: list[BaseMessage],
        fault: str | None,
        started: float,
        stop: list[str] | None,
        kwargs: dict[str, Any],
    ) -> AIMessage:
        """Compute the answer and usage, update the cache index, log the call."""
        counts = [_counter().count_message(m) for m in messages]
        input_tokens = sum(counts) + REPLY_PRIMING  # as count_messages bills a request
        hashes = _prefix_hashes(messages)
        last_human = next(
            (message_text(m).strip() for m in reversed(messages) if isinstance(m, HumanMessage)),
            "",
        )
        category = guess_category(last_human)
        error = FAULT_ERRORS.get(fault or "")
        with self._lock:
            shared = 0
            if error is None:
                for digest in hashes:
                    if digest not in self._prefixes:
                        break
                    shared += 1
                self._prefixes.update(hashes)
        cached = cacheable(sum(counts[:shared]), self.cache_min_tokens)
        if error is not None:
            self._record(messages, input_tokens, 0, "", None, fault, category, started)
            raise error(f"Simulated {fault} from {self.model_name} (an injected fault)")

        text, finish = self._answer(last_human, fault, hashes, stop, kwargs)
        output_tokens = count_text(text)
        self._record(messages, input_tokens, cached, text, finish, fault, category, started)
        return AIMessage(
            content=text,
            tool_calls=tool_calls(kwargs.get("tools"), text),
            usage_metadata=UsageMetadata(
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                total_tokens=input_tokens + output_tokens,
                input_token_details={"cache_read": cached},
            ),
            response_metadata={
                "model_name": self.model_name,
                "finish_reason": finish,
                "simulated": True,
            },
        )

    def _answer(
        self,
        last_human: str,
        fault: str | None,
        hashes: list[bytes],
        stop: list[str] | None,
        kwargs: dict[str, Any],
    ) -> tuple[str, str]:
        """The answer's text and finish reason: a queued fault's, a structured call's, a
        recorded one or an invented one, cut at ``stop`` and at the token limit."""
        finish = "stop"
        if fault == "empty":
            text = ""
        elif fault == "refusal":
            text = REFUSAL_TEXT
        else:
            known = self._structured(kwargs.get("tools"), hashes)
            known = self.answers.get(last_human) if known is None else known
            if known is None:
                seed = self.model_name.encode() + b"\0" + (hashes[-1] if hashes else b"")
                known = invent_answer(self.model_name, last_human, seed)
            text = known
            if fault == "truncated":
                text, finish = truncate_tokens(text, count_text(text) // 2), "length"
        for marker in stop or ():
            if marker and marker in text:
                text = text[: text.index(marker)]
        limit = kwargs.get("max_tokens", kwargs.get("max_completion_tokens", self.max_tokens))
        if limit is not None and count_text(text) > limit:
            text, finish = truncate_tokens(text, limit), "length"
        return text, finish

    def _structured(
        self, tools: Sequence[dict[str, Any]] | None, hashes: list[bytes]
    ) -> str | None:
        """The arguments of a structured-output call as JSON text (None: not one)."""
        if not tools:
            return None
        with self._lock:
            args = self.structured.pop(0) if self.structured else None
        if args is None:
            schema = tools[0]["function"].get("parameters") or {}
            args = fill_schema(schema, hashes[-1] if hashes else b"\0")
        return json.dumps(args)

    def bind_tools(
        self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools (as OpenAI's tool format): the model then answers with a call of the
        first one (``structured``)."""
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    def _record(
        self,
        messages: list[BaseMessage],
        input_tokens: int,
        cached: int,
        text: str,
        finish: str | None,
        fault: str | None,
        category: str,
        started: float,
    ) -> None:
        entry = SimulatedRequest(
            model_name=self.model_name,
            messages=list(messages),
            input_tokens=input_tokens,
            cached_input_tokens=cached,
            output_tokens=count_text(text),
            text=text,
            finish_reason=finish,
            fault=fault,
            category=category,
            started=started,
            ended=time.time(),
        )
        with self._lock:
            self._log.append(entry)

    def _call(
        self, messages: list[BaseMessage], stop: list[str] | None, kw: dict, *, whole: bool = True
    ) -> AIMessage:
        """The answer after the first-token latency (and, when ``whole``, all its tokens')."""
        started, fault = time.time(), self._next_fault()
        if self.latency_s:
            time.sleep(self.latency_s)
        message = self._respond(messages, fault, started, stop, kw)
        if whole and self.token_latency_s:
            time.sleep(self._piece_s(message) * len(_chunks(message.text)))
        return message

    async def _acall(
        self, messages: list[BaseMessage], stop: list[str] | None, kw: dict, *, whole: bool = True
    ) -> AIMessage:
        started, fault = time.time(), self._next_fault()
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        message = self._respond(messages, fault, started, stop, kw)
        if whole and self.token_latency_s:
            await asyncio.sleep(self._piece_s(message) * len(_chunks(message.text)))
        return message

    def _piece_s(self, message: AIMessage) -> float:
        """Seconds per streamed piece: the answer's output tokens at ``token_latency_s``."""
        pieces = len(_chunks(message.text))
        usage = message.usage_metadata
        tokens = usage["output_tokens"] if usage else 0
        return self.token_latency_s * tokens / pieces if pieces else 0.0

    @staticmethod
    def _stream_chunks(message: AIMessage) -> Iterator[ChatGenerationChunk]:
        """The answer's pieces, then a last chunk with its usage (no text)."""
        for piece in _chunks(message.text):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata=message.usage_metadata,
                response_metadata=dict(message.response_metadata),
                chunk_position="last",
            )
        )

    # -- BaseChatModel hooks ------------------------------------------------

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = self._call(messages, stop, kwargs)
        return ChatResult(
            generations=[ChatGeneration(message=message)],
            llm_output={"model_name": self.model_name},
        )

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = await self._acall(messages, stop, kwargs)
        return ChatResult(
            generations=[ChatGeneration(message=message)],
            llm_output={"model_name": self.model_name},
        )

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        message = self._call(messages, stop, kwargs, whole=False)
        pause = self._piece_s(message)
        for chunk in self._stream_chunks(message):
            if chunk.text and pause:
                time.sleep(pause)
            if run_manager and chunk.text:
                run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        message = await self._acall(messages, stop, kwargs, whole=False)
        pause = self._piece_s(message)
        for chunk in self._stream_chunks(message):
            if chunk.text and pause:
                await asyncio.sleep(pause)
            if run_manager and chunk.text:
                await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk


__all__ = [
    "FAULT_KINDS",
    "REFUSAL_TEXT",
    "FaultKind",
    "SimulatedChatModel",
    "SimulatedProviderError",
    "SimulatedRateLimitError",
    "SimulatedRequest",
    "SimulatedServerError",
    "SimulatedTimeoutError",
    "guess_category",
    "invent_answer",
]
