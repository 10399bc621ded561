"""The examples of the README and of ``docs/`` run offline as written.

The README's first example runs alone, as a new user pastes it. Every other page
runs as a reader follows it: the README's first example, then each of the page's
``python`` blocks in order, in one process and one fresh folder (the pages say they
continue that example). ``json`` blocks must parse. Snippets that build an OpenAI
client get a placeholder key and a proxy that refuses every connection: they may
build, never call. Pages on Postgres run against ``ORCHESTRATOR_TEST_POSTGRES_URL``
and are skipped without it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts a process per page

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.M | re.S)
POSTGRES = os.environ.get("ORCHESTRATOR_TEST_POSTGRES_URL")


def blocks(text: str, language: str) -> list[str]:
    """The code blocks of ``text`` in ``language``, in order."""
    return [body for lang, body in BLOCK.findall(text) if lang == language]


def first_example() -> str:
    return blocks(README.read_text(encoding="utf-8"), "python")[0]


def script_of(page: Path) -> str:
    """What a reader of ``page`` runs: the README's first example, then the page's."""
    own = blocks(page.read_text(encoding="utf-8"), "python")
    return "\n".join(own if page == README else [first_example(), *own])


def run_offline(code: str, cwd: Path, **env_extra: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    env |= {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", **env_extra}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_first_readme_example_runs_offline(tmp_path: Path) -> None:
    code = first_example()
    assert "SimulatedChatModel" in code  # the offline example comes before the live one
    assert "this turn: $" in run_offline(code, tmp_path)
    assert (tmp_path / "app.sqlite").exists() and (tmp_path / "ledger.sqlite").exists()


def test_the_readme_is_a_front_door() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    head = text.splitlines()[:6]
    assert any("make demo" in line for line in head) and any("make test" in line for line in head)
    linked = set(re.findall(r"\(docs/([\w.]+\.md)", text))
    assert linked == {p.name for p in PAGES[1:]}  # every page linked, every link a page


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_snippet_of_the_page_runs(page: Path, tmp_path: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for body in blocks(text, "json"):
        json.loads(body)
    if not blocks(text, "python"):
        return
    code = script_of(page)
    live = "ChatOpenAI(" in code or 'main_model="gpt' in code  # a model built by name
    env = {"OPENAI_API_KEY": "sk-placeholder-never-sent"} if live else {}
    if "postgres" in code.lower():
        if not POSTGRES:
            pytest.skip("ORCHESTRATOR_TEST_POSTGRES_URL is not set: no Postgres to run it on")
        env |= {"ORCHESTRATOR_STATE": POSTGRES, "ORCHESTRATOR_LEDGER_SCHEMA": "docs_pages"}
    out = run_offline(code, tmp_path, **env)
    assert "this turn: $" in out  # the README's first example ran first
    expected = {
        "answer_cache.md": "cache-2 cache 0",
        "streaming.md": "spawn_subgraph",
        "deployment.md": "['ok', 'ok']",
    }
    assert expected.get(page.name, "") in out


def test_feedback_lands_on_the_readme_example_turn(tmp_path: Path) -> None:
    """docs/feedback.md after the README's example: its ledger, its thread, its turn."""
    code = script_of(ROOT / "docs" / "feedback.md")
    code += (
        "\nfrom orchestrator_graph.accounting.ledger import CostLedger\n"
        "print('turns', len(CostLedger('ledger.sqlite').turns('user-42')))\n"
    )
    assert "turns 2" in run_offline(code, tmp_path)
    assert not (tmp_path / "checkpoints").exists()  # one ledger, where the README keeps it


def test_composition_example_streams_the_workers() -> None:
    code = blocks((ROOT / "docs" / "streaming.md").read_text(encoding="utf-8"), "python")[0]
    assert "subgraphs=True" in code and 'stream_mode="messages"' in code
