"""The lookup's similarity search: every entry at or above a floor, without reading
every vector whole.

A cosine search over 10,000 entries of 384 floats reads 15 MB per lookup. The
screen reads a quarter of it: each vector is kept as its coordinates on a fixed
orthonormal basis of ``BASIS_DIMENSIONS`` directions (``screen_basis.npy``, the
principal directions of request embeddings, written by ``benchmarks/cache_fit.py``)
and the norm of what the basis leaves out. For a query ``q`` and an entry ``v``,
``q . v = Pq . Pv + rq . rv <= Pq . Pv + |rq| |rv|`` (Cauchy-Schwarz), so an entry
whose bound is under the floor is under it for sure; the few above (about 20 of
10,000 at the lookup's floor) get their exact cosine. Nothing at or above the floor
is ever missed, whatever the basis: a basis that fits the requests only keeps the
bound tight.
"""

from __future__ import annotations

import io
from functools import cache
from importlib import resources

import numpy as np

BASIS = "screen_basis.npy"
BASIS_DIMENSIONS = 96
SLACK = 1e-4  # float32 rounding: the bound is loosened by this much


@cache
def shipped_basis() -> np.ndarray:
    """The basis shipped with the package: ``(DIMENSIONS, BASIS_DIMENSIONS)``, float32,
    orthonormal columns."""
    data = (resources.files(__package__) / BASIS).read_bytes()
    return np.load(io.BytesIO(data)).astype(np.float32)


class Screen:
    """The vectors of a scope, their coordinates on the basis and residual norms, in
    arrays that grow by doubling (adding a vector costs its projection only)."""

    def __init__(self, dimensions: int, basis: np.ndarray | None = None) -> None:
        self.basis = shipped_basis() if basis is None else basis
        self.count = 0
        self._matrix = np.zeros((16, dimensions), dtype=np.float32)
        self._projected = np.zeros((16, self.basis.shape[1]), dtype=np.float32)
        self._residual = np.zeros(16, dtype=np.float32)

    def add(self, vector: np.ndarray) -> None:
        """Append a vector (a zero vector for an entry kept for exact matches only)."""
        if self.count == len(self._matrix):
            grown = 2 * self.count
            self._matrix = _grown(self._matrix, grown)
            self._projected = _grown(self._projected, grown)
            self._residual = _grown(self._residual, grown)
        row = vector.astype(np.float32, copy=False)
        projected = row @ self.basis
        self._matrix[self.count] = row
        self._projected[self.count] = projected
        self._residual[self.count] = _residual(row, projected)
        self.count += 1

    def at_least(self, vector: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the vectors whose cosine with ``vector`` is at least
        ``floor``, and those cosines."""
        query = vector.astype(np.float32, copy=False)
        projected = query @ self.basis
        n = self.count
        bound = self._projected[:n] @ projected + self._residual[:n] * _residual(query, projected)
        positions = np.flatnonzero(bound >= floor - SLACK)
        similarities = self._matrix[positions] @ query
        keep = similarities >= floor
        return positions[keep], similarities[keep]


def _residual(vector: np.ndarray, projected: np.ndarray) -> float:
    """The norm of what the basis leaves out of ``vector``."""
    return float(np.sqrt(max(float(vector @ vector) - float(projected @ projected), 0.0)))


def _grown(array: np.ndarray, rows: int) -> np.ndarray:
    grown = np.zeros((rows, *array.shape[1:]), dtype=array.dtype)
    grown[: len(array)] = array
    return grown
