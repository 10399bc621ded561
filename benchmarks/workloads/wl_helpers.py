"""Small helpers shared by the hand-written workload modules."""

import csv
import io

SOURCE = "orchestrator-graph"

CATEGORIES = (
    "follow_up",
    "code_generation",
    "data_analysis",
    "summarization",
    "math",
    "reasoning",
    "writing",
    "extraction",
    "translation",
    "qa",
)


def t(user, category, deps, answer, ni=False):
    """One turn. ``deps`` are 0-based indices of the earlier turns it really needs.

    ``ni`` marks a self-contained turn that still needs the session's standing
    instructions (system prompt or first-turn persona/format rules). A turn with
    dependencies gets the instructions along with those turns, so the flag is only
    kept when ``deps`` is empty.
    """
    turn = {
        "user": user.strip(),
        "category": category,
        "depends_on": list(deps),
        "answer": answer.strip(),
    }
    if ni and not deps:
        turn["needs_instructions"] = True
    return turn


def session(sid, turns, system=None):
    return {"id": sid, "source": SOURCE, "system": system, "turns": turns}


def code(lang, src):
    return f"```{lang}\n{src.strip(chr(10))}\n```"


def csv_text(headers, rows):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue().strip()


def md_table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        lines.append("| " + " | ".join(str(c) for c in row) + " |")
    return "\n".join(lines)


def money(x):
    return f"${x:,.2f}"


def pct(x, digits=1):
    return f"{x * 100:.{digits}f}%"
