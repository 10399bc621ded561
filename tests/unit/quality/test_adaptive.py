"""The adaptive router's pieces without a graph: an older ledger gains the columns it
needs, and the drift simulation's figures on a synthetic stream."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.lab.drift import DriftSettings, format_drift, simulate
from orchestrator_graph.lab.quality.metrics import ScoredTurn


def test_a_ledger_from_before_quality_feedback_gains_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:  # the feedback table as the first ledgers made it
        conn.execute(
            "CREATE TABLE feedback (thread_id TEXT NOT NULL, turn INTEGER NOT NULL, source TEXT"
            " NOT NULL, needed_earlier_turns INTEGER, recorded_at FLOAT,"
            " PRIMARY KEY (thread_id, turn, source))"
        )
        conn.execute("INSERT INTO feedback VALUES ('t', 1, 'user', 1, 0.0)")
    with CostLedger(path) as ledger:
        assert ledger.record_feedback("t", 1, quality=0.5)
        [row] = ledger.feedback()
        assert (row.needed_earlier_turns, row.quality) == (True, 0.5)
        assert ledger.update_adaptive("k", lambda old: {"n": 1 if old is None else 2}) == {"n": 1}
        assert ledger.update_adaptive("k", lambda old: {"n": 1 if old is None else 2}) == {"n": 2}


def _stream(n: int = 1600, seed: int = 7) -> tuple[list[ScoredTurn], np.ndarray, list[str]]:
    """Two categories; the cheap model is right where its predicted p is high."""
    rng = np.random.default_rng(seed)
    p = rng.random(n)
    weak = (rng.random(n) < 0.3 + 0.7 * p).astype(float)
    strong = (rng.random(n) < 0.95).astype(float)
    turns = [
        ScoredTurn("synthetic", f"s{i}", strong[i], weak[i], strong_cost=1.0, weak_cost=0.1)
        for i in range(n)
    ]
    return turns, p, ["qa" if i % 2 else "math" for i in range(n)]


def test_the_drift_simulation_adapts_and_reports_against_the_baselines() -> None:
    turns, p, categories = _stream()
    run = simulate(turns, p, categories, DriftSettings(drift_category="qa", drop=0.8, seed=1))
    policies = run.policies
    assert set(policies) == {
        "all-strong", "all-weak", "fixed calibrated threshold", "best fixed (hindsight)",
        "oracle", "adaptive",
    }  # fmt: skip
    fixed, adaptive = policies["fixed calibrated threshold"], policies["adaptive"]
    # the fixed threshold keeps sending the drifted category to the failing cheap model
    assert fixed.settled_retained < 0.9
    # the sampler sends less to the cheap model at once, the guard closes it later
    before, first, rest = run.cheap_shares
    assert first < before and rest < before / 4
    assert run.turns_to_adapt is not None and run.guard_fired >= 1
    assert adaptive.settled_retained >= 0.95  # the target, from the 50th drifted turn on
    assert policies["best fixed (hindsight)"].retained >= 0.95
    assert run.regret == (adaptive.cost - policies["best fixed (hindsight)"].cost) / (
        policies["best fixed (hindsight)"].cost
    )
    text = format_drift([run])
    assert "regret vs best fixed threshold" in text and "goal <= 10%" in text
