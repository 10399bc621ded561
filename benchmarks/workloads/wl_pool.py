# ruff: noqa: E501, RUF001
"""Self-contained interjections (topic switches, batched questions) used once each.

Every entry is (user, category, answer). ``take(n)`` hands them out in order, so
the build is deterministic and no interjection appears twice in the workloads.
"""

POOL = [
    (
        "1. What is the capital of Peru?\n2. Convert 30 °C to Fahrenheit.\n3. Who painted 'The Night Watch'?",
        "qa",
        "1. **Lima** is the capital of Peru.\n2. 30 °C = 30 × 9/5 + 32 = **86 °F**.\n3. **Rembrandt van Rijn**, in 1642; it hangs in the Rijksmuseum in Amsterdam.",
    ),
    (
        "Random question: how long should I boil an egg for a runny yolk?",
        "qa",
        "About **6 minutes** for a large egg lowered into already boiling water, then straight into cold water for a minute to stop the cooking. That gives a set white and a runny, jammy-edged yolk; 7 minutes gives a soft but mostly set yolk.",
    ),
    (
        "Quick batch:\n1. How many ounces in a pound?\n2. What year did the Berlin Wall fall?\n3. What's the chemical formula for table salt?\n4. What's the square root of 196?",
        "qa",
        "1. **16 ounces** in a pound (avoirdupois).\n2. **1989** — the border opened on 9 November 1989.\n3. **NaCl** (sodium chloride).\n4. **14**, since 14 × 14 = 196.",
    ),
    (
        'Translate into French: "Could you send me the updated invoice by Friday? Thanks in advance."',
        "translation",
        "« Pourriez-vous m'envoyer la facture mise à jour d'ici vendredi ? Merci d'avance. »",
    ),
    (
        "What's the difference between affect and effect?",
        "qa",
        'In everyday use, **affect** is a verb meaning to influence ("the delay affected our plans") and **effect** is a noun meaning a result ("the delay had a big effect"). The exceptions: *effect* as a verb means to bring about ("to effect change"), and *affect* as a noun is a psychology term for displayed emotion.',
    ),
    (
        "If I invest $5,000 at 4% interest compounded annually, how much will I have after 10 years?",
        "math",
        "Use A = P(1 + r)^n:\n\n- P = 5,000, r = 0.04, n = 10\n- 1.04^10 ≈ 1.480244\n- A ≈ 5,000 × 1.480244 ≈ **$7,401.22**\n\nSo you'd earn about $2,401 in interest, compared with $2,000 under simple interest.",
    ),
    (
        "1. What is the largest planet in the solar system?\n2. How many bones are in the adult human body?\n3. What language is spoken in Brazil?",
        "qa",
        "1. **Jupiter** — more than twice as massive as all the other planets combined.\n2. **206** bones.\n3. **Portuguese**.",
    ),
    (
        'Translate to German: "The meeting has been moved to Thursday at 10 a.m. Please confirm that you can attend."',
        "translation",
        '„Das Meeting wurde auf Donnerstag, 10 Uhr, verschoben. Bitte bestätigen Sie, dass Sie teilnehmen können."',
    ),
    (
        "How many minutes are there in a week?",
        "math",
        "7 days × 24 hours × 60 minutes = **10,080 minutes**.",
    ),
    (
        "Off-topic, but what's a good houseplant for a dark apartment?",
        "qa",
        "A **ZZ plant** (Zamioculcas zamiifolia) or a **snake plant** (Sansevieria) are the most forgiving: both tolerate low light, need water only every 2–4 weeks, and survive neglect. A **pothos** is a good option if you want something trailing, though it grows slowly in real darkness.",
    ),
    (
        "1. Convert 5 miles to kilometres.\n2. What is 7 factorial?\n3. Who wrote 'One Hundred Years of Solitude'?\n4. What's the currency of Switzerland?",
        "qa",
        "1. 5 miles ≈ **8.05 km** (1 mile = 1.609 km).\n2. 7! = 7 × 6 × 5 × 4 × 3 × 2 × 1 = **5,040**.\n3. **Gabriel García Márquez** (1967).\n4. The **Swiss franc** (CHF).",
    ),
    (
        "Write a one-line out-of-office message for next week, I'm back on the 14th.",
        "writing",
        "Thanks for your email — I'm out of the office until the 14th with limited access to email and will reply when I'm back; for anything urgent, please contact my team at team@example.com.",
    ),
    (
        "What does 'per se' mean and how do I use it?",
        "qa",
        '*Per se* is Latin for "by itself" or "in itself". It\'s used to talk about something\'s intrinsic nature, separate from related things: "The software isn\'t slow per se — the network is the bottleneck." It\'s spelled as two words, not "per say".',
    ),
    (
        "A shirt costs $48 after a 20% discount. What was the original price?",
        "math",
        "After a 20% discount you pay 80% of the original price:\n\n0.8 × P = 48 → P = 48 / 0.8 = **$60**.\n\n(Check: 20% of 60 is 12, and 60 − 12 = 48.)",
    ),
    (
        'Translate to Japanese: "Thank you for your hard work today."',
        "translation",
        "「今日はお疲れさまでした。」(Kyō wa otsukaresama deshita.) — the standard way to thank colleagues at the end of a workday.",
    ),
    (
        "1. What's the speed of light in km/s?\n2. What's the freezing point of water in Kelvin?\n3. How many continents are there?",
        "qa",
        "1. About **299,792 km/s** in a vacuum.\n2. **273.15 K**.\n3. **Seven** by the most common convention (Africa, Antarctica, Asia, Australia/Oceania, Europe, North America, South America), though some models merge the Americas or Europe and Asia.",
    ),
    (
        "Is it 'fewer' or 'less' in 'less than 10 items'?",
        "qa",
        'Strictly, **"fewer than 10 items"**, because items are countable — "fewer" for things you count, "less" for quantities you measure ("less water"). That said, "less than" with numbers is very common in speech and on supermarket signs, and usage guides accept it for amounts like money, time and distance ("less than 10 miles").',
    ),
    (
        "What's the probability of rolling at least one six with two dice?",
        "math",
        "Easiest via the complement: the probability of *no* six on one die is 5/6, so on two dice it's (5/6)² = 25/36.\n\nP(at least one six) = 1 − 25/36 = **11/36 ≈ 30.6%**.",
    ),
    (
        "Write a two-sentence thank-you note to a colleague who covered my on-call shift.",
        "writing",
        "Thanks so much for taking my on-call shift on such short notice — I know it ate into your weekend. I owe you one, so just let me know whenever you need a swap.",
    ),
    (
        "1. What does DNS stand for?\n2. What's the default SSH port?\n3. What does 'idempotent' mean?",
        "qa",
        "1. **Domain Name System** — it translates names like example.com into IP addresses.\n2. Port **22**.\n3. An operation is **idempotent** if doing it several times has the same effect as doing it once — e.g. `PUT` setting a value, or `DELETE` of a resource that's already gone.",
    ),
    (
        'Translate into Spanish: "Your order has shipped and should arrive within 3 to 5 business days."',
        "translation",
        '"Su pedido ha sido enviado y debería llegar en un plazo de 3 a 5 días hábiles."',
    ),
    (
        "Solve for x: 3x − 7 = 2x + 5",
        "math",
        "Subtract 2x from both sides: x − 7 = 5.\nAdd 7 to both sides: **x = 12**.\n\nCheck: 3(12) − 7 = 29 and 2(12) + 5 = 29. ✓",
    ),
    (
        "Who was the first person to walk on the moon, and when?",
        "qa",
        "**Neil Armstrong**, on **20 July 1969** (21 July UTC), during the Apollo 11 mission; Buzz Aldrin followed him about 19 minutes later.",
    ),
    (
        "1. How many teaspoons in a tablespoon?\n2. How many grams in a kilogram?\n3. How many cups in a US quart?",
        "qa",
        "1. **3** teaspoons in a tablespoon.\n2. **1,000** grams in a kilogram.\n3. **4** cups in a US quart.",
    ),
    (
        "What's the time difference between New York and Berlin?",
        "qa",
        "Berlin is usually **6 hours ahead** of New York. For a few weeks in March and late October/early November it's 5 hours, because the US and Europe switch to and from daylight saving time on different dates.",
    ),
    (
        'Translate into Italian: "We are happy to confirm your reservation for two people on Saturday evening."',
        "translation",
        '"Siamo lieti di confermare la sua prenotazione per due persone per sabato sera."',
    ),
    (
        "A car uses 6.5 litres per 100 km. How much fuel for a 340 km trip?",
        "math",
        "Fuel = 340 km × 6.5 L / 100 km = 3.4 × 6.5 = **22.1 litres**.",
    ),
    (
        "Give me a synonym for 'important' that isn't 'crucial' or 'vital'.",
        "qa",
        "A few options depending on tone: **significant** (neutral), **essential** (can't do without), **pivotal** (turns the outcome), **paramount** (more important than anything else), or **key** (informal, very common in business writing).",
    ),
    (
        "1. What's the tallest mountain in Africa?\n2. What's the longest river in Europe?\n3. Which country has the most islands?",
        "qa",
        "1. **Mount Kilimanjaro** in Tanzania, about 5,895 m.\n2. The **Volga**, about 3,530 km, flowing through Russia into the Caspian Sea.\n3. **Sweden**, with roughly 267,000 islands by its official count (Norway and Finland are also up there).",
    ),
    (
        "What is the sum of the interior angles of a hexagon?",
        "math",
        "For an n-sided polygon the sum is (n − 2) × 180°. For a hexagon, n = 6: (6 − 2) × 180° = **720°**, so each angle of a regular hexagon is 120°.",
    ),
    (
        'Translate to Portuguese (Brazil): "Can we reschedule our call to next Tuesday afternoon?"',
        "translation",
        '"Podemos remarcar a nossa ligação para a próxima terça-feira à tarde?"',
    ),
    (
        "Explain what inflation is in two sentences.",
        "qa",
        "Inflation is the general rise in prices across an economy over time, which means each unit of money buys a little less than before. Central banks usually aim for low, steady inflation (around 2% a year in many countries) and raise interest rates when it runs too high.",
    ),
    (
        "Write a polite one-paragraph reply declining a meeting invitation because of a conflict, offering two alternative times.",
        "writing",
        "Thank you for the invitation — unfortunately I have a conflicting commitment at that time and can't join. Would either Wednesday at 2:00 p.m. or Thursday at 10:30 a.m. work for you instead? If neither suits, feel free to suggest another slot and I'll do my best to make it work.",
    ),
    (
        "1. What does CPU stand for?\n2. How many bits in a byte?\n3. What's 1 GiB in bytes?",
        "qa",
        "1. **Central Processing Unit**.\n2. **8** bits.\n3. **1,073,741,824** bytes (2³⁰), as opposed to 1 GB = 1,000,000,000 bytes.",
    ),
    (
        "If a recipe for 4 people needs 300 g of flour, how much for 7 people?",
        "math",
        "Per person: 300 g / 4 = 75 g. For 7 people: 75 g × 7 = **525 g** of flour.",
    ),
    (
        "What's the origin of the word 'robot'?",
        "qa",
        "It comes from Karel Čapek's 1920 Czech play *R.U.R. (Rossum's Universal Robots)*. His brother Josef suggested the word, from the Czech *robota*, meaning forced labour or drudgery.",
    ),
    (
        'Translate into Dutch: "The package was left with your neighbour at number 12."',
        "translation",
        '"Het pakket is afgegeven bij uw buren op nummer 12."',
    ),
    (
        "1. What is the main gas in Earth's atmosphere?\n2. What's the hardest natural substance?\n3. What's the pH of pure water?",
        "qa",
        "1. **Nitrogen**, about 78% by volume.\n2. **Diamond**.\n3. **7** at 25 °C (neutral).",
    ),
    (
        "What's 18% tip on a $64.50 bill, and the total?",
        "math",
        "Tip: 0.18 × 64.50 = **$11.61**.\nTotal: 64.50 + 11.61 = **$76.11**.",
    ),
    (
        "Can you suggest a title for a blog post about switching from iPhone to Android after 10 years?",
        "writing",
        'A few options:\n\n1. "Ten Years of iPhone, One Month of Android: What I Actually Miss"\n2. "I Left the Walled Garden — Here\'s What\'s on the Other Side"\n3. "Switching Teams: An iPhone Loyalist\'s Honest Android Diary"',
    ),
    (
        "How do you say 'good luck with the exam' in Spanish, informally?",
        "translation",
        '"¡Mucha suerte con el examen!" — or even more casual among friends: "¡Suerte en el examen!"',
    ),
    (
        "1. When did World War I end?\n2. Who developed the theory of general relativity?\n3. What's the smallest prime number?",
        "qa",
        "1. Fighting ended with the armistice of **11 November 1918**; the Treaty of Versailles followed in 1919.\n2. **Albert Einstein**, published in 1915.\n3. **2** — the only even prime.",
    ),
    (
        "What's the area of a circle with a diameter of 10 cm?",
        "math",
        "Radius r = 10 / 2 = 5 cm.\nArea = πr² = π × 25 ≈ **78.54 cm²**.",
    ),
    (
        "What's the difference between a virus and a bacterium, briefly?",
        "qa",
        "Bacteria are single-celled living organisms that can reproduce on their own, and many can be treated with antibiotics. Viruses are much smaller, aren't cells, and can only replicate inside a host's cells, so antibiotics don't work on them — antivirals and vaccines do.",
    ),
    (
        'Translate into Polish: "Thank you for your order. We will contact you soon."',
        "translation",
        '"Dziękujemy za zamówienie. Wkrótce się z Państwem skontaktujemy."',
    ),
    (
        "1. How many seconds in a day?\n2. How many days in a leap year?\n3. How many weeks in a year, exactly?",
        "qa",
        "1. **86,400** seconds (24 × 60 × 60).\n2. **366** days.\n3. **52 weeks and 1 day** (52 weeks and 2 days in a leap year), i.e. about 52.14 weeks.",
    ),
    (
        "I walk 4.2 km in 48 minutes. What's my average speed in km/h?",
        "math",
        "48 minutes = 0.8 hours.\nSpeed = 4.2 km / 0.8 h = **5.25 km/h**.",
    ),
    (
        "Write a short, friendly LinkedIn comment congratulating a former colleague on her promotion to engineering director.",
        "writing",
        "Congratulations, Priya — so well deserved! Anyone who's worked with you knows how much you care about your team and about doing things properly. They're lucky to have you in this role. 🎉",
    ),
    (
        "What's the plural of 'cactus'?",
        "qa",
        'Both **cacti** and **cactuses** are correct. "Cacti" is more common, especially in writing; "cactuses" is accepted by major dictionaries and sounds more natural to some people in casual speech.',
    ),
    (
        "1. What's the capital of Kenya?\n2. What's 2 to the power of 10?\n3. Which planet is known as the Red Planet?",
        "qa",
        "1. **Nairobi**.\n2. 2¹⁰ = **1,024**.\n3. **Mars** — its iron-oxide dust gives it the red colour.",
    ),
    (
        'Translate into Korean: "Where is the nearest subway station?"',
        "translation",
        '"가장 가까운 지하철역이 어디예요?" (Gajang gakkaun jihacheol-yeogi eodiyeyo?)',
    ),
    (
        "A rectangle's perimeter is 50 m and its length is 15 m. What's its area?",
        "math",
        "Perimeter = 2(L + W) → 50 = 2(15 + W) → 25 = 15 + W → W = 10 m.\nArea = 15 × 10 = **150 m²**.",
    ),
    (
        "What does 'RSVP' stand for?",
        "qa",
        'It\'s French: **"Répondez s\'il vous plaît"**, meaning "please reply". On an invitation it asks you to tell the host whether you\'re coming — whether the answer is yes or no.',
    ),
    (
        "1. Who invented the telephone?\n2. What's the most spoken native language in the world?\n3. How many strings does a standard guitar have?",
        "qa",
        "1. **Alexander Graham Bell** received the first US patent in 1876 (Antonio Meucci and Elisha Gray also worked on early designs).\n2. **Mandarin Chinese**, with roughly 900+ million native speakers.\n3. **Six**.",
    ),
    (
        "Convert 72 °F to Celsius.",
        "math",
        "C = (F − 32) × 5/9 = (72 − 32) × 5/9 = 40 × 5/9 ≈ **22.2 °C**.",
    ),
    (
        'Translate into Swedish: "Welcome! Please take off your shoes at the door."',
        "translation",
        '"Välkommen! Var snäll och ta av dig skorna vid dörren."',
    ),
    (
        "What's the difference between 'e.g.' and 'i.e.'?",
        "qa",
        '**e.g.** (*exempli gratia*) means "for example" and introduces one or more examples from a larger set: "citrus fruits, e.g. lemons and limes". **i.e.** (*id est*) means "that is" and introduces a clarification or the complete meaning: "the capital, i.e. Canberra".',
    ),
    (
        "Write a 2-sentence product description for a stainless steel insulated water bottle (750 ml).",
        "writing",
        "Keep drinks ice-cold for 24 hours or hot for 12 with this 750 ml double-walled stainless steel bottle, built to survive commutes, hikes and gym bags without sweating or leaking. Its powder-coated finish resists scratches, and the wide mouth fits ice cubes and cleans easily.",
    ),
    (
        "1. Which blood type is the universal donor?\n2. How many chambers does the human heart have?\n3. What vitamin do we get from sunlight?",
        "qa",
        "1. **O negative** for red blood cells (AB is the universal plasma donor).\n2. **Four**: two atria and two ventricles.\n3. **Vitamin D**, produced in the skin when exposed to UVB light.",
    ),
    (
        "What is 3/8 as a percentage?",
        "math",
        "3 ÷ 8 = 0.375, so 3/8 = **37.5%**.",
    ),
]


class Pool:
    def __init__(self):
        self._i = 0

    def take(self):
        item = POOL[self._i]
        self._i += 1
        return item


POOL_ITER = Pool()


def interject():
    """Next unused interjection as (user, category, answer)."""
    return POOL_ITER.take()
