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
  (97-99%, saving 2-7%). A lost turn counts as ``LOST_WORTH`` strong answers. The
  loss rate of the turns above a cut is shrunk towards the mean loss of all the
  labels in view by ``PRIOR_LABELS`` labels at that mean, given their effective number
  (a guard: a cut above a handful of labels is charged nearly the mean loss; without
  one whole-stream quality fell to 88.6% in a development seed, and to 71% in one
  with 30% flipped verdicts). The first guard, a Beta(1, 1) prior (a loss rate of 0.5
  whatever the pair), let a few flipped "as good" verdicts at the top reopen the cheap
  route to a much weaker cheap model after a change; and ``t`` is at least
  ``P_FLOOR``.
- Until it is ready (``MIN_LABELS`` verdicts since the start, ``MIN_AFTER_CHANGE``
  since the last change, and a fit), ``decide`` keeps the static default where the
  shipped model is trusted and sends the rest (where the rules would decide blind)
  to the strong model: quality first while it learns, and labels are cheap where the
  strong model answered. After a detected change, every request goes to the strong
  model until it is ready again.
- Change detection: from ``MIN_LABELS`` verdicts on (since the start or the last
  change, before it decides again), a CUSUM of each verdict's shortfall below the mean
  verdict of the earlier ones (``DRIFT_K``, ``DRIFT_H``): a much weaker cheap model
  lowers the rate of "as good" on the labelled turns, flipped verdicts or not. (The
  shortfall below the model's own predictions, the first design, missed it: on the
  turns the sampler picks the model was as far off before a change as after one.)
  An alarm keeps every label but multiplies the weight of those before its newest
  ``DRIFT_MIN`` by ``DRIFT_TRUST`` (a false alarm costs little of what was learned),
  and the threshold reads only the labels since the alarm.

``TenantLearner`` is pure (numpy, no I/O): the lab's stream replay
(``lab.stream``) drives it directly; ``tenant.learn_verdict`` and
``tenant.tenant_verdict`` keep it in the ledger for the runtime. The constants were
set on the replay's development seeds (6-8; the change detection, the guard's prior,
``P_FLOOR`` and ``MIN_AFTER_CHANGE`` on seeds 6-10); the threshold's blend on two quick
runs of seeds 1-2.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from orchestrator_graph.quality.logistic import map_logistic
from orchestrator_graph.quality.model import QualityModel, sigmoid

REFIT_EVERY = 10
MIN_LABELS = 20
"""Verdicts before the learner decides (before: the static default decides)."""
MIN_AFTER_CHANGE = 40
"""Verdicts after a detected change before it decides again (before: the strong model):
the threshold reads only these, of a new pair, under flipped verdicts (with 20, a few
flipped "as good" verdicts at the top reopened the cheap route to a much weaker model
in the replay's development seeds: quality from turn 250 on 85.8% in the worst seed
with 15% flips, 91.7% with 40)."""
MAX_LABELS = 300
L2_SLOPE = 5.0
"""Precision of the prior's slope on its own logit (mean 1)."""
L2_BIAS = 1.0
L2_RULES = 100.0
"""Precision of the weights of the rules and lexical columns (mean 0)."""
L2_EMBEDDING = 1000.0
"""Precision of the weights of the embedding's columns (mean 0): more, since its many
columns are correlated."""
DRIFT_K = 0.06
"""The CUSUM's slack: how far a verdict may fall below the mean of the earlier ones
before it counts as news (a much weaker cheap model moves the labelled turns' rate of
"as good" by 0.2-0.3, by 0.15-0.2 through 15-30% flipped verdicts)."""
DRIFT_H = 3.0
"""The CUSUM's alarm level, in verdicts."""
DRIFT_MIN = 12
"""Verdicts before the CUSUM starts (its baseline), and the newest verdicts kept at full
weight when it fires (those that showed the change)."""
DRIFT_TRUST = 0.05
"""What an alarm multiplies the weight of the labels before it by (in the fit; the
threshold reads only the labels since the last alarm)."""
P_FLOOR = 0.4
"""The lowest threshold: a turn the learned model thinks more likely worse than as
good is never routed cheap (in the replay, after a change of cheap model the few
"as good" verdicts of the new one, ranked in sample, opened the cheap route for
10-17% of the traffic at a 5% loss budget)."""
PRIOR_LABELS = 2.0
"""The guard's prior, in labels at the mean loss of the labels in view (chosen over 4,
which was safer still and saved less, on the replay's development seeds: with 2, the
lowest whole-stream quality of a worst seed was 94.3%, against 92.7% under the
Beta(1, 1) prior, and 95.6% against 91.7% from turn 250 after a change of pair)."""
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
    trust: list[float] = field(default_factory=list)  # each label's weight (old: less)
    cusum: float = 0.0
    baseline: list[float] = field(default_factory=lambda: [0.0, 0.0])  # count, sum of v - p
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
        need = MIN_LABELS if self.drift_fired == 0 else MIN_AFTER_CHANGE
        return self.since_change >= need and self.refits > 0

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
        change (and down-weighted the labels before it)."""
        row = np.asarray(inputs, dtype=np.float64).reshape(1, -1)
        if self.since_change >= MIN_LABELS and self.refits > 0:  # watching, if not deciding
            self._track(float(verdict))
        self.rows = np.vstack([self.rows, row])[-MAX_LABELS:]
        self.verdicts = [*self.verdicts, float(verdict)][-MAX_LABELS:]
        self.propensity = [*self.propensity, max(float(propensity), 1e-3)][-MAX_LABELS:]
        self.trust = [*self.trust, 1.0][-MAX_LABELS:]
        self.labels += 1
        self.since_refit += 1
        self.since_change += 1
        changed = self.cusum > DRIFT_H
        if changed:  # the labels before the newest (those that showed it) weigh less
            old = len(self.trust) - DRIFT_MIN
            self.trust = [t * DRIFT_TRUST if k < old else t for k, t in enumerate(self.trust)]
            self.cusum, self.baseline = 0.0, [0.0, 0.0]
            self.drift_fired += 1
            self.since_change = 0
        if changed or self.since_refit >= REFIT_EVERY:
            self.refit(model, min_quality)
        return changed

    def _track(self, verdict: float) -> None:
        """The CUSUM of the verdicts' shortfall below the mean of the earlier ones (since
        the last alarm), beyond the slack ``DRIFT_K``."""
        count, total = self.baseline
        if count >= DRIFT_MIN:
            self.cusum = max(0.0, self.cusum + total / count - verdict - DRIFT_K)
        self.baseline = [count + 1, total + verdict]

    def refit(self, model: QualityModel, min_quality: float) -> None:
        """The MAP fit of the kept labels under the prior, and the threshold."""
        trust = np.array(self.trust)
        mean = np.zeros(self.rows.shape[1] + 1)
        mean[0] = 1.0  # "the prior is right": slope 1 on its logit, 0 elsewhere
        self.coef, self.bias = map_logistic(
            self.rows, np.array(self.verdicts), mean=mean,
            penalty=np.append(_precision(model), L2_BIAS),
            start=np.append(self.coef, self.bias), weights=trust, steps=10, tolerance=1e-4,
        )  # fmt: skip
        self.since_refit = 0
        self.refits += 1
        self.threshold = max(
            P_FLOOR,
            learned_threshold(
                self.predict(self.rows),
                np.array(self.verdicts),
                (trust == 1.0) / np.array(self.propensity),
                min_quality,
            ),
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-able copy (rows as float16, base64)."""
        return {
            "coef": self.coef.tolist(),
            "bias": self.bias,
            "rows": _encode(self.rows),
            "verdicts": self.verdicts,
            "propensity": self.propensity,
            "trust": self.trust,
            "cusum": self.cusum,
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
            trust=[float(v) for v in data.get("trust", [1.0] * len(data["verdicts"]))],
            cusum=float(data.get("cusum", 0.0)),
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


def learned_threshold(
    p: np.ndarray, verdicts: np.ndarray, weights: np.ndarray, min_quality: float
) -> float:
    """The lowest threshold whose loss on the labelled turns above it (weighted; each
    the mean of its verdict's and the model's loss) stays within ``1 - min_quality``,
    the loss rate of those turns shrunk towards the mean loss of all of them
    (``PRIOR_LABELS``)."""
    kept = weights > 0
    p, verdicts, weights = p[kept], verdicts[kept], weights[kept]
    if p.size == 0:
        return 1.0
    order = np.argsort(-p, kind="stable")  # the surest cheap turns first
    w = weights[order]
    lost = (1 - verdicts[order] + 1 - p[order]) / 2
    mass = np.cumsum(w)
    count = mass**2 / np.cumsum(w**2)  # the effective number of labels above each cut
    mean = float(np.sum(w * lost) / mass[-1])
    rate = (np.cumsum(w * lost) / mass * count + PRIOR_LABELS * mean) / (count + PRIOR_LABELS)
    loss = mass / w.sum() * rate * LOST_WORTH
    within = np.flatnonzero(loss > 1 - min_quality + 1e-12)
    k = int(within[0]) if within.size else p.size  # cheap for the first k turns
    if k == 0:
        return 1.0
    # the (k+1)th turn's p: the first k are above it
    return float(p[order][k]) if k < p.size else 0.0
