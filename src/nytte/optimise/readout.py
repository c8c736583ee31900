"""HiGHS's answer read out as a ``Plan``: the chosen items and their funding, after a tidy-up
LP; budget use per organisation and year; the binding constraints.
"""

from __future__ import annotations

import numpy as np

from . import greedy as greedy_mod
from .highs import HighsOutcome, run_highs
from .matrix import MONEY, Model
from .result import Binding, BudgetUse, Chosen, FundPayment, Plan
from .warmstart import start_vector


def plan_from(
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
        values = start_vector(model, best.starts)
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
