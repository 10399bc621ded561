"""A tenant's own request model, learned from shadow-judge verdicts.

The shipped quality model was trained on public labels that do not transfer
between sources (issue 21). Each tenant therefore refits its own logistic model on
its own labelled turns, starting from the shipped prior:

- Inputs: the logit of the prior's ``p_weak_ok`` and the prior's standardised
  features (its feature set: rules, lexical, embedding). The weights' Gaussian prior
  is centred on "the prior is right" (slope 1 on its logit, 0 elsewhere), so with no
  labels the learner predicts exactly what the shipped model does, and the
  penalties (``L2_*``) say how many labels it takes to move away from it.
- Labels: the judge's verdict "the cheap answer is as good as the strong one"
  (0-1; a tie or split verdict 0.5). Sampling favours uncertain turns; that selects
  on the request only, so the conditional model stays unbiased; the sampling
  probability is kept with each label to weight the threshold's estimate.
- Refit: by Newton's method every ``REFIT_EVERY`` labels on all kept labels (at most
  ``MAX_LABELS``, the newest), warm-started.
- Threshold: the lowest ``t`` such that routing every labelled turn with ``p > t`` to
  the cheap model would have lost at most ``1 - min_quality`` of the turns, each
  weighted by ``1 / probability`` (an estimate of the traffic). A turn's loss is the
  mean of its verdict's ("worse": 1) and the model's ``1 - p``: the verdicts alone
  (ranked by in-sample predictions) were too bold in the stream replay (whole-stream
  quality down to 77% at a 95% target), the model's probabilities alone too timid
  (97-99%, saving 2-7%). A lost turn counts as ``LOST_WORTH`` strong answers.
- Until it is ready (``MIN_LABELS`` verdicts since the start or the last change, and
  a fit), ``decide`` keeps the static default where the shipped model is trusted
  and sends the rest (where the rules would decide blind) to the strong model:
  quality first while it learns, and labels are cheap where the strong model
  answered. After a detected change, every request goes to the strong model until
  it is ready again.
- Change detection: once ready, each verdict is compared with the prediction made
  before it was learned. When the last ``DRIFT_WINDOW`` verdicts fall short of their
  predictions by ``DRIFT_Z`` standard deviations more than the earlier ones did (a
  regularised model fitted on the turns the sampler picked is off by some amount
  all along: only a new shortfall is news), the cheap model got worse or the traffic
  changed: all but the newest ``DRIFT_MIN`` labels are dropped (the old evidence is
  of another world) and the model is refitted on those.

``TenantLearner`` is pure (numpy, no I/O): the lab's stream replay
(``lab.stream``) drives it directly; ``tenant.learn_verdict`` and
``tenant.tenant_verdict`` keep it in the ledger for the runtime. The constants were
set on the replay's development seeds (6-8); the threshold's blend on two quick
runs of seeds 1-2.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from orchestrator_graph.quality.model import QualityModel, sigmoid

REFIT_EVERY = 10
MIN_LABELS = 20
"""Verdicts before the learner decides (before: the static default decides)."""
MAX_LABELS = 300
L2_SLOPE = 5.0
"""Precision of the prior's slope on its own logit (mean 1)."""
L2_BIAS = 1.0
L2_RULES = 100.0
"""Precision of the weights of the rules and lexical columns (mean 0)."""
L2_EMBEDDING = 1000.0
"""Precision of the weights of the embedding's columns (mean 0): more, since its many
columns are correlated."""
DRIFT_WINDOW = 30
DRIFT_Z = 3.0
DRIFT_MIN = 12  # verdicts in the window, and earlier ones, before it compares
LOST_WORTH = 2.0
"""What a turn the cheap model lost costs in the threshold's budget, in strong answers:
a verdict says "worse", not by how much, and on the win-rate scales of the arena
sources a lost turn costs more than the mean strong score."""


def _encode(rows: np.ndarray) -> str:
    return base64.b64encode(rows.astype(np.float16).tobytes()).decode()


def _decode(text: str, columns: int) -> np.ndarray:
    flat = np.frombuffer(base64.b64decode(text), dtype=np.float16).astype(np.float64)
    return flat.reshape(-1, columns)


@dataclass
class TenantLearner:
    """One tenant's learned request model: inputs are ``[logit(prior p), features]``
    standardised by the prior; ``coef[0]`` is the slope on the prior's logit."""

    coef: np.ndarray
    bias: float = 0.0
    rows: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    verdicts: list[float] = field(default_factory=list)
    propensity: list[float] = field(default_factory=list)
    residuals: list[tuple[float, float]] = field(default_factory=list)  # (verdict, p before)
    baseline: list[float] = field(default_factory=lambda: [0.0, 0.0])  # earlier: count, sum
    labels: int = 0  # verdicts learned in all (kept or dropped)
    since_change: int = 0  # verdicts since the last detected change (or the start)
    since_refit: int = 0
    refits: int = 0
    drift_fired: int = 0
    threshold: float = 1.0

    @classmethod
    def prior(cls, model: QualityModel) -> TenantLearner:
        """The learner before any label: the shipped model's predictions."""
        columns = 1 + len(model.mean)
        coef = np.zeros(columns)
        coef[0] = 1.0
        return cls(coef=coef, rows=np.zeros((0, columns)))

    @property
    def ready(self) -> bool:
        """Whether it has learned enough to decide."""
        return self.since_change >= MIN_LABELS and self.refits > 0

    def inputs(self, model: QualityModel, matrix: np.ndarray) -> np.ndarray:
        """The learner's inputs for rows of the prior's features."""
        p = np.clip(model.predict_matrix(matrix), 1e-6, 1 - 1e-6)
        return np.hstack([np.log(p / (1 - p))[:, None], (matrix - model.mean) / model.scale])

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        """P(cheap answer as good) for rows of ``inputs``."""
        return sigmoid(inputs @ self.coef + self.bias)

    def decide(self, inputs: np.ndarray, static_cheap: bool, trusted: bool) -> tuple[bool, float]:
        """Cheap model or not for one turn, and its ``p``: by the learned model and
        threshold once ``ready``; before, the static default's ``static_cheap`` where the
        shipped model is ``trusted`` (in its domain), else the strong model; after a
        detected change, the strong model until it is ready again."""
        p = float(self.predict(np.asarray(inputs).reshape(1, -1))[0])
        if self.ready:
            return p > self.threshold, p
        return static_cheap and trusted and self.drift_fired == 0, p

    def observe(
        self,
        inputs: np.ndarray,
        verdict: float,
        propensity: float,
        model: QualityModel,
        min_quality: float,
    ) -> bool:
        """Learn one verdict (0-1) on a turn of ``inputs`` (one row) sampled with
        ``propensity``; refits every ``REFIT_EVERY`` labels. True when it detected a
        change (and restarted from the window)."""
        row = np.asarray(inputs, dtype=np.float64).reshape(1, -1)
        if self.ready:
            self._residual(float(verdict), float(self.predict(row)[0]))
        self.rows = np.vstack([self.rows, row])[-MAX_LABELS:]
        self.verdicts = [*self.verdicts, float(verdict)][-MAX_LABELS:]
        self.propensity = [*self.propensity, max(float(propensity), 1e-3)][-MAX_LABELS:]
        self.labels += 1
        self.since_refit += 1
        self.since_change += 1
        changed = self._changed()
        if changed:
            keep = DRIFT_MIN  # the newest: those that showed the change
            self.rows = self.rows[-keep:]
            self.verdicts = self.verdicts[-keep:]
            self.propensity = self.propensity[-keep:]
            self.residuals, self.baseline = [], [0.0, 0.0]
            self.drift_fired += 1
            self.since_change = 0
        if changed or self.since_refit >= REFIT_EVERY:
            self.refit(model, min_quality)
        return changed

    def _residual(self, verdict: float, before: float) -> None:
        """Keep a verdict and its prediction in the window; the oldest leaves it for the
        baseline."""
        self.residuals.append((verdict, before))
        if len(self.residuals) > DRIFT_WINDOW:
            old, predicted = self.residuals.pop(0)
            self.baseline = [self.baseline[0] + 1, self.baseline[1] + old - predicted]

    def _changed(self) -> bool:
        """The window's verdicts fall short of their predictions by more than the
        earlier verdicts did (see the module docstring)."""
        count, total = self.baseline
        if len(self.residuals) < DRIFT_MIN or count < DRIFT_MIN:
            return False
        y = np.array([v for v, _ in self.residuals])
        p = np.array([q for _, q in self.residuals])
        spread = math.sqrt(float((p * (1 - p)).sum()))
        shortfall = float((y - p).sum()) - len(y) * total / count
        return shortfall < -DRIFT_Z * max(spread, 1e-6)

    def refit(self, model: QualityModel, min_quality: float) -> None:
        """The MAP fit of the kept labels under the prior, and the threshold."""
        self.coef, self.bias = _newton(
            self.rows, np.array(self.verdicts), self.coef, self.bias, _precision(model)
        )
        self.since_refit = 0
        self.refits += 1
        self.threshold = learned_threshold(
            self.predict(self.rows),
            np.array(self.verdicts),
            1 / np.array(self.propensity),
            min_quality,
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-able copy (rows as float16, base64)."""
        return {
            "coef": self.coef.tolist(),
            "bias": self.bias,
            "rows": _encode(self.rows),
            "verdicts": self.verdicts,
            "propensity": self.propensity,
            "residuals": [list(r) for r in self.residuals],
            "baseline": self.baseline,
            "labels": self.labels,
            "since_change": self.since_change,
            "since_refit": self.since_refit,
            "refits": self.refits,
            "drift_fired": self.drift_fired,
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TenantLearner:
        coef = np.array(data["coef"], dtype=np.float64)
        return cls(
            coef=coef,
            bias=float(data["bias"]),
            rows=_decode(data["rows"], len(coef)),
            verdicts=[float(v) for v in data["verdicts"]],
            propensity=[float(v) for v in data["propensity"]],
            residuals=[(float(a), float(b)) for a, b in data["residuals"]],
            baseline=[float(v) for v in data["baseline"]],
            labels=int(data["labels"]),
            since_change=int(data["since_change"]),
            since_refit=int(data["since_refit"]),
            refits=int(data["refits"]),
            drift_fired=int(data["drift_fired"]),
            threshold=float(data["threshold"]),
        )


def _precision(model: QualityModel) -> np.ndarray:
    """The prior's precision per input: the slope, then each feature column."""
    names = model.features
    columns = [L2_EMBEDDING if n.startswith("embedding_") else L2_RULES for n in names]
    return np.array([L2_SLOPE, *columns])


def _newton(
    x: np.ndarray,
    y: np.ndarray,
    coef: np.ndarray,
    bias: float,
    precision: np.ndarray,
    steps: int = 10,
) -> tuple[np.ndarray, float]:
    """The MAP logistic fit under N(prior mean, 1/precision), warm-started at
    (``coef``, ``bias``); the prior mean is slope 1 on the first input, 0 elsewhere."""
    mean = np.zeros(x.shape[1] + 1)
    mean[0] = 1.0
    penalty = np.append(precision, L2_BIAS)
    xb = np.hstack([x, np.ones((len(x), 1))])
    beta = np.append(coef, bias)
    for _ in range(steps):
        p = sigmoid(xb @ beta)
        gradient = xb.T @ (p - y) + penalty * (beta - mean)
        hessian = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-4:
            break
    return beta[:-1], float(beta[-1])


def learned_threshold(
    p: np.ndarray, verdicts: np.ndarray, weights: np.ndarray, min_quality: float
) -> float:
    """The lowest threshold whose loss on the labelled turns above it (weighted; each
    the mean of its verdict's and the model's loss) stays within ``1 - min_quality``."""
    if p.size == 0:
        return 1.0
    order = np.argsort(-p, kind="stable")  # the surest cheap turns first
    share = weights[order] / weights.sum()
    lost = (1 - verdicts[order] + 1 - p[order]) / 2
    loss = np.cumsum(share * lost) * LOST_WORTH
    within = np.flatnonzero(loss > 1 - min_quality + 1e-12)
    k = int(within[0]) if within.size else p.size  # cheap for the first k turns
    if k == 0:
        return 1.0
    # the (k+1)th turn's p: the first k are above it
    return float(p[order][k]) if k < p.size else 0.0
