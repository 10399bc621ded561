"""The ``quality`` command: train saves a loadable model; curve prints and draws."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage

from orchestrator_graph.accounting.ledger import CostLedger, Label
from orchestrator_graph.cli import main as cli_main
from orchestrator_graph.quality.model import QualityModel, load_quality_model
from tests.unit.quality.test_quality_model import _workload


def main(argv: list[str]) -> int:
    return cli_main(["quality", *argv])


def test_train_saves_a_model_that_loads(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "model.npz"
    assert (
        main(["train", str(_workload(tmp_path)), "--feature-set", "lexical", "--out", str(out)])
        == 0
    )
    model = QualityModel.load(out)
    assert model.feature_set == "lexical"
    assert model.better_weights is not None  # both heads: as good, and better
    printed = capsys.readouterr().out
    assert "head 'as_good'" in printed and "head 'better'" in printed


def test_train_records_both_penalties(tmp_path: Path) -> None:
    out = tmp_path / "model.npz"
    argv = ["train", str(_workload(tmp_path)), "--out", str(out), "--feature-set", "embedding"]
    assert main([*argv, "--l2", "2", "--l2-embedding", "50"]) == 0
    trained_on = QualityModel.load(out).trained_on
    assert (trained_on["l2"], trained_on["l2_embedding"]) == (2.0, 50.0)


def test_curve_reports_each_source_and_draws(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    png = tmp_path / "curve.png"
    path = str(_workload(tmp_path))
    assert main(["curve", path, "--feature-set", "lexical", "--l2", "1", "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    assert "synthetic (60 turns)" in out
    for figure in ("CPT(50%)", "APGR", "all-weak", "oracle", "router @ min_quality 0.95"):
        assert figure in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_workload_without_scores_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "plain.jsonl"
    path.write_text('{"id": "a", "turns": [{"user": "hi"}]}\n', encoding="utf-8")
    assert main(["curve", str(path), "--feature-set", "lexical"]) == 2
    assert "no turn carries scores" in capsys.readouterr().err


TINY_SCORED = Path(__file__).resolve().parents[2] / "data" / "tiny_scored.jsonl"


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--folds", "0"], "argument --folds: 0 is below the minimum, 2"),
        (["--folds", "-1"], "argument --folds: -1 is below the minimum, 2"),
        (["--target", "2"], "argument --target: 2 is outside (0, 1]"),
        (["--target", "0"], "argument --target: 0 is outside (0, 1]"),
        (["--l2", "-1"], "argument --l2: -1 is outside"),
    ],
)
def test_curve_refuses_arguments_out_of_range(
    capsys: pytest.CaptureFixture, option: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["curve", str(TINY_SCORED), "--feature-set", "lexical", *option])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_train_checks_the_output_folder_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestrator_graph.cli import quality

    monkeypatch.setattr(quality, "train", lambda *a, **k: pytest.fail("trained before the check"))
    out = tmp_path / "missing" / "dir" / "q.npz"
    with pytest.raises(SystemExit) as exited:
        main(["train", str(TINY_SCORED), "--feature-set", "lexical", "--out", str(out)])
    assert exited.value.code == 2
    assert f"{out.parent} is not an existing folder" in capsys.readouterr().err


def test_curve_says_when_a_source_is_too_small_to_calibrate(
    capsys: pytest.CaptureFixture,
) -> None:
    """tiny_scored: source beta has one session, so its turns all fall in one fold."""
    assert main(["curve", str(TINY_SCORED), "--feature-set", "lexical", "--folds", "2"]) == 0
    out = capsys.readouterr().out
    assert "beta (2 turns, 1 sessions): too little data to cross-validate" in out
    assert "nan" not in out and "alpha (" in out


def test_curve_with_no_source_to_calibrate_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    a1, _, b1 = TINY_SCORED.read_text().splitlines()  # one session of each source
    path = tmp_path / "two.jsonl"
    path.write_text(f"{a1}\n{b1}\n")
    assert main(["curve", str(path), "--feature-set", "lexical", "--folds", "2"]) == 2
    assert "too little scored data" in capsys.readouterr().err


def _label(thread: str, request: str, score: float, tenant: str) -> Label:
    return Label(
        thread_id=thread, turn=0, tenant=tenant, request=request, category="qa", score=score,
        better=0.0, p_cheap_ok=0.7, threshold=0.6, min_quality=0.95, cheap_answered=False,
        probability=0.2, cheap_model="gpt-4.1-mini", strong_model="gpt-4.1",
        judge_model="gpt-4.1-mini", cheap_usd=0.0001, strong_usd=0.001,
        verdicts=["tie", "tie"] if score else ["loss", "loss"],
    )  # fmt: skip


def test_train_on_the_ledger_refits_the_shipped_model_on_a_tenants_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """The user's labels say the cheap model fails integrals and does greetings: the
    refitted model tells them apart more than the shipped one; other tenants' labels
    are left out."""
    integral = "Compute the definite integral of x^{k} sin(x) from 0 to pi, step by step."
    greeting = "Write a short friendly hello to my colleague {k}."
    with CostLedger(tmp_path / "ledger.sqlite") as ledger:
        for k in range(20):
            ledger.record_label(_label(f"a{k}", integral.format(k=k), 0.0, "acme"))
            ledger.record_label(_label(f"b{k}", greeting.format(k=k), 1.0, "acme"))
            ledger.record_label(_label(f"c{k}", greeting.format(k=k), 0.0, "other"))
    out = tmp_path / "refit.npz"
    argv = ["train", "--ledger", str(tmp_path / "ledger.sqlite"), "--tenant", "acme"]
    assert main([*argv, "--out", str(out)]) == 0
    assert "refitted on 40 labels of ['ledger:acme']" in capsys.readouterr().out
    refit, shipped = QualityModel.load(out), load_quality_model(None)
    assert refit.trained_on["turns"] == 40 and refit.feature_set == shipped.feature_set
    held_out = [[HumanMessage(integral.format(k=99))], [HumanMessage(greeting.format(k=99))]]
    hard, easy = refit.predict_many(held_out)
    prior_hard, prior_easy = shipped.predict_many(held_out)
    assert easy - hard > prior_easy - prior_hard + 0.05


def test_train_on_a_ledger_without_enough_labels_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    CostLedger(tmp_path / "ledger.sqlite").close()
    argv = ["train", "--ledger", str(tmp_path / "ledger.sqlite"), "--out", str(tmp_path / "m.npz")]
    assert main(argv) == 2
    assert "0 labels in the ledger" in capsys.readouterr().err
    assert main(["train", "--out", str(tmp_path / "m.npz")]) == 2
