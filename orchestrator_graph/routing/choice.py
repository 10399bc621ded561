"""Which option wins, and why: thresholds over the priced options.

Scoring (the profile, the prices) is done before; this step only compares, in
a fixed order: a forced route, a context that does not fit a worker, a request
that needs the whole conversation and the strong model, then price against
``worker_cost_ratio`` x the main session's calls (plus what the turn adds to
later main calls, compared as is).
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.routing.needs import ContextNeeds
from orchestrator_graph.routing.options import PricedOptions
from orchestrator_graph.state import Route, TaskProfile


@dataclass(frozen=True)
class RouteChoice:
    route: Route
    reasons: tuple[str, ...]


def profile_reasons(profile: TaskProfile) -> list[str]:
    """What the decision rests on, from the classifier."""
    return [
        f"context dependency {profile.context_dependency:.2f} "
        f"({'; '.join(profile.signals)}), confidence {profile.confidence:.2f}",
        f"{profile.category}, complexity {profile.complexity}",
    ]


def forced(route: Route, priced: PricedOptions, why: str) -> RouteChoice:
    """``route`` whatever the prices (one worker when the request does not split)."""
    if route == "parallel_workers" and priced.estimate.parallel is None:
        route = "worker_session"
    return RouteChoice(route, (why,))


def choose_route(
    profile: TaskProfile, needs: ContextNeeds, priced: PricedOptions, options: OrchestratorConfig
) -> RouteChoice:
    """The route of the turn and the reason it won."""
    if options.routing.force_route:
        return forced(
            options.routing.force_route,
            priced,
            f"route forced to {options.routing.force_route} by the config",
        )
    estimate, ratio = priced.estimate, options.routing.worker_cost_ratio
    main, worker, parallel = estimate.main, estimate.worker, estimate.parallel
    assert worker is not None  # priced.estimate always prices one worker
    # the ratio is the margin the turn's calls must win by; what the turn adds to later
    # main calls (nearly the same on both routes for short texts) is compared as is
    budget = ratio * main.call_usd + main.growth_usd
    than_main = (  # one reading: (ratio x the main call) + the main route's growth
        f"{ratio} x main call ${main.call_usd:.6f} + main growth ${main.growth_usd:.6f}"
        f" = ${budget:.6f}"
    )
    if not needs.fits_worker(options):
        return RouteChoice(
            "main_session",
            (
                f"the context it needs ({needs.context_tokens} tokens) exceeds the worker "
                f"view ({options.sessions.worker_context_tokens}): kept in the main session",
            ),
        )
    if needs.scope == "conversation" and priced.tier.tier == "main":
        return RouteChoice(
            "main_session",
            ("it may need any earlier turn and the strong model: kept in the main session",),
        )
    if parallel is not None and parallel.total_usd <= budget:
        return RouteChoice(
            "parallel_workers",
            (
                f"{len(profile.subtasks)} independent subtasks on {len(priced.briefs)} workers: "
                f"${parallel.total_usd:.6f} <= {than_main}",
            ),
        )
    if worker.total_usd <= budget:
        reasons = [f"worker ${worker.total_usd:.6f} <= {than_main}"]
        if profile.subtasks and parallel is None:
            reasons.insert(0, "its subtasks depend on each other: one worker keeps them in order")
        return RouteChoice("worker_session", tuple(reasons))
    return RouteChoice(
        "main_session",
        (
            f"a worker would cost ${worker.total_usd:.6f}, more than {than_main}: "
            "kept in the main session",
        ),
    )
