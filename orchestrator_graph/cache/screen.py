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
    """The vectors of a scope, and their coordinates on the basis and residual norms."""

    def __init__(self, matrix: np.ndarray, basis: np.ndarray | None = None) -> None:
        self.matrix = matrix.astype(np.float32, copy=False)
        self.basis = shipped_basis() if basis is None else basis
        self.projected = np.ascontiguousarray(self.matrix @ self.basis)
        squared = np.einsum("ij,ij->i", self.matrix, self.matrix)
        left = squared - np.einsum("ij,ij->i", self.projected, self.projected)
        self.residual = np.sqrt(np.maximum(left, 0.0))

    def at_least(self, vector: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the vectors whose cosine with ``vector`` is at least
        ``floor``, and those cosines."""
        query = vector.astype(np.float32, copy=False)
        projected = query @ self.basis
        residual = float(np.sqrt(max(float(query @ query) - float(projected @ projected), 0.0)))
        bound = self.projected @ projected + self.residual * residual
        positions = np.flatnonzero(bound >= floor - SLACK)
        similarities = self.matrix[positions] @ query
        keep = similarities >= floor
        return positions[keep], similarities[keep]
