"""Why a problem has no feasible plan.

``precheck`` finds the simple conflicts before any solve (certain, and named in the
user's words). What it cannot see, ``explain`` finds with an elastic solve: every budget
may be overrun and every must-include item dropped at a price, and the cheapest way to
make the problem feasible names the constraints in conflict.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .build import MONEY, Prepared, build
from .errors import InfeasibleError


def _nok(x: float) -> str:
    return f"NOK {x:,.0f}"


def reasons(prep: Prepared) -> dict[int, str]:
    """Why each must-include item must be in the plan."""
    p = prep.problem
    why: dict[int, str] = {}
    for i, c in enumerate(p.candidates):
        if c.mandatory:
            why[i] = "mandatory"
        elif c.id in p.forced_in:
            why[i] = "forced in"
        elif c.status == "running" and not c.stoppable:
            why[i] = "running and cannot be stopped"
    changed = True
    while changed:
        changed = False
        for dep in p.dependencies:
            b, a = prep.index[dep.candidate], prep.index[dep.requires]
            if b in why and a not in why:
                why[a] = f"required by {dep.candidate!r}"
                changed = True
    return why


def precheck(prep: Prepared) -> None:
    p = prep.problem
    why = reasons(prep)
    conflicts: list[str] = []
    out = set(p.forced_out)
    for i, reason in sorted(why.items()):
        c = p.candidates[i]
        if c.id in out:
            conflicts.append(f"{c.id!r} is forced out but {reason}")
        elif not prep.windows[i]:
            conflicts.append(
                f"{c.id!r} is {reason} but cannot start within the plan "
                f"(earliest {c.earliest_start}, latest {c.latest_start}, plan "
                f"{p.first_year}-{p.last_year})"
            )
    for excl in p.exclusions:
        members = [cid for cid in excl.candidates if prep.index[cid] in why]
        if len(members) > 1:
            label = f" {excl.name!r}" if excl.name else ""
            conflicts.append(
                f"exclusion{label} allows one of {', '.join(map(repr, members))}, "
                "but each must be included"
            )
    for dep in p.dependencies:
        b, a = prep.index[dep.candidate], prep.index[dep.requires]
        if b in why and a in why and prep.windows[a] and prep.windows[b]:
            distance = dep.lag + (p.candidates[a].length if dep.kind == "finish" else 0)
            if max(prep.windows[b]) < min(prep.windows[a]) + distance:
                conflicts.append(
                    f"{dep.candidate!r} must start at least {distance} year(s) after "
                    f"{dep.requires!r} starts, but its latest start is {max(prep.windows[b])}"
                )
    if not conflicts:
        conflicts = _budget_conflicts(prep, why)
    if conflicts:
        raise InfeasibleError(conflicts, "check")


def _budget_conflicts(prep: Prepared, why: dict[int, str]) -> list[str]:
    """Must-include items with one possible start whose costs exceed a budget year even
    with all the flexibility and every fund that could pay them."""
    p = prep.problem
    n = p.n_years
    need = np.zeros_like(prep.budget)
    items: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in why:
        if len(prep.windows[i]) != 1:
            continue
        orgs, ts, amounts = prep.in_horizon(i, prep.windows[i][0])
        np.add.at(need, (orgs, ts), amounts)
        for o, t in zip(orgs, ts, strict=True):
            items[(int(o), int(t))].append(i)
    conflicts = []
    for o, org in enumerate(prep.orgs):
        share = p.flexibility.get(org, 0.0)
        for t in range(n):
            if need[o, t] <= prep.budget[o, t] * (1 + 1e-9) + 1:
                continue
            inflow = share * (
                (prep.budget[o, t - 1] if t > 0 else 0.0)
                + (prep.budget[o, t + 1] if t + 1 < n else 0.0)
            )
            help_ = _fund_help(prep, items[(o, t)], org, t)
            if need[o, t] > prep.budget[o, t] + inflow + help_ + 1:
                names = ", ".join(f"{p.candidates[i].id!r} ({why[i]})" for i in items[(o, t)])
                conflicts.append(
                    f"{names} cost {_nok(need[o, t])} for {org} in {p.first_year + t}, but the "
                    f"budget is {_nok(prep.budget[o, t])} (at most {_nok(inflow)} can move "
                    f"from adjacent years and funds can pay at most {_nok(help_)})"
                )
    return conflicts


def _fund_help(prep: Prepared, items: list[int], org: str, t: int) -> float:
    p = prep.problem
    total = 0.0
    year = p.first_year + t
    for fund in p.funds:
        if fund.years is not None and year not in fund.years:
            continue
        eligible = 0.0
        for i in items:
            c = p.candidates[i]
            if not fund.pays_for(c):
                continue
            k = t - (prep.windows[i][0] - p.first_year)
            line_sum = sum(
                line.amounts[k]
                for line in c.costs
                if line.organisation == org and fund.covers(line) and 0 <= k < len(line.amounts)
            )
            cap = fund.max_share * c.total_cost
            if fund.max_amount is not None:
                cap = min(cap, fund.max_amount)
            eligible += min(line_sum, cap)
        if fund.budget is not None:
            eligible = min(eligible, fund.budget[t])
        total += eligible
    return total


def explain(prep: Prepared, time_limit: float) -> list[str]:
    """Conflicts named by the cheapest relaxation (an elastic solve)."""
    from .solve import run_highs  # local: solve imports this module

    model = build(prep, elastic=True)
    outcome = run_highs(model, relax=False, time_limit=max(1.0, time_limit), mip_gap=1e-4)
    if outcome.col_values is None:
        return ["no explanation found within the time limit (the elastic solve did not finish)"]
    values = outcome.col_values
    why = reasons(prep)
    p = prep.problem
    chosen = {
        i: s for i, cols in enumerate(model.x_cols) for s, col in cols.items() if values[col] > 0.5
    }
    conflicts = []
    for row, col in model.slack_cols:
        amount = values[col]
        if amount <= 1e-6:
            continue
        info = model.rows_info[row]
        if info.kind == "budget":
            o = prep.orgs.index(info.org)
            t = info.year - p.first_year
            users = [
                f"{p.candidates[i].id!r} ({why[i]})"
                for i, s in chosen.items()
                if i in why and _uses(prep, i, s, o, t)
            ]
            text = f"{info.label} is short by {_nok(amount * MONEY)}"
            if users:
                text += f" for the must-include items {', '.join(users)}"
            conflicts.append(text)
        elif info.kind == "select":
            i = info.ref
            conflicts.append(
                f"{p.candidates[i].id!r} ({why.get(i, 'must be included')}) cannot be included"
            )
        elif info.kind == "risk_count":
            conflicts.append(f"the chance constraint {info.label} cannot be met")
    return conflicts or [
        "the solver reports the problem infeasible but no relaxation named a cause"
    ]


def _uses(prep: Prepared, i: int, s: int, o: int, t: int) -> bool:
    orgs, ts, _ = prep.in_horizon(i, s)
    return bool(np.any((orgs == o) & (ts == t)))
