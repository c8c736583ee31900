"""Drawing quantile indices and summing the line tables into NNV samples.

Lines that share a factor (correlation 1, the default) share one draw; a factor
with correlation rho < 1 links its lines through a Gaussian copula
``z = sqrt(rho) Z + sqrt(1 - rho) e``. Independent and shared draws are one
random 16-bit integer per source and iteration, shifted to the table size.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import special

from .tables import Unit


def _draw_indices(
    unit: Unit, iterations: int, rng: np.random.Generator, size: int
) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Quantile indices: rows for independent/shared sources, then copula lines."""
    count = unit.n_sources * iterations
    raw = rng.bit_generator.random_raw(math.ceil(count / 4)).view("<u2")[:count]
    idx = raw.reshape(unit.n_sources, iterations)
    shift = 16 - int(math.log2(size))
    if shift:
        np.right_shift(idx, shift, out=idx)
    copula: dict[int, np.ndarray] = {}
    common: dict[str, np.ndarray] = {}
    for li, (factor, rho) in enumerate(unit.line_copula):
        if unit.line_source[li] != -1:
            continue
        if factor not in common:
            common[factor] = rng.standard_normal(iterations)
        z = math.sqrt(rho) * common[factor] + math.sqrt(1.0 - rho) * rng.standard_normal(iterations)
        u = special.ndtr(z)
        copula[li] = np.minimum((u * size).astype(np.int64), size - 1)
    return idx, copula


def sample_unit(
    unit: Unit, iterations: int, rng: np.random.Generator, size: int, dtype: Any
) -> np.ndarray:
    """NNV samples, shape (n_alternatives, iterations)."""
    acc = np.empty((len(unit.alt_names), iterations), dtype=dtype)
    acc[:] = unit.constant.astype(dtype)[:, None]
    if not unit.line_alt:
        return acc
    idx, copula = _draw_indices(unit, iterations, rng, size)
    assert unit.tables is not None
    for li, ai in enumerate(unit.line_alt):
        src = unit.line_source[li]
        rows = copula[li] if src == -1 else idx[src]
        acc[ai] += unit.tables[li][rows]
    return acc
