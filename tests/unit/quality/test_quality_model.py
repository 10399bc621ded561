"""Training, saving and loading the quality model; grouped CV; the calibration."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from langchain_core.messages import HumanMessage

from orchestrator_graph.lab.quality.dataset import Prices, examples_of
from orchestrator_graph.lab.quality.training import (
    fit_logistic,
    fit_platt,
    fit_quality,
    grouped_folds,
    penalties,
    train,
)
from orchestrator_graph.lab.workloads import read_workloads
from orchestrator_graph.quality import judge_quality
from orchestrator_graph.quality.features import feature_names
from orchestrator_graph.quality.model import (
    QualityModel,
    apply_platt,
    cheap_model_ok,
    default_model_path,
    load_quality_model,
)

EASY = ["What is {n} plus {n}?", "Say hello to {n} friends.", "Name a colour, number {n}."]
HARD = [
    "Prove rigorously that the algorithm for problem {n} is optimal, with a detailed "
    "step-by-step derivation covering every edge case and the complexity trade-offs.",
    "Design a distributed, production-grade architecture for service {n}; explain the "
    "concurrency model, failure handling and the trade-offs in depth.",
]


def _workload(tmp_path: Path) -> Path:
    """Sessions of two turns: easy requests the weak model answers as well, hard ones not."""
    lines = []
    for n in range(30):
        turns = []
        for k, easy in enumerate((n % 2 == 0, n % 3 == 0)):
            template = (EASY if easy else HARD)[(n + k) % (3 if easy else 2)]
            weak = 1.0 if easy else 0.0
            turns.append(
                {
                    "user": template.format(n=n),
                    "answers": {"strong": "A full answer.", "weak": "An answer."},
                    "scores": {"strong": 1.0, "weak": weak},
                    "depends_on": [],
                }
            )
        lines.append(json.dumps({"id": f"s{n}", "source": "synthetic", "turns": turns}))
    path = tmp_path / "scored.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory):
    path = _workload(tmp_path_factory.mktemp("quality"))
    examples = examples_of(read_workloads([path]), Prices.of())
    return examples, train(examples, "embedding", l2=1.0)


def test_examples_are_priced_per_role(trained) -> None:
    examples, _ = trained
    assert len(examples) == 60
    turn = examples[0].turn
    assert turn.strong_cost > turn.weak_cost > 0  # gpt-4o dearer than gpt-4o-mini


def test_grouped_cv_never_puts_a_session_in_two_folds(trained) -> None:
    examples, result = trained
    fold_of: dict[str, set[int]] = {}
    for example, fold in zip(examples, result.folds, strict=True):
        fold_of.setdefault(example.turn.session, set()).add(int(fold))
    assert all(len(folds) == 1 for folds in fold_of.values())
    assert set(result.folds) == set(range(5))
    sizes = np.bincount(grouped_folds([f"g{i % 7}" for i in range(70)] + ["big"] * 20, 5))
    assert sizes.max() - sizes.min() <= 20


def test_the_model_learns_and_out_of_fold_predictions_rank(trained) -> None:
    examples, result = trained
    labels = np.array([e.weak_ok for e in examples])
    assert result.out_of_fold[labels].mean() > result.out_of_fold[~labels].mean() + 0.2
    model = result.model
    easy = model.predict([HumanMessage("What is 7 plus 7?")])
    hard = model.predict([HumanMessage(HARD[0].format(n=99))])
    assert 0 <= hard < easy <= 1


def test_save_and_load_round_trip(trained, tmp_path: Path) -> None:
    _, result = trained
    path = tmp_path / "model.npz"
    result.model.save(path)
    loaded = QualityModel.load(path)
    messages = [HumanMessage("What is 3 plus 3?")]
    assert loaded.predict(messages) == pytest.approx(result.model.predict(messages), abs=1e-5)
    assert loaded.threshold_for(0.9) == result.model.threshold_for(0.9)
    assert loaded.trained_on["sources"] == ["synthetic"]


def test_a_foreign_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.npz"
    np.savez(path, weights=np.zeros(3))
    with pytest.raises(ValueError, match="not a quality model file"):
        QualityModel.load(path)


def test_threshold_for_is_monotone_and_bounded(trained) -> None:
    _, result = trained
    model = result.model
    targets = np.linspace(0, 1, 41)
    thresholds = [model.threshold_for(float(q)) for q in targets]
    assert thresholds == sorted(thresholds)
    assert thresholds[0] < thresholds[-1]
    assert thresholds[0] == model.calibration.thresholds[0]  # no demand: the cheapest point
    keep_all = model.threshold_for(1.0)
    assert model.calibration.at(keep_all)["quality_retained"] >= 1.0 - 1e-9
    below = [p for p in result.out_of_fold if not cheap_model_ok(p, keep_all)]
    assert below  # keeping all quality sends some turns to the strong model
    with pytest.raises(ValueError, match="share of all-strong quality"):
        model.threshold_for(95)


def test_the_shipped_model_loads_and_was_trained_on_shippable_data_only() -> None:
    assert default_model_path().is_file()
    model = load_quality_model()
    assert model.trained_on["sources"] == ["routellm_gsm8k"]  # Apache-2.0; never alpaca_eval
    p = model.predict([HumanMessage("A train leaves at 3 pm at 60 mph; when does it arrive?")])
    assert 0 < p < 1
    assert model.threshold_for(0.8) <= model.threshold_for(0.95) <= model.threshold_for(1.0)


def test_judge_quality_explains_and_only_tightens_with_the_target(trained) -> None:
    _, result = trained
    messages = [HumanMessage(HARD[1].format(n=5))]
    verdicts = [
        judge_quality(messages, min_quality=q, model=result.model) for q in (0.0, 0.5, 0.9, 1.0)
    ]
    choices = [v.cheap_ok for v in verdicts]
    assert choices == sorted(choices, reverse=True)  # once strong, a higher target stays strong
    assert not verdicts[-1].cheap_ok  # a hard request under the strictest target
    assert "threshold" in verdicts[-1].reason and "min_quality 1.00" in verdicts[-1].reason


def test_penalties_shrink_the_embedding_harder() -> None:
    names = feature_names("embedding")
    penalty = penalties("embedding", l2=3.0, l2_embedding=70.0)
    assert penalty.shape == (len(names),)
    assert {p for n, p in zip(names, penalty, strict=True) if n.startswith("embedding_")} == {70.0}
    assert {p for n, p in zip(names, penalty, strict=True) if not n.startswith("embedding_")} == {
        3.0
    }
    assert set(penalties("lexical", l2=3.0, l2_embedding=70.0)) == {3.0}


def test_the_two_heads_rank_a_weak_win_above_a_tie_above_a_loss() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, 3))
    # the first column decides: low, the strong answer wins; middle, a tie; high, the weak one
    outcome = np.digitize(x[:, 0] + rng.normal(scale=0.3, size=600), [-0.5, 0.5])
    as_good, better = outcome >= 1, outcome == 2
    fit = fit_quality(x, as_good, better, l2=1.0)
    assert fit.better_weights is not None
    loss, tie, win = fit.predict(np.array([[-2.0, 0, 0], [0.0, 0, 0], [2.0, 0, 0]]))
    assert loss < tie < win
    # p_weak_ok is the mean of the heads: the cheap model's win rate, a tie counting half
    alone = fit_logistic(x, as_good, l2=1.0).predict(np.array([[0.0, 0, 0]]))[0]
    head = replace(fit, better_weights=None).predict(np.array([[0.0, 0, 0]]))[0]
    assert head == pytest.approx(alone)
    z = (np.array([0.0, 0, 0]) - fit.mean) / fit.scale
    win_rate = 1 / (1 + np.exp(-(z @ fit.better_weights + fit.better_bias)))
    assert tie == pytest.approx((head + win_rate) / 2)
    assert 0.3 < tie < 0.7  # a tie: as good (about 1) and not better (about 0)


def test_a_label_of_one_class_gives_its_smoothed_rate() -> None:
    fit = fit_logistic(np.eye(4), np.zeros(4, dtype=bool), l2=1.0)
    assert not fit.weights.any()
    assert fit.predict(np.eye(4)) == pytest.approx(np.full(4, 0.5 / 5))


def test_a_single_head_file_of_the_previous_format_still_loads(trained, tmp_path: Path) -> None:
    _, result = trained
    single = replace(result.model, better_weights=None, better_bias=0.0)
    path = tmp_path / "v2.npz"
    single.save(path)
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    meta = json.loads(str(arrays["meta"]))
    arrays["meta"] = np.array(json.dumps({**meta, "format": "orchestrator-graph/quality-logreg/2"}))
    np.savez(path, **arrays)
    loaded = QualityModel.load(path)
    assert loaded.better_weights is None
    messages = [HumanMessage("What is 3 plus 3?")]
    assert loaded.predict(messages) == pytest.approx(single.predict(messages), abs=1e-5)
    assert result.model.better_weights is not None  # what `train` makes: both heads
    both = tmp_path / "v3.npz"
    result.model.save(both)
    assert QualityModel.load(both).better_weights is not None


def test_the_platt_map_keeps_the_order_and_makes_a_probability() -> None:
    rng = np.random.default_rng(1)
    score = rng.uniform(0.3, 0.5, size=2000)  # a compressed score: the heads' mean
    truth = 1 / (1 + np.exp(-(score - 0.4) * 40))  # the real P(as good) behind it
    labels = rng.uniform(size=score.size) < truth
    platt = fit_platt(score, labels)
    assert platt is not None and platt[0] > 0
    mapped = apply_platt(score, platt)
    assert np.array_equal(np.argsort(mapped, kind="stable"), np.argsort(score, kind="stable"))
    assert np.abs(mapped - truth).max() < 0.1  # back on the probability scale
    assert fit_platt(score, np.zeros(score.size, dtype=bool)) is None
    assert fit_platt(score, score < 0.4) is None  # a falling rate: no monotone map up
    assert apply_platt(score, None) is score


def test_train_maps_its_predictions_to_p_as_good(trained) -> None:
    examples, result = trained
    model = result.model
    assert model.platt is not None
    labels = np.array([e.weak_ok for e in examples])
    # on the out-of-fold predictions the mean prediction is about the label rate
    assert abs(result.out_of_fold.mean() - labels.mean()) < 0.05
    raw = replace(model, platt=None)
    messages = [HumanMessage("What is 3 plus 3?")]
    assert model.predict(messages) == pytest.approx(
        float(apply_platt(np.array([raw.predict(messages)]), model.platt)[0])
    )
