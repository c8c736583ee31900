"""The mixed-integer model (MILP) of a portfolio problem, as arrays for HiGHS.

Variables (money in NOK million inside the model, so coefficients stay near 1):

* ``x[i,s]`` binary: candidate *i* starts in year *s* (one per allowed start year);
* ``p[f,i,o,t]`` >= 0: what fund *f* pays towards organisation *o*'s cost of *i* in year *t*;
* ``z[f,i,t]`` binary: fund *f* pays *i* in year *t* (only where the fund limits budget years);
* ``m[o,t]`` free within +/- the flexibility share: budget moved from year *t* to *t + 1*;
* ``w[k]`` binary: scenario *k* may have a negative portfolio NNV (chance constraint).

Rows are listed in docs/optimise.md; each row carries a ``RowInfo`` so answers
(binding constraints, duals, the elastic explanation) can name it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .funding import add_funds
from .matrix import INF, MONEY, Model, RowInfo
from .model import Candidate, Problem


@dataclass
class Prepared:
    """Per-candidate arrays shared by the model builder and the greedy heuristics."""

    problem: Problem
    orgs: list[str]  # organisations with a budget
    budget: np.ndarray  # (n_org, n_years) NOK
    windows: list[list[int]]  # allowed start years; empty if forced out
    cost_orgs: list[np.ndarray]  # per candidate: budgeted organisation indexes
    cost_mats: list[np.ndarray]  # per candidate: (len(cost_orgs), profile years) NOK
    stop_mats: list[np.ndarray | None]  # per candidate: (n_org, n_years) NOK if stopped
    must_in: set[int]
    index: dict[str, int]
    values: list[dict[int, float]]  # objective value per start year
    unbudgeted: list[str]  # organisations with costs but no budget (not constrained)
    requires: dict[int, list[tuple[int, int]]]  # dependant -> [(required, min distance)]
    #: per candidate: non-zero budgeted costs as (org, years after start, amount)
    entries: list[list[tuple[int, int, float]]] = field(default_factory=list)

    def flat_entries(self, i: int, start: int) -> list[tuple[int, float]]:
        """(org * n_years + year index, amount) within the plan years, cached; plain
        Python, which beats NumPy on the handful of entries one candidate has."""
        cache = self.__dict__.setdefault("_flat", {})
        hit = cache.get((i, start))
        if hit is None:
            n = self.problem.n_years
            off = start - self.problem.first_year
            hit = cache[(i, start)] = [
                (o * n + k + off, a) for o, k, a in self.entries[i] if 0 <= k + off < n
            ]
        return hit

    def in_horizon(self, i: int, start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(org rows, year columns, amounts) of candidate *i*'s budgeted costs if it starts
        in ``start``, restricted to the plan years and to non-zero amounts."""
        mat = self.cost_mats[i]
        if mat.size == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        offset = start - self.problem.first_year
        ks = np.arange(mat.shape[1])
        ts = ks + offset
        ok = (ts >= 0) & (ts < self.problem.n_years)
        sub = mat[:, ok]
        rows, cols = np.nonzero(sub)
        return self.cost_orgs[i][rows], ts[ok][cols], sub[rows, cols]


def must_include(problem: Problem) -> set[str]:
    """Mandatory, forced-in and fixed running items, and what they require."""
    ids = {c.id for c in problem.candidates if c.mandatory}
    ids |= set(problem.forced_in)
    ids |= {c.id for c in problem.candidates if c.status == "running" and not c.stoppable}
    required = defaultdict(list)
    for d in problem.dependencies:
        required[d.candidate].append(d.requires)
    stack = list(ids)
    while stack:
        for r in required[stack.pop()]:
            if r not in ids:
                ids.add(r)
                stack.append(r)
    return ids


def prepare(problem: Problem) -> Prepared:
    orgs = list(problem.budgets)
    org_index = {o: k for k, o in enumerate(orgs)}
    n = problem.n_years
    budget = np.array([problem.budgets[o] for o in orgs], dtype=np.float64).reshape(len(orgs), n)
    index = {c.id: k for k, c in enumerate(problem.candidates)}
    forced_out = set(problem.forced_out)
    windows, cost_orgs, cost_mats, stop_mats, values, entries = [], [], [], [], [], []
    unbudgeted: set[str] = set()
    for c in problem.candidates:
        window = [] if c.id in forced_out else problem.window(c)
        windows.append(window)
        per_org: dict[int, np.ndarray] = {}
        length = c.profile_years
        for line in c.costs:
            k = org_index.get(line.organisation)
            if k is None:
                if any(line.amounts):
                    unbudgeted.add(line.organisation)
                continue
            row = per_org.setdefault(k, np.zeros(length))
            row[: len(line.amounts)] += line.amounts
        keys = sorted(per_org)
        cost_orgs.append(np.array(keys, dtype=np.int64))
        cost_mats.append(
            np.array([per_org[k] for k in keys]).reshape(len(keys), length)
            if keys
            else np.zeros((0, length))
        )
        entries.append(
            [(k, y, float(a)) for k in keys for y, a in enumerate(per_org[k].tolist()) if a]
        )
        stop_mats.append(_stop_matrix(c, org_index, n) if c.stoppable else None)
        values.append({s: problem.value(c, s) for s in window})
    must = {index[cid] for cid in must_include(problem)}
    requires: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for d in problem.dependencies:
        a = problem.candidates[index[d.requires]]
        distance = d.lag + (a.length if d.kind == "finish" else 0)
        requires[index[d.candidate]].append((index[d.requires], distance))
    return Prepared(
        problem=problem,
        orgs=orgs,
        budget=budget,
        windows=windows,
        cost_orgs=cost_orgs,
        cost_mats=cost_mats,
        stop_mats=stop_mats,
        must_in=must,
        index=index,
        values=values,
        unbudgeted=sorted(unbudgeted),
        requires=dict(requires),
        entries=entries,
    )


def _stop_matrix(c: Candidate, org_index: dict[str, int], n: int) -> np.ndarray:
    out = np.zeros((len(org_index), n))
    for line in c.stop_costs:
        k = org_index.get(line.organisation)
        if k is not None:
            m = min(n, len(line.amounts))
            out[k, :m] += line.amounts[:m]
    return out


def build(
    prep: Prepared, *, elastic: bool = False, start_penalty: dict[int, int] | None = None
) -> Model:
    """Build the MILP. ``elastic`` builds the feasibility relaxation instead: no value,
    slack on budget, fund-budget, must-include and risk rows, minimise the slack.
    ``start_penalty`` (candidate -> year) adds a tiny cost per year of delay after that
    year (used by displacement so ties keep the current start)."""
    p = prep.problem
    model = Model(prep=prep, maximise=not elastic)
    n = p.n_years
    first = p.first_year
    vmax = max((abs(v) for vals in prep.values for v in vals.values()), default=0.0)
    model.obj_scale = 1.0 if elastic or vmax == 0 else vmax / 1000.0
    eps = 1e-7 * 1000.0  # tie-breaker per year of delay, in model objective units

    # x columns and select rows
    for i, c in enumerate(p.candidates):
        cols: dict[int, int] = {}
        must = i in prep.must_in
        for s in prep.windows[i]:
            cost = 0.0 if elastic else prep.values[i][s] / model.obj_scale
            if start_penalty and i in start_penalty:
                cost -= eps * max(0, s - start_penalty[i])
            fixed = must and len(prep.windows[i]) == 1 and not elastic
            cols[s] = model.add_col(cost, 1.0 if fixed else 0.0, 1.0, True)
        model.x_cols.append(cols)
        if not cols:
            continue
        if must and elastic:
            u = model.add_col(10.0, 0.0, 1.0, False)
            r = model.add_row(
                1.0,
                1.0,
                RowInfo("select", f"must include {c.id!r}", ref=i),
                [*cols.values(), u],
                [1.0] * len(cols) + [1.0],
            )
            model.slack_cols.append((r, u))
        elif len(cols) > 1:
            lo = 1.0 if must else -INF
            model.add_row(
                lo,
                1.0,
                RowInfo("select", f"{c.id!r} starts once", ref=i),
                list(cols.values()),
                [1.0] * len(cols),
            )

    # budget rows: gross cost of chosen items, minus funds, plus budget moved away
    stop_rhs = np.zeros_like(prep.budget)
    for mat in prep.stop_mats:
        if mat is not None:  # paid if stopped: a constant, taken back by choosing x
            stop_rhs += mat
    for o, org in enumerate(prep.orgs):
        for t in range(n):
            rhs = (prep.budget[o, t] - stop_rhs[o, t]) / MONEY
            r = model.add_row(
                -INF, rhs, RowInfo("budget", f"budget of {org} {first + t}", org, first + t)
            )
            model.budget_rows[(o, t)] = r
    budget_row = np.array(
        [[model.budget_rows[(o, t)] for t in range(n)] for o in range(len(prep.orgs))],
        dtype=np.int64,
    ).reshape(len(prep.orgs), n)
    flat_row = budget_row.ravel().tolist()
    b_rows: list[int] = []
    b_cols: list[int] = []
    b_vals: list[float] = []
    for i, cols in enumerate(model.x_cols):
        stop = prep.stop_mats[i]
        for s, col in cols.items():
            for j, a in prep.flat_entries(i, s):
                b_rows.append(flat_row[j])
                b_cols.append(col)
                b_vals.append(a / MONEY)
            if stop is not None:
                so, st = np.nonzero(stop)
                if len(so):
                    model.trip_row.append(budget_row[so, st])
                    model.trip_col.append(np.full(len(so), col, dtype=np.int64))
                    model.trip_val.append(-stop[so, st] / MONEY)
    model.trip_row.append(np.array(b_rows, dtype=np.int64))
    model.trip_col.append(np.array(b_cols, dtype=np.int64))
    model.trip_val.append(np.array(b_vals, dtype=np.float64))
    if elastic:
        for (o, t), r in model.budget_rows.items():
            scale = max(prep.budget[o, t] / MONEY, 1.0)
            e = model.add_col(1.0 / scale, 0.0, INF, False)
            model.add_entries(r, [e], [-1.0])
            model.slack_cols.append((r, e))

    # flexibility: m[o,t] moves budget from year t to t + 1
    for o, org in enumerate(prep.orgs):
        share = p.flexibility.get(org, 0.0)
        if share <= 0:
            continue
        for t in range(n - 1):
            lo = -share * prep.budget[o, t + 1] / MONEY
            hi = share * prep.budget[o, t] / MONEY
            # two non-negative parts, so the tidy-up LP can minimise what is moved
            fwd = model.add_col(0.0, 0.0, hi, False)
            back = model.add_col(0.0, 0.0, -lo, False)
            model.m_cols[(o, t)] = (fwd, back)
            model.add_entries(budget_row[o, t], [fwd, back], [1.0, -1.0])
            model.add_entries(budget_row[o, t + 1], [fwd, back], [-1.0, 1.0])

    add_funds(model, prep, budget_row, elastic)
    _add_dependencies(model, prep)
    for e_idx, excl in enumerate(p.exclusions):
        cols = [col for cid in excl.candidates for col in model.x_cols[prep.index[cid]].values()]
        if cols:
            label = excl.name or " / ".join(excl.candidates)
            model.add_row(
                -INF,
                1.0,
                RowInfo("exclusion", f"at most one of {label}", ref=e_idx),
                cols,
                [1.0] * len(cols),
            )
    if p.max_probability_negative is not None:
        from .risk import add_chance_constraint  # risk builds on this module's types

        add_chance_constraint(model, prep, elastic)
    return model


def _add_dependencies(model: Model, prep: Prepared) -> None:
    p = prep.problem
    for d_idx, dep in enumerate(p.dependencies):
        b, a = prep.index[dep.candidate], prep.index[dep.requires]
        bcols, acols = model.x_cols[b], model.x_cols[a]
        distance = dep.lag + (p.candidates[a].length if dep.kind == "finish" else 0)
        verb = "finishes" if dep.kind == "finish" else "starts"
        label = f"{dep.candidate!r} after {dep.requires!r} {verb}"
        for sb in sorted(bcols):
            left = [col for s, col in bcols.items() if s <= sb]
            right = [col for s, col in acols.items() if s <= sb - distance]
            model.add_row(
                -INF,
                0.0,
                RowInfo("dependency", label, year=sb, ref=d_idx),
                left + right,
                [1.0] * len(left) + [-1.0] * len(right),
            )
