"""What a graph opens and closes: the cost ledger, the budget book and the answer cache.

``Resources`` holds them for one graph (or any other caller), as a checkpointer
holds its connection: each is opened on first use from the config's
``ledger_path`` / ``ledger_url`` and ``cache_location()``, and all are closed by
``close()`` or at the end of a ``with`` block. The ledger's file (or Postgres
database) is opened once and shared by the ledger and the budget holds; without a
ledger the holds are kept in memory, per holder. There is no process-wide registry:
two holders on the same file hold two connections, and closing one leaves the other open.

``create_orchestrator`` makes one for its graph unless it is given one
(``resources=``); see its docstring for who closes it.

Example:
    >>> with Resources(OrchestratorConfig(ledger_path=path)) as resources:  # doctest: +SKIP
    ...     resources.ledger().totals()
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

from orchestrator_graph.accounting.holds import BudgetBook
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.accounting.ledger.rows import Rows, is_postgres_url, open_rows
from orchestrator_graph.accounting.ledger.schema import BOOK_TABLES, TABLES
from orchestrator_graph.cache.store import AnswerCache
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.errors import ResourcesClosedError
from orchestrator_graph.storage.closing import Closing

logger = logging.getLogger(__name__)
Location = str | Path | None  # a SQLite file, a Postgres URL, or None: not kept


def locations(config: OrchestratorConfig) -> tuple[Location, Location]:
    """Where ``config`` keeps the ledger and the answer cache (each a file, a Postgres
    URL or None: not kept). A cache with no place to keep it raises ``ValueError``."""
    location = config.ledger_location
    if location is not None and not is_postgres_url(location):
        location = Path(location)
    return location, config.cache_location()


class Resources(Closing):
    """The ledger, budget book and answer cache of ``config``,
    opened on first use and closed together (idempotent; thread-safe).

    Each is a method, not a property: opening is a side effect (LangGraph reads the
    attributes a node's closure names when it compiles the graph).

    After ``close()`` every accessor raises ``ResourcesClosedError``: a closed graph
    does not silently reopen its files.
    """

    def __init__(self, config: OrchestratorConfig | None = None) -> None:
        self.ledger_location, self.cache_location = locations(config or OrchestratorConfig())
        self._lock = threading.Lock()
        self._closed = False
        self._rows: Rows | None = None
        self._ledger: CostLedger | None = None
        self._book: BudgetBook | None = None
        self._cache: AnswerCache | None = None
        self._background: ThreadPoolExecutor | None = None
        self._pending: set[Future[None]] = set()
        self._stopping = False

    @property
    def closed(self) -> bool:
        return self._closed

    def matches(self, config: OrchestratorConfig) -> bool:
        """Whether ``config`` keeps its ledger and cache where this holder does."""
        return locations(config) == (self.ledger_location, self.cache_location)

    def ledger(self) -> CostLedger | None:
        """The cost ledger (None when the config keeps none); its file is created on
        first use."""
        if self._ledger is not None:
            return self._ledger
        if self.ledger_location is None:
            self._check_open()
            return None
        with self._lock:
            if self._ledger is None:
                self._ledger = CostLedger(self.ledger_location, rows=self._shared_rows())
            return self._ledger

    def existing_ledger(self) -> CostLedger | None:
        """The ledger when it is open or already exists, else None: a reader (a decision
        looking for what the ledger taught) creates no file."""
        missing = isinstance(self.ledger_location, Path) and not self.ledger_location.exists()
        if self._ledger is None and missing:
            self._check_open()
            return None
        return self.ledger()

    def book(self) -> BudgetBook:
        """The budget holds, where the ledger is (in memory without one)."""
        if self._book is not None:
            return self._book
        with self._lock:
            if self._book is None:
                self._book = BudgetBook(self.ledger_location, rows=self._shared_rows())
            return self._book

    def cache(self) -> AnswerCache | None:
        """The answer cache (None when the config keeps none)."""
        if self._cache is not None:
            return self._cache
        if self.cache_location is None:
            self._check_open()
            return None
        with self._lock:
            self._check_open()
            if self._cache is None:
                self._cache = AnswerCache(self.cache_location)
            return self._cache

    def submit(self, job: Callable[[], object]) -> None:
        """Run ``job`` in the background, off the caller's path (the shadow judge after a
        turn): in this holder's one worker thread, never on an event loop; an error is
        logged. ``join`` waits for the jobs; ``close`` waits for them, then closes."""
        with self._lock:
            self._check_open()
            if self._stopping:
                return
            if self._background is None:
                self._background = ThreadPoolExecutor(1, thread_name_prefix="orchestrator-bg")
            future = self._background.submit(_logged, job)
            self._pending.add(future)
        future.add_done_callback(self._pending.discard)

    def join(self, timeout: float | None = None) -> None:
        """Wait (up to ``timeout`` seconds) for the background jobs submitted so far."""
        wait(list(self._pending), timeout=timeout)

    def _shared_rows(self) -> Rows:
        """The one connection (or pool) to where the ledger is; the caller holds the lock."""
        self._check_open()
        if self._rows is None:
            tables = dict(BOOK_TABLES)
            if self.ledger_location is not None:
                tables = {**TABLES, **tables}
            self._rows = open_rows(
                self.ledger_location, tables, purpose="be opened as a cost ledger"
            )
        return self._rows

    def _check_open(self) -> None:
        if self._closed:
            raise ResourcesClosedError(
                "the orchestrator's resources (ledger, budget book, answer cache) were "
                "closed: build the graph again (create_orchestrator) to run more turns"
            )

    def close(self) -> None:
        """Wait for the background jobs, then close whatever was opened (idempotent)."""
        with self._lock:
            self._stopping, background, self._background = True, self._background, None
        if background is not None:
            background.shutdown(wait=True)
        with self._lock:
            self._closed = True
            opened, self._rows, self._cache = (self._rows, self._cache), None, None
            self._ledger = self._book = None
        for resource in opened:
            if resource is not None:
                resource.close()


def _logged(job: Callable[[], object]) -> None:
    """Run a background job; its error is logged, never raised to anyone."""
    try:
        job()
    except Exception:
        logger.exception("a background job failed")
