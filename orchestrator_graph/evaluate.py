"""``evaluate_task``: the routing decision alone, with no model call."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from langchain_core.messages import BaseMessage

from orchestrator_graph.classifier import classify_request
from orchestrator_graph.config import DEFAULT_MAIN_MODEL, DEFAULT_WORKER_MODEL, OrchestratorConfig
from orchestrator_graph.estimate import Pricing
from orchestrator_graph.routing import decide
from orchestrator_graph.state import RoutingDecision


def evaluate_task(
    messages: Sequence[BaseMessage],
    *,
    config: OrchestratorConfig | None = None,
    main_model: str = DEFAULT_MAIN_MODEL,
    worker_model: str = DEFAULT_WORKER_MODEL,
    digests: Mapping[str, str] | None = None,
) -> RoutingDecision:
    """Decide where the last message of ``messages`` would run, without running it.

    Returns the route, its reasons and confidence, the profile, every option's
    estimated cost, the message positions each worker would be sent, and the
    time the decision took (``decision_ms``).

    Example:
        ```python
        from langchain_core.messages import AIMessage, HumanMessage
        from orchestrator_graph import evaluate_task

        decision = evaluate_task([
            HumanMessage("Write a haiku about autumn."),
            AIMessage("Crisp leaves drift and fall..."),
            HumanMessage("Now make it about winter instead."),
        ])
        print(decision.route, decision.reasons)
        ```
    """
    started = time.perf_counter()
    config = config or OrchestratorConfig()
    pricing = Pricing.resolve(main_model, worker_model, config)
    profile = classify_request(messages, config=config)
    decision = decide(messages, profile, pricing=pricing, config=config, digests=digests)
    decision.decision_ms = (time.perf_counter() - started) * 1000
    return decision
