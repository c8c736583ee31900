"""A realisation plan as an Excel workbook (XlsxWriter): one sheet per part of the plan.

It renders the plan dict only (live or a saved version), in the current language. Amounts
are numbers and dates are dates, so the figures can be summed and charted; text is never
read as a formula or a link.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from .display import display
from .text import goal_text, plan_title
from .xlsx_book import WORKBOOK_OPTIONS, Sheets
from .xlsx_sheets import followup_sheet, goals_sheet, overview_sheet, owners_sheet, plan_sheet


def _benefits_sheet(s: Sheets, plan: dict[str, Any]) -> None:
    sheet = s.sheet(_("Benefits"), [12, 36, 40, 24, 8, 16, 24, 24, 28, 24, 12, 12, 12, 16, 16])
    s.block(
        sheet,
        0,
        [
            _("Code"),
            _("Benefit"),
            _("Description"),
            _("Kind"),
            _("Priced"),
            _("Status"),
            _("Arises in"),
            _("Where, seen from the own agency"),
            _("Owner"),
            _("Initiatives and shares"),
            _("Share counted in this plan (%)"),
            _("Share cut from budgets (%)"),
            _("Plus-minus"),
            _("Most likely in all (NOK)"),
            _("Budget effect (NOK)"),
            _("Freed capacity (NOK)"),
            _("Impact goal"),
            _("Societal goal"),
            _("Preconditions and measures"),
            _("Realised (%)"),
            _("Behind plan"),
            _("Confirmed"),
        ],
        [
            (
                b["code"],
                b["title"],
                b["description"],
                b["kind_label"],
                b["priced"],
                b["status_label"],
                b["arises_in"],
                b["sector_label"],
                ", ".join(p for p in (b["owner_organisation"], b["owner"]) if p),
                ", ".join(f"{c['initiative']} {c['share']:g} %" for c in b["contributions"]),
                b["share"],
                b["budget_cut_share"],
                b["plus_minus"],
                b["total"]["likely"] if b["priced"] else None,
                b["total"]["budget_effect"] if b["priced"] else None,
                b["total"]["freed_capacity"] if b["priced"] else None,
                goal_text(b["impact_goal"]),
                goal_text(b["societal_goal"]),
                b["preconditions"],
                b["realised_percent"],
                b["behind"],
                b["confirmed_on"],
            )
            for b in plan["benefits"]
        ],
        [*([""] * 10), "percent", "percent", "", "nok", "nok", "nok", "", "", "", "percent"],
    )


def _profile_sheet(s: Sheets, plan: dict[str, Any]) -> None:
    sheet = s.sheet(_("Yearly profile"), [12, 36, 8, 16, 16, 16, 16, 16, 18])
    s.block(
        sheet,
        0,
        [
            _("Code"),
            _("Benefit"),
            _("Year"),
            _("Low (NOK)"),
            _("Most likely (NOK)"),
            _("High (NOK)"),
            _("Budget effect (NOK)"),
            _("Freed capacity (NOK)"),
            _("Whole benefit, most likely (NOK)"),
        ],
        [
            (
                b["code"],
                b["title"],
                r["year"],
                r["low"],
                r["likely"],
                r["high"],
                r["budget_effect"],
                r["freed_capacity"],
                r["whole_likely"],
            )
            for b in plan["benefits"]
            for r in b["profile"]
        ],
        ["", "", "", "nok", "nok", "nok", "nok", "nok", "nok"],
    )


def _indicators_sheet(s: Sheets, plan: dict[str, Any]) -> None:
    sheet = s.sheet(_("Indicators"), [12, 30, 18, 36, 24, 14, 16, 14, 14, 12, 14, 12, 12, 12, 14])
    s.block(
        sheet,
        0,
        [
            _("Code"),
            _("Indicator"),
            _("Unit"),
            _("Measuring method"),
            _("Data source"),
            _("Measuring cost per year (NOK)"),
            _("Direction"),
            _("Measured"),
            _("Baseline value"),
            _("Baseline date"),
            _("Latest value"),
            _("Latest date"),
            _("Realised (%)"),
            _("Planned by then (%)"),
            _("Next measurement"),
        ],
        [
            (
                b["code"],
                i["name"],
                i["unit"],
                i["method"],
                i["data_source"],
                i["measuring_cost"],
                i["direction_label"],
                i["frequency_label"],
                i["baseline_value"],
                i["baseline_date"],
                i["progress"]["latest_value"],
                i["progress"]["latest_date"],
                i["progress"]["realised_percent"],
                i["progress"]["planned_percent"],
                i["progress"]["next_due"],
            )
            for b in plan["benefits"]
            for i in b["indicators"]
        ],
        ["", "", "", "", "", "nok", "", "", "decimal", "", "decimal", "", "percent", "percent"],
    )


def _targets_sheet(s: Sheets, plan: dict[str, Any]) -> None:
    sheet = s.sheet(_("Targets"), [12, 30, 18, 14, 14])
    s.block(
        sheet,
        0,
        [_("Code"), _("Indicator"), _("Unit"), _("Date"), _("Target value")],
        [
            (b["code"], i["name"], i["unit"], t["date"], t["value"])
            for b in plan["benefits"]
            for i in b["indicators"]
            for t in i["targets"]
        ],
        ["", "", "", "", "decimal"],
    )


def _measurements_sheet(s: Sheets, plan: dict[str, Any]) -> None:
    sheet = s.sheet(_("Measurements"), [12, 30, 18, 14, 14, 24, 40])
    s.block(
        sheet,
        0,
        [_("Code"), _("Indicator"), _("Unit"), _("Date"), _("Value"), _("Source"), _("Comment")],
        [
            (b["code"], i["name"], i["unit"], m["date"], m["value"], m["source"], m["comment"])
            for b in plan["benefits"]
            for i in b["indicators"]
            for m in i["measurements"]
        ],
        ["", "", "", "", "decimal"],
    )


def _map_sheet(s: Sheets, plan: dict[str, Any]) -> None:
    sheet = s.sheet(_("Benefits map"), [20, 12, 36, 24, 12, 30, 12, 30])
    s.block(
        sheet,
        0,
        [
            _("Initiatives"),
            _("Code"),
            _("Benefit"),
            _("Arises in"),
            _("Impact goal (code)"),
            _("Impact goal"),
            _("Societal goal (code)"),
            _("Societal goal"),
        ],
        [
            (
                ", ".join(r["initiatives"]),
                r["code"],
                r["title"],
                r["arises_in"],
                (r["impact_goal"] or {}).get("code", ""),
                (r["impact_goal"] or {}).get("title", ""),
                (r["societal_goal"] or {}).get("code", ""),
                (r["societal_goal"] or {}).get("title", ""),
            )
            for r in plan["benefits_map"]
        ],
    )


def render_xlsx(plan: dict[str, Any], *, version: dict[str, Any] | None = None) -> bytes:
    """The plan as an .xlsx workbook, one sheet per part; ``version`` as for the DOCX."""
    shown = display(plan)
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, WORKBOOK_OPTIONS)
    workbook.set_properties({"title": plan_title(shown), "author": "Nytte"})
    sheets = Sheets(workbook)
    plan_sheet(sheets, shown, version)
    goals_sheet(sheets, shown)
    owners_sheet(sheets, shown)
    overview_sheet(sheets, shown)
    followup_sheet(sheets, shown)
    _benefits_sheet(sheets, shown)
    _profile_sheet(sheets, shown)
    _indicators_sheet(sheets, shown)
    _targets_sheet(sheets, shown)
    _measurements_sheet(sheets, shown)
    _map_sheet(sheets, shown)
    workbook.close()
    return out.getvalue()
