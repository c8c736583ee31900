"""The plan's sections in the Word document (domain.md §5): justification, goals and
products, owners, the overview and the follow-up."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from docx.document import Document as DocumentType

from .docx_blocks import MAX_YEAR_COLUMNS, add_facts, add_paragraphs, plan_table
from .rules import NON_PRICED
from .text import clean, day, goal_text, nok, own_agency_rule, owner_text, percent

# ---------------------------------------------------------------------------------------------
# The plan's sections (domain.md §5)


def justification_section(document: DocumentType, plan: dict[str, Any]) -> None:
    document.add_heading(f"1. {_('Justification')}", level=1)
    if plan.get("initiative"):
        add_paragraphs(
            document,
            plan["initiative"]["description"],
            empty=_("The initiative has no description yet."),
        )
        if plan["programme"]["vision"]:
            document.add_paragraph(
                _("The programme's vision: %(vision)s")
                % {"vision": clean(plan["programme"]["vision"])}
            )
    else:
        add_paragraphs(document, plan["programme"]["vision"], empty=_("No vision written yet."))


def goals_and_products_section(document: DocumentType, plan: dict[str, Any]) -> None:
    document.add_heading(f"2. {_('Goals and main products')}", level=1)
    initiative = plan.get("initiative")
    if initiative:
        add_facts(
            document,
            [
                (_("Initiative"), f"{initiative['code']} {initiative['title']}"),
                (_("Owning organisation"), initiative["owner_organisation"]),
                (_("Initiative owner"), initiative["owner"]),
                (_("Participating organisations"), ", ".join(initiative["participants"])),
                (_("Phase"), initiative["phase_label"]),
                (_("Status"), initiative["status_label"]),
                (_("Planned start"), day(initiative["planned_start"])),
                (_("Planned end"), day(initiative["planned_end"])),
            ],
        )
        document.add_heading(_("Goals the initiative serves"), level=2)
        if initiative["goals"]:
            plan_table(
                document,
                [_("Goal"), _("Level"), _("Serves")],
                [
                    (goal_text(g), g["level_label"], goal_text(g.get("parent")))
                    for g in initiative["goals"]
                ],
            )
        else:
            document.add_paragraph(_("No goals linked to the initiative yet."))
        document.add_heading(_("Impact goals its benefits serve"), level=2)
        if plan["benefit_goals"]:
            plan_table(
                document,
                [_("Impact goal"), _("Societal goal"), _("Benefits")],
                [
                    (goal_text(g), goal_text(g["parent"]), ", ".join(g["benefits"]))
                    for g in plan["benefit_goals"]
                ],
            )
        else:
            document.add_paragraph(_("None of its benefits is linked to an impact goal yet."))
        return
    document.add_heading(_("Target picture"), level=2)
    add_paragraphs(
        document, plan["programme"]["target_picture"], empty=_("No target picture written yet.")
    )
    document.add_heading(_("Goal tree"), level=2)
    if not plan["goal_tree"]:
        document.add_paragraph(_("No goals recorded yet."))
    for goal in plan["goal_tree"]:
        document.add_paragraph(f"{goal['level_label']}: {goal_text(goal)}", style="List Bullet")
        for child in goal["children"]:
            document.add_paragraph(
                f"{child['level_label']}: {goal_text(child)}", style="List Bullet 2"
            )
    document.add_heading(_("Initiatives"), level=2)
    if plan["initiatives"]:
        plan_table(
            document,
            [
                _("Initiative"),
                _("Owning organisation"),
                _("Phase"),
                _("Benefits"),
                _("Attributed, most likely (NOK)"),
            ],
            [
                (
                    f"{i['code']} {i['title']}",
                    i["owner_organisation"],
                    i["phase_label"],
                    ", ".join(i["benefits"]),
                    nok(i["attributed_likely"]),
                )
                for i in plan["initiatives"]
            ]
            + [
                (
                    "",
                    "",
                    "",
                    _("Not attributed to any initiative"),
                    nok(plan["unattributed_likely"]),
                )
            ],
            numeric=[4],
            footer=[
                "",
                "",
                "",
                _("Priced benefits in all, each counted once"),
                nok(plan["overview"]["total"]),
            ],
        )
    else:
        document.add_paragraph(_("No initiatives yet."))


def owners_section(document: DocumentType, plan: dict[str, Any]) -> None:
    document.add_heading(f"3. {_('Benefit owners and what they answer for')}", level=1)
    document.add_paragraph(
        _(
            "Each owner has the authority to take the benefits out, measures the indicators "
            "against the baseline and explains deviations."
        )
    )
    if not plan["owners"]:
        document.add_paragraph(_("No benefits in this plan yet."))
        return
    rows = []
    for owner in plan["owners"]:
        for b in owner["benefits"]:
            rows.append(
                (
                    owner_text(owner["organisation"], owner["person"]) or _("No owner named"),
                    f"{b['code']} {b['title']}",
                    b["status_label"],
                    day(b["confirmed_on"]) or _("Not confirmed"),
                    nok(b["likely"]) if b["priced"] else _("Not priced"),
                    nok(b["budget_effect"]) if b["priced"] else "",
                )
            )
    plan_table(
        document,
        [
            _("Owner"),
            _("Benefit"),
            _("Status"),
            _("Confirmed"),
            _("Most likely (NOK)"),
            _("Budget effect (NOK)"),
        ],
        rows,
        numeric=[4, 5],
    )


def overview_section(document: DocumentType, plan: dict[str, Any]) -> None:
    document.add_heading(f"4. {_('Benefit overview')}", level=1)
    document.add_paragraph(own_agency_rule(plan))
    overview = plan["overview"]
    years = plan["years"]
    if overview["summary"] and years:
        document.add_heading(_("Most likely amounts per year (NOK)"), level=2)
        headers = [_("Year")] + [_part_heading(s) for s in overview["summary"]] + [_("Total")]
        rows = [
            [str(year)]
            + [nok(s["year_totals"][i]) for s in overview["summary"]]
            + [nok(overview["year_totals"][i])]
            for i, year in enumerate(years)
        ]
        footer = (
            [_("Total")] + [nok(s["total"]) for s in overview["summary"]] + [nok(overview["total"])]
        )
        plan_table(document, headers, rows, numeric=range(1, len(headers)), footer=footer)
    for part in overview["parts"]:
        document.add_heading(_part_heading(part), level=2)
        document.add_paragraph(part["description"])
        if not part["rows"]:
            document.add_paragraph(_("None in this plan."))
            continue
        if part["key"] == NON_PRICED:
            plan_table(
                document,
                [_("Benefit"), _("Kind"), _("Arises in"), _("Plus-minus"), _("Indicators")],
                [
                    (
                        f"{r['code']} {r['title']}",
                        r["kind_label"],
                        r["arises_in"],
                        "" if r["plus_minus"] is None else f"{r['plus_minus']:+d}",
                        "; ".join(r["indicators"]),
                    )
                    for r in part["rows"]
                ],
            )
            continue
        shown_years = years if len(years) <= MAX_YEAR_COLUMNS else []
        headers = [_("Benefit"), _("Arises in")] + [str(y) for y in shown_years] + [_("Total")]
        rows = []
        for r in part["rows"]:
            where = r["arises_in"] or r["reason_label"]
            cells = [nok(v) for v in r["cells"]] if shown_years else []
            rows.append([f"{r['code']} {r['title']}", where, *cells, nok(r["total"])])
        footer = (
            [_("Total"), ""]
            + ([nok(v) for v in part["year_totals"]] if shown_years else [])
            + [nok(part["total"])]
        )
        plan_table(document, headers, rows, numeric=range(2, len(headers)), footer=footer)


def _part_heading(part: dict[str, Any]) -> str:
    return f"({part['letter']}) {part['title']}" if part["letter"] else part["title"]


def followup_section(document: DocumentType, plan: dict[str, Any]) -> None:
    document.add_heading(f"5. {_('Measures and follow-up, with risk')}", level=1)
    followup = plan["followup"]
    if followup["rows"]:
        plan_table(
            document,
            [
                _("Benefit"),
                _("Owner"),
                _("Status"),
                _("Realised"),
                _("Next measurement"),
                _("Preconditions and measures"),
            ],
            [
                (
                    f"{r['code']} {r['title']}",
                    owner_text(r["owner_organisation"], r["owner"]),
                    r["status_label"] + (f" – {_('behind plan')}" if r["behind"] else ""),
                    percent(r["realised_percent"]),
                    day(r["next_due"]) + (f" ({_('overdue')})" if r["overdue"] else ""),
                    r["preconditions"],
                )
                for r in followup["rows"]
            ],
        )
    document.add_heading(_("Risks to the benefits"), level=2)
    if not followup["risks"]:
        document.add_paragraph(_("No risks are linked to these benefits."))
        return
    plan_table(
        document,
        [
            _("Risk"),
            _("Initiative"),
            _("Score"),
            _("Status"),
            _("Risk-reducing measures"),
            _("Threatens"),
        ],
        [
            (
                r["title"],
                r["initiative"],
                f"{r['score']} ({r['probability']}×{r['consequence']})",
                r["status_label"],
                r["mitigation"],
                ", ".join(r["benefits"]),
            )
            for r in followup["risks"]
        ],
    )
