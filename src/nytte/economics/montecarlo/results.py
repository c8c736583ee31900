"""Monte Carlo result types and the statistics that fill them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class AlternativeSimulation:
    """Distribution of one alternative's NNV (NOK)."""

    name: str
    deterministic_nnv: float
    mean: float
    std: float
    p10: float
    p50: float
    p90: float
    prob_negative: float
    histogram: dict[str, list[float]] | None = None
    s_curve: list[tuple[float, float]] | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "deterministic_nnv": self.deterministic_nnv,
            "mean": self.mean,
            "std": self.std,
            "p10": self.p10,
            "p50": self.p50,
            "p90": self.p90,
            "prob_negative": self.prob_negative,
        }
        if self.histogram is not None:
            data["histogram"] = self.histogram
        if self.s_curve is not None:
            data["s_curve"] = [{"probability": p, "nnv": v} for p, v in self.s_curve]
        return data


def _bins_for(ordered: np.ndarray, bins: int) -> int:
    """``bins``, or one bin when the spread is narrower than floating point can split into
    ``bins`` (for example amounts of a few ten-thousandths of a krone): NumPy refuses then."""
    low, high = float(ordered[0]), float(ordered[-1])
    if high > low and (high - low) / bins <= np.spacing(max(abs(low), abs(high))):
        return 1
    return bins


@dataclass(frozen=True)
class SimulationResult:
    """Monte Carlo result for one analysis (the zero alternative is not simulated)."""

    analysis_name: str
    iterations: int
    seed: int | None
    parameter_set: str
    table_size: int
    alternatives: tuple[AlternativeSimulation, ...]

    def alternative(self, name: str) -> AlternativeSimulation:
        for alt in self.alternatives:
            if alt.name == name:
                return alt
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "analysis": self.analysis_name,
            "iterations": self.iterations,
            "seed": self.seed,
            "parameter_set": self.parameter_set,
            "table_size": self.table_size,
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


@dataclass(frozen=True)
class PortfolioSimulation:
    """``simulate_many``: one result per analysis plus the portfolio total.

    The total adds, per iteration, the NNV of each analysis' first non-zero
    alternative (the initiative as proposed).
    """

    iterations: int
    seed: int | None
    results: tuple[SimulationResult, ...]
    total: AlternativeSimulation | None = field(default=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "iterations": self.iterations,
            "seed": self.seed,
            "results": [r.to_dict() for r in self.results],
            "total": None if self.total is None else self.total.to_dict(),
        }


def summarise(
    name: str,
    deterministic: float,
    samples: np.ndarray,
    *,
    details: bool,
    bins: int = 40,
) -> AlternativeSimulation:
    """Statistics of one row of samples. Reorders ``samples`` in place."""
    n = samples.size
    mean = float(np.mean(samples, dtype=np.float64))
    std = float(np.std(samples, dtype=np.float64))
    prob_negative = float(np.count_nonzero(samples < 0)) / n
    histogram = s_curve = None
    if details:
        samples.sort()
        counts, edges = np.histogram(samples, bins=_bins_for(samples, bins))
        histogram = {"edges": edges.astype(float).tolist(), "counts": counts.astype(float).tolist()}
        probs = np.linspace(0.0, 1.0, 101)
        values = np.quantile(samples, probs)
        s_curve = [(float(p), float(v)) for p, v in zip(probs, values, strict=True)]
        p10, p50, p90 = (float(v) for v in np.quantile(samples, [0.1, 0.5, 0.9]))
    else:
        p10, p50, p90 = _quantiles_inplace(samples, (0.1, 0.5, 0.9))
    return AlternativeSimulation(
        name=name,
        deterministic_nnv=deterministic,
        mean=mean,
        std=std,
        p10=p10,
        p50=p50,
        p90=p90,
        prob_negative=prob_negative,
        histogram=histogram,
        s_curve=s_curve,
    )


def _quantiles_inplace(samples: np.ndarray, probs: tuple[float, ...]) -> tuple[float, ...]:
    """Linear-interpolated quantiles (as numpy's default) with one partition, O(n)."""
    n = samples.size
    positions = [p * (n - 1) for p in probs]
    kth = sorted({min(math.floor(x) + d, n - 1) for x in positions for d in (0, 1)})
    samples.partition(kth)
    out = []
    for x in positions:
        lo = math.floor(x)
        hi = min(lo + 1, n - 1)
        a, b = float(samples[lo]), float(samples[hi])
        out.append(a + (x - lo) * (b - a))
    return tuple(out)
