"""Near-miss guards: what two requests must agree on before one may reuse the other's answer.

No embedding separates "Convert 30 C to F" from "Convert 30 F to C" (cosine 0.99),
so a semantic match is checked by pure functions of the two texts: the numbers,
the units (in order), the negations, the named entities and quoted strings, the
direction of an operation (opposed words such as encrypt/decrypt, and the order of
the key terms around "to", "into", "from"), the roles of the terms (which term stands
on which side of the words that relate them: "What did A think of B?" is not "What
did B think of A?") and the small details that change an answer (times, ordinals,
comparatives and superlatives, qualifiers such as "only"; letters that belong to a
name, as in "hepatitis A") must agree. :func:`mismatch` names the
first guard that fails, or returns None. Each text is read once into a
:class:`Signature` (cached), so a lookup compares small frozen values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from orchestrator_graph.cache.lexicon import (
    AMBIGUOUS_UNITS,
    COMMON,
    DEGREES,
    DIRECTION_WORDS,
    FUNCTION_WORDS,
    LANGUAGES,
    NEGATING_PREFIXES,
    NEGATIONS,
    NUMBER_WORDS,
    OPPOSITES,
    ORDINALS,
    PARTICLES,
    QUALIFIERS,
    SYMMETRIC,
    TEMPERATURES,
    TIMES,
    UNITS,
)

_TOKEN = re.compile(
    r"°\s?[CFKcfk]\b|`[^`]+`|\"[^\"]+\"|“[^”]+”|'[^']{3,}'|->|→|[$€£%°]|[\w][\w.+#/'-]*"
)
_GLUED = re.compile(r"^(\d+(?:[.,]\d+)*)([a-z°$€£%/]+)$")  # 30c, 5km, 10kg, 3.5l
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:\n]\s*)([A-Z][\w'-]*)")
_LETTER = re.compile(r"(?<![\w'.°-])([A-Z])(?![\w'-]|\.\w)")  # vitamin D, hepatitis A


@dataclass(frozen=True)
class Signature:
    """What a request says that an embedding blurs, normalised."""

    numbers: tuple[str, ...]  # in reading order: "23 minus 32" is not "32 minus 23"
    units: tuple[str, ...]
    negations: int
    entities: frozenset[str]
    quoted: frozenset[str]
    words: frozenset[str]
    tokens: tuple[str, ...]
    content: tuple[str, ...]  # the words that are not function words, in reading order
    directed_words: bool  # to, into, from, ->: an operation with a direction
    sides: tuple[int, ...]  # per pair of ``OPPOSITES``: 0 neither, 1 first, 2 second, 3 both
    order: tuple[str, ...]  # units and entities in reading order
    directed: bool  # a direction word stands between key terms
    details: frozenset[str]  # times, ordinals, degrees, qualifiers ("time:weekend", ...)


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for raw in _TOKEN.findall(text):
        token = re.sub(r"^°\s", "°", raw.lower()).rstrip(".,;:!?'-")
        if not token:
            continue
        glued = _GLUED.match(token)
        if glued:
            tokens.extend(glued.groups())
        elif "-" in token[1:] and token[0] not in "`\"“'":  # 150-word, five-year-old
            tokens.extend(part for part in token.split("-") if part)
        elif token.endswith("n't"):
            tokens.extend([token[:-3] or token, "n't"])
        else:
            tokens.append(token)
    return tokens


def _number(token: str) -> str | None:
    if _NUMBER.match(token):
        value = token.replace(",", "") if re.match(r"^\d{1,3}(,\d{3})+$", token) else token
        return value.replace(",", ".").rstrip("0").rstrip(".") if "." in value else value
    return NUMBER_WORDS.get(token)


def _entities(text: str, unit_tokens: frozenset[str]) -> set[str]:
    """Capitalised words (not common words starting a sentence), acronyms, code-like
    tokens, languages and capital letters that belong to a name (vitamin D, not a unit
    read beside a number), lowercased."""
    text = re.sub(r"n't\b", " not", text).replace("'s ", " ").replace("\u2019s ", " ")
    found: set[str] = set()
    starts = {m.start(1) for m in _SENTENCE_START.finditer(text)}
    for match in re.finditer(r"[A-Za-z][\w+#.-]*[\w+#]|[A-Z]", text):
        word = match.group()
        lower = word.lower()
        codey = any(c in word for c in "_.#+") or any(c.isdigit() for c in word)
        capital = word[0].isupper()
        if (
            lower in LANGUAGES
            or codey
            or (word.isupper() and len(word) > 1)
            or (capital and not (match.start() in starts and lower in COMMON))
        ):
            found.add(lower)
    letters = {
        m.group(1).lower()
        for m in _LETTER.finditer(text)
        if m.start(1) not in starts and m.group(1) != "I"
    }
    named = {e for e in found if (e not in COMMON and e not in UNITS) or e in LANGUAGES}
    return named | (letters - unit_tokens)


def _numbers_and_units(tokens: list[str]) -> tuple[list[str], list[str], frozenset[str]]:
    """The numbers and the units in reading order, and the tokens read as units."""
    numbers: list[str] = []
    units: list[str] = []
    unit_tokens: set[str] = set()
    for i, token in enumerate(tokens):
        number = _number(token)
        if number is not None:
            numbers.append(number)
            continue
        unit = UNITS.get(token)
        if unit is not None and token in AMBIGUOUS_UNITS:
            near = {tokens[i - 1] if i else "", tokens[i + 1] if i + 1 < len(tokens) else ""}
            beside = near & DIRECTION_WORDS or any(_number(t) is not None for t in near)
            unit = unit if beside else None
        if unit == "degree" and i + 1 < len(tokens) and UNITS.get(tokens[i + 1]) in TEMPERATURES:
            unit = None  # "30 degrees Celsius": the scale is the unit
        if unit is not None:
            units.append(unit)
            unit_tokens.add(token)
    return numbers, units, frozenset(unit_tokens)


def _details(tokens: list[str], unit_tokens: frozenset[str]) -> frozenset[str]:
    """The small words that change an answer: times, ordinals (not "second" read as a
    unit), comparatives and superlatives (by adjective and degree), qualifiers."""
    found: set[str] = set()
    for token in tokens:
        if token in TIMES:
            found.add(f"time:{TIMES[token]}")
        if token in ORDINALS and token not in unit_tokens:
            found.add(f"ordinal:{token}")
        if token in QUALIFIERS:
            found.add(f"qualifier:{QUALIFIERS[token]}")
        degree = DEGREES.get(token)
        if degree is None and len(token) > 5 and token.endswith("iest"):
            degree = (token[:-4] + "y", "est")  # happiest, earliest
        if degree is not None:
            found.add(f"degree:{degree[0]}:{degree[1]}")
    return frozenset(found)


@lru_cache(maxsize=65_536)
def signature(text: str) -> Signature:
    """The guarded facts of ``text`` (cached by text)."""
    tokens = _tokens(text)
    numbers, units, unit_tokens = _numbers_and_units(tokens)
    entities = _entities(text, unit_tokens)
    order = _reading_order(tokens, units, entities)
    words = set(tokens)
    stems = words | {w[:-1] for w in words if w.endswith("s")}  # lowers -> lower
    sides = tuple(int(bool(a & stems)) + 2 * int(bool(b & stems)) for a, b in OPPOSITES)
    quoted = frozenset(
        " ".join(t.strip("`\"“”'").split()) for t in tokens if t[:1] in "`\"“'" and len(t) > 2
    )
    return Signature(
        numbers=tuple(numbers),
        units=tuple(units),
        negations=sum(t in NEGATIONS for t in tokens),
        entities=frozenset(entities),
        quoted=quoted,
        words=frozenset(words),
        tokens=tuple(tokens),
        content=tuple(t for t in tokens if t not in FUNCTION_WORDS and t.isalpha()),
        directed_words=bool(words & {"to", "into", "from", "->", "→"}),
        sides=sides,
        order=tuple(order),
        directed=len(order) > 1 and bool(words & DIRECTION_WORDS),
        details=_details(tokens, unit_tokens),
    )


def _reading_order(tokens: list[str], units: list[str], entities: set[str]) -> list[str]:
    key = []
    for token in tokens:
        name = UNITS.get(token) if UNITS.get(token) in units else None
        name = name or (token if token in entities else None)
        if name is not None and name not in key:
            key.append(name)
    return key


def mismatch(request: str, cached: str) -> str | None:
    """The first guard on which ``request`` and ``cached`` disagree, or None when every
    guard passes: ``numbers``, ``units``, ``negation``, ``entities``, ``quoted``,
    ``direction`` (opposed words, or key terms in another order around to/into/from),
    ``roles`` (:func:`roles_swapped`), ``details`` (times, ordinals, degrees, qualifiers)."""
    a, b = signature(request), signature(cached)
    if a.numbers != b.numbers:
        return "numbers"
    if a.units != b.units:
        return "units"
    if a.negations != b.negations or _negated_word(a.words, b.words):
        return "negation"
    if a.entities != b.entities:
        return "entities"
    if a.quoted != b.quoted:
        return "quoted"
    if a.sides != b.sides:  # the words of an opposed pair are operations: they must agree
        return "direction"
    if (a.directed or b.directed) and a.order != b.order:
        return "direction"
    if _particle_swapped(a.tokens, b.tokens) or _reordered(a, b):
        return "direction"
    if roles_swapped(a.tokens, b.tokens):
        return "roles"
    if a.details != b.details:
        return "details"
    return None


def _particle_swapped(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """A verb followed by one particle in a text and by its opposite in the other."""
    pairs_b = set(pairwise(b))
    for verb, particle in pairwise(a):
        opposite = PARTICLES.get(particle)
        if opposite and (verb, opposite) in pairs_b and (verb, particle) not in pairs_b:
            return True
    return False


def _reordered(a: Signature, b: Signature) -> bool:
    """The same content words around to/into/from, in another order: "a list into a set"
    is not "a set into a list"."""
    if not (a.directed_words and b.directed_words):
        return False
    first, second = a.content, b.content
    return sorted(first) == sorted(second) and first != second


def roles_swapped(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two terms trade sides of a word that relates them: "A affects B" / "B affects A",
    "What did A think of B?" / "... B think of A?", "from A to B" / "from B to A".

    Terms are content words (not function or common words) and the relating word
    any word but a symmetric one ("and", "or", "vs", "with", ...), each once in
    both texts. A pair of terms read in one order in ``a`` and in the other in ``b``
    is a swap when a relating word stands between them in both texts: moved
    phrases ("At sea level, what is ..." / "What is ... at sea level?") keep
    their words on one side of each other and pass."""
    once_a, once_b = _positions(a), _positions(b)
    shared = once_a.keys() & once_b.keys()
    terms = sorted(
        (once_a[t], once_b[t]) for t in shared if t not in COMMON and t not in FUNCTION_WORDS
    )
    relating = [(once_a[t], once_b[t]) for t in shared if t not in SYMMETRIC]
    for i, (first_a, first_b) in enumerate(terms):
        for second_a, second_b in terms[i + 1 :]:
            if second_b >= first_b:
                continue  # the same order in both texts
            if any(first_a < pa < second_a and second_b < pb < first_b for pa, pb in relating):
                return True
    return False


def _positions(tokens: tuple[str, ...]) -> dict[str, int]:
    """Each word that occurs once in ``tokens`` (alphanumeric), with its position."""
    seen: dict[str, int] = {}
    repeated: set[str] = set()
    for position, token in enumerate(tokens):
        if token in seen:
            repeated.add(token)
        seen[token] = position
    return {t: p for t, p in seen.items() if t not in repeated and t[:1].isalnum()}


def _negated_word(a: frozenset[str], b: frozenset[str]) -> bool:
    """A word of one text is a word of the other with a negating prefix (safe/unsafe)."""
    for first, second in ((a, b), (b, a)):
        for word in first - second:
            for prefix in NEGATING_PREFIXES:
                rest = word[len(prefix) :]
                if word.startswith(prefix) and len(rest) >= 4 and rest in second - first:
                    return True
    return False


TIME_SENSITIVE = re.compile(
    r"\b(?:today|tonight|tomorrow|yesterday|now|right now|currently|current|latest|"
    r"recent|this (?:week|month|year|morning|evening)|random|surprise me)\b",
    re.I,
)


def time_sensitive(text: str) -> bool:
    """Whether the answer may change with the day it is asked (never stored)."""
    return TIME_SENSITIVE.search(text) is not None
