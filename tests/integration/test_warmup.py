"""A built graph has loaded what the first decision needs (a fresh process each time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow]  # a fresh Python process: the loads are per process

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from orchestrator_graph import OrchestratorConfig, QualityConfig, create_orchestrator
from orchestrator_graph.quality.embedding import shared_embedder
from orchestrator_graph.testing.simulated import SimulatedChatModel
from orchestrator_graph.conversation.tokens import _encoding
from orchestrator_graph.routing.warmup import warm_up

def loaded():
    return {"encoding": _encoding.cache_info().currsize, "embedding": shared_embedder().loaded}

before = loaded()
target = None if sys.argv[1] == "rules" else 0.95
config = OrchestratorConfig(quality=QualityConfig(min_quality=target))
create_orchestrator(
    main_model=SimulatedChatModel(model_name="gpt-4.1"),
    worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
    config=config,
)
after = loaded()
again = warm_up(config, main_model="gpt-4.1", worker_model="gpt-4.1-mini")
print(json.dumps({"before": before, "after": after, "again": again}))
"""


def probe(mode: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_building_the_graph_loads_the_encoding_and_the_embedding() -> None:
    seen = probe("quality")
    assert seen["before"] == {"encoding": 0, "embedding": False}  # nothing loads at import
    assert seen["after"] == {"encoding": 1, "embedding": True}  # one encoding, built once
    assert seen["again"] == 0.0  # the same settings again: nothing to do


def test_without_a_quality_target_the_embedding_stays_unloaded() -> None:
    seen = probe("rules")
    assert seen["after"] == {"encoding": 1, "embedding": False}
