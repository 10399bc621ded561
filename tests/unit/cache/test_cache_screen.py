"""The lookup's screened search finds exactly the entries at or above the floor."""

from __future__ import annotations

import numpy as np

from orchestrator_graph.cache.screen import BASIS_DIMENSIONS, Screen, shipped_basis
from orchestrator_graph.quality.embedding import DIMENSIONS


def test_the_screen_finds_every_entry_above_the_floor_and_no_other() -> None:
    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(3000, DIMENSIONS)).astype(np.float32)
    query = matrix[0] / np.linalg.norm(matrix[0])
    # entries near the query, at cosines spread around the floor
    for n, weight in enumerate(np.linspace(0.2, 3.0, 200), start=1):
        matrix[n] = query * weight + rng.normal(size=DIMENSIONS) / np.sqrt(DIMENSIONS)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix[2999] = 0.0  # an entry kept for exact matches only
    screen = Screen(DIMENSIONS)
    for row in matrix:  # grows past its first arrays
        screen.add(row)
    positions, similarities = screen.at_least(query, 0.75)
    exact = matrix @ query
    assert sorted(positions.tolist()) == np.flatnonzero(exact >= 0.75).tolist()
    assert np.allclose(similarities, exact[positions], atol=1e-5)
    assert 10 < len(positions) < 200


def test_the_shipped_basis_is_orthonormal() -> None:
    basis = shipped_basis()
    assert basis.shape == (DIMENSIONS, BASIS_DIMENSIONS)
    assert np.allclose(basis.T @ basis, np.eye(BASIS_DIMENSIONS), atol=1e-4)
