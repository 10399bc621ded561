"""The README's first code example, the one a new user pastes, runs offline as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts a process

README = Path(__file__).resolve().parents[1] / "README.md"


def first_python_block(text: str) -> str:
    match = re.search(r"^```python\n(.*?)^```$", text, re.M | re.S)
    assert match, "the README has no python code block"
    return match.group(1)


def test_first_readme_example_runs_offline(tmp_path: Path) -> None:
    code = first_python_block(README.read_text(encoding="utf-8"))
    assert "SimulatedChatModel" in code  # the offline example comes before the live one
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    env |= {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "this turn: $" in done.stdout
    assert (tmp_path / "app.sqlite").exists() and (tmp_path / "ledger.sqlite").exists()
