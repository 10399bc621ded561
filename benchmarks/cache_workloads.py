"""The answer cache on the workloads: each file replayed without and with the cache.

Every session of a workload file runs in one cache scope (the file is one tenant),
through the graph on the simulated models that replay the recorded answers
(``orchestrator_graph.lab.replay``). Reported per file and in all: the turns answered
from the cache (hit rate), hits on turns the workload labels as needing earlier
turns, hits whose reused answer is not the turn's own recorded answer (wrong
hits), and the savings against the main-session baseline without and with the
cache. Then every session runs once more in the same scope, as a second user asking
the same conversations would: the figures of that second pass. Used by
``cache_eval.py --workload``.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from orchestrator_graph.config import CacheConfig, RunContext
from orchestrator_graph.conversation.views import turns_of
from orchestrator_graph.lab.replay import BenchSettings, RunResult, replay, role_answer
from orchestrator_graph.lab.workloads import Session, read_workloads


@dataclass
class CacheRun:
    file: str
    turns: int = 0
    hits: int = 0
    dependent_hits: int = 0
    wrong_hits: int = 0
    baseline_usd: float = 0.0
    plain_usd: float = 0.0
    cached_usd: float = 0.0
    saved_usd: float = 0.0  # the ledger's saved_usd of the hits

    def add(self, other: CacheRun) -> None:
        for name in ("turns", "hits", "dependent_hits", "wrong_hits"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("baseline_usd", "plain_usd", "cached_usd", "saved_usd"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def savings(self, cost: float) -> float:
        return 1 - cost / self.baseline_usd if self.baseline_usd else 0.0


def _folded(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _answers(result: RunResult, file: str, session: Session) -> list[str]:
    transcript = result.transcripts[file, session.id]
    return [
        "\n\n".join(
            str(transcript[p].content) for p in turn.positions if transcript[p].type == "ai"
        )
        for turn in turns_of(transcript)
    ]


def _compare(file: str, sessions: list[Session], base: RunResult, plain: RunResult,
             cached: RunResult) -> CacheRun:  # fmt: skip
    run = CacheRun(file)
    for session in sessions:
        answers = _answers(cached, file, session)
        for index, turn in enumerate(session.turns):
            key = (file, session.id, index)
            record = cached.turns[key]["record"]
            run.turns += 1
            run.baseline_usd += base.turns[key]["cost_usd"]
            run.plain_usd += plain.turns[key]["cost_usd"]
            run.cached_usd += cached.turns[key]["cost_usd"]
            if record.route != "cache":
                continue
            run.hits += 1
            run.saved_usd += record.saved_usd
            run.dependent_hits += bool(turn.depends_on)
            recorded = {_folded(a) for role in ("strong", "weak") if (a := role_answer(turn, role))}
            run.wrong_hits += bool(recorded) and _folded(answers[index]) not in recorded
    return run


def replay_with_cache(paths: list[Path]) -> tuple[list[CacheRun], list[CacheRun]]:
    """Per workload file: baseline, orchestrated, and orchestrated with the answer cache,
    then every session once more in the same scope (a second user with the same
    conversation): (first pass, second pass)."""
    runs, again_runs = [], []
    with tempfile.TemporaryDirectory(prefix="cache-bench-") as tmp:
        for path in paths:
            file = Path(path).stem
            sessions = read_workloads([path])
            pairs = [(file, s) for s in sessions]
            workdir = Path(tmp) / file
            workdir.mkdir()
            cached_settings = BenchSettings(
                config=BenchSettings().config.updated(
                    {"cache": CacheConfig(path=workdir / "answer_cache.sqlite")}
                )
            )
            turns = sum(len(s.turns) for s in sessions)
            context = RunContext(cache_scope=file)
            with tqdm(total=4 * turns, desc=file, disable=True) as progress:
                base = replay(pairs, mode="baseline", workdir=workdir, progress=progress)
                plain = replay(pairs, mode="orchestrated", workdir=workdir, progress=progress)
                cached = replay(
                    pairs,
                    mode="cached",
                    workdir=workdir,
                    progress=progress,
                    settings=cached_settings,
                    context=context,
                )
                again = replay(
                    pairs,
                    mode="again",
                    workdir=workdir,
                    progress=progress,
                    settings=cached_settings,
                    context=context,
                )
            runs.append(_compare(file, sessions, base, plain, cached))
            again_runs.append(_compare(file, sessions, base, plain, again))
    return runs, again_runs


def format_workloads(passes: tuple[list[CacheRun], list[CacheRun]]) -> list[str]:
    first, second = passes
    return [
        *_table("answer cache: workloads (each file one scope; simulated models, recorded "
                "answers)", first),
        *_table("the same sessions again in the same scope (a second user asking the same "
                "conversations)", second),
    ]  # fmt: skip


def _table(title: str, runs: list[CacheRun]) -> list[str]:
    total = CacheRun("all")
    for run in runs:
        total.add(run)
    lines = [
        title,
        f"  {'file':<14} {'turns':>5} {'hits':>5} {'hit rate':>9} {'dependent':>9} "
        f"{'wrong':>6} {'savings':>8} {'+cache':>8} {'added':>7}",
    ]
    for run in [*runs, total]:
        plain, cached = run.savings(run.plain_usd), run.savings(run.cached_usd)
        lines.append(
            f"  {run.file:<14} {run.turns:>5} {run.hits:>5} {run.hits / max(run.turns, 1):>9.1%} "
            f"{run.dependent_hits:>9} {run.wrong_hits:>6} {plain:>8.1%} {cached:>8.1%} "
            f"{cached - plain:>+7.1%}"
        )
    lines.append(
        f"  hits saved ${total.saved_usd:.4f} by the ledger's estimates (saved_usd); "
        "dependent: hits on turns labelled as needing earlier turns; wrong: the reused "
        "answer is not the turn's recorded one"
    )
    return lines
