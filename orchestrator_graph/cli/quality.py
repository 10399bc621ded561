"""``orchestrator-graph quality``: train the quality model, or measure its curve.

- ``quality train FILES --out model.npz``: fit on the scored turns of the given
  workloads (optionally only some ``--source``), calibrated by cross-validation.
- ``quality train --ledger URL_OR_PATH [--tenant T] --out model.npz``: refit the shipped
  model (or ``--prior``) on the shadow judge's labels in the ledger, the user's own
  traffic (``lab.quality.ledger_training``).
- ``quality curve FILES``: the cross-validated cost-quality curve per source with
  gpt-4o / gpt-4o-mini prices: CPT(50%), CPT(80%), APGR, the baselines and the
  operating point of ``--target``; ``--plot PATH`` draws it.

Run as ``orchestrator-graph quality train|curve ...``. Arguments are checked before
any work (``--folds`` 2 or more, ``--target`` in (0, 1], ``--out`` in an existing
folder); a source whose sessions all fall in one fold cannot be cross-validated
per source: ``curve`` says so and leaves it out (``--pooled`` keeps it).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.cli import UsageError
from orchestrator_graph.cli.arguments import int_at_least, new_file, non_negative, number_in
from orchestrator_graph.lab.quality.dataset import (
    DEFAULT_STRONG_MODEL,
    DEFAULT_WEAK_MODEL,
    Example,
    Prices,
    examples_of,
)
from orchestrator_graph.lab.quality.ledger_training import examples_of_labels, train_on_labels
from orchestrator_graph.lab.quality.report import (
    evaluate,
    format_report,
    format_summary,
    reports_by_source,
)
from orchestrator_graph.lab.quality.training import (
    DEFAULT_L2,
    DEFAULT_L2_EMBEDDING,
    FOLDS,
    grouped_folds,
    penalties,
    train,
)
from orchestrator_graph.lab.workloads import read_workloads
from orchestrator_graph.quality.features import FEATURE_SETS, feature_matrix
from orchestrator_graph.quality.model import describe_weights, load_quality_model

DEFAULT_TARGET = 0.95  # share of all-strong quality a careful user keeps


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``train`` and ``curve`` subcommands."""
    actions = parser.add_subparsers(dest="action", required=True)
    fit = actions.add_parser("train", help="fit the quality model on scored workloads")
    curve = actions.add_parser("curve", help="the cross-validated cost-quality curve")
    for sub in (fit, curve):
        sub.add_argument(
            "workloads", nargs="*" if sub is fit else "+", type=Path, help="JSON Lines workloads"
        )
        sub.add_argument("--source", action="append", help="only turns of this source (repeatable)")
        sub.add_argument("--feature-set", choices=sorted(FEATURE_SETS), default="embedding")
        sub.add_argument(
            "--l2", type=non_negative, default=DEFAULT_L2, help="ridge penalty (rules, lexical)"
        )
        sub.add_argument(
            "--l2-embedding",
            type=non_negative,
            default=DEFAULT_L2_EMBEDDING,
            help="ridge penalty of the embedding's columns",
        )
        sub.add_argument(
            "--folds", type=int_at_least(2), default=FOLDS, help="folds, grouped by session (2+)"
        )
        sub.add_argument("--seed", type=int, default=0, help="seed of the fold assignment")
        sub.add_argument("--strong-model", default=DEFAULT_STRONG_MODEL, help="priced as strong")
        sub.add_argument("--weak-model", default=DEFAULT_WEAK_MODEL, help="priced as weak")
    fit.add_argument("--out", type=new_file, required=True, help="where to save the model (.npz)")
    fit.add_argument("--ledger", help="refit on the labels of this ledger (a file or Postgres URL)")
    fit.add_argument("--tenant", help="with --ledger: only this tenant's labels")
    fit.add_argument("--prior", type=Path, help="with --ledger: the model to start from")
    curve.add_argument(
        "--target",
        type=number_in(0.0, 1.0, low_open=True),
        default=DEFAULT_TARGET,
        help="min_quality of the operating point, in (0, 1]",
    )
    curve.add_argument(
        "--pooled",
        action="store_true",
        help="fit one model on all sources (default: one per source, as for one's own traffic)",
    )
    curve.add_argument("--plot", type=Path, help="write the curve as a PNG here")


def _examples(args: argparse.Namespace) -> list[Example]:
    prices = Prices.of(args.strong_model, args.weak_model)
    return examples_of(read_workloads(args.workloads), prices, sources=args.source)


def _train_on_ledger(args: argparse.Namespace) -> int:
    if args.workloads:
        raise UsageError("give workloads or --ledger, not both")
    with CostLedger(args.ledger) as ledger:
        labels = ledger.labels(tenant=args.tenant)
    if len(labels) < 2 * args.folds:
        raise UsageError(f"{len(labels)} labels in the ledger: too few to refit (shadow judge on?)")
    result = train_on_labels(
        labels,
        load_quality_model(args.prior),
        l2=args.l2,
        l2_embedding=args.l2_embedding,
        folds=args.folds,
        seed=args.seed,
    )
    result.model.save(args.out)
    kept = [e.turn for e in examples_of_labels(labels)]
    print(f"refitted on {len(labels)} labels of {sorted({t.source for t in kept})}")
    for report in reports_by_source(kept, result.out_of_fold, DEFAULT_TARGET, result.folds):
        print(f"  {report.source}: CV CPT(50%) {report.cpt50:.3f}  APGR {report.apgr:.3f}")
    print(f"saved {args.out}")
    return 0


def _train(args: argparse.Namespace) -> int:
    if args.ledger is not None:
        return _train_on_ledger(args)
    if not args.workloads:
        raise UsageError("give workload files, or --ledger to refit on the shadow judge's labels")
    examples = _examples(args)
    result = train(
        examples,
        args.feature_set,
        l2=args.l2,
        l2_embedding=args.l2_embedding,
        folds=args.folds,
        seed=args.seed,
    )
    result.model.save(args.out)
    turns = [e.turn for e in examples]
    print(f"trained on {len(examples)} turns of {sorted({t.source for t in turns})}")
    for report in reports_by_source(turns, result.out_of_fold, DEFAULT_TARGET, result.folds):
        print(f"  {report.source}: CV CPT(50%) {report.cpt50:.3f}  APGR {report.apgr:.3f}")
    for head in ("as_good", "better"):
        print(f"features that matter most, head {head!r} (standardised weight):")
        for name, weight in describe_weights(result.model, 10, head=head):
            print(f"  {name:<32} {weight:+.3f}")
    print(f"saved {args.out}")
    return 0


def _cross_validated_sources(
    examples: list[Example], matrix: np.ndarray, folds: np.ndarray
) -> tuple[list[Example], np.ndarray, np.ndarray]:
    """The rows of the sources whose sessions span two folds or more: a source in one
    fold has no other fold to learn from, so no prediction and no threshold. Says which
    sources are left out; raises when none is left."""
    sources = np.array([e.turn.source for e in examples])
    kept = np.ones(len(examples), dtype=bool)
    for source in sorted(set(sources.tolist())):
        rows = sources == source
        if np.unique(folds[rows]).size < 2:
            sessions = len({e.turn.session for e, row in zip(examples, rows, strict=True) if row})
            print(
                f"{source} ({int(rows.sum())} turns, {sessions} sessions): too little data to "
                "cross-validate or calibrate a threshold (its sessions are all in one fold); "
                "left out: give it more scored sessions, or use --pooled\n"
            )
            kept &= ~rows
    if not kept.any():
        raise UsageError(
            "too little scored data: no source has sessions in two folds, so no threshold can "
            "be calibrated; give more scored sessions, or use --pooled"
        )
    chosen = np.flatnonzero(kept)
    return [examples[i] for i in chosen.tolist()], matrix[kept], folds[kept]


def _curve(args: argparse.Namespace) -> int:
    examples = _examples(args)
    matrix = feature_matrix([e.messages for e in examples], args.feature_set)
    folds = grouped_folds([e.turn.session for e in examples], args.folds, args.seed)
    if not args.pooled:
        examples, matrix, folds = _cross_validated_sources(examples, matrix, folds)
    penalty = penalties(args.feature_set, args.l2, args.l2_embedding)
    predictions = evaluate(examples, matrix, per_source=not args.pooled, l2=penalty, folds=folds)
    reports = reports_by_source(
        [e.turn for e in examples], np.asarray(predictions), args.target, folds
    )
    fitted = "pooled over sources" if args.pooled else "one model per source"
    print(
        f"{args.folds}-fold CV by session, {fitted}, features {args.feature_set!r}, "
        f"prices {args.strong_model} / {args.weak_model}\n"
    )
    for report in reports:
        print(format_report(report) + "\n")
    print(format_summary(reports))
    if args.plot:
        from orchestrator_graph.lab.quality.plot import plot_curves

        print(f"plot: {plot_curves(reports, args.plot)}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``quality train`` or ``quality curve``."""
    return _train(args) if args.action == "train" else _curve(args)
