"""Which model a worker runs on: a pure step, ``(task, options, quality) -> TierChoice``.

With a quality target (``OrchestratorConfig.quality.min_quality``) the quality model's
verdict decides: the cheap model only when its predicted quality clears the
calibrated threshold (``quality.judge_quality``, computed once per turn by
``quality_verdict``). Without a target, or where the model abstains (a request
unlike its training data, where its calibration says nothing), the worker model
for simple tasks and the main model for complex ones. Categories in
``strong_categories`` always run on the main model. A fresh minimal session on the
main model saves context, not quality.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.messages import BaseMessage

from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.quality import QualityVerdict, judge_quality, load_quality_model
from orchestrator_graph.quality.adaptive import adapt_verdict, state_key
from orchestrator_graph.quality.adaptive.tenant import tenant_verdict
from orchestrator_graph.state import Subtask, TaskProfile, Tier


@dataclass(frozen=True)
class TierChoice:
    """The model tier of a worker, why, and the quality verdict it rests on (if any)."""

    tier: Tier
    reasons: tuple[str, ...]
    quality: QualityVerdict | None = None


def quality_verdict(
    messages: Sequence[BaseMessage],
    profile: TaskProfile,
    options: OrchestratorConfig,
    *,
    arm: str | None = None,
    seed: str = "",
    ledger: CostLedger | None = None,
) -> QualityVerdict | None:
    """The quality model's verdict on the turn, or None without a quality target;
    with ``adaptive`` and a ``ledger``: decided by the run's tenant's model learned from
    shadow verdicts once it has spoken (``adaptive.tenant.tenant_verdict``, the one
    learner the stream replay measures; the runs without a tenant share one), else by
    what people's feedback taught the ``arm``'s category (``adaptive.adapt_verdict``;
    ``seed``: the turn, for its draw)."""
    if options.quality.min_quality is None:
        return None
    model = load_quality_model(options.quality.quality_model_path)  # loaded once per path
    verdict = judge_quality(
        messages, min_quality=options.quality.min_quality, model=model, profile=profile
    )
    if not options.quality.adaptive or ledger is None:
        return verdict
    learned = tenant_verdict(
        verdict, ledger=ledger, tenant=options.tenant, messages=messages,
        profile=profile, model=model,
    )  # fmt: skip
    if learned is not verdict:
        return learned
    return adapt_verdict(verdict, ledger=ledger, key=state_key(arm, profile.category), seed=seed)


def choose_tier(
    task: TaskProfile | Subtask,
    options: OrchestratorConfig,
    quality: QualityVerdict | None = None,
) -> TierChoice:
    """The main model for sensitive work or a predicted loss of quality (by
    complexity without a verdict), else the worker model."""
    if task.category in options.quality.strong_categories:
        return TierChoice("main", (f"{task.category} runs on the main model",), quality)
    if quality is not None and quality.in_domain:
        return TierChoice("worker" if quality.cheap_ok else "main", (quality.reason,), quality)
    abstained = (quality.reason,) if quality is not None else ()
    if task.complexity >= options.quality.strong_worker_complexity:
        strong_from = options.quality.strong_worker_complexity
        why = f"complexity {task.complexity} >= {strong_from}: main model"
        return TierChoice("main", (*abstained, why), quality)
    why = f"{task.category}, complexity {task.complexity}: worker model"
    return TierChoice("worker", (*abstained, why), quality)


def choose_group_tier(
    group: Sequence[Subtask], options: OrchestratorConfig, quality: QualityVerdict | None = None
) -> TierChoice:
    """One worker's tier for several subtasks: the main model if any of them needs it."""
    choices = [choose_tier(s, options, quality) for s in group]
    strong = [c for c in choices if c.tier == "main"]
    if strong:
        return strong[0]
    return choices[0] if choices else TierChoice("worker", (), quality)


def model_tier(category: str, complexity: int, options: OrchestratorConfig) -> Tier:
    """``choose_tier`` of a bare category and complexity without a quality verdict."""
    task = Subtask(text="", category=category, complexity=complexity)  # type: ignore[arg-type]
    return choose_tier(task, options).tier
