"""The tenant learner (issue 21): it starts from the shipped prior, verdicts move it the
right way, a change of the cheap model is detected (through flipped verdicts too), the
threshold's guard holds, each tenant learns alone in the ledger, and the decision path
uses it (strong while learning where the shipped model abstains)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from langchain_core.messages import HumanMessage

from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.quality.adaptive.learner import (
    DRIFT_TRUST,
    MIN_AFTER_CHANGE,
    MIN_LABELS,
    P_FLOOR,
    REFIT_EVERY,
    TenantLearner,
    learned_threshold,
)
from orchestrator_graph.quality.adaptive.tenant import learn_verdict, model_key, tenant_verdict
from orchestrator_graph.quality.decision import verdict_of
from orchestrator_graph.quality.features import feature_matrix, feature_names
from orchestrator_graph.quality.model import Calibration, QualityModel

GRID = np.linspace(0, 1, 11)


def _model(columns: int | None = None, *, centroid: bool = False) -> QualityModel:
    """A small prior on the lexical feature set (no embedding to load)."""
    n = columns or len(feature_names("lexical"))
    rng = np.random.default_rng(0)
    return QualityModel(
        feature_set="lexical",
        weights=rng.normal(0, 0.1, n),
        bias=0.5,
        mean=np.zeros(n),
        scale=np.ones(n),
        calibration=Calibration(GRID, 0.9 + 0.1 * GRID, GRID, 1 - GRID, 1 - GRID),
        centroid=np.ones(3) / np.sqrt(3) if centroid else None,
        min_similarity=0.9 if centroid else None,
    )


def _rows(n: int, model: QualityModel, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    matrix = np.random.default_rng(seed).normal(size=(n, len(model.mean)))
    return matrix, TenantLearner.prior(model).inputs(model, matrix)


def test_it_starts_from_the_prior_and_verdicts_move_it_the_right_way() -> None:
    model = _model()
    # (seed 2: the verdicts of seeds 1, 3 and 8 hold a run of "worse" that raises a false
    # alarm of the change detection, as about one replay stream in three of 100 verdicts)
    matrix, inputs = _rows(200, model, seed=2)
    learner = TenantLearner.prior(model)
    assert np.allclose(learner.predict(inputs), model.predict_matrix(matrix), atol=1e-5)
    assert not learner.ready
    # the cheap answer is as good exactly where the first feature is positive
    good = matrix[:, 0] > 0
    for row, ok in zip(inputs[:60], good[:60], strict=True):
        learner.observe(row, float(ok), 0.5, model, 0.95)
    assert learner.ready and learner.refits == 60 // REFIT_EVERY and learner.drift_fired == 0
    p = learner.predict(inputs[60:])
    prior = model.predict_matrix(matrix[60:])
    assert (
        p[good[60:]].mean() - p[~good[60:]].mean()
        > prior[good[60:]].mean() - prior[~good[60:]].mean() + 0.05
    )
    # all "worse" verdicts lower every prediction and close the cheap route
    bad = TenantLearner.prior(model)
    for row in inputs[:40]:
        bad.observe(row, 0.0, 0.5, model, 0.95)
    assert bad.predict(inputs[60:]).mean() < prior.mean() - 0.2
    assert (bad.predict(inputs[60:]) > bad.threshold).mean() < 0.15  # the loss budget's one turn


def test_a_weaker_cheap_model_is_detected_and_the_old_labels_weigh_less() -> None:
    model = _model()
    _, inputs = _rows(200, model)
    learner = TenantLearner.prior(model)
    for row in inputs[:100]:
        learner.observe(row, 1.0, 0.5, model, 0.95)
    assert learner.drift_fired == 0
    assert (learner.predict(inputs[140:]) > learner.threshold).mean() > 0.5
    for row in inputs[100:140]:
        learner.observe(row, 0.0, 0.5, model, 0.95)
    assert learner.drift_fired >= 1
    assert len(learner.verdicts) == 140  # kept, but the labels before the change weigh less
    assert learner.trust[0] <= DRIFT_TRUST and learner.trust[-1] == 1.0
    assert learner.predict(inputs[140:]).mean() < 0.5
    assert (learner.predict(inputs[140:]) > learner.threshold).mean() < 0.15


def test_a_weaker_cheap_model_is_detected_through_flipped_verdicts() -> None:
    """15% of verdicts flipped; before the change the cheap answer is as good on 70% of
    the turns, after it on none: the CUSUM on the verdicts fires within 40 verdicts of
    the change, and the cheap route closes."""
    model = _model()
    _, inputs = _rows(200, model)
    rng = np.random.default_rng(3)
    truth = np.r_[rng.random(100) < 0.7, np.zeros(40, dtype=bool)]
    flipped = rng.random(140) < 0.15
    learner = TenantLearner.prior(model)
    fired = [
        learner.observe(row, float(ok != flip), 0.5, model, 0.95)
        for row, ok, flip in zip(inputs[:140], truth, flipped, strict=True)
    ]
    assert any(fired[100:])
    assert (learner.predict(inputs[140:]) > learner.threshold).mean() < 0.15


def test_the_threshold_keeps_the_verdicts_loss_within_the_target() -> None:
    p = np.array([0.99, 0.98, 0.9, 0.5, 0.2])
    verdicts = np.array([1.0, 1.0, 0.0, 1.0, 0.0])
    weights = np.ones(5)
    # a turn's loss is the mean of its verdict's and the model's, and counts twice; the
    # loss rate of the turns above a cut is shrunk toward the mean loss of all five
    # (0.343) by two labels: the surest turn alone is charged (0.005 + 2 x 0.343) / 3
    assert learned_threshold(p, verdicts, weights, 0.95) == 1.0
    assert learned_threshold(p, verdicts, weights, 0.9) == 0.98  # the surest one cheap
    assert learned_threshold(p, verdicts, weights, 0.8) == 0.9  # the two surest
    assert learned_threshold(p, verdicts, weights, 0.6) == 0.5  # the third turn breaks 0.7
    sure = np.full(60, 0.999)
    assert learned_threshold(sure, np.ones(60), np.ones(60), 0.95) == 0.0  # all cheap
    assert learned_threshold(p, np.zeros(5), weights, 0.95) == 1.0  # always lost: none
    # a turn sampled at a high chance stands for less traffic: the lost one weighs less
    assert learned_threshold(p, verdicts, np.array([1, 1, 0.1, 1, 1]), 0.7) == 0.2


def test_a_few_good_verdicts_at_the_top_do_not_open_the_cheap_route() -> None:
    """Two "as good" verdicts ranked first among 20 otherwise lost turns (as flipped
    verdicts on a much weaker cheap model look): two labels are little evidence that a
    tenth of the traffic may go cheap at a 95% target, where nearly every turn is lost
    (the threshold without the guard: 0.3, both cheap; under a Beta(1, 1) prior, 0.8)."""
    p = np.r_[0.9, 0.8, np.full(18, 0.3)]
    verdicts = np.r_[1.0, 1.0, np.zeros(18)]
    assert learned_threshold(p, verdicts, np.ones(20), 0.95) == 1.0  # none cheap


def test_a_turn_more_likely_worse_than_as_good_is_never_routed_cheap() -> None:
    model = _model()
    _, inputs = _rows(60, model)
    learner = TenantLearner.prior(model)
    for n, row in enumerate(inputs):
        learner.observe(row, float(n % 5 == 0), 0.5, model, 0.5)  # as good on a fifth
    assert learner.threshold >= P_FLOOR


def test_the_state_survives_json() -> None:
    model = _model()
    _, inputs = _rows(30, model)
    learner = TenantLearner.prior(model)
    for row in inputs:
        learner.observe(row, 1.0, 0.3, model, 0.9)
    again = TenantLearner.from_json(learner.to_json())
    assert np.allclose(again.predict(inputs), learner.predict(inputs), atol=1e-6)
    assert (again.threshold, again.labels, again.ready) == (learner.threshold, 30, True)


def _ask(text: str) -> list[HumanMessage]:
    return [HumanMessage(text)]


def test_each_tenant_learns_alone_and_the_decision_uses_its_model(tmp_path: Path) -> None:
    model = _model()
    ask = _ask("Write a short poem about the sea, please.")
    p = float(model.predict_matrix(feature_matrix([ask], "lexical"))[0])
    shipped = verdict_of(model, p, None, 0.95)
    with CostLedger(tmp_path / "ledger.sqlite") as ledger:
        for n in range(MIN_LABELS + REFIT_EVERY):
            learn_verdict(ledger, "a", _ask(f"Write poem {n}."), 0.0, probability=0.5,
                          min_quality=0.95, model=model)  # fmt: skip
        assert ledger.adaptive_state(model_key("b")) is None
        assert (
            tenant_verdict(shipped, ledger=ledger, tenant="b", messages=ask, model=model) == shipped
        )
        learned = tenant_verdict(shipped, ledger=ledger, tenant="a", messages=ask, model=model)
    assert learned.p_weak_ok < p and not learned.cheap_ok
    assert learned.adapted is not None and learned.adapted.startswith("tenant model learned")


def test_while_it_learns_a_request_the_prior_abstains_on_goes_strong(tmp_path: Path) -> None:
    model = _model(centroid=True)
    ask = _ask("Write a short poem about the sea, please.")
    abstained = verdict_of(model, 0.99, 0.1, 0.95)  # far from the training requests
    assert not abstained.in_domain and abstained.cheap_ok
    with CostLedger(tmp_path / "ledger.sqlite") as ledger:
        learn_verdict(ledger, "a", ask, 1.0, probability=0.5, min_quality=0.95, model=model)
        learning = tenant_verdict(abstained, ledger=ledger, tenant="a", messages=ask, model=model)
    assert learning.in_domain and not learning.cheap_ok
    assert "strong model until it is ready" in (learning.adapted or "")


@pytest.mark.parametrize("verdict", [0.0, 1.0])
def test_one_verdict_is_stored_per_call(tmp_path: Path, verdict: float) -> None:
    with CostLedger(tmp_path / "ledger.sqlite") as ledger:
        state = learn_verdict(ledger, "t", _ask("Hello there."), verdict, probability=1.0,
                              min_quality=0.95, model=_model())  # fmt: skip
    assert state["labels"] == 1 and not state["ready"]


def test_after_a_detected_change_every_request_goes_strong_until_it_is_ready() -> None:
    model = _model()
    _, inputs = _rows(200, model)
    learner = TenantLearner.prior(model)
    for row in inputs[:100]:
        learner.observe(row, 1.0, 0.5, model, 0.95)
    assert learner.decide(inputs[150], static_cheap=True, trusted=True)[0]
    for row in inputs[100:140]:
        if learner.observe(row, 0.0, 0.5, model, 0.95):
            break
    assert learner.drift_fired == 1 and not learner.ready
    assert not learner.decide(inputs[150], static_cheap=True, trusted=True)[0]
    for count, row in enumerate(inputs[140:200], start=1):  # the new pair, learned anew
        learner.observe(row, 1.0, 0.5, model, 0.95)
        assert learner.ready == (count >= MIN_AFTER_CHANGE), count
        if learner.ready:
            break
    assert learner.ready
