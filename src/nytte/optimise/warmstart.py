"""Starting points for HiGHS's MIP: a caller's plan or a greedy plan as a solution vector,
the feasibility test for one, and the LP-neighbourhood search that improves it.
"""

from __future__ import annotations

import time

import numpy as np

from . import greedy as greedy_mod
from .build import Prepared
from .highs import ProgressCallback, run_highs
from .matrix import Model
from .result import Progress
from .risk import scenario_nnv, within_risk

#: Longest time the LP-neighbourhood search may take before the full MIP starts.
NEIGHBOURHOOD_MAX_SECONDS = 30.0
#: Share of the time left that the LP-neighbourhood search may take.
NEIGHBOURHOOD_SHARE = 0.3
#: The same when no organisation search follows: on the 5,000-candidate benchmark the LP
#: neighbourhood finds its best plan after 20-35 s of a loaded machine's wall time, and
#: the full MIP improves it little in the time left (benchmarks/README.md).
NEIGHBOURHOOD_SHARE_ALONE = 0.6
NEIGHBOURHOOD_MAX_SECONDS_ALONE = 45.0
#: Longest one organisation group's sub-MIP may take (benchmarks/optimise.py: short
#: sub-MIPs over groups of two or three organisations improved the 1,000-candidate
#: instance most; groups of a quarter of the organisations, or 3 s each, much less).
SUB_MIP_SECONDS = 1.5
#: A group holds about 1/this of the organisations (at least two).
ORGANISATION_GROUPS = 6
#: Fewer candidates than this: no organisation search (HiGHS's own search does better
#: on the 200-candidate benchmark).
ORGANISATION_SEARCH_MIN_CANDIDATES = 500
#: No organisation search when a group frees more candidates than this on average: such
#: sub-MIPs (5,000 candidates over 20 organisations: about 900) rarely improve in 1.5 s,
#: and the full MIP does better with the time.
ORGANISATION_SEARCH_MAX_FREE = 300


def neighbourhood_search(
    model: Model,
    x_lp: np.ndarray,
    start_vec: np.ndarray,
    t0: float,
    time_limit: float,
    mip_gap: float,
    progress: ProgressCallback | None = None,
    alone: bool = False,
) -> greedy_mod.GreedyPlan | None:
    """Relaxation-induced neighbourhood search: the MIP restricted to the start years
    the LP relaxation uses or the greedy plan uses (every other x fixed at 0), for up to
    30 % of the time left (at most 30 s), or 60 % (at most 45 s) when no organisation
    search follows (``alone``). Much smaller than the full MIP, so HiGHS
    improves the greedy plan sooner; its bound is *not* a bound on the full problem and
    is never reported. The plan it finds is feasible for the full model and becomes the
    full MIP's start."""
    upper = np.asarray(model.col_upper, dtype=np.float64).copy()
    restricted = 0
    for cols in model.x_cols:
        for col in cols.values():
            if x_lp[col] < 1e-6 and start_vec[col] < 0.5:
                upper[col] = 0.0
                restricted += 1
    left = time_limit - (time.perf_counter() - t0)
    if restricted == 0 or left < 0.5:
        return None

    def relay(event: Progress) -> bool | None:
        # values only: the restricted problem's bound is no bound on the full problem
        if progress is None:
            return None
        return progress(Progress("neighbourhood", event.elapsed, event.value, None))

    sub = run_highs(
        model,
        relax=False,
        time_limit=(
            min(NEIGHBOURHOOD_SHARE_ALONE * left, NEIGHBOURHOOD_MAX_SECONDS_ALONE)
            if alone
            else min(NEIGHBOURHOOD_SHARE * left, NEIGHBOURHOOD_MAX_SECONDS)
        ),
        mip_gap=mip_gap,
        start=start_vec,
        upper=upper,
        progress=relay,
        clock_offset=time.perf_counter() - t0,
    )
    if sub.col_values is None or not is_feasible(model, sub.col_values):
        return None
    starts = {
        i: s
        for i, cols in enumerate(model.x_cols)
        for s, col in cols.items()
        if sub.col_values[col] > 0.5
    }
    plan = greedy_mod.GreedyPlan(
        "LP neighbourhood search", starts, greedy_mod.evaluate(model.prep, starts), True
    )
    plan.vector = sub.col_values
    return plan


def organisation_groups(model: Model, scarcity: np.ndarray) -> list[set[int]] | None:
    """The candidates each organisation group frees in ``organisation_search``, or None
    where the search does not pay (few candidates or organisations, or groups too large).
    Groups of about 1/6 of the organisations (at least two) slide by half a group over
    the organisations in order of scarcity (the LP's duals), ties by order."""
    prep = model.prep
    n_org = len(prep.orgs)
    if n_org < 3 or len(model.x_cols) < ORGANISATION_SEARCH_MIN_CANDIDATES:
        return None
    by_org: list[list[int]] = [[] for _ in range(n_org)]
    for i, orgs in enumerate(prep.cost_orgs):
        if model.x_cols[i]:
            for o in set(orgs.tolist()):
                by_org[o].append(i)
    size = max(2, min(n_org, round(n_org / ORGANISATION_GROUPS)))
    order = sorted(range(n_org), key=lambda o: (-float(scarcity[o]), o))
    groups = [
        [order[(k + j) % n_org] for j in range(size)] for k in range(0, n_org, max(1, size // 2))
    ]
    frees = [{i for o in group for i in by_org[o]} for group in groups]
    if sum(map(len, frees)) > ORGANISATION_SEARCH_MAX_FREE * len(frees):
        return None  # sub-MIPs this large take longer than the search has
    return frees


def organisation_search(
    model: Model,
    start_vec: np.ndarray,
    value: float,
    frees: list[set[int]],
    t0: float,
    until: float,
    progress: ProgressCallback | None = None,
) -> greedy_mod.GreedyPlan | None:
    """Large-neighbourhood search by organisation: every yes/no choice is fixed at the
    incumbent's except those of candidates that some organisation of a small group pays
    for; HiGHS solves that sub-MIP (small once presolve removes the fixed columns) from
    the incumbent and keeps any better plan. Groups slide over the organisations in order
    of scarcity (the LP's duals), until a pass improves nothing or ``until`` (seconds
    since ``t0``). Budgets are per organisation, so a group's choices trade against each
    other directly; what crosses groups is reached as the windows overlap (``frees``:
    ``organisation_groups``). Deterministic: fixed order, single-threaded HiGHS. Returns
    the best plan found if it beats ``value``."""
    integer_cols: list[list[int]] = [list(cols.values()) for cols in model.x_cols]
    for _f, i, _t, col in model.z_cols:
        integer_cols[i].append(col)
    lower0 = np.asarray(model.col_lower, dtype=np.float64)
    upper0 = np.asarray(model.col_upper, dtype=np.float64)
    best_vec = np.asarray(start_vec, dtype=np.float64)
    best_value = value
    improved_any = False

    stopped = [False]

    def relay(event: Progress) -> bool | None:
        if progress is None:
            return None
        stop = progress(Progress("neighbourhood", event.elapsed, event.value, None))
        stopped[0] = stopped[0] or bool(stop)
        return stop

    while True:
        improved = False
        for free in frees:
            left = until - (time.perf_counter() - t0)
            if left < 0.3 or stopped[0]:
                return _as_plan(model, best_vec) if improved_any else None
            lower, upper = lower0.copy(), upper0.copy()
            for i, cols in enumerate(integer_cols):
                if i not in free and cols:
                    fixed = np.round(best_vec[cols])
                    lower[cols] = fixed
                    upper[cols] = fixed
            sub = run_highs(
                model,
                relax=False,
                time_limit=min(left, SUB_MIP_SECONDS),
                mip_gap=1e-4,
                start=best_vec,
                lower=lower,
                upper=upper,
                progress=relay,
                clock_offset=time.perf_counter() - t0,
            )
            if sub.col_values is None or sub.objective is None:
                continue
            found = sub.objective * model.obj_scale
            if found > best_value + 1e-7 * max(1.0, abs(best_value)) and is_feasible(
                model, sub.col_values
            ):
                best_vec, best_value = np.asarray(sub.col_values), found
                improved = improved_any = True
        if not improved:
            return _as_plan(model, best_vec) if improved_any else None


def _as_plan(model: Model, vec: np.ndarray) -> greedy_mod.GreedyPlan:
    starts = {
        i: s for i, cols in enumerate(model.x_cols) for s, col in cols.items() if vec[col] > 0.5
    }
    plan = greedy_mod.GreedyPlan(
        "organisation search", starts, greedy_mod.evaluate(model.prep, starts), True
    )
    plan.vector = vec
    return plan


def is_feasible(model: Model, vec: np.ndarray) -> bool:
    start, index, value = model.csc()
    cols = np.repeat(np.arange(model.n_col), np.diff(start))
    activity = np.bincount(index, weights=value * vec[cols], minlength=model.n_row)
    lo, hi = np.asarray(model.row_lower), np.asarray(model.row_upper)
    tol = 1e-6 * np.maximum(1.0, np.abs(np.where(np.isfinite(hi), hi, 0.0)))
    cols_ok = np.all(vec >= np.asarray(model.col_lower) - 1e-9) and np.all(
        vec <= np.asarray(model.col_upper) + 1e-9
    )
    return bool(cols_ok and np.all(activity <= hi + tol) and np.all(activity >= lo - tol))


def as_greedy(prep: Prepared, starts: dict[int, int]) -> greedy_mod.GreedyPlan:
    """A caller's plan as a candidate start, if it fits budgets without funds or moves."""
    ok = all(s in prep.values[i] for i, s in starts.items())
    ok = ok and all(i in starts for i in prep.must_in)
    left = prep.budget.copy()
    if ok:
        for i, s in starts.items():
            orgs, ts, amounts = prep.in_horizon(i, s)
            np.subtract.at(left, (orgs, ts), amounts)
            for a, d in prep.requires.get(i, ()):
                ok = ok and a in starts and s >= starts[a] + d
        ok = ok and bool(np.all(left >= -1e-6))
        for excl in prep.problem.exclusions:
            ok = ok and sum(prep.index[c] in starts for c in excl.candidates) <= 1
    if ok and prep.problem.max_probability_negative is not None:
        ok = within_risk(prep, starts)
    value = greedy_mod.evaluate(prep, starts) if ok else float("-inf")
    return greedy_mod.GreedyPlan("warm start", dict(starts), value, ok)


def start_vector(model: Model, starts: dict[int, int]) -> np.ndarray:
    vec = np.zeros(model.n_col)
    for i, s in starts.items():
        vec[model.x_cols[i][s]] = 1.0
    if model.w_cols:  # risk indicators: switch off exactly the negative samples
        negative = scenario_nnv(model.prep, starts) < 0
        for k, c in enumerate(model.w_cols):
            vec[c] = 1.0 if negative[k] else 0.0
    return vec
