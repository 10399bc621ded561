"""The rules tier of ``classify``: a request and its conversation -> ``TaskProfile``.

Fast lexical rules: reference phrasing (anaphora, deixis, "your previous
answer"), ellipsis, follow-up openers, overlap of rare words with earlier
turns, and references to artifacts pasted earlier (code, tables, documents).
They score the context dependency, find the turns referred to, guess the
category and complexity, and split explicit lists into subtasks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

from langchain_core.messages import BaseMessage

from orchestrator_graph.context import instruction_positions, latest_request, turns_of
from orchestrator_graph.state import Category, Subtask, TaskProfile
from orchestrator_graph.tokens import message_text

_STOPWORDS = frozenset(
    """
    a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself
    just let me more most my no nor not now of off on once only or other our out over own
    same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your yours please give tell show write make use using want need
    like know one two get also just way well much many thing things
    """.split()
)
_WORD = re.compile(r"[a-z][a-z0-9_]+|\d+(?:\.\d+)?")

_ANAPHORA = re.compile(
    r"\b(it|its|this|that|these|those|they|them|above|previous(?:ly)?|earlier|aforementioned"
    r"|former|latter|same|again|instead|such)\b",
    re.I,
)
_ARTIFACT_REF = re.compile(
    r"\b(?:the|that|this|your|my|these|those)\s+(?:above\s+|previous\s+|last\s+|same\s+)?"
    r"(code|function|script|class|method|snippet|program|query|regex|table|data|dataset|csv"
    r"|document|article|text|report|memo|passage|paper|email|letter|essay|story|poem|summary"
    r"|list|answer|response|result|results|output|example|paragraph|draft|version|plan"
    r"|outline|translation|solution|proof|steps|explanation|points|notes|one|ones)\b",
    re.I,
)
_YOU_SAID = re.compile(
    r"\b(you (?:said|mentioned|wrote|suggested|gave|listed|described|used|recommended)"
    r"|your (?:previous |last |earlier |first )?(?:answer|response|reply|code|example|summary"
    r"|list|suggestion|explanation|solution|version|draft)"
    r"|(?:as|like) (?:before|above)|from before|so far|mentioned (?:above|earlier|before))\b",
    re.I,
)
_FOLLOW_UP_OPENER = re.compile(
    r"^\s*(and|also|but|so|then|now|ok(?:ay)?|great|thanks|thank you|nice|cool|hmm|what about"
    r"|how about|why|what if|same|can you also|could you also|instead|actually|wait|more|another"
    r"|continue|go on|next)\b",
    re.I,
)
_EDIT_VERB = re.compile(
    r"^\s*(?:can you |could you |please |now |ok,? |okay,? )*(make|rewrite|shorten|expand"
    r"|rephrase|simplify|summari[sz]e|convert|fix|improve|refactor|add|change|modify|update"
    r"|remove|elaborate|continue|redo|revise|edit|polish|optimi[sz]e|extend|turn|reformat"
    r"|translate|explain|clarify|condense|adjust|tweak|include|replace|delete|keep|try)\b",
    re.I,
)
_FRESH_START = re.compile(
    r"^\s*(new (?:question|topic|task)|unrelated|different (?:question|topic)|switching"
    r"|changing (?:the )?(?:topic|subject)|on another note|separately|by the way|random question)",
    re.I,
)
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+(\S.*)$")
_ITEM_NEEDS_PREVIOUS = re.compile(
    r"\b(above|previous|the result|that result|its result|the answer (?:to|from)|from (?:step|"
    r"question|item|part) \d|using (?:that|this|it|them)|based on (?:that|this|it|them)|then)\b|"
    r"^\s*(?:it|then|that|this|those|these)\b",
    re.I,
)
_AND_ALSO = re.compile(r"(?:[.?!;]\s+|,?\s+)and also\s+", re.I)

_CATEGORY_RULES: list[tuple[Category, re.Pattern[str]]] = [
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
_HARD = re.compile(
    r"\b(?:prove|derive|design|architecture|optimi[sz]e|algorithm|complex\w*|step[- ]by[- ]step|"
    r"trade-?offs?|concurren\w*|distributed|edge cases?|rigorous\w*|in depth|detailed|"
    r"comprehensive|production)\b",
    re.I,
)

# weights of the dependency signals (summed, then capped at 1)
_W_ANAPHORA = 0.35
_W_ARTIFACT = 0.45
_W_YOU_SAID = 0.6
_W_OPENER = 0.35
_W_EDIT = 0.35
_W_ELLIPSIS = 0.35
_W_OVERLAP = 0.5
_OVERLAP_MIN = 0.34


@lru_cache(maxsize=100_000)
def content_words(text: str) -> frozenset[str]:
    """Lower-cased words of a text, stopwords and one-letter words dropped."""
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS)


@lru_cache(maxsize=100_000)
def _artifacts(text: str) -> frozenset[str]:
    """Kinds of artifact a message holds: code, table, document."""
    kinds = set()
    if "```" in text or re.search(r"^\s*(def |class |import |function |SELECT )", text, re.M):
        kinds.add("code")
    if text.count("|") >= 8 or len(re.findall(r"^[^,\n]+(?:,[^,\n]+){2,}$", text, re.M)) >= 3:
        kinds.add("table")
    if len(text) >= 2000:
        kinds.add("document")
    return frozenset(kinds)


_ARTIFACT_KIND = {
    "code": "code",
    "function": "code",
    "script": "code",
    "class": "code",
    "method": "code",
    "snippet": "code",
    "program": "code",
    "query": "code",
    "regex": "code",
    "table": "table",
    "data": "table",
    "dataset": "table",
    "csv": "table",
    "document": "document",
    "article": "document",
    "text": "document",
    "report": "document",
    "memo": "document",
    "passage": "document",
    "paper": "document",
}


def split_subtasks(text: str) -> list[Subtask]:
    """Independent parts of a request when it lists them; [] when it is one task.

    A list item that refers to an earlier item ("using the result above") keeps
    that dependency in ``Subtask.needs``.
    """
    lines = text.strip().splitlines()
    items: list[str] = []
    preamble: list[str] = []
    for line in lines:
        match = _LIST_ITEM.match(line)
        if match:
            items.append(match.group(1).strip())
        elif items and line.strip():
            items[-1] += " " + line.strip()
        elif line.strip():
            preamble.append(line.strip())
    if len(items) < 2:
        parts = [p.strip() for p in _AND_ALSO.split(text.strip()) if p.strip()]
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
        needs = [n - 1] if n and _ITEM_NEEDS_PREVIOUS.search(item) else []
        brief = f"{lead}\n{item}".strip() if lead else item
        category = _category(item)
        subtasks.append(
            Subtask(
                text=brief,
                needs=needs,
                category=category,
                complexity=_complexity(item, category, 0),
            )
        )
    return subtasks


def _category(text: str) -> Category:
    for category, pattern in _CATEGORY_RULES:
        if pattern.search(text):
            return category
    return "qa"


def _complexity(text: str, category: Category, subtasks: int) -> int:
    words = len(text.split())
    level = 2
    if category in ("code_generation", "math", "data_analysis", "reasoning"):
        level += 1
    level += min(2, len(_HARD.findall(text)))
    if words > 250:
        level += 1
    if category == "qa" and words < 20 and not subtasks:
        level -= 1
    return max(1, min(5, level))


def classify_request(messages: Sequence[BaseMessage]) -> TaskProfile:
    """Profile the last message of ``messages`` against the conversation before it."""
    position, text = latest_request(messages)
    history = messages[:position]
    turns = turns_of(history)
    subtasks = split_subtasks(text)
    category = _category(text)
    needs_instructions = bool(instruction_positions(messages))
    if not turns:
        return TaskProfile(
            context_dependency=0.0,
            complexity=_complexity(text, category, len(subtasks)),
            category=category,
            needs_instructions=needs_instructions,
            subtasks=subtasks,
            confidence=0.95,
            signals=["first turn"],
        )

    signals: list[str] = []
    score = 0.0
    head = text[:400]
    words = text.split()
    refers: dict[int, float] = {}
    last = turns[-1].index

    if _FRESH_START.search(head):
        signals.append("fresh start")
        score -= 0.5
    if _YOU_SAID.search(text):
        signals.append("refers to an earlier answer")
        score += _W_YOU_SAID
    if _FOLLOW_UP_OPENER.search(head):
        signals.append("follow-up opener")
        score += _W_OPENER
    if _EDIT_VERB.search(head) and len(words) < 40:
        signals.append("edit of earlier output")
        score += _W_EDIT
    if len(words) <= 6:
        signals.append("ellipsis (very short)")
        score += _W_ELLIPSIS
    anaphora = _ANAPHORA.findall(head)
    own_material = len(text) >= 600 or bool(_artifacts(text))
    if anaphora and not own_material:
        signals.append(f"anaphora: {', '.join(sorted({a.lower() for a in anaphora}))}")
        score += _W_ANAPHORA * min(2, len(anaphora)) / 1.5
    for match in _ARTIFACT_REF.finditer(text):
        kind = _ARTIFACT_KIND.get(match.group(1).lower())
        if own_material and kind and kind in _artifacts(text):
            continue  # "the code below" with the code pasted in this very message
        signals.append(f"refers to {match.group(0).lower()}")
        score += _W_ARTIFACT
        holder = _latest_with(history, turns, kind) if kind else None
        refers[holder if holder is not None else last] = 1.0
        break

    overlap = _overlap_by_turn(text, history, turns)
    for turn_index, share in overlap.items():
        if share >= _OVERLAP_MIN:
            refers[turn_index] = max(refers.get(turn_index, 0.0), share)
    if overlap and max(overlap.values()) >= _OVERLAP_MIN:
        best = max(overlap.values())
        signals.append(f"overlap with earlier turns ({best:.2f})")
        score += _W_OVERLAP * min(1.0, best / 0.6)

    dependency = max(0.0, min(1.0, score))
    assumed = dependency >= 0.3 and not refers
    if assumed:
        refers[last] = 0.5
        signals.append("nothing named: assume the previous turn")
    if dependency < 0.3:
        refers = {t: s for t, s in refers.items() if s >= 0.6}
    if (
        dependency >= 0.3
        and category != "translation"
        and (_EDIT_VERB.search(head) or len(words) <= 12)
    ):
        category = "follow_up"
    confidence = 0.5 + abs(dependency - 0.5)
    if assumed:
        confidence = min(confidence, 0.6)
    if not signals:
        signals.append("no reference to earlier turns")
        confidence = 0.85
    return TaskProfile(
        context_dependency=round(dependency, 3),
        complexity=_complexity(text, category, len(subtasks)),
        category=category,
        refers_to=sorted(refers),
        needs_instructions=needs_instructions,
        subtasks=subtasks,
        confidence=round(min(1.0, confidence), 3),
        signals=signals,
    )


def _latest_with(history: Sequence[BaseMessage], turns: Sequence, kind: str) -> int | None:
    for turn in reversed(turns):
        if any(kind in _artifacts(message_text(history[p])) for p in turn.positions):
            return turn.index
    return None


def _overlap_by_turn(
    text: str, history: Sequence[BaseMessage], turns: Sequence
) -> dict[int, float]:
    """Per earlier turn, the idf-weighted share of the request's words it contains."""
    request = content_words(text)
    if not request:
        return {}
    turn_words = [
        frozenset().union(*(content_words(message_text(history[p])) for p in t.positions))
        for t in turns
    ]
    n = len(turn_words)
    idf = {w: math.log(1 + n / (1 + sum(w in tw for tw in turn_words))) for w in request}
    total = sum(idf.values())
    shares = {}
    for turn, words in zip(turns, turn_words, strict=True):
        shared = request & words
        if len(shared) >= 2:
            shares[turn.index] = sum(idf[w] for w in shared) / total
    return shares
