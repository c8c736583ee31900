"""Solve a portfolio problem: greedy first answer, LP relaxation, then HiGHS's MIP.

Deterministic for the same input: HiGHS runs single-threaded with a fixed random seed,
and every ranking breaks ties by candidate order. A solve stopped by its time limit
depends on how far the machine got, so only plans proven optimal (gap within
``mip_gap``) are reproducible on any machine.
"""

from __future__ import annotations

import os
import time

import numpy as np

from . import greedy as greedy_mod
from .build import build, prepare
from .errors import InfeasibleError
from .feasibility import explain, precheck
from .highs import DEFAULT_MIP_GAP, ProgressCallback, run_highs
from .matrix import MONEY
from .model import Problem
from .readout import plan_from
from .result import MarginalValue, Plan, Progress
from .warmstart import (
    as_greedy,
    is_feasible,
    neighbourhood_search,
    organisation_groups,
    organisation_search,
    start_vector,
)

DEFAULT_TIME_LIMIT = 30.0
#: Share of the time left after the LP neighbourhood that the organisation search may use
#: (it stops sooner when a pass over the organisations improves nothing); HiGHS's full
#: MIP gets the rest, and with it the proven bound.
ORGANISATION_SEARCH_SHARE = 0.5


def optimise(
    problem: Problem,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    mip_gap: float = DEFAULT_MIP_GAP,
    progress: ProgressCallback | None = None,
    warm_start: dict[str, int] | None = None,
    start_penalty: dict[str, int] | None = None,
    warm_vector: np.ndarray | None = None,
) -> Plan:
    """The best plan HiGHS finds within ``time_limit`` seconds, with its proven bound.

    ``warm_start`` (candidate id -> start year) is offered to HiGHS beside the greedy
    plans when it is feasible. Raises ``InfeasibleError`` naming the conflicts."""
    t0 = time.perf_counter()
    prep = prepare(problem)
    precheck(prep)

    def tell(stage: str, value: float | None, bound: float | None) -> bool:
        if progress is None:
            return False
        return bool(progress(Progress(stage, time.perf_counter() - t0, value, bound)))

    baseline = greedy_mod.benefit_cost(prep)
    first_answer: tuple[float | None, float | None, str | None] = (None, None, None)
    if baseline.feasible:
        first_answer = (time.perf_counter() - t0, baseline.value, baseline.name)
    second = greedy_mod.scarcity(prep)
    if not baseline.feasible and second.feasible:
        first_answer = (time.perf_counter() - t0, second.value, second.name)
    first = greedy_mod.best_of([baseline, second])
    tell("greedy", first.value if first else None, None)

    penalty = None
    if start_penalty:
        penalty = {prep.index[cid]: year for cid, year in start_penalty.items()}
    model = build(prep, start_penalty=penalty)
    elapsed = time.perf_counter() - t0
    lp = run_highs(model, relax=True, time_limit=max(1.0, time_limit - elapsed))
    if lp.status == "infeasible":
        raise InfeasibleError(explain(prep, min(10.0, time_limit)), "relaxation")
    x_lp: list[dict[int, float]] = []
    duals = np.zeros_like(prep.budget)
    fund_duals: dict[tuple[int, int], float] = {}
    if lp.col_values is not None:
        x_lp = [{s: float(lp.col_values[c]) for s, c in cols.items()} for cols in model.x_cols]
        if lp.row_duals is not None:
            for (o, t), r in model.budget_rows.items():
                duals[o, t] = abs(lp.row_duals[r]) * model.obj_scale / MONEY
            for key, r in model.fund_budget_rows.items():
                fund_duals[key] = abs(lp.row_duals[r]) * model.obj_scale / MONEY
    lp_bound = lp.objective * model.obj_scale if lp.objective is not None else None
    tell("lp", first.value if first else None, lp_bound)
    candidates = [first] if first else []
    if x_lp:
        guided = greedy_mod.lp_guided(prep, x_lp, duals)
        candidates.append(guided)
        if first is None and guided.feasible:
            first_answer = (time.perf_counter() - t0, guided.value, guided.name)
    if warm_start:
        ws = {prep.index[c]: s for c, s in warm_start.items() if c in prep.index}
        candidates.append(as_greedy(prep, ws))
    best = greedy_mod.best_of(candidates)
    start_vec = start_vector(model, best.starts) if best else None
    early_trace = []
    if first_answer[0] is not None:
        early_trace.append((first_answer[0], first_answer[1], None))
    if best is not None:
        early_trace.append((time.perf_counter() - t0, best.value, lp_bound))
        tell("greedy", best.value, lp_bound)
    if best is not None and lp.col_values is not None:
        groups = None
        if os.environ.get("NYTTE_OPT_LNS", "1") != "0":
            groups = organisation_groups(model, duals.sum(axis=1))
        found = neighbourhood_search(
            model, lp.col_values, start_vec, t0, time_limit, mip_gap, progress, groups is None
        )
        if found is not None and found.value > best.value:
            best, start_vec = found, found.vector
            early_trace.append((time.perf_counter() - t0, best.value, None))
            tell("neighbourhood", best.value, None)
        left = time_limit - (time.perf_counter() - t0)
        if groups is not None and left > 2.0:
            until = time_limit - left * (1 - ORGANISATION_SEARCH_SHARE)
            found = organisation_search(model, start_vec, best.value, groups, t0, until, progress)
            if found is not None and found.value > best.value:
                best, start_vec = found, found.vector
                early_trace.append((time.perf_counter() - t0, best.value, None))
                tell("neighbourhood", best.value, None)
    # a complete solution of the same model structure (the frontier's previous level)
    if (
        warm_vector is not None
        and len(warm_vector) == model.n_col
        and is_feasible(model, warm_vector)
    ):
        ws_starts = {
            i: s
            for i, cols in enumerate(model.x_cols)
            for s, col in cols.items()
            if warm_vector[col] > 0.5
        }
        ws_value = greedy_mod.evaluate(prep, ws_starts)
        if best is None or ws_value > best.value:
            best = greedy_mod.GreedyPlan("previous level", ws_starts, ws_value, True)
            start_vec = np.asarray(warm_vector, dtype=np.float64)
    elapsed = time.perf_counter() - t0
    mip = run_highs(
        model,
        relax=False,
        time_limit=max(0.05, time_limit - elapsed),
        mip_gap=mip_gap,
        start=start_vec,
        progress=progress,
        clock_offset=elapsed,
    )
    if mip.status == "infeasible":
        raise InfeasibleError(explain(prep, min(10.0, time_limit)), "relaxation")
    worse = (
        mip.col_values is None
        or mip.objective is None
        or (mip.objective * model.obj_scale < best.value - 1e-9 * max(1.0, abs(best.value)))
        if best is not None
        else False
    )
    if best is None or not is_feasible(model, start_vec):
        best = None  # a start HiGHS could not use is never reported as the plan
    elif worse:
        # HiGHS did not beat (or did not accept) the start: keep the start
        mip.col_values = start_vec
        mip.row_values = None
    mip.trace[:0] = early_trace
    plan = plan_from(model, mip, best, time.perf_counter() - t0, mip_gap)
    plan.first_answer_time, plan.first_answer_value, plan.first_answer_method = first_answer
    if plan.first_answer_time is None and plan.status != "no_plan_found":
        plan.first_answer_time = next((t for t, v, _ in mip.trace if v is not None), None)
        plan.first_answer_value = next((v for _, v, _ in mip.trace if v is not None), None)
        plan.first_answer_method = "HiGHS"
    plan.baseline_value = baseline.value if baseline.feasible else None
    plan.lp_bound = lp_bound
    if plan.bound is None and lp_bound is not None and plan.status == "feasible":
        # stopped before the MIP had a bound: the LP relaxation's value still bounds it
        plan.bound = max(lp_bound, plan.value)
        plan.gap = (plan.bound - plan.value) / max(abs(plan.value), 1e-9)
    plan.marginal_values = [
        MarginalValue(org, problem.first_year + t, float(duals[o, t]))
        for o, org in enumerate(prep.orgs)
        for t in range(problem.n_years)
    ]
    plan.fund_marginal_values = [
        MarginalValue(problem.funds[f].id, problem.first_year + t, v)
        for (f, t), v in sorted(fund_duals.items())
    ]
    plan.unconstrained_organisations = prep.unbudgeted
    return plan


__all__ = ["DEFAULT_MIP_GAP", "DEFAULT_TIME_LIMIT", "ProgressCallback", "optimise"]
