"""Reads for scenarios and runs, and the comparison of a run with the baseline (the
portfolio as planned), shared by pages, API and the Excel export."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from nytte.core.models import Organisation, Programme
from nytte.core.permissions import Action
from nytte.optimise import OptimiseError, Problem
from nytte.portfolio.choices import CostCategory

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
    #: Which fund pays what, for which item, organisation and year (with the item's name).
    fund_payments: list[dict[str, Any]] = field(default_factory=list)
    fund_marginal: list[dict[str, Any]] = field(default_factory=list)

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
    names = {c.id: c.name or c.id for c in problem.candidates}
    funds = {f.id: f.name or f.id for f in problem.funds}
    payments = [
        {**p, "name": names.get(p["candidate"], p["candidate"]), "fund_name": funds.get(p["fund"])}
        for p in plan.get("fund_payments", [])
        if p.get("amount", 0) >= 0.5
    ]
    fund_marginal = [
        {**m, "fund_name": funds.get(m["organisation"], m["organisation"])}
        for m in plan.get("fund_marginal_values", [])
        if m.get("value_per_krone")
    ]
    return Comparison(
        plan=plan,
        baseline_value=baseline_value,
        plan_value=float(plan.get("value") or 0.0),
        changes=changes,
        budget_rows=rows,
        marginal=marginal,
        baseline_feasible=not any(r.over for r in rows),
        fund_payments=payments,
        fund_marginal=fund_marginal,
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


def frontier_view(run: ScenarioRun) -> list[dict[str, Any]] | None:
    """The efficient frontier's points with the total budget, value, bound and gap, and
    the names of what each level adds to the level below it."""
    points = (run.result or {}).get("frontier")
    if points is None:
        return None
    problem = _problem(run)
    names = {c.id: (c.name or c.id) for c in problem.candidates} if problem else {}
    out, previous = [], set()
    for p in points:
        chosen = set(p.get("chosen") or [])
        out.append(
            {
                **p,
                "n_chosen": len(chosen),
                "added": sorted(names.get(c, c) for c in chosen - previous),
                "dropped": sorted(names.get(c, c) for c in previous - chosen),
                "proven_optimal": p.get("status") == "optimal",
            }
        )
        if p.get("value") is not None:
            previous = chosen
    return out


def _nok(amount: float) -> str:
    return number_format(round(amount), 0, use_l10n=True, force_grouping=True)


def funds_view(scenario: Scenario, organisations: list[Organisation]) -> list[dict[str, Any]]:
    """The scenario's funds, each with its rules in words (for the page's table)."""
    names = {str(o.pk): o.label for o in organisations}
    out = []
    for f in scenario.funds:
        share = number_format(f.get("max_share", 1.0) * 100, 0, use_l10n=True)
        rules = [_("at most %(p)s %% of an item's cost") % {"p": share}]
        if f.get("max_amount") is not None:
            rules.append(_("at most NOK %(a)s per item") % {"a": _nok(f["max_amount"])})
        if f.get("max_budget_years") is not None:
            rules.append(_("in at most %(n)s budget years") % {"n": f["max_budget_years"]})
        high = f.get("max_project_cost")
        if f.get("min_project_cost") or high is not None:
            rules.append(
                _("project cost NOK %(lo)s–%(hi)s")
                % {
                    "lo": _nok(f.get("min_project_cost") or 0),
                    "hi": "∞" if high is None else _nok(high),
                }
            )
        if f.get("organisations") is not None:
            orgs = ", ".join(names.get(str(o), str(o)) for o in f["organisations"])
            rules.append(_("only for %(orgs)s") % {"orgs": orgs})
        if f.get("cost_kinds") is not None:
            kinds = ", ".join(str(CostCategory(k).label) for k in f["cost_kinds"])
            rules.append(_("only %(kinds)s costs") % {"kinds": kinds})
        if f.get("years"):
            rules.append(_("in %(a)s–%(b)s") % {"a": min(f["years"]), "b": max(f["years"])})
        if f.get("candidates") is not None:
            rules.append(_("only for %(items)s") % {"items": ", ".join(f["candidates"])})
        if not f.get("include_running"):
            rules.append(_("not for running initiatives"))
        if f.get("require_positive_nnv"):
            rules.append(_("only for items with a positive NNV"))
        out.append({**f, "rules": rules})
    return out


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
