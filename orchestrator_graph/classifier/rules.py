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
from dataclasses import dataclass, field
from functools import lru_cache

from langchain_core.messages import BaseMessage

from orchestrator_graph.config import SELF_CONTAINED_BELOW
from orchestrator_graph.context import Turn, instruction_positions, latest_request, turns_of
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
    r"\b(these|those|above|previous(?:ly)?|earlier|aforementioned|former|latter|same|again"
    r"|instead|such)\b|(?:^|[.?!,;:]\s*|\b(?:of|about|on|in|for|with|do|does|did|is|was|like"
    r"|from|than|to|explain|mean|use|at|into|by|after|before)\s+)(this|that)\b"
    r"|\b(this|that)\s+(?!is\b|was\b)[a-z]+\b"
    r"|\b(here|there)(?=\s*(?:[?.!,;]|$))",  # deixis: "overkill here?", "a day there?"
    re.I,
)
_PRONOUN = re.compile(r"\b(he|him|his|she|her|hers|they|them|their|theirs|it|its)\b", re.I)
_CONTINUATION = re.compile(
    r"\b(else|other|others|another|besides|as well|either|too|rest|remaining|additional)\b", re.I
)
_DISCOURSE = re.compile(
    r"\b(we (?:discussed|talked|covered|mentioned|went over|explored)|our (?:discussion"
    r"|conversation|chat|talk)|everything (?:we|you)|considering my|my situation|based on (?:this"
    r"|that|these|the above|what)|given (?:this|that|these)|in (?:that|this) case|sounds (?:good"
    r"|great|nice|interesting)|of (?:these|them|those)|which ones?|the ones?|how many are there"
    r"|among them|so far|the same|what about|how about|tell me more|more about (?:it|that|this"
    r"|them))\b",
    re.I,
)
_QUOTED = re.compile(r"'[^'\n]{10,}'|\"[^\"\n]{10,}\"|“[^”\n]{10,}”")
_PERSONAL = re.compile(r"\b(my|our|we|us)\b", re.I)
_DEFINITE = re.compile(r"\bthe\s+([a-z][a-z-]{2,})\b", re.I)
_IDENTIFIER = re.compile(r"`([^`\n]{2,60})`|\b([A-Za-z]+_[A-Za-z0-9_]+|[a-z]+[A-Z][A-Za-z0-9]+)\b")
_ARTIFACT_REF = re.compile(
    r"\b(?:the|that|this|your|my|these|those)\s+(?:above\s+|previous\s+|last\s+|same\s+)?"
    r"(code|function|script|class|method|snippet|program|query|regex|table|data|dataset|csv"
    r"|document|article|text|report|memo|passage|paper|email|letter|essay|story|poem|summary"
    r"|list|answer|response|result|results|output|example|paragraph|draft|version|plan"
    r"|outline|translation|solution|proof|steps|explanation|points|notes|one|ones)\b",
    re.I,
)
_YOU_SAID = re.compile(
    r"\b(you(?:'ve| have)? (?:just |previously |already )?(?:said|mentioned|wrote|suggested"
    r"|gave|listed|described|used|recommended|outlined|provided|shared|created|crafted|made|told"
    r"|explained|proposed|offered|presented|discussed|covered|highlighted|identified)"
    r"|your (?:previous |last |earlier |first )?(?:answer|response|reply|code|example|summary"
    r"|list|suggestion|explanation|solution|version|draft)"
    r"|(?:as|like) (?:before|above)|from before|so far|mentioned (?:above|earlier|before))\b",
    re.I,
)
_FOLLOW_UP_OPENER = re.compile(
    r"^\s*(and|also|but|so|then|now|ok(?:ay)?|great|thanks|thank you|nice|cool|hmm|what about"
    r"|yes|yeah|yep|no|nope|not|oh|sure|well|i meant|right|exactly|alright|perfect|awesome"
    r"|interesting|good|true|got it|i see|following|recalling|regarding|referring|building on"
    r"|how about|why|what if|same|can you also|could you also|instead|actually|wait|more|another"
    r"|continue|go on|next)\b",
    re.I,
)
_EDIT_VERB = re.compile(
    r"^\s*(?:can you |could you |please |now |ok,? |okay,? )*(make|rewrite|shorten|expand"
    r"|rephrase|simplify|convert|fix|improve|refactor|change|modify|update|remove|elaborate"
    r"|continue|redo|revise|edit|polish|extend|turn|reformat|condense|adjust|tweak|replace"
    r"|delete|shorter|longer)\b",
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

# weights of the dependency signals (summed, then capped at 1); a turn scoring
# ``context_threshold`` (default SELF_CONTAINED_BELOW, 0.3) or more is treated as
# needing earlier turns, by the rules and by the routing alike

_W_ANAPHORA = 0.35
_W_PRONOUN = 0.35
_W_CONTINUATION = 0.35
_W_DISCOURSE = 0.6
_W_ARTIFACT = 0.45
_W_NAMED = 0.6
_W_YOU_SAID = 0.6
_W_OPENER = 0.35
_W_EDIT = 0.35
_W_ELLIPSIS = 0.35
_W_OVERLAP = 0.5
_W_DEFINITE = 0.35
_W_REPLY = 0.35
_W_PERSONAL = 0.35
_W_SHORT = 0.3
_SHORT_WORDS = 15  # a later request this short rarely stands alone in conversational data
_W_FRESH = -0.5
# signals a named artifact accounts for ("that function", "make the email shorter")
_EXPLAINED_BY_NAME = frozenset(
    {"anaphora", "edit", "definite", "you_said", "artifact", "named", "short", "ellipsis"}
)
_OVERLAP_MIN = 0.25  # overlap that counts as a dependency signal
_OVERLAP_REF = 0.4  # overlap that makes an earlier turn one of the referred turns
_PRONOUN_WORDS = 25  # pronouns count in requests up to this length, else in the first sentence
_OWN_MATERIAL_CHARS = 600


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


# categories a follow-up keeps (they decide the model tier); the rest become "follow_up"
_KEEP_CATEGORY: tuple[Category, ...] = (
    "code_generation",
    "math",
    "data_analysis",
    "reasoning",
    "translation",
)


# code is "code_generation" (the strong model) only when the request has code to
# work on or asks for code to be written or changed; a question about code is not
_WRITES_CODE = re.compile(
    r"```|\b(?:write|implement|create|build|add|fix|refactor|convert|make|generate|rewrite"
    r"|update|change|modify|port|optimi[sz]e|debug|extend|turn|show|give me|tests?)\b",
    re.I,
)


@lru_cache(maxsize=100_000)
def _category(text: str) -> Category:
    for category, pattern in _CATEGORY_RULES:
        if pattern.search(text):
            if category == "code_generation" and not _WRITES_CODE.search(text):
                continue
            return category
    return "qa"


_FENCED = re.compile(r"```.*?(?:```|\Z)", re.S)
_TABLE_LINE = re.compile(r"^(?:[^\n]*\|[^\n]*\|[^\n]*|[^\n,]{0,60}(?:,[^\n,]{0,60}){2,})$", re.M)


def instruction_part(text: str) -> str:
    """What the user asks, without the material pasted with it (code, tables, and
    the body of a long document: its first and last paragraphs are kept)."""
    text = _TABLE_LINE.sub(" ", _FENCED.sub(" ", text))
    if len(text) < _OWN_MATERIAL_CHARS:
        return text
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n".join(paragraphs[:1] + paragraphs[-1:]) if len(paragraphs) > 2 else text[:600]


def _complexity(text: str, category: Category, subtasks: int) -> int:
    """1-5, from the request's own words: category, hard markers, length."""
    asked = instruction_part(text)
    words = len(asked.split())
    level = 2
    if category in ("code_generation", "math", "data_analysis", "reasoning"):
        level += 1
    level += min(2, len(_HARD.findall(asked)))
    if words > 150:
        level += 1
    if category == "qa" and words < 20 and not subtasks:
        level -= 1
    return max(1, min(5, level))


@dataclass
class RuleSignals:
    """What the rules found in a request: scored signals and the turns they point at.

    ``features`` feeds the trained tier; ``resolved`` are turns named by an
    identifier or an artifact; ``unresolved`` is true when some signal points at
    earlier turns without saying which.
    """

    features: dict[str, float] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    resolved: set[int] = field(default_factory=set)
    overlap: dict[int, float] = field(default_factory=dict)
    unresolved: bool = False
    own_material: bool = False
    turns: list[Turn] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def add(self, name: str, weight: float, label: str, *, unresolved: bool = True) -> None:
        self.features[name] = self.features.get(name, 0.0) + weight
        self.labels.append(label)
        self.unresolved = self.unresolved or unresolved

    @property
    def score(self) -> float:
        return max(0.0, min(1.0, sum(self.features.values())))


def _first_sentence(text: str) -> str:
    match = re.search(r"[.?!](?:\s|$)", text)
    return text[: match.end()] if match else text


@lru_cache(maxsize=100_000)
def _text_signals(text: str) -> RuleSignals:
    """The signals a request carries by itself, before looking at the conversation."""
    found = RuleSignals()
    words = text.split()
    text = _QUOTED.sub(" ", text.replace("\u2019", "'"))
    head = text[:400]
    found.own_material = len(text) >= _OWN_MATERIAL_CHARS or bool(_artifacts(text))
    if _FRESH_START.search(head):
        found.add("fresh", _W_FRESH, "fresh start", unresolved=False)
    if _YOU_SAID.search(text):
        found.add("you_said", _W_YOU_SAID, "refers to an earlier answer")
    if _DISCOURSE.search(text[:600]):
        found.add("discourse", _W_DISCOURSE, "refers to the conversation")
    if _FOLLOW_UP_OPENER.search(head):
        found.add("opener", _W_OPENER, "follow-up opener")
    if len(words) <= 6:
        found.add("ellipsis", _W_ELLIPSIS, "ellipsis (very short)")
    if not found.own_material:
        scope = text if len(words) <= _PRONOUN_WORDS else _first_sentence(text)
        anaphora = [m.group(0).strip().lower() for m in _ANAPHORA.finditer(scope)]
        if anaphora:
            found.add("anaphora", _W_ANAPHORA, f"anaphora: {', '.join(sorted(set(anaphora)))}")
        pronouns = _PRONOUN.findall(scope)
        if pronouns:
            label = f"pronoun: {', '.join(sorted({p.lower() for p in pronouns}))}"
            found.add("pronoun", _W_PRONOUN, label)
        if _CONTINUATION.search(scope):
            found.add("continuation", _W_CONTINUATION, "continues an earlier answer (else/other)")
        if _EDIT_VERB.search(head) and (anaphora or pronouns or len(words) <= 8):
            found.add("edit", _W_EDIT, "edit of earlier output")
    return found


@lru_cache(maxsize=100_000)
def _identifiers(text: str) -> tuple[str, ...]:
    return tuple(
        {(a or b) for a, b in _IDENTIFIER.findall(text) if len(a or b) >= 4 and (a or b).strip()}
    )


def rule_signals(messages: Sequence[BaseMessage]) -> RuleSignals:
    """Every rule signal of the last message of ``messages`` against the turns before it."""
    position, text = latest_request(messages)
    history = messages[:position]
    turns = turns_of(history)
    own = _text_signals(text)
    found = RuleSignals(
        features=dict(own.features),
        labels=list(own.labels),
        unresolved=own.unresolved,
        own_material=own.own_material,
        turns=turns,
    )
    if not turns:
        return found
    texts = found.texts = [_turn_text(history, t) for t in turns]
    turn_words = [content_words(body) for body in texts]
    for name in _identifiers(text):
        holder = next((t.index for t, body in zip(turns, texts, strict=True) if name in body), None)
        if holder is not None:
            found.add("named", _W_NAMED, f"names {name} of turn {holder}", unresolved=False)
            found.resolved.add(holder)
    for match in _ARTIFACT_REF.finditer(text):
        word = match.group(1).lower()
        kind = _ARTIFACT_KIND.get(word)
        if found.own_material and kind and kind in _artifacts(text):
            continue  # "the code below" with the code pasted in this very message
        determiner = match.group(0).split()[0].lower()
        if found.own_material and determiner in ("the", "this", "these", "my"):
            continue  # a request that carries its own material names its own parts
        holder = _latest_with(texts, kind) if kind else None
        if holder is None:
            holder = next(
                (t.index for t in reversed(turns) if word in turn_words[t.index]),
                None,
            )
        if holder is None and determiner in ("the", "my"):
            continue  # "the data" of a new request: no earlier artifact of that kind
        found.add(
            "artifact",
            _W_ARTIFACT,
            f"refers to {match.group(0).lower()}",
            unresolved=holder is None,
        )
        if holder is not None:
            found.resolved.add(holder)
        break
    earlier = frozenset().union(*turn_words)
    unquoted = _QUOTED.sub(" ", text[:400])
    definite = sorted({w.lower() for w in _DEFINITE.findall(unquoted)} & earlier)
    if definite and not found.own_material:
        found.add("definite", _W_DEFINITE, f"definite reference: the {', the '.join(definite)}")
    short = 6 < len(text.split()) <= _SHORT_WORDS and len(content_words(text)) <= 5
    if short and not found.own_material:
        found.add("short", _W_SHORT, "short request in a running conversation")
    if _PERSONAL.search(text) and any(
        _PERSONAL.search(message_text(history[t.start])) for t in turns
    ):
        found.add("personal", _W_PERSONAL, "personal context told earlier (my, our)")
    last = history[turns[-1].end - 1]
    if last.type == "ai" and "?" in message_text(last)[-200:]:
        found.add("reply", _W_REPLY, "answers the assistant's question")
    found.overlap = _overlap_by_turn(text, turn_words)
    best = max(found.overlap.values(), default=0.0)
    if best >= _OVERLAP_MIN:
        found.add(
            "overlap",
            _W_OVERLAP * (0.6 + 0.4 * min(1.0, (best - _OVERLAP_MIN) / (0.6 - _OVERLAP_MIN))),
            f"overlap with earlier turns ({best:.2f})",
        )
    return found


def _turn_text(history: Sequence[BaseMessage], turn: Turn) -> str:
    return "\n".join(message_text(history[p]) for p in turn.positions)


def referred_closure(
    history: Sequence[BaseMessage],
    refs: set[int],
    texts: Sequence[str] | None = None,
    turns: Sequence[Turn] | None = None,
    threshold: float = SELF_CONTAINED_BELOW,
) -> set[int]:
    """``refs`` and, transitively, the turns each of them built on.

    A referred turn whose own request depends on earlier turns (by the request's
    own signals) brings the turns it names, or the turn before it.
    """
    turns = turns if turns is not None else turns_of(history)
    if texts is None:
        texts = [_turn_text(history, t) for t in turns]
    closure, todo = set(refs), sorted(refs)
    while todo:
        index = todo.pop()
        if index <= 0 or index >= len(turns):
            continue
        request = message_text(history[turns[index].start])
        signals = _text_signals(request)
        if signals.score < threshold:
            continue
        named = {
            t.index
            for name in _identifiers(request)
            for t in turns[:index]
            if name in texts[t.index]
        }
        for earlier in (named or {index - 1}) - closure:
            closure.add(earlier)
            todo.append(earlier)
    return closure


def classify_rules(
    messages: Sequence[BaseMessage],
    found: RuleSignals | None = None,
    *,
    threshold: float = SELF_CONTAINED_BELOW,
) -> TaskProfile:
    """Profile the last message of ``messages`` against the conversation before it
    (``found``: its ``rule_signals``, when the caller has them already)."""
    position, text = latest_request(messages)
    history = messages[:position]
    subtasks = split_subtasks(text)
    category = _category(text)
    needs_instructions = bool(instruction_positions(messages))
    found = rule_signals(messages) if found is None else found
    if not found.turns:
        return TaskProfile(
            context_dependency=0.0,
            complexity=_complexity(text, category, len(subtasks)),
            category=category,
            needs_instructions=needs_instructions,
            subtasks=subtasks,
            confidence=0.95,
            signals=["first turn"],
        )
    return profile_from(found, text, history, subtasks, needs_instructions, threshold=threshold)


def profile_from(
    found: RuleSignals,
    text: str,
    history: Sequence[BaseMessage],
    subtasks: list[Subtask],
    needs_instructions: bool,
    dependency: float | None = None,
    threshold: float = SELF_CONTAINED_BELOW,
) -> TaskProfile:
    """The profile of a request from its signals (and optionally a revised dependency);
    ``threshold`` is ``OrchestratorConfig.context_threshold``."""
    turns = found.turns
    dependency = found.score if dependency is None else dependency
    signals = list(found.labels)
    refs = set(found.resolved)
    if dependency >= threshold:
        refs |= {t for t, share in found.overlap.items() if share >= _OVERLAP_REF}
        unexplained = set(found.features) - _EXPLAINED_BY_NAME - {"fresh"}
        if found.overlap and max(found.overlap, key=found.overlap.__getitem__) in found.resolved:
            unexplained.discard("overlap")  # the overlap is with the named turn
        if not found.resolved or unexplained:
            refs.add(turns[-1].index)
            signals.append("not all references named: the previous turn assumed")
            confidence = min(0.6, 0.5 + abs(dependency - 0.5))
        else:
            confidence = 0.85
        refs = referred_closure(history, refs, found.texts, found.turns, threshold)
    else:
        refs |= {t for t, share in found.overlap.items() if share >= 0.6}
        confidence = 0.5 + (threshold - dependency) / threshold * 0.4
        if not signals:
            signals.append("no reference to earlier turns")
            confidence = 0.9
    category = _category(text)
    if (
        dependency >= threshold
        and category not in _KEEP_CATEGORY
        and (_EDIT_VERB.search(text[:400]) or len(text.split()) <= 12)
    ):
        # a follow-up of code or math is still code or math: it keeps the strong model
        inherited = {_category(message_text(history[turns[r].start])) for r in refs}
        category = next((c for c in _KEEP_CATEGORY if c in inherited), "follow_up")
    return TaskProfile(
        context_dependency=round(dependency, 3),
        complexity=_complexity(text, category, len(subtasks)),
        category=category,
        refers_to=sorted(refs),
        needs_instructions=needs_instructions,
        subtasks=subtasks,
        confidence=round(max(0.0, min(1.0, confidence)), 3),
        signals=signals,
    )


def _latest_with(texts: Sequence[str], kind: str) -> int | None:
    """The latest turn whose text holds an artifact of ``kind``."""
    return next((i for i in reversed(range(len(texts))) if kind in _artifacts(texts[i])), None)


def _overlap_by_turn(text: str, turn_words: Sequence[frozenset[str]]) -> dict[int, float]:
    """Per earlier turn, the idf-weighted share of the request's words it contains."""
    request = content_words(text)
    if not request:
        return {}
    n = len(turn_words)
    idf = {w: math.log(1 + n / (1 + sum(w in tw for tw in turn_words))) for w in request}
    total = sum(idf.values())
    shares = {}
    for index, words in enumerate(turn_words):
        shared = request & words
        if len(shared) >= min(2, len(request) - 2):
            shares[index] = sum(idf[w] for w in shared) / total
    return shares
