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

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .model import Candidate, Problem

MONEY = 1e6  # NOK per model unit
INF = math.inf


@dataclass(frozen=True)
class RowInfo:
    kind: str  # select, budget, fund_eligible, fund_share, fund_link, fund_years, fund_budget,
    # fund_overlap, dependency, exclusion, risk_scenario, risk_count
    label: str
    org: str | None = None
    year: int | None = None
    ref: object = None


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


@dataclass
class Model:
    """A built MILP: column and row arrays plus what each index means."""

    prep: Prepared
    col_cost: list[float] = field(default_factory=list)
    col_lower: list[float] = field(default_factory=list)
    col_upper: list[float] = field(default_factory=list)
    col_integer: list[bool] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    rows_info: list[RowInfo] = field(default_factory=list)
    trip_row: list[np.ndarray] = field(default_factory=list)
    trip_col: list[np.ndarray] = field(default_factory=list)
    trip_val: list[np.ndarray] = field(default_factory=list)
    x_cols: list[dict[int, int]] = field(default_factory=list)  # candidate -> {start: col}
    p_cols: list[tuple[int, int, int, int, int]] = field(default_factory=list)  # f,i,o,t,col
    m_cols: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    w_cols: list[int] = field(default_factory=list)
    slack_cols: list[tuple[int, int]] = field(default_factory=list)  # (row, col) elastic
    budget_rows: dict[tuple[int, int], int] = field(default_factory=dict)
    fund_budget_rows: dict[tuple[int, int], int] = field(default_factory=dict)
    obj_scale: float = 1.0
    maximise: bool = True

    @property
    def n_col(self) -> int:
        return len(self.col_cost)

    @property
    def n_row(self) -> int:
        return len(self.row_lower)

    def add_col(self, cost: float, lower: float, upper: float, integer: bool) -> int:
        self.col_cost.append(cost)
        self.col_lower.append(lower)
        self.col_upper.append(upper)
        self.col_integer.append(integer)
        return len(self.col_cost) - 1

    def add_row(self, lower: float, upper: float, info: RowInfo, cols=(), vals=()) -> int:
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self.rows_info.append(info)
        r = len(self.row_lower) - 1
        if len(cols):
            self.add_entries(r, cols, vals)
        return r

    def add_entries(self, row, cols, vals) -> None:
        cols = np.asarray(cols, dtype=np.int64)
        self.trip_col.append(cols)
        self.trip_row.append(np.broadcast_to(np.asarray(row, dtype=np.int64), cols.shape))
        self.trip_val.append(np.asarray(vals, dtype=np.float64))

    def csc(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Column-wise matrix (start, index, value), duplicates summed; cached."""
        key = (self.n_col, self.n_row, len(self.trip_col))
        cached = self.__dict__.get("_csc")
        if cached is not None and cached[0] == key:
            return cached[1]
        result = self._build_csc()
        self.__dict__["_csc"] = (key, result)
        return result

    def _build_csc(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self.trip_col:
            rows = np.concatenate(self.trip_row)
            cols = np.concatenate(self.trip_col)
            vals = np.concatenate(self.trip_val)
        else:
            rows = cols = np.zeros(0, dtype=np.int64)
            vals = np.zeros(0)
        key = cols * max(1, self.n_row) + rows
        order = np.argsort(key, kind="stable")
        key, vals = key[order], vals[order]
        uniq, first = np.unique(key, return_index=True)
        summed = np.add.reduceat(vals, first) if len(vals) else vals
        keep = summed != 0
        uniq, summed = uniq[keep], summed[keep]
        ucols = uniq // max(1, self.n_row)
        urows = uniq % max(1, self.n_row)
        start = np.searchsorted(ucols, np.arange(self.n_col + 1))
        return start.astype(np.int32), urows.astype(np.int32), summed


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

    _add_funds(model, prep, budget_row, elastic)
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


def _add_funds(model: Model, prep: Prepared, budget_row: np.ndarray, elastic: bool) -> None:
    p = prep.problem
    n, first = p.n_years, p.first_year
    org_index = {o: k for k, o in enumerate(prep.orgs)}
    overlap: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for f_idx, fund in enumerate(p.funds):
        fund_years = set(range(n)) if fund.years is None else {y - first for y in fund.years}
        per_year: dict[int, list[int]] = defaultdict(list)
        for i, c in enumerate(p.candidates):
            xcols = model.x_cols[i]
            if not xcols or not fund.pays_for(c):
                continue
            elig: dict[int, np.ndarray] = {}
            for line in c.costs:
                o = org_index.get(line.organisation)
                if o is None or not fund.covers(line):
                    continue
                row = elig.setdefault(o, np.zeros(c.profile_years))
                row[: len(line.amounts)] += line.amounts
            if not elig:
                continue
            limit = fund.max_share * c.total_cost
            if fund.max_amount is not None:
                limit = min(limit, fund.max_amount)
            if limit <= 0:
                continue
            pcols_by_t: dict[int, list[int]] = defaultdict(list)
            big_m_by_t: dict[int, float] = defaultdict(float)
            for o, amounts in sorted(elig.items()):
                for t in sorted(fund_years):
                    if not 0 <= t < n:
                        continue
                    terms = []
                    for s, xcol in xcols.items():
                        k = t - (s - first)
                        if 0 <= k < len(amounts) and amounts[k] > 0:
                            terms.append((xcol, amounts[k]))
                    if not terms:
                        continue
                    pc = model.add_col(0.0, 0.0, INF, False)
                    model.p_cols.append((f_idx, i, o, t, pc))
                    model.add_row(
                        -INF,
                        0.0,
                        RowInfo(
                            "fund_eligible",
                            f"{fund.id} pays only eligible cost of {c.id!r}",
                            prep.orgs[o],
                            first + t,
                            (f_idx, i),
                        ),
                        [pc] + [col for col, _ in terms],
                        [1.0] + [-a / MONEY for _, a in terms],
                    )
                    model.add_entries(budget_row[o, t], [pc], [-1.0])
                    pcols_by_t[t].append(pc)
                    big_m_by_t[t] += max(a for _, a in terms)
                    per_year[t].append(pc)
                    overlap[(i, o, t)].append(pc)
            if not pcols_by_t:
                continue
            all_p = [pc for cols in pcols_by_t.values() for pc in cols]
            xs = list(xcols.values())
            model.add_row(
                -INF,
                0.0,
                RowInfo(
                    "fund_share",
                    f"{fund.id} pays at most {limit:,.0f} NOK of {c.id!r}",
                    ref=(f_idx, i),
                ),
                all_p + xs,
                [1.0] * len(all_p) + [-limit / MONEY] * len(xs),
            )
            if fund.max_budget_years is not None and len(pcols_by_t) > fund.max_budget_years:
                zs = []
                for t, cols in sorted(pcols_by_t.items()):
                    z = model.add_col(0.0, 0.0, 1.0, True)
                    zs.append(z)
                    big_m = min(limit, big_m_by_t[t]) / MONEY
                    model.add_row(
                        -INF,
                        0.0,
                        RowInfo(
                            "fund_link",
                            f"{fund.id} pays {c.id!r} in {first + t}",
                            year=first + t,
                            ref=(f_idx, i),
                        ),
                        [*cols, z],
                        [1.0] * len(cols) + [-big_m],
                    )
                model.add_row(
                    -INF,
                    float(fund.max_budget_years),
                    RowInfo(
                        "fund_years",
                        f"{fund.id} pays {c.id!r} in at most {fund.max_budget_years} years",
                        ref=(f_idx, i),
                    ),
                    zs,
                    [1.0] * len(zs),
                )
        if fund.budget is not None:
            for t, cols in sorted(per_year.items()):
                r = model.add_row(
                    -INF,
                    fund.budget[t] / MONEY,
                    RowInfo(
                        "fund_budget",
                        f"budget of fund {fund.id} {first + t}",
                        year=first + t,
                        ref=f_idx,
                    ),
                    cols,
                    [1.0] * len(cols),
                )
                model.fund_budget_rows[(f_idx, t)] = r
    # Two funds never pay more than the whole cost of one organisation's year.
    for (i, o, t), pcs in overlap.items():
        if len(pcs) < 2:
            continue
        terms = []
        for s, xcol in model.x_cols[i].items():
            orgs, ts, amounts = prep.in_horizon(i, s)
            hit = (orgs == o) & (ts == t)
            if hit.any():
                terms.append((xcol, float(amounts[hit].sum())))
        model.add_row(
            -INF,
            0.0,
            RowInfo(
                "fund_overlap",
                f"funds pay at most the cost of {p.candidates[i].id!r}",
                prep.orgs[o],
                first + t,
            ),
            pcs + [c for c, _ in terms],
            [1.0] * len(pcs) + [-a / MONEY for _, a in terms],
        )


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
