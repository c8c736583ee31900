"""Monte Carlo simulation of NNV: seeded, reproducible and vectorised.

How it is fast enough for pages and portfolios:

* Each line has one uncertainty draw per iteration that applies to all its years
  (a line is "one estimate", so its years move together), so the line's whole
  contribution to NNV is a monotone function of one quantile u. We tabulate that
  function at K midpoints (the per-line inverse-CDF table, with discounting,
  real growth, the NNV sign and the tax financing cost folded in) and sampling
  becomes one random 16-bit integer and one table lookup per line and iteration.
* Standard PERT / triangular quantile tables are computed once per process for a
  grid of modes and blended linearly in the mode; the blend is exact in the mean
  because both distributions' means are linear in the mode.
* Lines that share a factor (correlation 1, the default) share their draw; a
  factor with correlation rho < 1 links its lines through a Gaussian copula
  ``z = sqrt(rho) Z + sqrt(1 - rho) e``.
* Every analysis gets its own random stream spawned from the seed, so results
  do not depend on how many threads run the portfolio.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import special

from .distributions import standard_quantiles
from .errors import CBAInputError
from .model import Analysis
from .prepare import PreparedAnalysis, prepare

TABLE_SIZE = 4096


def default_table_size(iterations: int) -> int:
    """Quantile resolution to match the sampling noise: iterations / 8, 1024 .. 4096.

    The table mean is exact at any size; the size only limits how finely a single
    line's percentiles are resolved (1/K of its range), which stays below the
    Monte Carlo error of a percentile at that many iterations.
    """
    size = 1 << max(0, math.ceil(math.log2(max(iterations, 1) / 8)))
    return min(max(size, 1024), TABLE_SIZE)


_MODE_STEPS = 256
_DISTS = ("pert", "triangular")
SeedLike = int | np.random.SeedSequence | None


@lru_cache(maxsize=16)
def _master(distribution: str, size: int, dtype: str = "float64") -> np.ndarray:
    """Quantile rows for modes 0, 1/J, ..., 1 (cached: built once per process)."""
    if dtype != "float64":
        table = _master(distribution, size).astype(dtype)
    else:
        table = standard_quantiles(distribution, np.linspace(0.0, 1.0, _MODE_STEPS + 1), size)
    table.setflags(write=False)
    return table


# --------------------------------------------------------------------------- results


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


# --------------------------------------------------------------------------- compiling


@dataclass
class _Unit:
    """One analysis compiled for sampling."""

    prepared: PreparedAnalysis
    alt_names: list[str]
    deterministic: np.ndarray  # expected NNV per simulated alternative
    constant: np.ndarray  # NNV part that does not vary, per simulated alternative
    line_alt: list[int] = field(default_factory=list)
    line_source: list[int] = field(default_factory=list)  # -1 -> copula row
    line_copula: list[tuple[str, float]] = field(default_factory=list)
    n_sources: int = 0
    tables: np.ndarray | None = None  # (n_uncertain_lines, K)


def _compile(prepared_list: Sequence[PreparedAnalysis], size: int, dtype: Any) -> list[_Unit]:
    """Build per-line NNV tables for several analyses in one vectorised pass."""
    units: list[_Unit] = []
    # Per term (a line-year or a residual value): arrays gathered from every line.
    weights: list[np.ndarray] = []
    lows: list[np.ndarray] = []
    likelies: list[np.ndarray] = []
    highs: list[np.ndarray] = []
    lengths: list[int] = []
    # Per line: owning unit, global alternative index, distribution, factor.
    line_unit: list[int] = []
    line_galt: list[int] = []
    line_dist: list[int] = []
    line_factor: list[str | None] = []
    n_galt = 0
    alt_offsets: list[int] = []
    for ui, prepared in enumerate(prepared_list):
        sim_alts = [a for a in prepared.alternatives if not a.alternative.zero]
        alt_offsets.append(n_galt)
        units.append(
            _Unit(
                prepared=prepared,
                alt_names=[a.alternative.name for a in sim_alts],
                deterministic=np.zeros(len(sim_alts)),
                constant=np.zeros(len(sim_alts)),
            )
        )
        for ai, alt in enumerate(sim_alts):
            for pl in alt.lines:
                w = pl.weights * pl.coef
                if pl.residual is None:
                    weights.append(w)
                    lows.append(pl.low)
                    likelies.append(pl.likely)
                    highs.append(pl.high)
                    lengths.append(w.size)
                else:  # residual value: a benefit in the final year, TFC if public
                    weights.append(np.append(w, pl.residual_weight * pl.residual_coef))
                    lows.append(np.append(pl.low, pl.residual[0]))
                    likelies.append(np.append(pl.likely, pl.residual[1]))
                    highs.append(np.append(pl.high, pl.residual[2]))
                    lengths.append(w.size + 1)
                line_unit.append(ui)
                line_galt.append(n_galt + ai)
                line_dist.append(_DISTS.index(pl.line.distribution))
                line_factor.append(pl.line.factor)
        n_galt += len(sim_alts)
    if not lengths:
        return units

    n_all = len(lengths)
    term_line = np.repeat(np.arange(n_all), lengths)
    w = np.concatenate(weights)
    low = np.concatenate(lows)
    likely = np.concatenate(likelies)
    high = np.concatenate(highs)
    dist = np.asarray(line_dist)[term_line]
    galt = np.asarray(line_galt)
    mean = np.where(dist == 1, (low + likely + high) / 3.0, (low + 4.0 * likely + high) / 6.0)
    deterministic = np.bincount(galt[term_line], weights=w * mean, minlength=n_galt)
    spread = high - low
    uncertain_term = spread != 0
    uncertain_line = np.bincount(term_line, weights=uncertain_term, minlength=n_all) > 0
    base = np.bincount(term_line, weights=w * low, minlength=n_all)
    constant = np.bincount(galt[~uncertain_line], weights=base[~uncertain_line], minlength=n_galt)

    # Distribute per-alternative figures back to units; assign random sources.
    offset_alt = 0
    for unit in units:
        n = len(unit.alt_names)
        unit.deterministic = deterministic[offset_alt : offset_alt + n]
        unit.constant = constant[offset_alt : offset_alt + n]
        offset_alt += n
    shared: dict[tuple[int, str], int] = {}
    for li in np.flatnonzero(uncertain_line).tolist():
        unit = units[line_unit[li]]
        unit.line_alt.append(line_galt[li] - alt_offsets[line_unit[li]])
        factor = line_factor[li]
        rho = unit.prepared.analysis.factors.get(factor, 1.0) if factor else 1.0
        if factor and rho < 1.0:
            unit.line_source.append(-1)
            unit.line_copula.append((factor, rho))
            continue
        if factor:
            key = (line_unit[li], factor)
            if key not in shared:
                shared[key] = unit.n_sources
                unit.n_sources += 1
            unit.line_source.append(shared[key])
        else:
            unit.line_source.append(unit.n_sources)
            unit.n_sources += 1
        unit.line_copula.append(("", 1.0))

    # Tables: base + sum over terms of scale * S(u; mode), with S blended from master rows.
    row_of_line = np.cumsum(uncertain_line) - 1
    n_rows = int(uncertain_line.sum())
    sel = uncertain_term
    t_row = row_of_line[term_line[sel]]
    t_dist = dist[sel]
    mode = np.clip((likely[sel] - low[sel]) / spread[sel], 0.0, 1.0) * _MODE_STEPS
    scale = w[sel] * spread[sel]
    j = np.minimum(mode.astype(np.int64), _MODE_STEPS - 1)
    lam = mode - j
    # Merge terms that blend the same master rows: exact, and usually one per line.
    key = (t_row * 2 + t_dist) * _MODE_STEPS + j
    keys, inverse = np.unique(key, return_inverse=True)
    p = np.bincount(inverse, weights=scale * (1.0 - lam), minlength=keys.size)
    q = np.bincount(inverse, weights=scale * lam, minlength=keys.size)
    k_row = keys // (2 * _MODE_STEPS)
    k_dist = (keys // _MODE_STEPS) % 2
    k_j = keys % _MODE_STEPS
    tables = np.empty((n_rows, size), dtype=dtype)
    tables[:] = base[uncertain_line].astype(dtype)[:, None]
    for d, name in enumerate(_DISTS):
        pick = np.flatnonzero(k_dist == d)
        if pick.size == 0:
            continue
        master = _master(name, size, np.dtype(dtype).name)
        rows = k_row[pick]
        contrib = p[pick, None].astype(dtype) * master[k_j[pick]]
        contrib += q[pick, None].astype(dtype) * master[k_j[pick] + 1]
        if rows.size == np.unique(rows).size:
            tables[rows] += contrib
        else:
            np.add.at(tables, rows, contrib)
    offset = 0
    for unit in units:
        n = len(unit.line_alt)
        unit.tables = tables[offset : offset + n]
        offset += n
    return units


# --------------------------------------------------------------------------- sampling


def _draw_indices(
    unit: _Unit, iterations: int, rng: np.random.Generator, size: int
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


def _sample_unit(
    unit: _Unit, iterations: int, rng: np.random.Generator, size: int, dtype: Any
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


# --------------------------------------------------------------------------- statistics


def _summary(
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
        counts, edges = np.histogram(samples, bins=bins)
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


# --------------------------------------------------------------------------- public API


def _check(iterations: int, table_size: int | None) -> int:
    if not isinstance(iterations, int) or isinstance(iterations, bool) or iterations < 2:
        raise CBAInputError(
            f"iterations must be a whole number >= 2, got {iterations!r}", "iterations"
        )
    if table_size is None:
        return default_table_size(iterations)
    if table_size not in {2**k for k in range(4, 17)}:
        raise CBAInputError("table_size must be a power of two between 16 and 65536", "table_size")
    return table_size


def _seed_sequence(seed: SeedLike) -> tuple[np.random.SeedSequence, int | None]:
    if isinstance(seed, np.random.SeedSequence):
        entropy = seed.entropy if isinstance(seed.entropy, int) else None
        return seed, entropy
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
        raise CBAInputError(f"seed must be a non-negative integer, got {seed!r}", "seed")
    sequence = np.random.SeedSequence(seed)
    return sequence, int(sequence.entropy)  # record fresh entropy so a run can be repeated


def simulate(
    analysis: Analysis | PreparedAnalysis,
    iterations: int = 10_000,
    seed: SeedLike = None,
    *,
    table_size: int | None = None,
    bins: int = 40,
) -> SimulationResult:
    """Simulate NNV for every non-zero alternative, with histogram and S-curve data.

    Uses float64 sums. The same seed gives the same numbers; ``seed=None`` draws
    fresh entropy and records it in ``result.seed``.
    """
    table_size = _check(iterations, table_size)
    sequence, recorded = _seed_sequence(seed)
    prepared = analysis if isinstance(analysis, PreparedAnalysis) else prepare(analysis)
    (unit,) = _compile([prepared], table_size, np.float64)
    rng = np.random.Generator(np.random.PCG64(sequence))
    samples = _sample_unit(unit, iterations, rng, table_size, np.float64)
    alternatives = tuple(
        _summary(name, float(unit.deterministic[i]), samples[i], details=True, bins=bins)
        for i, name in enumerate(unit.alt_names)
    )
    return SimulationResult(
        analysis_name=prepared.analysis.name,
        iterations=iterations,
        seed=recorded,
        parameter_set=prepared.params.name,
        table_size=table_size,
        alternatives=alternatives,
    )


def simulate_many(
    analyses: Sequence[Analysis | PreparedAnalysis],
    iterations: int = 10_000,
    seed: SeedLike = None,
    *,
    table_size: int | None = None,
    workers: int | None = None,
    chunk_size: int = 32,
    dtype: Any = np.float32,
    details: bool = False,
) -> PortfolioSimulation:
    """Simulate many analyses at once (the portfolio path).

    Summaries only (mean, std, P10/P50/P90, P(NNV<0)) unless ``details``. Sums
    are float32 by default (about 7 significant digits; means are accumulated in
    float64). Analysis i uses the i-th child of ``SeedSequence(seed)``, so its
    numbers do not depend on ``workers`` or ``chunk_size`` (the portfolio total
    depends on ``chunk_size`` only in the last bits, through summation order).
    """
    table_size = _check(iterations, table_size)
    sequence, recorded = _seed_sequence(seed)
    children = sequence.spawn(len(analyses))
    workers = workers or os.cpu_count() or 1
    chunks = [
        range(i, min(i + chunk_size, len(analyses))) for i in range(0, len(analyses), chunk_size)
    ]

    def run(chunk: range) -> tuple[list[SimulationResult], np.ndarray]:
        prepared = [
            a if isinstance(a, PreparedAnalysis) else prepare(a)
            for a in (analyses[i] for i in chunk)
        ]
        units = _compile(prepared, table_size, dtype)
        total = np.zeros(iterations, dtype=np.float64)
        out = []
        for i, unit in zip(chunk, units, strict=True):
            rng = np.random.Generator(np.random.PCG64(children[i]))
            samples = _sample_unit(unit, iterations, rng, table_size, dtype)
            if len(unit.alt_names):
                total += samples[0]
            alternatives = tuple(
                _summary(name, float(unit.deterministic[k]), samples[k], details=details)
                for k, name in enumerate(unit.alt_names)
            )
            out.append(
                SimulationResult(
                    analysis_name=unit.prepared.analysis.name,
                    iterations=iterations,
                    seed=None,
                    parameter_set=unit.prepared.params.name,
                    table_size=table_size,
                    alternatives=alternatives,
                )
            )
        return out, total

    if workers > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(run, chunks))
    else:
        parts = [run(chunk) for chunk in chunks]
    results = tuple(r for part, _ in parts for r in part)
    total_samples = np.zeros(iterations, dtype=np.float64)
    for _, part_total in parts:
        total_samples += part_total
    deterministic = sum(
        float(r.alternatives[0].deterministic_nnv) for r in results if r.alternatives
    )
    total = _summary("portfolio", deterministic, total_samples, details=details)
    return PortfolioSimulation(iterations=iterations, seed=recorded, results=results, total=total)
