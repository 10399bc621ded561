"""Argument types shared by the commands: each refuses a bad value while the command
line is parsed (argparse prints the usage and the problem, exit status 2)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from orchestrator_graph.accounting.ledger.rows import is_postgres_url


def int_at_least(low: int) -> Callable[[str], int]:
    """An integer type that refuses values below ``low``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} is below the minimum, {low}")
        return value

    return parse


def number_in(low: float, high: float, *, low_open: bool = False) -> Callable[[str], float]:
    """A float type that refuses values outside ``[low, high]`` (``(low, high]`` when
    ``low_open``)."""
    bounds = f"{'(' if low_open else '['}{low:g}, {high:g}]"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not (low < value if low_open else low <= value) or not value <= high:
            raise argparse.ArgumentTypeError(f"{value:g} is outside {bounds}")
        return value

    return parse


def non_negative(text: str) -> float:
    """A float >= 0."""
    return number_in(0.0, float("inf"))(text)


def file_path(text: str) -> Path:
    """A path where a file is expected: refuses an existing directory."""
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{path} is a directory, not a file")
    return path


def ledger_location(text: str) -> str:
    """A cost ledger: a ``postgresql://`` URL, or a SQLite file (not a directory)."""
    return text if is_postgres_url(text) else str(file_path(text))


def new_file(text: str) -> Path:
    """A file to write: not a directory, in a folder that exists (checked before any
    long work, which would otherwise be lost at the end)."""
    path = file_path(text)
    folder = path.parent
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(
            f"{folder} is not an existing folder (to write {path.name})"
        )
    return path
