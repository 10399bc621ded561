"""The ``quality`` command: train saves a loadable model; curve prints and draws."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator_graph.cli import main as cli_main
from orchestrator_graph.quality.model import QualityModel
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
