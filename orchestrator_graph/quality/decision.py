"""The quality step of a routing decision: may this request go to the cheap model?

A pure function of the request, the user's quality target and a quality model;
it calls no model. The routing keeps the strong model (in a worker session with
minimal context when the turn allows it, else the main session) when the answer
is no.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from langchain_core.messages import BaseMessage

from orchestrator_graph.quality.model import QualityModel, cheap_model_ok, load_quality_model
from orchestrator_graph.state import TaskProfile


@dataclass(frozen=True)
class QualityVerdict:
    """The predicted quality of the cheap model's answer against the threshold of the
    user's target, and what the calibration measured at that threshold."""

    p_weak_ok: float
    threshold: float
    min_quality: float
    cheap_ok: bool
    expected_quality_retained: float
    expected_strong_share: float
    similarity: float | None = None  # to the training requests (None: not measured)
    min_similarity: float | None = None
    adapted: str | None = None  # the learned state decided ``cheap_ok`` (``adaptive``)

    @property
    def in_domain(self) -> bool:
        """Whether the request is like the model's training data; else it abstains."""
        if self.similarity is None or self.min_similarity is None:
            return True
        return self.similarity >= self.min_similarity

    @property
    def reason(self) -> str:
        """One line for the decision's reasons."""
        if not self.in_domain:
            return (
                f"quality model abstains: the request is unlike its training data "
                f"(similarity {self.similarity:.2f} < {self.min_similarity:.2f}); "
                f"P(cheap answer as good) = {self.p_weak_ok:.2f} is not trusted"
            )
        if self.adapted is not None:
            return (
                f"{'cheap' if self.cheap_ok else 'strong'} model: P(cheap answer as good) = "
                f"{self.p_weak_ok:.2f}, calibrated threshold {self.threshold:.2f}; {self.adapted}"
            )
        verdict = "cheap model" if self.cheap_ok else "strong model"
        return (
            f"{verdict}: P(cheap answer as good) = {self.p_weak_ok:.2f} "
            f"{'>' if self.cheap_ok else '<='} threshold {self.threshold:.2f} "
            f"(min_quality {self.min_quality:.2f}; calibrated to keep "
            f"{self.expected_quality_retained:.0%} of all-strong quality)"
        )


def judge_quality(
    messages: Sequence[BaseMessage],
    *,
    min_quality: float,
    model: QualityModel | str | Path | None = None,
    profile: TaskProfile | None = None,
) -> QualityVerdict:
    """Predict, threshold and explain. ``model``: a loaded model, a path, or ``None``
    for the shipped default; ``profile``: the ``classify`` result, reused if given."""
    quality_model = model if isinstance(model, QualityModel) else load_quality_model(model)
    p, similarity = quality_model.assess(messages, profile=profile)
    return verdict_of(quality_model, p, similarity, min_quality)


def verdict_of(
    model: QualityModel, p_weak_ok: float, similarity: float | None, min_quality: float
) -> QualityVerdict:
    """The verdict on a request that ``model`` predicted ``p_weak_ok`` (at
    ``similarity`` to its training data), thresholded for ``min_quality``."""
    threshold = model.threshold_for(min_quality)
    measured = model.calibration.at(threshold)
    return QualityVerdict(
        p_weak_ok=p_weak_ok,
        threshold=threshold,
        min_quality=min_quality,
        cheap_ok=cheap_model_ok(p_weak_ok, threshold),
        expected_quality_retained=measured["quality_retained"],
        expected_strong_share=measured["strong_share"],
        similarity=similarity,
        min_similarity=model.min_similarity,
    )
