"""A realisation plan as an Excel workbook (XlsxWriter): one sheet per part of the plan.

It renders the plan dict only (live or a saved version), in the current language. Amounts
are numbers and dates are dates, so the figures can be summed and charted; text is never
read as a formula or a link.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .plan import NON_PRICED, display
from .plan_docx import clean, goal_text, own_agency_rule, plan_title, version_text

WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_date_format": "yyyy-mm-dd",
}
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class _Sheets:
    """The workbook with its few cell formats, and a writer for header-and-rows blocks."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.bold = workbook.add_format({"bold": True})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#E5F0FA", "border": 1, "text_wrap": True}
        )
        self.nok = workbook.add_format({"num_format": "#,##0"})
        self.nok_bold = workbook.add_format({"num_format": "#,##0", "bold": True})
        self.decimal = workbook.add_format({"num_format": "#,##0.####"})
        self.percent = workbook.add_format({"num_format": "0.0"})
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})

    def sheet(self, name: str, widths: Sequence[int]) -> Worksheet:
        """A new sheet; a translated name Excel cannot take is cut to size and made unique."""
        safe = SHEET_NAME_FORBIDDEN.sub(" ", name)[:31].strip() or "Sheet"
        taken = {ws.get_name().lower() for ws in self.workbook.worksheets()}
        candidate, n = safe, 2
        while candidate.lower() in taken:
            suffix = f" ({n})"
            candidate, n = safe[: 31 - len(suffix)] + suffix, n + 1
        worksheet = self.workbook.add_worksheet(candidate)
        for column, width in enumerate(widths):
            worksheet.set_column(column, column, width)
        return worksheet

    def cell(self, sheet: Worksheet, row: int, column: int, value: Any, kind: str = "") -> None:
        """Write one value: ``kind`` is "nok", "decimal", "percent", "bold" or "" (by type)."""
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)  # Excel has no time zones: local time
        if value is None or value == "":
            sheet.write_blank(row, column, None)
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, column, value, self.date)
        elif isinstance(value, bool):
            sheet.write_string(row, column, _("Yes") if value else _("No"))
        elif isinstance(value, int | float):
            fmt = {
                "nok": self.nok,
                "decimal": self.decimal,
                "percent": self.percent,
                "bold": self.nok_bold,
            }.get(kind)
            sheet.write_number(row, column, value, fmt)
        else:
            sheet.write_string(row, column, clean(value), self.bold if kind == "bold" else None)

    def block(
        self,
        sheet: Worksheet,
        row: int,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        kinds: Sequence[str] = (),
        *,
        title: str = "",
    ) -> int:
        """A titled table from ``row``; returns the first free row after a blank one."""
        if title:
            sheet.write_string(row, 0, title, self.title)
            row += 1
        for column, header in enumerate(headers):
            sheet.write_string(row, column, header, self.header)
        first = row
        row += 1
        for values in rows:
            for column, value in enumerate(values):
                kind = kinds[column] if column < len(kinds) else ""
                self.cell(sheet, row, column, value, kind)
            row += 1
        if not title and first == 0:
            sheet.freeze_panes(1, 0)
            if row > 1:
                sheet.autofilter(0, 0, row - 1, len(headers) - 1)
        return row + 1


def _plan_sheet(s: _Sheets, plan: dict[str, Any], version: dict[str, Any] | None) -> None:
    sheet = s.sheet(_("About the plan"), [34, 100])
    sheet.write_string(0, 0, plan_title(plan), s.title)
    sheet.write_string(1, 0, version_text(version, plan))
    programme = plan["programme"]
    initiative = plan.get("initiative")
    facts: list[tuple[str, Any]] = [
        (_("Programme"), programme["name"]),
        (_("Built"), plan["built_on"]),
    ]
    if initiative:
        facts += [
            (_("Initiative"), f"{initiative['code']} {initiative['title']}"),
            (_("Justification"), initiative["description"]),
        ]
    facts += [
        (_("Vision"), programme["vision"]),
        (_("Target picture"), programme["target_picture"]),
        (_("Own agency"), own_agency_rule(plan)),
        (_("Benefits"), plan["counts"]["benefits"]),
        (_("Priced benefits"), plan["counts"]["priced"]),
        (_("Indicators"), plan["counts"]["indicators"]),
        (_("Benefits without a full baseline"), plan["counts"]["without_baseline"]),
        (_("Most likely in all (NOK)"), plan["overview"]["total"]),
    ]
    if version:
        facts += [
            (_("Version"), version["version"]),
            (_("What changed"), version.get("note", "")),
            (_("Saved by"), version.get("saved_by", "")),
            (_("Saved"), version["saved_at"]),
        ]
    for offset, (label, value) in enumerate(facts, start=3):
        sheet.write_string(offset, 0, label, s.bold)
        if isinstance(value, str):
            sheet.write_string(offset, 1, clean(value), s.wrap)
        else:
            s.cell(sheet, offset, 1, value, "nok")


def _goals_sheet(s: _Sheets, plan: dict[str, Any]) -> None:
    sheet = s.sheet(_("Goals and products"), [14, 50, 18, 28, 16, 14, 18])
    initiative = plan.get("initiative")
    if initiative:
        row = s.block(
            sheet,
            0,
            [_("Code"), _("Goal"), _("Level"), _("Serves")],
            [
                (g["code"], g["title"], g["level_label"], goal_text(g.get("parent")))
                for g in initiative["goals"]
            ],
            title=_("Goals the initiative serves"),
        )
        row = s.block(
            sheet,
            row,
            [_("Code"), _("Impact goal"), _("Societal goal"), _("Benefits")],
            [
                (g["code"], g["title"], goal_text(g["parent"]), ", ".join(g["benefits"]))
                for g in plan["benefit_goals"]
            ],
            title=_("Impact goals its benefits serve"),
        )
        s.block(
            sheet,
            row,
            [_("Code"), _("Initiative"), _("Owning organisation"), _("Initiative owner")],
            [
                (
                    initiative["code"],
                    initiative["title"],
                    initiative["owner_organisation"],
                    initiative["owner"],
                )
            ],
            title=_("Main product"),
        )
        return
    goals = []
    for goal in plan["goal_tree"]:
        goals.append((goal["code"], goal["title"], goal["level_label"], ""))
        goals += [
            (c["code"], c["title"], c["level_label"], goal_text(goal)) for c in goal["children"]
        ]
    row = s.block(
        sheet, 0, [_("Code"), _("Goal"), _("Level"), _("Serves")], goals, title=_("Goal tree")
    )
    s.block(
        sheet,
        row,
        [
            _("Code"),
            _("Initiative"),
            _("Owning organisation"),
            _("Phase"),
            _("Planned start"),
            _("Benefits"),
            _("Attributed, most likely (NOK)"),
        ],
        [
            (
                i["code"],
                i["title"],
                i["owner_organisation"],
                i["phase_label"],
                i["planned_start"],
                ", ".join(i["benefits"]),
                i["attributed_likely"],
            )
            for i in plan["initiatives"]
        ]
        + [
            (
                "",
                _("Not attributed to any initiative"),
                "",
                "",
                "",
                "",
                plan["unattributed_likely"],
            ),
            (
                "",
                _("Priced benefits in all, each counted once"),
                "",
                "",
                "",
                "",
                plan["overview"]["total"],
            ),
        ],
        ["", "", "", "", "", "", "nok"],
        title=_("Initiatives"),
    )


def _owners_sheet(s: _Sheets, plan: dict[str, Any]) -> None:
    sheet = s.sheet(_("Benefit owners"), [28, 24, 12, 40, 16, 14, 18, 18])
    rows = [
        (
            owner["organisation"],
            owner["person"],
            b["code"],
            b["title"],
            b["status_label"],
            b["confirmed_on"],
            b["likely"] if b["priced"] else None,
            b["budget_effect"] if b["priced"] else None,
        )
        for owner in plan["owners"]
        for b in owner["benefits"]
    ]
    s.block(
        sheet,
        0,
        [
            _("Owning organisation"),
            _("Benefit owner"),
            _("Code"),
            _("Benefit"),
            _("Status"),
            _("Confirmed"),
            _("Most likely (NOK)"),
            _("Budget effect (NOK)"),
        ],
        rows,
        ["", "", "", "", "", "", "nok", "nok"],
    )


def _part_name(part: dict[str, Any]) -> str:
    return f"({part['letter']}) {part['title']}" if part["letter"] else part["title"]


def _overview_sheet(s: _Sheets, plan: dict[str, Any]) -> None:
    years = plan["years"]
    sheet = s.sheet(_("Benefit overview"), [44, 12, 40, 28, *([14] * len(years)), 16])
    headers = [_("Part"), _("Code"), _("Benefit"), _("Arises in"), *map(str, years), _("Total")]
    kinds = ["", "", "", "", *(["nok"] * (len(years) + 1))]
    rows: list[list[Any]] = []
    for part in plan["overview"]["parts"]:
        name = _part_name(part)
        if part["key"] == NON_PRICED:
            continue
        for r in part["rows"]:
            where = r["arises_in"] or r["reason_label"]
            rows.append([name, r["code"], r["title"], where, *r["cells"], r["total"]])
        rows.append(
            [_("Total: %(part)s") % {"part": name}, "", "", "", *part["year_totals"], part["total"]]
        )
    overview = plan["overview"]
    rows.append(
        [_("Priced benefits in all"), "", "", "", *overview["year_totals"], overview["total"]]
    )
    row = s.block(sheet, 0, headers, rows, kinds)
    non_priced = next((p for p in overview["parts"] if p["key"] == NON_PRICED), None)
    if non_priced is not None:
        s.block(
            sheet,
            row,
            [_("Code"), _("Benefit"), _("Kind"), _("Arises in"), _("Plus-minus"), _("Indicators")],
            [
                (
                    r["code"],
                    r["title"],
                    r["kind_label"],
                    r["arises_in"],
                    r["plus_minus"],
                    "; ".join(r["indicators"]),
                )
                for r in non_priced["rows"]
            ],
            title=_part_name(non_priced),
        )


def _followup_sheet(s: _Sheets, plan: dict[str, Any]) -> None:
    sheet = s.sheet(_("Follow-up and risk"), [12, 36, 28, 16, 12, 12, 14, 50])
    followup = plan["followup"]
    row = s.block(
        sheet,
        0,
        [
            _("Code"),
            _("Benefit"),
            _("Owner"),
            _("Status"),
            _("Realised (%)"),
            _("Behind plan"),
            _("Next measurement"),
            _("Preconditions and measures"),
            _("Linked risks"),
        ],
        [
            (
                r["code"],
                r["title"],
                ", ".join(p for p in (r["owner_organisation"], r["owner"]) if p),
                r["status_label"],
                r["realised_percent"],
                r["behind"],
                r["next_due"],
                r["preconditions"],
                "; ".join(r["risks"]),
            )
            for r in followup["rows"]
        ],
        ["", "", "", "", "percent"],
    )
    s.block(
        sheet,
        row,
        [
            _("Initiative"),
            _("Risk"),
            _("Probability (1–5)"),
            _("Consequence (1–5)"),
            _("Score"),
            _("Status"),
            _("Risk owner"),
            _("Risk-reducing measures"),
            _("Threatens"),
        ],
        [
            (
                r["initiative"],
                r["title"],
                r["probability"],
                r["consequence"],
                r["score"],
                r["status_label"],
                r["owner"],
                r["mitigation"],
                ", ".join(r["benefits"]),
            )
            for r in followup["risks"]
        ],
        title=_("Risks to the benefits"),
    )


def _benefits_sheet(s: _Sheets, plan: dict[str, Any]) -> None:
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


def _profile_sheet(s: _Sheets, plan: dict[str, Any]) -> None:
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


def _indicators_sheet(s: _Sheets, plan: dict[str, Any]) -> None:
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


def _targets_sheet(s: _Sheets, plan: dict[str, Any]) -> None:
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


def _measurements_sheet(s: _Sheets, plan: dict[str, Any]) -> None:
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


def _map_sheet(s: _Sheets, plan: dict[str, Any]) -> None:
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
    sheets = _Sheets(workbook)
    _plan_sheet(sheets, shown, version)
    _goals_sheet(sheets, shown)
    _owners_sheet(sheets, shown)
    _overview_sheet(sheets, shown)
    _followup_sheet(sheets, shown)
    _benefits_sheet(sheets, shown)
    _profile_sheet(sheets, shown)
    _indicators_sheet(sheets, shown)
    _targets_sheet(sheets, shown)
    _measurements_sheet(sheets, shown)
    _map_sheet(sheets, shown)
    workbook.close()
    return out.getvalue()
