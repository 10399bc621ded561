"""``orchestrator-graph eval``: its JSON keys and its starvation count on a small workload."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestrator_graph.cli import main
from orchestrator_graph.lab.workloads import WorkloadError, read_workloads

SESSIONS = [
    {
        "id": "s1",
        "source": "tests",
        "system": None,
        "turns": [
            {"user": "Write a haiku about autumn.", "depends_on": [], "answer": "Leaves fall."},
            {"user": "Make it about winter instead.", "depends_on": [0], "answer": "Snow."},
            {"user": "What is the capital of Peru?", "depends_on": [], "answer": "Lima."},
            {"user": "Why did he leave?", "depends_on": None},
        ],
    },
    {
        "id": "s2",
        "source": "tests",
        "system": "You are terse.",
        "turns": [
            {"user": "Name three rivers in Peru.", "depends_on": [], "answer": "Amazon, ..."},
            {"user": "Which of them is the longest?", "depends_on": [0], "answer": "Amazon."},
        ],
    },
]
KEYS = {
    "turns",
    "dependent_turns",
    "self_contained_turns",
    "starved_rate",
    "offload_rate_self_contained",
    "offload_rate_dependent",
    "confusion",
    "decision_ms_p50",
    "decision_ms_p99",
}


def write(path: Path, sessions: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(s) for s in sessions) + "\n", encoding="utf-8")
    return path


def test_eval_cli_writes_every_key(tmp_path: Path):
    workload = write(tmp_path / "small.jsonl", SESSIONS)
    out = tmp_path / "report.json"
    assert main(["eval", "--workload", str(workload), "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    overall = report["overall"]
    assert set(overall) >= KEYS and set(report["files"][str(workload)]) >= KEYS
    assert overall["turns"] == 5  # the unlabelled turn is skipped
    assert (overall["dependent_turns"], overall["self_contained_turns"]) == (2, 3)
    assert overall["starved_rate"] == 0.0
    confusion = overall["confusion"]
    assert sum(confusion["dependent"].values()) == 2


def test_a_worker_view_missing_a_needed_turn_is_starved(tmp_path: Path):
    from orchestrator_graph.config import OrchestratorConfig
    from orchestrator_graph.lab.evaluation import evaluate_sessions

    skip = {
        "id": "s3",
        "turns": [
            {"user": "Name three rivers in Peru.", "depends_on": [], "answer": "Amazon, ..."},
            # labelled dependent, but nothing in it says so: the rules call it self-contained
            {
                "user": "Explain how a rainbow forms after rain, in three sentences.",
                "depends_on": [0],
                "answer": "Light refracts.",
            },
        ],
    }
    sessions = read_workloads([write(tmp_path / "w.jsonl", [skip])])
    rules = {"ledger_path": None, "min_quality": None}  # model tiers by the rules
    minimal = OrchestratorConfig().updated({"worker_history_tokens": 0, **rules})
    report = evaluate_sessions(sessions, config=minimal)
    assert report["offload_rate_dependent"] == 1.0
    assert report["starved_turns"] == 1  # the worker's minimal view lacks turn 0
    whole = evaluate_sessions(sessions, config=OrchestratorConfig().updated(rules))
    assert whole["starved_turns"] == 0  # a short history goes to the worker whole


def test_malformed_workload_names_file_and_line(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(SESSIONS[0]) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(WorkloadError, match=r"bad\.jsonl line 2: not JSON"):
        read_workloads([bad])
    later = dict(SESSIONS[1], turns=[{"user": "x", "depends_on": [3]}])
    with pytest.raises(WorkloadError, match="not earlier turns"):
        read_workloads([write(tmp_path / "later.jsonl", [later])])


def test_the_overall_row_adds_up_the_files_runs(tmp_path: Path, monkeypatch) -> None:
    """Each turn is decided once: the overall row is the files' runs added up (its
    times as cold as theirs), not a second run on warm caches."""
    from orchestrator_graph.lab import evaluation as eval_command

    first = write(tmp_path / "first.jsonl", SESSIONS[:1])
    second = write(tmp_path / "second.jsonl", SESSIONS[1:])
    decided: list[int] = []
    decide = eval_command.evaluate_task

    def counted(*args, **kwargs):
        decided.append(1)
        return decide(*args, **kwargs)

    monkeypatch.setattr(eval_command, "evaluate_task", counted)
    report = eval_command.evaluate_files([first, second])
    files = list(report["files"].values())
    overall = report["overall"]
    assert len(decided) == overall["turns"] == sum(f["turns"] for f in files) == 5
    p50s = [f["decision_ms_p50"] for f in files]
    assert min(p50s) <= overall["decision_ms_p50"] <= max(p50s)
    assert overall["decision_ms_p99"] == max(f["decision_ms_p99"] for f in files)
    confusion = overall["confusion"]["dependent"]
    assert sum(confusion.values()) == sum(f["dependent_turns"] for f in files) == 2


def test_a_rate_over_no_turns_is_undefined_not_zero(tmp_path: Path, capsys) -> None:
    alone = {"id": "s", "turns": [{"user": "What is the capital of Peru?", "depends_on": []}]}
    out = tmp_path / "report.json"
    assert (
        main(["eval", "--workload", str(write(tmp_path / "w.jsonl", [alone])), "--json", str(out)])
        == 0
    )
    overall = json.loads(out.read_text())["overall"]
    assert overall["starved_rate"] is None and overall["offload_rate_dependent"] is None
    assert overall["offload_rate_self_contained_later"] is None  # no later turn
    row = capsys.readouterr().out.splitlines()[2].split("|")
    assert row[5].strip() == "-"  # starved_rate, as bench prints it
