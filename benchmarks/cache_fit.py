"""Refit the answer cache's match check and its search's basis (``orchestrator_graph/cache/
match_check.json``, ``screen_basis.npy``).

Training and calibration pairs: ``../shared/data/cache_pairs_train.jsonl`` (outside,
labelled) and the calibration half of ``near_miss.py`` (the held-out half is never
read), each split by group into a training part and a calibration part
(``lab.cache_check.calibration_split``). Prints the weights, the thresholds per
bound, and each source's calibration part scored.

    python benchmarks/cache_fit.py [--pairs FILE] [--dry-run]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from near_miss import held_out, near_miss_pairs

from orchestrator_graph.cache.check import FEATURES, MATCH_CHECK, MatchCheck, shipped_check
from orchestrator_graph.cache.screen import BASIS, BASIS_DIMENSIONS
from orchestrator_graph.lab.cache_check import (
    Embed,
    LabelledPair,
    calibration_split,
    fit_check,
    outside_pairs,
    scored,
)
from orchestrator_graph.quality.embedding import shared_embedder

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT.parent / "shared" / "data" / "cache_pairs_train.jsonl"
PACKAGE = ROOT / "orchestrator_graph" / "cache"


def own_calibration_half() -> list[LabelledPair]:
    """The near-miss set's calibration half as labelled pairs (grouped as the set groups)."""
    return [
        LabelledPair(p.cached, p.request, p.label == "match", f"near-miss:{p.group}", "near_miss")
        for p in near_miss_pairs()
        if not held_out(p)
    ]


def embedded(pairs: list[LabelledPair]) -> tuple[Embed, np.ndarray]:
    """An embed function over the pairs' texts, each embedded once, and their vectors."""
    texts = list(dict.fromkeys(t for p in pairs for t in (p.first, p.second)))
    matrix = shared_embedder().embed(texts)
    vectors = dict(zip(texts, matrix, strict=True))
    return (
        lambda chosen: np.stack([vectors[t] for t in chosen]) if chosen else np.zeros((0, 1))
    ), matrix


def screen_basis(matrix: np.ndarray) -> np.ndarray:
    """The ``BASIS_DIMENSIONS`` principal directions (uncentred: the most of the vectors'
    squared norm) of request embeddings, for ``cache.screen``."""
    _, _, directions = np.linalg.svd(matrix.astype(np.float64), full_matrices=False)
    return directions[:BASIS_DIMENSIONS].T.astype(np.float32)


def describe(check: MatchCheck, pairs: list[LabelledPair], embed: Embed) -> list[str]:
    """The weights, the thresholds, and the calibration part's hits per source and label."""
    lines = ["match check: standardised weights"]
    lines += [f"  {n:<26} {w:+.3f}" for n, w in zip(FEATURES, check.weights, strict=True)]
    lines.append(f"  {'bias':<26} {check.bias:+.3f}")
    cal = check.calibration
    lines.append(
        f"  calibration: {cal.negatives} must-not-match pairs, {len(cal.scores)} past the guards"
        " above the similarity floor"
    )
    thresholds = {b: check.threshold_for(b) for b in (0.005, 0.01, 0.02, 0.05)}
    lines.append("  thresholds: " + ", ".join(f"{b}: {t:.3f}" for b, t in thresholds.items()))
    part = [p for p in pairs if calibration_split(p)]
    scores = scored(check, part, embed)
    for source in sorted({p.source for p in part}):
        for same in (True, False):
            got = [
                s >= thresholds[0.01]
                for p, s in zip(part, scores, strict=True)
                if p.source == source and p.same == same
            ]
            if got:
                name = "paraphrases served" if same else "near misses served"
                lines.append(
                    f"  calibration part, {source:<12} {name}: {sum(got)} / {len(got)} "
                    f"({np.mean(got):.1%})"
                )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--dry-run", action="store_true", help="print, do not write")
    args = parser.parse_args(argv)
    pairs = outside_pairs(args.pairs) + own_calibration_half()
    embed, matrix = embedded(pairs)
    check = fit_check(pairs, embed)
    print("\n".join(describe(check, pairs, embed)))
    if not args.dry_run:
        about = {
            "trained_on": f"{args.pairs.name} and benchmarks/near_miss.py calibration half, "
            "training part (lab.cache_check.calibration_split is False), guard-passing pairs",
            "calibrated_on": "the same sources' calibration part (never trained on)",
        }
        (PACKAGE / MATCH_CHECK).write_text(check.to_json(**about))
        shipped_check.cache_clear()
        np.save(PACKAGE / BASIS, screen_basis(matrix))
        print(f"wrote {PACKAGE / MATCH_CHECK} and {PACKAGE / BASIS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
