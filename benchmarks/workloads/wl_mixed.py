# ruff: noqa: E501, RUF001
"""General assistant traffic: topic switches, batched questions, short threads."""

from wl_helpers import code, session, t
from wl_pool import interject


def ij():
    user, category, answer = interject()
    return t(user, category, [], answer)


M01 = session(
    "mixed-01",
    [
        t(
            "I'm planning a 5-day trip to Lisbon in October. Can you suggest a rough itinerary?",
            "writing",
            [],
            "Here's a relaxed 5-day plan that groups sights by neighbourhood so you're not criss-crossing the city:\n\n**Day 1 – Baixa & Chiado**: Praça do Comércio, Rua Augusta arch (go up for the view), coffee at A Brasileira, Carmo Convent ruins, sunset at Miradouro de São Pedro de Alcântara.\n\n**Day 2 – Alfama & Castelo**: São Jorge Castle in the morning before the crowds, wander down through Alfama, Lisbon Cathedral, Miradouro de Santa Luzia; fado dinner in Alfama in the evening (book ahead).\n\n**Day 3 – Belém**: Jerónimos Monastery, Belém Tower, MAAT, and pastéis de Belém at the original bakery. Take tram 15 or the train from Cais do Sodré.\n\n**Day 4 – Day trip to Sintra**: Pena Palace and Quinta da Regaleira; 40 minutes by train from Rossio. Go early and buy timed tickets online.\n\n**Day 5 – LX Factory & Príncipe Real**: brunch and shops at LX Factory, then the gardens and boutiques of Príncipe Real, and a final evening in Bairro Alto.\n\nOctober is a great choice: usually 18–23 °C, fewer crowds than summer, but pack a light rain jacket.",
        ),
        t(
            "Which day would you swap if it rains?",
            "follow_up",
            [0],
            "Swap **Day 4 (Sintra)** if rain is forecast — Sintra is often foggy and wet even when Lisbon is fine, and the palace gardens and views are the main attraction. On a rainy day do Day 3 (Belém) instead, since Jerónimos, MAAT and the Coach Museum are all indoors, and move Sintra to the first clear day.",
        ),
        ij(),
        t(
            "What's a typical budget per day for a mid-range traveller there?",
            "follow_up",
            [0],
            "Roughly **€120–180 per person per day** in October for mid-range travel:\n\n- Accommodation: €70–120 (half of a double room in a good 3–4★ hotel or a nice apartment)\n- Food: €35–50 (pastry and coffee €4, lunch menu do dia €12–15, dinner €20–30 with wine)\n- Transport: €7–10 (a Viva Viagem card with zapping credit covers metro, trams and the Sintra train)\n- Sights: €10–25 (Sintra day is the expensive one at ~€35 for Pena + Regaleira)\n\nThe fado dinner on Day 2 can add €50–80.",
        ),
        ij(),
        t(
            "Write a short message to my friend Marta inviting her to join me on that trip.",
            "writing",
            [0],
            "Hi Marta! I'm planning five days in Lisbon in October — Alfama and a fado night, pastéis de Belém, a day trip to Sintra's palaces and some lazy evenings in Bairro Alto. It would be so much more fun with you. Any chance you could join? Dates are still flexible, so tell me what works for you! 😊",
        ),
        ij(),
        t(
            "Translate that message into Portuguese, she's from Porto.",
            "translation",
            [5],
            'Olá Marta! Estou a planear cinco dias em Lisboa em outubro — Alfama e uma noite de fado, pastéis de Belém, uma ida a Sintra para ver os palácios e umas noites tranquilas no Bairro Alto. Seria muito mais divertido contigo. Achas que consegues vir? As datas ainda são flexíveis, por isso diz-me o que dá jeito para ti! 😊\n\n(I used European Portuguese — "estou a planear", "contigo", "dá jeito" — which will sound natural to someone from Porto.)',
        ),
        ij(),
    ],
)

M02 = session(
    "mixed-02",
    [
        ij(),
        t(
            "A bat and a ball cost $1.10 in total. The bat costs $1.00 more than the ball. How much does the ball cost?",
            "math",
            [],
            "The ball costs **5 cents**.\n\nLet the ball cost b. Then the bat costs b + 1.00, and\n\nb + (b + 1.00) = 1.10 → 2b = 0.10 → b = 0.05.\n\nCheck: ball $0.05, bat $1.05, total $1.10, and the difference is exactly $1.00. The intuitive answer of 10 cents is wrong because then the bat would be $1.10 and the total $1.20.",
        ),
        t(
            "Why do so many people get that wrong?",
            "follow_up",
            [1],
            "It's a classic from Shane Frederick's Cognitive Reflection Test (2005). The numbers invite a fast, intuitive subtraction — $1.10 minus $1.00 — and the answer \"10 cents\" *feels* right, so most people don't check it. In Frederick's studies, over half of students at elite universities gave the wrong answer. It's used to illustrate the difference between quick, automatic thinking and slower, deliberate reasoning (Kahneman's \"System 1\" and \"System 2\").",
        ),
        t(
            "Give me another puzzle like that.",
            "reasoning",
            [1, 2],
            "Here's one from the same test:\n\n*In a lake there is a patch of lily pads. Every day, the patch doubles in size. If it takes 48 days for the patch to cover the entire lake, how long would it take for the patch to cover half of the lake?*\n\nTake a moment before answering — the tempting answer is wrong.",
        ),
        t(
            "24 days?",
            "reasoning",
            [3],
            "That's the intuitive answer, but it's **47 days**. Because the patch doubles every day, it covers half the lake exactly one day before it covers all of it. On day 24 it would cover only 1/2²⁴ of the lake — about 0.00006%.",
        ),
        ij(),
        ij(),
        t(
            "Write a one-paragraph explanation of the bat-and-ball problem that I can use in a slide for a workshop on decision making.",
            "writing",
            [1, 2],
            "**The bat and the ball.** A bat and a ball cost $1.10 together, and the bat costs $1.00 more than the ball. Most people instantly answer that the ball costs 10 cents — but then the bat would cost $1.10 and the total would be $1.20. The correct answer is 5 cents. The puzzle isn't hard; it's *inviting*. A fluent, plausible answer arrives so quickly that we don't think to check it. In decisions at work, the same thing happens whenever a familiar pattern produces an obvious answer: the cost of a ten-second sanity check is tiny compared with the cost of acting on an intuition that was never tested.",
        ),
        ij(),
    ],
)

M03 = session(
    "mixed-03",
    [
        t(
            'Extract the name, company, email, phone and meeting time from this email:\n\n"Hi there, this is Tomasz Wiśniewski from Baltic Freight Solutions. Following up on our call last week — could we meet on Thursday 14 November at 15:30 CET to go through the revised quote? You can reach me at t.wisniewski@balticfreight.pl or on +48 58 555 0142. Best regards, Tomasz"',
            "extraction",
            [],
            "- **Name:** Tomasz Wiśniewski\n- **Company:** Baltic Freight Solutions\n- **Email:** t.wisniewski@balticfreight.pl\n- **Phone:** +48 58 555 0142\n- **Proposed meeting:** Thursday 14 November, 15:30 CET\n- **Topic:** the revised quote",
        ),
        t(
            "Give me that as JSON.",
            "extraction",
            [0],
            '```json\n{\n  "name": "Tomasz Wiśniewski",\n  "company": "Baltic Freight Solutions",\n  "email": "t.wisniewski@balticfreight.pl",\n  "phone": "+48 58 555 0142",\n  "meeting": {\n    "date": "2024-11-14",\n    "time": "15:30",\n    "timezone": "CET",\n    "topic": "revised quote"\n  }\n}\n```\n\nI assumed the year is 2024 (14 November 2024 is a Thursday); adjust if it refers to another year.',
        ),
        t(
            "What time is that meeting for me in New York?",
            "follow_up",
            [0],
            "**09:30 in New York** (EST). On 14 November both regions are on standard time: CET is UTC+1 and EST is UTC−5, a 6-hour difference, so 15:30 CET = 09:30 EST.",
        ),
        ij(),
        t(
            "Draft a reply accepting the meeting and asking him to send the quote beforehand.",
            "writing",
            [0, 2],
            "Subject: Re: Revised quote – meeting on 14 November\n\nHi Tomasz,\n\nThanks for following up. Thursday 14 November at 15:30 CET works well for me (09:30 my time in New York). Could you send the revised quote a day or two in advance so I can review it with our logistics team before we speak?\n\nIf you send a video-call link with the invitation, that would be great.\n\nBest regards,\nJordan",
        ),
        ij(),
        ij(),
        t(
            "Make the reply a bit more formal.",
            "follow_up",
            [4],
            "Subject: Re: Revised quote – meeting on 14 November\n\nDear Mr Wiśniewski,\n\nThank you for your message. I am pleased to confirm that Thursday, 14 November at 15:30 CET (09:30 EST) suits me well.\n\nI would be grateful if you could send the revised quotation in advance of the meeting, so that I may review it with our logistics team beforehand. A video-conference link with the invitation would also be appreciated.\n\nI look forward to speaking with you.\n\nKind regards,\nJordan Ellis",
        ),
        ij(),
    ],
)

M04 = session(
    "mixed-04",
    [
        t(
            "What's the difference between a Roth IRA and a traditional IRA?",
            "qa",
            [],
            "The difference is **when you pay tax**:\n\n- **Traditional IRA**: contributions are often tax-deductible now; the money grows tax-deferred, and withdrawals in retirement are taxed as ordinary income. Required minimum distributions start at 73.\n- **Roth IRA**: contributions are made with after-tax money (no deduction now), but qualified withdrawals in retirement — including all the growth — are tax-free, and there are no required distributions during your lifetime. Eligibility phases out at higher incomes.\n\nRule of thumb: a Roth is better if you expect your tax rate in retirement to be the same or higher than today; a traditional IRA is better if you expect it to be lower.",
        ),
        t(
            "I'm 27 and in the 12% bracket. Which one?",
            "follow_up",
            [0],
            "At 27 and in the 12% bracket, the **Roth IRA** is usually the better fit. You're paying a low tax rate on the contributions now, you have ~35+ years of growth that would come out tax-free, and your income (and bracket) is likely to rise over your career. A Roth also lets you withdraw your *contributions* (not earnings) at any time without penalty, which gives some flexibility. This isn't personal tax advice, but it's the standard reasoning most planners would apply to your situation.",
        ),
        t(
            "If I put in $6,500 a year until 65 at 7% average return, roughly how much would I have?",
            "math",
            [1],
            "That's 38 years of contributions (age 27 to 64, one deposit per year). Using the future value of an annuity:\n\nFV = P × ((1 + r)ⁿ − 1) / r = 6,500 × ((1.07)³⁸ − 1) / 0.07\n\n- 1.07³⁸ ≈ 13.07\n- (13.07 − 1) / 0.07 ≈ 172.4\n- FV ≈ 6,500 × 172.4 ≈ **$1.12 million**\n\nYou'd have contributed $247,000 in total; the rest is growth. In a Roth that whole amount could be withdrawn tax-free. Keep in mind 7% is a nominal long-run stock-market assumption — in today's dollars (after ~2.5% inflation) it's closer to $540,000.",
        ),
        t(
            "1. What's the boiling point of water in Fahrenheit?\n2. What's the capital of Mongolia?\n3. Who composed 'The Four Seasons'?",
            "qa",
            [],
            "1. **212 °F** at sea level.\n2. **Ulaanbaatar**.\n3. **Antonio Vivaldi**, published in 1725.",
        ),
        t(
            "Write a haiku about autumn rain.",
            "writing",
            [],
            "Cold rain on the roof —\nthe maple lets go its leaves\none red word at a time",
        ),
        ij(),
        t(
            "Back to the IRA: what happens if I need the money at 40?",
            "follow_up",
            [0, 1],
            "With a Roth IRA you can take out your **contributions** at any time, tax- and penalty-free — by 40 that would be about $84,500 if you contributed $6,500 a year from 27. The **earnings** are different: withdrawing them before 59½ usually means income tax plus a 10% penalty, with exceptions for things like a first home purchase (up to $10,000 lifetime), disability, or certain education and medical costs. Withdrawals are treated as contributions first, so you'd only touch earnings after taking out more than you put in.",
        ),
        t(
            "How do you pronounce 'Worcestershire'?",
            "qa",
            [],
            '**WUUS-ter-sher** (/ˈwʊstərʃər/) — three syllables in British English, sometimes "WUUS-ter-sheer" in American English. The middle "ces" is silent, just as in the city of Worcester ("WUUS-ter").',
        ),
        ij(),
    ],
)

M05 = session(
    "mixed-05",
    [
        t(
            "Write a cover letter opening paragraph for a junior data analyst role at a healthcare nonprofit. I have a psychology degree and did a 6-month SQL/Tableau bootcamp.",
            "writing",
            [],
            "Dear Hiring Manager,\n\nI'm excited to apply for the Junior Data Analyst position at HealthBridge. My psychology degree taught me how to design studies, question assumptions and interpret messy human data, and a recent six-month bootcamp gave me the tools to do that at scale — writing SQL against real-world datasets and turning the results into clear Tableau dashboards. I'd love to bring that combination of analytical rigour and genuine curiosity about people to an organisation whose work improves access to care.",
        ),
        t(
            "Now write the middle paragraph about my bootcamp capstone: I analysed 2 million NYC 311 complaints to find which neighbourhoods had the slowest response times.",
            "writing",
            [0],
            "For my bootcamp capstone, I analysed more than two million New York City 311 service requests to find out which neighbourhoods waited longest for a response. I cleaned and joined the raw data in SQL, calculated median resolution times by complaint type and community district, and built an interactive Tableau dashboard showing where delays clustered. The most interesting finding was that differences between neighbourhoods were larger for housing complaints than for any other category — a reminder that averages can hide inequities. That project taught me to move from a broad question to a specific, defensible answer, and to present it so that non-technical readers can act on it.",
        ),
        t(
            "What's the GDP of Germany roughly?",
            "qa",
            [],
            "Germany's nominal GDP is roughly **$4.5 trillion** (2023), making it the third-largest economy in the world after the United States and China, just ahead of Japan.",
        ),
        t(
            "Write a closing paragraph for the letter.",
            "writing",
            [0, 1],
            "I would welcome the chance to discuss how my background in psychology and hands-on experience with SQL and Tableau could support HealthBridge's programmes and reporting. Thank you for considering my application — I look forward to hearing from you.\n\nSincerely,\nAlex Morgan",
        ),
        ij(),
        t(
            "1. Is a tomato a fruit?\n2. How many hearts does an octopus have?\n3. What's the fastest land animal?",
            "qa",
            [],
            "1. Botanically **yes** — it develops from the flower and contains seeds; in cooking and in US law (Nix v. Hedden, 1893) it's treated as a vegetable.\n2. **Three**: two pump blood through the gills, one through the rest of the body.\n3. The **cheetah**, with sprints of around 100–120 km/h.",
        ),
        t(
            "Suggest 3 questions I could ask at the end of the interview for that role.",
            "writing",
            [0],
            '1. "What does a typical week look like for a junior analyst here, and which datasets would I work with most?"\n2. "How do programme teams use the team\'s analyses to make decisions — could you share a recent example?"\n3. "What would success look like in my first six months, and how is the team supporting analysts\' growth?"',
        ),
        ij(),
    ],
)

M06 = session(
    "mixed-06",
    [
        t(
            "Explain how public key cryptography works like I'm 12.",
            "qa",
            [],
            "Imagine you have a special padlock with two keys. One key can only **lock** it and the other can only **unlock** it.\n\nYou make lots of copies of the locking key and give them to everyone — that's your **public key**. The unlocking key you keep secret — that's your **private key**.\n\nIf a friend wants to send you a secret note, they put it in a box and lock it with your public key. Now nobody can open it — not even your friend! Only you, with your private key, can unlock it.\n\nComputers do the same thing with maths instead of metal: it's easy to lock a message using the public key, but practically impossible to unlock it without the private key, even with the fastest computers. That's how your browser keeps your passwords safe when it shows the little padlock icon.",
        ),
        t(
            "And how do digital signatures fit in?",
            "follow_up",
            [0],
            'A signature uses the same two keys but **the other way round**.\n\nTo sign a message, you use your **private** key to make a special stamp from the message. Anyone can check the stamp with your **public** key. If the check works, they know two things: the message really came from you (only you have the private key), and nobody changed it on the way (changing even one letter would break the stamp).\n\nSo encryption means "only you can read this", and a signature means "this really is from me". Software updates, for example, are signed so your computer can be sure they came from the real company.',
        ),
        ij(),
        t(
            "What's the difference between RSA and elliptic curve then?",
            "follow_up",
            [0, 1],
            "Both are public-key systems; they differ in the maths puzzle that's hard to reverse:\n\n- **RSA** relies on the difficulty of factoring a huge number that is the product of two large primes.\n- **Elliptic-curve cryptography (ECC)** relies on the difficulty of the discrete logarithm problem on an elliptic curve.\n\nIn practice, ECC achieves the same security with much smaller keys: a 256-bit ECC key is roughly as strong as a 3,072-bit RSA key. Smaller keys mean faster handshakes and less data, which is why modern TLS and SSH default to ECC (e.g. X25519 for key exchange and Ed25519 for signatures). Neither is safe against a large future quantum computer, which is why post-quantum algorithms like ML-KEM are being rolled out.",
        ),
        t(
            "Convert 250 grams of butter to cups.",
            "math",
            [],
            "250 g of butter ≈ **1.1 cups** (1 US cup of butter weighs about 227 g, i.e. 2 sticks). In practice: 1 cup plus about 1½ tablespoons.",
        ),
        ij(),
        t(
            "Write a limerick about a cat who loves boxes.",
            "writing",
            [],
            "A tabby named Lou from Devizes\nAdored only boxes — all sizes.\nThough the bed that we bought\nWas the best to be sought,\nShe prefers what the packaging disguises.",
        ),
        ij(),
        t(
            "Summarise what you told me about cryptography in 3 bullet points for my notes.",
            "summarization",
            [0, 1, 3],
            "- **Public-key encryption:** anyone can lock (encrypt) with your public key; only your private key can unlock it.\n- **Digital signatures:** you sign with your private key and anyone can verify with your public key, proving who sent it and that it wasn't changed.\n- **RSA vs ECC:** RSA relies on factoring, ECC on elliptic-curve discrete logs; ECC gives the same security with much smaller keys and is the modern default, but both need replacing against future quantum computers.",
        ),
    ],
)

M07 = session(
    "mixed-07",
    [
        t(
            "1. What's the population of Canada?\n2. How far is the Moon from Earth?\n3. What's the longest bone in the human body?\n4. What does 'UNESCO' stand for?",
            "qa",
            [],
            "1. About **41 million** people (2024).\n2. About **384,400 km** on average (roughly 238,900 miles).\n3. The **femur** (thigh bone).\n4. **United Nations Educational, Scientific and Cultural Organization**.",
        ),
        t(
            "My landlord wants to raise the rent by 12% with 30 days' notice. I'm in California. Is that allowed?",
            "qa",
            [],
            "Probably not as proposed. In California:\n\n- **Notice**: for an increase of **more than 10%** within 12 months, the landlord must give at least **90 days'** written notice (Civil Code § 827). 30 days is only enough for increases of 10% or less.\n- **Rent cap**: if your unit is covered by the Tenant Protection Act (AB 1482), annual increases are capped at **5% plus local inflation, up to a maximum of 10%**. Exemptions include most single-family homes and condos not owned by corporations (if you received the required exemption notice) and buildings less than 15 years old.\n- **Local rent control** (e.g. Los Angeles, San Francisco, Oakland) may be stricter still.\n\nSo a 12% increase would exceed the AB 1482 cap if your unit is covered, and in any case needs 90 days' notice. A local tenant rights organisation can confirm which rules apply to your building; this isn't legal advice.",
        ),
        t(
            "Write a polite letter to the landlord pointing this out.",
            "writing",
            [1],
            "Dear Mr Alvarez,\n\nThank you for your notice dated 3 June regarding the proposed rent increase for 42 Linden Avenue, Apt 5.\n\nI'd like to raise two points. First, under California Civil Code § 827, an increase of more than 10% requires at least 90 days' written notice, whereas the notice I received gives 30 days. Second, if the property is covered by the Tenant Protection Act of 2019 (AB 1482), annual increases are limited to 5% plus the local change in CPI, with a maximum of 10%, and a 12% increase would exceed that limit.\n\nI'm glad to continue renting the apartment and would appreciate it if you could review the increase in light of these rules, or let me know if you believe the property is exempt. I'm happy to discuss this by phone if that's easier.\n\nKind regards,\nSam Rivera",
        ),
        ij(),
        t(
            "Is it 'who' or 'whom' in 'To ___ it may concern'?",
            "qa",
            [],
            '**"To whom it may concern"** — "whom" is the object of the preposition "to". A quick test: you\'d say "to him", not "to he", and *him* ↔ *whom*.',
        ),
        ij(),
        t(
            "He replied that the building is exempt because it was built in 2012. Is that right?",
            "follow_up",
            [1, 2],
            "Possibly. AB 1482 exempts housing that received its certificate of occupancy **within the last 15 years**, measured on a rolling basis. A building completed in 2012 becomes covered once it's more than 15 years old — so in 2027. Until then, it's exempt from the rent cap.\n\nHowever, the **notice** rule in Civil Code § 827 applies regardless: an increase over 10% still needs 90 days' notice. So he can likely raise the rent by 12%, but the increase shouldn't take effect until 90 days after you received the notice. It's also worth checking whether your city has its own rent control that covers newer buildings (most don't, because of the Costa-Hawkins Act).",
        ),
        t(
            "Translate 'I'll be late for dinner, start without me' into Spanish.",
            "translation",
            [],
            '"Voy a llegar tarde a la cena, empiecen sin mí." (Use "empezad sin mí" in Spain when talking to friends, or "empieza sin mí" to one person.)',
        ),
        ij(),
    ],
)

M08 = session(
    "mixed-08",
    [
        t(
            "Write a Python one-liner to flatten a list of lists.",
            "code_generation",
            [],
            "```python\nflat = [x for sub in nested for x in sub]\n```\n\nAlternatives: `list(itertools.chain.from_iterable(nested))` is slightly faster for big inputs. Both flatten only one level; for arbitrarily deep nesting you need a recursive function.",
        ),
        t(
            "Show me the recursive one for arbitrary depth.",
            "code_generation",
            [0],
            code(
                "python",
                '''
from collections.abc import Iterable, Iterator


def flatten(items: Iterable) -> Iterator:
    """Yield the leaves of arbitrarily nested iterables (strings are treated as leaves)."""
    for item in items:
        if isinstance(item, Iterable) and not isinstance(item, (str, bytes)):
            yield from flatten(item)
        else:
            yield item


print(list(flatten([1, [2, [3, [4]], "ab"], (5, 6)])))  # [1, 2, 3, 4, 'ab', 5, 6]
''',
            )
            + "\n\nIt's a generator, so it works on huge inputs without building intermediate lists. Strings are excluded because a string is itself iterable — without that check, `\"ab\"` would recurse forever (each character is again a string). Very deep nesting (over ~1,000 levels) hits Python's recursion limit; use an explicit stack in that case.",
        ),
        t(
            "Who won the FIFA World Cup in 2018?",
            "qa",
            [],
            "**France** won the 2018 World Cup in Russia, beating Croatia 4–2 in the final in Moscow.",
        ),
        ij(),
        t(
            "Rewrite the recursive flatten without recursion.",
            "code_generation",
            [1],
            code(
                "python",
                """
from collections.abc import Iterable, Iterator


def flatten(items: Iterable) -> Iterator:
    stack = [iter(items)]
    while stack:
        try:
            item = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        if isinstance(item, Iterable) and not isinstance(item, (str, bytes)):
            stack.append(iter(item))
        else:
            yield item
""",
            )
            + "\n\nInstead of the call stack, it keeps a list of iterators: the top one is the list currently being walked. Nested iterables push a new iterator; an exhausted one is popped. Order is the same as the recursive version, and there's no recursion limit.",
        ),
        ij(),
        t(
            "What is the healthiest way to cook broccoli?",
            "qa",
            [],
            "**Steaming** for 3–5 minutes keeps the most vitamin C and glucosinolates (the compounds linked to its health benefits), because nothing leaches into water and the heat is gentle. Microwaving with a splash of water is similar. Boiling loses the most water-soluble vitamins. Also try chopping it and letting it sit for a few minutes before cooking — that helps form sulforaphane.",
        ),
        t(
            "1. What's 17 × 23?\n2. What's 1/7 as a decimal?\n3. Is 91 prime?",
            "math",
            [],
            "1. 17 × 23 = **391** (17 × 20 = 340, plus 17 × 3 = 51).\n2. 1/7 = **0.142857…**, with the six digits 142857 repeating.\n3. **No**: 91 = 7 × 13.",
        ),
        ij(),
    ],
)

M09 = session(
    "mixed-09",
    [
        t(
            "What's the difference between baking soda and baking powder?",
            "qa",
            [],
            "**Baking soda** is pure sodium bicarbonate: it needs an acid in the recipe (buttermilk, yoghurt, lemon juice, brown sugar) to react and release CO₂. **Baking powder** is baking soda plus a dry acid (and usually cornstarch), so it only needs moisture and heat. Baking soda is about 3–4 times stronger, which is why recipes use much less of it.",
        ),
        t(
            "Can I substitute one for the other in pancakes? The recipe wants 2 tsp baking powder.",
            "follow_up",
            [0],
            "Yes, with an acid. Use **½ tsp baking soda** plus an acid: swap the milk for buttermilk, or add 1 tbsp lemon juice or white vinegar to the milk and let it sit for 5 minutes. Without an acid, the pancakes will be flat and taste soapy/metallic. Cook them soon after mixing, because baking soda reacts right away.",
        ),
        t(
            "1. What is the capital of Vietnam?\n2. How many players are on a rugby union team?\n3. What's the main ingredient in guacamole?",
            "qa",
            [],
            "1. **Hanoi** (Ho Chi Minh City is the largest city).\n2. **15** players per side.\n3. **Avocado**.",
        ),
        t(
            "How many calories are in a typical pancake?",
            "qa",
            [],
            "A typical homemade 15 cm (6-inch) pancake made with flour, milk and egg has about **90–120 kcal** before toppings. Butter adds ~35 kcal per teaspoon and maple syrup ~50 kcal per tablespoon, so a stack of three with toppings easily reaches 450–500 kcal.",
        ),
        t(
            "Translate 'I would like a table for four near the window, please' into French.",
            "translation",
            [],
            "« Je voudrais une table pour quatre près de la fenêtre, s'il vous plaît. »",
        ),
        t(
            "Double the pancake recipe but keep the substitution — what do I need?",
            "follow_up",
            [1],
            "For a double batch with the substitution:\n\n- **1 tsp baking soda** (instead of 4 tsp baking powder)\n- **Buttermilk** in place of all the milk, or regular milk plus **2 tbsp** lemon juice or vinegar, rested 5 minutes\n- Everything else in the recipe doubled as usual (flour, eggs, sugar, salt, butter)\n\nMix the wet and dry ingredients just until combined — a few lumps are fine — and start cooking straight away.",
        ),
        t(
            "What's the Maillard reaction?",
            "qa",
            [],
            "It's a set of chemical reactions between amino acids and reducing sugars that happens when food is heated above roughly 140 °C. It produces hundreds of flavour and aroma compounds and the brown colour of seared steak, toast, roasted coffee and golden pancakes. It's different from caramelisation, which involves sugars alone. Baking soda speeds it up by raising the pH — one reason pancakes made with it brown faster.",
        ),
        t(
            "Write a 3-line poem about Sunday breakfast.",
            "writing",
            [],
            "Butter hissing in the pan,\nthe radio half-listened to —\nno alarms, just syrup and slow light.",
        ),
        t(
            "If a pancake recipe for 4 uses 250 ml milk, how much for 6 people?",
            "math",
            [],
            "Per person: 250 / 4 = 62.5 ml. For 6: 62.5 × 6 = **375 ml** of milk.",
        ),
    ],
)

M10 = session(
    "mixed-10",
    [
        t(
            "Proofread this: 'Their going to announce the results tomorow, but its not clear weather the team will except the decision.'",
            "writing",
            [],
            "Corrected: \"**They're** going to announce the results **tomorrow**, but **it's** not clear **whether** the team will **accept** the decision.\"\n\nFixes: *their → they're* (they are), *tomorow → tomorrow*, *its → it's* (it is), *weather → whether*, *except → accept* (agree to).",
        ),
        t(
            "Explain the its/it's rule so I stop getting it wrong.",
            "follow_up",
            [0],
            '**It\'s** always means *it is* or *it has* — the apostrophe marks missing letters. **Its** is possessive, like *his* or *her*, and possessive pronouns never take an apostrophe.\n\nTest: replace the word with "it is". If the sentence still works, write *it\'s* ("It\'s raining" → "It is raining" ✓). If it doesn\'t, write *its* ("The dog wagged its tail" → "wagged it is tail" ✗).',
        ),
        t(
            "What's the tallest building in the world right now?",
            "qa",
            [],
            "The **Burj Khalifa** in Dubai, at 828 m (2,717 ft), completed in 2010. The Jeddah Tower in Saudi Arabia is planned to exceed 1,000 m but isn't finished yet.",
        ),
        t(
            "Convert 2.5 kg to pounds.",
            "math",
            [],
            "2.5 kg × 2.20462 = **5.51 lb** (about 5 lb 8 oz).",
        ),
        t(
            "Now proofread this one: 'Me and him has been working on this project since three months.'",
            "writing",
            [],
            'Corrected: "**He and I have** been working on this project **for** three months."\n\n- *Me and him* → *He and I*: it\'s the subject of the sentence.\n- *has* → *have*: the subject is plural.\n- *since three months* → *for three months*: use *for* with a duration and *since* with a starting point ("since March").',
        ),
        t(
            "Give me a short exercise with 5 sentences to practise the mistakes from both sentences.",
            "writing",
            [0, 4],
            "Correct each sentence:\n\n1. Its been a long week, and the team is tired.\n2. Me and Sarah will present the results on Friday.\n3. I'm not sure weather we can except their offer.\n4. The company changed it's logo last year.\n5. She has lived in Madrid since five years.\n\n*Answers:* 1. It's · 2. Sarah and I · 3. whether, accept · 4. its · 5. for five years",
        ),
        t(
            "Who discovered penicillin?",
            "qa",
            [],
            "**Alexander Fleming**, in 1928 at St Mary's Hospital in London, when he noticed mould killing bacteria in a culture dish. Howard Florey and Ernst Chain later developed it into a usable drug in the early 1940s, and the three shared the 1945 Nobel Prize.",
        ),
        t(
            "Check my answers to your exercise: 1. It's 2. Sarah and me 3. whether, accept 4. its 5. for five years",
            "follow_up",
            [5],
            'Four out of five — nice work!\n\n1. ✓ It\'s\n2. ✗ It should be **Sarah and I**: they\'re the subject of "will present". Quick test — remove Sarah: "I will present", not "me will present".\n3. ✓ whether, accept\n4. ✓ its\n5. ✓ for five years',
        ),
        t(
            "Translate 'Could you please proofread my report?' into German.",
            "translation",
            [],
            '"Könnten Sie bitte meinen Bericht Korrektur lesen?" (informal: "Kannst du bitte meinen Bericht Korrektur lesen?")',
        ),
    ],
)

M11 = session(
    "mixed-11",
    [
        t(
            "A store sells notebooks at 3 for $4.50 or $1.75 each. If I need 10 notebooks, what's the cheapest way to buy them?",
            "math",
            [],
            "Three-packs cost $1.50 per notebook, cheaper than $1.75 singles.\n\n- Option 1: 3 packs (9 notebooks) + 1 single = 3 × 4.50 + 1.75 = **$15.25**\n- Option 2: 4 packs (12 notebooks) = $18.00\n- Option 3: 10 singles = $17.50\n\nCheapest for exactly 10 is **3 packs + 1 single = $15.25**. (If 2 extra notebooks would be useful, 4 packs costs only $2.75 more.)",
        ),
        t(
            "And if there's a 10% discount on orders over $15?",
            "follow_up",
            [0],
            "Then Option 1 qualifies: $15.25 × 0.9 = **$13.73**. The 4-pack option becomes $18.00 × 0.9 = $16.20, so 3 packs + 1 single is still the cheapest for 10 notebooks.",
        ),
        t(
            "What does 'APR' mean on a credit card?",
            "qa",
            [],
            "**Annual Percentage Rate** — the yearly interest rate charged on balances you don't pay off, including some fees. A 24% APR means roughly 2% per month on the unpaid balance. If you pay the full statement balance by the due date, you typically pay no interest on purchases.",
        ),
        t(
            "Write an Instagram caption for a photo of my dog at the beach.",
            "writing",
            [],
            "Sandy paws, salty fur, zero regrets 🌊🐾 Best day ever, according to the expert.",
        ),
        t(
            "What are the three primary colours?",
            "qa",
            [],
            "For paint and pigments, traditionally **red, yellow and blue** (printers use cyan, magenta and yellow). For light, the additive primaries are **red, green and blue** — which is what screens use.",
        ),
        t(
            "Back to the notebooks: what if I need 25 of them, with the same discount?",
            "follow_up",
            [0, 1],
            "25 = 8 packs (24 notebooks) + 1 single: 8 × 4.50 + 1.75 = $37.75, or 9 packs (27 notebooks) = $40.50.\n\nWith 10% off (both are over $15): **$33.98** vs $36.45. So **8 packs + 1 single = $33.98** is cheapest — about $1.36 per notebook.",
        ),
        t(
            "Translate 'Where can I buy a SIM card?' into Spanish and Italian.",
            "translation",
            [],
            '- **Spanish:** "¿Dónde puedo comprar una tarjeta SIM?"\n- **Italian:** "Dove posso comprare una SIM?"',
        ),
        t(
            "Is it safe to eat raw cookie dough?",
            "qa",
            [],
            "Not really. The two risks are **raw eggs** (Salmonella) and **raw flour**, which can carry E. coli because it isn't treated to kill bacteria. Edible cookie dough products use heat-treated flour and no eggs (or pasteurised eggs). At home you can heat flour to 75 °C in the microwave or oven and skip the eggs.",
        ),
        t(
            "1. What's 3 to the power of 5?\n2. What's the cube root of 64?\n3. What's 0.25 as a fraction?",
            "math",
            [],
            "1. 3⁵ = **243**.\n2. ∛64 = **4**.\n3. 0.25 = **1/4**.",
        ),
    ],
)

M12 = session(
    "mixed-12",
    [
        t(
            "I have a job interview on Thursday for a project manager role. What are the most common questions?",
            "qa",
            [],
            "Common project manager interview questions:\n\n1. Tell me about a project you managed from start to finish.\n2. How do you handle a project that's falling behind schedule?\n3. Describe a conflict with a stakeholder or team member and how you resolved it.\n4. How do you prioritise when everything is urgent?\n5. What methodologies have you used (Agile, Scrum, Waterfall), and when would you choose each?\n6. How do you manage scope creep?\n7. Tell me about a project that failed and what you learned.\n8. How do you communicate status to executives versus the team?\n\nPrepare 4–5 real stories you can adapt to several questions, using the STAR format (Situation, Task, Action, Result).",
        ),
        t(
            "Help me answer number 2 using STAR. My example: a website migration that was 3 weeks behind because the vendor was late.",
            "writing",
            [0],
            '**Situation:** "At Brightline, I managed the migration of our customer website to a new CMS, with a fixed launch date tied to a marketing campaign. Six weeks before launch, we were three weeks behind because our vendor had delivered the templates late."\n\n**Task:** "I needed to recover the schedule without compromising quality or blowing the budget."\n\n**Action:** "I re-planned with the vendor and my team, splitting the launch into must-have pages for day one and the rest for a second phase. I moved two internal developers onto content migration in parallel with the template work, and set up twice-weekly check-ins with the vendor with clear acceptance criteria. I also told the marketing lead early, so they could adjust campaign landing pages."\n\n**Result:** "We launched the core site on the original date, with the remaining 20% of pages two weeks later. There were no critical bugs at launch, and the vendor contract now includes delivery milestones."\n\nAdapt the names and figures to what really happened — interviewers often ask follow-ups about details.',
        ),
        t(
            "What's the difference between Agile and Waterfall in one sentence each?",
            "qa",
            [],
            "- **Waterfall:** plan everything up front and complete the project in sequential phases (requirements, design, build, test, release), each finished before the next begins.\n- **Agile:** deliver in short iterations, adjusting priorities and plans continuously based on feedback from users and stakeholders.",
        ),
        t(
            "Unrelated — what's a good stretch for lower back pain after sitting all day?",
            "qa",
            [],
            "Try the **knee-to-chest stretch**: lie on your back, pull one knee gently towards your chest, hold for 20–30 seconds, switch sides, repeat 2–3 times. **Cat-cow** on hands and knees (10 slow repetitions) and a **hip flexor lunge stretch** also help, since tight hip flexors from sitting pull on the lower back. Stop if anything causes sharp pain, and see a doctor if pain lasts more than a few weeks or spreads down a leg.",
        ),
        t(
            "Make the STAR answer shorter — I want to say it in about a minute.",
            "follow_up",
            [1],
            '"On a website migration at Brightline, we were three weeks behind six weeks before a fixed launch date, because our vendor delivered templates late. My job was to recover the schedule without cutting quality. I split the launch into must-have pages for day one and a second phase for the rest, moved two developers onto content migration in parallel, and set up twice-weekly vendor check-ins with clear acceptance criteria. I also warned marketing early so they could adapt. We launched the core site on time with no critical bugs, finished the remaining pages two weeks later, and added delivery milestones to the vendor contract."',
        ),
        t(
            "Translate 'Thank you for the opportunity to interview' into Spanish.",
            "translation",
            [],
            '"Gracias por la oportunidad de participar en la entrevista." (Or simply: "Gracias por la oportunidad de la entrevista.")',
        ),
        t(
            "Write a thank-you email to send after the interview. The interviewer was Karen Liu.",
            "writing",
            [0],
            "Subject: Thank you – Project Manager interview\n\nDear Karen,\n\nThank you for taking the time to speak with me on Thursday about the Project Manager role. I enjoyed learning about the upcoming platform consolidation and how the team works with product and engineering.\n\nOur conversation reinforced my interest in the position. I'm confident that my experience recovering delayed projects and keeping stakeholders aligned would help the team deliver on its roadmap.\n\nPlease let me know if I can provide anything else. I look forward to hearing from you.\n\nBest regards,\nJamie Park",
        ),
        t(
            "How many working days are there in March 2025?",
            "math",
            [],
            "March 2025 has 31 days, starting on a Saturday. That gives 10 weekend days (5 Saturdays and 5 Sundays: 1, 2, 8, 9, 15, 16, 22, 23, 29, 30), so there are **21 working days**, before any public holidays.",
        ),
        ij(),
    ],
)

M13 = session(
    "mixed-13",
    [
        t(
            "Explain the difference between RAM and storage to my grandmother.",
            "qa",
            [],
            "Think of a kitchen. **Storage** (the hard drive or SSD) is the pantry: it holds all your ingredients — photos, letters, programs — even when the lights are off. **RAM** (memory) is the kitchen counter: it's where you put the things you're working with right now. A bigger counter lets you cook several dishes at once without running back and forth to the pantry, but when you close the kitchen at night the counter is cleared — everything not put back in the pantry is gone. That's why unsaved work disappears when the computer loses power.",
        ),
        t(
            "So how much of each does she need for email, video calls and photos?",
            "follow_up",
            [0],
            "For those uses, **8 GB of RAM** is enough and **256 GB of storage** is comfortable — 512 GB if she keeps lots of photos and videos on the computer itself rather than in the cloud. An SSD (rather than a spinning hard drive) matters more than the exact numbers: it makes the computer feel fast when starting up and opening photos.",
        ),
        t(
            "1. What's the largest ocean?\n2. What's the hottest planet?\n3. How many time zones does Russia have?",
            "qa",
            [],
            "1. The **Pacific Ocean**.\n2. **Venus** (~465 °C), hotter than Mercury because of its thick CO₂ atmosphere.\n3. **11** time zones.",
        ),
        t(
            "Write a short, clear note she can stick on her computer explaining how to start a video call with me on WhatsApp.",
            "writing",
            [],
            "**Video call with Sam on WhatsApp** 📞\n\n1. Open **WhatsApp** (green icon with a phone).\n2. Tap **Chats** at the bottom.\n3. Tap **Sam** in the list.\n4. Tap the **video camera** icon at the top right.\n5. Wait for me to answer. Hold the tablet so your face is in the picture!\n\nTo end the call: tap the **red** button.",
        ),
        t(
            "How many megabytes in a gigabyte?",
            "math",
            [],
            '**1,000 MB** in a gigabyte by the decimal definition used by storage manufacturers, or **1,024 MiB** in a gibibyte, which is what some operating systems (like Windows) show as "GB".',
        ),
        t(
            "Given her needs, is a tablet or a laptop better?",
            "follow_up",
            [1, 3],
            "For email, video calls and photos, a **tablet** (e.g. an iPad or a mid-range Android tablet) is usually better for someone who isn't comfortable with computers: it turns on instantly, there are no windows or files to manage, the camera and microphone are built in for WhatsApp video calls, and the large touch screen is easier than a mouse. Add a stand or case that props it up for calls. A laptop only makes sense if she writes long emails or letters — in that case a keyboard case for the tablet is a good middle ground.",
        ),
        t(
            "What's the origin of the word 'nickname'?",
            "qa",
            [],
            'It comes from Middle English **"an ekename"**, meaning "an additional name" (*eke* = also). Over time "an ekename" was misheard as "a nekename" — the same kind of shift that turned "an ewt" into "a newt".',
        ),
        t(
            "Translate the WhatsApp note into Spanish — she's more comfortable in Spanish.",
            "translation",
            [3],
            "**Videollamada con Sam en WhatsApp** 📞\n\n1. Abre **WhatsApp** (el icono verde con un teléfono).\n2. Toca **Chats** abajo.\n3. Toca **Sam** en la lista.\n4. Toca el icono de la **cámara de vídeo** arriba a la derecha.\n5. Espera a que yo conteste. ¡Sujeta la tableta para que se vea tu cara!\n\nPara terminar la llamada: toca el botón **rojo**.",
        ),
        ij(),
    ],
)

M14 = session(
    "mixed-14",
    [
        t(
            "Write the opening paragraph of a short story about a lighthouse keeper who finds a message in a bottle.",
            "writing",
            [],
            "The storm had blown itself out by dawn, leaving the rocks below the Carrow Point light slick and glittering, and Edwin Hale went down to them the way he had every morning for thirty-one years — slowly, one hand on the rusted rail, counting the steps out of habit rather than need. He was looking for driftwood. What he found, wedged between two stones and still beaded with seawater, was a green glass bottle with its cork sealed in wax, and inside it a sheet of paper folded so small and so carefully that someone must have wanted very much for it to be read.",
        ),
        t(
            "Continue with a second paragraph where he reads the message.",
            "writing",
            [0],
            "He did not open it on the rocks. He carried it up to the lamp room, where the light was good and the wind could not snatch it, and broke the wax with his thumbnail. The paper was thin, the kind once used for airmail, and the handwriting was a child's — round, determined letters pressed hard into the page. *To whoever finds this,* it said. *My name is Ada and I am nine. My grandad says your light kept his boat safe in 1974. If it is still working, please flash it three times on my birthday, the 4th of June, and I will be watching from the beach at Porthlew.* Edwin read it twice, then looked at the calendar on the wall. It was the second of June.",
        ),
        t(
            "What's the difference between a simile and a metaphor?",
            "qa",
            [],
            'A **simile** compares two things explicitly using *like* or *as*: "her voice was like honey." A **metaphor** says one thing *is* another: "her voice was honey." Metaphors are usually more forceful because the comparison is implied rather than announced.',
        ),
        t(
            "Write the ending in one paragraph — keep it hopeful but not cheesy.",
            "writing",
            [0, 1],
            "On the night of the fourth, Edwin climbed the stairs an hour early and sat with his hand on the switch, feeling foolish and not caring. At ten o'clock he turned the beam toward Porthlew and let it pass once, twice, three times, the way no keeper was supposed to. Then he went out onto the gallery with his old binoculars. For a long while there was nothing but the black line of the coast. And then, small and unsteady and unmistakable, a torch on the far beach blinked back — once, twice, three times — and kept blinking, as if whoever held it could not quite bring themselves to stop.",
        ),
        t(
            "How many words is the story so far, roughly?",
            "math",
            [0, 1, 3],
            "About **370 words**: roughly 115 in the first paragraph, 135 in the second and 120 in the ending. That's a good length for flash fiction, which is usually defined as under 1,000 words.",
        ),
        t(
            "Translate 'lighthouse keeper' into French, Spanish and German.",
            "translation",
            [],
            "- **French:** gardien de phare\n- **Spanish:** farero (or guardián del faro)\n- **German:** Leuchtturmwärter",
        ),
        t(
            "Suggest three titles for the story.",
            "writing",
            [0, 1, 3],
            "1. **Three Flashes for Porthlew**\n2. **The Fourth of June**\n3. **What the Light Kept**",
        ),
        t(
            "Is it 'lay' or 'lie' in 'I need to ___ down'?",
            "qa",
            [],
            '**"Lie down"** — *lie* means to recline and doesn\'t take an object. *Lay* needs an object: you *lay* something down ("lay the book on the table"). The confusion comes from the past tense of *lie*, which is *lay*: "Yesterday I lay down for an hour."',
        ),
        t(
            "Rewrite the first paragraph in the present tense.",
            "writing",
            [0],
            "The storm has blown itself out by dawn, leaving the rocks below the Carrow Point light slick and glittering, and Edwin Hale goes down to them the way he has every morning for thirty-one years — slowly, one hand on the rusted rail, counting the steps out of habit rather than need. He is looking for driftwood. What he finds, wedged between two stones and still beaded with seawater, is a green glass bottle with its cork sealed in wax, and inside it a sheet of paper folded so small and so carefully that someone must want very much for it to be read.",
        ),
        t(
            "Write a two-sentence blurb for the story for a literary magazine.",
            "writing",
            [0, 1, 3],
            "For thirty-one years, lighthouse keeper Edwin Hale has followed every rule of the Carrow Point light — until a message in a bottle asks him to break one. A quiet story about the signals we send into the dark, and the rare, astonishing moments when someone answers.",
        ),
    ],
)

M15 = session(
    "mixed-15",
    [
        t(
            "A rectangular garden is 12 m by 8 m. I want a 1 m wide gravel path all around the outside. What area of gravel do I need?",
            "math",
            [],
            "The path adds 1 m on each side, so the outer rectangle is (12 + 2) × (8 + 2) = 14 × 10 = 140 m².\nGarden area: 12 × 8 = 96 m².\n\nGravel area = 140 − 96 = **44 m²**.",
        ),
        t(
            "Gravel should be 5 cm deep. How many cubic metres is that?",
            "math",
            [0],
            "Volume = area × depth = 44 m² × 0.05 m = **2.2 m³** of gravel.",
        ),
        t(
            "One tonne of gravel covers about 0.6 m³. How many tonnes should I order, and what's the cost at £58 per tonne?",
            "math",
            [1],
            "Tonnes needed: 2.2 / 0.6 ≈ 3.67, so order **4 tonnes** (suppliers sell in whole or half tonnes, and a little extra allows for compaction and uneven ground).\nCost: 4 × £58 = **£232** (plus delivery, if charged).",
        ),
        t(
            "What's the best time of year to plant a lawn from seed in the UK?",
            "qa",
            [],
            "**Early autumn (late August to late September)** is best: the soil is still warm from summer, rain is more reliable, and there's less competition from weeds. Mid-spring (April to May) is the second-best window, but you'll need to water more in dry spells.",
        ),
        t(
            "If I also edge the path with timber boards along both the inner and outer edges, how many metres of board do I need?",
            "math",
            [0],
            "Inner edge = perimeter of the garden: 2 × (12 + 8) = 40 m.\nOuter edge = perimeter of the outer rectangle: 2 × (14 + 10) = 48 m.\n\nTotal = **88 m** of edging board. Add about 5–10% for cuts and joints, so buy around 95 m.",
        ),
        t(
            "1. How many square feet in a square metre?\n2. What's the area of a triangle with base 6 and height 4?\n3. What's 15% of 80?",
            "math",
            [],
            "1. About **10.76 sq ft** in 1 m².\n2. ½ × 6 × 4 = **12**.\n3. 0.15 × 80 = **12**.",
        ),
        t(
            "Write a short message to my neighbour letting them know a gravel delivery truck will block the lane on Saturday morning.",
            "writing",
            [],
            "Hi Jo — just a heads-up that I've got a gravel delivery coming on Saturday morning, probably between 8 and 10. The truck might block the lane for 15–20 minutes while it unloads. If you need to get your car out around then, give me a shout and I'll ask them to wait. Sorry for the inconvenience, and thanks! — Chris",
        ),
        t(
            "Summarise the full materials list and costs for the path project so far.",
            "summarization",
            [0, 2, 4],
            "**Gravel path project — materials**\n\n- **Gravel:** 44 m² at 5 cm deep = 2.2 m³ → order **4 tonnes** at £58/t = **£232**\n- **Timber edging:** 88 m (40 m inner + 48 m outer) → buy about **95 m** allowing for waste (price not yet known)\n\nStill to add: edging board cost, fixing pegs, weed membrane (about 44 m² plus overlap), and any delivery charges.",
        ),
        t(
            "Who was Capability Brown?",
            "qa",
            [],
            '**Lancelot "Capability" Brown** (1716–1783) was England\'s most famous landscape gardener. He designed more than 170 parks for country estates, including Blenheim Palace and Stowe, replacing formal gardens with sweeping lawns, serpentine lakes and clumps of trees. His nickname came from telling clients that their land had "capability" for improvement.',
        ),
    ],
)

M16 = session(
    "mixed-16",
    [
        t(
            "Extract all the dates, amounts and names from this text message thread:\n\n\"Mum: Can you pay the plumber £180 by Friday 7th? His name is Dave Roberts.\nMe: Sure. Also Aunt Lisa's birthday is the 12th, shall we split a gift? £40 each?\nMum: Yes. And don't forget Grandad's hospital appointment on Tuesday 11th at 9:15.\"",
            "extraction",
            [],
            "**Dates**\n- Friday 7th — deadline to pay the plumber\n- Tuesday 11th, 9:15 — Grandad's hospital appointment\n- 12th — Aunt Lisa's birthday\n\n**Amounts**\n- £180 — plumber's bill\n- £40 each — share of Aunt Lisa's gift (£80 total if split two ways)\n\n**Names**\n- Dave Roberts (plumber)\n- Aunt Lisa\n- Grandad\n- Mum",
        ),
        t(
            "Turn that into a to-do list in date order.",
            "follow_up",
            [0],
            "- [ ] **By Fri 7th:** pay Dave Roberts (plumber) £180\n- [ ] **Tue 11th, 9:15:** Grandad's hospital appointment\n- [ ] **Before the 12th:** buy Aunt Lisa's birthday gift with Mum (£40 each)\n- [ ] **12th:** Aunt Lisa's birthday",
        ),
        t(
            "Gift ideas for an aunt who likes gardening and crime novels, around £80?",
            "qa",
            [],
            "A few ideas around £80:\n\n1. **A quality garden tool set** (e.g. a Burgon & Ball or Niwaki secateurs and trowel) — around £60–80.\n2. **A crime-fiction book bundle**: three or four recent hardbacks by authors like Ann Cleeves, Richard Osman or Elly Griffiths, plus a nice bookmark.\n3. **Combine both**: a smart kneeler pad or gardening gloves (£25–30) with two new crime novels (£40).\n4. **An RHS garden visit**: a day pass for two plus lunch voucher at Wisley or Harlow Carr.",
        ),
        t(
            "What's the difference between a crime novel and a thriller?",
            "qa",
            [],
            "A **crime novel** is usually built around a crime that has already happened and the investigation to solve it — the question is *who* and *why*. A **thriller** is built around suspense and danger that's still unfolding — the question is *will the hero stop it in time*. Many books blend both, and bookshops often shelve them together.",
        ),
        t(
            "Write the message to Mum confirming I paid the plumber and suggesting the combined gift idea.",
            "writing",
            [0, 2],
            "Hi Mum — all done, I've paid Dave the £180 for the plumbing. 👍 For Aunt Lisa, how about we combine her two loves: a nice kneeler pad or gardening gloves plus a couple of new crime novels (maybe the latest Ann Cleeves and Richard Osman)? It should come to about £80, so £40 each as planned. I can order them this week if you're happy with that. x",
        ),
        t("Convert £180 to euros at 1.17.", "math", [], "£180 × 1.17 = **€210.60**."),
        t(
            "Add a reminder to the to-do list to book a taxi for Grandad's appointment the day before.",
            "follow_up",
            [1, 4],
            "- [ ] **By Fri 7th:** pay Dave Roberts (plumber) £180 ✅ *(done)*\n- [ ] **Mon 10th:** book a taxi for Grandad's hospital appointment (pickup around 8:30)\n- [ ] **Tue 11th, 9:15:** Grandad's hospital appointment\n- [ ] **Before the 12th:** buy Aunt Lisa's birthday gift with Mum (£40 each)\n- [ ] **12th:** Aunt Lisa's birthday",
        ),
        t(
            "What does 'NHS' stand for?",
            "qa",
            [],
            "**National Health Service** — the UK's publicly funded healthcare system, founded in 1948.",
        ),
        t(
            "Translate the message to Mum into Welsh, she's learning.",
            "translation",
            [4],
            "Helo Mam — wedi'i wneud, dw i wedi talu'r £180 i Dave am y gwaith plymio. 👍 Ar gyfer Anti Lisa, beth am i ni gyfuno ei dau ddiddordeb: pad penlinio neis neu fenig garddio, a chwpl o nofelau trosedd newydd? Dylai ddod i tua £80, felly £40 yr un fel y cynlluniwyd. Galla i eu harchebu yr wythnos hon os wyt ti'n hapus. x",
        ),
    ],
)

M17 = session(
    "mixed-17",
    [
        t(
            "What causes the seasons on Earth?",
            "qa",
            [],
            "The **tilt of Earth's axis** — about 23.4° — not its distance from the Sun. As Earth orbits, each hemisphere is tilted towards the Sun for part of the year (summer: the Sun is higher, its rays hit more directly and days are longer) and away from it for the other part (winter). In fact, Earth is closest to the Sun in early January, during the northern winter.",
        ),
        t(
            "So why is it hotter in the southern hemisphere summer than in the northern one, if Earth is closer then?",
            "follow_up",
            [0],
            "It's a good intuition, but the effect is smaller than you'd expect. Being closest to the Sun in January gives about 7% more sunlight than in July, which should make southern summers hotter. In practice, the southern hemisphere is mostly **ocean**, and water heats up slowly and stores heat, which moderates temperatures. The northern hemisphere has much more land, which heats up quickly. So the global average temperature is actually slightly *higher* in July, during the northern summer, despite Earth being farther from the Sun.",
        ),
        t(
            "1. What's the capital of New Zealand?\n2. What's the national animal of Scotland?\n3. How many sides does a dodecagon have?",
            "qa",
            [],
            "1. **Wellington**.\n2. The **unicorn**.\n3. **12**.",
        ),
        t(
            "How long is a day on Mars?",
            "qa",
            [],
            "A Martian day, called a **sol**, is about **24 hours 39 minutes** — only slightly longer than an Earth day. A Martian year is much longer: about 687 Earth days.",
        ),
        t(
            "Does Mars have seasons too, then?",
            "follow_up",
            [0, 3],
            "Yes. Mars's axis is tilted about 25°, very close to Earth's 23.4°, so it has seasons for the same basic reason. But because a Martian year lasts 687 Earth days, each season is roughly twice as long. Mars's orbit is also much more elliptical than Earth's, so distance from the Sun matters more there: southern summers are shorter and hotter, and they often trigger planet-wide dust storms.",
        ),
        t(
            "Write a short explanation of the seasons for a primary school newsletter, about 80 words.",
            "writing",
            [0],
            "**Why do we have seasons?** Many people think summer happens because Earth gets closer to the Sun — but that's not it! Earth is tilted, like a spinning top leaning to one side. As we travel around the Sun each year, our part of the world leans towards the Sun for some months (summer: long, warm days with the Sun high in the sky) and away from it for others (winter: short, cool days). Try it with a torch and a tilted orange at home!",
        ),
        t(
            "Translate 'the seasons' into French, Spanish and Italian.",
            "translation",
            [],
            "- **French:** les saisons\n- **Spanish:** las estaciones\n- **Italian:** le stagioni",
        ),
        t(
            "What's the distance from Earth to the Sun in light-minutes?",
            "math",
            [],
            "Earth is about 149.6 million km from the Sun, and light travels about 299,792 km/s, so the time is 149,600,000 / 299,792 ≈ 499 s ≈ **8.3 light-minutes** (8 minutes 19 seconds).",
        ),
        t(
            "Add one sentence about Mars to the newsletter text.",
            "follow_up",
            [4, 5],
            "**Why do we have seasons?** Many people think summer happens because Earth gets closer to the Sun — but that's not it! Earth is tilted, like a spinning top leaning to one side. As we travel around the Sun each year, our part of the world leans towards the Sun for some months (summer: long, warm days with the Sun high in the sky) and away from it for others (winter: short, cool days). Mars is tilted too, so it has seasons as well — but each one lasts about twice as long as ours! Try it with a torch and a tilted orange at home!",
        ),
    ],
)


def sessions():
    return [M01, M02, M03, M04, M05, M06, M07, M08, M09, M10, M11, M12, M13, M14, M15, M16, M17]
