"""The classifier's vocabulary: word lists and patterns of reference, follow-up and
fresh-start phrasing, and the per-text helpers every tier uses (content words,
artifacts a message holds, identifiers it names). Pure functions of one text."""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset(
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
WORD = re.compile(r"[a-z][a-z0-9_]+|\d+(?:\.\d+)?")

ANAPHORA = re.compile(
    r"\b(these|those|above|previous(?:ly)?|earlier|aforementioned|former|latter|same|again"
    r"|instead|such)\b|(?:^|[.?!,;:]\s*|\b(?:of|about|on|in|for|with|do|does|did|is|was|like"
    r"|from|than|to|explain|mean|use|at|into|by|after|before)\s+)(this|that)\b"
    r"|\b(this|that)\s+(?!is\b|was\b)[a-z]+\b"
    r"|\b(here|there)(?=\s*(?:[?.!,;]|$))",  # deixis: "overkill here?", "a day there?"
    re.I,
)
PRONOUN = re.compile(r"\b(he|him|his|she|her|hers|they|them|their|theirs|it|its)\b", re.I)
CONTINUATION = re.compile(
    r"\b(else|other|others|another|besides|as well|either|too|rest|remaining|additional)\b", re.I
)
DISCOURSE = re.compile(
    r"\b(we (?:discussed|talked|covered|mentioned|went over|explored)|our (?:discussion"
    r"|conversation|chat|talk)|everything (?:we|you)|considering my|my situation|based on (?:this"
    r"|that|these|the above|what)|given (?:this|that|these)|in (?:that|this) case|sounds (?:good"
    r"|great|nice|interesting)|of (?:these|them|those)|which ones?|the ones?|how many are there"
    r"|among them|so far|the same|what about|how about|tell me more|more about (?:it|that|this"
    r"|them))\b",
    re.I,
)
QUOTED = re.compile(r"'[^'\n]{10,}'|\"[^\"\n]{10,}\"|“[^”\n]{10,}”")
PERSONAL = re.compile(r"\b(my|our|we|us)\b", re.I)
DEFINITE = re.compile(r"\bthe\s+([a-z][a-z-]{2,})\b", re.I)
IDENTIFIER = re.compile(r"`([^`\n]{2,60})`|\b([A-Za-z]+_[A-Za-z0-9_]+|[a-z]+[A-Z][A-Za-z0-9]+)\b")
ARTIFACT_REF = re.compile(
    r"\b(?:the|that|this|your|my|these|those)\s+(?:above\s+|previous\s+|last\s+|same\s+)?"
    r"(code|function|script|class|method|snippet|program|query|regex|table|data|dataset|csv"
    r"|document|article|text|report|memo|passage|paper|email|letter|essay|story|poem|summary"
    r"|list|answer|response|result|results|output|example|paragraph|draft|version|plan"
    r"|outline|translation|solution|proof|steps|explanation|points|notes|one|ones)\b",
    re.I,
)
YOU_SAID = re.compile(
    r"\b(you(?:'ve| have)? (?:just |previously |already )?(?:said|mentioned|wrote|suggested"
    r"|gave|listed|described|used|recommended|outlined|provided|shared|created|crafted|made|told"
    r"|explained|proposed|offered|presented|discussed|covered|highlighted|identified)"
    r"|your (?:previous |last |earlier |first )?(?:answer|response|reply|code|example|summary"
    r"|list|suggestion|explanation|solution|version|draft)"
    r"|(?:as|like) (?:before|above)|from before|so far|mentioned (?:above|earlier|before))\b",
    re.I,
)
FOLLOW_UP_OPENER = re.compile(
    r"^\s*(and|also|but|so|then|now|ok(?:ay)?|great|thanks|thank you|nice|cool|hmm|what about"
    r"|yes|yeah|yep|no|nope|not|oh|sure|well|i meant|right|exactly|alright|perfect|awesome"
    r"|interesting|good|true|got it|i see|following|recalling|regarding|referring|building on"
    r"|how about|why|what if|same|can you also|could you also|instead|actually|wait|more|another"
    r"|continue|go on|next)\b",
    re.I,
)
EDIT_VERB = re.compile(
    r"^\s*(?:can you |could you |please |now |ok,? |okay,? )*(make|rewrite|shorten|expand"
    r"|rephrase|simplify|convert|fix|improve|refactor|change|modify|update|remove|elaborate"
    r"|continue|redo|revise|edit|polish|extend|turn|reformat|condense|adjust|tweak|replace"
    r"|delete|shorter|longer)\b",
    re.I,
)
FRESH_START = re.compile(
    r"^\s*(new (?:question|topic|task)|unrelated|different (?:question|topic)|switching"
    r"|changing (?:the )?(?:topic|subject)|on another note|separately|by the way|random question)",
    re.I,
)
# phrasing that asks about the whole conversation, not the task at hand
WHOLE_CONVERSATION = re.compile(
    r"\b(everything (?:we|you|i)|(?:all|each) (?:of )?(?:the |your )?(?:answers|responses|topics)"
    r"|our (?:whole |entire )?(?:discussion|conversation|chat)|so far"
    r"|we (?:discussed|talked|covered|went over)"
    r"|this (?:whole |entire )?(?:conversation|chat|thread))\b",
    re.I,
)
# the form of a request of its own: a question, or an opening that asks for something
REQUEST_FORM = re.compile(
    r"\?|^\s*(?:please\s+)?(?:can|could|would|will|may|please|what|how|why|when|where|who|whom"
    r"|which|whose|is|are|was|were|do|does|did|should|shall|give|write|tell|explain|list|describe"
    r"|create|make|suggest|recommend|help|generate|provide|compose|draft|summari[sz]e|translate"
    r"|find|show|plan|design|calculate|compute|solve|convert|name|define|compare|outline|analy[sz]e"
    r"|identify|classify|rewrite|imagine|brainstorm|build|implement|prepare|propose|estimate"
    r"|evaluate|assess|discuss|teach|let's|i need|i want|i'd like|i would like|i'm looking for"
    r"|i am looking for|i have a question|tell)\b",
    re.I,
)
LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+(\S.*)$")
ITEM_NEEDS_PREVIOUS = re.compile(
    r"\b(above|previous|the result|that result|its result|the answer (?:to|from)|from (?:step|"
    r"question|item|part) \d|using (?:that|this|it|them)|based on (?:that|this|it|them)|then)\b|"
    r"^\s*(?:it|then|that|this|those|these)\b",
    re.I,
)
AND_ALSO = re.compile(r"(?:[.?!;]\s+|,?\s+)and also\s+", re.I)


OWN_MATERIAL_CHARS = 600  # a request this long carries its own material
# distinct texts each per-text helper remembers (each holds its text), the least recently
# used dropped: a decision reads its thread's last 32 turns (``segments.LOOKBACK_TURNS``);
# a message's features are kept whole, per message, by ``message_features.FeatureCache``
TEXT_CACHE_SIZE = 4096


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def content_words(text: str) -> frozenset[str]:
    """Lower-cased words of a text, stopwords and one-letter words dropped."""
    return frozenset(w for w in WORD.findall(text.lower()) if w not in STOPWORDS)


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def artifacts(text: str) -> frozenset[str]:
    """Kinds of artifact a message holds: code, table, document."""
    kinds = set()
    if "```" in text or re.search(r"^\s*(def |class |import |function |SELECT )", text, re.M):
        kinds.add("code")
    if text.count("|") >= 8 or len(re.findall(r"^[^,\n]+(?:,[^,\n]+){2,}$", text, re.M)) >= 3:
        kinds.add("table")
    if len(text) >= 2000:
        kinds.add("document")
    return frozenset(kinds)


ARTIFACT_KIND = {
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


# =====


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def identifiers(text: str) -> tuple[str, ...]:
    """Code-like names in a text (backticked, snake_case, camelCase), 4+ characters."""
    return tuple(
        {(a or b) for a, b in IDENTIFIER.findall(text) if len(a or b) >= 4 and (a or b).strip()}
    )


def first_sentence(text: str) -> str:
    match = re.search(r"[.?!](?:\s|$)", text)
    return text[: match.end()] if match else text
