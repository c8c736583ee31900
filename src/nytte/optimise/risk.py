"""The uncertainty option: keep P(portfolio NNV < 0) under a stated level.

The chance constraint is written over the candidates' joint NNV samples (sample *k* of
every candidate comes from the same Monte Carlo iteration of the cost-benefit engine):
one binary ``w[k]`` per sample may switch off the row "portfolio NNV in sample k >= 0"
(big-M: the most negative NNV any plan can have in that sample), and at most
floor(level x S) of them may. This is the exact scenario (sample-average) version of
the constraint for the given samples, not an approximation of it; how well it holds
for the true distribution depends on the number of samples (docs/optimise.md).
"""

from __future__ import annotations

import math

import numpy as np

from .build import INF, MONEY, Model, Prepared, RowInfo


def n_samples(prep: Prepared) -> int:
    return next(len(c.nnv_samples) for c in prep.problem.candidates if c.nnv_samples)


def scenario_nnv(prep: Prepared, starts: dict[int, int]) -> np.ndarray:
    """Portfolio NNV (as of the first plan year) in each sample, for a plan."""
    p = prep.problem
    n = n_samples(prep)
    total = np.zeros(n)
    for i, s in starts.items():
        c = p.candidates[i]
        draws = np.asarray(c.nnv_samples) if c.nnv_samples else np.full(n, c.nnv)
        total += draws * p.discount(s)
    return total


def allowed_negative(prep: Prepared) -> int:
    return math.floor(prep.problem.max_probability_negative * n_samples(prep) + 1e-9)


def within_risk(prep: Prepared, starts: dict[int, int]) -> bool:
    return int((scenario_nnv(prep, starts) < 0).sum()) <= allowed_negative(prep)


def add_chance_constraint(model: Model, prep: Prepared, elastic: bool) -> None:
    """Scenario chance constraint: NNV_k + M_k w_k >= 0, sum_k w_k <= floor(level * S)."""
    p = prep.problem
    size = n_samples(prep)
    entries: list[tuple[int, np.ndarray]] = []
    big_m = np.zeros(size)
    for i, c in enumerate(p.candidates):
        cols = model.x_cols[i]
        if not cols:
            continue
        draws = (np.asarray(c.nnv_samples) if c.nnv_samples else np.full(size, c.nnv)) / MONEY
        if not draws.any():
            continue
        worst = np.zeros(size)
        for s, col in cols.items():
            coef = draws * p.discount(s)
            entries.append((col, coef))
            worst = np.minimum(worst, coef)
        big_m -= worst
    allowed = allowed_negative(prep)
    for k in range(size):
        w = model.add_col(0.0, 0.0, 1.0, True)
        model.w_cols.append(w)
        cols = [col for col, _ in entries] + [w]
        vals = [coef[k] for _, coef in entries] + [big_m[k] + 1e-6]
        model.add_row(0.0, INF, RowInfo("risk_scenario", f"NNV scenario {k}", ref=k), cols, vals)
    r = model.add_row(
        -INF,
        float(allowed),
        RowInfo("risk_count", f"P(NNV < 0) <= {p.max_probability_negative:g}"),
        model.w_cols,
        [1.0] * size,
    )
    if elastic:
        e = model.add_col(1.0, 0.0, INF, False)
        model.add_entries(r, [e], [-1.0])
        model.slack_cols.append((r, e))
