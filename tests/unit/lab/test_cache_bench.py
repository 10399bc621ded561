"""The answer cache's benchmark (``benchmarks/cache_eval.py``): the near-miss set meets
its goals with the shipped match check, and the workload replay counts hits and savings."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import cache_eval  # noqa: E402
import cache_workloads  # noqa: E402
from near_miss import near_miss_pairs  # noqa: E402


def test_the_near_miss_set_meets_its_goals_with_the_shipped_check() -> None:
    pairs = near_miss_pairs()
    assert len(pairs) >= 300
    categories = {p.category for p in pairs}
    assert {"paraphrase", "units_direction", "negation", "numbers", "entities"} <= categories
    report, _ = cache_eval.near_miss_report(0.01)
    assert report["threshold"] == pytest.approx(report["check"].threshold_for(0.01))
    held = report["held_out"]
    assert held["no_match"] >= 100 and held["match"] >= 50
    assert held["false_hit_rate"] <= 0.01
    assert held["paraphrase_hit_rate"] >= 0.5


def test_the_workload_replay_counts_hits_and_what_they_saved(tmp_path: Path) -> None:
    question = {"user": "Who wrote the novel Dune?", "depends_on": [], "answer": "Frank Herbert."}
    path = tmp_path / "faq.jsonl"
    path.write_text(
        "\n".join(json.dumps({"id": f"user-{n}", "turns": [question]}) for n in range(3))
    )
    first, second = cache_workloads.replay_with_cache([path])
    (run,) = first
    assert (run.turns, run.hits, run.dependent_hits, run.wrong_hits) == (3, 2, 0, 0)
    assert run.cached_usd < run.plain_usd and run.saved_usd > 0
    assert second[0].hits == 3  # the second pass: every session's turn from the cache
    lines = cache_workloads.format_workloads((first, second))
    assert any(line.split()[:3] == ["faq", "3", "2"] for line in lines)
