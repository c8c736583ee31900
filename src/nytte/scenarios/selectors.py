"""Reads for scenarios and runs, and the comparison of a run with the baseline (the
portfolio as planned), shared by pages, API and the Excel export."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from nytte.core.models import Programme
from nytte.core.permissions import Action
from nytte.optimise import OptimiseError, Problem

from .models import Scenario, ScenarioRun


def scenario_list(*, user: Any, programme: Programme) -> QuerySet[Scenario]:
    return Scenario.objects.for_user(user).in_programme(programme).select_related("programme")


def scenario_get(*, user: Any, programme: Programme, pk: int) -> Scenario:
    """Raises ``Scenario.DoesNotExist`` when missing or not visible."""
    return (
        Scenario.objects.for_user(user, Action.VIEW)
        .in_programme(programme)
        .select_related("programme")
        .prefetch_related("proposals")
        .get(pk=pk)
    )


def run_list(*, user: Any, scenario: Scenario) -> QuerySet[ScenarioRun]:
    return (
        ScenarioRun.objects.for_user(user)
        .filter(scenario=scenario)
        .select_related("proposal", "created_by")
        .defer("input", "baseline", "result")
    )


def run_get(*, user: Any, scenario: Scenario, pk: int) -> ScenarioRun:
    """Raises ``ScenarioRun.DoesNotExist`` when missing or not visible."""
    return (
        ScenarioRun.objects.for_user(user)
        .select_related("scenario__programme", "proposal", "created_by")
        .get(scenario=scenario, pk=pk)
    )


# ---------------------------------------------------------------------------------------------
# Comparison with the baseline


@dataclass
class Change:
    id: str
    name: str
    change: str  # "starts", "moves", "stops", "kept", "not started"
    start_before: int | None
    start_after: int | None
    value_before: float
    value_after: float

    @property
    def value_change(self) -> float:
        return self.value_after - self.value_before


@dataclass
class BudgetRow:
    organisation: str
    year: int
    budget: float | None
    baseline_cost: float
    plan_net: float
    moved_in: float
    funded: float

    @property
    def left(self) -> float | None:
        return None if self.budget is None else self.budget + self.moved_in - self.plan_net

    @property
    def baseline_left(self) -> float | None:
        return None if self.budget is None else self.budget - self.baseline_cost

    @property
    def over(self) -> bool:
        return self.budget is not None and self.baseline_cost > self.budget + 0.5


@dataclass
class Comparison:
    """A plan against the baseline: what starts, moves, stops, value, budget use."""

    plan: dict[str, Any]
    baseline_value: float
    plan_value: float
    changes: list[Change] = field(default_factory=list)
    budget_rows: list[BudgetRow] = field(default_factory=list)
    marginal: list[dict[str, Any]] = field(default_factory=list)
    baseline_feasible: bool = True

    @property
    def value_change(self) -> float:
        return self.plan_value - self.baseline_value

    def by_change(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.change == kind]

    @property
    def starts(self) -> list[Change]:
        return self.by_change("starts")

    @property
    def moves(self) -> list[Change]:
        return self.by_change("moves")

    @property
    def stops(self) -> list[Change]:
        return self.by_change("stops")

    @property
    def kept(self) -> list[Change]:
        return self.by_change("kept")


def _problem(run: ScenarioRun) -> Problem | None:
    try:
        return Problem.from_dict(run.input)
    except OptimiseError:
        return None


def compare(run: ScenarioRun, plan: dict[str, Any] | None = None) -> Comparison | None:
    """The run's plan (or ``plan``, a plan dict from its result) against the portfolio as
    planned when the run was made; None when the run has no plan."""
    if plan is None:
        plan = (run.result or {}).get("plan")
    if not plan:
        return None
    problem = _problem(run)
    if problem is None:
        return None
    base_starts: dict[str, int] = dict(run.baseline.get("starts", {}))
    chosen = {c["id"]: c for c in plan.get("chosen", [])}
    stopped = set(plan.get("stopped", []))
    changes: list[Change] = []
    baseline_value = 0.0
    for cand in problem.candidates:
        before = base_starts.get(cand.id)
        value_before = problem.value(cand, before) if before is not None else 0.0
        baseline_value += value_before
        after = chosen.get(cand.id)
        start_after = after["start"] if after else None
        value_after = float(after["value"]) if after else 0.0
        if before is None and after is None:
            kind = "not started"
        elif before is None:
            kind = "starts"
        elif after is None:
            kind = "stops"
        elif start_after != before:
            kind = "moves"
        else:
            kind = "kept"
        if cand.id in stopped:
            kind = "stops"
        changes.append(
            Change(
                cand.id, cand.name or cand.id, kind, before, start_after, value_before, value_after
            )
        )
    # Budget use per organisation and year: the baseline's planned cost against the plan's.
    use = {(u["organisation"], u["year"]): u for u in plan.get("budget_use", [])}
    base_costs = run.baseline.get("costs", {})
    orgs = sorted(set(problem.budgets) | set(base_costs) | {o for o, _y in use})
    rows = []
    for org in orgs:
        budget = problem.budgets.get(org)
        for t, year in enumerate(problem.years):
            u = use.get((org, year), {})
            rows.append(
                BudgetRow(
                    organisation=org,
                    year=year,
                    budget=budget[t] if budget is not None else None,
                    baseline_cost=float(base_costs.get(org, {}).get(str(year), 0)),
                    plan_net=float(u.get("net", _plan_cost(problem, chosen, org, year))),
                    moved_in=float(u.get("moved_in", 0.0)),
                    funded=float(u.get("funded", 0.0)),
                )
            )
    marginal = [m for m in plan.get("marginal_values", []) if m.get("value_per_krone")]
    return Comparison(
        plan=plan,
        baseline_value=baseline_value,
        plan_value=float(plan.get("value") or 0.0),
        changes=changes,
        budget_rows=rows,
        marginal=marginal,
        baseline_feasible=not any(r.over for r in rows),
    )


def _plan_cost(problem: Problem, chosen: dict[str, Any], org: str, year: int) -> float:
    """Gross cost of the chosen items for an organisation without a budget."""
    total = 0.0
    for cid, item in chosen.items():
        cand = problem.candidate(cid)
        for line in cand.costs:
            k = year - item["start"]
            if line.organisation == org and 0 <= k < len(line.amounts):
                total += line.amounts[k]
    return total


def displacement_view(run: ScenarioRun) -> dict[str, Any] | None:
    """The displacement answer with names: what is pushed out or later, value lost and
    gained, and the two plans' gaps."""
    answer = (run.result or {}).get("displacement")
    if not answer:
        return None
    problem = _problem(run)
    names = {c.id: (c.name or c.id) for c in problem.candidates} if problem else {}
    moves = [{**m, "name": names.get(m["id"], m["id"])} for m in answer.get("moves", [])]
    return {
        **answer,
        "moves": moves,
        "pushed_out": [m for m in moves if m["change"] == "out"],
        "later": [m for m in moves if m["change"] == "later"],
        "other": [m for m in moves if m["change"] not in ("out", "later")],
        "proposal_name": names.get(answer.get("proposal"), answer.get("proposal")),
    }


def budget_chart_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """Long-form rows for the budget chart: budget, baseline and plan per org and year."""
    out: list[dict[str, Any]] = []
    for row in comparison.budget_rows:
        for series, amount in (
            ("budget", row.budget),
            ("baseline", row.baseline_cost),
            ("plan", row.plan_net),
        ):
            if amount is not None:
                out.append(
                    {
                        "organisation": row.organisation,
                        "year": str(row.year),
                        "series": series,
                        "amount": round(amount / 1e6, 3),
                    }
                )
    return out


def changes_by_kind(comparison: Comparison) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for c in comparison.changes:
        counts[c.change] += 1
    return dict(counts)
