"""Weights from pairwise comparisons (the analytic hierarchy process, AHP), pure NumPy.

Judgements are on Saaty's 1–9 scale: ``a[i][j] = 3`` says criterion i is moderately more
important than j, and ``a[j][i] = 1/3``. The weights are the principal eigenvector of the
matrix, normalised to sum to 1. The consistency ratio compares how far the largest
eigenvalue exceeds n with what random judgements give (Saaty's random index); above 0.10
the judgements contradict each other enough to be revisited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# Saaty's random consistency index by matrix size.
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45,
                10: 1.49}  # fmt: skip
CONSISTENCY_LIMIT = 0.10


@dataclass(frozen=True)
class AHPResult:
    weights: tuple[float, ...]
    lambda_max: float
    consistency_index: float
    consistency_ratio: float

    @property
    def consistent(self) -> bool:
        return self.consistency_ratio <= CONSISTENCY_LIMIT


def matrix_from_judgements(n: int, judgements: Mapping[tuple[int, int], float]) -> np.ndarray:
    """A reciprocal matrix from judgements on pairs (i, j); a missing pair counts as equal."""
    a = np.ones((n, n), dtype=float)
    for (i, j), value in judgements.items():
        if i == j:
            continue
        if not 1 / 9 - 1e-9 <= value <= 9 + 1e-9:
            raise ValueError(f"judgement {value} is outside Saaty's scale 1/9 … 9")
        a[i, j] = value
        a[j, i] = 1.0 / value
    return a


def weights(matrix: Sequence[Sequence[float]] | np.ndarray) -> AHPResult:
    """Principal-eigenvector weights and the consistency ratio of a reciprocal matrix."""
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0]
    if a.shape != (n, n) or n == 0:
        raise ValueError("the comparison matrix must be square and not empty")
    if np.any(a <= 0) or not np.allclose(a * a.T, 1.0):
        raise ValueError("the comparison matrix must be positive and reciprocal")
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    w = vector / vector.sum()
    lambda_max = float(values[k].real)
    ci = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX.get(n, 1.49)
    cr = ci / ri if ri else 0.0
    return AHPResult(
        weights=tuple(float(x) for x in w),
        lambda_max=lambda_max,
        consistency_index=max(ci, 0.0),
        consistency_ratio=max(cr, 0.0),
    )
