"""Greedy plans: the fast first answer and the benefit/cost baseline.

Every greedy here places candidates one at a time in a ranked order, each at the first
of its preferred start years whose costs fit what is left of every organisation's
budget. It uses neither funds nor budget flexibility (both can only help), so a plan it
calls feasible is feasible for the full model and can be handed to HiGHS as a start.

* ``benefit_cost``: rank by value per krone of total cost, start as early as possible:
  the ranking a portfolio office would do by hand (NNV per krone, like NNB), the
  baseline the optimiser is measured against.
* ``scarcity``: rank by value per unit of *budget share* used (each krone weighted by
  one over the budget of its organisation and year), before any LP is solved.
* ``lp_guided``: rank by how much of each candidate the LP relaxation takes, then by
  value per krone priced at the LP's duals; start where the LP puts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .build import Prepared
from .risk import within_risk


@dataclass
class GreedyPlan:
    name: str
    starts: dict[int, int]  # candidate index -> start year
    value: float
    feasible: bool
    #: a complete column vector when the plan came from a solve (else built from starts)
    vector: Any = None


class _Placer:
    def __init__(self, prep: Prepared) -> None:
        self.prep = prep
        self.left = prep.budget.ravel().tolist()  # flat: org * n_years + year
        self.starts: dict[int, int] = {}
        self.taken_groups: set[int] = set()
        self.feasible = True
        self.groups: dict[int, list[int]] = {}
        for g, excl in enumerate(prep.problem.exclusions):
            for cid in excl.candidates:
                self.groups.setdefault(prep.index[cid], []).append(g)

    def allowed(self, i: int, s: int) -> bool:
        for a, distance in self.prep.requires.get(i, ()):
            if a not in self.starts or s < self.starts[a] + distance:
                return False
        return True

    def fits(self, i: int, s: int) -> bool:
        left = self.left
        return all(left[j] >= a * (1 - 1e-9) - 1e-6 for j, a in self.prep.flat_entries(i, s))

    def place(self, i: int, s: int) -> None:
        left = self.left
        for j, a in self.prep.flat_entries(i, s):
            left[j] -= a
        self.starts[i] = s
        self.taken_groups.update(self.groups.get(i, ()))

    def try_place(self, i: int, starts: Sequence[int], force: bool = False) -> bool:
        if i in self.starts or any(g in self.taken_groups for g in self.groups.get(i, ())):
            return False
        allowed = [s for s in starts if self.allowed(i, s)]
        for s in allowed:
            if self.fits(i, s):
                self.place(i, s)
                return True
        if force:  # a must-include item that does not fit: the plan is not feasible
            self.feasible = False
            if allowed:
                self.place(i, allowed[0])
            return True
        return False


def _must_order(prep: Prepared) -> list[int]:
    """Must-include items, each after the items it requires."""
    done: list[int] = []
    seen: set[int] = set()

    def visit(i: int) -> None:
        if i in seen:
            return
        seen.add(i)
        for a, _ in prep.requires.get(i, ()):
            visit(a)
        if i in prep.must_in:
            done.append(i)

    for i in sorted(prep.must_in):
        visit(i)
    # stoppable running items are kept by the greedy (it never stops anything)
    running = [
        i
        for i, c in enumerate(prep.problem.candidates)
        if c.status == "running" and i not in prep.must_in and prep.windows[i]
    ]
    return done + running


def run_greedy(
    prep: Prepared, name: str, order: Sequence[int], start_prefs: Sequence[Sequence[int]]
) -> GreedyPlan:
    placer = _Placer(prep)
    for i in _must_order(prep):
        placer.try_place(i, start_prefs[i], force=True)
    pending = [
        i
        for i in order
        if prep.windows[i] and i not in placer.starts and max(prep.values[i].values()) > 0
    ]
    for _ in range(2):  # a second pass places items whose requirement came later
        pending = [i for i in pending if not placer.try_place(i, start_prefs[i])]
    plan = GreedyPlan(name, placer.starts, evaluate(prep, placer.starts), placer.feasible)
    if plan.feasible and prep.problem.max_probability_negative is not None:
        plan.feasible = within_risk(prep, placer.starts)
    return plan


def evaluate(prep: Prepared, starts: dict[int, int]) -> float:
    return float(sum(prep.values[i][s] for i, s in starts.items()))


def _by_value(prep: Prepared) -> list[list[int]]:
    # best value first; ties (score-only values are not discounted) keep the earliest
    return [sorted(w, key=lambda s, i=i: -prep.values[i][s]) for i, w in enumerate(prep.windows)]


def _ranked(keys: Sequence[float]) -> list[int]:
    return sorted(range(len(keys)), key=lambda i: (-keys[i], i))


def benefit_cost(prep: Prepared) -> GreedyPlan:
    """The baseline: value per krone of total cost, each as early as it fits."""
    keys = []
    for i, c in enumerate(prep.problem.candidates):
        w = prep.windows[i]
        value = prep.values[i][w[0]] if w else 0.0
        cost = c.total_cost
        keys.append(value / cost if cost > 0 else (np.inf if value > 0 else 0.0))
    earliest = [sorted(w) for w in prep.windows]
    return run_greedy(prep, "benefit/cost ranking", _ranked(keys), earliest)


def scarcity(prep: Prepared) -> GreedyPlan:
    weight = (1.0 / np.maximum(prep.budget, 1.0)).ravel().tolist()
    prefs = _by_value(prep)
    keys = []
    for i, w in enumerate(prep.windows):
        if not w:
            keys.append(0.0)
            continue
        s = prefs[i][0]
        used = sum(weight[j] * a for j, a in prep.flat_entries(i, s))
        value = prep.values[i][s]
        keys.append(value / used if used > 0 else (np.inf if value > 0 else 0.0))
    return run_greedy(prep, "budget-share ranking", _ranked(keys), prefs)


def lp_guided(prep: Prepared, x_lp: list[dict[int, float]], duals: np.ndarray) -> GreedyPlan:
    """``x_lp[i][s]``: the LP relaxation's value of x[i,s]; ``duals``: value per NOK of
    each organisation's budget per year (n_org x n_years)."""
    keys, prefs = [], []
    flat_duals = duals.ravel().tolist()
    for i, w in enumerate(prep.windows):
        if not w:
            keys.append((0.0, 0.0))
            prefs.append([])
            continue
        pref = sorted(w, key=lambda s, i=i: (-round(x_lp[i].get(s, 0.0), 6), -prep.values[i][s]))
        prefs.append(pref)
        s = pref[0]
        priced = sum(flat_duals[j] * a for j, a in prep.flat_entries(i, s))
        value = prep.values[i][s]
        ratio = value / priced if priced > 1e-12 else (1e300 if value > 0 else 0.0)
        keys.append((round(sum(x_lp[i].values()), 6), ratio))
    order = sorted(range(len(keys)), key=lambda i: (-keys[i][0], -keys[i][1], i))
    return run_greedy(prep, "LP-guided greedy", order, prefs)


def best_of(plans: Sequence[GreedyPlan]) -> GreedyPlan | None:
    feasible = [p for p in plans if p.feasible]
    return max(feasible, key=lambda p: p.value) if feasible else None
