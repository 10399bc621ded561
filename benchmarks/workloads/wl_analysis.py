# ruff: noqa: E501, RUF001
"""Data-analysis sessions over tables the user pastes (answers computed from the data)."""

import math
import random
import statistics
from collections import defaultdict
from datetime import date, timedelta

from wl_helpers import code, csv_text, md_table, money, pct, session, t
from wl_pool import interject


def ij():
    user, category, answer = interject()
    return t(user, category, [], answer)


# --------------------------------------------------------------------------- analysis-01 sales
def sales_session():
    rng = random.Random(101)
    regions = ["North", "South", "East", "West"]
    products = {"Desk Lamp": 34.0, "Office Chair": 189.0, "Monitor Arm": 79.0, "Keyboard": 59.0}
    rows = []
    d = date(2024, 1, 3)
    for i in range(42):
        d += timedelta(days=rng.randint(1, 5))
        prod = rng.choice(list(products))
        units = rng.randint(1, 12)
        if i == 27:
            units = 60  # a bulk order
        rows.append(
            [f"SO-{1040 + i}", d.isoformat(), rng.choice(regions), prod, units, products[prod]]
        )
    table = csv_text(["order_id", "date", "region", "product", "units", "unit_price"], rows)
    rev = [r[4] * r[5] for r in rows]

    by_region = defaultdict(float)
    orders_region = defaultdict(int)
    for r, v in zip(rows, rev, strict=True):
        by_region[r[2]] += v
        orders_region[r[2]] += 1
    total = sum(rev)
    reg_sorted = sorted(by_region.items(), key=lambda kv: -kv[1])
    a0 = (
        "Revenue is `units × unit_price` per order. Totals by region, highest first:\n\n"
        + md_table(
            ["Region", "Orders", "Revenue", "Share"],
            [[k, orders_region[k], money(v), pct(v / total)] for k, v in reg_sorted],
        )
        + f"\n| **Total** | **{len(rows)}** | **{money(total)}** | 100% |\n\n"
        f"{reg_sorted[0][0]} leads with {pct(reg_sorted[0][1] / total)} of revenue, while {reg_sorted[-1][0]} is last at {pct(reg_sorted[-1][1] / total)}. "
        f"Keep in mind one unusually large order (see row {rows[27][0]}) sits in {rows[27][2]}, which inflates that region's total."
    )

    units_p = defaultdict(int)
    rev_p = defaultdict(float)
    for r, v in zip(rows, rev, strict=True):
        units_p[r[3]] += r[4]
        rev_p[r[3]] += v
    top_units = max(units_p, key=units_p.get)
    top_rev = max(rev_p, key=rev_p.get)
    a1 = (
        md_table(
            ["Product", "Units", "Revenue"],
            [[p, units_p[p], money(rev_p[p])] for p in sorted(units_p, key=lambda p: -units_p[p])],
        )
        + f"\n\n- **Most units:** {top_units} ({units_p[top_units]} units).\n"
        f"- **Most revenue:** {top_rev} ({money(rev_p[top_rev])}).\n\n"
        + (
            "They're different products because price matters as much as volume: "
            f"a {top_rev} sells for {money(products[top_rev])}, so fewer units still bring in more money."
            if top_units != top_rev
            else f"The same product wins both, helped by its {money(products[top_rev])} price point."
        )
    )

    by_month = defaultdict(float)
    for r, v in zip(rows, rev, strict=True):
        by_month[r[1][:7]] += v
    months = sorted(by_month)
    mrows = []
    for i, m in enumerate(months):
        ch = "—" if i == 0 else pct(by_month[m] / by_month[months[i - 1]] - 1)
        mrows.append([m, money(by_month[m]), ch])
    last = months[-1]
    last_days = max(r[1] for r in rows)
    a2 = (
        md_table(["Month", "Revenue", "Change vs previous"], mrows)
        + f"\n\nNote that the data ends on {last_days}, so {last} is probably a partial month and its drop (or rise) shouldn't be read as a trend yet. "
        f"The biggest single month is {max(months, key=by_month.get)}, which contains the {rows[27][4]}-unit order from {rows[27][1]}."
    )

    aov = total / len(rows)
    med = statistics.median(rev)
    rev_wo = [v for i, v in enumerate(rev) if i != 27]
    a3 = (
        f"- **Average order value:** {money(total)} / {len(rows)} orders = **{money(aov)}**\n"
        f"- **Median order value:** **{money(med)}**\n\n"
        f"The mean is well above the median because the distribution is skewed by a few big orders — especially {rows[27][0]} ({money(rev[27])}). "
        f'Without that one order the average would be {money(statistics.mean(rev_wo))}. For a "typical order" figure, the median is the safer number to quote.'
    )

    q1, _, q3 = statistics.quantiles(rev, n=4)
    iqr = q3 - q1
    hi = q3 + 1.5 * iqr
    outliers = [(rows[i], v) for i, v in enumerate(rev) if v > hi]
    a5 = (
        f"Using the usual IQR rule on order revenue: Q1 = {money(q1)}, Q3 = {money(q3)}, IQR = {money(iqr)}, so anything above Q3 + 1.5×IQR = {money(hi)} is flagged.\n\n"
        + md_table(
            ["Order", "Date", "Region", "Product", "Units", "Revenue"],
            [[r[0], r[1], r[2], r[3], r[4], money(v)] for r, v in outliers],
        )
        + f"\n\n{rows[27][0]} is in a different league: {rows[27][4]} units, when no other order has more than {max(r[4] for i, r in enumerate(rows) if i != 27)}. "
        "It looks like a bulk or B2B purchase rather than a data error, but I'd confirm with sales. The other flagged rows are simply multi-unit Office Chair orders, which are expensive per unit — normal for that product, not anomalies."
    )

    a6 = (
        f"- **Revenue:** {money(total)} across {len(rows)} orders; {reg_sorted[0][0]} is the strongest region ({pct(reg_sorted[0][1] / total)} of revenue) and {reg_sorted[-1][0]} the weakest ({pct(reg_sorted[-1][1] / total)}).\n"
        f"- **Products:** {top_rev} drives the most revenue ({money(rev_p[top_rev])}); {top_units} moves the most units.\n"
        f"- **Watch-out:** a single {rows[27][4]}-unit order ({rows[27][0]}, {money(rev[27])}) inflates {rows[27][2]} and {rows[27][1][:7]}; the typical order is about {money(med)}, and {last} is only a partial month."
    )

    pandas_code = code(
        "python",
        """
import pandas as pd

df = pd.read_csv("orders.csv", parse_dates=["date"])
df["revenue"] = df["units"] * df["unit_price"]

by_region = (
    df.groupby("region")
    .agg(orders=("order_id", "count"), revenue=("revenue", "sum"))
    .sort_values("revenue", ascending=False)
)
by_region["share"] = (by_region["revenue"] / by_region["revenue"].sum() * 100).round(1)
print(by_region.to_string(float_format="{:,.2f}".format))
""",
    )
    a8 = (
        f"Assuming you save the data as `orders.csv` with the same header:\n\n{pandas_code}\n\n"
        "`agg` with named aggregations gives both the order count and the revenue sum in one pass, and `share` is the percentage of the grand total. "
        f"It should print the same numbers as my table, with {reg_sorted[0][0]} on top at {money(reg_sorted[0][1])}."
    )

    turns = [
        t(
            f"Here's our order export for the first part of the year:\n\n```csv\n{table}\n```\n\nWhat's the total revenue by region, sorted from highest to lowest?",
            "data_analysis",
            [],
            a0,
        ),
        t(
            "Which product sold the most units, and which one brought in the most revenue?",
            "data_analysis",
            [0],
            a1,
        ),
        t(
            "Show me revenue per month with the % change from the previous month.",
            "data_analysis",
            [0],
            a2,
        ),
        t("What's the average order value? And the median?", "data_analysis", [0], a3),
        ij(),
        t("Do any orders look like outliers?", "data_analysis", [0], a5),
        t(
            "Give me three bullets I can paste into an email to my manager summarising the findings so far.",
            "writing",
            [0, 1, 2, 3, 5],
            a6,
        ),
        ij(),
        t(
            "Write a pandas snippet that reproduces the revenue-by-region table from the CSV.",
            "code_generation",
            [0],
            a8,
        ),
    ]
    return session("analysis-01", turns)


# --------------------------------------------------------------------------- analysis-02 web traffic
def traffic_session():
    rng = random.Random(202)
    start = date(2024, 3, 4)  # a Monday
    rows = []
    for i in range(35):
        d = start + timedelta(days=i)
        weekend = d.weekday() >= 5
        base = 1800 if weekend else 3100
        sessions = int(base * (1 + 0.006 * i) + rng.randint(-250, 250))
        if i == 17:
            sessions = int(sessions * 1.9)  # newsletter spike
        rate = (0.021 if weekend else 0.032) + rng.uniform(-0.004, 0.004)
        if i == 17:
            rate = 0.019
        signups = round(sessions * rate)
        bounce = round((0.58 if weekend else 0.47) + rng.uniform(-0.04, 0.04), 3)
        rows.append([d.isoformat(), d.strftime("%a"), sessions, signups, f"{bounce * 100:.1f}%"])
    table = md_table(["date", "weekday", "sessions", "signups", "bounce_rate"], rows)

    tot_s = sum(r[2] for r in rows)
    tot_u = sum(r[3] for r in rows)
    wd = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        wd[r[1]][0] += r[2]
        wd[r[1]][1] += r[3]
        wd[r[1]][2] += 1
    order = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    best = max(order, key=lambda k: wd[k][1] / wd[k][0])
    worst = min(order, key=lambda k: wd[k][1] / wd[k][0])
    a0 = (
        f"Overall conversion (signups ÷ sessions) over the 35 days is {tot_u:,} / {tot_s:,} = **{pct(tot_u / tot_s, 2)}**.\n\nBy weekday:\n\n"
        + md_table(
            ["Weekday", "Avg sessions", "Avg signups", "Conversion"],
            [
                [
                    k,
                    f"{wd[k][0] / wd[k][2]:,.0f}",
                    f"{wd[k][1] / wd[k][2]:.1f}",
                    pct(wd[k][1] / wd[k][0], 2),
                ]
                for k in order
            ],
        )
        + f"\n\n**Best day:** {best}. **Worst:** {worst}. Weekdays convert clearly better than weekends, and weekend traffic is also much lower, so the weekend gap in signups is a combination of fewer visitors and lower intent."
    )

    spike = rows[17]
    typical = statistics.median(r[2] for r in rows if r[1] == spike[1])
    a1 = (
        f"Yes — **{spike[0]} ({spike[1]})** stands out: {spike[2]:,} sessions versus a median of about {typical:,.0f} for other {spike[1]}s, roughly {spike[2] / typical:.1f}× normal traffic. "
        f"But signups didn't scale with it: conversion that day was only {pct(spike[3] / spike[2], 2)}, below the weekday norm.\n\n"
        "That pattern (lots of visits, low conversion, bounce rate roughly unchanged) is typical of a broad campaign — a newsletter, a social post, or a mention on a news site — bringing in curious but less qualified visitors. "
        "If you can check the referrer or UTM data for that day, you'll likely find one source responsible. It's worth excluding that day when you compute baseline conversion."
    )

    xs = [r[2] for r in rows]
    ys = [r[3] for r in rows]
    corr = statistics.correlation(xs, ys)
    xs2 = [r[2] for i, r in enumerate(rows) if i != 17]
    ys2 = [r[3] for i, r in enumerate(rows) if i != 17]
    corr2 = statistics.correlation(xs2, ys2)
    a2 = (
        f"The Pearson correlation between daily sessions and signups is **r = {corr:.2f}** over all 35 days, and **r = {corr2:.2f}** if I drop the spike day.\n\n"
        "So more traffic does go with more signups, strongly. But two caveats: a lot of that relationship comes from the weekly cycle (weekdays have both more sessions *and* a higher conversion rate), and correlation here says nothing about which channel drives it. "
        "A better question for planning is whether *extra* traffic converts at the same rate — and the spike day suggests campaign traffic converts worse than your organic baseline."
    )

    last7 = rows[-7:]
    prev7 = rows[-14:-7]
    s7, p7 = sum(r[2] for r in last7), sum(r[2] for r in prev7)
    u7, pu7 = sum(r[3] for r in last7), sum(r[3] for r in prev7)
    a3 = (
        md_table(
            ["Period", "Sessions", "Signups", "Conversion"],
            [
                [f"{prev7[0][0]} – {prev7[-1][0]}", f"{p7:,}", pu7, pct(pu7 / p7, 2)],
                [f"{last7[0][0]} – {last7[-1][0]}", f"{s7:,}", u7, pct(u7 / s7, 2)],
            ],
        )
        + f"\n\nWeek over week, sessions changed by **{pct(s7 / p7 - 1)}** and signups by **{pct(u7 / pu7 - 1)}**. Both weeks are full Monday–Sunday weeks, so the comparison isn't distorted by the weekend effect."
    )

    a5 = (
        "For this data I'd use two charts rather than one:\n\n"
        "1. **Line chart of daily sessions** with a 7-day moving average on top. The raw line shows the weekly saw-tooth and the spike; the moving average shows the underlying growth trend.\n"
        "2. **Bar chart of conversion rate by weekday** (the table from earlier). It makes the weekday/weekend gap obvious at a glance.\n\n"
        "Avoid putting sessions and signups on a dual-axis chart — the scales differ by about 30× and dual axes make it easy to imply a relationship that the axis choice created. If you want both, use two small stacked panels sharing the same x-axis."
    )

    ma_code = code(
        "python",
        """
import pandas as pd
import matplotlib.pyplot as plt

df = pd.read_csv("traffic.csv", parse_dates=["date"])  # columns as in the table
df["sessions_ma7"] = df["sessions"].rolling(7).mean()
df["conversion"] = df["signups"] / df["sessions"]

fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
ax1.plot(df["date"], df["sessions"], color="0.7", label="Daily sessions")
ax1.plot(df["date"], df["sessions_ma7"], color="C0", label="7-day average")
ax1.legend()
ax1.set_ylabel("Sessions")

ax2.bar(df["date"], df["conversion"] * 100, color="C1")
ax2.set_ylabel("Conversion (%)")
fig.autofmt_xdate()
fig.tight_layout()
fig.savefig("traffic.png", dpi=150)
""",
    )
    a6 = f"{ma_code}\n\n`rolling(7).mean()` leaves the first six days empty, which is expected. Export your table to `traffic.csv` with the same column names (strip the `%` from `bounce_rate` if you plan to use it)."

    turns = [
        t(
            f"Daily numbers from our marketing site for the last five weeks:\n\n{table}\n\nWhat's our conversion rate overall and by weekday? Which day is best?",
            "data_analysis",
            [],
            a0,
        ),
        t("Is there any day that looks unusual?", "data_analysis", [0], a1),
        t("How strongly are sessions and signups correlated?", "data_analysis", [0], a2),
        t("Compare the last 7 days with the 7 days before.", "data_analysis", [0], a3),
        ij(),
        t("What kind of chart would you use to show this to the team?", "follow_up", [0, 1], a5),
        t("Write the matplotlib code for that.", "code_generation", [0, 5], a6),
        ij(),
    ]
    return session("analysis-02", turns)


# --------------------------------------------------------------------------- analysis-03 survey
def survey_session():
    rng = random.Random(303)
    depts = {"Engineering": 7.4, "Sales": 6.1, "Support": 5.6, "Marketing": 6.9, "Finance": 7.0}
    rows = []
    for i in range(38):
        dept = rng.choice(list(depts))
        tenure = round(rng.uniform(0.3, 11.5), 1)
        remote = rng.random() < 0.55
        score = depts[dept] + (0.5 if remote else -0.3) - 0.08 * tenure + rng.gauss(0, 0.9)
        score = max(1, min(10, round(score)))
        rows.append([f"E{200 + i}", dept, tenure, "Y" if remote else "N", score])
    table = csv_text(["employee_id", "department", "tenure_years", "remote", "satisfaction"], rows)

    by = defaultdict(list)
    for r in rows:
        by[r[1]].append(r[4])
    ordered = sorted(by, key=lambda k: -statistics.mean(by[k]))
    overall = statistics.mean(r[4] for r in rows)
    a0 = (
        f"Average satisfaction (1–10) by department, highest first. Overall mean: **{overall:.2f}** across {len(rows)} responses.\n\n"
        + md_table(
            ["Department", "Responses", "Mean", "Median", "Min–Max"],
            [
                [
                    k,
                    len(by[k]),
                    f"{statistics.mean(by[k]):.2f}",
                    statistics.median(by[k]),
                    f"{min(by[k])}–{max(by[k])}",
                ]
                for k in ordered
            ],
        )
        + f"\n\n{ordered[0]} is happiest and {ordered[-1]} is the clear outlier on the low side. With only {min(len(v) for v in by.values())}–{max(len(v) for v in by.values())} responses per department, differences under about half a point shouldn't be over-interpreted."
    )

    rem = [r[4] for r in rows if r[3] == "Y"]
    ons = [r[4] for r in rows if r[3] == "N"]
    diff = statistics.mean(rem) - statistics.mean(ons)
    se = math.sqrt(statistics.variance(rem) / len(rem) + statistics.variance(ons) / len(ons))
    tstat = diff / se
    a1 = (
        f"- **Remote (Y):** {len(rem)} people, mean {statistics.mean(rem):.2f}\n"
        f"- **On-site (N):** {len(ons)} people, mean {statistics.mean(ons):.2f}\n\n"
        f"Remote employees score **{diff:+.2f} points** on average. A Welch t-test gives t ≈ {tstat:.2f} "
        + (
            "(p < 0.05), so the gap is unlikely to be pure chance in a sample this size."
            if abs(tstat) > 2.03
            else "which is not significant at the 5% level with this sample size, so treat it as a hint rather than a finding."
        )
        + " It's also not necessarily causal: remote share differs by department, and department alone explains a lot of the variation."
    )

    xs = [r[2] for r in rows]
    ys = [r[4] for r in rows]
    r_ = statistics.correlation(xs, ys)
    slope, intercept = statistics.linear_regression(xs, ys)
    a2 = (
        f"There's a {'weak' if abs(r_) < 0.3 else 'moderate' if abs(r_) < 0.6 else 'strong'} **{'negative' if r_ < 0 else 'positive'}** relationship: Pearson r = {r_:.2f}. "
        f"A simple linear fit gives satisfaction ≈ {intercept:.2f} {slope:+.3f} × tenure, i.e. about {abs(slope) * 5:.1f} points {'lower' if slope < 0 else 'higher'} for every five extra years.\n\n"
        "Two caveats: satisfaction is an integer 1–10 score, so a linear model is only a rough description, and tenure isn't evenly spread across departments. "
        "If you want to separate the effects, a regression with tenure, remote and department together would tell you whether tenure still matters once the others are accounted for."
    )

    low = [r for r in rows if r[4] <= 4]
    a3 = (
        f"{len(low)} employees scored 4 or below:\n\n"
        + md_table(["Employee", "Department", "Tenure", "Remote", "Score"], low)
        + "\n\n"
        + f"{sum(1 for r in low if r[1] == ordered[-1])} of them are in {ordered[-1]}. Since the survey is presumably confidential, I'd report this at department level only and not circulate the IDs."
    )

    a5 = (
        "Subject: Engagement survey – first read of the results\n\n"
        "Hi Maria,\n\n"
        f"I've gone through the {len(rows)} responses. Overall satisfaction averages {overall:.1f} out of 10. {ordered[0]} reports the highest scores and {ordered[-1]} the lowest, "
        f"with {ordered[-1]} also accounting for most of the very low (≤4) scores. Remote staff score about {abs(diff):.1f} points {'higher' if diff > 0 else 'lower'} than on-site staff, "
        f"and satisfaction tends to {'drop' if slope < 0 else 'rise'} slightly with tenure.\n\n"
        f"My suggestion is to start with short listening sessions in {ordered[-1]} before the next planning cycle, and to look at what long-tenured staff say in the free-text answers. "
        "The samples per department are small, so I'd present these as directions to explore rather than firm conclusions.\n\n"
        "Happy to walk through the numbers whenever suits you.\n\nBest,\nJordan"
    )

    turns = [
        t(
            f"HR survey export, anonymised:\n\n```\n{table}\n```\n\nWhat's the average satisfaction per department?",
            "data_analysis",
            [],
            a0,
        ),
        t("Are remote people happier than on-site people?", "data_analysis", [0], a1),
        t("Does satisfaction go down with tenure?", "data_analysis", [0], a2),
        t("List everyone who scored 4 or below.", "extraction", [0], a3),
        ij(),
        t(
            "Draft an email to Maria, our HR lead, with the key takeaways and a suggestion for next steps.",
            "writing",
            [0, 1, 2, 3],
            a5,
        ),
        ij(),
        ij(),
    ]
    return session("analysis-03", turns)


# --------------------------------------------------------------------------- analysis-04 latency
def latency_session():
    rng = random.Random(404)
    endpoints = {"/api/search": (120, 380), "/api/checkout": (210, 640), "/api/profile": (45, 130)}
    rows = []
    for h in range(8, 20):
        for ep, (p50, p95) in endpoints.items():
            load = 1 + 0.5 * math.sin((h - 8) / 11 * math.pi)
            reqs = int(
                {"/api/search": 5200, "/api/checkout": 900, "/api/profile": 2400}[ep] * load
            ) + rng.randint(-150, 150)
            m50 = p50 * (0.9 + 0.2 * rng.random()) * (0.85 + 0.3 * load / 1.5)
            m95 = p95 * (0.9 + 0.25 * rng.random()) * (0.85 + 0.3 * load / 1.5)
            errs = rng.randint(0, 6)
            if ep == "/api/checkout" and h in (14, 15):
                m95 *= 3.4
                m50 *= 1.6
                errs += 70 if h == 14 else 38
            rows.append([f"{h:02d}:00", ep, reqs, round(m50), round(m95), errs])
    table = md_table(["hour", "endpoint", "requests", "p50_ms", "p95_ms", "errors"], rows)

    agg = defaultdict(lambda: [0, 0, []])
    for r in rows:
        agg[r[1]][0] += r[2]
        agg[r[1]][1] += r[5]
        agg[r[1]][2].append(r[4])
    a0 = (
        md_table(
            [
                "Endpoint",
                "Requests",
                "Errors",
                "Error rate",
                "Median hourly p95",
                "Worst hourly p95",
            ],
            [
                [
                    ep,
                    f"{v[0]:,}",
                    v[1],
                    pct(v[1] / v[0], 2),
                    f"{statistics.median(v[2]):.0f} ms",
                    f"{max(v[2])} ms",
                ]
                for ep, v in agg.items()
            ],
        )
        + "\n\n`/api/checkout` is both the slowest and the most error-prone endpoint, and its worst hour is far outside its normal range. "
        'Note that I used the median of the hourly p95 values as the "typical p95": you can\'t average or add percentiles across hours to get a true daily p95 — that needs the raw latency data.'
    )

    bad = [r for r in rows if r[1] == "/api/checkout" and r[3] > 0]
    bad = sorted(bad, key=lambda r: -r[4])[:2]
    a1 = (
        f"Yes: **{bad[1][0] if bad[1][0] < bad[0][0] else bad[0][0]}–{int(max(bad[0][0], bad[1][0])[:2]) + 1:02d}:00 on /api/checkout**. "
        f"p95 jumped to {bad[0][4]} ms and {bad[1][4]} ms (normally ~{statistics.median(agg['/api/checkout'][2]):.0f} ms), p50 rose too, and errors went from single digits to {bad[0][5]} and {bad[1][5]}.\n\n"
        "The other two endpoints stay normal in those hours, and traffic to checkout isn't unusually high, so this doesn't look like a general overload. "
        "Something specific to checkout — typically a downstream dependency such as the payment provider, a slow database query, or a deploy — is the first thing I'd check. "
        "The errors starting together with the latency suggests timeouts."
    )

    tot_req = sum(r[2] for r in rows)
    a2 = (
        f"Across the 12 hours the service handled **{tot_req:,} requests**, about {tot_req / 12:,.0f} per hour or {tot_req / 12 / 3600:.1f} per second on average. "
        f"The busiest hour was {max({r[0] for r in rows}, key=lambda h: sum(r[2] for r in rows if r[0] == h))} with "
        f"{max(sum(r[2] for r in rows if r[0] == h) for h in {r[0] for r in rows}):,} requests. For capacity planning, size for the peak hour plus headroom (commonly 2×), not for the average."
    )

    a4 = (
        "**Incident summary – checkout latency and errors**\n\n"
        f"**When:** {bad[0][0][:2]}:00–16:00 (approx.), based on hourly metrics.\n"
        f"**Impact:** `/api/checkout` p95 latency rose to ~{max(bad[0][4], bad[1][4])} ms (about 3× normal) and {bad[0][5] + bad[1][5]} requests failed over two hours, "
        "so some customers could not complete purchases. Search and profile were unaffected.\n"
        "**Cause:** under investigation. The pattern (checkout only, no traffic surge, errors and latency together) points to a downstream dependency or a change deployed shortly before 14:00.\n"
        "**Next steps:** check deploy log and payment-provider status for that window; pull per-request traces for failed checkouts; add an alert on checkout p95 > 1,000 ms for 10 minutes."
    )

    alert_code = code(
        "yaml",
        """
groups:
  - name: checkout
    rules:
      - alert: CheckoutLatencyHigh
        expr: |
          histogram_quantile(0.95,
            sum by (le) (rate(http_request_duration_seconds_bucket{route="/api/checkout"}[5m]))
          ) > 1
        for: 10m
        labels:
          severity: page
        annotations:
          summary: "Checkout p95 latency above 1s for 10 minutes"
      - alert: CheckoutErrorRateHigh
        expr: |
          sum(rate(http_requests_total{route="/api/checkout",status=~"5.."}[5m]))
            / sum(rate(http_requests_total{route="/api/checkout"}[5m])) > 0.02
        for: 5m
        labels:
          severity: page
        annotations:
          summary: "Checkout 5xx rate above 2%"
""",
    )
    a6 = (
        f"Assuming Prometheus with a standard HTTP histogram (`http_request_duration_seconds`) and a request counter labelled by route and status:\n\n{alert_code}\n\n"
        "The 1 s latency threshold sits comfortably above the normal checkout p95 in your table (even in busy hours) and far below the 2.5 s seen during the incident, so it would have fired then without paging on an ordinary day. "
        "The `for:` clauses avoid paging on a single slow scrape. Adjust the metric and label names to whatever your instrumentation library exports."
    )

    turns = [
        t(
            f"Hourly metrics from yesterday for our three main endpoints:\n\n{table}\n\nWhich endpoint is slowest and which has the highest error rate?",
            "data_analysis",
            [],
            a0,
        ),
        t("Was there an incident? When?", "data_analysis", [0], a1),
        t(
            "How many requests did we serve in total, and what's that per second?",
            "data_analysis",
            [0],
            a2,
        ),
        ij(),
        t("Write a short incident summary for the status channel.", "writing", [0, 1], a4),
        ij(),
        t("Write Prometheus alert rules that would have caught this.", "code_generation", [1], a6),
        ij(),
    ]
    return session("analysis-04", turns)


# --------------------------------------------------------------------------- analysis-05 A/B test
def ab_session():
    rng = random.Random(505)
    rows = []
    start = date(2024, 5, 6)
    for i in range(14):
        d = start + timedelta(days=i)
        for variant, rate in (("A", 0.041), ("B", 0.0465)):
            visitors = rng.randint(1700, 2300)
            conv = sum(1 for _ in range(visitors) if rng.random() < rate)
            rows.append([d.isoformat(), variant, visitors, conv])
    table = csv_text(["date", "variant", "visitors", "conversions"], rows)
    va = sum(r[2] for r in rows if r[1] == "A")
    ca = sum(r[3] for r in rows if r[1] == "A")
    vb = sum(r[2] for r in rows if r[1] == "B")
    cb = sum(r[3] for r in rows if r[1] == "B")
    pa, pb = ca / va, cb / vb
    lift = pb / pa - 1
    pp = (ca + cb) / (va + vb)
    se = math.sqrt(pp * (1 - pp) * (1 / va + 1 / vb))
    z = (pb - pa) / se
    p = math.erfc(abs(z) / math.sqrt(2))
    p_txt = f"{p:.4f}" if p >= 0.0001 else "< 0.0001"
    se_d = math.sqrt(pa * (1 - pa) / va + pb * (1 - pb) / vb)
    lo, hi = (pb - pa) - 1.96 * se_d, (pb - pa) + 1.96 * se_d

    a0 = (
        md_table(
            ["Variant", "Visitors", "Conversions", "Conversion rate"],
            [
                ["A (control)", f"{va:,}", f"{ca:,}", pct(pa, 2)],
                ["B (new checkout)", f"{vb:,}", f"{cb:,}", pct(pb, 2)],
            ],
        )
        + f"\n\nB converts at {pct(pb, 2)} vs {pct(pa, 2)} for A: an absolute difference of **{(pb - pa) * 100:+.2f} percentage points**, a relative lift of **{pct(lift)}**."
    )
    a1 = (
        "Two-proportion z-test, pooled:\n\n"
        f"1. Pooled rate p = ({ca:,} + {cb:,}) / ({va:,} + {vb:,}) = {pp:.5f}\n"
        f"2. Standard error = √(p(1−p)(1/n_A + 1/n_B)) = {se:.5f}\n"
        f"3. z = (p_B − p_A) / SE = ({pb:.5f} − {pa:.5f}) / {se:.5f} = **{z:.2f}**\n"
        f"4. Two-sided p-value = **{p_txt}**\n\n"
        f"95% confidence interval for the difference (unpooled): **{lo * 100:+.2f} to {hi * 100:+.2f} percentage points**.\n\n"
        + (
            "At the usual 5% level the difference is statistically significant, and the interval excludes zero."
            if p < 0.05
            else "At the usual 5% level this is not statistically significant: the interval includes zero, so the data are compatible with no real difference."
        )
    )
    daily_b_wins = sum(
        1
        for i in range(0, len(rows), 2)
        if rows[i + 1][3] / rows[i + 1][2] > rows[i][3] / rows[i][2]
    )
    a2 = (
        f"B had the higher conversion rate on **{daily_b_wins} of 14 days**. "
        "That consistency is reassuring, but don't run a significance test per day or stop the test on the first day it looks significant — repeatedly checking inflates the false-positive rate. "
        "The pooled two-week comparison, with the duration fixed in advance, is the one to trust. Two full weeks also covers the weekly cycle, which is good practice."
    )
    need = 2 * ((1.96 + 0.84) ** 2) * pa * (1 - pa) / ((pa * 0.05) ** 2)
    a4 = (
        f"To detect a 5% relative lift (from {pct(pa, 2)} to {pct(pa * 1.05, 2)}) with 80% power at α = 0.05, the standard approximation is\n\n"
        "n per variant ≈ 2 × (z₀.₉₇₅ + z₀.₈)² × p(1−p) / δ²\n\n"
        f"with z-values 1.96 and 0.84, p = {pa:.4f} and δ = {pa * 0.05:.5f}, which gives **about {need:,.0f} visitors per variant**. "
        f"At your current traffic (~{va / 14:,.0f} per variant per day) that's roughly {need / (va / 14):.0f} days — so small lifts like 5% need a much longer test than the one you ran."
    )
    a6 = (
        f"**Recommendation: ship variant B{'' if p < 0.05 else ' only if the risk is low; otherwise extend the test'}.**\n\n"
        f"Over two weeks and {va + vb:,} visitors, the new checkout converted at {pct(pb, 2)} versus {pct(pa, 2)} for the current one — a {pct(lift)} relative improvement "
        f"(p {p_txt if p_txt.startswith('<') else '= ' + p_txt}; 95% CI {lo * 100:+.2f} to {hi * 100:+.2f} points). B won on {daily_b_wins} of 14 days. "
        "The true effect could be smaller than measured, so we should keep monitoring conversion for a few weeks after rollout and compare against this baseline."
    )
    turns = [
        t(
            f"Results from our checkout A/B test (B is the new one-page checkout):\n\n```csv\n{table}\n```\n\nWhat are the conversion rates and the lift?",
            "data_analysis",
            [],
            a0,
        ),
        t("Is the difference statistically significant? Show the calculation.", "math", [0], a1),
        t("Did B win consistently day by day?", "data_analysis", [0], a2),
        ij(),
        t(
            "How many visitors would we need to reliably detect a 5% relative lift?",
            "math",
            [0],
            a4,
        ),
        ij(),
        t("Write a short recommendation for the product channel.", "writing", [0, 1, 2], a6),
    ]
    return session("analysis-05", turns)


# --------------------------------------------------------------------------- analysis-06 expenses
def expenses_session():
    rng = random.Random(606)
    cats = {
        "Groceries": (["Lidl", "Whole Foods", "Trader Joe's"], 25, 140),
        "Dining": (["Pho Saigon", "Blue Bottle", "Chipotle", "Sushi Go"], 6, 70),
        "Transport": (["Uber", "Metro card", "Shell"], 3, 60),
        "Subscriptions": (["Netflix", "Spotify", "iCloud", "Gym"], 3, 45),
        "Shopping": (["Amazon", "Uniqlo", "IKEA"], 12, 180),
        "Utilities": (["ConEd", "Verizon"], 45, 120),
    }
    rows = []
    d = date(2024, 4, 1)
    for _ in range(48):
        d += timedelta(days=rng.choice([0, 1, 1, 1, 2]))
        if d.month != 4 and d.day > 30:
            break
        cat = rng.choice(list(cats))
        merch, lo, hi = cats[cat]
        rows.append([d.isoformat(), cat, rng.choice(merch), f"{rng.uniform(lo, hi):.2f}"])
    table = csv_text(["date", "category", "merchant", "amount_usd"], rows)
    amt = [float(r[3]) for r in rows]
    total = sum(amt)
    bycat = defaultdict(float)
    for r, a in zip(rows, amt, strict=True):
        bycat[r[1]] += a
    cs = sorted(bycat.items(), key=lambda kv: -kv[1])
    a0 = (
        md_table(["Category", "Spent", "Share"], [[k, money(v), pct(v / total)] for k, v in cs])
        + f"\n| **Total** | **{money(total)}** | 100% |\n\n"
        f"{cs[0][0]} and {cs[1][0]} together make up {pct((cs[0][1] + cs[1][1]) / total)} of the {len(rows)} transactions' value "
        f"(covering {rows[0][0]} to {rows[-1][0]})."
    )
    bym = defaultdict(lambda: [0, 0.0])
    for r, a in zip(rows, amt, strict=True):
        bym[r[2]][0] += 1
        bym[r[2]][1] += a
    top = sorted(bym.items(), key=lambda kv: -kv[1][1])[:5]
    a1 = (
        md_table(["Merchant", "Transactions", "Total"], [[k, v[0], money(v[1])] for k, v in top])
        + f"\n\nThe single largest purchase was {money(max(amt))} at {rows[amt.index(max(amt))][2]} on {rows[amt.index(max(amt))][0]}."
    )
    subs = [(r, a) for r, a in zip(rows, amt, strict=True) if r[1] == "Subscriptions"]
    a2 = (
        f"There are {len(subs)} subscription charges totalling {money(sum(a for _, a in subs))}:\n\n"
        + "\n".join(f"- {r[0]} — {r[2]}: {money(a)}" for r, a in subs)
        + "\n\nSome merchants appear more than once in the month, which is worth checking: a monthly subscription should only be charged once. "
        "Either there are two accounts (e.g. a family member's plan on your card) or one is an add-on purchase. Your bank app usually shows the full billing descriptor, which helps tell them apart."
    )
    dining = bycat["Dining"]
    a4 = (
        f"Based on this month ({money(total)} total), the most realistic levers are:\n\n"
        f"1. **Dining ({money(dining)})** — cutting this by a third saves about {money(dining / 3)} a month. Coffee-shop visits are small individually but frequent.\n"
        f"2. **Subscriptions ({money(bycat['Subscriptions'])})** — resolve the duplicate charges and cancel anything not used in the last month.\n"
        f"3. **Shopping ({money(bycat['Shopping'])})** — a 48-hour rule for non-essential purchases over $50 tends to cut impulse buys without feeling like a diet.\n"
        "4. **Groceries** — you're already cooking at home; a weekly list and one shop per week instead of several top-ups is the usual saving.\n\n"
        f"Together, a realistic target would be {money(dining / 3 + bycat['Subscriptions'] * 0.3 + bycat['Shopping'] * 0.25)} a month, "
        f"or about {money(12 * (dining / 3 + bycat['Subscriptions'] * 0.3 + bycat['Shopping'] * 0.25))} a year."
    )
    turns = [
        t(
            f"My card transactions for April, exported from the bank:\n\n```\n{table}\n```\n\nHow much did I spend per category?",
            "data_analysis",
            [],
            a0,
        ),
        t("Top 5 merchants by total spend?", "data_analysis", [0], a1),
        t("List all subscription charges. Anything weird?", "extraction", [0], a2),
        ij(),
        t("Where could I realistically save money?", "reasoning", [0, 1, 2], a4),
        ij(),
        ij(),
    ]
    return session("analysis-06", turns)


# --------------------------------------------------------------------------- analysis-07 grades
def grades_session():
    rng = random.Random(707)
    first = [
        "Ava",
        "Liam",
        "Noah",
        "Emma",
        "Mia",
        "Lucas",
        "Zoe",
        "Ethan",
        "Chloe",
        "Omar",
        "Ines",
        "Yuki",
        "Sara",
        "Leo",
        "Nina",
        "Kofi",
        "Maya",
        "Arjun",
        "Hana",
        "Ivan",
        "Lena",
        "Diego",
        "Priya",
        "Sam",
        "Tara",
        "Felix",
        "Rosa",
        "Jonah",
        "Aisha",
        "Milo",
        "Elif",
        "Theo",
    ]
    rows = []
    for name in first:
        ability = rng.gauss(72, 11)
        hw = max(40, min(100, round(ability + rng.gauss(6, 6))))
        mid = max(25, min(100, round(ability + rng.gauss(-3, 9))))
        fin = max(25, min(100, round(ability + rng.gauss(0, 9))))
        rows.append([name, hw, mid, fin])
    table = md_table(["student", "homework", "midterm", "final"], rows)

    def weighted(r):
        return 0.2 * r[1] + 0.3 * r[2] + 0.5 * r[3]

    def letter(x):
        return "A" if x >= 90 else "B" if x >= 80 else "C" if x >= 70 else "D" if x >= 60 else "F"

    w = {r[0]: weighted(r) for r in rows}
    ranked = sorted(rows, key=lambda r: -w[r[0]])
    a0 = (
        "Weighted grade = 0.2 × homework + 0.3 × midterm + 0.5 × final:\n\n"
        + md_table(
            ["Rank", "Student", "Weighted", "Letter"],
            [[i + 1, r[0], f"{w[r[0]]:.1f}", letter(w[r[0]])] for i, r in enumerate(ranked)],
        )
        + f"\n\nClass average: **{statistics.mean(w.values()):.1f}**, median {statistics.median(w.values()):.1f}."
    )
    dist = defaultdict(int)
    for v in w.values():
        dist[letter(v)] += 1
    a1 = (
        md_table(
            ["Letter", "Students", "Share"],
            [[k, dist[k], pct(dist[k] / len(rows))] for k in "ABCDF"],
        )
        + f"\n\n{dist['A'] + dist['B']} of {len(rows)} students ({pct((dist['A'] + dist['B']) / len(rows))}) have an A or B, and {dist['F']} would currently fail. "
        "That's a fairly typical bell shape centred on C/B for a class with this mean."
    )
    stats_rows = []
    for idx, col in ((1, "Homework"), (2, "Midterm"), (3, "Final")):
        vals = [r[idx] for r in rows]
        stats_rows.append(
            [
                col,
                f"{statistics.mean(vals):.1f}",
                statistics.median(vals),
                f"{statistics.stdev(vals):.1f}",
                min(vals),
                max(vals),
            ]
        )
    a2 = (
        md_table(["Component", "Mean", "Median", "Std dev", "Min", "Max"], stats_rows)
        + "\n\nHomework has the highest mean and the smallest spread — typical, since students can take their time and get help. "
        "The exams spread students out much more, so they drive most of the differences in the final ranking (and the final carries half the weight)."
    )
    imp = sorted(rows, key=lambda r: -(r[3] - r[2]))
    a3 = (
        "Change from midterm to final:\n\n"
        + "\n".join(f"- **{r[0]}**: {r[2]} → {r[3]} ({r[3] - r[2]:+d})" for r in imp[:5])
        + f"\n\nThe biggest drops were {imp[-1][0]} ({imp[-1][3] - imp[-1][2]:+d}) and {imp[-2][0]} ({imp[-2][3] - imp[-2][2]:+d}). "
        "Keep in mind that some of this is regression to the mean: students with an unusually bad midterm tend to do better on the next exam even without any real change."
    )
    corr = statistics.correlation([r[1] for r in rows], [r[3] for r in rows])
    a4 = (
        f"The correlation between homework and final exam scores is **r = {corr:.2f}** — a "
        f"{'strong' if corr > 0.6 else 'moderate' if corr > 0.3 else 'weak'} positive relationship. Students who do well on homework tend to do well on the final, "
        "but it's far from a perfect predictor: homework is done with time and resources, while the exam tests what students can do alone under time pressure. "
        "A few students with high homework scores and weak exams might be worth a conversation."
    )
    at_risk = [r for r in rows if w[r[0]] < 65]
    a6 = (
        f"{len(at_risk)} students are below 65:\n\n"
        + md_table(
            ["Student", "Homework", "Midterm", "Final", "Weighted"],
            [[*r, f"{w[r[0]]:.1f}"] for r in at_risk],
        )
        + "\n\nFor each of them the final exam is the weakest or second-weakest component, so targeted exam practice (past papers under timed conditions) is likely to help more than extra homework."
    )
    new_w = {r[0]: 0.1 * r[1] + 0.3 * r[2] + 0.6 * r[3] for r in rows}
    changed = [r[0] for r in rows if letter(new_w[r[0]]) != letter(w[r[0]])]
    a7 = (
        f"With 10/30/60 weights the class average becomes **{statistics.mean(new_w.values()):.1f}** (from {statistics.mean(w.values()):.1f}). "
        f"{len(changed)} student{'s' if len(changed) != 1 else ''} would change letter grade"
        + (
            ": " + ", ".join(f"{n} ({letter(w[n])} → {letter(new_w[n])})" for n in changed) + "."
            if changed
            else "."
        )
        + " Reducing the homework weight lowers grades overall, because homework is the highest-scoring component."
    )
    turns = [
        t(
            f"Here are my class's scores (all out of 100):\n\n{table}\n\nCompute each student's weighted grade — homework 20%, midterm 30%, final 50% — and rank them.",
            "data_analysis",
            [],
            a0,
        ),
        t(
            "What's the letter grade distribution? A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F.",
            "data_analysis",
            [0],
            a1,
        ),
        t("Mean, median and standard deviation for each component?", "data_analysis", [0], a2),
        t("Who improved the most from midterm to final?", "data_analysis", [0], a3),
        t("Is homework a good predictor of the final exam?", "data_analysis", [0], a4),
        t(
            "Totally unrelated: what's the difference between weather and climate?",
            "qa",
            [],
            "**Weather** is the state of the atmosphere at a particular time and place — today's rain, tomorrow's heat wave. **Climate** is the long-term pattern of weather in a region, usually averaged over 30 years or more. As the saying goes: climate is what you expect, weather is what you get.",
        ),
        t("Which students are below 65 overall?", "data_analysis", [0], a6),
        t("What if I change the weights to 10/30/60?", "data_analysis", [0, 1], a7),
        t(
            "1. How many minutes is 2.75 hours?\n2. What's 12.5% of 640?\n3. Round 3.14159 to 3 decimal places.",
            "math",
            [],
            "1. 2.75 × 60 = **165 minutes**.\n2. 0.125 × 640 = **80**.\n3. **3.142**.",
        ),
        t(
            "Write a short note to parents of students below 65 offering extra help sessions. No names.",
            "writing",
            [6],
            "Dear parent or guardian,\n\nAs we approach the end of term, I'd like to offer some additional support. Your child's overall grade is currently below the level I'd like to see, mainly because of exam performance rather than effort in homework.\n\nI'll be running optional exam-practice sessions on Tuesdays and Thursdays from 3:30 to 4:30 pm in Room 12 for the next four weeks. We'll work through past papers under timed conditions and go over common mistakes together.\n\nPlease encourage your child to attend, and feel free to contact me if you have any questions.\n\nKind regards,\nMs. Okafor",
        ),
    ]
    return session("analysis-07", turns)


# --------------------------------------------------------------------------- analysis-08 inventory
def inventory_session():
    rng = random.Random(808)
    items = [
        ("SKU-1001", "USB-C cable 1m", 4.20),
        ("SKU-1002", "USB-C cable 2m", 5.10),
        ("SKU-1003", "Wall charger 30W", 11.50),
        ("SKU-1004", "Wall charger 65W", 19.80),
        ("SKU-1005", "Power bank 10k", 16.40),
        ("SKU-1006", "Power bank 20k", 24.90),
        ("SKU-1007", "Wireless mouse", 9.70),
        ("SKU-1008", "Keyboard compact", 21.30),
        ("SKU-1009", "Laptop stand", 14.60),
        ("SKU-1010", "HDMI cable 2m", 3.80),
        ("SKU-1011", "USB hub 4-port", 8.90),
        ("SKU-1012", "Webcam 1080p", 27.50),
        ("SKU-1013", "Headset USB", 22.10),
        ("SKU-1014", "Screen cleaner kit", 2.40),
        ("SKU-1015", "Phone case A", 3.10),
        ("SKU-1016", "Phone case B", 3.30),
        ("SKU-1017", "Screen protector", 1.20),
        ("SKU-1018", "Car mount", 6.70),
        ("SKU-1019", "Bluetooth speaker", 18.90),
        ("SKU-1020", "Earbuds basic", 12.40),
        ("SKU-1021", "Earbuds pro", 38.60),
        ("SKU-1022", "Smartwatch strap", 2.90),
        ("SKU-1023", "SD card 128GB", 9.20),
        ("SKU-1024", "SSD external 1TB", 54.00),
        ("SKU-1025", "Desk lamp LED", 13.70),
        ("SKU-1026", "Cable organiser", 1.90),
        ("SKU-1027", "Ring light", 15.30),
        ("SKU-1028", "Tripod mini", 7.40),
    ]
    rows = []
    for sku, name, cost in items:
        weekly = max(1, round(rng.lognormvariate(3.0, 0.8)))
        on_hand = rng.randint(0, 14) * weekly // 2 + rng.randint(0, 30)
        if sku in ("SKU-1014", "SKU-1026"):
            on_hand, weekly = 640, 3
        lead = rng.choice([1, 2, 2, 3, 4, 6])
        rows.append([sku, name, on_hand, weekly, lead, f"{cost:.2f}"])
    table = csv_text(
        ["sku", "name", "on_hand", "avg_weekly_sales", "lead_time_weeks", "unit_cost"], rows
    )

    cover = {r[0]: r[2] / r[3] for r in rows}
    reorder = [r for r in rows if cover[r[0]] < r[4] + 1]
    a0 = (
        "A simple rule: reorder when stock covers less than the supplier lead time plus one week of safety stock (weeks of cover = on_hand ÷ avg_weekly_sales).\n\n"
        + md_table(
            ["SKU", "Item", "On hand", "Weekly sales", "Weeks of cover", "Lead time (wk)"],
            [
                [r[0], r[1], r[2], r[3], f"{cover[r[0]]:.1f}", r[4]]
                for r in sorted(reorder, key=lambda r: cover[r[0]] - r[4])
            ],
        )
        + f"\n\n**{len(reorder)} of {len(rows)} SKUs** need reordering now. "
        + (
            f"{', '.join(r[1] for r in reorder if r[2] == 0)} {'is' if sum(1 for r in reorder if r[2] == 0) == 1 else 'are'} already out of stock."
            if any(r[2] == 0 for r in reorder)
            else "None is completely out of stock yet, but the ones at the top will run out before a new delivery can arrive."
        )
    )
    qty = {r[0]: max(0, math.ceil(r[3] * (r[4] + 4) - r[2])) for r in reorder}
    spend = sum(qty[r[0]] * float(r[5]) for r in reorder)
    a1 = (
        "Ordering enough to cover lead time plus four weeks of sales: quantity = weekly sales × (lead time + 4) − on hand.\n\n"
        + md_table(
            ["SKU", "Item", "Order qty", "Unit cost", "Line total"],
            [
                [r[0], r[1], qty[r[0]], money(float(r[5])), money(qty[r[0]] * float(r[5]))]
                for r in reorder
            ],
        )
        + f"\n\n**Total purchase: {money(spend)}.** If cash is tight, prioritise by weeks of cover first, since those will stock out soonest."
    )
    value = {r[0]: r[2] * float(r[5]) for r in rows}
    tot_val = sum(value.values())
    slow = sorted(rows, key=lambda r: -cover[r[0]])[:4]
    a2 = (
        f"Total inventory value at cost is **{money(tot_val)}**.\n\nThe slowest movers by weeks of cover:\n\n"
        + md_table(
            ["SKU", "Item", "On hand", "Weekly sales", "Weeks of cover", "Value"],
            [[r[0], r[1], r[2], r[3], f"{cover[r[0]]:.0f}", money(value[r[0]])] for r in slow],
        )
        + "\n\nThe screen cleaner kits and cable organisers stand out: more than 200 weeks of stock at current sales. They're cheap, so the cash tied up is small, but they take shelf space. "
        "A bundle (e.g. free cleaner kit with a laptop stand or webcam) would move them without discounting higher-margin items."
    )
    abc = sorted(rows, key=lambda r: -(r[3] * float(r[5])))
    annual = {r[0]: r[3] * 52 * float(r[5]) for r in rows}
    tot_annual = sum(annual.values())
    cum = 0.0
    classes = {}
    for r in abc:
        cum += annual[r[0]]
        classes[r[0]] = "A" if cum / tot_annual <= 0.8 else "B" if cum / tot_annual <= 0.95 else "C"
    a3 = (
        "ABC analysis on annual consumption value (weekly sales × 52 × unit cost): A = items making up the first 80% of value, B = the next 15%, C = the last 5%.\n\n"
        + md_table(
            ["Class", "SKUs", "Items"],
            [
                [
                    c,
                    sum(1 for v in classes.values() if v == c),
                    ", ".join(r[1] for r in abc if classes[r[0]] == c),
                ]
                for c in "ABC"
            ],
        )
        + "\n\nA-items deserve weekly stock checks and tighter safety stock; C-items can be reviewed monthly and ordered in larger, less frequent batches."
    )
    turns = [
        t(
            f"Inventory snapshot from our shop:\n\n```csv\n{table}\n```\n\nWhich items do I need to reorder now?",
            "data_analysis",
            [],
            a0,
        ),
        t("How much should I order of each, and what will it cost?", "data_analysis", [0], a1),
        t(
            "What's the total stock value and what are the slowest movers?",
            "data_analysis",
            [0],
            a2,
        ),
        t(
            "I'm at the wholesaler — how do you say 'Do you offer a discount for bulk orders?' in Mandarin?",
            "translation",
            [],
            '"大量订购有折扣吗？" (Dàliàng dìnggòu yǒu zhékòu ma?) — literally "Is there a discount for large orders?". A slightly more formal version is "批量采购可以打折吗？" (Pīliàng cǎigòu kěyǐ dǎzhé ma?).',
        ),
        t("Do an ABC analysis on this.", "data_analysis", [0], a3),
        t(
            "Quick: what's the difference between gross margin and markup?",
            "qa",
            [],
            "Both compare price and cost, but against different bases. **Markup** = (price − cost) / cost; **gross margin** = (price − cost) / price. An item bought for $10 and sold for $15 has a 50% markup but a 33.3% margin. Margin can never reach 100%; markup can.",
        ),
        t(
            "If I sell the 65W charger at $34.99, what's my margin and markup on it?",
            "math",
            [0],
            "From your table, the 65W wall charger (SKU-1004) costs **$19.80**.\n\n- Profit per unit: 34.99 − 19.80 = $15.19\n- **Gross margin:** 15.19 / 34.99 = **43.4%**\n- **Markup:** 15.19 / 19.80 = **76.7%**\n\n(Before VAT/sales tax and any payment fees.)",
        ),
        t(
            "Write a short email to our supplier placing the reorder.",
            "writing",
            [1],
            "Subject: Purchase order – restock\n\nHello,\n\nWe'd like to place an order for the items below, with quantities as listed in the attached table (SKU, description and quantity as per your catalogue):\n\n"
            + "\n".join(f"- {r[0]} {r[1]}: {qty[r[0]]} units" for r in reorder)
            + "\n\nPlease confirm availability, the total including shipping, and the expected delivery date. If any item has a lead time longer than usual, let us know so we can adjust.\n\nThank you,\nGadget Corner",
        ),
        t(
            "1. What does FIFO stand for in inventory?\n2. What's a SKU?\n3. What's dead stock?",
            "qa",
            [],
            "1. **First In, First Out** — the oldest stock is sold (or costed) first.\n2. **Stock Keeping Unit** — an internal code identifying a specific product variant (size, colour, model).\n3. **Dead stock** is inventory that hasn't sold for a long time and is unlikely to sell at full price — often defined as no sales in 6–12 months.",
        ),
    ]
    return session("analysis-08", turns)


def sessions():
    return [
        sales_session(),
        traffic_session(),
        survey_session(),
        latency_session(),
        ab_session(),
        expenses_session(),
        grades_session(),
        inventory_session(),
    ]
