"""The answer cache on a set of request pairs, through the graph: by default its
development set (``benchmarks/cache/blind_pairs.jsonl``, written as a blind set and read
since); ``--pairs benchmarks/cache/blind_pairs_v2.jsonl`` its second set (run blind
once after the second round, read since).

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

CACHE = Path(__file__).resolve().parent / "cache"
PAIRS = CACHE / "blind_pairs.jsonl"
# served per kind as recorded in cache/README.md, by set: the development set (written
# blind, read since) before issue 20 and after its first and second rounds; the second
# set (written by someone who read neither the code nor the data; run blind once after
# the second round, read since) before and after the second round
RECORDED: dict[str, tuple[tuple[str, ...], dict[str, tuple[int, ...]]]] = {
    "blind_pairs.jsonl": (
        ("before 20", "round 1", "round 2"),
        {
            "number": (0, 0, 0),
            "negation": (2, 1, 0),
            "unit_direction": (2, 1, 0),
            "entity_edited": (1, 0, 0),
            "entity_natural": (2, 1, 0),
            "word_order": (15, 2, 0),
            "detail": (6, 1, 0),
            "site_question": (9, 6, 21),
            "doctor_question": (9, 4, 18),
            "news_sentence": (4, 1, 13),
            "wiki_sentence": (3, 0, 24),
        },
    ),
    "blind_pairs_v2.jsonl": (
        ("round 1", "round 2"),
        {
            "comparative": (0, 0),
            "detail_time": (0, 0),
            "entity": (0, 0),
            "name_letter_number": (1, 0),
            "negation": (0, 0),
            "qualifier": (8, 2),
            "quantity_unit": (0, 0),
            "word_order": (3, 3),
            "long_reword": (0, 1),
            "register": (8, 18),
            "reorder": (10, 17),
            "short_reword": (17, 22),
        },
    ),
    "blind_pairs_v3.jsonl": (
        ("round 2",),  # round 3, run once: the same near misses, 66 paraphrases
        {
            "comparative": (0,),
            "detail_time": (0,),
            "entity": (0,),
            "name_letter_number": (0,),
            "negation": (2,),
            "qualifier": (0,),
            "quantity_unit": (0,),
            "word_order": (3,),
            "long_reword": (8,),
            "register": (14,),
            "reorder": (18,),
            "short_reword": (25,),
        },
    ),
}


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


def report(pairs: list[dict], hits: list[bool], recorded_as: str) -> list[str]:
    """The rows: each kind's pairs served (now, and as recorded earlier for the set named
    ``recorded_as``), then near misses and paraphrases in all."""
    columns, recorded = RECORDED.get(recorded_as, ((), {}))
    by_kind: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for pair, hit in zip(pairs, hits, strict=True):
        by_kind[(pair["label"], pair["kind"])].append(hit)
    lines = [f"{'kind':<18} {'label':<10} {'served':>10} " + " ".join(f"{c:>10}" for c in columns)]
    for (label, kind), got in sorted(by_kind.items()):
        earlier = recorded.get(kind, ("-",) * len(columns))
        served = f"{sum(got):>4} / {len(got):<4}"
        lines.append(f"{kind:<18} {label:<10} {served} " + " ".join(f"{e:>10}" for e in earlier))
    for label, name, goal in (
        ("different", "near misses", "<= 1%"),
        ("same", "paraphrases", ">= 50%"),
    ):
        got = [h for p, h in zip(pairs, hits, strict=True) if p["label"] == label]
        kinds = [recorded[k] for (lab, k) in by_kind if lab == label and k in recorded]
        earlier = ", ".join(f"{c} {sum(r[i] for r in kinds)}" for i, c in enumerate(columns))
        lines.append(
            f"{name} served: {sum(got)} / {len(got)} = {sum(got) / len(got):.1%} "
            f"(goal {goal}{'; ' + earlier if earlier else ''})"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    args = parser.parse_args(argv)
    pairs = [json.loads(line) for line in args.pairs.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        hits = served(pairs, Path(tmp))
    print(f"answer cache, {args.pairs.name} ({len(pairs)} pairs, through the graph)")
    print("\n".join(report(pairs, hits, args.pairs.name)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
