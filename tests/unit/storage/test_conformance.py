"""The checkpointers the package opens pass LangGraph's checkpointer conformance suite
(``langgraph-checkpoint-conformance``), one pytest item per check.

The suite calls the async methods; a sync saver is run through ``async_view``, whose
async methods call the saver's sync ones. A capability the saver does not implement
(``delete_for_runs``, ``copy_thread``, ``prune``: the suite detects them by the
method being overridden) is skipped, as the suite itself does. A check that fails for
a reason we cannot fix goes in ``KNOWN_FAILURES`` with its reason (a strict xfail).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.conformance import checkpointer_test, validate
from langgraph.checkpoint.conformance.report import ProgressCallbacks
from langgraph.checkpoint.conformance.spec import test_copy_thread as copy_thread_spec
from langgraph.checkpoint.conformance.spec import test_delete_for_runs as delete_for_runs_spec
from langgraph.checkpoint.conformance.spec import test_delete_thread as delete_thread_spec
from langgraph.checkpoint.conformance.spec import test_get_tuple as get_tuple_spec
from langgraph.checkpoint.conformance.spec import test_list as list_spec
from langgraph.checkpoint.conformance.spec import test_prune as prune_spec
from langgraph.checkpoint.conformance.spec import test_put as put_spec
from langgraph.checkpoint.conformance.spec import test_put_writes as put_writes_spec

from orchestrator_graph.storage.checkpoints import (
    async_postgres_checkpointer,
    async_sqlite_checkpointer,
    postgres_checkpointer,
    sqlite_checkpointer,
)
from orchestrator_graph.storage.delta_sqlite import AsyncDeltaSqliteSaver, DeltaSqliteSaver

CHECKS = [
    (capability, check.__name__)
    for capability, checks in {
        "put": put_spec.ALL_PUT_TESTS,
        "put_writes": put_writes_spec.ALL_PUT_WRITES_TESTS,
        "get_tuple": get_tuple_spec.ALL_GET_TUPLE_TESTS,
        "list": list_spec.ALL_LIST_TESTS,
        "delete_thread": delete_thread_spec.ALL_DELETE_THREAD_TESTS,
        "delete_for_runs": delete_for_runs_spec.ALL_DELETE_FOR_RUNS_TESTS,
        "copy_thread": copy_thread_spec.ALL_COPY_THREAD_TESTS,
        "prune": prune_spec.ALL_PRUNE_TESTS,
    }.items()
    for check in checks
]
KNOWN_FAILURES: dict[tuple[str, str], str] = {}
"""(saver, check) -> why it fails and cannot be fixed here."""

_SYNC_METHODS = ("put", "put_writes", "get_tuple", "delete_thread")
_SYNC_EXTENSIONS = ("delete_for_runs", "copy_thread", "prune")


def _calls(name: str) -> Callable[..., Any]:
    async def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(self.saver, name)(*args, **kwargs)

    return call


async def _alist(self: Any, config: Any, **kwargs: Any) -> AsyncIterator[Any]:
    for item in self.saver.list(config, **kwargs):
        yield item


def async_view(saver: BaseCheckpointSaver) -> BaseCheckpointSaver:
    """``saver`` with async methods that call its sync ones; of the optional ones, only
    those it implements (the suite runs a capability when its method is overridden)."""
    methods: dict[str, Any] = {f"a{name}": _calls(name) for name in _SYNC_METHODS}
    methods["alist"] = _alist
    for name in _SYNC_EXTENSIONS:
        if getattr(type(saver), name) is not getattr(BaseCheckpointSaver, name):
            methods[f"a{name}"] = _calls(name)
    view = type(f"Async{type(saver).__name__}", (BaseCheckpointSaver,), methods)(serde=saver.serde)
    view.saver = saver
    view.get_next_version = saver.get_next_version
    return view


def _sync(opener: Callable[[], Any]) -> Callable[[], AbstractAsyncContextManager[Any]]:
    @asynccontextmanager
    async def opened() -> AsyncIterator[BaseCheckpointSaver]:
        with opener() as saver:
            yield async_view(saver)

    return opened


def _openers(tmp: Path, pg_url: str | None) -> dict[str, Callable[[], Any]]:
    files = iter(range(1_000_000))
    return {
        "sqlite": _sync(lambda: sqlite_checkpointer(tmp / f"{next(files)}.sqlite")),
        "async_sqlite": lambda: async_sqlite_checkpointer(tmp / f"{next(files)}.sqlite"),
        "postgres": _sync(lambda: postgres_checkpointer(pg_url)),
        "async_postgres": lambda: async_postgres_checkpointer(pg_url),
    }


@dataclass
class Outcomes:
    """One run of the suite: the capabilities it found the saver implements, and each
    check it ran with its error (None: passed)."""

    detected: set[str] = field(default_factory=set)
    checks: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def started(self, capability: str, detected: bool) -> None:
        if detected:
            self.detected.add(capability)

    def ran(self, capability: str, check: str, passed: bool, error: str | None) -> None:
        self.checks[capability, check] = None if passed else (error or "failed")


def _run_suite(name: str, opener: Callable[[], Any]) -> Outcomes:
    """Run the suite on fresh savers from ``opener``."""
    outcomes = Outcomes()

    @checkpointer_test(name=name)
    async def factory() -> AsyncIterator[BaseCheckpointSaver]:
        async with opener() as saver:
            yield saver

    progress = ProgressCallbacks(on_capability_start=outcomes.started, on_test_result=outcomes.ran)
    asyncio.run(validate(factory, progress=progress))
    return outcomes


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str | None], Outcomes]:
    """The suite's outcomes for one saver, run once per module."""
    cache: dict[str, Outcomes] = {}

    def outcomes(name: str, pg_url: str | None) -> Outcomes:
        if name not in cache:
            tmp = tmp_path_factory.mktemp(f"conformance-{name}")
            cache[name] = _run_suite(name, _openers(tmp, pg_url)[name])
        return cache[name]

    return outcomes


def _check(request: pytest.FixtureRequest, outcomes: Outcomes, name: str) -> None:
    params = request.node.callspec.params
    capability, check = params["capability"], params["check"]
    if reason := KNOWN_FAILURES.get((name, check)):
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))
    if capability not in outcomes.detected:
        pytest.skip(f"{name} does not implement {capability}")
    assert (capability, check) in outcomes.checks, "the suite did not run it"
    assert outcomes.checks[capability, check] is None, outcomes.checks[capability, check]


@pytest.mark.parametrize(("capability", "check"), CHECKS)
@pytest.mark.parametrize("name", ["sqlite", "async_sqlite"])
def test_sqlite_savers_conform(
    request: pytest.FixtureRequest, suite: Any, name: str, capability: str, check: str
) -> None:
    _check(request, suite(name, None), name)


@pytest.mark.slow  # a PostgreSQL server
@pytest.mark.parametrize(("capability", "check"), CHECKS)
@pytest.mark.parametrize("name", ["postgres", "async_postgres"])
def test_postgres_savers_conform(
    request: pytest.FixtureRequest, suite: Any, pg_url: str, name: str, capability: str, check: str
) -> None:
    _check(request, suite(name, pg_url), name)


def test_the_suite_runs_our_delta_savers(tmp_path: Path) -> None:
    """What the SQLite openers give, and so what the suite checks, are the delta savers."""
    with sqlite_checkpointer(tmp_path / "a.sqlite") as saver:
        assert isinstance(saver, DeltaSqliteSaver)

    async def opened() -> Any:
        async with async_sqlite_checkpointer(tmp_path / "b.sqlite") as saver:
            return type(saver)

    assert asyncio.run(opened()) is AsyncDeltaSqliteSaver
