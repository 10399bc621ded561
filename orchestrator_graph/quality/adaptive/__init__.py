"""The router adapts online from quality feedback; one learner decides a turn.

- The shadow judge's verdicts teach the tenant's own request model (``tenant``,
  ``learner``: a posterior over the shipped model's features, a guarded threshold and
  change detection), which decides the tenant's turns once it has spoken: the path
  the stream replay (``lab.stream``) measures.
- People's feedback (``feedback.record_outcome``) teaches, per A/B arm and category,
  a Thompson sampler over "the cheap answer was good enough" (``thompson``), with a
  guard that closes the cheap route at once when its observed quality falls below
  the target; it decides where no tenant model has spoken.

The state is kept in the ledger (table ``adaptive``) and survives a restart.

On by default (``OrchestratorConfig.quality.adaptive``), but it changes nothing until a
category of an arm has quality feedback: feedback is the opt-in, and without it
the offline calibration is all there is to go on.
"""

from __future__ import annotations

import dataclasses
import random
from typing import Any

from pydantic import BaseModel, Field

from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.quality.adaptive.thompson import ArmState
from orchestrator_graph.quality.decision import QualityVerdict


class TurnQuality(BaseModel):
    """What a turn's quality feedback is learned against, stored with the turn."""

    key: str = Field(description="the learned state's key: arm and category")
    p_cheap_ok: float = Field(ge=0, le=1)
    threshold: float = Field(ge=0, le=1)
    min_quality: float = Field(ge=0, le=1)
    cheap: bool = Field(default=False, description="the cheap model alone answered")


def state_key(arm: str | None, category: str) -> str:
    """The key of an arm's category (each A/B arm learns on its own)."""
    return f"{arm or ''}/{category}"


def adapt_verdict(
    verdict: QualityVerdict, *, ledger: CostLedger, key: str, seed: str
) -> QualityVerdict:
    """``verdict`` decided by the learned state of ``key`` in ``ledger``, when there is
    one; ``seed`` makes the draw of a turn the same when its decision is made again."""
    if not verdict.in_domain:
        return verdict
    data = ledger.adaptive_state(key)
    if data is None:
        return verdict
    cheap, note = ArmState.from_json(data).decide(
        verdict.p_weak_ok, verdict.min_quality, random.Random(f"{seed}/{key}")
    )
    return dataclasses.replace(verdict, cheap_ok=cheap, adapted=f"adaptive {key}: {note}")


def learn(ledger: CostLedger, quality: TurnQuality, score: float) -> dict[str, Any]:
    """Learn one turn's score (0-1) into its key's state; the state after it."""

    def update(data: dict[str, Any] | None) -> dict[str, Any]:
        state = (
            ArmState.prior(quality.threshold, quality.min_quality)
            if data is None
            else ArmState.from_json(data)
        )
        state.observe(quality.p_cheap_ok, quality.cheap, score, quality.min_quality)
        return state.to_json()

    return ledger.update_adaptive(quality.key, update)


__all__ = ["ArmState", "TurnQuality", "adapt_verdict", "learn", "state_key"]
