"""Invented answers: deterministic filler text of a length typical for the request.

What :class:`~orchestrator_graph.testing.simulated.SimulatedChatModel` answers
when no recorded answer matches: prose (and code for a code request) seeded by
the request, so a replay invents the same text every time.
"""

from __future__ import annotations

import hashlib
import random
import re
from typing import Literal

from orchestrator_graph.conversation.tokens import count_text, encoding

Category = Literal["code", "summary", "factual", "math", "default"]

LENGTH_RANGES: dict[str, tuple[int, int]] = {
    "code": (400, 900),
    "summary": (120, 250),
    "factual": (40, 120),
    "math": (150, 300),
    "default": (150, 300),
}


_CODE = re.compile(
    r"```|\b(code|function|implement\w*|python|javascript|typescript|rust|golang|sql|script"
    r"|class|method|refactor\w*|debug\w*|bug|compile\w*|regex|unit tests?|snippet)\b"
)
_SUMMARY = re.compile(r"\b(summari[sz]\w*|summary|tl;?dr|recap|condense|key points|gist)\b")
_MATH = re.compile(
    r"\b(calculate|compute|solve|equation|integral|derivative|probability|prove|arithmetic)\b"
    r"|\d+\s*[-+*/^\u00d7\u00f7]\s*\d+"
)
_FACTUAL = re.compile(r"^(what|who|when|where|which|how (many|much|old|far|long)|define|name)\b")


def guess_category(text: str) -> Category:
    """The task category a simulated answer's length is based on (a keyword guess)."""
    lowered = text.lower().strip()
    if _CODE.search(lowered):
        return "code"
    if _SUMMARY.search(lowered):
        return "summary"
    if _MATH.search(lowered):
        return "math"
    if len(lowered.split()) <= 25 and (lowered.endswith("?") or _FACTUAL.match(lowered)):
        return "factual"
    return "default"


def truncate_tokens(text: str, max_tokens: int) -> str:
    """The first ``max_tokens`` tokens of ``text``."""
    enc = encoding()
    return enc.decode(enc.encode(text, disallowed_special=())[: max(max_tokens, 0)])


_STOPWORDS = frozenset(
    {
        "about",
        "above",
        "after",
        "again",
        "could",
        "every",
        "explain",
        "given",
        "might",
        "other",
        "please",
        "quite",
        "should",
        "their",
        "there",
        "these",
        "thing",
        "think",
        "those",
        "under",
        "where",
        "which",
        "while",
        "would",
        "write",
    }
)
_FILLER = (
    "the result depends on the inputs and the constraints stated above",
    "a careful check of each step keeps the answer consistent",
    "this approach trades a little speed for clarity",
    "in practice the simplest option is usually enough",
    "the main cost comes from the number of items processed",
    "edge cases such as empty input are handled explicitly",
    "the same reasoning applies to larger examples",
    "each part can be verified on its own before combining them",
    "the key idea is to reuse what has already been computed",
    "the numbers above are illustrative rather than measured",
    "more context would allow a more specific recommendation",
    "the trade-off is documented so it can be revisited later",
)


def _sentence(rng: random.Random, topic: list[str]) -> str:
    body = rng.choice(_FILLER)
    if topic and rng.random() < 0.6:
        body = f"for {rng.choice(topic)}, {body}"
    return body[0].upper() + body[1:] + "."


def _prose(rng: random.Random, topic: list[str], target: int) -> str:
    """Filler sentences totalling at most ``target`` tokens (at least one sentence)."""
    sentences: list[str] = []
    total = 0
    while True:
        sentence = _sentence(rng, topic)
        tokens = count_text(" " + sentence)
        if sentences and total + tokens > target:
            return " ".join(sentences)
        sentences.append(sentence)
        total += tokens


def _code_block(rng: random.Random, target: int) -> str:
    """A fenced Python block of at most about ``target`` tokens (at least one function)."""
    lines, total, index = ["```python"], 0, 0
    while True:
        index += 1
        factor = rng.randint(2, 9)
        block = (
            f"def step_{index}(values: list[int]) -> int:\n"
            f'    """Simulated helper {index}: scaled sum of the values."""\n'
            f"    total = 0\n"
            f"    for value in values:\n"
            f"        total += value * {factor}\n"
            f"    return total\n"
        )
        tokens = count_text(block)
        if index > 1 and total + tokens > target:
            return "\n".join([*lines, "```"])
        lines.append(block)
        total += tokens


def invent_answer(model_name: str, request_text: str, seed: bytes) -> str:
    """A deterministic filler answer sized for the request's category."""
    category = guess_category(request_text)
    rng = random.Random(int.from_bytes(hashlib.blake2b(seed, digest_size=8).digest(), "big"))
    lo, hi = LENGTH_RANGES[category]
    target = rng.randint(lo + 20, hi)  # the filler stops up to ~20 tokens short
    words = {w.lower() for w in re.findall(r"[A-Za-z]{5,}", request_text)}
    topic = sorted(words - _STOPWORDS)[:12]
    header = f"[simulated {model_name}]"
    budget = target - count_text(header) - 4
    if category == "code":
        intro = _prose(rng, topic, budget // 8)
        code = _code_block(rng, budget * 3 // 4)
        outro = _prose(rng, topic, budget - count_text(intro) - count_text(code))
        return f"{header} {intro}\n\n{code}\n\n{outro}"
    return f"{header} {_prose(rng, topic, budget)}"
