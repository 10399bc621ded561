"""Long threads joined from sessions: order, shifted labels, carried instructions."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator_graph.cli import main
from orchestrator_graph.lab.joining import CARRIER_CATEGORY, join_sessions, session_tokens
from orchestrator_graph.lab.workloads import Session, Turn, read_workloads

WORKLOADS = Path(__file__).resolve().parents[3] / "benchmarks" / "workloads"


def _session(name: str, n: int, *, system: str | None = None) -> Session:
    turns = [
        Turn(
            user=f"{name} request {i}",
            depends_on=[i - 1] if i else [],
            needs_instructions=bool(system) and i == 1,
            answer=f"{name} answer {i}",
        )
        for i in range(n)
    ]
    return Session(id=name, source="test", system=system, turns=turns)


def _find(thread: Session, text: str) -> int:
    return next(i for i, t in enumerate(thread.turns) if t.user == text)


def test_whole_sessions_in_seeded_order_with_shifted_labels() -> None:
    sessions = [_session(name, 3) for name in "abcd"]
    [thread] = join_sessions(sessions, seed=1, threads=1, min_turns=12, min_tokens=0)
    assert len(thread.turns) == 12
    for name in "abcd":
        first = _find(thread, f"{name} request 0")
        assert [t.user for t in thread.turns[first : first + 3]] == [
            f"{name} request {i}" for i in range(3)
        ]
        assert thread.turns[first].depends_on == []
        assert thread.turns[first + 2].depends_on == [first + 1]
    again = join_sessions(sessions, seed=1, threads=1, min_turns=12, min_tokens=0)
    other = join_sessions(sessions, seed=2, threads=1, min_turns=12, min_tokens=0)
    assert again[0] == thread
    assert [t.user for t in other[0].turns] != [t.user for t in thread.turns]


def test_system_prompt_is_a_turn_its_dependants_point_to() -> None:
    sessions = [_session("plain", 2), _session("persona", 3, system="You are Pip.")]
    [thread] = join_sessions(sessions, seed=0, threads=1, min_turns=7, min_tokens=0)
    assert thread.system is None
    carrier = next(i for i, t in enumerate(thread.turns) if t.category == CARRIER_CATEGORY)
    assert "You are Pip." in thread.turns[carrier].user
    assert thread.turns[carrier].depends_on == []
    needing = thread.turns[carrier + 2]  # the session's turn 1 needed the instructions
    assert needing.depends_on == [carrier, carrier + 1]
    assert needing.needs_instructions is False
    assert thread.turns[carrier + 1].depends_on == []


def test_targets_are_met_with_whole_sessions() -> None:
    sessions = [_session(name, 4) for name in "abc"]
    threads = join_sessions(sessions, seed=3, threads=3, min_turns=10, min_tokens=60)
    assert len({t.id for t in threads}) == 3
    for thread in threads:
        assert len(thread.turns) >= 10 and len(thread.turns) % 4 == 0
        assert session_tokens(thread) >= 60
    with pytest.raises(ValueError, match="at least one session"):
        join_sessions([], seed=0)


def test_the_command_writes_a_workload_file(tmp_path: Path, capsys) -> None:
    out = tmp_path / "long.jsonl"
    inputs = [str(WORKLOADS / "assistants.jsonl"), str(WORKLOADS / "mixed.jsonl")]
    code = main(["workloads", "join", *inputs, "--out", str(out), "--seed", "5",
                 "--threads", "2", "--min-turns", "60", "--min-tokens", "5000"])  # fmt: skip
    assert code == 0
    threads = read_workloads([out])
    assert len(threads) == 2 and all(len(t.turns) >= 60 for t in threads)
    assert "wrote 2 threads" in capsys.readouterr().out


def test_the_project_long_threads_meet_the_targets() -> None:
    threads = read_workloads([WORKLOADS / "long_threads.jsonl"])
    assert len(threads) >= 6
    for thread in threads:
        assert len(thread.turns) >= 150
        assert session_tokens(thread) >= 40_000
