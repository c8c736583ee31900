"""A realisation plan as an editable Word document (python-docx).

It renders the plan dict only (live or a saved version), in the current language, with the
built-in heading styles (Title, Heading 1–3) so Word's navigation pane and a screen reader
can move through it, header rows that repeat on each page, and the document's language set.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentType

from nytte.core.docx import Appending

from .display import display
from .docx_blocks import add_facts, add_paragraphs, plan_table, set_up
from .docx_sections import (
    followup_section,
    goals_and_products_section,
    justification_section,
    overview_section,
    owners_section,
)
from .text import day, goal_text, nok, number, owner_text, percent, plan_title, version_text, yes_no

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _benefit(document: DocumentType, plan: dict[str, Any], b: dict[str, Any]) -> None:
    document.add_heading(f"{b['code']} {b['title']}", level=2)
    add_paragraphs(document, b["description"])
    where = b["arises_in"] or _("Not given")
    if b["sector_label"]:
        where = f"{where} ({b['sector_label']})"
    add_facts(
        document,
        [
            (_("Kind"), b["kind_label"]),
            (_("Priced"), yes_no(b["priced"])),
            (_("Status"), b["status_label"]),
            (_("Arises in"), where),
            (_("In the overview"), ", ".join(b["part_titles"])),
            (_("Owner"), owner_text(b["owner_organisation"], b["owner"])),
            (
                _("Confirmed by the owner"),
                f"{day(b['confirmed_on'])} {b['confirmed_by']}".strip()
                if b["confirmed_on"]
                else _("Not confirmed"),
            ),
            (_("Impact goal"), goal_text(b["impact_goal"])),
            (_("Societal goal"), goal_text(b["societal_goal"])),
            (
                _("Initiatives and shares"),
                ", ".join(f"{c['initiative']} {percent(c['share'])}" for c in b["contributions"]),
            ),
            (
                _("Not attributed to any initiative"),
                percent(b["unattributed_share"])
                if plan["scope"] == "programme" and b["unattributed_share"]
                else "",
            ),
            (_("Share counted in this plan"), percent(b["share"]) if b["priced"] else ""),
            (_("Share cut from budgets"), percent(b["budget_cut_share"]) if b["priced"] else ""),
            (
                _("Consequence (plus-minus)"),
                f"{b['plus_minus']:+d}: {b['plus_minus_reasoning']}"
                if b["plus_minus"] is not None
                else "",
            ),
            (_("Preconditions and measures"), b["preconditions"]),
            (
                _("Risks"),
                "; ".join(
                    f"{r['initiative']}: {r['title']} ({r['score']}, {r['status_label']})"
                    for r in b["risks"]
                ),
            ),
            (_("Realised so far"), percent(b["realised_percent"])),
            (_("Behind plan"), yes_no(b["behind"]) if b["indicators"] else ""),
        ],
    )
    if b["priced"]:
        document.add_heading(_("Yearly realisation profile (NOK)"), level=3)
        if b["profile"]:
            profile = b["profile"]
            plan_table(
                document,
                [
                    _("Year"),
                    _("Low"),
                    _("Most likely"),
                    _("High"),
                    _("Budget effect"),
                    _("Freed capacity"),
                ],
                [
                    (
                        str(r["year"]),
                        nok(r["low"]),
                        nok(r["likely"]),
                        nok(r["high"]),
                        nok(r["budget_effect"]),
                        nok(r["freed_capacity"]),
                    )
                    for r in profile
                ],
                numeric=range(1, 6),
                footer=[
                    _("Total"),
                    nok(b["total"]["low"]),
                    nok(b["total"]["likely"]),
                    nok(b["total"]["high"]),
                    nok(b["total"]["budget_effect"]),
                    nok(b["total"]["freed_capacity"]),
                ],
            )
        else:
            document.add_paragraph(_("No yearly amounts yet."))
    document.add_heading(_("Indicators"), level=3)
    if not b["indicators"]:
        document.add_paragraph(_("No indicators yet: the benefit cannot be measured."))
    for indicator in b["indicators"]:
        _indicator(document, indicator)


def _indicator(document: DocumentType, indicator: dict[str, Any]) -> None:
    progress = indicator["progress"]
    document.add_paragraph(f"{indicator['name']} ({indicator['unit']})", style="Heading 4")
    baseline = (
        f"{number(indicator['baseline_value'])} ({day(indicator['baseline_date'])})"
        if indicator["baseline_date"]
        else _("No baseline yet")
    )
    add_facts(
        document,
        [
            (_("Unit"), indicator["unit"]),
            (_("Measuring method"), indicator["method"]),
            (_("Data source"), indicator["data_source"]),
            (_("Measuring cost per year (NOK)"), nok(indicator["measuring_cost"])),
            (_("Direction"), indicator["direction_label"]),
            (_("Measured"), indicator["frequency_label"]),
            (_("Baseline"), baseline),
            (
                _("Targets"),
                "; ".join(f"{number(t['value'])} ({day(t['date'])})" for t in indicator["targets"]),
            ),
            (
                _("Latest measurement"),
                f"{number(progress['latest_value'])} ({day(progress['latest_date'])})"
                if progress["latest_date"]
                else "",
            ),
            (_("Realised"), percent(progress["realised_percent"])),
            (_("Planned by then"), percent(progress["planned_percent"])),
            (
                _("Next measurement"),
                day(progress["next_due"]) + (f" ({_('overdue')})" if progress["overdue"] else ""),
            ),
        ],
    )
    if indicator["measurements"]:
        plan_table(
            document,
            [_("Date"), _("Measured value"), _("Source"), _("Comment")],
            [
                (day(m["date"]), number(m["value"]), m["source"], m["comment"])
                for m in indicator["measurements"]
            ],
            numeric=[1],
        )


def _benefits_map(document: DocumentType, plan: dict[str, Any]) -> None:
    document.add_heading(f"7. {_('Benefits map')}", level=1)
    document.add_paragraph(
        _("Initiatives → benefit → impact goal → societal goal, as the register holds it now.")
    )
    if not plan["benefits_map"]:
        document.add_paragraph(_("No benefits in this plan yet."))
        return
    plan_table(
        document,
        [_("Initiatives"), _("Benefit"), _("Arises in"), _("Impact goal"), _("Societal goal")],
        [
            (
                ", ".join(r["initiatives"]),
                f"{r['code']} {r['title']}",
                r["arises_in"],
                goal_text(r["impact_goal"]) or _("Not linked"),
                goal_text(r["societal_goal"]),
            )
            for r in plan["benefits_map"]
        ],
    )


def render_docx(plan: dict[str, Any], *, version: dict[str, Any] | None = None) -> bytes:
    """The plan as a .docx file. ``version`` (version, note, saved_by, saved_at) names a saved
    version; without it the document says it is the current plan."""
    shown = display(plan)
    title = plan_title(shown)
    document = Appending(Document())  # a plan at national size has some 200,000 blocks
    set_up(document, title)
    document.add_heading(title, level=0)
    document.add_paragraph(version_text(version, shown))
    document.add_paragraph(_("Programme: %(name)s") % {"name": shown["programme"]["name"]})
    justification_section(document, shown)
    goals_and_products_section(document, shown)
    owners_section(document, shown)
    overview_section(document, shown)
    followup_section(document, shown)
    document.add_heading(f"6. {_('The benefits one by one')}", level=1)
    if not shown["benefits"]:
        document.add_paragraph(_("No benefits in this plan yet."))
    for b in shown["benefits"]:
        _benefit(document, shown, b)
    _benefits_map(document, shown)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
