# ruff: noqa: E501, RUF001
"""Long documents pasted for summarization, then questions on the summary or the document."""

from wl_helpers import session, t
from wl_pool import interject


def ij():
    user, category, answer = interject()
    return t(user, category, [], answer)


# --------------------------------------------------------------------------- documents-01
QBR_MEMO = """
MEMO
To: Executive Team
From: Dana Whitfield, VP Operations
Date: 14 October 2024
Subject: Q3 2024 Operations Review — Fulfilment, Returns and Staffing

1. Purpose

This memo summarises operational performance for the third quarter (July to September 2024), explains the main variances against plan, and sets out the decisions I am asking the executive team to take at the 21 October meeting. Detailed figures are in the attached workbook; the numbers below are rounded.

2. Headline results

Order volume reached 412,000 orders in Q3, 9% above Q2 and 4% above plan. Growth was concentrated in August, when the back-to-school campaign drove a 31% week-on-week increase in the second week of the month. Average order value fell slightly, from $58.40 to $56.90, largely because the campaign promoted lower-priced stationery bundles.

On-time dispatch (orders leaving the warehouse within 24 hours of payment) averaged 93.1% against a target of 96%. July was on target at 96.4%, August dropped to 88.7% and September recovered to 94.2%. The August shortfall is almost entirely explained by the campaign peak: we processed 58,000 orders in the peak fortnight with staffing planned for 45,000.

Cost per order shipped was $6.12, up from $5.71 in Q2 and above the plan of $5.80. Roughly two thirds of the increase comes from overtime and agency labour during August; the remaining third comes from the carrier surcharge introduced by ParcelWay on 1 August (a fuel and peak surcharge of $0.18 per parcel), which we did not anticipate in the plan.

Customer contacts per 100 orders rose from 7.9 to 9.6. "Where is my order" enquiries account for most of the increase, which is consistent with the dispatch delays. Customer satisfaction (post-delivery survey) slipped from 4.5 to 4.3 out of 5.

3. Returns

The returns rate rose to 8.4% of orders from 7.1% in Q2. Apparel remains the largest contributor, with a returns rate of 21%, mostly for sizing reasons. Two changes in the quarter made a difference. First, the new returns portal launched on 15 July cut the average time to issue a refund from 9.2 days to 5.6 days, and complaints about refunds fell by about 40%. Second, because the portal makes returning easier, we believe it also contributed to part of the increase in the returns rate itself. We estimate that between a quarter and a third of the increase is attributable to the portal, and the rest to the category mix of the campaign.

Processing capacity for returns is now the constraint. The returns bay at the Riverside site handles about 2,400 items per day at full staffing; in September we averaged 2,150 with peaks above 3,000, leaving a backlog of roughly 11,000 items at quarter end. Items in the backlog cannot be resold until inspected, which ties up around $310,000 of stock at cost.

4. Staffing

Headcount at the end of the quarter was 286 permanent staff and an average of 64 agency workers, against a plan of 290 and 40. Permanent staff turnover was 6.8% for the quarter, higher than the 4–5% we usually see, with most leavers in the night shift. Exit interviews point to two issues: the rota being published less than a week in advance during August, and the lack of a shift premium compared with the two new warehouses that opened nearby in the spring. Agency workers cost on average 38% more per productive hour than permanent staff once training time and lower productivity are included.

Safety performance was good: one reportable incident (a minor forklift collision, no injuries) against three in Q2, and near-miss reporting increased after the refresher training in July, which we regard as a positive sign.

5. Systems

The warehouse management system upgrade was completed on 3 September, two weeks late. Pick rates were 12% lower than normal for the first week after go-live while staff adapted to the new handheld screens, then returned to normal and are now 5% above the pre-upgrade baseline. The slotting optimisation module, which places fast-moving items nearer to packing stations, is planned for November and is expected to add a further 6–8% to pick rates.

6. Outlook for Q4

We expect Q4 order volume of 520,000 to 560,000 orders, with the Black Friday week alone likely to reach 70,000 orders. Based on the August experience, I do not believe we can hit the 96% dispatch target in peak weeks with the current permanent headcount, even with agency support, because agency onboarding takes about two weeks and agency productivity is lower in the first month.

7. Decisions requested

(a) Approve recruitment of 30 additional permanent seasonal staff starting no later than 4 November, on 12-week contracts, at an estimated cost of $540,000. This is partly offset by an estimated $220,000 reduction in agency spend.

(b) Approve a night-shift premium of 10%, effective 1 November, at an annual cost of roughly $390,000, to bring us in line with local competitors and reduce turnover.

(c) Approve a temporary second returns shift at Riverside from 28 October to 31 January to clear the backlog and handle post-holiday returns, estimated at $145,000.

(d) Agree that the on-time dispatch target for the Black Friday and Cyber Monday weeks is set at 90% rather than 96%, with customer-facing delivery promises adjusted accordingly, so that we are not over-promising during the peak.

(e) Ask Finance to open discussions with an alternative carrier for a share of our volume before the ParcelWay contract renewal in February, given the unplanned surcharge.

8. Risks

The main risks for Q4 are a tight labour market, which may mean we cannot fill all 30 seasonal roles in time; a possible repeat of the carrier surcharge at a higher rate during peak; and the slotting module slipping into December, which would remove the expected productivity gain exactly when we need it most. I recommend we decide in November, not December, whether to postpone the slotting go-live until January if it is not ready by 18 November, to avoid a system change during peak.

Please send any questions before the meeting. I will bring the detailed workbook and the recruitment plan from HR.
"""

D01_SUM = """
**Summary – Q3 2024 Operations Review (Dana Whitfield, VP Operations)**

Q3 volume was strong — 412,000 orders, 9% above Q2 and 4% above plan — but the August back-to-school peak overwhelmed the warehouse. On-time dispatch averaged 93.1% against a 96% target (88.7% in August), cost per order rose to $6.12 versus a $5.80 plan (mostly overtime and agency labour, plus a new $0.18 ParcelWay surcharge), customer contacts rose to 9.6 per 100 orders, and satisfaction slipped to 4.3/5.

Returns rose to 8.4% of orders. The new returns portal cut refund time from 9.2 to 5.6 days but probably also drove some of the increase. Returns processing is now the bottleneck: an 11,000-item backlog at Riverside ties up about $310,000 of stock.

Staffing was short of plan on permanent staff and heavily reliant on agency workers, who cost about 38% more per productive hour. Night-shift turnover was high due to late rotas and no shift premium. Safety improved, and the WMS upgrade, though two weeks late, now delivers pick rates 5% above baseline.

For Q4 (520–560k orders expected), Dana asks the executive team to: hire 30 seasonal permanent staff (~$540k, partly offset by $220k less agency spend); introduce a 10% night-shift premium (~$390k/year); run a second returns shift until January (~$145k); lower the peak-week dispatch target to 90%; and start talks with an alternative carrier. Key risks are hiring in a tight labour market, further carrier surcharges and the slotting module slipping into peak.
"""

D01_Q2 = """
The memo's figures put the one-off Q4 asks at about **$685,000 gross**, and roughly **$465,000 net** after the agency saving:

| Item | Cost |
|---|---|
| (a) 30 seasonal staff, 12 weeks | $540,000 |
| (c) Second returns shift, 28 Oct – 31 Jan | $145,000 |
| **Gross** | **$685,000** |
| Offset: lower agency spend | −$220,000 |
| **Net** | **$465,000** |

The night-shift premium (b) is an ongoing cost of about **$390,000 per year**; from 1 November to 31 December that's roughly two months, or about $65,000 inside Q4. Including it, the Q4 net impact is around **$530,000**. Decisions (d) and (e) have no direct cost in the memo, although (e) could reduce carrier costs later.
"""

D01_Q3 = """
The memo gives three reasons:

1. **Volume**: Q4 is expected to bring 520,000–560,000 orders, with about 70,000 in Black Friday week alone — well above the August peak fortnight (58,000 orders) that already pushed dispatch down to 88.7%.
2. **Agency labour can't close the gap quickly**: agency onboarding takes about two weeks, and agency productivity is lower during the first month, so extra agency workers arrive late and are less effective exactly when needed.
3. **Capacity is capped by permanent headcount**, which is already below plan (286 vs 290) and suffering high night-shift turnover.

Setting 90% for the peak weeks, with customer delivery promises adjusted to match, is meant to avoid over-promising — which would otherwise show up again as more "where is my order" contacts and lower satisfaction, as it did in August.
"""

D01_Q5 = """
It's a judgement call in the memo rather than a measured figure. Dana estimates that **between a quarter and a third** of the rise in the returns rate (from 7.1% to 8.4%, i.e. 1.3 percentage points) is due to the easier returns portal, which works out to roughly **0.3–0.4 percentage points**. The remaining two thirds to three quarters is attributed to the product mix of the back-to-school campaign. The memo doesn't say how the estimate was made, so it would be worth asking whether it comes from comparing categories that weren't in the campaign.
"""

D01_Q7 = """
Subject: Q3 ops review – what it means for the floor teams

Hi all,

Thank you for an exceptional summer. We shipped 412,000 orders in Q3 — more than planned — and August's back-to-school peak was the busiest fortnight we've ever handled. It was hard, and it showed: dispatch times slipped and some of you worked a lot of overtime. That's not sustainable, and leadership has heard it.

Here's what we've proposed for Q4, to be decided on 21 October:

- **30 extra seasonal colleagues** on 12-week contracts from early November, so we rely less on agency staff during peak.
- **A 10% night-shift premium** from 1 November.
- **A second returns shift at Riverside** until the end of January to clear the backlog.
- **Rotas published earlier**, so you can plan your lives around peak.

On the positive side: only one minor safety incident this quarter, more near-miss reporting (thank you — keep it up), and the new handhelds are already making picking faster than before the upgrade.

I'll confirm the decisions after the meeting.

Dana
"""

D01 = session(
    "documents-01",
    [
        t(
            f"Can you summarise this memo for me? I have to brief my boss in 10 minutes.\n\n{QBR_MEMO}",
            "summarization",
            [],
            D01_SUM,
        ),
        ij(),
        t("What's the total cost of the decisions she's asking for?", "reasoning", [0], D01_Q2),
        t("Why does she think 96% isn't achievable in peak weeks?", "qa", [0], D01_Q3),
        ij(),
        t("How much of the returns increase is because of the new portal?", "qa", [0], D01_Q5),
        ij(),
        t(
            "Write a short, warm email from Dana to the warehouse staff explaining what's changing, based on the memo. No financial figures.",
            "writing",
            [0],
            D01_Q7,
        ),
    ],
)

# --------------------------------------------------------------------------- documents-02
POSTMORTEM = """
Post-incident review: Payments API degradation, 12 March 2024

Status: Final. Authors: Kenji Mori (SRE), Laura Becker (Payments). Severity: SEV-1.

Summary

Between 09:47 and 11:32 UTC on 12 March, approximately 18% of card payment attempts through the Payments API failed or timed out. A further 9% succeeded but took longer than 10 seconds. The root cause was connection pool exhaustion in the payments-service after a configuration change reduced the database connection pool size from 50 to 5 per instance. The change was part of an unrelated pull request and was deployed at 09:41. Full service was restored at 11:32 after the configuration was reverted and the service restarted. An estimated 21,400 payment attempts failed, of which about 64% were retried successfully by customers within one hour.

Customer impact

Customers on web and mobile saw the error message "We couldn't process your payment, please try again" or a spinner that eventually timed out. Merchants using our hosted checkout were affected in the same way. Payouts, refunds and the merchant dashboard were not affected because they use a separate service and database pool. Support received 1,250 tickets related to the incident, and six enterprise merchants escalated through their account managers. We estimate the revenue impact for merchants at roughly $1.9 million in delayed or lost transactions, of which our fee revenue impact is about $41,000.

Timeline (all times UTC)

09:41 — Deploy of payments-service version 2024.03.12-1 begins. The release contains PR #4471 ("Tidy up local development config"), which moved several settings from the local development file to the shared defaults file. One of those settings, DB_POOL_MAX=5, was intended only for local development.
09:44 — Deploy completes on all 24 instances.
09:47 — p99 latency for POST /v1/payments rises from 800 ms to 9 s. Error rate rises above 5%.
09:52 — Automated alert "payments error rate > 2% for 5m" fires and pages the on-call SRE (Kenji).
09:58 — Kenji acknowledges, opens the incident channel and declares a SEV-2. Initial suspicion is the card network provider, because the provider had announced maintenance later that day.
10:09 — Provider status page shows no issues. Laura joins from the Payments team.
10:15 — Database CPU and query latency look normal, which rules out a database overload. Kenji notices that active connections per instance are flat at exactly 5.
10:24 — Incident upgraded to SEV-1 as error rate reaches 22%. Communications lead posts on the public status page.
10:31 — Team identifies DB_POOL_MAX=5 in the running configuration and links it to the 09:41 deploy.
10:36 — Decision to roll back the deploy. Rollback is started through the deployment pipeline.
10:52 — Rollback fails on 9 of 24 instances because the pipeline's health check times out — the instances are too busy to respond to health checks within the 5-second limit.
11:05 — Team switches to a manual approach: the configuration value is overridden to 50 through the emergency config store, and instances are restarted in batches of six.
11:32 — All instances healthy; error rate and latency back to normal. Incident moved to monitoring.
12:30 — Incident closed. Status page updated.

Root cause and contributing factors

The direct cause was the reduced connection pool. Under normal load each instance needs between 20 and 35 concurrent database connections; with a maximum of 5, requests queued while waiting for a connection and timed out after 10 seconds.

Several factors contributed:

1. The shared defaults file mixes settings for local development and production. There is no validation that would flag a production pool size below a sensible minimum.
2. The PR was described as a tidy-up of local configuration, and the reviewer did not expect it to change production behaviour. The diff showed the value moving from one file to another, which is easy to misread.
3. The deploy pipeline uses a canary stage of one instance for five minutes, but the canary only checks that the process starts and responds to health checks; it does not compare error rates or latency with the rest of the fleet.
4. The initial investigation focused on the card network provider because of the announced maintenance, which cost about 15 minutes.
5. The rollback path depends on health checks that become unreliable precisely when instances are overloaded.

What went well

The alert fired within five minutes of impact starting. The team quickly ruled out the database itself by looking at CPU and query latency. The emergency config store worked as designed, and batch restarts avoided a full outage. Communication with enterprise merchants through account managers was praised by two of the escalating merchants.

Action items

1. Split the configuration into separate files for development and production, and add schema validation with minimum and maximum values for pool sizes. Owner: Laura Becker. Due: 29 March.
2. Make the canary stage compare error rate and p99 latency with the baseline and automatically halt the deploy if they are worse by a defined margin. Owner: Kenji Mori. Due: 12 April.
3. Add a dashboard panel and alert for connection pool saturation (waiting requests > 0 for two minutes). Owner: Priya Natarajan. Due: 22 March.
4. Change the rollback procedure so that it does not depend on application health checks, or uses a longer timeout during rollback. Owner: Kenji Mori. Due: 19 April.
5. Update the on-call runbook to check recent deploys first before investigating third-party providers. Owner: Kenji Mori. Due: 22 March.
6. Send a written incident report to the six escalating merchants. Owner: Sofia Alvarez (Account Management). Due: 15 March.

Lessons

Configuration changes are code changes and need the same protections. A canary that only checks liveness gives false confidence. And the tools we rely on during an incident, including rollback, must keep working when the system is under stress.
"""

PM_SUM = """
**Payments API incident, 12 March 2024 (SEV-1) — summary**

For about 1 h 45 min (09:47–11:32 UTC), roughly 18% of card payments failed and another 9% were very slow. About 21,400 payment attempts failed (≈64% were retried successfully within an hour), support received 1,250 tickets, six enterprise merchants escalated, and the merchant revenue impact is estimated at $1.9M (our fees: ~$41k). Payouts, refunds and the dashboard were unaffected.

**Root cause:** a "tidy up local dev config" PR moved `DB_POOL_MAX=5` — a local-development value — into the shared defaults, cutting each production instance's database pool from 50 to 5 connections when normal load needs 20–35. Requests queued for a connection and timed out.

**Why it took so long:** the canary only checked liveness, not error rates; the team first suspected the card network provider because of announced maintenance (~15 minutes lost); and the automated rollback failed on 9 of 24 instances because overloaded instances failed their health checks. The fix was a manual config override and batch restarts.

**Actions:** separate dev/prod config with validation (Laura, 29 Mar), metric-based canary analysis (Kenji, 12 Apr), pool-saturation alerting (Priya, 22 Mar), a rollback path independent of health checks (Kenji, 19 Apr), runbook update to check recent deploys first (Kenji, 22 Mar), and a written report to affected merchants (Sofia, 15 Mar).
"""

PM_Q1 = """
| # | Action | Owner | Due |
|---|---|---|---|
| 1 | Split dev/prod configuration; add schema validation with min/max for pool sizes | Laura Becker | 29 March |
| 2 | Canary compares error rate and p99 latency with baseline and halts bad deploys | Kenji Mori | 12 April |
| 3 | Dashboard panel and alert for connection-pool saturation (waiting requests > 0 for 2 min) | Priya Natarajan | 22 March |
| 4 | Rollback that doesn't depend on application health checks (or longer timeout) | Kenji Mori | 19 April |
| 5 | Runbook: check recent deploys before third-party providers | Kenji Mori | 22 March |
| 6 | Written incident report to the six escalating merchants | Sofia Alvarez | 15 March |

Kenji owns three of the six items, including the two largest engineering changes; if his capacity is limited, items 2 and 4 are the ones most likely to slip.
"""

PM_Q2 = """
From the timeline:

- **Time to detect** (impact start 09:47 → alert 09:52): **5 minutes**.
- **Time to acknowledge** (alert → 09:58): **6 minutes**.
- **Time to identify the cause** (09:47 → 10:31): **44 minutes**.
- **Time to mitigate** (09:47 → 11:32): **1 hour 45 minutes** (105 minutes).

Counting from the deploy start (09:41), the problem existed for 1 hour 51 minutes. Roughly 30 minutes of the mitigation time were spent on the failed automated rollback (10:36 → 11:05), so the rollback issue is the single largest avoidable delay after the cause was known.
"""

PM_Q4 = """
**Zusammenfassung – Störung der Payments-API am 12. März 2024 (SEV-1)**

Zwischen 09:47 und 11:32 UTC schlugen etwa 18 % der Kartenzahlungen fehl, weitere 9 % waren sehr langsam. Rund 21.400 Zahlungsversuche scheiterten; etwa 64 % davon wurden innerhalb einer Stunde erfolgreich wiederholt. Der Support erhielt 1.250 Tickets, sechs Großkunden eskalierten, und der geschätzte Umsatzeffekt für Händler liegt bei 1,9 Mio. USD (unsere Gebühren: ca. 41.000 USD).

**Ursache:** Ein Pull Request zum „Aufräumen der lokalen Entwicklungskonfiguration" verschob den Wert `DB_POOL_MAX=5` in die gemeinsamen Standardeinstellungen. Dadurch sank der Datenbank-Verbindungspool pro Produktionsinstanz von 50 auf 5 Verbindungen, obwohl unter normaler Last 20–35 benötigt werden.

**Verzögerungen:** Der Canary prüfte nur die Erreichbarkeit, nicht die Fehlerraten; zunächst wurde der Kartennetzbetreiber verdächtigt; und das automatische Rollback scheiterte auf 9 von 24 Instanzen, weil die überlasteten Instanzen ihre Health Checks nicht bestanden.

**Maßnahmen:** getrennte Konfiguration für Entwicklung und Produktion mit Validierung, metrikbasierte Canary-Analyse, Alarmierung bei Pool-Auslastung, ein Rollback-Verfahren ohne Abhängigkeit von Health Checks, ein aktualisiertes Runbook sowie ein schriftlicher Bericht an die betroffenen Händler.
"""

PM_Q6 = """
Not really — the reviewer made a very understandable mistake, and the review is right to treat it as a process failure rather than an individual one. The PR was titled and described as a local-config tidy-up, and the diff showed a value *moving* between files, which looks harmless. Nothing in the tooling signalled that a file used by production was changing behaviour.

The action items reflect that: validation with min/max values would have rejected a production pool of 5 no matter who reviewed it, and a metric-based canary would have stopped the rollout after one instance. If you want a review-level safeguard too, a CODEOWNERS rule requiring an SRE approval for changes to the shared defaults file is cheap and targeted.
"""

D02 = session(
    "documents-02",
    [
        t(
            f"Summarise this postmortem in under 300 words for people who weren't involved:\n\n{POSTMORTEM}",
            "summarization",
            [],
            PM_SUM,
        ),
        t("Extract the action items as a table with owner and due date.", "extraction", [0], PM_Q1),
        t("What were the time to detect and time to mitigate?", "reasoning", [0], PM_Q2),
        ij(),
        t("Translate your summary into German for the Berlin team.", "translation", [0], PM_Q4),
        ij(),
        t("Honestly, isn't this just the reviewer's fault?", "reasoning", [0], PM_Q6),
        ij(),
    ],
)

# --------------------------------------------------------------------------- documents-03
MEETING = """
Product planning meeting — Mobile app, Q1 roadmap
Date: Tuesday 9 January 2024, 10:00–11:30
Attendees: Rachel Kim (Head of Product, chair), Omar Haddad (Engineering Manager, mobile), Lucía Fernández (Design Lead), Ben Carter (Data Analyst), Aisha Bello (Customer Support Lead), Tom Nguyen (Marketing). Apologies: Sven Larsen (CTO).

1. Review of Q4 results

Ben presented the Q4 numbers. Monthly active users on mobile grew from 182,000 to 205,000 (+12.6%), mainly driven by the December gift-guide campaign. Seven-day retention for new users was flat at 31%. Crash-free sessions improved from 98.1% to 99.2% after the November stability release. The main concern is onboarding: only 46% of users who install the app complete account setup, and the largest drop-off (about 30% of all installs) happens on the screen that asks for notification permission and email verification at the same time.

Aisha added that "I never got the verification email" remains the second most common support topic, with around 380 tickets per month. Most of these turn out to be emails filtered into spam or promotions folders.

Rachel noted that the Q4 goal of 35% seven-day retention was missed and that fixing onboarding should be the top priority for Q1.

2. Onboarding redesign

Lucía presented three options:
- Option A: keep the current flow but split notification permission and email verification into separate screens.
- Option B: let users start using the app immediately and ask for email verification only when they first try to save or share something ("progressive onboarding").
- Option C: replace email verification with sign-in via Apple and Google, keeping email as a fallback.

Omar said Option A is about one week of work, Option B three to four weeks because several features assume a verified account, and Option C about two weeks, mainly for backend work and App Store review. Ben pointed out that Option B is the only one that addresses the drop-off directly for all users, and that competitors who moved to progressive onboarding reported significant gains, although he cautioned that those figures came from blog posts rather than controlled tests.

Tom raised a concern that delaying email verification would reduce the size of the marketing email list. Rachel replied that a larger, engaged user base is more valuable than a larger list of people who never use the app, but asked Ben to estimate the impact on the email list.

Decision: the team agreed to do Option C first (quick win, reduces the email problem) and then Option B, running B as an A/B test against the Option C flow. Option A was rejected because it does not address the email issue. Lucía will have designs for Option C ready by 19 January and for Option B by 2 February.

3. Dark mode

Dark mode is the most requested feature in app store reviews (mentioned in about 9% of reviews in Q4). Omar estimated two weeks of engineering work, mainly because many screens still use hard-coded colours. Lucía said the design system already has dark colour tokens, so design effort is small. Rachel asked whether it could wait until Q2. Aisha argued that it is also an accessibility request from users with light sensitivity, not only a preference. The team agreed to schedule it for the second half of Q1, after the onboarding work, and to treat the colour clean-up as technical debt that makes future theming easier.

4. Android tablet support

Tom reported that a partner retailer wants to pre-install the app on Android tablets sold in their stores from April. The current app runs on tablets but the layout is stretched and several screens are hard to use. Omar estimated four to six weeks to build proper tablet layouts. Given the onboarding and dark mode work, the team does not have capacity for this in Q1 without delaying something else. Rachel will discuss with Sven whether to hire a contractor for this piece of work, and will confirm with the partner whether a basic version by April would be acceptable.

5. Analytics

Ben asked for proper event tracking on the new onboarding screens before they launch, so that the A/B test can be evaluated. He also noted that the current analytics SDK adds about 1.2 MB to the app size and proposed evaluating a lighter alternative in Q2. No decision was taken on the SDK.

6. Any other business

Aisha asked for a short internal FAQ before each release so support can answer questions on day one. Everyone agreed; Lucía and Omar will include a support note in each release checklist.

Action items
- Lucía: Option C designs by 19 January; Option B designs by 2 February.
- Omar: technical plan and estimate for Option B, including features that assume a verified account, by 16 January.
- Ben: estimate the impact of progressive onboarding on the marketing email list by 23 January; define onboarding events and the A/B test metrics by 26 January.
- Rachel: discuss a contractor for Android tablet layouts with Sven; confirm the partner's April requirements.
- Aisha: share the top 20 onboarding-related support tickets with Lucía by 12 January.
- Omar and Lucía: add a support note to the release checklist.

Next meeting: Tuesday 23 January, 10:00.
"""

MT_SUM = """
**Mobile Q1 planning meeting, 9 January 2024 — summary**

Q4 brought solid growth (mobile MAU up 12.6% to 205k) and better stability (99.2% crash-free sessions), but seven-day retention stayed at 31%, missing the 35% goal. The main problem is onboarding: only 46% of installs finish account setup, with the biggest drop-off on the screen combining notification permission and email verification, and missing verification emails generate ~380 support tickets a month.

**Decisions**
- Onboarding is the Q1 priority. The team will first ship **Sign in with Apple/Google** (Option C, ~2 weeks), then build **progressive onboarding** (Option B, 3–4 weeks) and A/B test it against C. Splitting the screens (Option A) was rejected.
- **Dark mode** is scheduled for the second half of Q1 (~2 weeks), also justified as an accessibility improvement and a clean-up of hard-coded colours.
- **Android tablet layouts** for a retail partner's April launch don't fit in Q1; Rachel will explore a contractor with the CTO and check whether a basic version is acceptable.
- Support will get a short FAQ before every release.

**Open questions**: the impact of delayed verification on the marketing email list (Ben to estimate) and whether to replace the 1.2 MB analytics SDK (deferred to Q2).

Next meeting: 23 January.
"""

MT_Q1 = """
| Owner | Action | Due |
|---|---|---|
| Lucía Fernández | Option C designs | 19 January |
| Lucía Fernández | Option B designs | 2 February |
| Omar Haddad | Technical plan and estimate for Option B (incl. features assuming a verified account) | 16 January |
| Ben Carter | Estimate impact of progressive onboarding on the email list | 23 January |
| Ben Carter | Define onboarding events and A/B test metrics | 26 January |
| Rachel Kim | Discuss tablet contractor with Sven; confirm partner's April requirements | not specified |
| Aisha Bello | Share top 20 onboarding support tickets with Lucía | 12 January |
| Omar & Lucía | Add a support note to the release checklist | not specified |

Two of the items have no due date in the notes; it would be worth assigning dates at the next meeting on 23 January.
"""

MT_Q2 = """
Because it was the quickest option that fixes the *email* problem, while B takes longer and carries more risk:

- **Effort**: Omar estimated C at about two weeks versus three to four for B, since several features assume a verified account.
- **Immediate benefit**: sign-in with Apple/Google removes the verification email for most users, which targets both the onboarding drop-off and the ~380 monthly "I never got the email" tickets.
- **Evidence for B is weak**: Ben noted that the reported gains from progressive onboarding came from competitors' blog posts, not controlled tests — so the team decided to test B against C rather than assume it's better.
- **Open concern**: Tom worried that B would shrink the marketing email list; Ben is estimating that impact first.

So C is a quick, low-risk win, and B becomes an experiment with C as the baseline.
"""

MT_Q4 = """
Not in Q1 as things stand. Omar estimated four to six weeks of work for proper tablet layouts, and the team's Q1 capacity is already taken by the two onboarding projects (about five to six weeks together) and dark mode (two weeks). The meeting didn't commit to the April date: Rachel will ask Sven about hiring a contractor for it, and check with the partner whether a basic version — the current app with fewer layout problems — would be acceptable in April. If the contractor is approved quickly, April is feasible but tight.
"""

MT_Q6 = """
Hi team — quick recap of today's planning meeting.

**Q1 focus: onboarding.** Only 46% of new installs finish signing up, so we're shipping Sign in with Apple/Google first (~2 weeks), then testing a "use the app first, verify later" flow against it. Designs: 19 Jan and 2 Feb.

**Also in Q1:** dark mode, in the second half of the quarter.

**Not yet decided:** Android tablet layouts for our retail partner in April — Rachel is looking into a contractor.

**For support:** every release will now come with a short FAQ. 🙌

Next check-in: 23 January. Full notes are in the planning doc.
"""

D03 = session(
    "documents-03",
    [
        t(
            f"Here are my notes from today's planning meeting. Can you turn them into a concise summary with the decisions clearly listed?\n\n{MEETING}",
            "summarization",
            [],
            MT_SUM,
        ),
        t(
            "Pull out all action items with owner and deadline as a table.",
            "extraction",
            [0],
            MT_Q1,
        ),
        ij(),
        t("Why did they choose Option C before Option B?", "qa", [0], MT_Q2),
        ij(),
        t("Will the Android tablet version be ready for April?", "qa", [0], MT_Q4),
        ij(),
        t(
            "Write a short Slack update for the wider team based on your summary. Keep it skimmable.",
            "writing",
            [0],
            MT_Q6,
        ),
    ],
)

# --------------------------------------------------------------------------- documents-04
ARTICLE = """
Cities are learning to keep their cool

On the hottest afternoons of last summer, the asphalt car park behind Fairview Market measured 58 °C at its surface. Three hundred metres away, in the shade of the plane trees lining Oak Street, the pavement was 31 °C. The difference — 27 degrees across a short walk — is the urban heat island effect in miniature, and cities around the world are now treating it as a public health problem rather than a curiosity.

Urban heat islands form because cities replace vegetation and moist soil with materials that absorb and store heat. Dark roofs and roads soak up solar radiation during the day and release it slowly at night. Buildings block wind and trap heat between them, and engines, air-conditioning units and industry add waste heat of their own. The result is that cities are typically 1 to 3 °C warmer than surrounding countryside on average, and the gap can exceed 10 °C on calm, clear nights. It is the night-time heat that worries doctors most: when temperatures stay high overnight, the body cannot recover from the heat of the day, and the risk of heat-related illness and death rises sharply, especially for older people and those with heart or lung conditions.

The effect is not evenly spread. Studies in the United States have found that neighbourhoods with lower incomes and a history of discriminatory housing policy are, on average, several degrees hotter in summer than wealthier areas of the same city, largely because they have fewer trees and more paved surfaces. A 2021 analysis of more than 100 US cities found this pattern in the large majority of them. Heat, in other words, follows the same lines as many other inequalities.

Cities are responding with three broad strategies: making surfaces reflect more sunlight, adding vegetation, and changing how and where people are exposed to heat.

Cool roofs and pavements are the cheapest and fastest option. A white or reflective roof coating can keep a roof surface 20 to 30 °C cooler on a sunny day and reduce the energy needed for air-conditioning in the top floor by 10 to 20 percent. Los Angeles has coated several hundred kilometres of streets with a light-grey reflective sealant in pilot programmes; measurements showed road surfaces several degrees cooler, although researchers have cautioned that reflected light can increase the heat felt by pedestrians standing on the street during the day. Reflective surfaces are therefore most useful on roofs and in car parks, where few people walk.

Trees do more than any engineered surface, but they are slow. A mature tree cools its surroundings through shade and by evaporating water through its leaves, and streets with continuous tree canopy can be 5 to 10 °C cooler at pedestrian level than unshaded streets nearby. Paris, Milan and Melbourne have all set targets to increase canopy cover substantially over the next decades; Melbourne aims to raise canopy cover in its municipal area from 22 percent to 40 percent by 2040. The difficulty is that trees take 15 to 20 years to reach a size where their cooling effect is large, need water during the very droughts that accompany heat waves, and compete for space with underground utilities. Several cities now plan new streets with soil cells under the pavement that give roots room to grow.

Green roofs and walls also help, mainly by insulating the buildings they cover and cooling the air immediately around them. Their effect on the wider street is modest, and they are expensive to install and maintain, so most experts see them as a complement rather than a substitute for street trees.

The third strategy accepts that heat waves will happen and focuses on protecting people. Heat action plans typically combine early warnings, cooling centres in libraries and community buildings, checks on vulnerable residents, and changes to working hours for outdoor workers. Ahmedabad in India introduced one of the first such plans in 2013 after a heat wave killed more than 1,300 people in 2010; evaluations have credited it with preventing over a thousand deaths a year. Several European cities appointed "chief heat officers" in the early 2020s to coordinate this work across departments.

None of these measures is enough on its own, and there are trade-offs. Reflective pavements can increase glare and daytime heat for pedestrians; trees need water and long-term maintenance budgets; cooling centres only help people who can reach them. Planners increasingly use detailed heat maps, often built from satellite data and volunteer measurement campaigns, to target the hottest and most vulnerable neighbourhoods first.

Back at Fairview Market, the city has agreed to replace part of the car park with a small shaded plaza and to plant 40 trees along the surrounding streets next spring. The trees will not make much difference for a decade. But, as one local councillor put it at the planning meeting, "The best time to plant a tree was twenty years ago. The second best time is before the next heat wave."
"""

ART_SUM = """
**Summary:** Urban heat islands make cities 1–3 °C warmer than the countryside on average and sometimes over 10 °C warmer on calm nights, because dark roads and roofs absorb heat, buildings trap it, and machines add waste heat. Hot nights are the main health danger, since the body can't recover, and the heat falls hardest on poorer neighbourhoods with fewer trees — a pattern found in most of more than 100 US cities studied.

Cities are responding in three ways. **Reflective roofs and pavements** are cheap and quick: cool roofs can be 20–30 °C cooler and cut top-floor air-conditioning by 10–20%, though reflective streets can make pedestrians feel hotter. **Trees** are the most effective — shaded streets can be 5–10 °C cooler — but they take 15–20 years to mature and need water and space; Melbourne, for example, wants to grow canopy cover from 22% to 40% by 2040. Green roofs help individual buildings more than streets. **Heat action plans**, such as Ahmedabad's since 2013, protect people through warnings, cooling centres and checks on vulnerable residents, and are credited with saving over a thousand lives a year there.

No single measure is enough, so planners use heat maps to target the hottest, most vulnerable areas first.
"""

ART_Q1 = """
The article gives three reasons:

1. **The body needs to recover.** When temperatures stay high overnight, people can't cool down after the heat of the day, and that cumulative stress is what drives heat-related illness and death.
2. **Heat islands are strongest at night.** Dark roofs and roads store heat during the day and release it slowly after sunset, so the city–countryside gap is largest on calm, clear nights — it can exceed 10 °C.
3. **The most vulnerable are affected most**: older people and those with heart or lung conditions are at particular risk when there is no night-time relief.
"""

ART_Q3 = """
1/ Last summer a car park in our city hit 58 °C at the surface. A tree-lined street 300 m away: 31 °C. That's the urban heat island effect — and it's a health issue, not a curiosity. 🧵

2/ Cities run 1–3 °C hotter than the countryside on average, and 10 °C+ on still nights. Hot nights are the killer: your body never gets to recover.

3/ And it isn't shared equally. Poorer neighbourhoods with fewer trees are often several degrees hotter than wealthier ones in the same city.

4/ Fixes exist. Reflective roofs stay 20–30 °C cooler. Tree-lined streets can be 5–10 °C cooler. Heat action plans like Ahmedabad's save lives every summer.

5/ The catch: trees take 15–20 years to grow. Which is why the best time to plant them is before the next heat wave. 🌳
"""

ART_Q5 = """
Because reflective pavement sends sunlight back *up*, and pedestrians are standing in its path. A dark road absorbs sunlight and heats up; a reflective one stays cooler, which lowers the surface temperature and helps at night. But during the day, the reflected light (and some infrared) hits the people walking on it, so they can feel hotter even though the road itself is cooler. That's why the article says reflective surfaces are most useful on roofs and in car parks, where few people walk, and why researchers in Los Angeles cautioned about the street-coating pilots.
"""

D04 = session(
    "documents-04",
    [
        t(f"Summarise this article in about 200 words:\n\n{ARTICLE}", "summarization", [], ART_SUM),
        t("Why does the article say night-time heat is the biggest worry?", "qa", [0], ART_Q1),
        ij(),
        t(
            "Turn your summary into a 5-tweet thread for our city council's account.",
            "writing",
            [0],
            ART_Q3,
        ),
        ij(),
        t(
            "I don't get why reflective pavements could make it worse for pedestrians. Explain?",
            "qa",
            [0],
            ART_Q5,
        ),
        t(
            "What's Melbourne's canopy target, and how much of an increase is that in relative terms?",
            "math",
            [0],
            "Melbourne aims to raise canopy cover in its municipal area from **22% to 40% by 2040**. That's an increase of 18 percentage points, or **(40 − 22) / 22 ≈ 82%** in relative terms — the city wants nearly twice as much canopy as it has today.",
        ),
        ij(),
    ],
)

# --------------------------------------------------------------------------- documents-05
CONTRACT = """
SOFTWARE SERVICES AGREEMENT

This Software Services Agreement (the "Agreement") is entered into on 2 September 2024 (the "Effective Date") by and between Harbourline Logistics Ltd, a company registered in England and Wales under number 08812345, with its registered office at 14 Dock Road, Southampton SO14 3TG ("Customer"), and Quillstack Software GmbH, a company registered in Germany under HRB 204518, with its registered office at Torstraße 120, 10119 Berlin ("Provider").

1. Services

1.1 Provider shall make available to Customer its fleet scheduling platform "Quillstack Route" (the "Platform") as a hosted service, together with the implementation, training and support services described in Schedule 1 (together, the "Services").

1.2 Provider shall complete the implementation services, including configuration of the Platform for Customer's three depots and the integration with Customer's existing warehouse management system, no later than 31 December 2024 (the "Go-Live Date"). If the Go-Live Date is missed for reasons attributable to Provider, Customer shall be entitled to a credit of 5% of the Implementation Fee for each full week of delay, up to a maximum of 25% of the Implementation Fee.

2. Term and renewal

2.1 This Agreement commences on the Effective Date and continues for an initial term of thirty-six (36) months from the Go-Live Date (the "Initial Term").

2.2 After the Initial Term, this Agreement shall renew automatically for successive periods of twelve (12) months (each a "Renewal Term") unless either party gives written notice of non-renewal at least ninety (90) days before the end of the then-current term.

3. Fees and payment

3.1 Customer shall pay a one-off implementation fee of GBP 48,000 (the "Implementation Fee"), payable 50% on signature of this Agreement and 50% on the Go-Live Date.

3.2 Customer shall pay a subscription fee of GBP 6,500 per month for up to 120 vehicles. Each additional vehicle above 120 is charged at GBP 45 per vehicle per month, calculated on the maximum number of active vehicles in the month.

3.3 Subscription fees are invoiced quarterly in advance. Invoices are payable within thirty (30) days of the invoice date. Late payments bear interest at 4% per annum above the Bank of England base rate.

3.4 Provider may increase the subscription fees once per year, starting from the first anniversary of the Go-Live Date, by giving at least sixty (60) days' written notice. Any increase shall not exceed the lower of (a) 5% or (b) the percentage increase in the UK Consumer Prices Index over the preceding twelve months.

4. Service levels

4.1 Provider shall ensure that the Platform is available 99.5% of the time in each calendar month, excluding scheduled maintenance notified at least five (5) business days in advance and carried out between 22:00 and 05:00 UK time.

4.2 If availability falls below 99.5% in any month, Customer shall receive a service credit of 10% of the monthly subscription fee; if availability falls below 98%, the service credit shall be 25%. Service credits are Customer's sole financial remedy for availability failures, except where clause 9.2(b) applies.

4.3 Provider shall respond to Priority 1 incidents (Platform unavailable or route planning not possible for any depot) within thirty (30) minutes, twenty-four hours a day, seven days a week.

5. Data protection

5.1 Each party shall comply with applicable data protection laws, including the UK GDPR. Provider acts as processor for personal data of Customer's drivers and customers processed through the Platform, on the terms of the Data Processing Addendum in Schedule 3.

5.2 Provider shall host all Customer data within the United Kingdom or the European Economic Area and shall not transfer it elsewhere without Customer's prior written consent.

6. Confidentiality

Each party shall keep confidential all information received from the other party that is marked as confidential or would reasonably be regarded as confidential, for the term of this Agreement and for five (5) years after its termination.

7. Intellectual property

Provider retains all intellectual property rights in the Platform. Customer retains all rights in its data. On termination, Provider shall make Customer's data available for export in CSV or JSON format for sixty (60) days, after which Provider shall delete it.

8. Liability

8.1 Neither party limits its liability for death or personal injury caused by negligence, for fraud, or for breach of clause 6 (Confidentiality).

8.2 Subject to clause 8.1, each party's total liability under this Agreement in any contract year shall not exceed the total fees paid and payable by Customer in the twelve (12) months preceding the event giving rise to the claim.

8.3 Neither party shall be liable for loss of profits, loss of business or indirect or consequential loss.

9. Termination

9.1 Either party may terminate this Agreement with immediate effect by written notice if the other party commits a material breach which, if remediable, is not remedied within thirty (30) days of notice requiring it to be remedied, or if the other party becomes insolvent.

9.2 Customer may terminate this Agreement by giving thirty (30) days' written notice if (a) Provider increases the fees under clause 3.4 and Customer does not accept the increase, notice being given within thirty (30) days of Provider's notice of the increase; or (b) availability falls below 98% in any two months within a rolling six-month period.

10. Governing law

This Agreement is governed by the laws of England and Wales, and the courts of England shall have exclusive jurisdiction.
"""

CT_0 = """
**Parties**
- **Customer:** Harbourline Logistics Ltd (England & Wales, no. 08812345), 14 Dock Road, Southampton SO14 3TG
- **Provider:** Quillstack Software GmbH (Germany, HRB 204518), Torstraße 120, 10119 Berlin

**Key dates and term**
- Effective Date: 2 September 2024
- Go-Live deadline: 31 December 2024 (5% credit of the implementation fee per full week of provider-caused delay, max 25%)
- Initial term: 36 months from Go-Live; then auto-renews for 12-month terms unless either party gives 90 days' notice

**Fees**
- Implementation: GBP 48,000 (50% on signature, 50% at Go-Live)
- Subscription: GBP 6,500/month for up to 120 vehicles; GBP 45 per extra vehicle per month
- Invoiced quarterly in advance, payable in 30 days; late interest 4% above BoE base rate
- Annual increase from first Go-Live anniversary, 60 days' notice, capped at the lower of 5% or UK CPI

**Service levels**
- 99.5% monthly availability (maintenance excluded if notified 5 business days ahead and done 22:00–05:00)
- Credits: 10% of the monthly fee below 99.5%, 25% below 98%
- P1 response: 30 minutes, 24/7

**Other key terms**
- Data hosted in UK/EEA only; provider is processor under UK GDPR (Schedule 3)
- Confidentiality: term + 5 years
- Data export on termination for 60 days (CSV/JSON), then deletion
- Liability cap: fees paid/payable in the preceding 12 months; no indirect loss; unlimited for death/injury, fraud, confidentiality breach
- Termination: material breach (30-day cure) or insolvency; customer may also exit on 30 days' notice after a rejected price increase or two months below 98% availability in six months
- Governing law: England and Wales
"""

CT_1 = """
If Go-Live happens on time (31 December 2024), the 36-month initial term runs until **31 December 2027**. To stop the automatic renewal, notice must be given at least 90 days before that, i.e. **by 2 October 2027** at the latest (counting back 90 days from 31 December 2027). I'd put a reminder in the calendar for early September 2027 to leave time for internal approval.

If Go-Live slips, both dates move: the initial term is counted from the actual Go-Live Date, not the Effective Date.
"""

CT_2 = """
For the **first year** after Go-Live, assuming 120 vehicles or fewer:

- Subscription: 12 × GBP 6,500 = **GBP 78,000**
- Implementation: **GBP 48,000** (though half of it is paid on signature in September 2024, before Go-Live)

Total cash in the first contract year ≈ **GBP 126,000**, or GBP 102,000 if you count only the second half of the implementation fee as falling after Go-Live.

Over the full 36-month initial term without vehicle growth or price increases: 36 × 6,500 = GBP 234,000 in subscriptions + GBP 48,000 implementation = **GBP 282,000**.
"""

CT_3 = """
Each month, the fee is GBP 6,500 plus GBP 45 for every vehicle above 120, based on the **maximum** number of active vehicles that month.

With 150 vehicles: 30 extra vehicles × GBP 45 = GBP 1,350, so the monthly fee is **GBP 7,850** — about 21% more than the base fee. Because the calculation uses the monthly peak, a short seasonal spike (say, 150 vehicles for one week in December) is charged for the whole month, so it's worth keeping inactive vehicles deactivated in the Platform.
"""

CT_4 = """
Service credits are modest compared to the fee:

- Availability below 99.5% (roughly more than 3.6 hours of downtime in a 30-day month): **10%** = GBP 650 on the base fee.
- Below 98% (more than about 14.4 hours): **25%** = GBP 1,625.

Clause 4.2 says the credits are your *sole financial remedy* for availability failures, so you can't claim damages for lost business on top — except that clause 9.2(b) lets you terminate on 30 days' notice if availability drops below 98% in any two months within a rolling six-month period. Note also that scheduled maintenance doesn't count as downtime, as long as it's announced five business days ahead and done between 22:00 and 05:00 UK time, and there's no cap on how much maintenance the provider can schedule. That's a point worth negotiating.
"""

CT_5 = """
Points I'd raise before signing (not legal advice — have your solicitor review):

1. **Maintenance windows are uncapped** (4.1). Add a maximum, e.g. 8 hours per month, with anything beyond counting as downtime. Night-time maintenance may also hit depots that plan routes early in the morning.
2. **Service credits are low and exclusive** (4.2). Consider higher tiers (e.g. 50% below 95%) or carving out repeated failures.
3. **P1 response but no resolution time** (4.3). A 30-minute response means little without a target for restoring service or a workaround.
4. **Go-Live credit cap** (1.2): the maximum 25% credit is reached after five weeks; after that there's no further incentive. Add a right to terminate and recover the implementation fee if Go-Live is, say, more than 12 weeks late.
5. **Auto-renewal notice of 90 days** (2.2) is easy to miss; ask for 60 days or a reminder obligation on the provider.
6. **Liability cap** (8.2) doesn't carve out data protection breaches. Given driver and customer personal data, ask for a separate, higher cap for data breaches.
7. **Data export** (7): 60 days is fine, but specify that the export includes historical route data and is provided at no extra cost.
"""

CT_7 = """
Subject: Quillstack agreement – points to discuss before signature

Dear Mr Becker,

Thank you for sending the draft Software Services Agreement. We are keen to proceed, and before signing we would like to discuss a few points:

1. **Scheduled maintenance (clause 4.1):** we propose a cap of 8 hours per month, with any excess counting towards availability.
2. **Service credits (clause 4.2):** we would like an additional tier of 50% where availability falls below 95%.
3. **Incident resolution (clause 4.3):** in addition to the 30-minute response, we propose a target of four hours to restore service or provide a workaround for Priority 1 incidents.
4. **Go-Live delay (clause 1.2):** we propose a right to terminate with a refund of the implementation fee if Go-Live is delayed by more than 12 weeks for reasons attributable to Quillstack.
5. **Liability (clause 8):** we request a separate liability cap for data protection breaches.
6. **Renewal notice (clause 2.2):** we propose reducing the non-renewal notice period to 60 days.

We would be happy to go through these on a call next week. Please let us know which times suit you.

Kind regards,
Olivia Grant
Head of Operations, Harbourline Logistics Ltd
"""

D05 = session(
    "documents-05",
    [
        t(
            f"Legal sent me this contract to review. Extract the key commercial terms into a structured list (parties, dates, fees, SLAs, termination).\n\n{CONTRACT}",
            "extraction",
            [],
            CT_0,
        ),
        t(
            "When is the last day we can give notice to avoid the first auto-renewal?",
            "reasoning",
            [0],
            CT_1,
        ),
        t("What will we pay in the first year after go-live?", "math", [0], CT_2),
        t(
            "We might grow to 150 vehicles. How does that change the monthly fee?",
            "math",
            [0],
            CT_3,
        ),
        t("How much protection do the service credits actually give us?", "qa", [0], CT_4),
        t("What would you push back on before signing?", "reasoning", [0, 4], CT_5),
        t(
            "What does 'processor' mean in the data protection clause?",
            "qa",
            [],
            "Under the UK GDPR, a **controller** decides why and how personal data is processed, and a **processor** processes it on the controller's behalf and under its instructions. Here Harbourline is the controller of its drivers' and customers' data, and Quillstack, as processor, may only use the data to provide the service, must keep it secure, and must help you meet your obligations (for example, reporting breaches without undue delay). The detailed obligations go in the Data Processing Addendum (Schedule 3).",
        ),
        t(
            "Draft an email to their account manager, Mr Becker, listing the points we want to negotiate.",
            "writing",
            [5],
            CT_7,
        ),
        t(
            "Make the email shorter — just the three most important points.",
            "follow_up",
            [7],
            "Subject: Quillstack agreement – points before signature\n\nDear Mr Becker,\n\nThank you for the draft agreement. We are keen to proceed and would like to discuss three points first:\n\n1. **Maintenance (4.1):** a cap of 8 hours per month, with any excess counting as downtime.\n2. **Incident resolution (4.3):** a four-hour target to restore service or provide a workaround for P1 incidents.\n3. **Data protection liability (8):** a separate, higher cap for data protection breaches.\n\nCould we arrange a call next week?\n\nKind regards,\nOlivia Grant\nHead of Operations, Harbourline Logistics Ltd",
        ),
    ],
)


def sessions():
    return [D01, D02, D03, D04, D05]
