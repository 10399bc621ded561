"""The workload format's quality fields: answers and scores per role, models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestrator_graph.lab.workloads import WorkloadError, read_workloads


def _write(tmp_path: Path, *sessions: dict) -> Path:
    path = tmp_path / "w.jsonl"
    path.write_text("\n".join(json.dumps(s) for s in sessions) + "\n", encoding="utf-8")
    return path


def _session(**turn: object) -> dict:
    return {"id": "s1", "source": "t", "turns": [{"user": "What is 2+2?", **turn}]}


def test_scores_answers_and_models_are_read(tmp_path: Path) -> None:
    session = _session(answers={"strong": "4", "weak": "5"}, scores={"strong": 1, "weak": 0})
    session["models"] = {"strong": "gpt-4o", "weak": "gpt-4o-mini", "scale": "0/1"}
    [read] = read_workloads([_write(tmp_path, session)])
    turn = read.turns[0]
    assert turn.answers == {"strong": "4", "weak": "5"}
    assert turn.scores == {"strong": 1.0, "weak": 0.0}
    assert turn.scored
    assert read.models is not None and read.models["weak"] == "gpt-4o-mini"


def test_old_sessions_still_read(tmp_path: Path) -> None:
    [read] = read_workloads([_write(tmp_path, _session(answer="4"))])
    assert read.models is None
    assert read.turns[0].scores is None and not read.turns[0].scored


def test_one_role_scored_is_not_a_scored_turn(tmp_path: Path) -> None:
    [read] = read_workloads([_write(tmp_path, _session(scores={"strong": 1}))])
    assert not read.turns[0].scored


@pytest.mark.parametrize(
    ("turn", "message"),
    [
        ({"scores": {"strong": 1, "cheap": 0}}, "unknown model roles \\['cheap'\\]"),
        ({"answers": {"medium": "x"}}, "unknown model roles \\['medium'\\]"),
        (
            {"scores": {"strong": "good", "weak": 0}},
            "w.jsonl line 1: session 's1': not a valid session",
        ),
        ({"scores": {"strong": float("nan"), "weak": 0}}, "finite"),
    ],
)
def test_bad_quality_fields_are_clear_errors(tmp_path: Path, turn: dict, message: str) -> None:
    path = tmp_path / "w.jsonl"
    path.write_text(json.dumps(_session(**turn)) + "\n", encoding="utf-8")
    with pytest.raises(WorkloadError, match=message):
        read_workloads([path])
