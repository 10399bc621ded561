"""Roles and edits: which terms stand on which side of the words that relate them, and
what a small edit of a request changed.

Pure functions of two token sequences (``guards.signature(...).tokens``):
:func:`swapped` finds two terms read in one order in a text and in the other order in
the other with a relating word between them in both ("A affects B" / "B affects A");
:func:`roles_swapped` applies it to content words, allowing for a change of voice ("A
discovered B" / "B was discovered by A") and for a copula between the two ("X is the
deepest lake" / "the deepest lake is X"); :func:`exchanged` finds two phrases trading
places however far apart; :func:`question_roles_swapped` reads a question's subject
against its object ("Who taught Plato?" / "Who did Plato teach?"); :func:`edited_words`
returns the words a small edit changed ("the symptoms of a cold" / "the symptoms of the
flu"), or None for a rewording; :func:`object_replaced` finds a preposition's object
replaced ("for beginners" / "for experienced developers"); :func:`rotated` a clause moved
whole from a text's start to its end.
"""

from __future__ import annotations

from collections.abc import Callable
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise

from orchestrator_graph.cache.lexicon import (
    COMMON,
    FUNCTION_WORDS,
    PREPOSITIONS,
    SYMMETRIC,
    UNITS,
)

BE = frozenset("is are was were be been being am 's".split())
DO = frozenset("do does did".split())
AUXILIARIES = BE | DO | frozenset("can could will would should may might must has have had".split())
ARTICLES = frozenset({"a", "an", "the"})
JOINING = frozenset("and or nor vs versus &".split())  # join terms of a list, in any order
DETERMINERS = ARTICLES | frozenset("my your our their his her its this that these those".split())
# words that add no meaning when a rewording puts them in: auxiliaries, question words,
# pronouns, light verbs
LIGHT_WORDS = AUXILIARIES | frozenset(
    "who whom whose where when why there here this that these those he she they them "
    "us please just also really look looks seem seems appear appears used using get gets "
    "got become becomes called known make makes made up you stand stands way ways people "
    "someone per".split()
)
QUESTION_WORDS = frozenset("what which how whose".split())
SUBJECT_WORDS = frozenset({"who", "what"})
SPAN = 6  # two terms of a relation stand at most this many positions apart
CLAUSE = 2  # a clause moved whole from a text's start to its end holds this many tokens
TERM = 3  # a term trading places with another holds at most this many tokens
KEPT_ORDER = 0.8  # a swap leaves the other words in order; a rewording moves them
EDIT_TOKENS = 4  # at most this many tokens changed on each side ...
EDIT_BLOCKS = 2  # ... in at most this many places: an edit, not a rewording


def swapped(
    a: tuple[str, ...],
    b: tuple[str, ...],
    is_term: Callable[[str], bool],
    is_relating: Callable[[str], bool],
    exempt: Callable[[tuple[str, ...], int, int], bool] | None = None,
) -> bool:
    """Whether two terms (words once in each text) come in one order in ``a`` and in the
    other in ``b``, with a relating word between them in both texts, the other words
    keeping their order (a swap, not a rewording that moves a phrase);
    ``exempt(text, first, last)`` excuses a pair by what stands between its positions."""
    once_a, once_b = _positions(a), _positions(b)
    shared = sorted((once_a[t], once_b[t], t) for t in once_a.keys() & once_b.keys())
    terms = [(pa, pb) for pa, pb, t in shared if is_term(t)]
    relating_a = [(p, t) for t, p in once_a.items() if is_relating(t)]
    relating_b = [(p, t) for t, p in once_b.items() if is_relating(t)]
    for i, (first_a, first_b) in enumerate(terms):
        for second_a, second_b in terms[i + 1 :]:
            if second_b >= first_b:
                continue  # the same order in both texts
            if max(second_a - first_a, first_b - second_b) > SPAN:
                continue  # far apart: clauses moved, not two terms of one relation
            between_a = {w for p, w in relating_a if first_a < p < second_a}
            between_b = {w for p, w in relating_b if second_b < p < first_b}
            if a[second_a - 1] == b[first_b - 1] and a[second_a - 1] in ("a", "an"):
                between_a.add("a")  # "Is a square a rectangle?": an article before the
                between_b.add("a")  # later term in both
            relating = between_a & between_b
            if JOINING & set(a[first_a:second_a]) and JOINING & set(b[second_b:first_b]):
                continue  # joined in both: "was A B or C D better" / "C D or A B"
            if not relating or (relating <= BE | {"the"} and relating & BE):
                continue  # nothing relates them, or a copula: "X is the Y" / "the Y is X"
            if exempt and (exempt(a, first_a, second_a) or exempt(b, second_b, first_b)):
                continue
            moved = _with((first_a, first_b), shared) | _with((second_a, second_b), shared)
            rest = [(pa, pb) for pa, pb, t in shared if t not in ARTICLES and pa not in moved]
            if _concordance(rest) >= KEPT_ORDER:
                return True
    return False


def _with(term: tuple[int, int], shared: list[tuple[int, int, str]]) -> set[int]:
    """The positions (in the first text) of ``term`` and of the words next to it in both
    texts (a term of several words moves as one)."""
    term_a, term_b = term
    moved = {term_a}
    for step in (-1, 1):
        position_a, position_b = term_a, term_b
        while True:
            position_a, position_b = position_a + step, position_b + step
            if not any(pa == position_a and pb == position_b for pa, pb, _ in shared):
                break
            moved.add(position_a)
    return moved


def _concordance(positions: list[tuple[int, int]]) -> float:
    """The share of pairs of words read in the same order in both texts (1.0 for none);
    ``positions`` sorted by the first text's."""
    pairs = len(positions) * (len(positions) - 1) // 2
    if pairs == 0:
        return 1.0
    kept = sum(pb < qb for i, (_, pb) in enumerate(positions) for _, qb in positions[i + 1 :])
    return kept / pairs


def roles_swapped(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two content words trade sides of a word that relates them: "A affects B" / "B
    affects A", "What did A think of B?" / "... B think of A?", "from A to B" / "from B
    to A". Symmetric words ("and", "or", "vs", "with", ...) relate nothing, nor does a
    copula alone ("X is the Y"); a passive ("B was discovered by A") excuses a swap;
    moved phrases keep their words on one side of each other and pass."""
    return swapped(a, b, _content, lambda t: t not in SYMMETRIC, _voice)


def exchanged(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """``b`` is ``a`` with two phrases trading places and nothing else changed, however
    far apart ("If a tenant breaks a lease, what can the landlord do?" / "If a landlord
    breaks a lease, what can the tenant do?"; "Can a Windows PC read a drive formatted on
    a Mac?" / "Can a Mac read ... on a Windows PC?"; "my father's cousin's child" / "my
    cousin's father's child"). Each phrase holds a content word; what stands between
    them relates them (a word that is not symmetric nor a lone copula; a symmetric word
    between them joins them: "brown rice or white rice"), or, for phrases
    side by side, the first is a possessive in both texts. Phrases of at most ``TERM``
    tokens: longer ones are clauses, which a rewording moves ("Leonardo painted it in
    Milan" / "In Milan, Leonardo painted it")."""
    if len(a) != len(b) or a == b:
        return False
    start = next(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
    end = len(a) - next(i for i, (x, y) in enumerate(zip(a[::-1], b[::-1], strict=True)) if x != y)
    first, second = a[start:end], b[start:end]
    if sorted(first) != sorted(second):
        return False  # not the same words: an edit
    for size in range(1, min(TERM, len(first)) + 1):
        for other in range(1, min(TERM, len(first) - size) + 1):
            one, between, two = first[:size], first[size:-other], first[-other:]
            if second != two + between + one or not (_holds(one) and _holds(two)):
                continue
            if set(between) & SYMMETRIC:
                continue  # "brown rice or white rice": joined, not related
            if between and _relates(between):
                return True
            if not between and one[-1].endswith("'s") and two[-1].endswith("'s"):
                return True
    return False


def _holds(phrase: tuple[str, ...]) -> bool:
    return any(_content(t) and t[:1].isalnum() for t in phrase)


def _relates(between: tuple[str, ...]) -> bool:
    """Words between two terms that relate them: one not symmetric nor an article, not
    only a copula ("a cat or a dog" relates nothing; "X is Y" is "Y is X")."""
    relating = {t for t in between if t not in SYMMETRIC | ARTICLES and t[:1].isalnum()}
    return bool(relating) and not relating <= BE


def rotated(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One text is the other with a clause moved from its start to its end, whole ("When
    making a vinaigrette, what ratio of oil to vinegar should I use?" / "What ratio of
    oil to vinegar should I use when making a vinaigrette?")."""
    if len(a) != len(b):
        return False
    return any(a[cut:] + a[:cut] == b for cut in range(CLAUSE, len(a) - CLAUSE + 1))


def question_roles_swapped(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One question asks for the subject ("Who taught Plato?") and the other for the
    object ("Who did Plato teach?") about a shared content word."""
    kinds = {_question_kind(a), _question_kind(b)}
    if kinds != {"subject", "object"}:
        return False
    return bool({t for t in a if _content(t)} & {t for t in b if _content(t)})


def edited_words(a: tuple[str, ...], b: tuple[str, ...]) -> frozenset[str] | None:
    """The words a small edit changed between ``a`` and ``b`` (both sides), or None when
    the two differ by more than ``EDIT_TOKENS`` tokens a side or in more than
    ``EDIT_BLOCKS`` places (a rewording) or not at all."""
    changed = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in _opcodes(a, b) if tag != "equal"]
    if not changed or len(changed) > EDIT_BLOCKS:
        return None
    if sum(i2 - i1 for i1, i2, _, _ in changed) > EDIT_TOKENS:
        return None
    if sum(j2 - j1 for _, _, j1, j2 in changed) > EDIT_TOKENS:
        return None
    words = {t for i1, i2, _, _ in changed for t in a[i1:i2]}
    return frozenset(words | {t for _, _, j1, j2 in changed for t in b[j1:j2]})


def content_swap(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, str] | None:
    """The one content word a small edit replaced by another in its place, word for word
    ("Can dogs eat grapes?" / "Can cats eat grapes?": dogs, cats; "an empty stomach" / "a
    full stomach"), or None for any other difference (a phrase for a word: "wrote" / "is
    the author of"; a content word put in or taken out; several replaced)
    (another content word put in or taken out, several replaced, a phrase reworded)."""
    if edited_words(a, b) is None:
        return None
    swaps = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            continue
        old = [t for t in a[i1:i2] if _content(t) and t.isalpha()]
        new = [t for t in b[j1:j2] if _content(t) and t.isalpha()]
        if tag == "replace" and i2 - i1 == j2 - j1 and len(old) == 1 and len(new) == 1:
            swaps.append((old[0], new[0]))
        elif old or new:
            return None
    return swaps[0] if len(swaps) == 1 else None


def object_replaced(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """An edit in at most ``EDIT_BLOCKS`` places replaced the object of a preposition, or
    a phrase opening with a preposition, by one that shares no word carrying meaning
    with it, a phrase on at least one side ("a Python book for beginners" / "... for
    experienced developers"; "bring a power bank on a plane" / "pack a power bank in my
    checked luggage"): the qualifier changed. A word for a word is
    :func:`content_swap`'s (which forgives a typo); a verb reworded as a phrase ("wrote"
    / "is the author of") has no preposition before it and passes."""
    changed = [op for op in _opcodes(a, b) if op[0] != "equal"]
    if not changed or len(changed) > EDIT_BLOCKS:
        return False
    for tag, i1, i2, j1, j2 in changed:
        if tag != "replace" or i2 - i1 + j2 - j1 < 3:
            continue
        before = a[:i1]
        while before and before[-1] in DETERMINERS:
            before = before[:-1]  # "in a pressure cooker", "for my kids"
        led = a[i1] in PREPOSITIONS and b[j1] in PREPOSITIONS
        if not (led or (before and before[-1] in PREPOSITIONS)):
            continue
        old, new = _carrying(a[i1:i2]), _carrying(b[j1:j2])
        if old and new and not old & new:
            return True
    return False


@lru_cache(maxsize=4096)
def _opcodes(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[tuple[str, int, int, int, int], ...]:
    """How ``b`` is ``a`` edited (``difflib`` opcodes); a replacement of the whole for two
    texts too far apart to be a small edit (the guards and the check of one candidate
    ask more than once: cached)."""
    if abs(len(a) - len(b)) > EDIT_TOKENS or len(set(a) ^ set(b)) > 2 * EDIT_TOKENS:
        return (("replace", 0, len(a), 0, len(b)),)
    return tuple(SequenceMatcher(None, a, b, autojunk=False).get_opcodes())


def content_added(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """A small edit (or words put in, however many) gave one text words that carry meaning
    and took none out of it: "How long should I boil an egg?" / "How long should I boil a
    duck egg?", "... so the yolk stays runny?" (a qualifier added). Words moved within
    the text ("What is the tallest mountain?" / "Which mountain is the tallest?") count
    as kept; function words, auxiliaries, common request words, units and light verbs
    ("make", "look", "used") carry none."""
    if edited_words(a, b) is None and not (_within(a, b) or _within(b, a)):
        return False
    first, second = _carrying(a), _carrying(b)
    named = _answer_kind(a) | _answer_kind(b)
    first, second = first - named, second - named
    return bool(first - second) != bool(second - first)


def _within(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """``long`` is ``short`` with words put in (``short`` a subsequence of it)."""
    words = iter(long)
    return len(short) < len(long) and all(t in words for t in short)


def _carrying(tokens: tuple[str, ...]) -> set[str]:
    """The words of ``tokens`` that carry meaning, without a plural's s."""
    return {
        t.removesuffix("'s").removesuffix("s") for t in tokens if _carries(t.removesuffix("'s"))
    }


def _answer_kind(tokens: tuple[str, ...]) -> set[str]:
    """The word after a question word, which names what the answer is ("Which city is
    the capital of Peru?"): a rewording may name it or not."""
    return {t.removesuffix("s") for q, t in pairwise(tokens) if q in QUESTION_WORDS}


def _carries(token: str) -> bool:
    """A word that carries meaning of its own (units are the units guard's)."""
    return token.isalpha() and _content(token) and token not in LIGHT_WORDS and token not in UNITS


def _content(token: str) -> bool:
    return token not in COMMON and token not in FUNCTION_WORDS


def _voice(text: tuple[str, ...], first: int, last: int) -> bool:
    """Between positions ``first`` and ``last`` of ``text``, a passive's "be ... by": the
    agent comes after it ("B was discovered by A")."""
    between = text[first + 1 : last]
    return "by" in between and bool(BE & set(between[: between.index("by")]))


def _question_kind(tokens: tuple[str, ...]) -> str:
    if len(tokens) >= 3 and tokens[0] == "whom":
        return "object"
    if len(tokens) < 3 or tokens[0] not in SUBJECT_WORDS:
        return ""
    if tokens[1] in DO:
        return "object"
    return "" if tokens[1] in AUXILIARIES else "subject"


def _positions(tokens: tuple[str, ...]) -> dict[str, int]:
    """Each word that occurs once in ``tokens`` (alphanumeric), with its position."""
    seen: dict[str, int] = {}
    repeated: set[str] = set()
    for position, token in enumerate(tokens):
        if token in seen:
            repeated.add(token)
        seen[token] = position
    return {t: p for t, p in seen.items() if t not in repeated and t[:1].isalnum()}


def _occurrences(tokens: tuple[str, ...], keep: Callable[[str], bool]) -> list[tuple[int, str]]:
    return [(p, t) for p, t in enumerate(tokens) if t[:1].isalnum() and keep(t)]
