"""``ShadowConfig``: the shadow judge's settings (``OrchestratorConfig.shadow``).

Kept apart from ``config.py`` so the config imports nothing of the quality package
(which imports the config); the runner is ``quality.shadow``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ShadowConfig(BaseModel):
    """The shadow judge: after a sampled turn has answered, off its critical path, the
    other model answers the same view and a judge says, in both orders, whether the
    cheap answer is as good as the strong one. The verdict is feedback on the turn
    (``source="shadow"``: the adaptive router learns it) and a label in the ledger
    (``orchestrator-graph quality train --ledger``).

    Off unless configured (``OrchestratorConfig(shadow=ShadowConfig())``): it spends
    money the user did not ask for and keeps request text in the ledger, so it is an
    opt-in, like the answer cache. Set, its defaults label about one turn in twenty
    (where labels are cheap: strong-answered turns get a cheap shadow and a cheap
    judge) within $1 per tenant and day. Needs a ledger.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    enabled: bool = True
    """False keeps the settings but samples no turn."""
    rate: float = Field(default=0.05, ge=0, le=1)
    """The mean share of strong-answered turns that get a shadow; sampling favours the
    turns the router is least sure of (``quality.sampling``)."""
    strong_share: float = Field(default=0.2, ge=0, le=1)
    """Cheap-answered turns are sampled at ``rate x strong_share``: their shadow is a
    strong call (dear labels that keep the guard honest)."""
    daily_usd: float = Field(default=1.0, gt=0, le=1e6)
    """The most the shadow and judge calls of one tenant (runs without one share a key)
    may cost per UTC day: each call is reserved against it before it is made, so it is
    never exceeded. They are also reserved under the run's own ``BudgetLimits``."""
    judge: Literal["cheap", "strong"] = "cheap"
    """The model that judges: the cheap one (labels at cheap prices; a cheap judge
    disagrees with a strong one on about one verdict in six) or the strong one."""
    judge_max_tokens: int = Field(default=512, ge=64, le=8192)
    """Output cap of one judge call (a short reason and a verdict)."""
    shadow_max_tokens: int = Field(default=2048, ge=64, le=100_000)
    """Output cap of the shadow answer."""
