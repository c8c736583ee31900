"""A run's result as an Excel workbook: the comparison, budget use and marginal values."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .models import ScenarioRun
from .selectors import compare, frontier_view


def export_run(run: ScenarioRun) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Changes")[:31]
    bold = Font(bold=True)
    points = frontier_view(run)
    if points is not None:
        ws.title = _("Efficient frontier")[:31]
        ws.append(
            [
                _("Budgets ×"),
                _("Total budget (NOK)"),
                _("Status"),
                _("Value (NOK)"),
                _("Upper bound (NOK)"),
                _("Gap"),
                _("Items"),
                _("Adds"),
                _("Drops"),
            ]
        )
        for p in points:
            ws.append(
                [
                    p["level"],
                    round(p["total_budget"]),
                    p["status"],
                    None if p["value"] is None else round(p["value"]),
                    None if p["bound"] is None else round(p["bound"]),
                    p["gap"],
                    p["n_chosen"],
                    ", ".join(p["added"]),
                    ", ".join(p["dropped"]),
                ]
            )
    comparison = None if points is not None else compare(run)
    if points is None:
        ws.append(
            [
                _("Item"),
                _("Change"),
                _("Start as planned"),
                _("Start in plan"),
                _("Value as planned (NOK)"),
                _("Value in plan (NOK)"),
            ]
        )
    if comparison is not None:
        for c in comparison.changes:
            ws.append(
                [
                    c.name,
                    c.change,
                    c.start_before,
                    c.start_after,
                    round(c.value_before),
                    round(c.value_after),
                ]
            )
        budget = wb.create_sheet(_("Budget use")[:31])
        budget.append(
            [
                _("Organisation"),
                _("Year"),
                _("Budget"),
                _("Cost as planned"),
                _("Net cost in plan"),
                _("Moved in"),
                _("Funded"),
                _("Left"),
            ]
        )
        for r in comparison.budget_rows:
            budget.append(
                [
                    r.organisation,
                    r.year,
                    r.budget,
                    round(r.baseline_cost),
                    round(r.plan_net),
                    round(r.moved_in),
                    round(r.funded),
                    None if r.left is None else round(r.left),
                ]
            )
        funded = wb.create_sheet(_("Fund payments")[:31])
        funded.append([_("Fund"), _("Item"), _("Organisation"), _("Year"), _("Amount (NOK)")])
        for p in comparison.fund_payments:
            funded.append(
                [
                    p["fund_name"] or p["fund"],
                    p["name"],
                    p["organisation"],
                    p["year"],
                    round(p["amount"]),
                ]
            )
        marginal = wb.create_sheet(_("Marginal values")[:31])
        marginal.append([_("Organisation"), _("Year"), _("Value of one more krone (estimate)")])
        for m in comparison.marginal:
            marginal.append([m["organisation"], m["year"], m["value_per_krone"]])
        for m in comparison.fund_marginal:
            marginal.append([m["fund_name"], m["year"], m["value_per_krone"]])
        summary = wb.create_sheet(_("Summary")[:31], 0)
        plan = comparison.plan
        for label, value in (
            (_("Status"), plan.get("status")),
            (_("Value as planned (NOK)"), round(comparison.baseline_value)),
            (_("Value in plan (NOK)"), round(comparison.plan_value)),
            (_("Proven upper bound (NOK)"), plan.get("bound")),
            (_("Gap"), plan.get("gap")),
            (_("Solve time (s)"), plan.get("solve_time")),
        ):
            summary.append([label, value])
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = bold
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
