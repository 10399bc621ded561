"""Budgets that hold: every model call is reserved before it is made, settled after.

Every model call goes through :func:`guarded_call` (or its async form
:func:`aguarded_call`): the main session, the workers, merge's fallbacks and the
classifier's cheap-model tier. Limits (``config.BudgetLimits``) apply per thread,
per turn and per worker call, in USD and in tokens. Before a call, the guarded call
reserves its worst case (the input as counted by tiktoken plus an output cap) in the
budget holds (``holds.BudgetBook``), atomically across threads and processes, so
parallel workers cannot jointly overspend. The output cap is not a fixed maximum: it
is what the limits still allow, up to ``BudgetLimits.max_output_tokens``, and the
call is bound to it (``max_tokens``); only when not even
``MIN_USEFUL_OUTPUT_TOKENS`` fit is the call refused. After the call the hold is
settled to the actual cost (a failed call: what its attempts may have cost, $0
unless one timed out). A hold is keyed by thread, turn and call, so a call re-run
after a crash replaces its hold instead of counting twice.

Over budget:

- before the turn, ``routing.budget_fit.fit_budget`` takes the cheapest route or
  worker model whose forecast fits; when none does, ``cost_estimate`` raises
  :class:`BudgetExceeded` out of ``graph.invoke`` (nothing was called, the thread
  stays resumable with ``invoke(None, config)`` once the limit is raised);
- during the turn, a call whose reservation does not fit raises
  :class:`BudgetExceeded` instead of calling: a worker's subtask falls back to
  the main session, and if that does not fit either, ``merge`` raises it out of
  ``graph.invoke`` as ``main_session`` does (nothing enters the transcript).

The holds live where the ledger does (``ledger_path``'s file, or ``ledger_url``'s
Postgres database for several servers); with neither, in memory, per process.
A run's ``tenant`` (``RunContext.tenant``) adds the tenant limits of
``BudgetLimits``, across all its threads.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.runnables import RunnableConfig
from pydantic import BaseModel

from orchestrator_graph.accounting.calls import CallOutcome, CallPolicy, acall_model, call_model
from orchestrator_graph.accounting.holds import BudgetBook, OutputRoom
from orchestrator_graph.accounting.pricing import ModelPrice
from orchestrator_graph.config import BudgetLimits, OrchestratorConfig
from orchestrator_graph.conversation.tokens import count_messages
from orchestrator_graph.conversation.views import FittedView, fit_view, model_context_window
from orchestrator_graph.errors import BudgetExceeded, ModelCallError
from orchestrator_graph.resources import Resources
from orchestrator_graph.state import ModelCall

__all__ = [
    "MIN_USEFUL_OUTPUT_TOKENS",
    "BudgetBook",
    "BudgetExceeded",
    "OutputRoom",
    "aguarded_call",
    "budgeted_output_tokens",
    "guarded_call",
    "output_cap_reason",
    "thread_of",
]


def thread_of(config: RunnableConfig) -> str:
    """The thread id of a run ("" when the graph runs without a checkpointer)."""
    return str((config.get("configurable") or {}).get("thread_id", ""))


MIN_USEFUL_OUTPUT_TOKENS = 256  # a call that cannot be given this much output is refused


@dataclass(frozen=True)
class CallSite:
    """Where a guarded call is made: its thread, turn, hold key and node."""

    thread_id: str
    turn: int
    key: str
    node: str

    @property
    def hold(self) -> str:
        """The hold's key: unambiguous, and text Postgres stores (no NUL byte)."""
        return json.dumps([self.thread_id, self.turn, self.key])

    @property
    def worker(self) -> bool:
        return self.node == "spawn_subgraph"


def budgeted_output_tokens(
    settings: OrchestratorConfig,
    messages: Sequence[BaseMessage],
    *,
    book: BudgetBook,
    thread_id: str,
    turn: int,
    price: ModelPrice,
    node: str,
    key: str = "",
    max_tokens: int | None = None,
) -> OutputRoom | None:
    """The output cap the budget would give a call of ``messages`` now (nothing is held),
    and the limit that sets it (``book``: the graph's, ``Resources.book``); None without
    a budget. ``room.binding`` is not None when
    the budget, not ``max_tokens``, sets the cap: say so in the decision's reasons
    (:func:`output_cap_reason`)."""
    limits = settings.budget
    if limits is None:
        return None
    site = CallSite(thread_id, turn, key, node)
    return book.output_room(
        site.hold,
        thread_id=thread_id,
        turn=turn,
        input_tokens=count_messages(messages),
        price=price,
        wanted=_wanted(limits, max_tokens),
        limits=limits,
        worker=site.worker,
        tenant=settings.tenant,
    )


def output_cap_reason(room: OutputRoom | None, what: str = "the answer") -> str | None:
    """The reason line for a cap the budget set (None when it set none)."""
    if room is None or room.binding is None:
        return None
    b = room.binding
    return (
        f"budget: {what} capped at {max(room.tokens, 0)} output tokens "
        f"({b.scope} {b.unit} limit {b.limit:.6g}, {max(b.limit - b.used, 0):.6g} left)"
    )


def _wanted(limits: BudgetLimits, max_tokens: int | None) -> int:
    return min(max_tokens or limits.max_output_tokens, limits.max_output_tokens)


def _reserve(
    settings: OrchestratorConfig,
    book: BudgetBook,
    site: CallSite,
    input_tokens: int,
    *,
    model_name: str,
    price: ModelPrice,
    max_tokens: int | None,
) -> int | None:
    """Hold the call's worst case with the output cap the budget allows; the cap."""
    limits = settings.budget
    if limits is None:
        return max_tokens
    wanted = _wanted(limits, max_tokens)
    return book.reserve_call(
        site.hold,
        thread_id=site.thread_id,
        turn=site.turn,
        input_tokens=input_tokens,
        price=price,
        wanted=wanted,
        min_output=min(MIN_USEFUL_OUTPUT_TOKENS, wanted),
        limits=limits,
        worker=site.worker,
        tenant=settings.tenant,
        what=f"{site.node} on {model_name} ({input_tokens} input tokens + a useful answer)",
    )


def _billed(calls: Sequence[ModelCall]) -> tuple[float, int]:
    return sum(c.cost_usd for c in calls), sum(c.input_tokens + c.output_tokens for c in calls)


@dataclass(frozen=True)
class _Guard:
    """One guarded call's budget and ledger steps (blocking I/O: the async form runs
    each in a thread)."""

    settings: OrchestratorConfig
    resources: Resources  # the graph's book and ledger
    site: CallSite
    model_name: str
    price: ModelPrice

    def open(self, fitted: FittedView, max_tokens: int | None) -> tuple[str | None, int | None]:
        """Note what fitting cut, reserve the call; the trim note and the output cap."""
        trimmed = _note_trim(self.resources, self.site, fitted, self.model_name)
        cap = _reserve(
            self.settings,
            self.resources.book(),
            self.site,
            fitted.tokens_after,
            model_name=self.model_name,
            price=self.price,
            max_tokens=max_tokens,
        )
        return trimmed, cap

    def settle(self, calls: Sequence[ModelCall]) -> None:
        """Replace the hold by what ``calls`` cost (none: the call was interrupted)."""
        if self.settings.budget is not None:
            self.resources.book().settle(self.site.hold, *_billed(calls))

    def gave_up(self, error: ModelCallError) -> None:
        """Settle the hold to what the attempts may have cost and put them in the ledger."""
        self.settle(error.attempts)
        if (ledger := self.resources.ledger()) is not None:
            ledger.record_calls(
                self.site.thread_id, self.site.turn, error.attempts, self.settings.tenant
            )


def _note_trim(
    resources: Resources, site: CallSite, fitted: FittedView, model_name: str
) -> str | None:
    """What fitting cut from the view, written to the ledger's trims of the turn."""
    note = fitted.note(f"{site.node} view for {model_name}")
    if note and (ledger := resources.ledger()) is not None:
        ledger.record_trim(site.thread_id, site.turn, site.key, note)
    return note


def guarded_call(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    settings: OrchestratorConfig,
    resources: Resources,
    thread_id: str,
    turn: int,
    key: str,
    node: str,
    model_name: str,
    price: ModelPrice,
    max_tokens: int | None = None,
    window: int | None = None,
    schema: type[BaseModel] | None = None,
) -> CallOutcome:
    """The one way a model is called: on a view fitted to the model's window, under
    the budget, with the configured retries and timeout (``calls.call_model``).

    The view is fitted to ``window`` (else the model's own window:
    ``context.model_context_window``); what was cut is written to the ledger
    (``CostLedger.record_trim``, listed in the turn's ``trimmed``) and returned as
    ``CallOutcome.trimmed``.

    With a budget the output is capped at what the limits still allow (at most
    ``max_tokens`` or ``BudgetLimits.max_output_tokens``; ``CallOutcome.max_tokens``
    says which cap was used), so the actual cost cannot pass what was reserved.
    With ``schema`` the model is asked for structured output (``calls.structured_parts``:
    LangChain's ``with_structured_output``); the answer is the raw message for its parser.

    Raises :class:`BudgetExceeded` before calling when not even
    ``MIN_USEFUL_OUTPUT_TOKENS`` fit, ``ModelCallError`` when the call fails: its
    attempts are then written to the ledger here (no node has to) and its hold
    keeps what they may have cost (a timed-out attempt, ``billed_unknown``, its
    worst case). An answered call's attempts (``CallOutcome.calls``) are the node's
    to return in the turn's ``calls``. :func:`aguarded_call` is the async form.
    """
    guard = _Guard(settings, resources, CallSite(thread_id, turn, key, node), model_name, price)
    fitted = fit_view(messages, window or model_context_window(model, model_name))
    trimmed, cap = guard.open(fitted, max_tokens)
    try:
        outcome = call_model(
            model,
            fitted.messages,
            node=node,
            model_name=model_name,
            price=price,
            max_tokens=cap,
            policy=CallPolicy.from_config(settings),
            schema=schema,
        )
    except ModelCallError as error:
        guard.gave_up(error)
        raise
    except BaseException:  # interrupted before any answer: release the hold
        guard.settle([])
        raise
    guard.settle(outcome.calls)
    return replace(outcome, trimmed=trimmed)


async def aguarded_call(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    settings: OrchestratorConfig,
    resources: Resources,
    thread_id: str,
    turn: int,
    key: str,
    node: str,
    model_name: str,
    price: ModelPrice,
    max_tokens: int | None = None,
    window: int | None = None,
    schema: type[BaseModel] | None = None,
) -> CallOutcome:
    """:func:`guarded_call` in async (``calls.acall_model``: the model's ``ainvoke``, a
    timed-out attempt cancelled); the budget and ledger I/O runs in threads, so the
    event loop never blocks on it."""
    guard = _Guard(settings, resources, CallSite(thread_id, turn, key, node), model_name, price)
    fitted = fit_view(messages, window or model_context_window(model, model_name))
    trimmed, cap = await asyncio.to_thread(guard.open, fitted, max_tokens)
    try:
        outcome = await acall_model(
            model,
            fitted.messages,
            node=node,
            model_name=model_name,
            price=price,
            max_tokens=cap,
            policy=CallPolicy.from_config(settings),
            schema=schema,
        )
    except ModelCallError as error:
        await asyncio.to_thread(guard.gave_up, error)
        raise
    except BaseException:  # cancelled or interrupted before any answer: release the hold
        await asyncio.to_thread(guard.settle, [])
        raise
    await asyncio.to_thread(guard.settle, outcome.calls)
    return replace(outcome, trimmed=trimmed)
