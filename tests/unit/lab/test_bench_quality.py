"""Quality on the bench's and eval's reports, on the tiny scored workload: each role
replays its own recorded answer, the figures follow the roles that answered, and
``bench --sweep`` reports the curve's summary figures next to its baselines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage
from tqdm import tqdm

from orchestrator_graph.cli import bench as bench_command
from orchestrator_graph.cli import main
from orchestrator_graph.config import OrchestratorConfig, RoutingConfig
from orchestrator_graph.lab import bench, replay
from orchestrator_graph.lab.evaluation import evaluate_sessions
from orchestrator_graph.lab.quality.runs import quality_report, scored_turn
from orchestrator_graph.lab.workloads import read_workloads

SCORED = Path(__file__).resolve().parents[2] / "data" / "tiny_scored.jsonl"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, replay.RunResult]:
    workdir = tmp_path_factory.mktemp("replay")
    sessions = [(SCORED.stem, s) for s in read_workloads([SCORED])]
    with tqdm(disable=True) as progress:
        return {
            mode: replay.replay(sessions, mode=mode, workdir=workdir, progress=progress)
            for mode in ("baseline", "orchestrated")
        }


def _answers(transcript: list[Any]) -> list[str]:
    return [m.text.strip() for m in transcript if isinstance(m, AIMessage)]


def test_each_role_replays_its_own_recorded_answer(runs: dict[str, replay.RunResult]) -> None:
    seen = set()
    for session in read_workloads([SCORED]):
        key = (SCORED.stem, session.id)
        baseline = _answers(runs["baseline"].transcripts[key])
        orchestrated = _answers(runs["orchestrated"].transcripts[key])
        for index, turn in enumerate(session.turns):
            assert turn.answers is not None
            assert baseline[index] == turn.answers["strong"]  # the main session: strong
            roles = runs["orchestrated"].turns[SCORED.stem, session.id, index]["roles"]
            assert len(roles) == 1
            assert orchestrated[index] == turn.answers[roles[0]]
            seen.add(roles[0])
    assert "weak" in seen  # the worker's model answered some turn with its own answer
    assert runs["orchestrated"].invented == runs["baseline"].invented == 0


def test_roles_follow_the_models_that_answered(runs: dict[str, replay.RunResult]) -> None:
    for done in runs["orchestrated"].turns.values():
        assert ("strong" in done["roles"]) == ("gpt-4.1" in done["models"])


def test_bench_reports_the_quality_of_the_roles_that_answered(tmp_path: Path) -> None:
    report = bench.run_bench([SCORED], workdir=tmp_path, speedup=False, reference=False)
    sessions = {s.id: s for s in read_workloads([SCORED])}
    turns = [scored_turn(sessions[t["session"]], t["turn"]) for t in report["turns"]]
    expected = quality_report(turns, [t["roles"] for t in report["turns"]])
    quality = report["quality"]
    assert set(quality["sources"]) == {"alpha", "beta"}
    for name in ("quality_retained", "pgr", "strong_share"):
        assert quality["overall"][name] == pytest.approx(expected["overall"][name])
    assert quality["overall"]["savings"] == pytest.approx(report["savings"])  # all are scored
    assert quality["sources"]["alpha"]["all_weak_retained"] == pytest.approx(7 / 9)
    assert "quality (scored turns)" in bench_command.format_table(report)
    json.dumps(report, allow_nan=False)


def test_eval_all_strong_keeps_everything() -> None:
    config = OrchestratorConfig(ledger_path=None, routing=RoutingConfig(force_route="main_session"))
    quality = evaluate_sessions(read_workloads([SCORED]), config=config)["quality"]
    assert quality["overall"]["strong_share"] == 1.0
    for figures in quality["sources"].values():
        assert (figures["quality_retained"], figures["pgr"]) == (1.0, 1.0)
        assert figures["savings"] == pytest.approx(0.0)


def test_sweep_reports_the_curve_with_its_baselines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, plot = tmp_path / "sweep.json", tmp_path / "sweep.png"
    argv = ["bench", "--workload", str(SCORED), "--sweep", "--json", str(out)]
    assert main([*argv, "--plot", str(plot)]) == 0
    text = capsys.readouterr().out
    for needle in ("CPT(50%)", "CPT(80%)", "APGR", "all-strong", "all-weak", "oracle", "random"):
        assert needle in text
    assert "min_quality 0.95" in text and "strong share at min_quality" in text
    assert plot.stat().st_size > 0
    report = json.loads(out.read_text())
    assert report["strong_share_by_category"]["all"]["turns"] == 5
    assert "the current routing on the same turns" in text
    assert set(report["current_routing"]["sources"]) == {"alpha", "beta"}
    alpha = report["sources"]["alpha"]
    assert alpha["all_weak"]["quality_retained"] == pytest.approx(7 / 9)
    # the oracle sends turns 0 and 2 (weak below strong) to the strong model
    assert alpha["oracle"]["strong_share"] == pytest.approx(2 / 3)
    assert alpha["oracle"]["quality_retained"] == pytest.approx(1.0)
    assert alpha["random"] == {"cpt50": 0.5, "cpt80": 0.8, "apgr": 0.5}
    assert 0 <= alpha["cpt50"] <= 1 and set(alpha["targets"]) == {"0.9", "0.95", "0.98"}


def test_sweep_cv_predicts_out_of_fold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--workload", str(SCORED), "--sweep", "--cv"]) == 2
    assert "cross-validation needs at least 5 sessions" in capsys.readouterr().err
    sessions = [json.loads(line) for line in SCORED.read_text().splitlines()]
    copies = [s | {"id": f"{n}-{s['id']}"} for n in range(4) for s in sessions]  # 12 sessions
    many = tmp_path / "many.jsonl"
    many.write_text("\n".join(json.dumps(s) for s in copies) + "\n")
    assert main(["bench", "--workload", str(many), "--sweep", "--cv"]) == 0
    text = capsys.readouterr().out
    assert "5-fold CV by session" in text and "CPT(50%)" in text
    assert "strong share at min_quality" not in text  # only a saved model predicts unscored turns
