"""Near-miss guards: what two requests must agree on before one may reuse the other's answer.

No embedding separates "Convert 30 C to F" from "Convert 30 F to C" (cosine 0.99),
so a semantic match is checked by pure functions of the two texts: the numbers,
the units (in order), the negations, the named entities and quoted strings, the
direction of an operation (opposed words such as encrypt/decrypt, and the order of
the key terms around "to", "into", "from") must agree. :func:`mismatch` names the
first guard that fails, or returns None. Each text is read once into a
:class:`Signature` (cached), so a lookup compares small frozen values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

_TOKEN = re.compile(
    r"°\s?[CFKcfk]\b|`[^`]+`|\"[^\"]+\"|“[^”]+”|'[^']{3,}'|->|→|[$€£%°]|[\w][\w.+#/'-]*"
)
_GLUED = re.compile(r"^(\d+(?:[.,]\d+)*)([a-z°$€£%/]+)$")  # 30c, 5km, 10kg, 3.5l
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:\n]\s*)([A-Z][\w'-]*)")
NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "zero _ two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "thousand": "1000"}
_UNIT_GROUPS = {
    "celsius": "c °c celsius centigrade",
    "fahrenheit": "f °f fahrenheit",
    "kelvin": "k kelvin kelvins",
    "kilometre": "km kms kilometer kilometers kilometre kilometres",
    "mile": "mi mile miles",
    "metre": "m meter meters metre metres",
    "centimetre": "cm centimeter centimeters centimetre centimetres",
    "millimetre": "mm millimeter millimeters millimetre millimetres",
    "foot": "ft foot feet",
    "inch": "inch inches",
    "yard": "yd yard yards",
    "kilogram": "kg kgs kilo kilos kilogram kilograms",
    "gram": "g gram grams",
    "pound": "lb lbs pound pounds",
    "ounce": "oz ounce ounces",
    "litre": "l liter liters litre litres",
    "millilitre": "ml milliliter milliliters millilitre millilitres",
    "gallon": "gal gallon gallons",
    "cup": "cup cups",
    "mph": "mph",
    "kph": "kph km/h kmh",
    "dollar": "$ usd dollar dollars",
    "euro": "€ eur euro euros",
    "sterling": "£ gbp sterling",
    "yen": "¥ jpy yen",
    "hour": "h hr hrs hour hours",
    "minute": "min mins minute minutes",
    "second": "s sec secs second seconds",
    "day": "day days",
    "week": "week weeks",
    "month": "month months",
    "year": "yr yrs year years",
    "byte": "b byte bytes",
    "kilobyte": "kb kilobyte kilobytes",
    "megabyte": "mb megabyte megabytes",
    "gigabyte": "gb gigabyte gigabytes",
    "terabyte": "tb terabyte terabytes",
    "percent": "% percent percentage",
    "radian": "rad radian radians",
    "degree": "deg degree degrees",
}
UNITS = {alias: unit for unit, aliases in _UNIT_GROUPS.items() for alias in aliases.split()}
# one-letter and ambiguous aliases count only beside a number or a direction word
_AMBIGUOUS_UNITS = frozenset(a for a in UNITS if len(a) <= 2) | {"degree", "degrees"}
_TEMPERATURES = frozenset({"celsius", "fahrenheit", "kelvin"})
_DIRECTION_WORDS = frozenset({"to", "into", "from", "in", "->", "→", "than", "vs", "versus"})
# opposed words: two texts must use the same side of each pair (or neither)
OPPOSITES: tuple[tuple[frozenset[str], frozenset[str]], ...] = tuple(
    (frozenset(a.split()), frozenset(b.split()))
    for a, b in (
        ("increase increases increasing raise", "decrease decreases decreasing lower reduce"),
        ("ascending asc", "descending desc"),
        ("encrypt encrypts encryption encrypting", "decrypt decrypts decryption decrypting"),
        ("encode encodes encoding", "decode decodes decoding"),
        ("compress compression compressing", "decompress decompression decompressing"),
        ("import imports importing", "export exports exporting"),
        ("add adding", "remove removing delete deleting"),
        ("plus sum added", "minus subtract subtracted difference"),
        ("times multiplied multiply product", "divided divide quotient"),
        ("upload uploading", "download downloading"),
        ("buy buying purchase", "sell selling"),
        ("before", "after"),
        ("min minimum smallest lowest least fewest", "max maximum largest biggest highest most"),
        ("more greater", "less fewer"),
        ("faster quicker", "slower"),
        ("better", "worse"),
        ("above", "below"),
        ("enable enabling", "disable disabling"),
        ("start starting", "stop stopping"),
        ("open opening", "close closing"),
        ("true", "false"),
        ("first", "last"),
        ("north northern", "south southern"),
        ("east eastern", "west western"),
        ("left", "right"),
        ("positive", "negative"),
        ("advantages pros benefits", "disadvantages cons drawbacks"),
        ("serialize serialise serialization", "deserialize deserialise deserialization"),
        ("install installing", "uninstall uninstalling"),
        ("lock", "unlock"),
        ("zip", "unzip"),
        ("lend", "borrow"),
        ("win", "lose"),
        ("hot warm", "cold cool"),
        ("longer longest", "shorter shortest"),
        ("synonym synonyms", "antonym antonyms opposite"),
        ("horizontal horizontally", "vertical vertically"),
        ("inner", "outer"),
        ("push", "pull"),
        ("uppercase upper", "lowercase lower"),
        # common antonyms, general (not drawn from the near-miss set)
        ("best", "worst"),
        ("good", "bad"),
        ("easy easier easiest", "hard harder hardest difficult"),
        ("cheap cheaper cheapest", "expensive pricier"),
        ("safe safer safest", "dangerous risky"),
        ("strong stronger", "weak weaker"),
        ("early earlier", "late later"),
        ("young younger", "old older"),
        ("rich", "poor"),
        ("heavy heavier", "light lighter"),
        ("big bigger", "small smaller little"),
        ("high", "low"),
        ("accept", "reject"),
        ("include including", "exclude excluding"),
        ("allow allowed permit", "forbid forbidden ban banned prohibit"),
        ("attract", "repel"),
        ("gain gaining", "lose losing"),
        ("wet", "dry"),
        ("loose loosen", "tight tighten"),
        ("expand", "shrink"),
        ("connect connecting", "disconnect disconnecting"),
        ("subscribe", "unsubscribe"),
        ("follow", "unfollow"),
        ("mount", "unmount"),
        ("merge", "split"),
        ("inbound incoming", "outbound outgoing"),
        ("input", "output"),
        ("client", "server"),
        ("sender", "receiver recipient"),
        ("parent", "child"),
        ("buyer", "seller"),
        ("employer", "employee"),
        ("landlord", "tenant"),
        ("import", "export"),
        ("pros", "cons"),
        ("love", "hate"),
        ("like", "dislike"),
        ("agree", "disagree"),
        ("success successful", "failure failed"),
    )
)
# phrasal particles: "zoom in" is not "zoom out", "turn on" not "turn off"
PARTICLES = {"in": "out", "out": "in", "on": "off", "off": "on", "up": "down", "down": "up"}
NEGATIONS = frozenset(
    "not no never none nothing nobody nowhere neither nor cannot without except "
    "excluding unless n't".split()
)
LANGUAGES = frozenset(
    "english french spanish german italian portuguese dutch polish swedish norwegian danish "
    "finnish russian ukrainian greek turkish arabic hebrew hindi chinese mandarin cantonese "
    "japanese korean vietnamese thai indonesian latin python javascript typescript java rust "
    "golang kotlin swift ruby php perl haskell scala c++ c# sql bash json yaml xml csv toml "
    "markdown html css".split()
)
# capitalised words that are not names where they start a sentence
_COMMON = frozenset(
    "a an the i i'm i've i'd what what's whats how how's why when where who whom whose which "
    "is are was were be can could would should will shall may might must do does did has have "
    "had please tell give write explain convert translate list name show make create describe "
    "define compare calculate compute find summarise summarize suggest recommend help quick "
    "hi hello hey ok okay thanks thank yes no so and but or if in on at of for to from with "
    "about this that these those it its my our your their we you they he she there here "
    "briefly in one two three short simple again also now just rewrite draft generate "
    "classify extract solve check fix compose pick outline provide use get set build implement "
    "rank sort plan prepare draw count turn put let keep try send add remove read run any some "
    "all every each many much most more best good great is isn't are aren't does doesn't "
    "not never don't can't won't then next after before during since yesterday today".split()
)


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


def _entities(text: str) -> set[str]:
    """Capitalised words (not common words starting a sentence), acronyms, code-like
    tokens and languages, lowercased."""
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
            or (capital and not (match.start() in starts and lower in _COMMON))
        ):
            found.add(lower)
    return {e for e in found if (e not in _COMMON and e not in UNITS) or e in LANGUAGES}


@lru_cache(maxsize=65_536)
def signature(text: str) -> Signature:
    """The guarded facts of ``text`` (cached by text)."""
    tokens = _tokens(text)
    numbers: list[str] = []
    units: list[str] = []
    for i, token in enumerate(tokens):
        number = _number(token)
        if number is not None:
            numbers.append(number)
            continue
        unit = UNITS.get(token)
        if unit is not None and token in _AMBIGUOUS_UNITS:
            near = {tokens[i - 1] if i else "", tokens[i + 1] if i + 1 < len(tokens) else ""}
            beside = near & _DIRECTION_WORDS or any(_number(t) is not None for t in near)
            unit = unit if beside else None
        if unit == "degree" and i + 1 < len(tokens) and UNITS.get(tokens[i + 1]) in _TEMPERATURES:
            unit = None  # "30 degrees Celsius": the scale is the unit
        if unit is not None:
            units.append(unit)
    entities = _entities(text)
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
        content=tuple(t for t in tokens if t not in _FUNCTION_WORDS and t.isalpha()),
        directed_words=bool(words & {"to", "into", "from", "->", "→"}),
        sides=sides,
        order=tuple(order),
        directed=len(order) > 1 and bool(words & _DIRECTION_WORDS),
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
    ``direction`` (opposed words, or key terms in another order around to/into/from)."""
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


_FUNCTION_WORDS = frozenset(
    "a an the my your our their his her its to into from of in on at by for with as and or "
    "how what which do does i me we you can could should would is are was were be it".split()
)
_NEGATING_PREFIXES = ("un", "non", "non-", "in", "im", "il", "ir", "dis")


def _negated_word(a: frozenset[str], b: frozenset[str]) -> bool:
    """A word of one text is a word of the other with a negating prefix (safe/unsafe)."""
    for first, second in ((a, b), (b, a)):
        for word in first - second:
            for prefix in _NEGATING_PREFIXES:
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
