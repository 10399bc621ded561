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
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise

from orchestrator_graph.cache.lexicon import (
    AMBIGUOUS_UNITS,
    COMMON,
    DEGREES,
    DIRECTION_WORDS,
    FUNCTION_WORDS,
    GRADABLE,
    LANGUAGES,
    NAME_SYNONYMS,
    NEGATING_PREFIXES,
    NEGATIONS,
    NUMBER_WORDS,
    OPPOSED_PREFIXES,
    OPPOSED_WORDS,
    OPPOSITES,
    ORDINALS,
    PARTICLES,
    PER,
    QUALIFIERS,
    SAME_DEGREE,
    SYMMETRIC,
    TEMPERATURES,
    TIMES,
    UNITS,
)
from orchestrator_graph.cache.roles import (
    content_added,
    content_swap,
    edited_words,
    exchanged,
    object_replaced,
    question_roles_swapped,
    roles_swapped,
    rotated,
    swapped,
)

_TOKEN = re.compile(
    r"°\s?[CFKcfk]\b|`[^`]+`|\"[^\"]+\"|“[^”]+”|'[^']{3,}'|->|→|[$€£%°]|[\w][\w.+#/'-]*"
)
_GLUED = re.compile(r"^(\d+(?:[.,]\d+)*)([a-z°$€£%/]+)$")  # 30c, 5km, 10kg, 3.5l
SHARED_STEM = 4  # two words that start alike this far are forms of one (painted/painter)
_DATE = re.compile(r"^\d{1,4}(?:/\d{1,4})+$")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:\n]\s*)([A-Z][\w'-]*)")
_LETTER = re.compile(r"(?<![\w'.°-])([A-Z])(?![\w'-]|\.\w)")  # vitamin D, hepatitis A


@dataclass(frozen=True)
class Signature:
    """What a request says that an embedding blurs, normalised."""

    numbers: tuple[str, ...]  # in reading order: "23 minus 32" is not "32 minus 23"
    units: tuple[str, ...]
    negations: int
    entities: frozenset[str]  # names written as names: not first in a sentence, acronyms, code
    openers: frozenset[str]  # capitalised only as a sentence's first word, not common words
    names: frozenset[str]  # every word as a name would be matched (no 's, hyphens split)
    quoted: frozenset[str]
    words: frozenset[str]
    tokens: tuple[str, ...]
    content: tuple[str, ...]  # the words that are not function words, in reading order
    directed_words: bool  # to, into, from, ->: an operation with a direction
    sides: tuple[int, ...]  # per pair of ``OPPOSITES``: 0 neither, 1 first, 2 second, 3 both
    keys: frozenset[str]  # the tokens of units and names (terms of a direction)
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


def _entities(text: str, unit_tokens: frozenset[str]) -> tuple[set[str], set[str]]:
    """The names of ``text``, lowercased: capitalised words not first in a sentence,
    acronyms, code-like tokens, languages and capital letters that belong to a name
    (vitamin D, not a unit read beside a number); and its openers, capitalised words
    (not common ones) that start a sentence, which may be names or not."""
    text = re.sub(r"n't\b", " not", text).replace("'s ", " ").replace("\u2019s ", " ")
    found: set[str] = set()
    openers: set[str] = set()
    starts = {m.start(1) for m in _SENTENCE_START.finditer(text)}
    for match in re.finditer(r"[A-Za-z][\w+#./]*[\w+#]|[A-Z]", text):
        word = match.group()
        lower = word.lower()
        if lower in COMMON and lower not in LANGUAGES:
            continue
        codey = any(c in word for c in "_.#+") or any(c.isdigit() for c in word)
        if lower in LANGUAGES or codey or (word.isupper() and len(word) > 1):
            found.add(lower)
        elif word[0].isupper():
            (openers if match.start() in starts else found).add(lower)
    letters = {
        m.group(1).lower()
        for m in _LETTER.finditer(text)
        if m.start(1) not in starts and m.group(1) != "I"
    }
    named = {e for e in found if e not in UNITS or e in LANGUAGES}
    return named | (letters - unit_tokens), openers - found - UNITS.keys()


def _names(tokens: list[str]) -> frozenset[str]:
    """The words a name of the other text is looked up among: each token, without a
    possessive, a code token also split at its slashes and dots, and a synonym."""
    found: set[str] = set()
    for token in tokens:
        bare = re.sub(r"['\u2019]s?$", "", token)
        found.update((token, bare, NAME_SYNONYMS.get(bare, bare)))
    return frozenset(found)


def _entities_differ(a: Signature, b: Signature) -> bool:
    """A name of ``a`` that ``b`` does not have (in any case) and that is not part of a
    longer name of ``a`` whose rest ``b`` has ("Charles Babbage" / "Babbage"); an opener
    counts when ``b`` has a name or opener of its own that ``a`` lacks (a swap)."""
    missing = {e for e in a.entities if NAME_SYNONYMS.get(e, e) not in b.names}
    b_missing = {e for e in b.entities | b.openers if NAME_SYNONYMS.get(e, e) not in a.names}
    if missing and not b_missing:
        missing = {e for e in missing if not _part_of_name(e, a, b)}
    if missing:
        return True
    return bool(b_missing) and any(e not in b.names for e in a.openers)


def _part_of_name(word: str, a: Signature, b: Signature) -> bool:
    """``word`` (a plain word: not an opposed word, an ordinal, a numeral or a letter)
    stands next to a name of ``a`` that ``b`` has too."""
    if len(word) < 4 or not word.isalpha() or word in ORDINALS or word in OPPOSED_WORDS:
        return False
    tokens = [re.sub(r"['\u2019]s?$", "", t) for t in a.tokens]
    for i, token in enumerate(tokens):
        if token == word:
            beside = tokens[max(i - 1, 0) : i] + tokens[i + 1 : i + 2]
            if any(t in a.entities and t in b.names for t in beside):
                return True
    return False


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
        if _DATE.match(token):  # 10/21/2024, 3/4
            numbers.extend(str(int(part)) for part in token.split("/"))
            continue
        unit = UNITS.get(token)
        if unit is not None and token in AMBIGUOUS_UNITS:
            near = {tokens[i - 1] if i else "", tokens[i + 1] if i + 1 < len(tokens) else ""}
            beside = near & DIRECTION_WORDS or any(_number(t) is not None for t in near)
            unit = unit if beside else None
        if unit == "degree" and i + 1 < len(tokens) and UNITS.get(tokens[i + 1]) in TEMPERATURES:
            unit = None  # "30 degrees Celsius": the scale is the unit
        if unit is not None and units and i > 1 and tokens[i - 1] == "per":
            unit = PER.get((units[-1], unit))  # kilometres per hour: kph
            units.pop() if unit else None
        if unit is not None:
            units.append(unit)
            unit_tokens.add(token)
    return numbers, units, frozenset(unit_tokens)


def _details(tokens: list[str], unit_tokens: frozenset[str]) -> frozenset[str]:
    """The small words that change an answer: times, ordinals (not "second" read as a
    unit), comparatives and superlatives (by adjective and degree), qualifiers."""
    found: set[str] = set()
    for raw, after in zip(tokens, [*tokens[1:], ""], strict=True):
        token = raw.removesuffix("'s")  # tomorrow's, friday's
        if token == "per" and after in unit_tokens:
            continue  # kilometres per hour: a unit
        if token in TIMES:
            found.add(f"time:{TIMES[token]}")
        if token in ORDINALS and token not in unit_tokens:
            found.add(f"ordinal:{token}")
        if token in QUALIFIERS:
            found.add(f"qualifier:{QUALIFIERS[token]}")
        degree = _degree(token, after)
        if degree is not None:
            adjective = SAME_DEGREE.get(degree[0], degree[0])
            found.add(f"degree:{adjective}:{degree[1]}")
    return frozenset(found)


def _degree(token: str, after: str) -> tuple[str, str] | None:
    """The adjective and degree of ``token`` ("faster": fast, er); "more"/"most" before a
    gradable word or its adverb take that word's ("more quickly": quick, er)."""
    if token in ("more", "most") and after:
        plain = after.removesuffix("ly")
        plain = plain[:-1] + "y" if plain.endswith("i") else plain  # easily -> easy
        if plain in GRADABLE:
            return plain, "er" if token == "more" else "est"
    degree = DEGREES.get(token)
    if degree is None and len(token) > 5 and token.endswith("iest"):
        degree = (token[:-4] + "y", "est")  # happiest, earliest
    return degree


@lru_cache(maxsize=65_536)
def signature(text: str) -> Signature:
    """The guarded facts of ``text`` (cached by text)."""
    tokens = _tokens(text)
    numbers, units, unit_tokens = _numbers_and_units(tokens)
    entities, openers = _entities(text, unit_tokens)
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
        openers=frozenset(openers),
        names=_names(tokens),
        quoted=quoted,
        words=frozenset(words),
        tokens=tuple(tokens),
        content=tuple(t for t in tokens if t not in FUNCTION_WORDS and t.isalpha()),
        directed_words=bool(words & {"to", "into", "from", "->", "→"}),
        sides=sides,
        keys=frozenset(unit_tokens | entities),
        details=_details(tokens, unit_tokens),
    )


def mismatch(request: str, cached: str) -> str | None:
    """The first guard on which ``request`` and ``cached`` disagree, or None when every
    guard passes: ``numbers`` (the same, none trading sides of a word), ``units``,
    ``negation``, ``entities`` (:func:`_entities_differ`), ``quoted``, ``direction``
    (opposite sides of an opposed pair, an opposed word edited in or out, key terms
    trading sides of to/into/from), ``roles`` (``roles.roles_swapped``,
    ``roles.question_roles_swapped``, ``roles.exchanged``: two terms trading places however
    far apart), ``details`` (times, ordinals, degrees, qualifiers), ``word`` (a small edit
    swapped one content word for another, :func:`_word_swapped`, put some in, or replaced
    a preposition's object, ``roles.object_replaced``)."""
    a, b = signature(request), signature(cached)
    if sorted(a.numbers) != sorted(b.numbers) or _numbers_swapped(a, b):
        return "numbers"
    edited = edited_words(a.tokens, b.tokens)
    if _units_differ(a.units, b.units) or (set(a.units) != set(b.units) and edited is not None):
        return "units"
    if a.negations != b.negations or _negated_word(a.words, b.words):
        return "negation"
    if _entities_differ(a, b) or _entities_differ(b, a):
        return "entities"
    if _quoted_differ(a, b) or _quoted_differ(b, a):
        return "quoted"
    if _opposed(a.sides, b.sides, edited) or _particle_swapped(a.tokens, b.tokens):
        return "direction"
    if _reordered(a, b) or _keys_swapped(a, b):
        return "direction"
    if roles_swapped(a.tokens, b.tokens) or question_roles_swapped(a.tokens, b.tokens):
        return "roles"
    if exchanged(a.tokens, b.tokens):
        return "roles"
    if _details_differ(a.details, b.details, edited):
        return "details"
    if _word_swapped(a.tokens, b.tokens) or content_added(a.tokens, b.tokens):
        return "word"
    if object_replaced(a.tokens, b.tokens):
        return "word"
    return None


def _quoted_differ(a: Signature, b: Signature) -> bool:
    """``a`` quotes a string that ``b`` neither quotes nor says in its words ("the
    difference between 'affect' and 'effect'" quotes what "between affect and effect"
    says)."""
    for quoted in a.quoted - b.quoted:
        words = tuple(_tokens(quoted))
        size = len(words)
        if not any(b.tokens[i : i + size] == words for i in range(len(b.tokens) - size + 1)):
            return True
    return False


def _numbers_swapped(a: Signature, b: Signature) -> bool:
    """Two numbers trade sides of a word: "23 minus 32" / "32 minus 23"."""
    return a.numbers != b.numbers and swapped(
        a.tokens, b.tokens, lambda t: _number(t) is not None, lambda t: t not in SYMMETRIC
    )


def _units_differ(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Each text has a unit the other lacks (one swapped for another), or the units both
    have come in another order ("pints in a gallon" / "gallons in a pint"); a unit one
    text alone names ("8 percent this year" / "8%") rewords."""
    if set(a) - set(b) and set(b) - set(a):
        return True
    shared = set(a) & set(b)
    return [u for u in a if u in shared] != [u for u in b if u in shared]


def _opposed(
    first: tuple[int, ...], second: tuple[int, ...], edited: frozenset[str] | None
) -> bool:
    """The two texts take opposite sides of an opposed pair (a word in one and its
    opposite in the other), or a small edit put a word of a pair in or out ("a cold" /
    "the flu", "sort in descending order" / "sort"). One text alone using a word of a
    pair in a rewording does not oppose."""
    for index, (a, b) in enumerate(zip(first, second, strict=True)):
        if a == b:
            continue
        if a and b:
            return True
        one, other = OPPOSITES[index]
        words = (one if (a | b) & 1 else frozenset()) | (other if (a | b) & 2 else frozenset())
        if edited is not None and edited & words:
            return True
    return False


def _particle_swapped(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """A verb followed by one particle in a text and by its opposite in the other."""
    pairs_b = set(pairwise(b))
    for verb, particle in pairwise(a):
        opposite = PARTICLES.get(particle)
        if opposite and (verb, opposite) in pairs_b and (verb, particle) not in pairs_b:
            return True
    return False


def _details_differ(a: frozenset[str], b: frozenset[str], edited: frozenset[str] | None) -> bool:
    """Each text has a detail the other lacks ("on weekdays" / "on weekends"), or a small
    edit put one in or out ("the largest prime" / "a prime"); a detail one text alone
    has in a rewording ("the best way to ..." / "How can I ...") is left to the check."""
    if a == b:
        return False
    return bool(a - b and b - a) or edited is not None


def _word_swapped(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """A small edit replaced one content word by another that is not a form of it
    (painted/painter, colour/color) nor a typo: "Can dogs eat grapes?" / "Can cats eat
    grapes?", "fly to Paris" / "drive to Paris"."""
    swap = content_swap(a, b)
    if swap is None:
        return False
    old, new = swap
    if _details([old], frozenset()) == _details([new], frozenset()) != frozenset():
        return False  # the same degree of synonyms: biggest/largest
    if old[:SHARED_STEM] == new[:SHARED_STEM] and min(len(old), len(new)) > SHARED_STEM:
        return False  # one word's forms
    return not (min(len(old), len(new)) >= 5 and SequenceMatcher(None, old, new).ratio() >= 0.8)


def _keys_swapped(a: Signature, b: Signature) -> bool:
    """Units or names trade sides of a direction word: "from English to German" / "from
    German to English"."""
    return swapped(a.tokens, b.tokens, a.keys.__contains__, DIRECTION_WORDS.__contains__)


def _reordered(a: Signature, b: Signature) -> bool:
    """The same content words around to/into/from, in another order: "a list into a set"
    is not "a set into a list"; a clause moved whole (``roles.rotated``) keeps the order."""
    if not (a.directed_words and b.directed_words):
        return False
    first, second = a.content, b.content
    return sorted(first) == sorted(second) and first != second and not rotated(a.tokens, b.tokens)


def _negated_word(a: frozenset[str], b: frozenset[str]) -> bool:
    """A word of one text is a word of the other with a negating prefix (safe/unsafe), or
    with the opposite prefix (overactive/underactive)."""
    for first, second in ((a, b), (b, a)):
        for word in first - second:
            match = _PREFIXED.match(word)
            if match is None:
                continue
            prefix, rest = match.groups()
            if prefix.rstrip("-") in NEGATING_PREFIXES and rest in second - first:
                return True
            if any(p == prefix and o + rest in second for p, o in OPPOSED_PREFIXES):
                return True
    return False


_PREFIXED = re.compile(
    "^({})(.{{4,}})$".format(
        "|".join(sorted({*NEGATING_PREFIXES, *(p for p, _ in OPPOSED_PREFIXES)}, key=len)[::-1])
    )
)


TIME_SENSITIVE = re.compile(
    r"\b(?:today|tonight|tomorrow|yesterday|now|right now|currently|current|latest|"
    r"recent|this (?:week|month|year|morning|evening)|random|surprise me)\b",
    re.I,
)


def time_sensitive(text: str) -> bool:
    """Whether the answer may change with the day it is asked (never stored)."""
    return TIME_SENSITIVE.search(text) is not None
