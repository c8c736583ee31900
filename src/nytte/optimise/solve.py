"""Solve a portfolio problem: greedy first answer, LP relaxation, then HiGHS's MIP.

Deterministic for the same input: HiGHS runs single-threaded with a fixed random seed,
and every ranking breaks ties by candidate order. A solve stopped by its time limit
depends on how far the machine got, so only plans proven optimal (gap within
``mip_gap``) are reproducible on any machine.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import highspy
import numpy as np

from . import greedy as greedy_mod
from .build import MONEY, Model, Prepared, build, prepare
from .errors import InfeasibleError
from .feasibility import explain, precheck
from .model import Problem
from .result import Binding, BudgetUse, Chosen, FundPayment, MarginalValue, Plan, Progress
from .risk import scenario_nnv, within_risk

ProgressCallback = Callable[[Progress], bool | None]
DEFAULT_TIME_LIMIT = 30.0
#: Longest time the LP-neighbourhood search may take before the full MIP starts.
NEIGHBOURHOOD_MAX_SECONDS = 30.0
#: A plan is called optimal only if (bound - value) / |value| is at most this.
DEFAULT_MIP_GAP = 1e-6
#: Share of HiGHS's MIP effort spent on primal heuristics (HiGHS default 0.05): more
#: finds good plans sooner on these knapsack-like problems (benchmarks/optimise.py).
HEURISTIC_EFFORT = 0.05


@dataclass
class HighsOutcome:
    status: str
    col_values: np.ndarray | None
    row_values: np.ndarray | None
    row_duals: np.ndarray | None
    objective: float | None
    bound: float | None
    run_time: float
    trace: list[tuple[float, float | None, float | None]] = field(default_factory=list)


_BANNER_SHOWN = False


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance. HiGHS prints a banner to the C-level stdout the first
    time one is made in a process; that would corrupt ``--format json``, so the first
    construction runs with file descriptor 1 pointed at /dev/null."""
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN = True
    h.silent()
    return h


def run_highs(
    model: Model,
    *,
    relax: bool,
    time_limit: float,
    mip_gap: float = DEFAULT_MIP_GAP,
    start: np.ndarray | None = None,
    progress: ProgressCallback | None = None,
    clock_offset: float = 0.0,
    cost: np.ndarray | None = None,
    lower: np.ndarray | None = None,
    upper: np.ndarray | None = None,
    maximise: bool | None = None,
) -> HighsOutcome:
    h = new_highs()
    for key, value in (
        ("threads", 1),
        ("random_seed", 0),
        ("time_limit", float(max(time_limit, 0.01))),
        ("mip_rel_gap", float(mip_gap)),
        ("mip_abs_gap", 1e-9),
        ("mip_heuristic_effort", float(os.environ.get("NYTTE_OPT_HEUR", HEURISTIC_EFFORT))),
    ):
        h.setOptionValue(key, value)
    lp = highspy.HighsLp()
    lp.num_col_ = model.n_col
    lp.num_row_ = model.n_row
    lp.col_cost_ = np.asarray(model.col_cost if cost is None else cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(model.col_lower if lower is None else lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(model.col_upper if upper is None else upper, dtype=np.float64)
    maximise = model.maximise if maximise is None else maximise
    lp.row_lower_ = np.asarray(model.row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(model.row_upper, dtype=np.float64)
    start_, index, value = model.csc()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start_
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    lp.sense_ = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    if not relax and any(model.col_integer):
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if k else highspy.HighsVarType.kContinuous
            for k in model.col_integer
        ]
    h.passModel(lp)
    trace: list[tuple[float, float | None, float | None]] = []
    last = [0.0]

    def finite(x: float) -> float | None:
        return None if not np.isfinite(x) or abs(x) >= 1e29 else x * model.obj_scale

    def note(event: highspy.HighsCallbackEvent, improving: bool) -> None:
        try:
            out = event.data_out
            now = out.running_time
            if not improving and now - last[0] < 0.2:
                return
            last[0] = now
            entry = (now + clock_offset, finite(out.mip_primal_bound), finite(out.mip_dual_bound))
            trace.append(entry)
            if progress is not None and progress(Progress("mip", *entry)):
                event.interrupt()
        except Exception:  # never let a callback error abort the solve
            pass

    if not relax:
        h.cbMipImprovingSolution.subscribe(lambda e: note(e, True))
        h.cbMipInterrupt.subscribe(lambda e: note(e, False))
        if start is not None:
            sol = highspy.HighsSolution()
            sol.col_value = list(start)
            sol.value_valid = True
            h.setSolution(sol)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    solution = h.getSolution()
    has_primal = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    name = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kInfeasible: "infeasible",
        highspy.HighsModelStatus.kTimeLimit: "time_limit",
        highspy.HighsModelStatus.kInterrupt: "interrupted",
        highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
    }.get(status, str(status))
    cols = np.asarray(solution.col_value) if has_primal else None
    rows = np.asarray(solution.row_value) if has_primal else None
    duals = np.asarray(solution.row_dual) if relax and solution.dual_valid else None
    if relax:
        objective = info.objective_function_value if has_primal else None
        bound = objective
    else:
        objective = info.objective_function_value if has_primal else None
        bound = info.mip_dual_bound
        if not np.isfinite(bound) or abs(bound) >= 1e29:
            bound = None
    if not relax:
        trace.append(
            (h.getRunTime() + clock_offset, finite(objective or np.nan), finite(bound or np.nan))
        )
    return HighsOutcome(name, cols, rows, duals, objective, bound, h.getRunTime(), trace)


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
        candidates.append(_as_greedy(prep, ws))
    best = greedy_mod.best_of(candidates)
    start_vec = _start_vector(model, best.starts) if best else None
    early_trace = []
    if first_answer[0] is not None:
        early_trace.append((first_answer[0], first_answer[1], None))
    if best is not None:
        early_trace.append((time.perf_counter() - t0, best.value, lp_bound))
        tell("greedy", best.value, lp_bound)
    if best is not None and lp.col_values is not None:
        found = _neighbourhood(model, lp.col_values, start_vec, t0, time_limit, mip_gap, progress)
        if found is not None and found.value > best.value:
            best, start_vec = found, found.vector
            early_trace.append((time.perf_counter() - t0, best.value, None))
            tell("neighbourhood", best.value, None)
    # a complete solution of the same model structure (the frontier's previous level)
    if (
        warm_vector is not None
        and len(warm_vector) == model.n_col
        and _is_feasible(model, warm_vector)
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
    if best is None or not _is_feasible(model, start_vec):
        best = None  # a start HiGHS could not use is never reported as the plan
    elif worse:
        # HiGHS did not beat (or did not accept) the start: keep the start
        mip.col_values = start_vec
        mip.row_values = None
    mip.trace[:0] = early_trace
    plan = _plan_from(model, mip, best, time.perf_counter() - t0, mip_gap)
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


def _neighbourhood(
    model: Model,
    x_lp: np.ndarray,
    start_vec: np.ndarray,
    t0: float,
    time_limit: float,
    mip_gap: float,
    progress: ProgressCallback | None = None,
) -> greedy_mod.GreedyPlan | None:
    """Relaxation-induced neighbourhood search: the MIP restricted to the start years
    the LP relaxation uses or the greedy plan uses (every other x fixed at 0), for up to
    30 % of the time left (at most 30 s). Much smaller than the full MIP, so HiGHS
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
        time_limit=min(0.3 * left, NEIGHBOURHOOD_MAX_SECONDS),
        mip_gap=mip_gap,
        start=start_vec,
        upper=upper,
        progress=relay,
        clock_offset=time.perf_counter() - t0,
    )
    if sub.col_values is None or not _is_feasible(model, sub.col_values):
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


def _is_feasible(model: Model, vec: np.ndarray) -> bool:
    start, index, value = model.csc()
    cols = np.repeat(np.arange(model.n_col), np.diff(start))
    activity = np.bincount(index, weights=value * vec[cols], minlength=model.n_row)
    lo, hi = np.asarray(model.row_lower), np.asarray(model.row_upper)
    tol = 1e-6 * np.maximum(1.0, np.abs(np.where(np.isfinite(hi), hi, 0.0)))
    cols_ok = np.all(vec >= np.asarray(model.col_lower) - 1e-9) and np.all(
        vec <= np.asarray(model.col_upper) + 1e-9
    )
    return bool(cols_ok and np.all(activity <= hi + tol) and np.all(activity >= lo - tol))


def _as_greedy(prep: Prepared, starts: dict[int, int]) -> greedy_mod.GreedyPlan:
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


def _start_vector(model: Model, starts: dict[int, int]) -> np.ndarray:
    vec = np.zeros(model.n_col)
    for i, s in starts.items():
        vec[model.x_cols[i][s]] = 1.0
    if model.w_cols:  # risk indicators: switch off exactly the negative samples
        negative = scenario_nnv(model.prep, starts) < 0
        for k, c in enumerate(model.w_cols):
            vec[c] = 1.0 if negative[k] else 0.0
    return vec


def _plan_from(
    model: Model,
    mip: HighsOutcome,
    best: greedy_mod.GreedyPlan | None,
    solve_time: float,
    mip_gap: float,
) -> Plan:
    prep = model.prep
    p = prep.problem
    if mip.col_values is None:
        if best is None:
            return Plan(
                "no_plan_found",
                0.0,
                _bound(model, mip),
                None,
                solve_time,
                None,
                None,
                None,
                None,
                mip_gap_target=mip_gap,
            )
        values = _start_vector(model, best.starts)
        row_values = None
    else:
        values = mip.col_values
        row_values = mip.row_values
    values, row_values = _tidy(model, values, row_values)
    starts = {
        i: s for i, cols in enumerate(model.x_cols) for s, col in cols.items() if values[col] > 0.5
    }
    value = greedy_mod.evaluate(prep, starts)
    bound = _bound(model, mip)
    if bound is not None and bound < value:
        bound = value
    gap = None if bound is None else (bound - value) / max(abs(value), 1e-9)
    proven = gap is not None and (gap <= max(mip_gap, 1e-9) or bound - value <= 1e-6)
    chosen = [
        Chosen(
            p.candidates[i].id,
            p.candidates[i].name,
            p.candidates[i].status,
            s,
            s + p.candidates[i].length - 1,
            prep.values[i][s],
        )
        for i, s in sorted(starts.items(), key=lambda kv: (kv[1], kv[0]))
    ]
    stopped = [
        c.id for i, c in enumerate(p.candidates) if c.status == "running" and i not in starts
    ]
    not_chosen = [
        c.id for i, c in enumerate(p.candidates) if c.status != "running" and i not in starts
    ]
    plan = Plan(
        status="optimal" if proven else "feasible",
        value=value,
        bound=bound,
        gap=gap,
        solve_time=solve_time,
        first_answer_time=None,
        first_answer_value=None,
        first_answer_method=None,
        baseline_value=None,
        chosen=chosen,
        stopped=stopped,
        not_chosen=not_chosen,
        trace=mip.trace,
        mip_gap_target=mip_gap,
    )
    _budget_use(model, plan, values, starts)
    _binding(model, plan, values, row_values, starts)
    plan.solution = np.asarray(values, dtype=np.float64)
    return plan


def _tidy(
    model: Model, values: np.ndarray, row_values: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """With every yes/no choice fixed, use as little fund money and budget moving as the
    plan needs (the MIP leaves them anywhere feasible). Falls back to the MIP's values."""
    if not model.p_cols and not model.m_cols:
        return values, row_values
    integer = np.asarray(model.col_integer)
    lower = np.asarray(model.col_lower, dtype=np.float64).copy()
    upper = np.asarray(model.col_upper, dtype=np.float64).copy()
    fixed = np.round(values[integer])
    lower[integer] = fixed
    upper[integer] = fixed
    cost = np.zeros(model.n_col)
    for *_, col in model.p_cols:
        cost[col] = 1.0
    for fwd, back in model.m_cols.values():
        cost[fwd] = cost[back] = 1.0
    tidy = run_highs(
        model, relax=True, time_limit=10.0, cost=cost, lower=lower, upper=upper, maximise=False
    )
    if tidy.col_values is None:
        return values, row_values
    return tidy.col_values, tidy.row_values


def _bound(model: Model, mip: HighsOutcome) -> float | None:
    if mip.bound is None:
        return None
    return mip.bound * model.obj_scale


def _budget_use(model: Model, plan: Plan, values: np.ndarray, starts: dict[int, int]) -> None:
    prep = model.prep
    p = prep.problem
    n = p.n_years
    cost = np.zeros_like(prep.budget)
    for i, s in starts.items():
        orgs, ts, amounts = prep.in_horizon(i, s)
        np.add.at(cost, (orgs, ts), amounts)
    for i, mat in enumerate(prep.stop_mats):
        if mat is not None and i not in starts:
            cost += mat
    funded = np.zeros_like(prep.budget)
    for f, i, o, t, col in model.p_cols:
        amount = float(values[col]) * MONEY
        if amount > 0.5:
            funded[o, t] += amount
            plan.fund_payments.append(
                FundPayment(
                    p.funds[f].id,
                    p.candidates[i].id,
                    prep.orgs[o],
                    p.first_year + t,
                    round(amount, 2),
                )
            )
    moved = np.zeros_like(prep.budget)
    for (o, t), (fwd, back) in model.m_cols.items():
        m = float(values[fwd] - values[back]) * MONEY
        moved[o, t] -= m
        moved[o, t + 1] += m
    for o, org in enumerate(prep.orgs):
        for t in range(n):
            net = cost[o, t] - funded[o, t]
            plan.budget_use.append(
                BudgetUse(
                    org,
                    p.first_year + t,
                    float(prep.budget[o, t]),
                    round(float(moved[o, t]), 2),
                    float(cost[o, t]),
                    round(float(funded[o, t]), 2),
                    round(float(net), 2),
                    round(float(prep.budget[o, t] + moved[o, t] - net), 2) + 0.0,
                )
            )


def _binding(
    model: Model,
    plan: Plan,
    values: np.ndarray,
    row_values: np.ndarray | None,
    starts: dict[int, int],
) -> None:
    """Budgets with less than 0.1 % left, funds at their limits, exclusions that shut
    out a candidate, dependencies that hold a start back."""
    prep = model.prep
    p = prep.problem
    for use in plan.budget_use:
        available = use.budget + use.moved_in
        if use.net > 0 and use.left <= max(1e-3 * available, 1.0):
            plan.binding.append(
                Binding(
                    "budget", f"budget of {use.organisation} {use.year}", use.organisation, use.year
                )
            )
    if row_values is not None:
        for r, info in enumerate(model.rows_info):
            if info.kind not in ("fund_budget", "fund_share"):
                continue
            upper = model.row_upper[r]
            if row_values[r] >= upper - max(1e-6, 1e-6 * abs(upper)) and row_values[r] > 1e-6:
                plan.binding.append(Binding(info.kind, info.label, info.org, info.year))
    paid_years: dict[tuple[str, str], set[int]] = {}
    for pay in plan.fund_payments:
        paid_years.setdefault((pay.fund, pay.candidate), set()).add(pay.year)
    for fund in p.funds:
        for c in p.candidates:
            years = paid_years.get((fund.id, c.id), set())
            if fund.max_budget_years is not None and len(years) >= fund.max_budget_years:
                label = f"{fund.id} pays {c.id!r} in at most {fund.max_budget_years} years"
                plan.binding.append(Binding("fund_years", label))
    for excl in p.exclusions:
        inside = [cid for cid in excl.candidates if prep.index[cid] in starts]
        if inside and len(excl.candidates) > 1:
            label = excl.name or " / ".join(excl.candidates)
            plan.binding.append(
                Binding("exclusion", f"at most one of {label} ({inside[0]} chosen)")
            )
    for dep in p.dependencies:
        b, a = prep.index[dep.candidate], prep.index[dep.requires]
        if b in starts and a in starts:
            distance = dep.lag + (p.candidates[a].length if dep.kind == "finish" else 0)
            if starts[b] == starts[a] + distance and starts[b] > min(prep.windows[b]):
                verb = "finishes" if dep.kind == "finish" else "starts"
                plan.binding.append(
                    Binding(
                        "dependency",
                        f"{dep.candidate!r} waits until {dep.requires!r} {verb}",
                        year=starts[b],
                    )
                )
