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
        rows.append([f"SO-{1040 + i}", d.isoformat(), rng.choice(regions), prod, units, products[prod]])
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
        f"Revenue is `units × unit_price` per order. Totals by region, highest first:\n\n"
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
        f"Without that one order the average would be {money(statistics.mean(rev_wo))}. For a \"typical order\" figure, the median is the safer number to quote."
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
        '''
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
''',
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
        t("Which product sold the most units, and which one brought in the most revenue?", "data_analysis", [0], a1),
        t("Show me revenue per month with the % change from the previous month.", "data_analysis", [0], a2),
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
            [[k, f"{wd[k][0] / wd[k][2]:,.0f}", f"{wd[k][1] / wd[k][2]:.1f}", pct(wd[k][1] / wd[k][0], 2)] for k in order],
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
        '''
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
''',
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
            [[k, len(by[k]), f"{statistics.mean(by[k]):.2f}", statistics.median(by[k]), f"{min(by[k])}–{max(by[k])}"] for k in ordered],
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
