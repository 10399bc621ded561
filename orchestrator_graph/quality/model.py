"""The quality model: P(the cheap model's answer is as good as the strong one's).

Scoring is kept apart from thresholding (RouteLLM's controller style):
:meth:`QualityModel.predict` returns ``p_weak_ok`` for a request;
:meth:`QualityModel.threshold_for` turns a user's quality target (the share of
all-strong quality to keep, e.g. 0.95) into a threshold through the calibration
that training measured on out-of-fold predictions; :func:`cheap_model_ok`
applies it. The model is a logistic regression over a named feature set, saved
as one small ``.npz`` file that records its format and feature names.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.messages import BaseMessage

from orchestrator_graph.quality.embedding import Embedder
from orchestrator_graph.quality.features import feature_matrix, feature_names, features_version
from orchestrator_graph.state import TaskProfile

FORMAT = "orchestrator-graph/quality-logreg/3"
# the files this version reads: /2 has the "as good" head only (p_weak_ok = its probability)
READABLE_FORMATS = (FORMAT, "orchestrator-graph/quality-logreg/2")
# the share of training requests a request must be as similar to the training data as
DOMAIN_PERCENTILE = 1.0
DEFAULT_MODEL = "default_model.npz"


def cheap_model_ok(p_weak_ok: float, threshold: float) -> bool:
    """The routing rule the calibration assumes: cheap model when p is above the threshold."""
    return p_weak_ok > threshold


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(z, -30, 30)))


def heads_mean(
    x: np.ndarray,
    weights: np.ndarray,
    bias: float,
    better_weights: np.ndarray | None,
    better_bias: float,
) -> np.ndarray:
    """On standardised rows ``x``: the mean of P(as good) and P(better), the cheap
    answer's win rate with a tie counting half (P(as good) alone without a "better"
    head)."""
    p = sigmoid(x @ weights + bias)
    if better_weights is None:
        return p
    return (p + sigmoid(x @ better_weights + better_bias)) / 2


@dataclass(frozen=True)
class Calibration:
    """Measured on out-of-fold predictions, averaged over sources: at each threshold of
    ``thresholds`` (ascending), the quality retained (made non-decreasing), PGR, strong
    share and savings of routing by that threshold."""

    thresholds: np.ndarray
    quality_retained: np.ndarray
    pgr: np.ndarray
    strong_share: np.ndarray
    savings: np.ndarray

    def index_for(self, min_quality: float) -> int:
        """The lowest threshold whose measured quality retained reaches ``min_quality``
        (the last, all-strong, when none does)."""
        reached = np.flatnonzero(self.quality_retained >= min_quality - 1e-12)
        return int(reached[0]) if reached.size else len(self.thresholds) - 1

    def at(self, threshold: float) -> dict[str, float]:
        """The measured figures of the calibration point nearest below ``threshold``."""
        k = max(0, int(np.searchsorted(self.thresholds, threshold, side="right")) - 1)
        return {
            "threshold": float(self.thresholds[k]),
            "quality_retained": float(self.quality_retained[k]),
            "pgr": float(self.pgr[k]),
            "strong_share": float(self.strong_share[k]),
            "savings": float(self.savings[k]),
        }


@dataclass(frozen=True)
class QualityModel:
    """Weights over standardised features, and the calibration training measured."""

    feature_set: str
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    calibration: Calibration
    trained_on: dict[str, Any] = field(default_factory=dict)
    # the training requests' mean embedding, and the cosine to it that 99% of them reach:
    # a request below it is unlike the training data, and the model abstains
    centroid: np.ndarray | None = None
    min_similarity: float | None = None
    # the "better" head (P(cheap answer better)); None: the "as good" head alone
    better_weights: np.ndarray | None = None
    better_bias: float = 0.0
    # (slope, bias) on the logit of the heads' mean: the monotone map, fitted on the
    # out-of-fold predictions, that makes it P(cheap answer as good); None: no map
    platt: tuple[float, float] | None = None

    @property
    def features(self) -> tuple[str, ...]:
        return feature_names(self.feature_set)

    def predict_matrix(self, matrix: np.ndarray) -> np.ndarray:
        """P(weak ok) for rows of features (``features.feature_matrix``): the mean of
        P(as good) and P(better) (the cheap answer's win rate, a tie counting half) orders
        the requests, and ``platt`` maps it to P(cheap answer as good)."""
        x = (matrix - self.mean) / self.scale
        p = heads_mean(x, self.weights, self.bias, self.better_weights, self.better_bias)
        return apply_platt(p, self.platt)

    def predict_many(
        self,
        requests: Sequence[Sequence[BaseMessage]],
        *,
        embedder: Embedder | None = None,
        profiles: Sequence[TaskProfile | None] | None = None,
    ) -> np.ndarray:
        """P(weak ok) for each request (a message list ending with the user's request)."""
        matrix = feature_matrix(requests, self.feature_set, embedder=embedder, profiles=profiles)
        return self.predict_matrix(matrix)

    def similarity(self, matrix: np.ndarray) -> np.ndarray | None:
        """Each row's cosine to the training requests' mean embedding (None without one:
        the embedding is the last columns of an ``embedding`` feature set)."""
        if self.centroid is None:
            return None
        return matrix[:, -len(self.centroid) :] @ self.centroid

    def assess(
        self, messages: Sequence[BaseMessage], *, profile: TaskProfile | None = None
    ) -> tuple[float, float | None]:
        """``predict`` and the request's similarity to the training data, from one row."""
        matrix = feature_matrix([messages], self.feature_set, profiles=[profile])
        similarity = self.similarity(matrix)
        return (
            float(self.predict_matrix(matrix)[0]),
            None if similarity is None else float(similarity[0]),
        )

    def predict(
        self, messages: Sequence[BaseMessage], *, profile: TaskProfile | None = None
    ) -> float:
        """P(the cheap model's answer to the last request is as good as the strong one's).

        ``profile``: the request's ``TaskProfile`` when ``classify`` already made it.
        """
        return float(self.predict_many([messages], profiles=[profile])[0])

    def threshold_for(self, min_quality: float) -> float:
        """The threshold that keeps ``min_quality`` of all-strong quality (0-1), as
        measured in training; non-decreasing in ``min_quality``."""
        if not 0 <= min_quality <= 1:
            raise ValueError(f"min_quality is a share of all-strong quality (0-1): {min_quality}")
        return float(self.calibration.thresholds[self.calibration.index_for(min_quality)])

    def save(self, path: str | Path) -> None:
        """Write the model as one ``.npz`` file."""
        meta = {
            "format": FORMAT,
            "feature_set": self.feature_set,
            "features_version": features_version(self.feature_set),
            "trained_on": self.trained_on,
        }
        cal = self.calibration
        with Path(path).open("wb") as out:
            np.savez_compressed(
                out,
                meta=np.array(json.dumps(meta)),
                features=np.array(self.features),
                weights=self.weights.astype(np.float32),
                bias=np.array(self.bias),
                mean=self.mean.astype(np.float32),
                scale=self.scale.astype(np.float32),
                cal_thresholds=cal.thresholds,
                cal_quality_retained=cal.quality_retained,
                cal_pgr=cal.pgr,
                cal_strong_share=cal.strong_share,
                cal_savings=cal.savings,
                # numpy's stub types **kwds as ArrayLike but a ** dict could also
                # name ``allow_pickle: bool``; these keys never do
                **self._optional_arrays(),  # type: ignore[arg-type]
            )

    def _optional_arrays(self) -> dict[str, np.ndarray]:
        arrays = {}
        if self.centroid is not None and self.min_similarity is not None:
            arrays["centroid"] = self.centroid.astype(np.float32)
            arrays["min_similarity"] = np.array(self.min_similarity)
        if self.better_weights is not None:
            arrays["better_weights"] = self.better_weights.astype(np.float32)
            arrays["better_bias"] = np.array(self.better_bias)
        if self.platt is not None:
            arrays["platt"] = np.array(self.platt, dtype=np.float64)
        return arrays

    @classmethod
    def load(cls, path: str | Path) -> QualityModel:
        """Read a model saved by :meth:`save`; a foreign or stale file is a ``ValueError``."""
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
            meta = json.loads(str(arrays["meta"]))
        except (OSError, KeyError, ValueError) as error:
            raise ValueError(f"{path}: not a quality model file ({error})") from error
        features = tuple(str(name) for name in arrays["features"])
        if (
            meta.get("format") not in READABLE_FORMATS
            or features != feature_names(meta["feature_set"])
            or meta.get("features_version") != features_version(meta["feature_set"])
        ):
            raise ValueError(
                f"{path}: a quality model of another version ({meta.get('format')}); "
                "train a new one with `orchestrator-graph quality train`"
            )
        return cls(
            feature_set=meta["feature_set"],
            weights=arrays["weights"].astype(np.float64),
            bias=float(arrays["bias"]),
            mean=arrays["mean"].astype(np.float64),
            scale=arrays["scale"].astype(np.float64),
            calibration=Calibration(
                *(arrays[f"cal_{name}"] for name in Calibration.__dataclass_fields__)
            ),
            trained_on=meta.get("trained_on", {}),
            centroid=arrays["centroid"].astype(np.float64) if "centroid" in arrays else None,
            min_similarity=float(arrays["min_similarity"]) if "min_similarity" in arrays else None,
            better_weights=(
                arrays["better_weights"].astype(np.float64) if "better_weights" in arrays else None
            ),
            better_bias=float(arrays["better_bias"]) if "better_bias" in arrays else 0.0,
            platt=_pair(arrays["platt"]) if "platt" in arrays else None,
        )


def _pair(values: np.ndarray) -> tuple[float, float]:
    return float(values[0]), float(values[1])


def apply_platt(p: np.ndarray, platt: tuple[float, float] | None) -> np.ndarray:
    """``sigmoid(slope * logit(p) + bias)``: a monotone map of ``p`` (``p`` itself
    without one)."""
    if platt is None:
        return p
    slope, bias = platt
    clipped = np.clip(p, 1e-9, 1 - 1e-9)
    return sigmoid(slope * np.log(clipped / (1 - clipped)) + bias)


def training_domain(embeddings: np.ndarray) -> tuple[np.ndarray, float]:
    """The mean direction of the training requests' embeddings, and the cosine to it
    that all but ``DOMAIN_PERCENTILE`` percent of them reach."""
    centroid = embeddings.mean(axis=0)
    centroid /= np.linalg.norm(centroid)
    return centroid, float(np.percentile(embeddings @ centroid, DOMAIN_PERCENTILE))


def default_model_path() -> Path:
    """The shipped model (trained on redistributable data only; see ``NOTICE``)."""
    return Path(str(resources.files("orchestrator_graph.quality") / DEFAULT_MODEL))


@cache
def load_quality_model(path: str | Path | None = None) -> QualityModel:
    """One loaded model per file and process; ``None`` loads the shipped default."""
    return QualityModel.load(path if path is not None else default_model_path())


def describe_weights(
    model: QualityModel, top: int = 12, *, head: str = "as_good"
) -> list[tuple[str, float]]:
    """The features that move a head's prediction most (standardised weight, by size);
    ``head``: ``as_good`` or ``better``."""
    weights = model.weights if head == "as_good" else model.better_weights
    if weights is None:
        return []
    order = np.argsort(-np.abs(weights))[:top]
    return [(model.features[i], float(weights[i])) for i in order]
