"""The plan workbook's first sheets: about the plan, goals and products, owners, the
overview and the follow-up."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .rules import NON_PRICED
from .text import clean, goal_text, own_agency_rule, plan_title, version_text
from .xlsx_book import Sheets


def plan_sheet(s: Sheets, plan: dict[str, Any], version: dict[str, Any] | None) -> None:
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
        (_("Indicators"), sum(len(b["indicators"]) for b in plan["benefits"])),
        (
            _("Benefits without a full baseline"),
            sum(1 for b in plan["benefits"] if not b["has_baseline"]),
        ),
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


def goals_sheet(s: Sheets, plan: dict[str, Any]) -> None:
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


def owners_sheet(s: Sheets, plan: dict[str, Any]) -> None:
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


def overview_sheet(s: Sheets, plan: dict[str, Any]) -> None:
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


def followup_sheet(s: Sheets, plan: dict[str, Any]) -> None:
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
