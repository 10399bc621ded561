#!/usr/bin/env python3
"""Build orchestrator-graph's own benchmark workloads (JSON Lines, one session a line).

The sessions are hand-written in the ``wl_*.py`` modules beside this script: user
turns, categories, ``depends_on`` labels and recorded answers. Tables in the
data-analysis sessions come from seeded generators and their answers are computed
from the same rows, so the numbers in every answer are right. The build is
deterministic: running it twice gives byte-identical files.

Usage:  python benchmarks/workloads/build_workloads.py [--check-only]
"""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import wl_analysis  # noqa: E402
import wl_assistants  # noqa: E402
import wl_coding  # noqa: E402
import wl_documents  # noqa: E402
import wl_mixed  # noqa: E402
from wl_helpers import CATEGORIES, SOURCE  # noqa: E402


def build():
    # Order matters: the shared interjection pool is handed out in call order.
    return {
        "coding.jsonl": wl_coding.sessions(),
        "analysis.jsonl": wl_analysis.sessions(),
        "documents.jsonl": wl_documents.sessions(),
        "assistants.jsonl": wl_assistants.SESSIONS,
        "mixed.jsonl": wl_mixed.sessions(),
    }


def check(files):
    """Validate the sessions; return a list of problems (empty when all is well)."""
    problems = []
    seen = set()
    for fname, sessions in files.items():
        for s in sessions:
            sid = s.get("id")
            if sid in seen:
                problems.append(f"{fname}: duplicate id {sid}")
            seen.add(sid)
            if s.get("source") != SOURCE:
                problems.append(f"{sid}: source is {s.get('source')!r}")
            turns = s.get("turns") or []
            if not 6 <= len(turns) <= 20:
                problems.append(f"{sid}: {len(turns)} turns (want 6-20)")
            for i, turn in enumerate(turns):
                for key in ("user", "category", "depends_on", "answer"):
                    if key not in turn or turn[key] in (None, ""):
                        problems.append(f"{sid} turn {i}: missing {key}")
                if turn.get("category") not in CATEGORIES:
                    problems.append(f"{sid} turn {i}: bad category {turn.get('category')!r}")
                deps = turn.get("depends_on") or []
                if any(not isinstance(d, int) or d < 0 or d >= i for d in deps):
                    problems.append(f"{sid} turn {i}: bad depends_on {deps}")
                if len(set(deps)) != len(deps):
                    problems.append(f"{sid} turn {i}: repeated index in depends_on")
                if turn.get("needs_instructions") and deps:
                    problems.append(f"{sid} turn {i}: needs_instructions with depends_on")
    return problems


def report(files):
    cats = Counter()
    n_sessions = n_turns = dep_turns = ni_turns = 0
    ans_chars = user_chars = 0
    header = ("file", "sessions", "turns", "avg", "dependent", "answer tok", "user tok")
    widths = (-18, 8, 6, 5, 9, 10, 9)
    print(
        " ".join(
            f"{h:<{-w}}" if w < 0 else f"{h:>{w}}" for h, w in zip(header, widths, strict=True)
        )
    )
    for fname, sessions in files.items():
        f_turns = sum(len(s["turns"]) for s in sessions)
        f_dep = sum(1 for s in sessions for x in s["turns"] if x["depends_on"])
        f_ans = sum(len(x["answer"]) for s in sessions for x in s["turns"])
        f_user = sum(len(x["user"]) for s in sessions for x in s["turns"])
        print(
            f"{fname:<18} {len(sessions):>8} {f_turns:>6} {f_turns / len(sessions):>5.1f} "
            f"{f_dep:>9} {f_ans // 4:>10,} {f_user // 4:>9,}"
        )
        for s in sessions:
            for x in s["turns"]:
                cats[x["category"]] += 1
                ni_turns += bool(x.get("needs_instructions"))
        n_sessions += len(sessions)
        n_turns += f_turns
        dep_turns += f_dep
        ans_chars += f_ans
        user_chars += f_user
    print(
        f"{'TOTAL':<18} {n_sessions:>8} {n_turns:>6} {n_turns / n_sessions:>5.1f} "
        f"{dep_turns:>9} {ans_chars // 4:>10,} {user_chars // 4:>9,}"
    )
    print(
        f"\ncontext-dependent turns: {dep_turns}/{n_turns} ({dep_turns / n_turns:.0%}); "
        f"self-contained: {n_turns - dep_turns}; of which needs_instructions: {ni_turns}"
    )
    print("tokens are estimated as len(text) / 4")
    print("\ncategory counts:")
    for cat in CATEGORIES:
        print(f"  {cat:<16} {cats[cat]:>4}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output directory")
    parser.add_argument("--check-only", action="store_true", help="validate, do not write")
    args = parser.parse_args(argv)

    files = build()
    problems = check(files)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    if not args.check_only:
        for fname, sessions in files.items():
            with (args.out / fname).open("w", encoding="utf-8") as fh:
                for s in sessions:
                    fh.write(json.dumps(s, ensure_ascii=False) + "\n")
    report(files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
