"""The notebooks as stored, and what they need.

They are stored executed (``make notebooks``), outputs and plots included, so that
they read on GitHub as they run. ``pip install -e '.[notebooks]'`` installs everything
they import or call: each third-party module a notebook imports, and what a LangChain
call it makes needs (``draw_ascii`` draws with grandalf), comes with the base
dependencies or the ``notebooks`` extra (directly, or as one of their own dependencies)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import nbformat
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PROJECT = "orchestrator-graph"
# calls whose library imports an optional package only when called
CALLS_NEED = {"draw_ascii": "grandalf", "draw_png": "pygraphviz"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def extra_requirements(extra: str | None) -> list[Requirement]:
    """The project's requirements: the base ones, or one extra's (self-references
    such as ``orchestrator-graph[lab]`` followed)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    found: list[Requirement] = []
    for line in listed:
        requirement = Requirement(line)
        if canonical(requirement.name) == PROJECT:
            for inner in sorted(requirement.extras):
                found += extra_requirements(inner)
        else:
            found.append(requirement)
    return found


def installed_closure(requirements: list[Requirement]) -> set[str]:
    """The distributions these requirements install, with their own (non-extra)
    dependencies, as installed here."""
    seen: set[str] = set()
    todo = [r.name for r in requirements]
    while todo:
        name = canonical(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def notebook_code(path: Path) -> str:
    book = nbformat.read(path, as_version=4)
    return "\n".join(cell.source for cell in book.cells if cell.cell_type == "code")


def needed_distributions(code: str) -> set[frozenset[str]]:
    """The distributions a notebook's code needs, each as the set of those that provide
    it (a namespace such as ``langgraph`` comes with several): its third-party imports,
    and the optional packages of the calls it makes."""
    tree = ast.parse(code)
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module.split(".")[0])
    modules -= set(sys.stdlib_module_names) | {"orchestrator_graph", "__future__"}
    by_module = metadata.packages_distributions()
    needed = {frozenset(canonical(d) for d in by_module.get(m, [m])) for m in modules}
    calls = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    return needed | {frozenset({CALLS_NEED[c]}) for c in calls & set(CALLS_NEED)}


def test_the_notebooks_need_only_what_their_extra_installs() -> None:
    allowed = installed_closure(extra_requirements(None) + extra_requirements("notebooks"))
    needed = {path.stem: needed_distributions(notebook_code(path)) for path in NOTEBOOKS}
    assert frozenset({"grandalf"}) in needed["01_quickstart"]  # draw_ascii() is called
    assert frozenset({"matplotlib"}) in needed["02_savings"]
    missing = {
        stem: sorted("/".join(sorted(d)) for d in dists if not d & allowed)
        for stem, dists in needed.items()
    }
    assert not any(missing.values()), f"add to the notebooks extra in pyproject.toml: {missing}"


def test_the_check_sees_an_import_outside_the_extra() -> None:
    allowed = installed_closure(extra_requirements(None) + extra_requirements("notebooks"))
    assert frozenset({"hypothesis"}) in needed_distributions("import hypothesis")
    assert "hypothesis" not in allowed  # a dev tool: not what a notebook may import


def test_the_notebooks_are_stored_executed() -> None:
    """Every code cell ran, in order, without an error; the plots are stored as PNG."""
    plots = {"01_quickstart": 0, "02_savings": 2, "03_tuning": 1}
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        code = [cell for cell in book.cells if cell.cell_type == "code"]
        counts = [cell.execution_count for cell in code]
        assert counts == list(range(1, len(code) + 1)), f"{path.name}: run it (make notebooks)"
        outputs = [out for cell in code for out in cell.outputs]
        assert outputs and not [out for out in outputs if out.output_type == "error"], path.name
        pngs = [out for out in outputs if "image/png" in out.get("data", {})]
        assert len(pngs) >= plots[path.stem], f"{path.name}: {len(pngs)} plots stored"
