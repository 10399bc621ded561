"""The routing decision: where a turn runs, on which model, and why.

Two choices are made apart. *Where*: the main session, one worker session, or
parallel workers, by context dependency and by price. *Which model* a worker
uses: the worker model for simple tasks; the main model for complex ones or for
categories that need it (a fresh minimal session saves context, not quality).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Literal

from langchain_core.messages import BaseMessage

from orchestrator_graph.config import OrchestratorConfig, Route
from orchestrator_graph.context import (
    latest_request,
    main_view,
    turns_of,
    worker_positions,
    worker_view,
)
from orchestrator_graph.estimate import (
    Pricing,
    expected_remaining_turns,
    price_main,
    price_workers,
    subtask_output_tokens,
)
from orchestrator_graph.state import CostEstimate, RoutingDecision, Scope, Subtask, TaskProfile
from orchestrator_graph.tokens import shared_counter

Tier = Literal["main", "worker"]
# Confidence needed to send a dependent turn to a worker with only the turns it names.
DEPENDENT_OFFLOAD_CONFIDENCE = 0.8


def model_tier(category: str, complexity: int, config: OrchestratorConfig) -> Tier:
    """The model a worker runs on: the main model for hard or sensitive work."""
    if complexity >= config.strong_worker_complexity or category in config.strong_categories:
        return "main"
    return "worker"


_SCOPE_TEXT = {
    "instructions": "the standing instructions only (self-contained)",
    "referenced": "the turns it refers to, and what they built on",
    "conversation": "the whole conversation",
}


def _groups(subtasks: Sequence[Subtask], size: int) -> list[list[Subtask]]:
    """Spread subtasks over at most ``size`` workers, in order."""
    count = min(size, len(subtasks))
    per, extra = divmod(len(subtasks), count)
    groups, start = [], 0
    for n in range(count):
        end = start + per + (1 if n < extra else 0)
        groups.append(list(subtasks[start:end]))
        start = end
    return groups


def depends_on_history(profile: TaskProfile, config: OrchestratorConfig) -> bool:
    """Whether the request counts as needing earlier turns (``context_threshold``)."""
    return profile.context_dependency >= config.context_threshold


def context_scope(
    profile: TaskProfile, history_tokens: int, tier: Tier, config: OrchestratorConfig
) -> Scope:
    """How much of the conversation a worker is sent, so that no turn is starved.

    ``instructions``: the standing instructions (and any turn the request overlaps
    strongly with), for a self-contained request; ``conversation``: everything,
    for a dependent request on the worker model when the history fits the worker
    view, and for any request on it when the history is short
    (``worker_history_tokens``: cheap with the prompt cache, and nothing can be
    missed); ``referenced``: the turns the request names, found with confidence,
    and what they built on. A strong-model request that needs the whole
    conversation is simply the main session.
    """
    dependent = depends_on_history(profile, config)
    cheap = tier == "worker"
    if not dependent:
        short = history_tokens <= config.worker_history_tokens
        return "conversation" if cheap and short else "instructions"
    if cheap and history_tokens <= config.worker_context_tokens:
        return "conversation"
    if profile.refers_to and profile.confidence >= DEPENDENT_OFFLOAD_CONFIDENCE:
        return "referenced"
    return "conversation"


def decide(
    messages: Sequence[BaseMessage],
    profile: TaskProfile,
    *,
    pricing: Pricing,
    config: OrchestratorConfig,
    digests: Mapping[str, str] | None = None,
    prompts: Mapping[str, Sequence[str]] | None = None,
) -> RoutingDecision:
    """Price every route for the last message of ``messages`` and pick one."""
    started = time.perf_counter()
    position, text = latest_request(messages)
    history = messages[:position]
    counter = shared_counter()
    remaining = expected_remaining_turns(messages, config)
    request_tokens = counter.count_message(messages[position])
    history_tokens = sum(counter.count_message(m) for m in history)

    tier = model_tier(profile.category, profile.complexity, config)
    scope = context_scope(profile, history_tokens, tier, config)
    dependent = depends_on_history(profile, config)
    all_turns = [t.index for t in turns_of(history)]
    # the main session shows in full every turn a dependent request might need
    expanded = all_turns if dependent else list(profile.refers_to)
    if scope == "conversation":
        positions = list(range(position))
    else:
        positions = worker_positions(history, profile.refers_to)
    context_tokens = (
        history_tokens
        if scope == "conversation"
        else sum(counter.count_message(messages[p]) for p in positions)
    )
    limit = config.worker_context_tokens
    fits = context_tokens <= limit
    view = main_view(messages, digests or {}, expand=expanded)
    main = price_main(
        view, request_tokens, profile, (prompts or {}).get(pricing.main_model, ()), pricing,
        config, remaining,
    )  # fmt: skip

    worker = price_workers(
        "worker_session",
        [worker_view(messages, positions, text)],
        [main.output_tokens],
        [tier],
        pricing,
        config,
        remaining,
        prompts,
    )
    independent = [s for s in profile.subtasks if not s.needs]
    parallel = None
    group_briefs: list[str] = []
    group_tiers: list[Tier] = []
    # independent subtasks of a self-contained request need no history at all
    fan_out = positions if dependent else worker_positions(history, profile.refers_to)
    if len(profile.subtasks) >= 2 and len(independent) == len(profile.subtasks):
        groups = _groups(profile.subtasks, config.max_parallel_workers)
        group_briefs = ["\n".join(s.text for s in g) for g in groups]
        group_tiers = [
            "main"
            if any(model_tier(s.category, s.complexity, config) == "main" for s in g)
            else "worker"
            for g in groups
        ]
        parallel = price_workers(
            "parallel_workers",
            [worker_view(messages, fan_out, brief) for brief in group_briefs],
            [subtask_output_tokens(g, request_tokens, config) for g in groups],
            group_tiers,
            pricing,
            config,
            remaining,
            prompts,
        )
    estimate = CostEstimate(main=main, worker=worker, parallel=parallel, remaining_turns=remaining)

    reasons: list[str] = [
        f"context dependency {profile.context_dependency:.2f} "
        f"({'; '.join(profile.signals)}), confidence {profile.confidence:.2f}",
        f"{profile.category}, complexity {profile.complexity}",
    ]
    budget = config.worker_cost_ratio * main.total_usd
    route: Route
    if config.force_route:
        route = config.force_route
        if route == "parallel_workers" and parallel is None:
            route = "worker_session"
        reasons.append(f"route forced to {config.force_route} by the config")
    elif not fits:
        route = "main_session"
        reasons.append(
            f"the context it needs ({context_tokens} tokens) exceeds the worker view "
            f"({limit}): kept in the main session"
        )
    elif scope == "conversation" and tier == "main":
        route = "main_session"
        reasons.append(
            "it may need any earlier turn and the strong model: kept in the main session"
        )
    elif parallel is not None and parallel.total_usd <= budget:
        route = "parallel_workers"
        reasons.append(
            f"{len(profile.subtasks)} independent subtasks on {len(group_briefs)} workers: "
            f"${parallel.total_usd:.6f} <= {config.worker_cost_ratio} x main ${main.total_usd:.6f}"
        )
    elif worker.total_usd <= budget:
        route = "worker_session"
        if profile.subtasks and parallel is None:
            reasons.append("its subtasks depend on each other: one worker keeps them in order")
        reasons.append(
            f"worker ${worker.total_usd:.6f} <= {config.worker_cost_ratio} x main "
            f"${main.total_usd:.6f}"
        )
    else:
        route = "main_session"
        reasons.append(
            f"a worker would cost ${worker.total_usd:.6f}, more than {config.worker_cost_ratio}"
            f" x main ${main.total_usd:.6f}: kept in the main session"
        )

    briefs: list[str] = []
    tiers: list[Tier] = []
    if route == "parallel_workers":
        briefs, tiers = group_briefs, group_tiers
        scope = scope if dependent else "instructions"
    elif route == "worker_session":
        briefs, tiers = [text], [tier]
    models = [pricing.of(t)[0] for t in tiers]
    if tiers:
        reasons.append(f"worker model: {', '.join(sorted(set(models)))} (by complexity/category)")
        reasons.append(f"worker context: {_SCOPE_TEXT[scope]}")
    return RoutingDecision(
        route=route,
        reasons=reasons,
        confidence=profile.confidence,
        profile=profile,
        estimate=estimate,
        worker_context=[list(fan_out if route == "parallel_workers" else positions)] * len(briefs),
        worker_briefs=briefs,
        worker_tiers=tiers,
        worker_models=models,
        scope=scope,
        expanded_turns=expanded,
        decision_ms=(time.perf_counter() - started) * 1000,
    )
