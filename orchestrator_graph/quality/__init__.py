"""Quality-aware routing: predict whether the cheap model's answer is as good as the
strong model's, turn a user's quality target into a threshold, and measure the
cost-quality curve of a router (see ``docs/workloads.md`` for the measures).

Nothing heavy is imported here: the embedding model loads on first use.
"""

from orchestrator_graph.quality.decision import QualityVerdict, judge_quality
from orchestrator_graph.quality.model import (
    QualityModel,
    cheap_model_ok,
    default_model_path,
    load_quality_model,
)

__all__ = [
    "QualityModel",
    "QualityVerdict",
    "cheap_model_ok",
    "default_model_path",
    "judge_quality",
    "load_quality_model",
]
