"""The cheap-model tier: the worker model asked whether a request needs earlier turns.

A plain prompt asks for a JSON object (simulated and self-hosted models may not
support structured output or tools); the answer is parsed leniently. Its call is
the guarded call (``budget.guarded_call``, key and node ``classify``) every model
call is: reserved against the budget, retried and timed out as configured; its
attempts are returned as ``ModelCall`` rows for the turn's ``calls``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from orchestrator_graph.accounting.budget import aguarded_call, guarded_call
from orchestrator_graph.accounting.pricing import ModelPrice
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.conversation.tokens import message_text
from orchestrator_graph.conversation.views import last_turn, latest_request
from orchestrator_graph.errors import BudgetExceeded, ModelCallError
from orchestrator_graph.resources import Resources
from orchestrator_graph.routing.classify.segments import LOOKBACK_TURNS, recent_turns
from orchestrator_graph.state import ModelCall, TaskProfile

PROMPT = (
    "You route chat requests. Given the numbered earlier user turns and the new request, "
    "answer with one JSON object and nothing else: "
    '{"needs_earlier_turns": true|false, "turns": [indices of the earlier turns it needs]}'
)
_OBJECT = re.compile(r"\{.*\}", re.S)
_SNIPPET = 300
ANSWER_TOKENS = 128  # the output cap of the call: the JSON answer is a few dozen tokens


def classification_prompt(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """The short prompt: the recent user turns (clipped, at most ``LOOKBACK_TURNS``,
    so its size does not grow with the thread) and the request."""
    _, text = latest_request(messages)
    turns = recent_turns(messages, LOOKBACK_TURNS)
    lines = [f"[{t.index}] {message_text(messages[t.start])[:_SNIPPET]}" for t in turns]
    body = "Earlier turns:\n" + "\n".join(lines) + f"\n\nNew request:\n{text[:2000]}"
    return [SystemMessage(PROMPT), HumanMessage(body)]


def parse_answer(text: str, turns: int) -> tuple[bool, list[int]] | None:
    """``(needs_earlier_turns, turns)`` from the model's answer; None when unreadable."""
    match = _OBJECT.search(text)
    if not match:
        return None
    try:
        data = json.loads(match.group(0))
    except json.JSONDecodeError:
        return None
    needs = data.get("needs_earlier_turns") if isinstance(data, dict) else None
    if not isinstance(needs, bool):
        return None
    refs = data.get("turns") or []
    if not isinstance(refs, list):
        return None
    return needs, sorted({r for r in refs if isinstance(r, int) and 0 <= r < turns})


def _arguments(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    settings: OrchestratorConfig,
    resources: Resources,
    thread_id: str,
    model_name: str,
    price: ModelPrice,
) -> dict[str, Any]:
    """The guarded call that asks the model (key and node ``classify``)."""
    return {
        "model": model,
        "messages": classification_prompt(messages),
        "settings": settings,
        "resources": resources,
        "thread_id": thread_id,
        "turn": last_turn(messages).index,
        "key": "classify",
        "node": "classify",
        "model_name": model_name,
        "price": price,
        "max_tokens": ANSWER_TOKENS,  # reserved against the budget as such, not 8k
    }


def ask_model(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    profile: TaskProfile,
    *,
    settings: OrchestratorConfig,
    resources: Resources,
    thread_id: str,
    model_name: str,
    price: ModelPrice,
) -> tuple[TaskProfile, list[ModelCall]]:
    """The profile revised by the model's answer, and its priced calls (retries first).

    The call is ``budget.guarded_call``: reserved against the budget, retried and timed
    out as configured. A call that fails after its retries, or that the budget refuses,
    leaves the rules' profile as it was (its attempts are billed all the same).
    """
    args = _arguments(
        model, messages, settings=settings, resources=resources, thread_id=thread_id,
        model_name=model_name, price=price,
    )  # fmt: skip
    try:
        outcome = guarded_call(**args)
    except (ModelCallError, BudgetExceeded) as error:
        return _not_asked(profile, error)
    return revise(profile, messages, outcome.answer), outcome.calls


async def aask_model(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    profile: TaskProfile,
    *,
    settings: OrchestratorConfig,
    resources: Resources,
    thread_id: str,
    model_name: str,
    price: ModelPrice,
) -> tuple[TaskProfile, list[ModelCall]]:
    """:func:`ask_model` in async (``budget.aguarded_call``)."""
    args = _arguments(
        model, messages, settings=settings, resources=resources, thread_id=thread_id,
        model_name=model_name, price=price,
    )  # fmt: skip
    try:
        outcome = await aguarded_call(**args)
    except (ModelCallError, BudgetExceeded) as error:
        return _not_asked(profile, error)
    return revise(profile, messages, outcome.answer), outcome.calls


def _not_asked(
    profile: TaskProfile, error: ModelCallError | BudgetExceeded
) -> tuple[TaskProfile, list[ModelCall]]:
    """The rules' profile, and the failed attempts (none when the budget refused)."""
    kept = profile.model_copy(deep=True)
    kept.signals.append(f"cheap model: {type(error).__name__}, rules kept")
    return kept, list(getattr(error, "attempts", []))


def revise(profile: TaskProfile, messages: Sequence[BaseMessage], answer: AIMessage) -> TaskProfile:
    """The profile revised by the model's answer.

    The model can only add caution: a request it says needs earlier turns gets
    them (and stays in the main session unless they are named); an unreadable
    answer leaves the rules' profile as it was.
    """
    recent = recent_turns(messages, 1)
    parsed = parse_answer(message_text(answer), recent[-1].index + 1 if recent else 0)
    revised = profile.model_copy(deep=True)
    revised.tier = "cheap_model"
    if parsed is None:
        revised.signals.append("cheap model: unreadable answer, rules kept")
        return revised
    needs, refs = parsed
    revised.signals.append(f"cheap model: needs earlier turns={needs}, turns={refs}")
    if needs:
        revised.context_dependency = max(revised.context_dependency, 0.7)
        revised.refers_to = sorted(set(revised.refers_to) | set(refs))
        revised.confidence = min(revised.confidence, 0.6) if not refs else revised.confidence
    return revised
