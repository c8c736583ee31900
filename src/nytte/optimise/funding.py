"""The funds' part of the MILP: payment columns ``p[f,i,o,t]`` and year indicators
``z[f,i,t]``, with their eligibility, share, amount, budget-year, fund-budget and overlap
rows (docs/optimise.md).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from .matrix import INF, MONEY, Model, RowInfo

if TYPE_CHECKING:
    from .build import Prepared


def add_funds(model: Model, prep: Prepared, budget_row: np.ndarray, elastic: bool) -> None:
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
                    model.z_cols.append((f_idx, i, t, z))
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
