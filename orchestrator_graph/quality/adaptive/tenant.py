"""A tenant's learner (``learner.TenantLearner``) kept in the ledger, for the runtime.

Two entry points, the same learning the lab's stream replay runs:

- ``learn_verdict``: the shadow judge's verdict on a turn ("the cheap answer is as
  good as the strong one", 0-1) learned into the tenant's model; called by the
  shadow runner after each verdict, off the turn's critical path.
- ``tenant_verdict``: the decision path's step (``routing.tiers.quality_verdict``):
  the shipped model's verdict replaced by the tenant's learned one once it is ready;
  before, a request the shipped model abstains on goes to the strong model while the
  tenant is being learned (``TenantLearner.decide``). A tenant without verdicts keeps
  the shipped verdict. The runs without a tenant (``tenant=None``) share one model.

The ledger's ``adaptive`` table holds, per tenant, the whole learner (its labelled
rows: up to ``MAX_LABELS`` of float16 features) under ``tenant/<id>/learner`` and the
few numbers a decision reads under ``tenant/<id>/model``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from langchain_core.messages import BaseMessage

from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.quality.adaptive.learner import TenantLearner
from orchestrator_graph.quality.decision import QualityVerdict
from orchestrator_graph.quality.features import feature_matrix
from orchestrator_graph.quality.model import QualityModel, load_quality_model
from orchestrator_graph.state import TaskProfile


def learner_key(tenant: str | None) -> str:
    """Where ``tenant``'s learner is kept (None: the runs without a tenant, one model)."""
    return f"tenant/{tenant or ''}/learner"


def model_key(tenant: str | None) -> str:
    """Where the numbers a decision reads of ``tenant``'s model are kept."""
    return f"tenant/{tenant or ''}/model"


def _inputs(
    model: QualityModel, messages: Sequence[BaseMessage], profile: TaskProfile | None
) -> np.ndarray:
    matrix = feature_matrix([messages], model.feature_set, profiles=[profile])
    return TenantLearner.prior(model).inputs(model, matrix)


def learn_verdict(
    ledger: CostLedger,
    tenant: str | None,
    messages: Sequence[BaseMessage],
    verdict: float,
    *,
    probability: float,
    min_quality: float,
    model: QualityModel | None = None,
    profile: TaskProfile | None = None,
) -> dict[str, Any]:
    """Learn one shadow verdict on the request ``messages`` of ``tenant``'s turn.

    ``verdict``: 1 the cheap answer is as good as the strong one, 0 worse, 0.5 a
    split verdict; ``probability``: the chance the sampler gave the turn
    (``quality.sampling.shadow_probability``); ``model``: the shipped prior (None:
    the default). Returns the decision state stored under ``model_key(tenant)``.
    """
    prior = model or load_quality_model()
    row = _inputs(prior, messages, profile)

    def update(data: dict[str, Any] | None) -> dict[str, Any]:
        learner = TenantLearner.prior(prior) if data is None else TenantLearner.from_json(data)
        learner.observe(row, verdict, probability, prior, min_quality)
        return learner.to_json()

    stored = TenantLearner.from_json(ledger.update_adaptive(learner_key(tenant), update))
    decision = {
        "coef": stored.coef.tolist(),
        "bias": stored.bias,
        "threshold": stored.threshold,
        "ready": stored.ready,
        "labels": stored.labels,
        "drift_fired": stored.drift_fired,
    }
    return ledger.update_adaptive(model_key(tenant), lambda _: decision)


def tenant_verdict(
    verdict: QualityVerdict,
    *,
    ledger: CostLedger,
    tenant: str | None,
    messages: Sequence[BaseMessage],
    profile: TaskProfile | None = None,
    model: QualityModel | None = None,
) -> QualityVerdict:
    """``verdict`` decided by ``tenant``'s learned model when it has one (see the
    module docstring); unchanged for a tenant without verdicts."""
    data = ledger.adaptive_state(model_key(tenant))
    if data is None:
        return verdict
    prior = model or load_quality_model()
    learner = TenantLearner(coef=np.array(data["coef"]), bias=float(data["bias"]))
    p = float(learner.predict(_inputs(prior, messages, profile))[0])
    labels = int(data["labels"])
    if data["ready"]:
        threshold = float(data["threshold"])
        note = (
            f"tenant model learned from {labels} verdicts: p {p:.2f} vs threshold {threshold:.2f}"
        )
        return dataclasses.replace(
            verdict, p_weak_ok=p, threshold=threshold, cheap_ok=p > threshold,
            min_similarity=None, adapted=note,
        )  # fmt: skip
    if verdict.in_domain and not data["drift_fired"]:
        return verdict
    note = f"tenant model learning ({labels} verdicts): strong model until it is ready"
    return dataclasses.replace(verdict, cheap_ok=False, min_similarity=None, adapted=note)
