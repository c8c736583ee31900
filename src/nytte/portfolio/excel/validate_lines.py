"""Checking the sheets of an initiative's lines: costs, dependencies, risks, status reports.

Each is matched with what is stored by its natural key (risks, which have none, by id), in
one query per sheet.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from nytte.core.excel.plan import differs, present
from nytte.core.excel.read import OMIT, Row

from ..choices import DependencyKind
from ..graph import find_cycle, is_acyclic
from ..models import CostLine, Dependency, Risk, StatusReport
from .format import COSTS, DEPENDENCIES, RISKS, STATUS_REPORTS
from .validate import Plan
from .write import Writer

RISK_FIELDS = (
    "title",
    "description",
    "probability",
    "consequence",
    "owner",
    "mitigation",
    "status",
)
REPORT_FIELDS = ("overall", "plan", "cost", "benefits", "stakeholders", "risk", "commentary")
COST_FIELDS = ("low", "likely", "high", "note")


def plan_costs(plan: Plan) -> None:
    stored = {
        (r[1], r[2], r[3], r[4]): r
        for r in CostLine.objects.filter(initiative__programme=plan.programme).values_list(
            "pk", "initiative__code", "organisation_id", "year", "category", *COST_FIELDS
        )
    }
    seen: dict[tuple[Any, ...], int] = {}
    sheet = COSTS.name
    for row in plan.rows(COSTS):
        values, n = row.values, row.number
        code = plan.known_initiative(COSTS, row, "initiative")
        org = values.get("organisation")
        org_id = plan.org_id(sheet, n, "organisation", org) if org not in (None, OMIT) else None
        year, category = values.get("year"), values.get("category")
        if None in (code, org_id, year) or OMIT in (year, category):
            continue
        key = (code, org_id, year, category)
        if not plan.unique(sheet, row, key, seen, "organisation") or row.failed:
            continue
        data = present(values, COST_FIELDS)
        existing = stored.get(key)
        if existing is not None and not differs(
            data, dict(zip(COST_FIELDS, existing[5:], strict=True))
        ):
            plan.count(COSTS, "unchanged")
            continue
        trial = CostLine(organisation_id=org_id, year=year, category=category, **data)
        plan.validate_model(
            sheet, n, trial, exclude=["initiative", "organisation"], non_field="likely"
        )
        plan.count(COSTS, "created" if existing is None else "updated")
        pk = None if existing is None else existing[0]
        plan.step(COSTS, row, Writer.cost_line, code=code, pk=pk, key=key, data=data)


def plan_dependencies(plan: Plan) -> None:
    stored = {
        (s, k, t): (pk, note)
        for pk, s, k, t, note in Dependency.objects.filter(
            source__programme=plan.programme
        ).values_list("pk", "source__code", "kind", "target__code", "note")
    }
    seen: dict[tuple[str, str, str], int] = {}
    requires = {(s, t) for s, k, t in stored if k == DependencyKind.REQUIRES}
    new_requires: list[tuple[Row, tuple[str, str]]] = []
    sheet = DEPENDENCIES.name
    for row in plan.rows(DEPENDENCIES):
        source = plan.known_initiative(DEPENDENCIES, row, "source")
        target = plan.known_initiative(DEPENDENCIES, row, "target")
        kind = row.values.get("kind")
        if source is None or target is None or kind is OMIT:
            continue
        if source == target:
            plan.error(sheet, row.number, "target", _("An initiative cannot depend on itself."))
            continue
        key = (source, kind, target)
        if not plan.unique(sheet, row, key, seen, "target") or row.failed:
            continue
        note = row.values.get("note", "")
        if kind == DependencyKind.REQUIRES and (source, target) not in requires:
            requires.add((source, target))
            new_requires.append((row, (source, target)))
        existing = stored.get(key)
        if existing is not None and existing[1] == note:
            plan.count(DEPENDENCIES, "unchanged")
            continue
        plan.count(DEPENDENCIES, "created" if existing is None else "updated")
        pk = None if existing is None else existing[0]
        plan.step(
            DEPENDENCIES,
            row,
            Writer.dependency,
            source=source,
            target=target,
            kind=kind,
            note=note,
            pk=pk,
        )
    _check_cycles(plan, requires, new_requires)


def _check_cycles(
    plan: Plan, edges: set[tuple[str, str]], new: list[tuple[Row, tuple[str, str]]]
) -> None:
    """Report every new "requires" row that lies on a cycle of the final graph.

    One linear check first: with thousands of rows, a search per new edge is only worth it
    when the graph has a cycle at all.
    """
    if not new or is_acyclic(edges):
        return
    for row, edge in new:
        cycle = find_cycle(edges - {edge}, edge)
        if cycle:
            plan.error(
                DEPENDENCIES.name,
                row.number,
                "target",
                _("This would make a cycle of “requires”: %(path)s.") % {"path": " → ".join(cycle)},
            )


def plan_risks(plan: Plan) -> None:
    stored = {
        r["pk"]: r
        for r in Risk.objects.filter(initiative__programme=plan.programme).values(
            "pk", "initiative__code", *RISK_FIELDS
        )
    }
    seen: dict[int, int] = {}
    sheet = RISKS.name
    for row in plan.rows(RISKS):
        values, n = row.values, row.number
        code = plan.known_initiative(RISKS, row, "initiative")
        pk = values.get("id")
        existing = None
        if pk is OMIT or code is None:
            continue
        if pk is not None:
            if not plan.unique(sheet, row, pk, seen, "id"):
                continue
            existing = stored.get(pk)
            if existing is None:
                plan.error(
                    sheet, n, "id", _("No risk in this programme has the ID %(id)s.") % {"id": pk}
                )
                continue
            if existing["initiative__code"] != code:
                plan.error(sheet, n, "initiative", _("A risk cannot move to another initiative."))
                continue
        if row.failed:
            continue
        data = present(values, RISK_FIELDS)
        if existing is not None and not differs(data, existing):
            plan.count(RISKS, "unchanged")
            continue
        plan.validate_model(sheet, n, Risk(**data), exclude=["initiative"])
        plan.count(RISKS, "created" if existing is None else "updated")
        plan.step(RISKS, row, Writer.risk, code=code, pk=pk, data=data)


def plan_status_reports(plan: Plan) -> None:
    stored = {
        (r["initiative__code"], r["period"]): r
        for r in StatusReport.objects.filter(initiative__programme=plan.programme).values(
            "pk", "initiative__code", "period", *REPORT_FIELDS
        )
    }
    seen: dict[tuple[str, str], int] = {}
    sheet = STATUS_REPORTS.name
    for row in plan.rows(STATUS_REPORTS):
        code = plan.known_initiative(STATUS_REPORTS, row, "initiative")
        period = row.values.get("period")
        if code is None or period in (None, OMIT):
            continue
        if not plan.unique(sheet, row, (code, period), seen, "period") or row.failed:
            continue
        data = present(row.values, REPORT_FIELDS)
        existing = stored.get((code, period))
        if existing is not None and not differs(data, existing):
            plan.count(STATUS_REPORTS, "unchanged")
            continue
        trial = StatusReport(period=period, **data)
        plan.validate_model(sheet, row.number, trial, exclude=["initiative", "reported_by"])
        plan.count(STATUS_REPORTS, "created" if existing is None else "updated")
        pk = None if existing is None else existing["pk"]
        plan.step(
            STATUS_REPORTS, row, Writer.status_report, code=code, period=period, pk=pk, data=data
        )
