"""Small problems and a brute-force optimum to check the optimiser against."""

from __future__ import annotations

import itertools
import random
from typing import Any

import numpy as np

from nytte.optimise import Problem


def problem(candidates: list[dict[str, Any]], **extra: Any) -> Problem:
    data: dict[str, Any] = {
        "first_year": 2027,
        "years": extra.pop("years", 3),
        "budgets": extra.pop("budgets", {"A": 100, "B": 100}),
        "candidates": candidates,
    }
    data.update(extra)
    return Problem.from_dict(data)


def cand(cid: str, nnv: float, costs: dict[str, list[float]], **extra: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "nnv": nnv,
        "costs": [{"organisation": o, "amounts": a} for o, a in costs.items()],
        **extra,
    }


def brute_force(p: Problem) -> tuple[float, dict[str, int]] | None:
    """The best plan by enumerating every selection x start year (no funds, no
    flexibility). ``None`` if nothing is feasible."""
    assert not p.funds and not any(p.flexibility.values())
    must = _must(p)
    options = []
    for c in p.candidates:
        window = [] if c.id in p.forced_out else p.window(c)
        opts = list(window) if c.id in must else [None, *window]
        options.append(opts or [None])
    orgs = list(p.budgets)
    budget = np.array([p.budgets[o] for o in orgs])
    best = None
    for combo in itertools.product(*options):
        starts = {c.id: s for c, s in zip(p.candidates, combo, strict=True) if s is not None}
        if any(m not in starts for m in must):
            continue
        use = np.zeros_like(budget)
        for c in p.candidates:
            s = starts.get(c.id)
            if s is None:
                if c.stoppable:
                    for line in c.stop_costs:
                        if line.organisation in orgs:
                            o = orgs.index(line.organisation)
                            for k, a in enumerate(line.amounts[: p.n_years]):
                                use[o, k] += a
                continue
            for line in c.costs:
                if line.organisation not in orgs:
                    continue
                o = orgs.index(line.organisation)
                for k, a in enumerate(line.amounts):
                    t = s - p.first_year + k
                    if 0 <= t < p.n_years:
                        use[o, t] += a
        if np.any(use > budget + 1e-6):
            continue
        ok = True
        for d in p.dependencies:
            if d.candidate in starts:
                a = p.candidate(d.requires)
                dist = d.lag + (a.length if d.kind == "finish" else 0)
                if d.requires not in starts or starts[d.candidate] < starts[d.requires] + dist:
                    ok = False
        for e in p.exclusions:
            if sum(cid in starts for cid in e.candidates) > 1:
                ok = False
        if ok and p.max_probability_negative is not None:
            n = next(len(c.nnv_samples) for c in p.candidates if c.nnv_samples)
            total = np.zeros(n)
            for cid, s in starts.items():
                c = p.candidate(cid)
                draws = np.asarray(c.nnv_samples) if c.nnv_samples else np.full(n, c.nnv)
                total += draws * p.discount(s)
            ok = (total < 0).sum() <= int(p.max_probability_negative * n + 1e-9)
        if not ok:
            continue
        value = sum(p.value(p.candidate(cid), s) for cid, s in starts.items())
        if best is None or value > best[0] + 1e-9:
            best = (value, starts)
    return best


def _must(p: Problem) -> set[str]:
    from nytte.optimise.build import must_include

    return must_include(p)


def random_problem(seed: int) -> Problem:
    rnd = random.Random(seed)
    n_years = rnd.choice((3, 4))
    orgs = ["A", "B"]
    candidates = []
    n = rnd.randint(4, 6)
    for i in range(n):
        payers = rnd.sample(orgs, rnd.choice((1, 2)))
        duration = rnd.randint(1, 2)
        costs = {o: [rnd.randint(10, 60) for _ in range(duration)] for o in payers}
        earliest = 2027 + rnd.randint(0, n_years - 1)
        c = cand(
            f"c{i}",
            rnd.randint(-20, 200),
            costs,
            earliest_start=earliest,
            latest_start=min(2027 + n_years - 1, earliest + rnd.randint(0, 2)),
            score=rnd.randint(0, 10),
        )
        if rnd.random() < 0.1:
            c["mandatory"] = True
        candidates.append(c)
    extra: dict[str, Any] = {}
    ids = [c["id"] for c in candidates]
    if rnd.random() < 0.6:
        a, b = rnd.sample(ids, 2)
        extra["dependencies"] = [
            {"candidate": b, "requires": a, "kind": rnd.choice(("finish", "start"))}
        ]
    if rnd.random() < 0.6:
        extra["exclusions"] = [rnd.sample(ids, 2)]
    if rnd.random() < 0.3:
        extra["objective"] = {"nnv_weight": 1.0, "score_weight": 5.0}
    if rnd.random() < 0.2:
        extra["forced_out"] = [rnd.choice(ids)]
    budgets = {o: [rnd.randint(40, 120) for _ in range(n_years)] for o in orgs}
    return problem(candidates, years=n_years, budgets=budgets, discount_rate=0.04, **extra)
