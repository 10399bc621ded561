"""What a request asks, from its own words: its category, its complexity, and the
independent subtasks it lists. Pure functions of one text (cached)."""

from __future__ import annotations

import re
from functools import lru_cache

from orchestrator_graph.routing.classify.lexicon import (
    AND_ALSO,
    ITEM_NEEDS_PREVIOUS,
    LIST_ITEM,
    OWN_MATERIAL_CHARS,
    TEXT_CACHE_SIZE,
)
from orchestrator_graph.state import Category, Subtask

CATEGORY_RULES: list[tuple[Category, re.Pattern[str]]] = [
    (
        "translation",
        re.compile(
            r"\btranslat\w*|\bin (?:french|spanish|german|italian|"
            r"portuguese|japanese|chinese|korean|russian|arabic|hindi)\b",
            re.I,
        ),
    ),
    (
        "summarization",
        re.compile(
            r"\bsummar\w*|\btl;?dr\b|\bkey (?:points|takeaways)\b|"
            r"\bcondense\b|\bgist\b",
            re.I,
        ),
    ),
    (
        "code_generation",
        re.compile(
            r"```|\b(?:python|javascript|typescript|java|rust|golang|"
            r"c\+\+|sql|regex|bash|function|class|script|code|api|"
            r"implement\w*|refactor\w*|debug\w*|compile\w*|unit tests?|"
            r"bug|exception|stack trace)\b",
            re.I,
        ),
    ),
    (
        "math",
        re.compile(
            r"\b(?:solve|equation|integral|derivative|probability|prove|proof|"
            r"theorem|calculate|compute|sum of|percent(?:age)?|ratio|matrix|"
            r"factori[sz]e|simplify)\b|\d+\s*[-+*/^=]\s*\d+",
            re.I,
        ),
    ),
    (
        "extraction",
        re.compile(
            r"\b(?:extract|pull out|list all|find all|parse|identify all|"
            r"which (?:names|dates|entities))\b",
            re.I,
        ),
    ),
    (
        "data_analysis",
        re.compile(
            r"\b(?:table|csv|dataset|column|rows?|average|mean|median|"
            r"trend|correlat\w*|quarter|revenue|growth rate|"
            r"statistic\w*|chart|plot)\b",
            re.I,
        ),
    ),
    (
        "writing",
        re.compile(
            r"\b(?:write|draft|compose|email|essay|poem|story|blog|post|"
            r"letter|tweet|slogan|headline|speech|cover letter|bio)\b",
            re.I,
        ),
    ),
    (
        "reasoning",
        re.compile(
            r"\b(?:why|explain|compare|pros and cons|trade-?offs?|should i|"
            r"evaluate|analy[sz]e|reason|argue|critique|difference)\b",
            re.I,
        ),
    ),
]
HARD = re.compile(
    r"\b(?:prove|derive|design|architecture|optimi[sz]e|algorithm|complex\w*|step[- ]by[- ]step|"
    r"trade-?offs?|concurren\w*|distributed|edge cases?|rigorous\w*|in depth|detailed|"
    r"comprehensive|production)\b",
    re.I,
)


def split_subtasks(text: str) -> list[Subtask]:
    """Independent parts of a request when it lists them; [] when it is one task.

    A list item that refers to an earlier item ("using the result above") keeps
    that dependency in ``Subtask.needs``.
    """
    lines = text.strip().splitlines()
    items: list[str] = []
    preamble: list[str] = []
    for line in lines:
        match = LIST_ITEM.match(line)
        if match:
            items.append(match.group(1).strip())
        elif items and line.strip():
            items[-1] += " " + line.strip()
        elif line.strip():
            preamble.append(line.strip())
    if len(items) < 2:
        parts = [p.strip() for p in AND_ALSO.split(text.strip()) if p.strip()]
        if len(parts) < 2:
            return []
        items, preamble = parts, []
    if any(len(item.split()) < 2 for item in items):
        return []
    lead = " ".join(preamble)
    if len(lead) > 300:  # the items share a long pasted context: one task
        return []
    subtasks = []
    for n, item in enumerate(items):
        needs = [n - 1] if n and ITEM_NEEDS_PREVIOUS.search(item) else []
        brief = f"{lead}\n{item}".strip() if lead else item
        category = category_of(item)
        subtasks.append(
            Subtask(
                text=brief,
                needs=needs,
                category=category,
                complexity=complexity_of(item, category, 0),
            )
        )
    return subtasks


# categories a follow-up keeps (they decide the model tier); the rest become "follow_up"
KEEP_CATEGORY: tuple[Category, ...] = (
    "code_generation",
    "math",
    "data_analysis",
    "reasoning",
    "translation",
)


# code is "code_generation" (the strong model) only when the request has code to
# work on or asks for code to be written or changed; a question about code is not
WRITES_CODE = re.compile(
    r"```|\b(?:write|implement|create|build|add|fix|refactor|convert|make|generate|rewrite"
    r"|update|change|modify|port|optimi[sz]e|debug|extend|turn|show|give me|tests?)\b",
    re.I,
)


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def category_of(text: str) -> Category:
    for category, pattern in CATEGORY_RULES:
        if pattern.search(text):
            if category == "code_generation" and not WRITES_CODE.search(text):
                continue
            return category
    return "qa"


FENCED = re.compile(r"```.*?(?:```|\Z)", re.S)
TABLE_LINE = re.compile(r"^(?:[^\n]*\|[^\n]*\|[^\n]*|[^\n,]{0,60}(?:,[^\n,]{0,60}){2,})$", re.M)


def instruction_part(text: str) -> str:
    """What the user asks, without the material pasted with it (code, tables, and
    the body of a long document: its first and last paragraphs are kept)."""
    text = TABLE_LINE.sub(" ", FENCED.sub(" ", text))
    if len(text) < OWN_MATERIAL_CHARS:
        return text
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n".join(paragraphs[:1] + paragraphs[-1:]) if len(paragraphs) > 2 else text[:600]


def complexity_of(text: str, category: Category, subtasks: int) -> int:
    """1-5, from the request's own words: category, hard markers, length."""
    asked = instruction_part(text)
    words = len(asked.split())
    level = 2
    if category in ("code_generation", "math", "data_analysis", "reasoning"):
        level += 1
    level += min(2, len(HARD.findall(asked)))
    if words > 150:
        level += 1
    if category == "qa" and words < 20 and not subtasks:
        level -= 1
    return max(1, min(5, level))


# =====
# REST
