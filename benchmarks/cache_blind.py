"""The answer cache on its blind set (``benchmarks/cache/blind_pairs.jsonl``), through the graph.

Each pair as a user meets it: request ``a`` opens a thread in a cache scope of its own,
request ``b`` opens another thread in the same scope; ``b`` is a hit when the graph
answers it from the cache (route ``cache``). Prints near misses served and paraphrases
served, by kind and in all (goals: near misses <= 1%, paraphrases >= 50%).

    python benchmarks/cache_blind.py [--pairs FILE]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import defaultdict
from pathlib import Path

from langchain_core.messages import HumanMessage

from orchestrator_graph import OrchestratorConfig, RunContext, create_orchestrator
from orchestrator_graph.config import CacheConfig
from orchestrator_graph.testing.simulated import SimulatedChatModel

PAIRS = Path(__file__).resolve().parent / "cache" / "blind_pairs.jsonl"


def served(pairs: list[dict], workdir: Path) -> list[bool]:
    """For each pair, whether ``b`` was answered from the cache entry ``a`` left."""
    config = OrchestratorConfig(
        ledger_path=workdir / "ledger.sqlite", cache=CacheConfig(path=workdir / "cache.sqlite")
    )
    graph = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=config,
    ).compile()
    hits = []
    for pair in pairs:
        context = RunContext(cache_scope=pair["id"])
        for side in ("a", "b"):
            thread = {"configurable": {"thread_id": f"{pair['id']}-{side}"}}
            out = graph.invoke({"messages": [HumanMessage(pair[side])]}, thread, context=context)
        hits.append(out["decision"].route == "cache")
    return hits


def report(pairs: list[dict], hits: list[bool]) -> list[str]:
    """The rows: each kind's pairs served, then near misses and paraphrases in all."""
    by_kind: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for pair, hit in zip(pairs, hits, strict=True):
        by_kind[(pair["label"], pair["kind"])].append(hit)
    lines = [f"{'kind':<18} {'label':<10} {'served':>10}"]
    for (label, kind), got in sorted(by_kind.items()):
        lines.append(f"{kind:<18} {label:<10} {sum(got):>4} / {len(got):<4}")
    for label, name, goal in (
        ("different", "near misses", "<= 1%"),
        ("same", "paraphrases", ">= 50%"),
    ):
        got = [h for p, h in zip(pairs, hits, strict=True) if p["label"] == label]
        share = sum(got) / len(got)
        lines.append(f"{name} served: {sum(got)} / {len(got)} = {share:.1%} (goal {goal})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    args = parser.parse_args(argv)
    pairs = [json.loads(line) for line in args.pairs.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        hits = served(pairs, Path(tmp))
    print(f"answer cache, blind set ({args.pairs.name}, {len(pairs)} pairs, through the graph)")
    print("\n".join(report(pairs, hits)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
