"""The near-miss set of the answer cache: pairs that must match and pairs that must not.

Deterministic (no randomness): hand-written pairs and templated ones. A pair is
``(cached, request, label, category, group)``: ``label`` "match" for paraphrases,
"no_match" for near misses (swapped units or direction, negation, other numbers,
other named entities, another detail). ``group`` names the template filler or the
hand-written pair; :func:`split` puts whole groups in the calibration half or the
held-out half (a template's fillers never straddle... each filler is its own group,
so one template appears in both halves, with other values).

    python benchmarks/near_miss.py   # prints the counts per category and half
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Pair:
    cached: str
    request: str
    label: str  # "match" | "no_match"
    category: str
    group: str


PARAPHRASES = [
    ("Who wrote the novel Dune?", "Who is the author of Dune?"),
    ("What is the capital of Peru?", "Which city is Peru's capital?"),
    ("How many minutes are there in a day?", "How many minutes does a day have?"),
    ("What does the acronym HTTP stand for?", "What is HTTP short for?"),
    ("What is the chemical symbol of gold?", "What's the chemical symbol for gold?"),
    (
        "Name the largest planet of the solar system.",
        "Which planet is the largest in the solar system?",
    ),
    (
        "Which ocean lies between Africa and Australia?",
        "What ocean is between Africa and Australia?",
    ),
    ("How do I reverse a list in Python?", "How can I reverse a list in Python?"),
    (
        "What is the difference between a process and a thread?",
        "Explain the difference between a process and a thread.",
    ),
    ("How do I check my disk space on Linux?", "How can I check disk space on Linux?"),
    (
        "What is the boiling point of water at sea level?",
        "At sea level, what is the boiling point of water?",
    ),
    ("Give me a synonym for happy.", "What's a synonym for happy?"),
    ("What does HTTP 429 mean?", "What is the meaning of HTTP 429?"),
    ("What port does PostgreSQL use by default?", "Which port does PostgreSQL use by default?"),
    ("Explain what a Python decorator is.", "What is a decorator in Python?"),
    ("How do I undo the last git commit?", "How can I undo my last git commit?"),
    ("What is the speed of light?", "How fast is the speed of light?"),
    ("Who painted the Mona Lisa?", "Who was the painter of the Mona Lisa?"),
    ("What is photosynthesis?", "Can you explain what photosynthesis is?"),
    ("How many bones are in the human body?", "How many bones does the human body have?"),
    ("What is the tallest mountain in the world?", "Which mountain is the tallest in the world?"),
    ("What does DNS stand for?", "What is DNS short for?"),
    ("How do I make a cup of green tea?", "How should I make a cup of green tea?"),
    ("What is a closure in JavaScript?", "Explain closures in JavaScript."),
    ("Why is the sky blue?", "Why does the sky look blue?"),
    ("What is the population of Japan?", "How many people live in Japan?"),
    ("Who discovered penicillin?", "Who was the discoverer of penicillin?"),
    ("What is the square root of 144?", "What's the square root of 144?"),
    ("How do I center a div in CSS?", "How can I center a div with CSS?"),
    ("What is the largest desert in the world?", "Which desert is the largest in the world?"),
    ("Explain what an API is.", "What is an API?"),
    (
        "How long should I boil an egg for a soft yolk?",
        "How long do I boil an egg to get a soft yolk?",
    ),
    ("What causes the seasons on Earth?", "Why does Earth have seasons?"),
    ("What is the currency of Switzerland?", "Which currency is used in Switzerland?"),
    ("How do I remove a file with git?", "How can I remove a file using git?"),
    ("What is machine learning?", "Can you explain machine learning?"),
    ("Who was the first person on the Moon?", "Who was the first person to walk on the Moon?"),
    (
        "What is the freezing point of water in Fahrenheit?",
        "At what temperature in Fahrenheit does water freeze?",
    ),
    ("What is a prime number?", "Explain what a prime number is."),
    ("How do I list all Docker containers?", "How can I list all Docker containers?"),
    ("What is the main ingredient of guacamole?", "What's the main ingredient in guacamole?"),
    ("Recommend a good book about habits.", "Can you recommend a good book on habits?"),
    ("What does CPU stand for?", "What is CPU short for?"),
    ("Write a haiku about tea.", "Compose a haiku about tea."),
    ("Summarize the plot of Hamlet.", "Give me a summary of the plot of Hamlet."),
    ("What are the symptoms of dehydration?", "What symptoms does dehydration cause?"),
    (
        "How do I create a virtual environment in Python?",
        "How can I make a Python virtual environment?",
    ),
    ("What is the distance from the Earth to the Moon?", "How far is the Moon from the Earth?"),
    ("What is the difference between TCP and UDP?", "Explain the difference between TCP and UDP."),
    ("Who invented the telephone?", "Who was the inventor of the telephone?"),
    ("What is the longest river in Africa?", "Which river is the longest in Africa?"),
    ("How many continents are there?", "How many continents does the world have?"),
    ("What is inflation in economics?", "Explain inflation in economics."),
    ("What language is spoken in Brazil?", "Which language do people speak in Brazil?"),
    (
        "How do I convert a string to an integer in Python?",
        "How can I convert a string into an integer in Python?",
    ),
    ("What is the atomic number of carbon?", "What's carbon's atomic number?"),
    ("Give me three tips for better sleep.", "What are three tips for sleeping better?"),
    ("Explain the rules of chess castling.", "How does castling work in chess?"),
    ("What year did World War II end?", "In what year did World War II end?"),
    ("What is a black hole?", "Can you explain what a black hole is?"),
]

NEAR_MISSES = [  # (cached, request, category)
    ("Convert 30 C to F", "Convert 30 F to C", "units_direction"),
    ("How do I encrypt a file with gpg?", "How do I decrypt a file with gpg?", "units_direction"),
    (
        "Translate 'good morning' from English to French.",
        "Translate 'good morning' from French to English.",
        "units_direction",
    ),
    (
        "Sort a list of numbers in ascending order in Python.",
        "Sort a list of numbers in descending order in Python.",
        "units_direction",
    ),
    (
        "How do I export a table from PostgreSQL to CSV?",
        "How do I import a table from CSV to PostgreSQL?",
        "units_direction",
    ),
    (
        "How do I upload a file to S3 with the aws cli?",
        "How do I download a file from S3 with the aws cli?",
        "units_direction",
    ),
    (
        "How do I encode a string in base64 in Python?",
        "How do I decode a string in base64 in Python?",
        "units_direction",
    ),
    (
        "How do I increase the font size in VS Code?",
        "How do I decrease the font size in VS Code?",
        "units_direction",
    ),
    (
        "How do I convert USD to EUR in Excel?",
        "How do I convert EUR to USD in Excel?",
        "units_direction",
    ),
    (
        "What are the advantages of remote work?",
        "What are the disadvantages of remote work?",
        "units_direction",
    ),
    (
        "How do I enable dark mode on Windows?",
        "How do I disable dark mode on Windows?",
        "units_direction",
    ),
    (
        "How do I convert a string to uppercase in JavaScript?",
        "How do I convert a string to lowercase in JavaScript?",
        "units_direction",
    ),
    (
        "How do I serialize an object to JSON in Java?",
        "How do I deserialize an object from JSON in Java?",
        "units_direction",
    ),
    (
        "How do I install a package with pip?",
        "How do I uninstall a package with pip?",
        "units_direction",
    ),
    (
        "What is the minimum wage in Germany?",
        "What is the maximum wage in Germany?",
        "units_direction",
    ),
    (
        "Is it safe to drink tap water in Mexico?",
        "Is it not safe to drink tap water in Mexico?",
        "negation",
    ),
    ("Which foods are good for the heart?", "Which foods are not good for the heart?", "negation"),
    (
        "Why should I use type hints in Python?",
        "Why should I not use type hints in Python?",
        "negation",
    ),
    (
        "List fruits that are high in vitamin C.",
        "List fruits that are not high in vitamin C.",
        "negation",
    ),
    (
        "Write a function that returns the even numbers of a list.",
        "Write a function that returns the numbers of a list that are not even.",
        "negation",
    ),
    ("What can I eat on a keto diet?", "What can I not eat on a keto diet?", "negation"),
    ("Which countries use the euro?", "Which countries in the EU do not use the euro?", "negation"),
    ("Give me a recipe with eggs.", "Give me a recipe without eggs.", "negation"),
    ("Should I stretch before running?", "Should I never stretch before running?", "negation"),
    ("Which animals can swim?", "Which animals cannot swim?", "negation"),
    ("Why do cats purr?", "Why don't cats purr?", "negation"),
    ("Is a tomato a fruit?", "Is a tomato not a fruit?", "negation"),
    ("What does HTTP 429 mean?", "What does HTTP 404 mean?", "numbers"),
    ("What is 17 times 23?", "What is 17 times 32?", "numbers"),
    ("How many days are in 3 weeks?", "How many days are in 5 weeks?", "numbers"),
    (
        "What was the population of London in 1900?",
        "What was the population of London in 1950?",
        "numbers",
    ),
    ("Is 91 a prime number?", "Is 97 a prime number?", "numbers"),
    ("What is 15% of 80?", "What is 25% of 80?", "numbers"),
    ("Explain Python 2 string handling.", "Explain Python 3 string handling.", "numbers"),
    ("What happened in 1969?", "What happened in 1989?", "numbers"),
    ("What is the square root of 144?", "What is the square root of 169?", "numbers"),
    ("Give me 3 ideas for a birthday party.", "Give me 10 ideas for a birthday party.", "numbers"),
    ("What is the capital of Australia?", "What is the capital of Austria?", "entities"),
    ("Who wrote Dune?", "Who wrote Emma?", "entities"),
    ("What does the acronym NASA stand for?", "What does the acronym NATO stand for?", "entities"),
    ("What is the population of Canada?", "What is the population of Chile?", "entities"),
    ("How do I install Docker on Ubuntu?", "How do I install Docker on Fedora?", "entities"),
    ("When was Abraham Lincoln born?", "When was Abraham Maslow born?", "entities"),
    (
        "What is the tallest building in Dubai?",
        "What is the tallest building in Shanghai?",
        "entities",
    ),
    ("How do I read a CSV file in Python?", "How do I read a CSV file in Rust?", "entities"),
    ("What is the time zone of Tokyo?", "What is the time zone of Seoul?", "entities"),
    ("Who founded Microsoft?", "Who founded Apple?", "entities"),
    ("Summarize the plot of Hamlet.", "Summarize the plot of Macbeth.", "entities"),
    ("What is the main export of Brazil?", "What is the main export of Kenya?", "entities"),
    ("How long should I boil an egg?", "How long should I fry an egg?", "other_detail"),
    ("What is the boiling point of water?", "What is the boiling point of milk?", "other_detail"),
    (
        "How do I center a div horizontally in CSS?",
        "How do I center a div vertically in CSS?",
        "other_detail",
    ),
    ("Write a haiku about tea.", "Write a limerick about tea.", "other_detail"),
    ("What are the symptoms of a cold?", "What are the symptoms of the flu?", "other_detail"),
    ("How do I make a cup of green tea?", "How do I make a cup of black tea?", "other_detail"),
    ("Give me a synonym for happy.", "Give me an antonym for happy.", "other_detail"),
    (
        "What is the average lifespan of a cat?",
        "What is the average lifespan of a dog?",
        "other_detail",
    ),
    ("How many legs does a spider have?", "How many legs does an ant have?", "other_detail"),
    (
        "What is the difference between a crocodile and an alligator?",
        "What is the difference between a frog and a toad?",
        "other_detail",
    ),
    ("Explain how a car engine works.", "Explain how a jet engine works.", "other_detail"),
    ("How do I cook rice in a pot?", "How do I cook quinoa in a pot?", "other_detail"),
]

CONVERSIONS = [  # (value, from unit, to unit, another value)
    ("30", "C", "F", "40"),
    ("100", "km", "miles", "120"),
    ("5", "kg", "pounds", "8"),
    ("12", "inches", "cm", "14"),
    ("2", "liters", "gallons", "3"),
    ("70", "F", "C", "75"),
    ("50", "miles", "km", "60"),
    ("250", "grams", "ounces", "200"),
    ("6", "feet", "meters", "7"),
    ("90", "minutes", "hours", "45"),
    ("3", "cups", "ml", "4"),
    ("500", "MB", "GB", "800"),
    ("45", "degrees", "radians", "60"),
    ("20", "USD", "EUR", "25"),
    ("10", "mph", "kph", "15"),
    ("1.5", "km", "feet", "2.5"),
    ("300", "K", "C", "310"),
    ("16", "ounces", "grams", "12"),
]
CAPITALS = [
    "Peru",
    "France",
    "Kenya",
    "Canada",
    "Norway",
    "Vietnam",
    "Chile",
    "Egypt",
    "Poland",
    "Mexico",
    "Ghana",
    "Portugal",
    "Nepal",
    "Ireland",
    "Morocco",
    "Finland",
]
BOOKS = [
    "Dune",
    "Emma",
    "Dracula",
    "Ulysses",
    "Beloved",
    "Rebecca",
    "Frankenstein",
    "Middlemarch",
    "Persuasion",
    "Lolita",
    "Siddhartha",
    "Neuromancer",
]
TRANSLATE = [
    ("thank you", "English", "Spanish"),
    ("good night", "English", "German"),
    ("see you soon", "French", "English"),
    ("where is the station", "English", "Italian"),
    ("I am hungry", "English", "Japanese"),
    ("happy birthday", "Spanish", "English"),
    ("how much is it", "English", "Portuguese"),
    ("good luck", "German", "English"),
    ("the bill please", "English", "Dutch"),
    ("welcome", "Italian", "English"),
]
STATUS_CODES = [
    ("200", "201"),
    ("301", "302"),
    ("400", "401"),
    ("403", "404"),
    ("500", "502"),
    ("503", "504"),
    ("204", "206"),
    ("409", "410"),
    ("418", "422"),
    ("307", "308"),
]
PRODUCTS = [
    ("12", "19"),
    ("7", "8"),
    ("23", "32"),
    ("45", "54"),
    ("16", "61"),
    ("9", "11"),
    ("13", "31"),
    ("25", "52"),
    ("14", "41"),
    ("38", "83"),
]
OPPOSED = [
    ("encrypt", "decrypt", "a zip archive"),
    ("compress", "decompress", "a folder with tar"),
    ("lock", "unlock", "a file in Windows"),
    ("start", "stop", "a systemd service"),
    ("enable", "disable", "SSH on a Raspberry Pi"),
    ("add", "remove", "a user to a group in Linux"),
    ("open", "close", "a port in ufw"),
    ("zip", "unzip", "files on macOS"),
    ("push", "pull", "a Docker image"),
    ("install", "uninstall", "Node with nvm"),
]
NEGATED = [
    ("Which vegetables are safe for dogs?", "Which vegetables are not safe for dogs?"),
    ("Which plants need direct sunlight?", "Which plants do not need direct sunlight?"),
    ("What should I pack for a hiking trip?", "What should I not pack for a hiking trip?"),
    ("Which Python types are hashable?", "Which Python types are not hashable?"),
    ("Which metals are magnetic?", "Which metals are not magnetic?"),
    ("What foods contain gluten?", "What foods contain no gluten?"),
    ("Which birds can fly?", "Which birds can't fly?"),
    (
        "Which SQL statements are transactional in MySQL?",
        "Which SQL statements are not transactional in MySQL?",
    ),
    ("Why is my code thread-safe?", "Why is my code not thread-safe?"),
    ("When should I use a linked list?", "When should I never use a linked list?"),
    ("Which medicines are safe during pregnancy?", "Which medicines are unsafe during pregnancy?"),
    ("Which fruits are acidic?", "Which fruits are not acidic?"),
]

CITIES = [
    "Lisbon",
    "Oslo",
    "Nairobi",
    "Toronto",
    "Hanoi",
    "Lima",
    "Krakow",
    "Dublin",
    "Seville",
    "Kyoto",
    "Denver",
    "Cairo",
    "Zurich",
    "Perth",
    "Bogota",
    "Helsinki",
]
TOOLS = [
    ("Docker", "Ubuntu", "Fedora"),
    ("Node", "macOS", "Windows"),
    ("PostgreSQL", "Debian", "Arch"),
    ("Python", "Windows", "Ubuntu"),
    ("Redis", "CentOS", "macOS"),
    ("Nginx", "Ubuntu", "Alpine"),
    ("Java", "macOS", "Debian"),
    ("Git", "Windows", "Fedora"),
    ("Rust", "Ubuntu", "FreeBSD"),
    ("Terraform", "macOS", "Ubuntu"),
    ("Kubernetes", "Ubuntu", "Windows"),
    ("MongoDB", "Debian", "macOS"),
]
TOPICS = [
    "a birthday party",
    "a team offsite",
    "a science fair project",
    "a rainy weekend",
    "a first date",
    "a small garden",
    "a podcast episode",
    "a charity fundraiser",
    "a kids' sleepover",
    "a book club meeting",
    "a blog post about coffee",
    "a cooking class",
]
GROUPS = [
    ("vegetables", "high in iron"),
    ("animals", "nocturnal"),
    ("countries", "landlocked"),
    ("programming languages", "garbage collected"),
    ("metals", "good conductors"),
    ("fish", "safe to eat raw"),
    ("spices", "spicy"),
    ("planets", "visible to the naked eye"),
    ("cheeses", "made from sheep milk"),
    ("flowers", "toxic to cats"),
    ("cereals", "gluten free"),
    ("dinosaurs", "carnivores"),
    ("trees", "evergreen"),
    ("birds", "migratory"),
    ("databases", "open source"),
    ("sports", "played with a ball"),
]
UNIT_PAIRS = [
    ("inches", "foot"),
    ("centimeters", "meter"),
    ("ounces", "pound"),
    ("grams", "kilogram"),
    ("minutes", "hour"),
    ("seconds", "minute"),
    ("days", "year"),
    ("cups", "gallon"),
    ("meters", "kilometer"),
    ("feet", "mile"),
    ("hours", "week"),
    ("megabytes", "gigabyte"),
]
ARITHMETIC = [
    ("plus", "minus"),
    ("times", "divided by"),
    ("minus", "plus"),
    ("divided by", "times"),
]


def more_templated() -> list[Pair]:
    """Further near misses: other cities, systems, counts, groups, arithmetic, details."""
    pairs: list[Pair] = []
    for i, city in enumerate(CITIES):
        other = CITIES[(i + 7) % len(CITIES)]
        g = f"city-{i}"
        pairs += [
            Pair(
                f"What is the population of {city}?",
                f"How many people live in {city}?",
                "match",
                "paraphrase",
                g,
            ),
            Pair(
                f"What is the population of {city}?",
                f"What is the population of {other}?",
                "no_match",
                "entities",
                g,
            ),
            Pair(
                f"What's the weather like in {city} in July?",
                f"What's the weather like in {other} in July?",
                "no_match",
                "entities",
                g,
            ),
            Pair(
                f"What is the population of {city}?",
                f"What is the area of {city}?",
                "no_match",
                "other_detail",
                g,
            ),
        ]
    for i, (tool, os_, other) in enumerate(TOOLS):
        g = f"tool-{i}"
        pairs += [
            Pair(
                f"How do I install {tool} on {os_}?",
                f"How can I install {tool} on {os_}?",
                "match",
                "paraphrase",
                g,
            ),
            Pair(
                f"How do I install {tool} on {os_}?",
                f"How do I install {tool} on {other}?",
                "no_match",
                "entities",
                g,
            ),
            Pair(
                f"How do I install {tool} on {os_}?",
                f"How do I uninstall {tool} on {os_}?",
                "no_match",
                "units_direction",
                g,
            ),
            Pair(
                f"How do I install {tool} on {os_}?",
                f"How do I update {tool} on {os_}?",
                "no_match",
                "other_detail",
                g,
            ),
        ]
    for i, topic in enumerate(TOPICS):
        n, m = 3 + i % 4, 8 + i % 5
        g = f"ideas-{i}"
        pairs += [
            Pair(
                f"Give me {n} ideas for {topic}.",
                f"Suggest {n} ideas for {topic}.",
                "match",
                "paraphrase",
                g,
            ),
            Pair(
                f"Give me {n} ideas for {topic}.",
                f"Give me {m} ideas for {topic}.",
                "no_match",
                "numbers",
                g,
            ),
            Pair(
                f"Write a {n * 50}-word invitation for {topic}.",
                f"Write a {m * 50}-word invitation for {topic}.",
                "no_match",
                "numbers",
                g,
            ),
        ]
    for i, (things, quality) in enumerate(GROUPS):
        g = f"group-{i}"
        pairs += [
            Pair(
                f"Which {things} are {quality}?",
                f"Which {things} are not {quality}?",
                "no_match",
                "negation",
                g,
            ),
            Pair(
                f"List {things} that are {quality}.",
                f"List {things} that are never {quality}.",
                "no_match",
                "negation",
                g,
            ),
            Pair(
                f"Which {things} are {quality}?",
                f"Name the {things} that are {quality}.",
                "match",
                "paraphrase",
                g,
            ),
        ]
    for i, (small, big) in enumerate(UNIT_PAIRS):
        g = f"units-{i}"
        pairs += [
            Pair(
                f"How many {small} are in a {big}?",
                f"How many {small} make a {big}?",
                "match",
                "paraphrase",
                g,
            ),
            Pair(
                f"How many {small} are in a {big}?",
                f"How many {big}s are in a {small.rstrip('s')}?",
                "no_match",
                "units_direction",
                g,
            ),
            Pair(
                f"How many {small} are in 3 {big}s?",
                f"How many {small} are in 4 {big}s?",
                "no_match",
                "numbers",
                g,
            ),
        ]
    for i, (a, b) in enumerate(PRODUCTS):
        op, other = ARITHMETIC[i % len(ARITHMETIC)]
        g = f"arith-{i}"
        pairs += [
            Pair(
                f"What is {a} {op} {b}?",
                f"What is {a} {other} {b}?",
                "no_match",
                "units_direction",
                g,
            ),
            Pair(
                f"What is {a} {op} {b}?",
                f"What is {b} {op} {a}?"
                if op in ("minus", "divided by")
                else f"What is {a} {op} {int(b) + 1}?",
                "no_match",
                "numbers",
                g,
            ),
        ]
    return pairs


def templated() -> list[Pair]:
    """Paraphrases and near misses from templates, one group per filler."""
    pairs: list[Pair] = []
    for i, (n, a, b, m) in enumerate(CONVERSIONS):
        g = f"convert-{i}"
        pairs += [
            Pair(f"Convert {n} {a} to {b}.", f"What is {n} {a} in {b}?", "match", "paraphrase", g),
            Pair(
                f"Convert {n} {a} to {b}.",
                f"Convert {n} {b} to {a}.",
                "no_match",
                "units_direction",
                g,
            ),
            Pair(f"Convert {n} {a} to {b}.", f"Convert {m} {a} to {b}.", "no_match", "numbers", g),
        ]
    for i, country in enumerate(CAPITALS):
        other = CAPITALS[(i + 5) % len(CAPITALS)]
        g = f"capital-{i}"
        pairs += [
            Pair(
                f"What is the capital of {country}?",
                f"Which city is the capital of {country}?",
                "match",
                "paraphrase",
                g,
            ),
            Pair(
                f"What is the capital of {country}?",
                f"What is the capital of {other}?",
                "no_match",
                "entities",
                g,
            ),
        ]
    for i, book in enumerate(BOOKS):
        other = BOOKS[(i + 3) % len(BOOKS)]
        g = f"book-{i}"
        pairs += [
            Pair(
                f"Who wrote the novel {book}?",
                f"Who is the author of the novel {book}?",
                "match",
                "paraphrase",
                g,
            ),
            Pair(
                f"Who wrote the novel {book}?",
                f"Who wrote the novel {other}?",
                "no_match",
                "entities",
                g,
            ),
        ]
    for i, (phrase, a, b) in enumerate(TRANSLATE):
        g = f"translate-{i}"
        pairs += [
            Pair(
                f"Translate '{phrase}' from {a} to {b}.",
                f"Please translate '{phrase}' from {a} into {b}.",
                "match",
                "paraphrase",
                g,
            ),
            Pair(
                f"Translate '{phrase}' from {a} to {b}.",
                f"Translate '{phrase}' from {b} to {a}.",
                "no_match",
                "units_direction",
                g,
            ),
        ]
    for i, (code, other) in enumerate(STATUS_CODES):
        g = f"status-{i}"
        pairs += [
            Pair(
                f"What does HTTP status {code} mean?",
                f"What is the meaning of HTTP status {code}?",
                "match",
                "paraphrase",
                g,
            ),
            Pair(
                f"What does HTTP status {code} mean?",
                f"What does HTTP status {other} mean?",
                "no_match",
                "numbers",
                g,
            ),
        ]
    for i, (a, b) in enumerate(PRODUCTS):
        g = f"product-{i}"
        pairs += [
            Pair(
                f"What is {a} times {b}?",
                f"What's {a} multiplied by {b}?",
                "match",
                "paraphrase",
                g,
            ),
            Pair(f"What is {a} times {b}?", f"What is {b} plus {b}?", "no_match", "numbers", g),
        ]
    for i, (verb, opposite, thing) in enumerate(OPPOSED):
        g = f"opposed-{i}"
        pairs += [
            Pair(
                f"How do I {verb} {thing}?", f"How can I {verb} {thing}?", "match", "paraphrase", g
            ),
            Pair(
                f"How do I {verb} {thing}?",
                f"How do I {opposite} {thing}?",
                "no_match",
                "units_direction",
                g,
            ),
        ]
    for i, (plain, negated) in enumerate(NEGATED):
        pairs.append(Pair(plain, negated, "no_match", "negation", f"negated-{i}"))
    return pairs


def near_miss_pairs() -> list[Pair]:
    """The whole set: hand-written and templated."""
    pairs = [Pair(a, b, "match", "paraphrase", f"para-{i}") for i, (a, b) in enumerate(PARAPHRASES)]
    pairs += [Pair(a, b, "no_match", c, f"miss-{i}") for i, (a, b, c) in enumerate(NEAR_MISSES)]
    return pairs + templated() + more_templated()


# Written after the guards were frozen the first time; 6 of its 40 near misses got
# through them (15%), and the guards were then widened (opposed words, phrasal
# particles, reordered words around to/into/from): no longer an independent test.
FRESH_1 = [
    ("How do I make cold brew coffee?", "What's the way to make cold brew coffee?", "paraphrase"),
    (
        "What is the half-life of carbon-14?",
        "How long is the half-life of carbon-14?",
        "paraphrase",
    ),
    ("Who composed the Four Seasons?", "Who was the composer of the Four Seasons?", "paraphrase"),
    ("How do I rename a branch in git?", "How can I rename a git branch?", "paraphrase"),
    ("What is the capital of Mongolia?", "Which city is Mongolia's capital?", "paraphrase"),
    ("Explain what a hash table is.", "What is a hash table?", "paraphrase"),
    (
        "How many teaspoons are in a tablespoon?",
        "How many teaspoons make up a tablespoon?",
        "paraphrase",
    ),
    ("What does GDP measure?", "What is measured by GDP?", "paraphrase"),
    (
        "How do I kill a process on port 8080?",
        "How can I kill the process using port 8080?",
        "paraphrase",
    ),
    ("What is the fastest land animal?", "Which land animal is the fastest?", "paraphrase"),
    ("Give me a recipe for pancakes.", "Can you give me a pancake recipe?", "paraphrase"),
    (
        "What is the difference between weather and climate?",
        "Explain the difference between weather and climate.",
        "paraphrase",
    ),
    ("How do vaccines work?", "Can you explain how vaccines work?", "paraphrase"),
    (
        "What is the largest organ of the human body?",
        "Which organ of the human body is the largest?",
        "paraphrase",
    ),
    (
        "How do I merge two dictionaries in Python?",
        "How can I merge two Python dictionaries?",
        "paraphrase",
    ),
    ("Who was Ada Lovelace?", "Tell me who Ada Lovelace was.", "paraphrase"),
    ("What is the melting point of iron?", "At what temperature does iron melt?", "paraphrase"),
    ("How do I clear the npm cache?", "How can I clear npm's cache?", "paraphrase"),
    (
        "Why do leaves change colour in autumn?",
        "Why do leaves turn a different colour in autumn?",
        "paraphrase",
    ),
    ("What is a mortgage?", "Can you explain what a mortgage is?", "paraphrase"),
    (
        "How do I convert Celsius to Kelvin?",
        "How do I convert Kelvin to Celsius?",
        "units_direction",
    ),
    (
        "How do I turn a list into a set in Python?",
        "How do I turn a set into a list in Python?",
        "units_direction",
    ),
    ("What is 2 to the power of 10?", "What is 10 to the power of 2?", "numbers"),
    (
        "How do I move files from my phone to my laptop?",
        "How do I move files from my laptop to my phone?",
        "units_direction",
    ),
    ("How many grams are in an ounce?", "How many ounces are in a gram?", "units_direction"),
    ("How do I convert a PDF to Word?", "How do I convert a Word file to PDF?", "units_direction"),
    (
        "Is it better to rent or buy a house?",
        "Is it better to buy or rent a house?",
        "units_direction",
    ),
    ("How do I increase my credit score?", "What lowers my credit score?", "units_direction"),
    ("Which foods raise blood pressure?", "Which foods lower blood pressure?", "units_direction"),
    ("How do I zoom in on a Mac?", "How do I zoom out on a Mac?", "units_direction"),
    ("Should I take ibuprofen with food?", "Should I take ibuprofen without food?", "negation"),
    ("What happens if I don't water a cactus?", "What happens if I water a cactus?", "negation"),
    ("Which cars are reliable?", "Which cars are unreliable?", "negation"),
    (
        "Is it legal to record a phone call in California?",
        "Is it illegal to record a phone call in California?",
        "negation",
    ),
    ("Why is my Wi-Fi working?", "Why is my Wi-Fi not working?", "negation"),
    (
        "List countries that drive on the left.",
        "List countries that do not drive on the left.",
        "negation",
    ),
    (
        "Which foods are allowed on a low FODMAP diet?",
        "Which foods are not allowed on a low FODMAP diet?",
        "negation",
    ),
    (
        "When is the best time to visit Iceland?",
        "When is the worst time to visit Iceland?",
        "other_detail",
    ),
    (
        "What is the speed limit on German motorways?",
        "What is the speed limit on French motorways?",
        "entities",
    ),
    ("Who is the CEO of Tesla?", "Who is the CEO of Nvidia?", "entities"),
    ("How do I bake sourdough bread?", "How do I bake rye bread?", "other_detail"),
    (
        "What is the exchange rate from yen to dollars?",
        "What is the exchange rate from dollars to yen?",
        "units_direction",
    ),
    ("How many calories are in a banana?", "How many calories are in an apple?", "other_detail"),
    (
        "What is the boiling point of ethanol?",
        "What is the freezing point of ethanol?",
        "other_detail",
    ),
    ("How tall is the Eiffel Tower?", "How tall is the Empire State Building?", "entities"),
    (
        "What are the side effects of aspirin?",
        "What are the side effects of paracetamol?",
        "other_detail",
    ),
    (
        "How many players are on a football team?",
        "How many players are on a basketball team?",
        "other_detail",
    ),
    ("How old is the universe?", "How big is the universe?", "other_detail"),
    ("What is 12% of 250?", "What is 12% of 520?", "numbers"),
    ("Summarize World War I in 100 words.", "Summarize World War II in 100 words.", "numbers"),
    (
        "What was the score of the 2014 World Cup final?",
        "What was the score of the 2018 World Cup final?",
        "numbers",
    ),
    ("How far can a 4 year old child walk?", "How far can a 6 year old child walk?", "numbers"),
    (
        "What is the time difference between London and New York?",
        "What is the time difference between London and Tokyo?",
        "entities",
    ),
    ("Explain Python's GIL.", "Explain Ruby's GIL.", "entities"),
    (
        "How do I set up a cron job on Linux?",
        "How do I set up a scheduled task on Windows?",
        "entities",
    ),
    (
        "What is the best way to learn Spanish?",
        "What is the best way to learn Japanese?",
        "entities",
    ),
    (
        "Write a cover letter for a nursing job.",
        "Write a cover letter for a teaching job.",
        "other_detail",
    ),
    (
        "What is the difference between baking soda and baking powder?",
        "Can I use baking soda instead of baking powder?",
        "other_detail",
    ),
    ("How do I remove a stripped screw?", "How do I tighten a stripped screw?", "other_detail"),
    ("How do I get rid of fruit flies?", "How do I attract fruit flies?", "other_detail"),
]


# Written after the guards and the threshold were frozen the second time, and never
# used to change them: the least optimistic figures.
FRESH_2 = [
    ("How do I boil pasta?", "What's the right way to boil pasta?", "paraphrase"),
    ("Who painted The Starry Night?", "Who is the painter of The Starry Night?", "paraphrase"),
    (
        "What is the capital of Kazakhstan?",
        "Which city is the capital of Kazakhstan?",
        "paraphrase",
    ),
    ("How do I delete a Docker volume?", "How can I delete a Docker volume?", "paraphrase"),
    ("What is a Roth IRA?", "Can you explain what a Roth IRA is?", "paraphrase"),
    ("How many hearts does an octopus have?", "How many hearts do octopuses have?", "paraphrase"),
    ("What is the plural of cactus?", "What's the plural form of cactus?", "paraphrase"),
    ("Explain the Pythagorean theorem.", "What is the Pythagorean theorem?", "paraphrase"),
    (
        "How do I check which Python version I have?",
        "How can I check my Python version?",
        "paraphrase",
    ),
    ("What does a product manager do?", "What is the job of a product manager?", "paraphrase"),
    ("Why do onions make you cry?", "Why does cutting onions make you cry?", "paraphrase"),
    (
        "What is the deepest lake in the world?",
        "Which lake is the deepest in the world?",
        "paraphrase",
    ),
    (
        "How do I find my IP address on Windows?",
        "How can I find my IP address on Windows?",
        "paraphrase",
    ),
    (
        "What is the difference between affect and effect?",
        "Explain the difference between affect and effect.",
        "paraphrase",
    ),
    ("How do I write a for loop in Bash?", "How can I write a for loop in Bash?", "paraphrase"),
    (
        "How do I send money from PayPal to my bank?",
        "How do I send money from my bank to PayPal?",
        "units_direction",
    ),
    ("Convert 5 feet to centimeters.", "Convert 5 centimeters to feet.", "units_direction"),
    (
        "How do I switch from iPhone to Android?",
        "How do I switch from Android to iPhone?",
        "units_direction",
    ),
    (
        "How do I scale up a Kubernetes deployment?",
        "How do I scale down a Kubernetes deployment?",
        "units_direction",
    ),
    ("How do I sign in to Gmail?", "How do I sign out of Gmail?", "units_direction"),
    (
        "How do I turn on Bluetooth on Windows?",
        "How do I turn off Bluetooth on Windows?",
        "units_direction",
    ),
    ("What is the opposite of generous?", "What is a synonym of generous?", "units_direction"),
    (
        "How do I copy a file from a container to the host?",
        "How do I copy a file from the host to a container?",
        "units_direction",
    ),
    (
        "Which is heavier, a kilogram of steel or feathers?",
        "Which is lighter, a kilogram of steel or feathers?",
        "units_direction",
    ),
    ("Why is my phone battery draining fast?", "Why is my phone battery not charging?", "negation"),
    ("What should I do if I can sleep?", "What should I do if I can't sleep?", "negation"),
    ("Which numbers are rational?", "Which numbers are irrational?", "negation"),
    ("Is honey vegan?", "Why is honey not vegan?", "negation"),
    ("Which dogs shed a lot?", "Which dogs don't shed?", "negation"),
    ("How many moons does Jupiter have?", "How many moons does Saturn have?", "entities"),
    ("What is the national dish of Spain?", "What is the national dish of Italy?", "entities"),
    ("Who founded Amazon?", "Who founded Netflix?", "entities"),
    ("What is the GDP of Brazil?", "What is the GDP of Argentina?", "entities"),
    ("How do I center text in Google Docs?", "How do I center text in Microsoft Word?", "entities"),
    ("What is 15 squared?", "What is 16 squared?", "numbers"),
    ("How many ounces are in 2 cups?", "How many ounces are in 3 cups?", "numbers"),
    ("What happened in the year 1066?", "What happened in the year 1666?", "numbers"),
    ("Give me 5 tips for public speaking.", "Give me 7 tips for public speaking.", "numbers"),
    ("How do I cook salmon in the oven?", "How do I cook chicken in the oven?", "other_detail"),
    (
        "What are the symptoms of a heart attack?",
        "What are the symptoms of a stroke?",
        "other_detail",
    ),
    (
        "How long does it take to fly to Paris from London?",
        "How long does it take to drive to Paris from London?",
        "other_detail",
    ),
    (
        "How do I write a resignation letter?",
        "How do I write a recommendation letter?",
        "other_detail",
    ),
    (
        "What is the average salary of a nurse?",
        "What is the average salary of a teacher?",
        "other_detail",
    ),
    ("How do I clean a cast iron pan?", "How do I season a cast iron pan?", "other_detail"),
    ("Is coffee good for your liver?", "Is coffee good for your kidneys?", "other_detail"),
]


def fresh_pairs(part: list[tuple[str, str, str]] = FRESH_2) -> list[Pair]:
    """A part written after the guards and threshold were frozen (``FRESH_2`` by default)."""
    return [
        Pair(a, b, "match" if c == "paraphrase" else "no_match", c, f"fresh-{i}")
        for i, (a, b, c) in enumerate(part)
    ]


def held_out(pair: Pair) -> bool:
    """Whether a pair is in the held-out half (by a hash of its group, so every pair of a
    filler is on the same side)."""
    return hashlib.sha256(pair.group.encode()).digest()[0] % 2 == 1


def split(pairs: list[Pair]) -> tuple[list[Pair], list[Pair]]:
    """(calibration half, held-out half)."""
    return [p for p in pairs if not held_out(p)], [p for p in pairs if held_out(p)]


if __name__ == "__main__":
    every = near_miss_pairs()
    calibration, test = split(every)
    print(f"{len(every)} pairs: {len(calibration)} calibration, {len(test)} held out")
    for name, part in (("calibration", calibration), ("held out", test)):
        print(f"  {name}: {dict(sorted(Counter(p.category for p in part).items()))}")
