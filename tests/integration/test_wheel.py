"""The built wheel, installed on its own (not editable), runs offline.

An sdist and the wheel built from it come from the repository without network
(``python -m build --no-isolation``); the sdist carries the package's data files,
``langgraph.json`` and ``docs/`` (``MANIFEST.in``). The wheel is installed with
``--no-deps`` into a fresh virtual environment whose dependencies come from this
environment's site-packages (a plain path in a ``.pth`` file: the project's own editable install
stays invisible). From a temporary working directory, so the source tree is not on
the path, that environment runs the demo, ``evaluate_task`` with the shipped
quality model, and ``langgraph dev`` serving the installed graph (a ``langgraph.json``
with module paths) for one turn.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

# builds a wheel, creates a venv, starts processes and `langgraph dev` on 127.0.0.1
pytestmark = [pytest.mark.slow, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]
# every file the package reads at run time besides its modules
DATA_FILES = {
    "orchestrator_graph/py.typed",
    "orchestrator_graph/quality/default_model.npz",
    "orchestrator_graph/quality/tokenizer.json",
    "orchestrator_graph/quality/NOTICE",
    "orchestrator_graph/cache/match_check.json",
    "orchestrator_graph/cache/screen_basis.npy",
}
# no network: a proxy that refuses every connection, no key for a live model
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}

# what a user of the installed package serves: module paths, no source folder
LANGGRAPH_JSON = {
    "dependencies": ["."],
    "graphs": {"orchestrator": "orchestrator_graph.server.studio:graph"},
    "checkpointer": {"path": "orchestrator_graph.storage.location.langgraph_checkpointer"},
}
# ``langgraph dev`` run by the venv's python (the CLI itself comes from the deps)
LANGGRAPH_DEV = "import sys; from langgraph_cli.cli import cli; sys.argv[0] = 'langgraph'; cli()"

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def serve_one_turn(venv: Path, folder: Path) -> dict:
    """``langgraph dev`` on the installed package answers one turn; its final state."""
    (folder / "langgraph.json").write_text(json.dumps(LANGGRAPH_JSON))
    port = free_port()
    env = offline_env() | {
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
        "LANGGRAPH_NO_VERSION_CHECK": "1",
        "LANGSMITH_TRACING": "false",
        "NO_PROXY": "127.0.0.1",
        "ORCHESTRATOR_STATE": str(folder / "studio-state"),
    }
    command = [str(venv / "bin" / "python"), "-c", LANGGRAPH_DEV, "dev", "--no-browser"]
    command += ["--no-reload", "--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with (folder / "server.log").open("wb") as log:
        server = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (folder / "server.log").read_text(errors="replace")
            assert time.monotonic() < deadline, "langgraph dev did not start within 60 s"
            try:
                with urllib.request.urlopen(f"{url}/ok", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        message = {"role": "user", "content": "Write a haiku about tea."}
        return post(f"{url}/runs/wait", {"assistant_id": "orchestrator", "input": {
            "messages": [message]}})  # fmt: skip
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


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
    docs = {p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*") if p.is_file()}
    assert docs and packed >= DATA_FILES | docs | {"README.md", "pyproject.toml", "langgraph.json"}
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

    served = serve_one_turn(venv, tmp_path)
    assert [m["type"] for m in served["messages"]] == ["human", "ai"]
    assert served["decision"]["route"] in {"main_session", "worker_session", "parallel_workers"}
