"""Discount factors under declining, banded rates (R-109).

DF(t) = prod_{k=1..t} 1/(1+r_k). Each band is applied as a power rather than a
running product so the factors match the hand formula
``1.04**-40 * 1.03**-(t-40)`` to the last bits.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .errors import CBAInputError
from .params import ParameterSet


def discount_factor(t: int, params: ParameterSet) -> float:
    """Discount factor for ``t`` years after the base year (t >= 0)."""
    if t < 0:
        raise CBAInputError(f"year offset {t} is before the base year", "discounting")
    factor = 1.0
    for band in params.discount_bands:
        if t < band.first_step:
            break
        last = t if band.last_step is None else min(t, band.last_step)
        factor *= (1.0 + band.rate) ** -(last - band.first_step + 1)
    return factor


def discount_factors(n_years: int, params: ParameterSet) -> np.ndarray:
    """Factors for t = 0 .. n_years-1 as a (read-only, cached) float64 array."""
    return _cached_factors(n_years, params)


@lru_cache(maxsize=256)
def _cached_factors(n_years: int, params: ParameterSet) -> np.ndarray:
    factors = np.array([discount_factor(t, params) for t in range(n_years)], dtype=np.float64)
    factors.setflags(write=False)
    return factors


def flat_discount_factors(n_years: int, rate: float) -> np.ndarray:
    """Factors under one flat rate; used to find a break-even discount rate."""
    return (1.0 + rate) ** -np.arange(n_years, dtype=np.float64)
