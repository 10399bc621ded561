"""The package uses LangGraph's public API only: no import of a private module or
name, no private attribute of a LangGraph object, no override of a private method."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from langgraph.channels.delta import DeltaChannel
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.pregel import Pregel

import orchestrator_graph

PACKAGE = Path(orchestrator_graph.__file__).parent
LANGGRAPH_CLASSES = (
    BaseCheckpointSaver,
    SqliteSaver,
    AsyncSqliteSaver,
    PostgresSaver,
    AsyncPostgresSaver,
    JsonPlusSerializer,
    DeltaChannel,
    StateGraph,
    CompiledStateGraph,
    Pregel,
)
PRIVATE = {
    name
    for cls in LANGGRAPH_CLASSES
    for name in dir(cls)
    if name.startswith("_") and not name.startswith("__")
}


def _private(name: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in name.split("."))


@cache
def _trees() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text()) for path in sorted(PACKAGE.rglob("*.py"))}


def _langgraph_names(tree: ast.Module) -> set[str]:
    """The names a module imports from LangGraph."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("langgraph")
        for alias in node.names
    }


def _own(trees: dict[Path, ast.Module]) -> set[str]:
    """Private names the package defines itself (``self._x = ...``, ``def _x``) outside
    the subclasses of LangGraph classes."""
    own = set()
    for tree in trees.values():
        langgraph = _langgraph_names(tree)
        subclasses = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            and any(isinstance(b, ast.Name) and b.id in langgraph for b in node.bases)
        ]
        inside = {id(n) for cls in subclasses for n in ast.walk(cls)}
        for node in ast.walk(tree):
            if id(node) in inside:
                continue
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                own.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                own.add(node.attr)
    return own


def test_no_private_langgraph_import() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path, tree in _trees().items()
        for node in ast.walk(tree)
        if (
            isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("langgraph")
            and (_private(node.module or "") or any(_private(a.name) for a in node.names))
        )
        or (
            isinstance(node, ast.Import)
            and any(a.name.startswith("langgraph") and _private(a.name) for a in node.names)
        )
    ]
    assert found == []


def test_no_private_langgraph_attribute() -> None:
    trees = _trees()
    private = PRIVATE - _own(trees)
    found = [
        f"{path.relative_to(PACKAGE)}:{node.lineno} {node.attr}"
        for path, tree in trees.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in private
    ]
    assert found == []


def test_no_override_of_a_private_langgraph_method() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}.{item.name}"
        for path, tree in _trees().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(isinstance(b, ast.Name) and b.id in _langgraph_names(tree) for b in node.bases)
        for item in node.body
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name in PRIVATE
    ]
    assert found == []
