"""The load test's server processes: the shipped app under uvicorn and the graph under
``langgraph dev``, each a subprocess on a loopback port with its log in the run's folder;
their CPU time (from ``/proc``), and the PostgreSQL database a run owns.

Every process is started in its own session and ended by its own id (SIGTERM, then
SIGKILL); ``kill`` is the SIGKILL of run (c).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STARTUP_S = 90.0
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    """A server process: ``kind`` is ``app`` (the HTTP service) or ``graph`` (``langgraph dev``)."""

    kind: str
    name: str
    url: str
    folder: Path
    process: subprocess.Popen
    cpu_at_start: float = 0.0
    cpu_at_kill: float | None = None
    alive: bool = True

    def log(self) -> str:
        return (self.folder / f"{self.name}.log").read_text(errors="replace")

    def cpu_s(self) -> float:
        """CPU seconds the process (and its children) used since ``ready``."""
        if self.cpu_at_kill is not None:
            return self.cpu_at_kill - self.cpu_at_start
        return tree_cpu_s(self.process.pid) - self.cpu_at_start


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cpu_of(pid: int) -> float:
    """user + system seconds of ``pid`` and its reaped children; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / TICKS  # utime stime cutime cstime


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def tree_cpu_s(pid: int) -> float:
    """CPU seconds of ``pid`` and its live descendants (``langgraph dev`` runs the server
    in a child process)."""
    return _cpu_of(pid) + sum(tree_cpu_s(child) for child in _children(pid))


def base_env(pace: tuple[float, float], extra: dict[str, str]) -> dict[str, str]:
    """The servers' environment: offline (simulated models at ``pace``), no telemetry."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
        "LANGGRAPH_NO_VERSION_CHECK": "1",
        "LANGSMITH_TRACING": "false",
        "ORCHESTRATOR_SIMULATED_FIRST_TOKEN_MS": str(pace[0]),
        "ORCHESTRATOR_SIMULATED_TOKEN_MS": str(pace[1]),
        **extra,
    }
    env.pop("OPENAI_API_KEY", None)
    return env


def start(kind: str, name: str, folder: Path, env: dict[str, str], jobs: int = 10) -> Server:
    """Start one server of ``kind`` in ``folder`` (created); ``wait_ready`` waits for it.
    ``jobs``: the runs a ``langgraph dev`` runs at once (its default is 10)."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    if kind == "app":
        command = [
            str(BIN / "uvicorn"),
            "orchestrator_graph.server.http_api:app",
            "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
    else:  # the in-memory runtime writes .langgraph_api/ into its working directory
        link = folder / "orchestrator_graph"
        if not link.exists():
            link.symlink_to(ROOT / "orchestrator_graph")
        command = [
            str(BIN / "langgraph"), "dev", "--config", str(ROOT / "langgraph.json"),
            "--no-browser", "--no-reload", "--host", "127.0.0.1", "--port", str(port),
            "--n-jobs-per-worker", str(jobs),
        ]  # fmt: skip
    with (folder / f"{name}.log").open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(kind, name, f"http://127.0.0.1:{port}", folder, process)


def wait_ready(server: Server) -> None:
    """Wait until ``server`` answers (``/ok`` or ``/docs``); its CPU is counted from then."""
    probe = "/ok" if server.kind == "graph" else "/docs"
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited:\n{server.log()[-3000:]}")
        try:
            with urllib.request.urlopen(server.url + probe, timeout=2) as response:
                if response.status == 200:
                    server.cpu_at_start = tree_cpu_s(server.process.pid)
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(
        f"{server.name} did not answer in {STARTUP_S:.0f} s:\n{server.log()[-3000:]}"
    )


def kill(server: Server) -> None:
    """SIGKILL ``server``'s process group (run (c)): no shutdown, no flush."""
    server.cpu_at_kill = tree_cpu_s(server.process.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=10)
    server.alive = False


def stop(server: Server) -> None:
    """End ``server`` (SIGTERM to its group, SIGKILL after 15 s)."""
    if server.process.poll() is not None:
        return
    if server.cpu_at_kill is None:
        server.cpu_at_kill = tree_cpu_s(server.process.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=5)


# -- PostgreSQL: the run's own database, and the CPU of its backends ------------------


def fresh_database(admin_url: str, name: str, *, durable: bool) -> str:
    """Drop and create database ``name`` on ``admin_url``'s server; its URL. Not
    ``durable``: its commits do not wait for the disk (``synchronous_commit = off``: a
    server process killed loses nothing committed; a PostgreSQL crash could)."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
        if not durable:
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


class PostgresCpu:
    """CPU seconds of the PostgreSQL backends serving database ``name`` (the server is
    shared with other users: only our database's backends are counted), sampled now
    and then: a backend counts from ``start`` (from 0 when it began later) to its last
    sample, so one that ends between samples loses its last interval."""

    def __init__(self, admin_url: str, name: str) -> None:
        self.admin_url, self.name = admin_url, name
        self.seen: dict[int, tuple[float, float]] = {}  # pid: (at start, last sample)

    def _backends(self) -> dict[int, float]:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.name]
            ).fetchall()
        return {pid: _cpu_of(pid) for (pid,) in rows}

    def start(self) -> None:
        self.seen = {pid: (cpu, cpu) for pid, cpu in self._backends().items()}

    def sample(self) -> None:
        for pid, cpu in self._backends().items():
            self.seen[pid] = (self.seen.get(pid, (0.0, cpu))[0], cpu)

    def cpu_s(self) -> float:
        return sum(last - first for first, last in self.seen.values())
