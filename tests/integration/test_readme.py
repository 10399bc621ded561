"""The README's examples run offline as written: the first one a new user pastes, and the
composition snippet."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts a process

README = Path(__file__).resolve().parents[2] / "README.md"


def first_python_block(text: str, after: str = "") -> str:
    """The first python code block of ``text`` after the line ``after``."""
    start = text.index(after) if after else 0
    match = re.search(r"^```python\n(.*?)^```$", text[start:], re.M | re.S)
    assert match, f"the README has no python code block after {after!r}"
    return match.group(1)


def run_offline(code: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    env |= {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_first_readme_example_runs_offline(tmp_path: Path) -> None:
    code = first_python_block(README.read_text(encoding="utf-8"))
    assert "SimulatedChatModel" in code  # the offline example comes before the live one
    assert "this turn: $" in run_offline(code, tmp_path)
    assert (tmp_path / "app.sqlite").exists() and (tmp_path / "ledger.sqlite").exists()


def test_composition_example_runs(tmp_path: Path) -> None:
    code = first_python_block(README.read_text(encoding="utf-8"), "## Compose it into your agent")
    out = run_offline(code, tmp_path)
    route = out.splitlines()[0].split()[0]
    assert route in {"main_session", "worker_session", "parallel_workers"}  # decision arrived
    assert "spawn_subgraph" in out  # the workers' calls, seen with subgraphs=True
