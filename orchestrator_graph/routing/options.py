"""What each option costs: the main session, one worker, parallel workers, priced.

The prices and token forecasts are ``routing.costs``; this step applies them to
the views ``routing.needs`` chose, and groups independent subtasks for the
parallel option.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from orchestrator_graph.accounting.estimates import (
    NOTHING_LEARNED,
    LearnedCosts,
    Pricing,
    expected_remaining_turns,
    price_main,
    price_workers,
    subtask_output_tokens,
)
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.conversation.views import main_view_tokens, worker_view
from orchestrator_graph.routing.needs import ContextNeeds, TurnFacts
from orchestrator_graph.routing.tiers import TierChoice, choose_group_tier
from orchestrator_graph.state import CostEstimate, Subtask, TaskProfile


@dataclass(frozen=True)
class PricedOptions:
    """Every route priced, with the worker tiers and subtask groups it assumed."""

    estimate: CostEstimate
    tier: TierChoice
    briefs: list[str]  # the parallel workers' briefs (empty: no parallel option)
    group_tiers: list[TierChoice]


def subtask_groups(subtasks: Sequence[Subtask], size: int) -> list[list[Subtask]]:
    """Spread subtasks over at most ``size`` workers, in order."""
    count = min(size, len(subtasks))
    per, extra = divmod(len(subtasks), count)
    groups, start = [], 0
    for n in range(count):
        end = start + per + (1 if n < extra else 0)
        groups.append(list(subtasks[start:end]))
        start = end
    return groups


def can_fan_out(profile: TaskProfile) -> bool:
    """Two or more subtasks, none needing another's result."""
    return len(profile.subtasks) >= 2 and all(not s.needs for s in profile.subtasks)


def price_options(
    facts: TurnFacts,
    profile: TaskProfile,
    needs: ContextNeeds,
    tier: TierChoice,
    *,
    pricing: Pricing,
    options: OrchestratorConfig,
    digests: Mapping[str, str] | None = None,
    prompts: Mapping[str, bytes | Sequence[str]] | None = None,
    learned: LearnedCosts = NOTHING_LEARNED,
) -> PricedOptions:
    """Price the main session, one worker on ``tier`` and, when the request splits,
    parallel workers (each group on the tier its subtasks need); answer lengths and
    remaining turns as the ledger taught (``learned``)."""
    messages, prompts = facts.messages, prompts or {}
    remaining = expected_remaining_turns(messages, options, learned)
    previous = prompts.get(pricing.main_model, ())
    view = main_view_tokens(messages, digests or {}, needs.expanded, previous)
    main = price_main(facts, view, profile, pricing, options, remaining, learned)
    worker = price_workers(
        "worker_session",
        [worker_view(messages, needs.positions, facts.text)],
        [main.output_tokens],
        [tier.tier],
        pricing,
        options,
        remaining,
        prompts,
        request_tokens=facts.request_tokens,
    )
    parallel, briefs, group_tiers = None, [], []
    if can_fan_out(profile):
        groups = subtask_groups(profile.subtasks, options.routing.max_parallel_workers)
        briefs = ["\n".join(s.text for s in g) for g in groups]
        group_tiers = [choose_group_tier(g, options, tier.quality) for g in groups]
        parallel = price_workers(
            "parallel_workers",
            [worker_view(messages, needs.fan_out, brief) for brief in briefs],
            [subtask_output_tokens(g, facts.request_tokens, learned) for g in groups],
            [t.tier for t in group_tiers],
            pricing,
            options,
            remaining,
            prompts,
            request_tokens=facts.request_tokens,
        )
    estimate = CostEstimate(main=main, worker=worker, parallel=parallel, remaining_turns=remaining)
    return PricedOptions(estimate=estimate, tier=tier, briefs=briefs, group_tiers=group_tiers)
