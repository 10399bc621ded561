# ruff: noqa: E501, RUF001
"""Coding sessions: code generation, then follow-ups on that code, with topic switches."""

from wl_helpers import code, session, t

# --------------------------------------------------------------------------- coding-01
LRU_CODE = r'''
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_MISSING = object()


class TTLCache:
    """Least-recently-used cache whose entries also expire after a time-to-live."""

    def __init__(
        self,
        maxsize: int = 128,
        ttl: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if maxsize <= 0:
            raise ValueError("maxsize must be positive")
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        self.maxsize = maxsize
        self.ttl = ttl
        self._clock = clock
        # key -> (value, expires_at); order = least recently used first
        self._data: OrderedDict[Hashable, tuple[Any, float]] = OrderedDict()

    def __len__(self) -> int:
        self._purge_expired()
        return len(self._data)

    def __contains__(self, key: Hashable) -> bool:
        item = self._data.get(key)
        return item is not None and item[1] > self._clock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        item = self._data.get(key)
        if item is None:
            return default
        value, expires_at = item
        if expires_at <= self._clock():
            del self._data[key]
            return default
        self._data.move_to_end(key)  # mark as most recently used
        return value

    def set(self, key: Hashable, value: Any, ttl: float | None = None) -> None:
        lifetime = self.ttl if ttl is None else ttl
        if lifetime <= 0:
            raise ValueError("ttl must be positive")
        self._data[key] = (value, self._clock() + lifetime)
        self._data.move_to_end(key)
        if len(self._data) > self.maxsize:
            self._purge_expired()  # prefer dropping dead entries over live ones
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)  # evict least recently used

    def delete(self, key: Hashable) -> bool:
        return self._data.pop(key, _MISSING) is not _MISSING

    def clear(self) -> None:
        self._data.clear()

    def _purge_expired(self) -> None:
        now = self._clock()
        expired = [k for k, (_, exp) in self._data.items() if exp <= now]
        for k in expired:
            del self._data[k]
'''

LRU_0 = f"""
Here's a self-contained implementation. It keeps entries in an `OrderedDict` ordered from least to most recently used, stores an absolute expiry time next to each value, and takes the clock as a constructor argument so tests can inject a fake one.

{code("python", LRU_CODE)}

How it behaves:

- **`get`** returns `default` for missing *or* expired keys. An expired entry is removed lazily at the moment it is looked up, so there is no background thread.
- **`set`** stores `(value, now + ttl)`. You can override the TTL per entry with `ttl=`. When the cache grows beyond `maxsize`, it first drops anything that has already expired, and only then evicts the least recently used live entries.
- **`delete`** returns `True` if the key existed. I use a private `_MISSING` sentinel so that a stored value of `None` is still treated as present.
- **`__contains__`** checks expiry but deliberately does *not* update recency, so `if key in cache` doesn't change eviction order.
- **`__len__`** purges expired entries first, so it reports live entries only. That makes it O(n); if you call `len()` in a hot loop, drop the purge and accept an approximate count.

All the core operations (`get`, `set`, `delete`) are O(1) amortised; only the purge is O(n), and it runs only when the cache is over capacity or when you ask for its length.

Example:

{
    code(
        "python",
        '''
cache = TTLCache(maxsize=2, ttl=30)
cache.set("a", 1)
cache.set("b", 2)
cache.get("a")       # -> 1, "a" is now most recently used
cache.set("c", 3)    # evicts "b"
"b" in cache         # -> False
''',
    )
}
"""

LRU_1 = """
Two operations make `OrderedDict` the right tool here:

1. **`move_to_end(key)`** — marks an entry as most recently used in O(1). A plain `dict` keeps insertion order too (since Python 3.7), but it has no way to move an existing key to the end; you'd have to `del d[key]` and re-insert it, which works but is noisier and easy to get wrong.
2. **`popitem(last=False)`** — removes the *oldest* entry in O(1). With a plain dict you'd write `del d[next(iter(d))]`, which is also O(1) in practice but relies on iteration order being the LRU order, which is exactly what you stop guaranteeing as soon as someone updates a value in place.

So the plain-dict version is possible, and it's even slightly faster in CPython, but `OrderedDict` states the intent ("this is an ordered structure with reordering operations") and makes the LRU bookkeeping two obvious method calls. For a cache of a few thousand entries the performance difference is negligible; if you ever need millions of operations per second, `functools.lru_cache` (written in C) is the better starting point, though it has no TTL.
"""

LRU_TESTS = r"""
import pytest

from ttl_cache import TTLCache


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


def test_set_and_get(clock):
    cache = TTLCache(maxsize=3, ttl=10, clock=clock)
    cache.set("a", 1)
    assert cache.get("a") == 1
    assert cache.get("missing") is None
    assert cache.get("missing", "dflt") == "dflt"


def test_entry_expires_after_ttl(clock):
    cache = TTLCache(maxsize=3, ttl=10, clock=clock)
    cache.set("a", 1)
    clock.advance(9.999)
    assert cache.get("a") == 1
    clock.advance(0.001)  # exactly at expiry: expired
    assert cache.get("a") is None
    assert "a" not in cache


def test_per_entry_ttl_overrides_default(clock):
    cache = TTLCache(maxsize=3, ttl=10, clock=clock)
    cache.set("short", 1, ttl=1)
    cache.set("long", 2)
    clock.advance(2)
    assert cache.get("short") is None
    assert cache.get("long") == 2


def test_lru_eviction_respects_recent_reads(clock):
    cache = TTLCache(maxsize=2, ttl=10, clock=clock)
    cache.set("a", 1)
    cache.set("b", 2)
    cache.get("a")          # "b" is now least recently used
    cache.set("c", 3)
    assert "b" not in cache
    assert cache.get("a") == 1
    assert cache.get("c") == 3


def test_expired_entries_are_evicted_before_live_ones(clock):
    cache = TTLCache(maxsize=2, ttl=10, clock=clock)
    cache.set("old", 1, ttl=1)
    cache.set("live", 2)
    clock.advance(5)
    cache.set("new", 3)
    assert cache.get("live") == 2
    assert cache.get("new") == 3


def test_none_is_a_valid_value(clock):
    cache = TTLCache(clock=clock)
    cache.set("k", None)
    assert "k" in cache
    assert cache.delete("k") is True
    assert cache.delete("k") is False


def test_len_counts_only_live_entries(clock):
    cache = TTLCache(ttl=10, clock=clock)
    cache.set("a", 1, ttl=1)
    cache.set("b", 2)
    clock.advance(2)
    assert len(cache) == 1


@pytest.mark.parametrize("kwargs", [{"maxsize": 0}, {"ttl": 0}, {"ttl": -1}])
def test_invalid_arguments(kwargs):
    with pytest.raises(ValueError):
        TTLCache(**kwargs)
"""

LRU_2 = f"""
Here's a test module. It assumes the class lives in `ttl_cache.py`. The `FakeClock` is just a callable that returns a number you control, so expiry tests are instant and deterministic — no `time.sleep`.

{code("python", LRU_TESTS)}

Notes on what's covered:

- **Boundary of expiry**: an entry stored at `t` with TTL 10 is valid at `t + 9.999` and expired at exactly `t + 10`, matching the `expires_at <= now` check.
- **Recency**: `test_lru_eviction_respects_recent_reads` makes sure a `get` protects an entry from eviction, which is the whole point of LRU versus FIFO.
- **Expired-first eviction**: the cache should drop a dead entry rather than a live one when it's full.
- **Sentinel handling**: storing `None` must not look like a miss to `in` or `delete`.

Run with `pytest -q`. If you use coverage, these tests hit every branch except the `ValueError` on a non-positive per-entry TTL in `set`; add `cache.set("x", 1, ttl=0)` inside `pytest.raises` if you want 100%.
"""

LRU_3 = """
A process is an independent program instance with its own memory space, so processes can't see each other's variables without explicit IPC. Threads live inside one process and share its memory, which makes communication cheap but means you need locks to avoid race conditions.
"""

LRU_4 = f"""
The simplest correct approach is one `threading.RLock` around every method that touches `_data`. Even `get` mutates the structure (`move_to_end`, lazy deletion), so reads need the lock too — a reader/writer lock wouldn't help here.

Changes only:

{
    code(
        "python",
        '''
import threading
# ... other imports unchanged


class TTLCache:
    def __init__(self, maxsize=128, ttl=60.0, clock=time.monotonic):
        # ... validation and fields unchanged ...
        self._lock = threading.RLock()

    def __len__(self) -> int:
        with self._lock:
            self._purge_expired()
            return len(self._data)

    def __contains__(self, key) -> bool:
        with self._lock:
            item = self._data.get(key)
            return item is not None and item[1] > self._clock()

    def get(self, key, default=None):
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return default
            value, expires_at = item
            if expires_at <= self._clock():
                del self._data[key]
                return default
            self._data.move_to_end(key)
            return value

    def set(self, key, value, ttl=None):
        lifetime = self.ttl if ttl is None else ttl
        if lifetime <= 0:
            raise ValueError("ttl must be positive")
        with self._lock:
            self._data[key] = (value, self._clock() + lifetime)
            self._data.move_to_end(key)
            if len(self._data) > self.maxsize:
                self._purge_expired()
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def delete(self, key) -> bool:
        with self._lock:
            return self._data.pop(key, _MISSING) is not _MISSING

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    # _purge_expired is unchanged: it is only called with the lock held.
''',
    )
}

Why `RLock` rather than `Lock`: `__len__` and `set` call `_purge_expired` while holding the lock. That helper doesn't take the lock itself today, but an `RLock` means a future refactor that makes a locked method call another locked method won't deadlock. The overhead difference is tiny.

One thing the lock does *not* solve is the classic "check then set" race in calling code:

{
    code(
        "python",
        '''
value = cache.get(key)
if value is None:
    value = expensive()      # two threads may both compute this
    cache.set(key, value)
''',
    )
}

If that matters, add a `get_or_set(key, factory)` method that does the whole thing under the lock (accepting that `factory` then runs while other threads wait).
"""

LRU_5 = """
Yes. None of the tests depend on threading, and the public behaviour of every method is identical: same return values, same expiry rule (`expires_at <= now`), same expired-first eviction in `set`. The fake clock is still injected through the `clock` argument, which I didn't touch.

The only thing to double-check is that `ttl_cache.py` now has `import threading` at the top — if you pasted only the changed methods and forgot the import, every test will fail at construction time with `NameError: name 'threading' is not defined`.

The existing tests don't *prove* thread safety, though. If you want a smoke test for that, start 8 threads that each do a few thousand random `set`/`get`/`delete` calls with `maxsize=50`, then assert `len(cache) <= 50` and that no exception was raised. It won't catch every race, but without the lock it fails quickly with `RuntimeError: OrderedDict mutated during iteration` from the purge.
"""

LRU_6 = """
1. **HTTP 429** means "Too Many Requests": the client has been rate-limited. Servers often include a `Retry-After` header saying how long to wait.
2. **PostgreSQL** listens on port **5432** by default.
3. A **UUID** is 128 bits, i.e. **16 bytes** (36 characters in its usual hyphenated text form).
"""

LRU_7 = f"""
I'll keep counters as plain integers updated under the existing lock, and return a snapshot so callers can't mutate internal state.

{
    code(
        "python",
        '''
from dataclasses import dataclass


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    evictions: int    # live entries dropped because the cache was full
    expirations: int  # entries removed because their TTL ran out

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


class TTLCache:
    def __init__(self, maxsize=128, ttl=60.0, clock=time.monotonic):
        # ... existing fields ...
        self._hits = self._misses = self._evictions = self._expirations = 0

    def get(self, key, default=None):
        with self._lock:
            item = self._data.get(key)
            if item is None:
                self._misses += 1
                return default
            value, expires_at = item
            if expires_at <= self._clock():
                del self._data[key]
                self._expirations += 1
                self._misses += 1
                return default
            self._data.move_to_end(key)
            self._hits += 1
            return value

    def set(self, key, value, ttl=None):
        # ... validation unchanged ...
        with self._lock:
            self._data[key] = (value, self._clock() + lifetime)
            self._data.move_to_end(key)
            if len(self._data) > self.maxsize:
                self._purge_expired()
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
                self._evictions += 1

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self._hits, self._misses, self._evictions, self._expirations)

    def _purge_expired(self) -> None:
        now = self._clock()
        expired = [k for k, (_, exp) in self._data.items() if exp <= now]
        for k in expired:
            del self._data[k]
        self._expirations += len(expired)
''',
    )
}

Design choices:

- An expired entry found by `get` counts as **both** an expiration and a miss — from the caller's point of view it was a miss, and from the cache's point of view an entry timed out.
- `__contains__` doesn't touch the counters; membership checks are usually not "real" lookups and would skew the hit rate.
- `clear()` doesn't reset stats. If you want that, add `reset_stats()` rather than overloading `clear`.
- `CacheStats` is frozen, so `cache.stats()` is a consistent snapshot even while other threads keep using the cache.
"""

LRU_8 = f"""
## TTLCache

A small, thread-safe, in-memory cache that combines **least-recently-used eviction** with a **time-to-live** for every entry.

{
    code(
        "python",
        '''
from ttl_cache import TTLCache

cache = TTLCache(maxsize=1000, ttl=300)   # at most 1000 entries, 5 minutes each

cache.set("user:42", profile)
cache.set("token:abc", token, ttl=30)    # per-entry TTL override

profile = cache.get("user:42")           # None if missing or expired
if "token:abc" in cache:                 # checks expiry, does not refresh recency
    ...

cache.delete("user:42")
print(cache.stats())  # CacheStats(hits=1, misses=0, evictions=0, expirations=0)
''',
    )
}

**Behaviour**

- Entries expire `ttl` seconds after they were last *set* (reading does not extend the lifetime).
- When the cache is full, expired entries are dropped first, then the least recently used ones.
- `stats()` returns hits, misses, evictions and expirations, plus a `hit_rate` property.
- All methods are safe to call from multiple threads.

**Testing**

Pass your own clock to control time: `TTLCache(clock=fake_clock)`, where `fake_clock` is any zero-argument callable returning seconds as a float. The default is `time.monotonic`, which is immune to wall-clock changes.
"""

C01 = session(
    "coding-01",
    [
        t(
            "Write a Python class for an LRU cache where every entry also has a TTL. I need get/set/delete, a max size, and please use time.monotonic but let me inject the clock so I can test expiry without sleeping.",
            "code_generation",
            [],
            LRU_0,
        ),
        t(
            "Why did you use OrderedDict instead of a plain dict? Dicts are ordered now.",
            "follow_up",
            [0],
            LRU_1,
        ),
        t(
            "Now add pytest tests for it, including expiry with a fake clock.",
            "code_generation",
            [0],
            LRU_2,
        ),
        t(
            "Unrelated: what's the difference between a process and a thread, in two sentences?",
            "qa",
            [],
            LRU_3,
        ),
        t(
            "Make the cache thread-safe. Only show the parts that change.",
            "code_generation",
            [0],
            LRU_4,
        ),
        t("Will the tests you wrote still pass after that change?", "follow_up", [2, 4], LRU_5),
        t(
            "Quick ones while I wait for CI:\n1. What does HTTP 429 mean?\n2. What port does PostgreSQL use by default?\n3. How many bytes is a UUID?",
            "qa",
            [],
            LRU_6,
        ),
        t(
            "Add a stats() method to the thread-safe version that returns hits, misses, evictions and expirations.",
            "code_generation",
            [0, 4],
            LRU_7,
        ),
        t(
            "Write a short README section explaining how to use the cache, with an example.",
            "writing",
            [0, 4, 7],
            LRU_8,
        ),
    ],
)

# --------------------------------------------------------------------------- coding-02
MAU_SQL = r"""
WITH monthly AS (
    SELECT
        date_trunc('month', created_at)::date AS month,
        COUNT(DISTINCT user_id)               AS mau
    FROM events
    WHERE created_at >= date_trunc('month', now()) - INTERVAL '12 months'
      AND created_at <  date_trunc('month', now())      -- exclude the partial current month
    GROUP BY 1
)
SELECT
    month,
    mau,
    LAG(mau) OVER (ORDER BY month) AS prev_mau,
    ROUND(
        100.0 * (mau - LAG(mau) OVER (ORDER BY month))
        / NULLIF(LAG(mau) OVER (ORDER BY month), 0),
        1
    ) AS pct_change
FROM monthly
ORDER BY month;
"""

MAU_0 = f"""
Here's a query that computes MAU for the last 12 complete months and the month-over-month change:

{code("sql", MAU_SQL)}

What it does:

1. **`monthly` CTE** — truncates each event's timestamp to the first day of its month and counts distinct users per month. A user with 500 events in March counts once for March.
2. **Date window** — starts 12 months before the start of the current month and stops *before* the current month, so you get 12 full months and the still-running month doesn't show an artificial drop.
3. **`LAG(mau) OVER (ORDER BY month)`** — fetches the previous month's MAU on the same row so you can compute the change.
4. **`NULLIF(..., 0)`** — avoids a division-by-zero error if a month had zero users; the result is then `NULL` instead.

The first month in the result has `prev_mau` and `pct_change` as `NULL`, because there's no earlier month inside the window. If you want a value for it, widen the CTE to 13 months and filter the outer query to the last 12.

Note on time zones: `date_trunc` on a `timestamptz` uses the session's `TimeZone` setting. If your reporting is in UTC, run `SET TIME ZONE 'UTC';` first or use `date_trunc('month', created_at AT TIME ZONE 'UTC')`.
"""

MAU_1 = """
`LAG(mau) OVER (ORDER BY month)` is a window function: for each row, it looks at the rows sorted by `month` and returns the value of `mau` from the row *immediately before* the current one.

So for a result like:

| month | mau |
|---|---|
| 2024-01-01 | 10,200 |
| 2024-02-01 | 10,950 |
| 2024-03-01 | 10,400 |

`LAG(mau)` gives `NULL` for January (no previous row), 10,200 for February and 10,950 for March. The percentage change for March is then `100 * (10400 - 10950) / 10950 = -5.0`.

Unlike a `GROUP BY`, a window function doesn't collapse rows — every month stays in the output, it just gains a value borrowed from its neighbour. `LAG(mau, 2)` would look two rows back, and `LEAD` looks forward instead. In the query I repeat the `LAG(...)` expression three times for readability; Postgres evaluates the identical window only once, so there's no performance cost.
"""

MAU_NEW_SQL = r"""
WITH first_seen AS (
    SELECT user_id, date_trunc('month', MIN(created_at))::date AS first_month
    FROM events
    GROUP BY user_id
),
active AS (
    SELECT DISTINCT date_trunc('month', created_at)::date AS month, user_id
    FROM events
    WHERE created_at >= date_trunc('month', now()) - INTERVAL '12 months'
      AND created_at <  date_trunc('month', now())
),
monthly AS (
    SELECT
        a.month,
        COUNT(*)                                        AS mau,
        COUNT(*) FILTER (WHERE f.first_month = a.month) AS new_users
    FROM active a
    JOIN first_seen f USING (user_id)
    GROUP BY a.month
)
SELECT
    month,
    mau,
    new_users,
    mau - new_users                                   AS returning_users,
    ROUND(100.0 * new_users / NULLIF(mau, 0), 1)      AS new_share_pct,
    ROUND(100.0 * (mau - LAG(mau) OVER w) / NULLIF(LAG(mau) OVER w, 0), 1) AS pct_change
FROM monthly
WINDOW w AS (ORDER BY month)
ORDER BY month;
"""

MAU_2 = f"""
You need each user's first month over the *whole* history (not just the 12-month window), otherwise someone who was active two years ago and came back in March would be counted as new.

{code("sql", MAU_NEW_SQL)}

Changes compared to the first version:

- **`first_seen`** scans all events once to find each user's first month. This is the expensive part on a large table.
- **`active`** is one row per (month, user), so `COUNT(*)` in `monthly` equals `COUNT(DISTINCT user_id)` but is cheaper.
- **`COUNT(*) FILTER (WHERE ...)`** counts only the rows where the user's first month equals the current month — Postgres's tidy alternative to `SUM(CASE WHEN ... THEN 1 ELSE 0 END)`.
- I also added `returning_users` and `new_share_pct`, and a named `WINDOW w` so the `LAG` expression isn't repeated.

If "new" should mean "signed up this month" rather than "first event this month", join to your `users` table on `created_at` instead of computing `first_seen` from events.
"""

MAU_3 = """
For 200M rows the two costs are the `first_seen` aggregation over the whole table and the range scan for the 12-month window. Indexes that help:

1. **Composite index for the window scan**
   ```sql
   CREATE INDEX CONCURRENTLY idx_events_created_user ON events (created_at, user_id);
   ```
   The `active` CTE only needs `created_at` and `user_id`, so this can be an index-only scan over the last 12 months instead of reading wide heap rows. Run `VACUUM (ANALYZE) events` afterwards so the visibility map is fresh; index-only scans depend on it.

2. **Index for first-seen per user**
   ```sql
   CREATE INDEX CONCURRENTLY idx_events_user_created ON events (user_id, created_at);
   ```
   `MIN(created_at) GROUP BY user_id` can then walk the index in order. It still touches every user, though.

3. **Better: stop recomputing `first_seen`.** Keep a small `user_first_seen(user_id PRIMARY KEY, first_month date)` table, fill it once, and update it from your ingestion job with `INSERT ... ON CONFLICT DO NOTHING`. Then the query only scans 12 months of events plus a table with one row per user.

Other options if it's still slow: partition `events` by month (the date filter then prunes partitions), or materialise the `(month, user_id)` pairs into a rollup table nightly — MAU queries over a rollup of a few million rows are instant. Check with `EXPLAIN (ANALYZE, BUFFERS)` before and after; on a table this size the plan matters more than any single index.
"""

MAU_4 = """
"El panel no estará disponible el sábado de 02:00 a 04:00 UTC por mantenimiento."
"""

MAU_PANDAS = r"""
import pandas as pd

df["created_at"] = pd.to_datetime(df["created_at"], utc=True)
df["month"] = df["created_at"].dt.tz_convert(None).dt.to_period("M")

# first month each user was ever seen (whole history)
first_month = df.groupby("user_id")["month"].min().rename("first_month")

current = pd.Timestamp.now(tz="UTC").tz_convert(None).to_period("M")
window = df[(df["month"] >= current - 12) & (df["month"] < current)]

active = window[["month", "user_id"]].drop_duplicates()
active = active.join(first_month, on="user_id")
active["is_new"] = active["month"] == active["first_month"]

monthly = (
    active.groupby("month")
    .agg(mau=("user_id", "size"), new_users=("is_new", "sum"))
    .sort_index()
)
monthly["returning_users"] = monthly["mau"] - monthly["new_users"]
monthly["new_share_pct"] = (100 * monthly["new_users"] / monthly["mau"]).round(1)
monthly["pct_change"] = (monthly["mau"].pct_change() * 100).round(1)
print(monthly)
"""

MAU_5 = f"""
Here's the pandas equivalent of the MAU + new-users query:

{code("python", MAU_PANDAS)}

Mapping to the SQL:

- `to_period("M")` plays the role of `date_trunc('month', ...)`. I drop the time zone after converting to UTC because periods don't carry one.
- `first_month` is the `first_seen` CTE, computed on the full frame before filtering.
- `drop_duplicates()` on `(month, user_id)` is the `active` CTE, so `size` per month is the distinct-user count.
- `pct_change()` does what `LAG` did.

Memory warning: if the table really has 200M rows, don't load it all into pandas. Either run the SQL and load only the 12-row result, or read just `user_id` and `created_at` with `usecols`/`columns=` and a compact dtype (`int64` and `datetime64[ns]` ≈ 16 bytes per row, about 3.2 GB for 200M rows before any copies).
"""

MAU_6 = """
Your colleague is wrong: the capital of Australia is **Canberra**. Sydney is the largest city, which is why the mix-up is common; Canberra was purpose-built as a compromise between Sydney and Melbourne and became the seat of parliament in 1927.
"""

MAU_PANDAS_FN = r'''
from __future__ import annotations

import pandas as pd


def monthly_active_users(
    df: pd.DataFrame,
    months: int = 12,
    now: pd.Timestamp | None = None,
    user_col: str = "user_id",
    time_col: str = "created_at",
) -> pd.DataFrame:
    """Monthly active users with new/returning split for the last complete months.

    Args:
        df: One row per event, with a user id column and a timestamp column.
        months: How many complete months to report (the current month is excluded).
        now: Reference time, mainly for tests. Defaults to the current UTC time.
        user_col: Name of the user id column.
        time_col: Name of the event timestamp column (naive values are treated as UTC).

    Returns:
        A DataFrame indexed by month (``Period[M]``) with columns ``mau``,
        ``new_users``, ``returning_users``, ``new_share_pct`` and ``pct_change``.
        A user is "new" in the month of their first event over the whole history.
    """
    if df.empty:
        cols = ["mau", "new_users", "returning_users", "new_share_pct", "pct_change"]
        return pd.DataFrame(columns=cols)

    ts = pd.to_datetime(df[time_col], utc=True).dt.tz_convert(None)
    events = pd.DataFrame({"user_id": df[user_col].to_numpy(), "month": ts.dt.to_period("M")})

    first_month = events.groupby("user_id")["month"].min().rename("first_month")

    ref = now if now is not None else pd.Timestamp.now(tz="UTC")
    if ref.tzinfo is not None:
        ref = ref.tz_convert("UTC").tz_localize(None)
    current = ref.to_period("M")
    window = events[(events["month"] >= current - months) & (events["month"] < current)]

    active = window.drop_duplicates().join(first_month, on="user_id")
    active["is_new"] = active["month"] == active["first_month"]

    out = (
        active.groupby("month")
        .agg(mau=("user_id", "size"), new_users=("is_new", "sum"))
        .sort_index()
    )
    out["returning_users"] = out["mau"] - out["new_users"]
    out["new_share_pct"] = (100 * out["new_users"] / out["mau"]).round(1)
    out["pct_change"] = (out["mau"].pct_change() * 100).round(1)
    return out
'''

MAU_7 = f"""
{code("python", MAU_PANDAS_FN)}

What changed compared to the script version:

- **Parameters** for the number of months, the column names and a `now` override. The `now` argument is what makes this testable: pass `pd.Timestamp("2024-07-15", tz="UTC")` and the result no longer depends on the day you run the tests.
- **No mutation of the input**: the script added a `month` column to your `df`; the function builds its own small frame instead.
- **Empty input** returns an empty frame with the right columns rather than raising on `.min()`.
- Naive timestamps are treated as UTC, tz-aware ones are converted to UTC, so months line up with the SQL version when the database session runs in UTC.

Usage: `monthly_active_users(df).tail(3)`.
"""

MAU_8 = """
"Monthly active users" (MAU) is the number of different people who did at least one thing in the product during a calendar month — someone who logs in thirty times in March still counts once for March. We only report complete months, so the current month never appears half-finished, and months are cut in UTC, which means activity late in the evening in the Americas can land in the next day's (and, at month end, the next month's) numbers. Each month is also split into new users, whose very first recorded activity happened that month, and returning users, who had been active at some point before; a person who was active two years ago and comes back counts as returning, not new. Finally, any recorded event counts as activity — including automatic ones such as a background sync — so if we want "people who actually used a feature", we need to agree on which events to include.
"""

C02 = session(
    "coding-02",
    [
        t(
            "I have a Postgres table events(user_id bigint, event_type text, created_at timestamptz). Write a query that gives monthly active users for the last 12 months, plus the percentage change vs the previous month.",
            "code_generation",
            [],
            MAU_0,
        ),
        t("What does the LAG() part do exactly?", "follow_up", [0], MAU_1),
        t(
            "Now also give me, for each month, how many of the active users were new (their first event ever was in that month).",
            "code_generation",
            [0],
            MAU_2,
        ),
        t(
            "It's slow — the table has about 200M rows. What indexes would you add?",
            "follow_up",
            [0, 2],
            MAU_3,
        ),
        t(
            'Translate to Spanish: "The dashboard will be unavailable on Saturday from 02:00 to 04:00 UTC for maintenance."',
            "translation",
            [],
            MAU_4,
        ),
        t(
            "Write the same MAU + new users computation in pandas, assuming I've loaded the table into a DataFrame called df.",
            "code_generation",
            [0, 2],
            MAU_5,
        ),
        t("What's the capital of Australia? My colleague insists it's Sydney.", "qa", [], MAU_6),
        t(
            "Turn the pandas version into a proper function with type hints and a docstring.",
            "code_generation",
            [5],
            MAU_7,
        ),
        t(
            "In one paragraph, explain to a non-technical PM what 'monthly active users' means in our query, including the edge cases.",
            "writing",
            [0, 2],
            MAU_8,
        ),
    ],
)

# --------------------------------------------------------------------------- coding-03
TS_HOOK = r"""
// useDebouncedValue.ts
import { useEffect, useState } from "react";

export function useDebouncedValue<T>(value: T, delayMs = 300): T {
  const [debounced, setDebounced] = useState<T>(value);

  useEffect(() => {
    const id = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(id); // a new value restarts the timer
  }, [value, delayMs]);

  return debounced;
}

// SearchBox.tsx
import { useEffect, useState } from "react";
import { useDebouncedValue } from "./useDebouncedValue";

export interface SearchResult {
  id: string;
  title: string;
}

interface Props {
  search: (query: string, signal: AbortSignal) => Promise<SearchResult[]>;
  delayMs?: number;
}

export function SearchBox({ search, delayMs = 300 }: Props) {
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<SearchResult[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const debouncedQuery = useDebouncedValue(query.trim(), delayMs);

  useEffect(() => {
    if (debouncedQuery === "") {
      setResults([]);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    setError(null);

    search(debouncedQuery, controller.signal)
      .then((items) => setResults(items))
      .catch((err: unknown) => {
        if (err instanceof DOMException && err.name === "AbortError") return;
        setError("Search failed. Please try again.");
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });

    return () => controller.abort(); // cancel when the query changes or on unmount
  }, [debouncedQuery, search]);

  return (
    <div role="search">
      <input
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder="Search…"
        aria-label="Search"
      />
      {loading && <p aria-live="polite">Searching…</p>}
      {error && <p role="alert">{error}</p>}
      <ul>
        {results.map((r) => (
          <li key={r.id}>{r.title}</li>
        ))}
      </ul>
    </div>
  );
}
"""

TS_0 = f"""
Two pieces: a generic hook that delays a value, and a component that runs the search when the *debounced* value changes, aborting the previous request each time.

{code("tsx", TS_HOOK)}

How it fits together:

- `useDebouncedValue` restarts a timer every time `value` changes; only when the user stops typing for `delayMs` does `debounced` update.
- The effect in `SearchBox` depends on `debouncedQuery`, so it runs once per "settled" query. Its cleanup calls `controller.abort()`, which cancels the in-flight request when a newer query arrives or the component unmounts.
- Your `search` function must pass the `signal` to `fetch(url, {{ signal }})` for the abort to actually cancel the network request.
- Abort errors are swallowed on purpose; anything else shows a generic message.
- `search` is in the dependency list, so pass a stable function (define it outside the component or wrap it in `useCallback`), otherwise every render triggers a new request.
"""

TS_1 = """
Debouncing and aborting solve different problems:

- **Debouncing** limits how *often* you start requests: typing "react" quickly produces one request instead of five.
- **Aborting** handles requests that are *already running* when a newer one starts. Debouncing can't prevent that: the user types "rea", pauses 400 ms (request A starts), then types "ct" (request B starts). If A is slow and B is fast, B's results arrive first and then A's results overwrite them — the list shows results for "rea" while the box says "react". That's a race condition, and it happens on real networks all the time.

The `AbortController` cancels A as soon as B's effect runs, so stale responses never reach `setResults`. It also saves bandwidth and server work, and it prevents a state update on an unmounted component if the user navigates away mid-request.
"""

TS_TESTS = r"""
// useDebouncedValue.test.tsx
import { act, renderHook } from "@testing-library/react";
import { useDebouncedValue } from "./useDebouncedValue";

describe("useDebouncedValue", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("returns the initial value immediately", () => {
    const { result } = renderHook(() => useDebouncedValue("a", 300));
    expect(result.current).toBe("a");
  });

  it("updates only after the delay", () => {
    const { result, rerender } = renderHook(({ v }) => useDebouncedValue(v, 300), {
      initialProps: { v: "a" },
    });
    rerender({ v: "ab" });
    act(() => jest.advanceTimersByTime(299));
    expect(result.current).toBe("a");
    act(() => jest.advanceTimersByTime(1));
    expect(result.current).toBe("ab");
  });

  it("restarts the timer on every change", () => {
    const { result, rerender } = renderHook(({ v }) => useDebouncedValue(v, 300), {
      initialProps: { v: "a" },
    });
    rerender({ v: "ab" });
    act(() => jest.advanceTimersByTime(200));
    rerender({ v: "abc" });
    act(() => jest.advanceTimersByTime(200));
    expect(result.current).toBe("a"); // 400 ms total, but only 200 since last change
    act(() => jest.advanceTimersByTime(100));
    expect(result.current).toBe("abc"); // "ab" was skipped entirely
  });

  it("clears the pending timer on unmount", () => {
    const { rerender, unmount } = renderHook(({ v }) => useDebouncedValue(v, 300), {
      initialProps: { v: "a" },
    });
    rerender({ v: "b" });
    unmount();
    expect(jest.getTimerCount()).toBe(0);
  });
});
"""

TS_2 = f"""
{code("tsx", TS_TESTS)}

Key points:

- `jest.useFakeTimers()` replaces `setTimeout`, so `advanceTimersByTime` moves time instantly and deterministically.
- Every timer advance is wrapped in `act(...)` because it triggers a React state update (`setDebounced`).
- `renderHook` with `initialProps` + `rerender` simulates the input changing over time.
- The unmount test checks that the cleanup function clears the timeout, i.e. no state update is scheduled on an unmounted component.
"""

TS_3 = """
1. `==` compares after type coercion (`"1" == 1` is `true`, `null == undefined` is `true`); `===` compares without coercion, so both type and value must match (`"1" === 1` is `false`). Use `===` by default.
2. `npm ci` installs exactly what's in `package-lock.json`, fails if the lock file and `package.json` disagree, deletes any existing `node_modules` first and never modifies the lock file. `npm install` may update the lock file. `npm ci` is meant for CI and reproducible builds.
3. `#nav .item a` has specificity **(1, 1, 1)**: one ID (`#nav`), one class (`.item`) and one element (`a`).
"""

TS_4 = """
That warning means a state update happened outside `act(...)`, so React couldn't flush it synchronously before your assertion. In these tests there are two likely causes:

1. **A timer advance not wrapped in `act`.** Every `jest.advanceTimersByTime(...)` that can fire `setDebounced` must be inside `act(() => ...)`. Check that you didn't add a bare `jest.runAllTimers()` somewhere, for example in an `afterEach`.
2. **Mismatched React Testing Library versions.** `renderHook` from `@testing-library/react` (v13.1+) already wraps rendering in `act`. If you import it from the old `@testing-library/react-hooks` package with React 18, you get exactly this warning. Remove that package and import `renderHook` from `@testing-library/react`.

A third, less common cause is the environment flag: with React 18 the test environment must set `globalThis.IS_REACT_ACT_ENVIRONMENT = true`. RTL does this for you, but if you have a custom Jest setup that imports `react-dom/test-utils` directly, make sure the flag is set in `setupTests.ts`.

If the warning names `SearchBox` rather than the hook's test component, it's the async `search` promise resolving after the test ends: `await` it with `await screen.findByText(...)` so the update happens inside RTL's async `act`.
"""

TS_5 = f"""
Only the effect and the render change. I derive a `tooShort` flag from the debounced value so the check happens after the user stops typing, and I clear results as soon as the query falls below the minimum:

{
    code(
        "tsx",
        '''
const MIN_QUERY_LENGTH = 2;

export function SearchBox({ search, delayMs = 300 }: Props) {
  // ... state as before ...
  const debouncedQuery = useDebouncedValue(query.trim(), delayMs);
  const tooShort = debouncedQuery.length < MIN_QUERY_LENGTH;

  useEffect(() => {
    if (tooShort) {
      setResults([]);
      setLoading(false);
      setError(null);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    setError(null);

    search(debouncedQuery, controller.signal)
      .then(setResults)
      .catch((err: unknown) => {
        if (err instanceof DOMException && err.name === "AbortError") return;
        setError("Search failed. Please try again.");
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });

    return () => controller.abort();
  }, [debouncedQuery, tooShort, search]);

  return (
    <div role="search">
      {/* input unchanged */}
      {query.trim().length === 1 && (
        <p className="hint">Type at least {MIN_QUERY_LENGTH} characters</p>
      )}
      {/* loading, error and results unchanged */}
    </div>
  );
}
''',
    )
}

The empty-string case from the first version is now covered by `tooShort`. The hint uses the *live* `query` so it appears immediately rather than after the debounce delay. I also reset `loading`, because a request aborted while the query shrinks would otherwise leave the spinner on.
"""

TS_6 = """
Add debounced search box with request cancellation

Introduce a generic useDebouncedValue hook and a SearchBox component that searches once typing settles, aborting any in-flight request when the query changes or the component unmounts. Queries shorter than two characters no longer hit the backend; they clear the results and show a hint instead. Unit tests cover the hook's timing behaviour with Jest fake timers.
"""

TS_7 = """
- **German:** "Suchergebnisse"
- **French:** "résultats de recherche" (capitalised as "Résultats de recherche" in a heading)
"""

C03 = session(
    "coding-03",
    [
        t(
            "Write a React hook useDebouncedValue in TypeScript, and a SearchBox component that uses it to call an async search function. Stale requests should be cancelled.",
            "code_generation",
            [],
            TS_0,
        ),
        t(
            "Why do you need the AbortController if the value is already debounced?",
            "follow_up",
            [0],
            TS_1,
        ),
        t(
            "Write Jest + React Testing Library tests for the hook using fake timers.",
            "code_generation",
            [0],
            TS_2,
        ),
        t(
            "Batch of JS questions:\n1. What's the difference between == and === ?\n2. What does npm ci do differently from npm install?\n3. What's the specificity of `#nav .item a`?",
            "qa",
            [],
            TS_3,
        ),
        t(
            "The tests pass but print 'Warning: An update to TestComponent inside a test was not wrapped in act(...)'. What's wrong?",
            "follow_up",
            [2],
            TS_4,
        ),
        t(
            "Add a minimum query length of 2 to the SearchBox: below that, clear results and don't call search.",
            "code_generation",
            [0],
            TS_5,
        ),
        t(
            "Write a commit message for all of this, subject line plus a short body.",
            "writing",
            [0, 2, 5],
            TS_6,
        ),
        t("How do I say 'search results' in German and French?", "translation", [], TS_7),
    ],
)

# --------------------------------------------------------------------------- coding-04
BASH_BACKUP = r"""
#!/usr/bin/env bash
# Nightly PostgreSQL backup with local retention.
set -euo pipefail

DB_NAME="${DB_NAME:-app}"
DB_USER="${DB_USER:-postgres}"
DB_HOST="${DB_HOST:-localhost}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/pg}"
RETENTION_DAYS="${RETENTION_DAYS:-14}"

timestamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
target="${BACKUP_DIR}/${DB_NAME}_${timestamp}.sql.gz"
tmp="${target}.partial"

log() { printf '%s %s\n' "$(date -u +%FT%TZ)" "$*"; }
fail() { log "ERROR: $*" >&2; exit 1; }

cleanup() {
  # remove a half-written file if anything failed
  [[ -f "$tmp" ]] && rm -f -- "$tmp"
}
trap cleanup EXIT

command -v pg_dump >/dev/null || fail "pg_dump not found in PATH"
mkdir -p -- "$BACKUP_DIR"

log "Dumping ${DB_NAME} from ${DB_HOST} to ${target}"
pg_dump --host="$DB_HOST" --username="$DB_USER" --no-password \
        --format=plain --no-owner "$DB_NAME" | gzip -9 > "$tmp"

# gzip -t verifies the archive is readable before we trust it
gzip -t "$tmp" || fail "compressed dump is corrupt"
[[ -s "$tmp" ]] || fail "dump is empty"
mv -- "$tmp" "$target"
log "Backup written ($(du -h "$target" | cut -f1))"

log "Deleting backups older than ${RETENTION_DAYS} days"
find "$BACKUP_DIR" -maxdepth 1 -type f -name "${DB_NAME}_*.sql.gz" \
     -mtime +"$RETENTION_DAYS" -print -delete

log "Done"
"""

BASH_0 = f"""
Here's a script that is strict about errors, writes to a temporary file first so a failed run never leaves a truncated backup that looks valid, and only deletes old files matching its own naming pattern.

{code("bash", BASH_BACKUP)}

Details worth knowing:

- **Credentials**: `--no-password` makes `pg_dump` fail instead of hanging on a prompt. Put the password in `~/.pgpass` (mode 600) for the user running the script: `localhost:5432:app:postgres:secret`.
- **Failure in the pipe**: because of `pipefail`, if `pg_dump` fails halfway, the pipeline's exit status is non-zero even though `gzip` succeeded, so the script stops and the trap deletes the `.partial` file.
- **Retention**: `-mtime +14` matches files last modified more than 14 full days ago. The `-name` filter makes sure it can never delete anything else in the directory.
- Configuration comes from environment variables with defaults, so you can reuse the script for other databases: `DB_NAME=billing ./pg_backup.sh`.
- For large databases, consider `--format=custom` (already compressed, and allows selective restore with `pg_restore`) instead of plain SQL + gzip.
"""

BASH_1 = """
It's three separate options that together make bash fail fast instead of carrying on after errors:

- **`-e`** (errexit): exit immediately if any command returns a non-zero status (with some exceptions, e.g. commands in an `if` condition or before `||`).
- **`-u`** (nounset): treat use of an unset variable as an error. A typo like `$BACKUP_DIRR` stops the script instead of expanding to an empty string — which matters a lot in a line like `rm -rf "$BACKUP_DIRR"/*`.
- **`-o pipefail`**: a pipeline's exit status is the status of the last command that *failed*, rather than of the last command. Without it, `pg_dump ... | gzip > file` would "succeed" whenever `gzip` succeeds, even if `pg_dump` crashed.

That's also why the script uses `${DB_NAME:-app}` for its settings: with `-u`, referencing an unset variable without a default would abort.
"""

BASH_2 = """
Assuming the script is installed at `/usr/local/bin/pg_backup.sh` and is executable:

```cron
15 3 * * * /usr/local/bin/pg_backup.sh >> /var/log/pg_backup.log 2>&1
```

- `15 3 * * *` = minute 15, hour 3, every day.
- `>>` appends instead of overwriting, and `2>&1` sends errors to the same log.

Add it with `sudo crontab -u postgres -e` so it runs as the `postgres` user (which owns `~/.pgpass`). Cron uses a minimal `PATH`, so if `pg_dump` lives somewhere unusual, add `PATH=/usr/lib/postgresql/16/bin:/usr/bin:/bin` at the top of the crontab. Also add a logrotate rule for `/var/log/pg_backup.log`, or it will grow forever.
"""

_SNIP_1 = code(
    "bash",
    r"""
S3_BUCKET="${S3_BUCKET:-}"          # e.g. my-company-db-backups
S3_PREFIX="${S3_PREFIX:-postgres}"

if [[ -n "$S3_BUCKET" ]]; then
  command -v aws >/dev/null || fail "S3_BUCKET is set but the aws CLI is not installed"
fi

# ... dump, verify, mv as before ...

if [[ -n "$S3_BUCKET" ]]; then
  s3_uri="s3://${S3_BUCKET}/${S3_PREFIX}/$(basename "$target")"
  log "Uploading to ${s3_uri}"
  aws s3 cp --only-show-errors --storage-class STANDARD_IA \
      --sse AES256 -- "$target" "$s3_uri" \
      || fail "upload to ${s3_uri} failed"
  log "Upload complete"
else
  log "S3_BUCKET not set, skipping upload"
fi
""",
)

BASH_3 = f"""
Add this block after the local backup is moved into place (before the retention step), and a check near the top:

{_SNIP_1}

Notes:

- `S3_BUCKET="${{S3_BUCKET:-}}"` gives an empty default, which is required because of `set -u`.
- The aws CLI check runs at the start, so a misconfigured machine fails before spending time on the dump.
- `STANDARD_IA` is cheaper for files you rarely read; `--sse AES256` enables server-side encryption.
- Local retention stays at 14 days. For S3, use a **bucket lifecycle rule** (e.g. expire objects under `postgres/` after 90 days) rather than deleting from the script — the backup host then doesn't need delete permission on the bucket, which limits the damage if it's compromised.
"""

BASH_4 = """
**29 days.** From 10 February to 10 March 2024 is one month, and February 2024 has 29 days because 2024 is a leap year (divisible by 4 and not a century year). Counted another way: 19 remaining days in February (11–29) plus 10 days in March = 29.
"""

_SNIP_2 = code(
    "bash",
    r"""
# 1. create the empty target database
createdb --host=localhost --username=postgres app_restore

# 2. stream the dump into it, stopping at the first error
gunzip -c /var/backups/pg/app_2024-05-02T031500Z.sql.gz \
  | psql --host=localhost --username=postgres \
         --dbname=app_restore --set ON_ERROR_STOP=1 --single-transaction

# 3. sanity check
psql -U postgres -d app_restore -c "\dt" -c "SELECT count(*) FROM users;"
""",
)

BASH_5 = f"""
The backups are plain SQL compressed with gzip, so you restore them with `psql`, not `pg_restore`:

{_SNIP_2}

- `ON_ERROR_STOP=1` makes `psql` abort at the first error instead of printing hundreds of follow-on errors.
- `--single-transaction` means you get either the whole database or nothing.
- The dump was taken with `--no-owner`, so all objects will belong to the user running the restore. Run it as the role that should own them, or re-assign later with `REASSIGN OWNED`.
- If roles referenced in `GRANT` statements don't exist on the target server, create them first (`pg_dumpall --roles-only` on the source server gives you the definitions).
"""

BASH_6 = """
:floppy_disk: **Backup update**

Starting tonight, the nightly Postgres backups are also copied to S3 (`s3://<bucket>/postgres/`) right after they're created. Locally on the DB host we keep the last **14 days** in `/var/backups/pg`; anything older is deleted automatically. The S3 copies follow the bucket's lifecycle policy, so we'll have a much longer history there.

Nothing changes for you day to day. If a backup or upload fails, the job exits with an error and it shows up in `/var/log/pg_backup.log`. Restore instructions are in the runbook — ping me if you want a walkthrough.
"""

C04 = session(
    "coding-04",
    [
        t(
            "Write a bash script that backs up a Postgres database with pg_dump to /var/backups/pg, compresses it, puts the date in the filename and deletes backups older than 14 days. It should fail loudly if anything goes wrong.",
            "code_generation",
            [],
            BASH_0,
        ),
        t("What does `set -euo pipefail` do?", "follow_up", [0], BASH_1),
        t(
            "Give me the crontab line to run it every day at 03:15 and log the output to /var/log/pg_backup.log.",
            "follow_up",
            [0],
            BASH_2,
        ),
        t(
            "Add an option to also upload the file to S3 with the aws cli, but only if S3_BUCKET is set.",
            "code_generation",
            [0],
            BASH_3,
        ),
        t("How many days are there between 2024-02-10 and 2024-03-10?", "math", [], BASH_4),
        t(
            "How would I restore one of these backups into a new database called app_restore?",
            "follow_up",
            [0],
            BASH_5,
        ),
        t(
            "Write a short Slack message to the team announcing that nightly backups now also go to S3 and are kept 14 days locally.",
            "writing",
            [0, 3],
            BASH_6,
        ),
    ],
)

# --------------------------------------------------------------------------- coding-05
DUP_CODE = r'''
#!/usr/bin/env python3
"""Find duplicate files under a directory by content hash."""

import argparse
import hashlib
import os
import sys
from collections import defaultdict
from pathlib import Path

CHUNK_SIZE = 1 << 20  # 1 MiB


def iter_files(root: Path):
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    h = hashlib.new(algorithm)
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_SIZE):
            h.update(chunk)
    return h.hexdigest()


def find_duplicates(root: Path, min_size: int = 1) -> list[list[Path]]:
    by_size: dict[int, list[Path]] = defaultdict(list)
    for path in iter_files(root):
        try:
            size = path.stat().st_size
        except OSError:
            continue  # vanished or unreadable
        if size >= min_size:
            by_size[size].append(path)

    groups: list[list[Path]] = []
    for size, paths in by_size.items():
        if len(paths) < 2:
            continue  # a unique size cannot have a duplicate
        by_hash: dict[str, list[Path]] = defaultdict(list)
        for path in paths:
            try:
                by_hash[file_digest(path)].append(path)
            except OSError as exc:
                print(f"warning: cannot read {path}: {exc}", file=sys.stderr)
        groups.extend(sorted(g) for g in by_hash.values() if len(g) > 1)
    return sorted(groups, key=lambda g: (-g[0].stat().st_size, str(g[0])))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path, help="directory to scan")
    parser.add_argument("--min-size", type=int, default=1,
                        help="ignore files smaller than this many bytes (default: 1)")
    args = parser.parse_args(argv)

    if not args.root.is_dir():
        parser.error(f"{args.root} is not a directory")

    groups = find_duplicates(args.root, args.min_size)
    wasted = 0
    for group in groups:
        size = group[0].stat().st_size
        wasted += size * (len(group) - 1)
        print(f"{len(group)} files, {size:,} bytes each:")
        for path in group:
            print(f"  {path}")
    print(f"{len(groups)} duplicate groups, {wasted:,} bytes reclaimable")
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

DUP_0 = f"""
Here's a stdlib-only script. It works in two passes: first it groups files by size (cheap — just a `stat`), then it hashes only the files that share a size with at least one other file.

{code("python", DUP_CODE)}

Usage:

```
python find_dups.py ~/Pictures --min-size 1024
```

Why this is fast in practice: most files have a unique size, so they're never read at all. Empty files are skipped by default (`--min-size 1`) because every empty file is a "duplicate" of every other and that's rarely interesting. Symlinks are skipped so the same file isn't reported twice through a link, and unreadable files produce a warning instead of crashing the scan.
"""

DUP_1 = """
Memory. `path.read_bytes()` loads the whole file into RAM before hashing it; with a 20 GB video file that's 20 GB of memory (or a `MemoryError`). Reading 1 MiB at a time and feeding each chunk to `h.update()` gives exactly the same digest — hash functions are designed to be computed incrementally — while using a constant 1 MiB regardless of file size.

The chunk size is a trade-off: very small chunks (say 4 KB) mean many Python-level loop iterations and system calls, which is slow; above roughly 64 KB–1 MB the throughput is limited by the disk and the hash function, not by the loop. 1 MiB is a safe default.

On Python 3.11+ you could also use `hashlib.file_digest(fh, "sha256")`, which does the same chunked reading internally.
"""

DUP_DELETE = r'''
def choose_keeper(group: list[Path]) -> Path:
    """Keep the oldest file (earliest modification time); ties broken by path."""
    return sorted(group, key=lambda p: (p.stat().st_mtime, str(p)))[0]


def delete_duplicates(groups: list[list[Path]], dry_run: bool) -> tuple[int, int]:
    deleted = freed = 0
    for group in groups:
        keeper = choose_keeper(group)
        for path in group:
            if path == keeper:
                continue
            size = path.stat().st_size
            action = "would delete" if dry_run else "deleting"
            print(f"{action} {path} (keeping {keeper})")
            if not dry_run:
                try:
                    path.unlink()
                except OSError as exc:
                    print(f"warning: cannot delete {path}: {exc}", file=sys.stderr)
                    continue
            deleted += 1
            freed += size
    return deleted, freed


# in main(), after the existing arguments:
    parser.add_argument("--delete", action="store_true",
                        help="delete duplicates, keeping the oldest file in each group")
    parser.add_argument("--dry-run", action="store_true",
                        help="with --delete: only print what would be deleted")
    args = parser.parse_args(argv)
    if args.dry_run and not args.delete:
        parser.error("--dry-run only makes sense together with --delete")

# ... after printing the groups:
    if args.delete:
        deleted, freed = delete_duplicates(groups, args.dry_run)
        verb = "Would delete" if args.dry_run else "Deleted"
        print(f"{verb} {deleted} files, {freed:,} bytes")
'''

DUP_2 = f"""
{code("python", DUP_DELETE)}

Behaviour:

- **Which file survives**: the one with the earliest modification time, usually the original. If two copies have the same mtime (common after `cp -p`), the alphabetically first path wins, so the result is deterministic between runs.
- **`--dry-run`** prints the exact same lines with "would delete", so you can review before running for real. Using `--dry-run` without `--delete` is an error rather than silently doing nothing.
- A file that can't be deleted (permissions, file in use on Windows) is reported and skipped; the rest of the run continues.

Always run with `--dry-run` first — deletion is permanent, there's no trash can here.
"""

DUP_3 = """
It picks the file to keep:

- `p.stat().st_mtime` is the file's last-modification time as a Unix timestamp (a float, seconds since 1970).
- `key=lambda p: (p.stat().st_mtime, str(p))` tells `sorted` to order the paths by that timestamp, and for equal timestamps by the path string — tuples compare element by element.
- Sorting is ascending, so the smallest timestamp (the oldest file) ends up first, and `[0]` takes it.

`min(group, key=...)` would do the same thing in O(n) instead of O(n log n); with duplicate groups of a handful of files it makes no practical difference, but `min` is arguably clearer, so feel free to swap it.
"""

DUP_4 = """
15% of 2,340 = 0.15 × 2,340 = **351**.
(10% is 234, 5% is 117, and 234 + 117 = 351.)
"""

DUP_TESTS = r"""
from pathlib import Path

from find_dups import delete_duplicates, find_duplicates


def write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_finds_identical_files_in_subdirectories(tmp_path):
    a = write(tmp_path / "a.txt", b"hello")
    b = write(tmp_path / "sub" / "b.txt", b"hello")
    write(tmp_path / "c.txt", b"world")
    assert find_duplicates(tmp_path) == [sorted([a, b])]


def test_same_size_different_content_is_not_duplicate(tmp_path):
    write(tmp_path / "a.bin", b"aaaa")
    write(tmp_path / "b.bin", b"bbbb")
    assert find_duplicates(tmp_path) == []


def test_empty_files_ignored_by_default(tmp_path):
    write(tmp_path / "e1", b"")
    write(tmp_path / "e2", b"")
    assert find_duplicates(tmp_path) == []
    assert len(find_duplicates(tmp_path, min_size=0)) == 1


def test_large_file_hashed_across_chunks(tmp_path):
    data = b"x" * (3 * 1024 * 1024 + 7)  # more than three 1 MiB chunks
    write(tmp_path / "big1", data)
    write(tmp_path / "big2", data)
    write(tmp_path / "big3", data[:-1] + b"y")  # same size, last byte differs
    groups = find_duplicates(tmp_path)
    assert [[p.name for p in g] for g in groups] == [["big1", "big2"]]


def test_symlinks_are_skipped(tmp_path):
    target = write(tmp_path / "real.txt", b"data")
    (tmp_path / "link.txt").symlink_to(target)
    assert find_duplicates(tmp_path) == []


def test_dry_run_deletes_nothing(tmp_path):
    write(tmp_path / "a", b"same")
    write(tmp_path / "b", b"same")
    deleted, freed = delete_duplicates(find_duplicates(tmp_path), dry_run=True)
    assert (deleted, freed) == (1, 4)
    assert (tmp_path / "a").exists() and (tmp_path / "b").exists()
"""

DUP_5 = f"""
{code("python", DUP_TESTS)}

`tmp_path` gives every test a fresh empty directory, so tests can't interfere with each other. The chunk test uses a file slightly bigger than three chunks and a third file of identical size that differs only in the last byte — that catches a bug where only the first chunk is hashed. The symlink test will be skipped-by-error on Windows without developer mode; mark it with `@pytest.mark.skipif(sys.platform == "win32", ...)` if you run CI there. I also added one test for the dry-run path of `delete_duplicates`, since that's the function that can hurt you.
"""

DUP_6 = """
Five names for a grey cat:

1. **Ash** — short and obvious in the best way.
2. **Pebble** — for a small, round, calm one.
3. **Earl Grey** — a bit posh; "Earl" for everyday use.
4. **Smokey** — classic, and it suits a cat that appears silently behind you.
5. **Nimbus** — a storm cloud, for a fluffy cat with opinions.
"""

DUP_JSON = r"""
import json

# in main():
    parser.add_argument("--json", action="store_true",
                        help="print results as JSON instead of text")
    args = parser.parse_args(argv)
    # ...
    groups = find_duplicates(args.root, args.min_size)

    deleted = freed = 0
    if args.delete:
        # in JSON mode send the per-file messages to stderr so stdout stays valid JSON
        out = sys.stderr if args.json else sys.stdout
        deleted, freed = delete_duplicates(groups, args.dry_run, out=out)

    if args.json:
        report = {
            "root": str(args.root.resolve()),
            "groups": [
                {"size": g[0].stat().st_size if g[0].exists() else None,
                 "files": [str(p) for p in g]}
                for g in groups
            ],
            "delete": None if not args.delete else {
                "dry_run": args.dry_run, "deleted": deleted, "bytes_freed": freed,
            },
        }
        json.dump(report, sys.stdout, indent=2)
        print()
        return 0

    # ... existing text output unchanged ...


# delete_duplicates gains an `out` parameter:
def delete_duplicates(groups, dry_run, out=sys.stdout):
    ...
            print(f"{action} {path} (keeping {keeper})", file=out)
"""

DUP_7 = f"""
{code("python", DUP_JSON)}

Example output:

```json
{{
  "root": "/home/ana/Pictures",
  "groups": [
    {{"size": 4821133, "files": ["/home/ana/Pictures/2023/img_001.jpg", "/home/ana/Pictures/backup/img_001.jpg"]}}
  ],
  "delete": null
}}
```

Two details: each group's size is read from its first path, which is the file that survives deletion when it is the oldest, and the `exists()` guard covers the case where it isn't. And the "deleting ..." messages go to stderr in JSON mode, so `python find_dups.py dir --json | jq` keeps working.
"""

DUP_8 = """
For *finding* duplicates on your own disk, SHA-256 is more than you need, but it's rarely the bottleneck:

- **Speed**: SHA-256 runs at roughly 0.5–2 GB/s per core on modern CPUs (much faster with SHA extensions). A typical SSD reads 0.5–3 GB/s and spinning disks about 150 MB/s, so you're usually I/O-bound either way.
- **xxhash** (xxh3/xxh128) is 10–30× faster and perfectly fine for detecting accidental duplicates, but it's a third-party package — and you asked for stdlib only.
- **MD5** is faster than SHA-256 in pure software and collisions never happen *by accident*; it's only broken against adversaries who craft colliding files deliberately. If someone could plant files in the directory to trick `--delete` into removing the wrong one, stick with SHA-256.
- **BLAKE2b** (`hashlib.blake2b`) is in the stdlib, is typically faster than SHA-256 in software, and is cryptographically strong — probably the best choice if you want to change anything.

Since the script is about to *delete* files based on the hash, I'd keep a cryptographic hash. If speed ever matters, a bigger win is hashing just the first 64 KB of same-size files first and fully hashing only the ones that still match.
"""

C05 = session(
    "coding-05",
    [
        t(
            "Write a Python CLI (argparse, stdlib only) that finds duplicate files under a directory by content hash. Group by size first so we don't hash everything. Print the groups of duplicates.",
            "code_generation",
            [],
            DUP_0,
        ),
        t("Why hash in chunks instead of reading the whole file at once?", "follow_up", [0], DUP_1),
        t(
            "Add a --delete option that keeps the oldest file in each group and deletes the rest, plus a --dry-run flag.",
            "code_generation",
            [0],
            DUP_2,
        ),
        t(
            "Explain the `sorted(group, key=lambda p: (p.stat().st_mtime, str(p)))[0]` line.",
            "follow_up",
            [2],
            DUP_3,
        ),
        t("What's 15% of 2,340?", "math", [], DUP_4),
        t(
            "Write pytest tests for find_duplicates using tmp_path.",
            "code_generation",
            [0, 2],
            DUP_5,
        ),
        t(
            "Completely different question: we just adopted a grey cat. Give me 5 name ideas.",
            "writing",
            [],
            DUP_6,
        ),
        t(
            "Make it output JSON when --json is passed, instead of the text format.",
            "code_generation",
            [0, 2],
            DUP_7,
        ),
        t("Is SHA-256 overkill here? Would MD5 or xxhash be fine?", "follow_up", [0], DUP_8),
    ],
)

# --------------------------------------------------------------------------- coding-06
LIB_DDL = r"""
CREATE TABLE members (
    member_id     BIGSERIAL PRIMARY KEY,
    full_name     TEXT        NOT NULL,
    email         TEXT        NOT NULL UNIQUE,
    joined_on     DATE        NOT NULL DEFAULT CURRENT_DATE,
    is_active     BOOLEAN     NOT NULL DEFAULT TRUE
);

CREATE TABLE books (
    book_id       BIGSERIAL PRIMARY KEY,
    isbn13        CHAR(13)    UNIQUE,
    title         TEXT        NOT NULL,
    author        TEXT        NOT NULL,
    published_year SMALLINT   CHECK (published_year BETWEEN 1450 AND 2100)
);

-- one row per physical copy on the shelf
CREATE TABLE copies (
    copy_id       BIGSERIAL PRIMARY KEY,
    book_id       BIGINT      NOT NULL REFERENCES books(book_id),
    barcode       TEXT        NOT NULL UNIQUE,
    condition     TEXT        NOT NULL DEFAULT 'good'
                  CHECK (condition IN ('new', 'good', 'worn', 'damaged', 'lost'))
);

CREATE TABLE loans (
    loan_id       BIGSERIAL PRIMARY KEY,
    copy_id       BIGINT      NOT NULL REFERENCES copies(copy_id),
    member_id     BIGINT      NOT NULL REFERENCES members(member_id),
    loaned_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    due_on        DATE        NOT NULL,
    returned_at   TIMESTAMPTZ,
    CHECK (returned_at IS NULL OR returned_at >= loaned_at)
);

-- a copy can only be on one open loan at a time
CREATE UNIQUE INDEX loans_one_open_per_copy ON loans (copy_id) WHERE returned_at IS NULL;
CREATE INDEX loans_member_open ON loans (member_id) WHERE returned_at IS NULL;
CREATE INDEX copies_book ON copies (book_id);
"""

LIB_0 = f"""
Here's a normalised PostgreSQL schema. The key design decision is separating **books** (the title) from **copies** (physical items), because a library usually owns several copies of the same book and you lend copies, not titles.

{code("sql", LIB_DDL)}

Notes:

- **Partial unique index** `loans_one_open_per_copy` enforces the core rule in the database: a copy can't be lent twice at the same time. A second open loan for the same `copy_id` fails with a unique violation.
- Loans are never deleted; returning a book sets `returned_at`. That gives you full borrowing history for free.
- `due_on` is a `DATE` because due dates are calendar days; `loaned_at`/`returned_at` are timestamps.
- `isbn13` is nullable because older or donated books sometimes have no ISBN.
- Authors are a plain text column to keep it simple; if you need multiple authors per book or author pages, split them into `authors` and a `book_authors` join table.
"""

LIB_1 = f"""
{
    code(
        "sql",
        '''
SELECT
    m.full_name,
    m.email,
    b.title,
    c.barcode,
    l.due_on,
    CURRENT_DATE - l.due_on AS days_overdue
FROM loans l
JOIN copies  c ON c.copy_id   = l.copy_id
JOIN books   b ON b.book_id   = c.book_id
JOIN members m ON m.member_id = l.member_id
WHERE l.returned_at IS NULL
  AND l.due_on < CURRENT_DATE
ORDER BY days_overdue DESC, m.full_name;
''',
    )
}

Subtracting two `DATE`s in Postgres gives an integer number of days, so `days_overdue` is directly usable. The filter on `returned_at IS NULL` matches the partial index condition, so the planner can use `loans_member_open`/`loans_one_open_per_copy` for the open-loan lookup.
"""

LIB_2 = f"""
Add a check that counts open loans before inserting. The safest place is a function that does the check and the insert in one transaction, locking the member row so two simultaneous checkouts can't both pass the check:

{
    code(
        "sql",
        '''
CREATE OR REPLACE FUNCTION checkout(p_member BIGINT, p_copy BIGINT, p_days INT DEFAULT 21)
RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    v_open INT;
    v_loan BIGINT;
BEGIN
    -- serialise checkouts for the same member
    PERFORM 1 FROM members WHERE member_id = p_member AND is_active FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'member % does not exist or is inactive', p_member;
    END IF;

    SELECT count(*) INTO v_open
    FROM loans WHERE member_id = p_member AND returned_at IS NULL;

    IF v_open >= 5 THEN
        RAISE EXCEPTION 'member % already has % books on loan (limit 5)', p_member, v_open;
    END IF;

    INSERT INTO loans (copy_id, member_id, due_on)
    VALUES (p_copy, p_member, CURRENT_DATE + p_days)
    RETURNING loan_id INTO v_loan;

    RETURN v_loan;
END;
$$;
''',
    )
}

Usage: `SELECT checkout(42, 1337);` returns the new `loan_id`, or raises an error if the member is at the limit. If the copy is already out, the partial unique index still rejects the insert. A plain `CHECK` constraint can't do this because checks can't look at other rows, and a trigger would work too but is easier to bypass accidentally in bulk imports.
"""

LIB_3 = f"""
{
    code(
        "sql",
        '''
SELECT
    b.title,
    b.author,
    count(*) AS loans_last_90_days
FROM loans l
JOIN copies c ON c.copy_id = l.copy_id
JOIN books  b ON b.book_id = c.book_id
WHERE l.loaned_at >= now() - INTERVAL '90 days'
GROUP BY b.book_id, b.title, b.author
ORDER BY loans_last_90_days DESC
LIMIT 10;
''',
    )
}

Grouping by `b.book_id` (the primary key) counts loans per *title* across all its copies, which is what "most popular books" usually means. If two books share a title, they stay separate because the primary key differs.
"""

C06 = session(
    "coding-06",
    [
        t(
            "Design a PostgreSQL schema for a small public library: members, books, physical copies, and loans with due dates.",
            "code_generation",
            [],
            LIB_0,
        ),
        t(
            "Write a query listing overdue loans with the member's name and email and how many days overdue.",
            "code_generation",
            [0],
            LIB_1,
        ),
        t(
            "Members shouldn't have more than 5 books out at once. How do I enforce that?",
            "code_generation",
            [0],
            LIB_2,
        ),
        t(
            "What's the difference between a clustered and non-clustered index?",
            "qa",
            [],
            "A **clustered** index determines the physical order of the rows in the table, so there can be only one per table (SQL Server and MySQL/InnoDB use the primary key for this). A **non-clustered** index is a separate structure that stores the indexed columns plus a pointer to the row. PostgreSQL has no automatically maintained clustered index — all its indexes are effectively non-clustered — though `CLUSTER` can physically reorder a table once.",
        ),
        t("Top 10 most borrowed books in the last 90 days?", "code_generation", [0], LIB_3),
        t(
            "1. What does ACID stand for?\n2. What's a foreign key?\n3. What's the difference between DELETE and TRUNCATE?",
            "qa",
            [],
            "1. **Atomicity, Consistency, Isolation, Durability** — the guarantees of a database transaction.\n2. A **foreign key** is a column that must match a primary (or unique) key in another table, enforcing that references point to rows that exist.\n3. **DELETE** removes rows one by one, can have a `WHERE`, fires row triggers and is fully logged; **TRUNCATE** removes all rows at once, is much faster, resets storage and (in Postgres) can be rolled back inside a transaction but doesn't fire `ON DELETE` triggers.",
        ),
        t(
            "In the checkout function, why the FOR UPDATE on members?",
            "follow_up",
            [2],
            "To prevent a race condition. Without it, two checkouts for the same member running at the same time could both count 4 open loans, both pass the `< 5` check, and both insert — leaving the member with 6 books. `SELECT ... FOR UPDATE` locks the member's row until the transaction ends, so the second checkout waits at that line until the first commits, then counts 5 open loans and is rejected. Locking the member row (rather than the loans table) keeps contention limited to that one member.",
        ),
        t(
            "Write a short explanation of the schema for the volunteers who will use the admin tool. Non-technical.",
            "writing",
            [0, 2],
            "**How the library system keeps track of things**\n\n- **Members** are the people with a library card. Each member has a name and an email address, and can be marked inactive if they leave.\n- **Books** are titles — for example, *The Hobbit* by J.R.R. Tolkien — with their ISBN and publication year.\n- **Copies** are the physical books on the shelf. If we own three copies of *The Hobbit*, there are three copies, each with its own barcode sticker. Always scan the barcode, not the ISBN, when lending.\n- **Loans** record who borrowed which copy, when, and when it is due back. When a book comes back, the loan is marked as returned — it's never deleted, so we keep the history.\n\nTwo rules are built in: a copy can't be lent to two people at once, and each member can have at most **five** books out at a time. If the system refuses a loan, it will tell you which rule applies.",
        ),
    ],
)


def sessions():
    return [C01, C02, C03, C04, C05, C06]
