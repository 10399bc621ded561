"""``decide_turn``: the one decision of a turn, for the graph, ``evaluate_task``, the
service and the lab.

The steps, in order: the thread's A/B arm (``ab``), the plan (context needed, the
quality verdict, every option priced), the choice, the answer cache, the person's
pick, the budget fit. A cache hit turns the decision into route ``cache`` and skips
the person and the budget (it asks no one and spends nothing).

Everything a step reads is passed in: the run's options, the thread id, the
conversation's digests and prompt fingerprints, the cache (with its scope) and the
budget book. ``decide_turn`` writes nothing: the cache and the book are only read
(a missing one is skipped: no lookup; nothing spent yet), and the ledger is read
only for what feedback taught (``adaptive``). The person step calls ``ask`` with
the question; the graph passes LangGraph's ``interrupt`` (the only call that must
run inside a graph), ``evaluate_task`` a function that answers with the route it
was given, or None: then no one is asked and the reasons say so. The one model call a
decision may make is the cache's grey-zone confirmation (``confirm``: the graph passes
``cache.confirm.Confirmer``, whose guarded call is billed to the turn).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from langchain_core.messages import BaseMessage

from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.accounting.holds import BudgetBook
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.cache.store import AnswerCache
from orchestrator_graph.cache.turn import Confirm, cacheable, look_up
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.routing.ab import arm_options
from orchestrator_graph.routing.budget_fit import CHEAP_WORKERS, fit_budget
from orchestrator_graph.routing.choice import choose_route
from orchestrator_graph.routing.person import Ask, ask_person
from orchestrator_graph.routing.plan import RoutingPlan, decision_for, plan_turn
from orchestrator_graph.state import RoutingDecision, TaskProfile


def decide_turn(
    messages: Sequence[BaseMessage],
    profile: TaskProfile,
    *,
    pricing: Pricing,
    options: OrchestratorConfig,
    thread_id: str = "",
    digests: Mapping[str, str] | None = None,
    prompts: Mapping[str, bytes | Sequence[str]] | None = None,
    cache: AnswerCache | None = None,
    cache_scope: str | None = None,
    book: BudgetBook | None = None,
    ledger: CostLedger | None = None,
    ask: Ask | None = None,
    confirm: Confirm | None = None,
) -> RoutingDecision:
    """Decide where the last message of ``messages`` runs.

    ``options`` are the run's (``config.run_options``); the thread's A/B arm, if
    any, is applied here. ``cache`` is looked up (read only) when a ``cache_scope``
    is given and the turn is cacheable. ``book`` says what the thread, turn and
    tenant spent (None: nothing yet). ``ledger`` holds what feedback and earlier turns
    taught (learned answer lengths, the adaptive router; None: nothing). ``ask`` asks a person below
    ``interrupt_below`` (see the module docstring). ``confirm`` asks the worker model about a
    grey-zone cache candidate (``cache.confirm``; None: never).

    Raises :class:`BudgetExceeded` when no route fits the budget left.
    """
    started = time.perf_counter()
    run, arm = arm_options(options, thread_id)

    def plan(opts: OrchestratorConfig) -> RoutingPlan:
        return plan_turn(
            messages, profile, pricing=pricing, options=opts, digests=digests,
            prompts=prompts, thread_id=thread_id, arm=arm, ledger=ledger,
        )  # fmt: skip

    planned = plan(run)
    choice = choose_route(planned.profile, planned.needs, planned.priced, run)
    decision = decision_for(planned, choice, thread_id=thread_id)
    if cache is not None and cache_scope is not None and cacheable(messages, profile, run):
        decision = look_up(
            messages, decision, cache=cache, scope=cache_scope, options=run, confirm=confirm
        )
    if decision.route != "cache":  # a hit asks no one and spends nothing
        decision = ask_person(decision, planned, thread_id=thread_id, ask=ask)
        if run.budget is not None:
            cheap = plan(run.updated(CHEAP_WORKERS))
            decision = fit_budget(decision, planned, cheap, thread_id=thread_id, book=book)
    decision.decision_ms = (time.perf_counter() - started) * 1000
    return decision
