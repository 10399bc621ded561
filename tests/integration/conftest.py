"""Integration tests: servers, PostgreSQL, several processes, notebooks, the wheel."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this folder is ``slow`` (``pytest -m "not slow"`` skips them)."""
    for item in items:
        if "/integration/" in str(item.path):
            item.add_marker(pytest.mark.slow)
