"""Compiling analyses into per-line NNV quantile tables.

A line's whole contribution to NNV is a monotone function of its one quantile
u, so it is tabulated at K midpoints (discounting, real growth, the NNV sign and
the tax financing cost folded in). The standard PERT / triangular rows come from
a per-process cache over a grid of modes and are blended linearly in the mode
(exact in the mean: both means are linear in the mode).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from ..distributions import standard_quantiles
from ..prepare import PreparedAnalysis

TABLE_SIZE = 4096


def default_table_size(iterations: int) -> int:
    """Quantile resolution to match the sampling noise: iterations / 8, 1024 .. 4096.

    The table mean is exact at any size; the size only limits how finely a single
    line's percentiles are resolved (1/K of its range), which stays below the
    Monte Carlo error of a percentile at that many iterations.
    """
    size = 1 << max(0, math.ceil(math.log2(max(iterations, 1) / 8)))
    return min(max(size, 1024), TABLE_SIZE)


MODE_STEPS = 256
DISTRIBUTIONS = ("pert", "triangular")


@lru_cache(maxsize=16)
def master_table(distribution: str, size: int, dtype: str = "float64") -> np.ndarray:
    """Quantile rows for modes 0, 1/J, ..., 1 (cached: built once per process)."""
    if dtype != "float64":
        table = master_table(distribution, size).astype(dtype)
    else:
        table = standard_quantiles(distribution, np.linspace(0.0, 1.0, MODE_STEPS + 1), size)
    table.setflags(write=False)
    return table


@dataclass
class Unit:
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


def compile_units(prepared_list: Sequence[PreparedAnalysis], size: int, dtype: Any) -> list[Unit]:
    """Build per-line NNV tables for several analyses in one vectorised pass."""
    units: list[Unit] = []
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
            Unit(
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
                line_dist.append(DISTRIBUTIONS.index(pl.line.distribution))
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
    mode = np.clip((likely[sel] - low[sel]) / spread[sel], 0.0, 1.0) * MODE_STEPS
    scale = w[sel] * spread[sel]
    j = np.minimum(mode.astype(np.int64), MODE_STEPS - 1)
    lam = mode - j
    # Merge terms that blend the same master rows: exact, and usually one per line.
    key = (t_row * 2 + t_dist) * MODE_STEPS + j
    keys, inverse = np.unique(key, return_inverse=True)
    p = np.bincount(inverse, weights=scale * (1.0 - lam), minlength=keys.size)
    q = np.bincount(inverse, weights=scale * lam, minlength=keys.size)
    k_row = keys // (2 * MODE_STEPS)
    k_dist = (keys // MODE_STEPS) % 2
    k_j = keys % MODE_STEPS
    tables = np.empty((n_rows, size), dtype=dtype)
    tables[:] = base[uncertain_line].astype(dtype)[:, None]
    for d, name in enumerate(DISTRIBUTIONS):
        pick = np.flatnonzero(k_dist == d)
        if pick.size == 0:
            continue
        master = master_table(name, size, np.dtype(dtype).name)
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
