"""The built wheel, installed on its own (not editable), runs offline.

An sdist and the wheel built from it come from the repository without network
(``python -m build --no-isolation``); the wheel is installed with ``--no-deps`` into a
fresh virtual environment whose dependencies come from this environment's
site-packages (a plain path in a ``.pth`` file: the project's own editable install
stays invisible). From a temporary working directory, so the source tree is not on
the path, that environment runs the demo and ``evaluate_task`` with the shipped
quality model.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds a wheel, creates a venv, starts processes

ROOT = Path(__file__).resolve().parents[1]
# every file the package reads at run time besides its modules
DATA_FILES = {
    "orchestrator_graph/py.typed",
    "orchestrator_graph/quality/default_model.npz",
    "orchestrator_graph/quality/tokenizer.json",
    "orchestrator_graph/quality/NOTICE",
}
# no network: a proxy that refuses every connection, no key for a live model
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}

PROBE = """
import json, orchestrator_graph
from orchestrator_graph import evaluate_task
decision = evaluate_task([
    "Explain the difference between a process and a thread in two short paragraphs."
])
print(json.dumps({
    "file": orchestrator_graph.__file__,
    "route": decision.route,
    "quality": None if decision.quality is None else str(decision.quality),
}))
"""


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def offline_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"OPENAI_API_KEY", "PYTHONPATH"}}
    return {**env, **OFFLINE}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The wheel built from the repository and a venv it is installed into."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist)], cwd=ROOT
    )  # the sdist, then the wheel built from it
    (sdist,) = dist.glob("orchestrator_graph-*.tar.gz")
    with tarfile.open(sdist) as archive:
        packed = {name.split("/", 1)[-1] for name in archive.getnames()}
    assert packed >= DATA_FILES | {"README.md", "pyproject.toml"}
    (wheel,) = dist.glob("orchestrator_graph-*.whl")
    venv = base / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=base)
    python = venv / "bin" / "python"
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], base)
    (Path(site.strip()) / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run(
        [
            sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
            "--no-deps", "--no-index", "--ignore-installed", str(wheel),
        ],
        cwd=base,
        env=offline_env(),
    )  # fmt: skip
    return wheel, venv


def test_wheel_installs_and_runs_offline(installed: tuple[Path, Path], tmp_path: Path) -> None:
    wheel, venv = installed
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    assert names >= DATA_FILES
    text = metadata.decode()
    assert "License-Expression: MIT" in text
    assert "Description-Content-Type: text/markdown" in text
    assert "Classifier: Typing :: Typed" in text

    env = offline_env()
    probe = json.loads(run([str(venv / "bin" / "python"), "-c", PROBE], tmp_path, env))
    assert Path(probe["file"]).is_relative_to(venv), probe  # the wheel, not the source tree
    assert probe["quality"] is not None  # the shipped quality model loaded

    demo = run(
        [
            str(venv / "bin" / "orchestrator-graph"), "demo", "--thread", "t-wheel",
            "--db", str(tmp_path / "checkpoints.sqlite"),
            "--ledger", str(tmp_path / "ledger.sqlite"),
        ],
        tmp_path,
        env,
    )  # fmt: skip
    assert "session 't-wheel': 10 turns" in demo
    assert "savings:" in demo
    assert not (tmp_path / "checkpoints").exists()  # nothing at the default paths
