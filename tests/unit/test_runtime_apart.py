"""The runtime apart from its lab: running a turn imports nothing from
``orchestrator_graph.lab`` (nor the command line), and the command line loads only
the command given, so ``--help`` and ``demo`` need no lab extra."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "orchestrator_graph"
OFFLINE_COMMANDS = ("__init__", "__main__", "demo", "report", "prune")  # no lab extra


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (in functions too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return names


def _under(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(f"{p}.") for p in packages)


def _runtime_modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in ("lab", "cli")
    ]


def test_no_runtime_module_imports_the_lab_or_the_command_line() -> None:
    modules = _runtime_modules()
    assert len(modules) > 50  # the walk found the package
    found = {
        str(path.relative_to(PACKAGE)): sorted(
            n
            for n in _imports(path)
            if _under(n, "orchestrator_graph.lab", "orchestrator_graph.cli")
            or n in ("orchestrator_graph.lab", "orchestrator_graph.cli")
        )
        for path in modules
    }
    assert {module: names for module, names in found.items() if names} == {}


def test_the_offline_commands_import_no_lab_module() -> None:
    lab_commands = ("eval", "train", "bench", "workloads", "quality", "sweep")
    banned = ("orchestrator_graph.lab", *(f"orchestrator_graph.cli.{c}" for c in lab_commands))
    found = {
        name: sorted(n for n in _imports(PACKAGE / "cli" / f"{name}.py") if _under(n, *banned))
        for name in OFFLINE_COMMANDS
    }
    assert {name: names for name, names in found.items() if names} == {}


TURN = """
import sys, tempfile
from pathlib import Path
from langchain_core.messages import HumanMessage
from orchestrator_graph import (
    CacheConfig, OrchestratorConfig, QualityConfig, RunContext, create_orchestrator,
)
from orchestrator_graph.config import BudgetLimits
from orchestrator_graph.testing.simulated import SimulatedChatModel

tmp = Path(tempfile.mkdtemp())
config = OrchestratorConfig(
    ledger_path=tmp / "ledger.sqlite",
    cache=CacheConfig(path=tmp / "cache.sqlite"),
    budget=BudgetLimits(thread_usd=1.0),
    quality=QualityConfig(min_quality=0.9),
)
graph = create_orchestrator(
    main_model=SimulatedChatModel(model_name="gpt-4.1"),
    worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
    config=config,
).compile()
for text in ["Name a green tea.", "1. Capital of Peru?\\n2. 30 C in F?"]:
    graph.invoke({"messages": [HumanMessage(text)]}, context=RunContext(cache_scope="t"))
from orchestrator_graph.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
lab = ("orchestrator_graph.lab", "tqdm", "matplotlib")
print(sorted(m for m in sys.modules if m.startswith(lab)))
"""


@pytest.mark.slow
def test_a_turn_imports_nothing_from_the_lab() -> None:
    """In a fresh interpreter: two turns (ledger, cache, budget, quality target) and
    ``orchestrator-graph --help`` leave no lab module, tqdm or matplotlib loaded."""
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    out = subprocess.run(
        [sys.executable, "-c", TURN], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout


def _without_the_lab_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if tqdm and matplotlib were not installed: importing them fails, and no module
    that imported them stays loaded."""
    for name in list(sys.modules):
        if _under(name, "orchestrator_graph.lab", "orchestrator_graph.cli"):
            monkeypatch.delitem(sys.modules, name)
    for name in ("tqdm", "matplotlib"):
        monkeypatch.setitem(sys.modules, name, None)  # type: ignore[arg-type]


def test_help_needs_no_lab_extra_and_a_lab_command_names_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _without_the_lab_extra(monkeypatch)
    from orchestrator_graph.cli import main

    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    assert "bench" in capsys.readouterr().out
    assert main(["bench", "--workload", "missing.jsonl"]) == 2
    error = capsys.readouterr().err
    assert "needs the lab extra" in error and "orchestrator-graph[lab]" in error
