"""``evaluate_task``: the routing decision alone, with no model call and nothing written.

It classifies the request (the rules and the trained tier; never the cheap-model
tier, a model call) and runs the graph's own decision, ``decide.decide_turn``: the
A/B arm of ``thread_id``, the quality verdict, the budget fit (with nothing spent
yet: no budget book is read), the person's pick (``person``) and, when given a
cache and a scope, the answer cache's lookup. It writes no ledger, book or cache."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from contextlib import nullcontext

from langchain_core.messages import MessageLikeRepresentation, convert_to_messages

from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.cache.store import AnswerCache
from orchestrator_graph.config import (
    DEFAULT_MAIN_MODEL,
    DEFAULT_WORKER_MODEL,
    OrchestratorConfig,
)
from orchestrator_graph.resources import Resources
from orchestrator_graph.routing.classify import classify_request
from orchestrator_graph.routing.decide import decide_turn
from orchestrator_graph.state import Route, RoutingDecision


def evaluate_task(
    messages: Sequence[MessageLikeRepresentation],
    *,
    config: OrchestratorConfig | None = None,
    main_model: str = DEFAULT_MAIN_MODEL,
    worker_model: str = DEFAULT_WORKER_MODEL,
    digests: Mapping[str, str] | None = None,
    thread_id: str = "",
    prompts: Mapping[str, bytes | Sequence[str]] | None = None,
    person: Route | None = None,
    cache: AnswerCache | None = None,
    cache_scope: str | None = None,
    resources: Resources | None = None,
) -> RoutingDecision:
    """Decide where the last message of ``messages`` would run, without running it.

    ``messages`` may be anything LangChain's ``convert_to_messages`` accepts:
    messages, ``{"role": "user", "content": ...}`` dicts, ``("user", "...")``
    tuples or plain strings (user messages).

    Returns the route, its reasons and confidence, the profile, every option's
    estimated cost, the task of each worker (``decision.tasks``: brief, model,
    the message positions it would be sent), and the time the decision took
    (``decision_ms``). What the config's ledger taught (answer lengths, the adaptive
    state, and with a budget what the thread, the turn and the tenant spent) counts
    as in the graph: it is read through ``resources`` (the caller's, left open) or,
    without them, opened for the call and closed after; a ledger that does not exist
    yet is not created (nothing spent, nothing taught).

    The graph's state adds what the transcript alone does not say: ``digests``
    (the texts that stand for earlier answers), ``prompts`` (what each model was
    last sent, for its prompt-cache reads) and ``thread_id`` (its A/B arm). Below
    ``interrupt_below`` the graph asks a person; here ``person`` is the route that
    person picks (None: the decision stands and its reasons say a person would be
    asked). With ``cache`` (an open answer cache) and ``cache_scope`` (a run's
    ``RunContext.cache_scope``), a cacheable request is looked up in it, read only.

    Example:
        ```python
        from orchestrator_graph import evaluate_task

        decision = evaluate_task([
            {"role": "user", "content": "Write a haiku about autumn."},
            {"role": "assistant", "content": "Crisp leaves drift and fall..."},
            {"role": "user", "content": "Now make it about winter instead."},
        ])
        print(decision.route, decision.reasons)
        ```
    """
    options = config or OrchestratorConfig()
    transcript = convert_to_messages(messages)
    pricing = Pricing.resolve(main_model, worker_model, options)
    classifying = time.perf_counter()
    profile = classify_request(transcript, config=options)
    profile.classify_ms = (time.perf_counter() - classifying) * 1000
    # the ledger is opened only when there is one to read (Resources: ledger and cache)
    held = resources or Resources(options.updated({"cache": None}))
    with nullcontext(held) if resources is not None else held:
        ledger = held.existing_ledger()
        spent = held.book() if ledger is not None and options.budget is not None else None
        decision = decide_turn(
            transcript,
            profile,
            pricing=pricing,
            options=options,
            thread_id=thread_id,
            digests=digests,
            prompts=prompts,
            cache=cache,
            cache_scope=cache_scope,
            book=spent,
            ledger=ledger,
            ask=None if person is None else lambda _question: person,
        )
    decision.decision_ms += profile.classify_ms
    return decision
