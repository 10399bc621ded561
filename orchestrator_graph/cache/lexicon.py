"""The word lists the near-miss guards read: numbers, units, opposed words, negations,
names, function words, and the small words that change an answer (times, degrees,
ordinals)."""

from __future__ import annotations

NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "zero _ two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "thousand": "1000"}
# decades: "music from the thirties" is not "from the twenties"
NUMBER_WORDS |= {
    f"{word}ies": str(tens)
    for word, tens in (
        ("twent", 20),
        ("thirt", 30),
        ("fort", 40),
        ("fift", 50),
        ("sixt", 60),
        ("sevent", 70),
        ("eight", 80),
        ("ninet", 90),
    )
}
UNIT_GROUPS = {
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
    "pint": "pt pint pints",
    "quart": "qt quart quarts",
    "tablespoon": "tbsp tablespoon tablespoons",
    "teaspoon": "tsp teaspoon teaspoons",
    "acre": "acre acres",
    "hectare": "ha hectare hectares",
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
# a unit per another, written out: "kilometres per hour" is "km/h"
PER = {("kilometre", "hour"): "kph", ("mile", "hour"): "mph", ("metre", "second"): "m/s"}
UNITS = {alias: unit for unit, aliases in UNIT_GROUPS.items() for alias in aliases.split()}
# one-letter and ambiguous aliases count only beside a number or a direction word
AMBIGUOUS_UNITS = frozenset(a for a in UNITS if len(a) <= 2) | {"degree", "degrees", "second"}
TEMPERATURES = frozenset({"celsius", "fahrenheit", "kelvin"})
DIRECTION_WORDS = frozenset({"to", "into", "from", "in", "->", "→", "than", "vs", "versus"})
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
        # more general antonyms and counterparts (issue 20), written from word lists
        ("favor favour support supports supporting", "against oppose opposes opposing"),
        ("rise rises rising", "fall falls falling drop drops dropping"),
        ("male men man", "female women woman"),
        ("boy boys", "girl girls"),
        ("husband husbands", "wife wives"),
        ("father fathers dad", "mother mothers mom mum"),
        ("son sons", "daughter daughters"),
        ("brother brothers", "sister sisters"),
        ("king kings", "queen queens"),
        ("adult adults", "child children kid kids"),
        ("private", "public"),
        ("internal", "external"),
        ("inside indoor indoors", "outside outdoor outdoors"),
        ("top", "bottom"),
        ("begin beginning", "end ending"),
        ("arrive arrival arrivals", "depart departure departures"),
        ("melt melting", "freeze freezing"),
        ("odd", "even"),
        ("singular", "plural"),
        ("past", "future"),
        ("acute", "chronic"),
        ("benign", "malignant"),
        ("raw", "cooked"),
        ("online", "offline"),
        ("urban", "rural"),
        ("domestic", "foreign international"),
        ("physical physically", "mental mentally"),
        ("maximum", "minimum"),
        ("offense offence offensive", "defense defence defensive"),
        ("predator predators", "prey"),
        ("teacher teachers", "student students pupil pupils"),
        ("doctor doctors", "patient patients"),
        ("host", "guest"),
        ("winner winners", "loser losers"),
    )
)
OPPOSED_WORDS = frozenset(w for pair in OPPOSITES for side in pair for w in side)
# phrasal particles: "zoom in" is not "zoom out", "turn on" not "turn off"
PARTICLES = {
    "in": "out",
    "out": "in",
    "on": "off",
    "off": "on",
    "up": "down",
    "down": "up",
    "for": "against",  # arguments for / against
    "against": "for",
    "with": "without",
    "without": "with",
}
NEGATIONS = frozenset(
    "not no never none nothing nobody nowhere neither nor cannot without except "
    "excluding unless n't hardly barely scarcely seldom unlike".split()
)
LANGUAGES = frozenset(
    "english french spanish german italian portuguese dutch polish swedish norwegian danish "
    "finnish russian ukrainian greek turkish arabic hebrew hindi chinese mandarin cantonese "
    "japanese korean vietnamese thai indonesian latin python javascript typescript java rust "
    "golang kotlin swift ruby php perl haskell scala c++ c# sql bash json yaml xml csv toml "
    "markdown html css".split()
)
# capitalised words that are not names where they start a sentence
COMMON = frozenset(
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

FUNCTION_WORDS = frozenset(
    "a an the my your our their his her its to into from of in on at by for with as and or "
    "how what which do does i me we you can could should would is are was were be it".split()
)
NEGATING_PREFIXES = ("un", "non", "non-", "in", "im", "il", "ir", "dis")
# prefixes that turn a word into its opposite: overactive/underactive, hypertension/hypo-
OPPOSED_PREFIXES = (
    ("over", "under"),
    ("under", "over"),
    ("hyper", "hypo"),
    ("hypo", "hyper"),
    ("pre", "post"),
    ("post", "pre"),
    ("inter", "intra"),
    ("intra", "inter"),
)
# names that one text may call by another word: "on Earth" / "in the world"
NAME_SYNONYMS = {"earth": "world"}
# words whose object qualifies a request: "a book for beginners", "rice in a microwave"
PREPOSITIONS = frozenset(
    "for in on at with without to from about by during under over near inside outside "
    "into onto through across against among like via per".split()
)
# words that join two terms without giving them roles: "A and B" asks what "B and A" asks
SYMMETRIC = frozenset("and or nor but & vs versus between both with plus also".split())
# the time an answer is about: two requests must name the same times (as sets)
TIMES = {
    alias: time
    for time, aliases in {
        "monday": "monday mondays",
        "tuesday": "tuesday tuesdays",
        "wednesday": "wednesday wednesdays",
        "thursday": "thursday thursdays",
        "friday": "friday fridays",
        "saturday": "saturday saturdays",
        "sunday": "sunday sundays",
        "weekday": "weekday weekdays workday workdays weeknight weeknights",
        "weekend": "weekend weekends",
        "morning": "morning mornings am a.m",
        "afternoon": "afternoon afternoons",
        "evening": "evening evenings pm p.m",
        "night": "night nights nighttime overnight",
        "daytime": "daytime",
        "noon": "noon midday",
        "midnight": "midnight",
        "breakfast": "breakfast",
        "lunch": "lunch lunchtime",
        "dinner": "dinner dinnertime supper",
        "bedtime": "bedtime",
        "sunrise": "sunrise dawn",
        "sunset": "sunset dusk",
        "spring": "spring springtime",
        "summer": "summer summertime",
        "autumn": "autumn",
        "winter": "winter wintertime",
        "yesterday": "yesterday",
        "today": "today",
        "tonight": "tonight",
        "tomorrow": "tomorrow",
        "hourly": "hourly",
        "daily": "daily everyday",
        "weekly": "weekly",
        "monthly": "monthly",
        "yearly": "yearly annually annual",
    }.items()
    for alias in aliases.split()
}
# position in a sequence: "the first president" is not "the second" nor "the current"
ORDINALS = frozenset(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "twentieth hundredth last next previous prior final initial original penultimate "
    "current former latter".split()
)
# words that narrow or widen what is asked about, by class: "only", "every", "average"
QUALIFIERS = {
    alias: qualifier
    for qualifier, aliases in {
        "only": "only sole solely",
        "both": "both",
        "either": "either",
        "whole": "whole entire",
        "average": "average",
        "median": "median",
        "total": "total overall",
        "per": "per",
        "exactly": "exactly",
        "still": "still",
    }.items()
    for alias in aliases.split()
}
_IRREGULAR_DEGREES = {
    "better": ("good", "er"),
    "best": ("good", "est"),
    "worse": ("bad", "er"),
    "worst": ("bad", "est"),
    "farther": ("far", "er"),
    "further": ("far", "er"),
    "farthest": ("far", "est"),
    "furthest": ("far", "est"),
    "less": ("little", "er"),
    "least": ("little", "est"),
    "more": ("many", "er"),
    "most": ("many", "est"),
    "fewer": ("few", "er"),
    "fewest": ("few", "est"),
}
_GRADABLE = (
    "large big small little tall short long high low fast slow quick cheap old young new "
    "great hot cold warm cool heavy light strong weak easy hard early close near deep "
    "shallow wide narrow thick thin rich poor safe healthy happy sad busy smart bright dark "
    "loud quiet soft rough smooth sharp simple clean dirty dry wet fresh fine rare tiny huge "
    "nice pretty funny lucky dense sweet spicy tasty friendly wise calm mild sunny windy "
    "rainy humid deadly costly likely fat fit slim lean red hungry dull steep tough "
    "wealthy noisy risky tight loose"
)
GRADABLE = frozenset(_GRADABLE.split())
# adjectives whose degrees ask the same: "the biggest ocean" is "the largest ocean"
SAME_DEGREE = {"big": "large", "huge": "large", "quick": "fast", "tiny": "small"}
_DOUBLED = frozenset("big hot sad wet thin fat fit slim red".split())


def _degree_forms(adjective: str) -> dict[str, tuple[str, str]]:
    if adjective.endswith("e"):
        stem = adjective[:-1]
    elif adjective.endswith("y") and adjective[-2] not in "aeiou":
        stem = adjective[:-1] + "i"
    elif adjective in _DOUBLED:
        stem = adjective + adjective[-1]
    else:
        stem = adjective
    return {stem + "er": (adjective, "er"), stem + "est": (adjective, "est")}


# comparatives and superlatives: "the largest prime" is not "a prime" nor "a larger prime"
DEGREES: dict[str, tuple[str, str]] = {
    form: degree for word in _GRADABLE.split() for form, degree in _degree_forms(word).items()
} | _IRREGULAR_DEGREES
