"""The drift simulation of the adaptive router (``orchestrator_graph.lab.drift``).

Out-of-fold predictions of the quality model's features (5 folds by session, as
``quality curve`` makes them) on a scored workload's turns of one source; the
category of each turn is the classifier's. Not a test: it prints the figures against
the goals. The bandit's constants (``adaptive.thompson``) were set on seed 0 and its
``BINS`` on seeds 0 and 6-15 (``--seeds 0 6 7 ...``); the figures are reported on
seeds 1-5.

    .venv/bin/python benchmarks/adaptive_drift.py ../shared/data/quality_dev.jsonl
"""

from __future__ import annotations

import argparse

from orchestrator_graph.lab.drift import DriftSettings, format_drift, simulate
from orchestrator_graph.lab.quality.dataset import Prices, examples_of
from orchestrator_graph.lab.quality.sweep import _folds, predict
from orchestrator_graph.lab.workloads import read_workloads
from orchestrator_graph.quality import load_quality_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", help="a workload whose turns carry both roles' scores")
    parser.add_argument("--source", default="routellm_gsm8k", help="the source streamed")
    parser.add_argument("--category", default="qa", help="the category whose cheap model drifts")
    parser.add_argument("--drop", type=float, default=0.5, help="P(a cheap score drops to 0)")
    parser.add_argument("--min-quality", type=float, default=0.95)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    args = parser.parse_args()
    examples = examples_of(read_workloads([args.workload]), Prices.of(), sources=[args.source])
    p = predict(examples, load_quality_model(), cv=True, folds=_folds(examples, 0))
    turns = [e.turn for e in examples]
    categories = [t.category for t in turns]
    runs = [
        simulate(
            turns,
            p,
            categories,
            DriftSettings(
                drift_category=args.category,
                drop=args.drop,
                min_quality=args.min_quality,
                seed=seed,
            ),
        )
        for seed in args.seeds
    ]
    print(format_drift(runs))


if __name__ == "__main__":
    main()
