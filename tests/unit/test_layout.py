"""The package's shape (issue 18): a folder for each part of the architecture, no
module that holds two things (about 400 lines; 450 at the most), no function over 60
lines of body, and the top level kept to the public modules."""

from __future__ import annotations

import ast
from pathlib import Path

import orchestrator_graph

PACKAGE = Path(orchestrator_graph.__file__).parent
FOLDERS = {
    "routing", "quality", "conversation", "accounting", "storage", "cache", "server",
    "testing", "cli", "lab", "nodes",
}  # fmt: skip
TOP_LEVEL = {
    "__init__.py", "graph.py", "config.py", "state.py", "errors.py", "resources.py",
    "chat_models.py", "lru.py",
}  # fmt: skip
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60


def _body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function's body, its docstring left out."""
    body = node.body
    first = body[0]
    docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    start = (
        (body[1].lineno if len(body) > 1 else first.end_lineno or 0) if docstring else first.lineno
    )
    return (node.end_lineno or start) - start + 1


def test_the_folders_show_the_architecture() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders == FOLDERS
    assert {p.name for p in PACKAGE.glob("*.py")} == TOP_LEVEL


def test_no_module_or_function_holds_two_things() -> None:
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if (lines := len(text.splitlines())) > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(PACKAGE)}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if (length := _body_lines(node)) > MAX_FUNCTION_LINES:
                too_long.append(f"{path.relative_to(PACKAGE)}:{node.name}: {length} lines")
    assert too_long == []
