"""``evaluate_task``: the routing decision alone, with no model call."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from contextlib import nullcontext

from langchain_core.messages import MessageLikeRepresentation, convert_to_messages

from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.config import DEFAULT_MAIN_MODEL, DEFAULT_WORKER_MODEL, OrchestratorConfig
from orchestrator_graph.resources import Resources
from orchestrator_graph.routing.classify import classify_request
from orchestrator_graph.routing.plan import decide
from orchestrator_graph.state import RoutingDecision


def evaluate_task(
    messages: Sequence[MessageLikeRepresentation],
    *,
    config: OrchestratorConfig | None = None,
    main_model: str = DEFAULT_MAIN_MODEL,
    worker_model: str = DEFAULT_WORKER_MODEL,
    digests: Mapping[str, str] | None = None,
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
    state) counts as in the graph: it is read through ``resources`` (the caller's,
    left open) or, without them, opened for the call and closed after.

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
    started = time.perf_counter()
    options = config or OrchestratorConfig()
    transcript = convert_to_messages(messages)
    pricing = Pricing.resolve(main_model, worker_model, options)
    profile = classify_request(transcript, config=options)
    with nullcontext(resources) if resources is not None else Resources(options) as held:
        decision = decide(
            transcript, profile, pricing=pricing, options=options, digests=digests,
            ledger=held.existing_ledger(),
        )  # fmt: skip
    decision.decision_ms = (time.perf_counter() - started) * 1000
    return decision
