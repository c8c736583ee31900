"""A realisation plan as an editable Word document (python-docx).

It renders the plan dict only (live or a saved version), in the current language, with the
built-in heading styles (Title, Heading 1–3) so Word's navigation pane and a screen reader
can move through it, header rows that repeat on each page, and the document's language set.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from .plan import NON_PRICED, display, number_text

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Characters XML cannot hold; text typed into the register may carry them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TABLE_FONT = Pt(9)
# Year columns in an overview table; with more years the yearly split is in the summary.
MAX_YEAR_COLUMNS = 5


# ---------------------------------------------------------------------------------------------
# Formatting (also used by the workbook for its text cells)


def clean(text: Any) -> str:
    return CONTROL_CHARACTERS.sub("", "" if text is None else str(text))


def nok(value: int | float | None) -> str:
    """Whole kroner with the language's thousands separator."""
    if value is None:
        return ""
    return formats.number_format(round(value), 0, use_l10n=True, force_grouping=True)


def number(value: int | float | None) -> str:
    """A measured value: no decimals when whole, otherwise up to four."""
    return number_text(value)


def percent(value: int | float | None) -> str:
    if value is None:
        return ""
    places = 0 if float(value).is_integer() else 1
    return f"{formats.number_format(value, places, use_l10n=True)} %"


def day(value: Any) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def goal_text(goal: dict[str, Any] | None) -> str:
    return f"{goal['code']} {goal['title']}" if goal else ""


def owner_text(organisation: str, person: str) -> str:
    return ", ".join(p for p in (organisation, person) if p)


def plan_title(plan: dict[str, Any]) -> str:
    """ "Benefits realisation plan: FI-1 Title" or "…: Programme name"."""
    if plan.get("initiative"):
        scope = f"{plan['initiative']['code']} {plan['initiative']['title']}"
    else:
        scope = plan["programme"]["name"]
    return _("Benefits realisation plan: %(scope)s") % {"scope": scope}


def version_text(version: dict[str, Any] | None, plan: dict[str, Any]) -> str:
    """What this document is: the current plan as built today, or a saved version."""
    if version is None:
        return _("Current plan, built %(date)s from the benefits register.") % {
            "date": day(plan["built_on"])
        }
    text = _("Version %(version)s, saved %(date)s by %(who)s.") % {
        "version": version["version"],
        "date": day(version["saved_at"]),
        "who": version.get("saved_by") or _("the system"),
    }
    if version.get("note"):
        text += " " + _("What changed: %(note)s") % {"note": version["note"]}
    return text


def own_agency_rule(plan: dict[str, Any]) -> str:
    if plan["scope"] == "initiative":
        return _(
            "Own agency means the initiative's owning organisation (%(organisation)s). "
            "Amounts are the initiative's attributed share of each benefit."
        ) % {"organisation": plan["initiative"]["owner_organisation"]}
    return _(
        "Own agency means, for each benefit, the owning organisations of the initiatives that "
        "contribute to it. Each benefit is counted once, at its full amount."
    )


# ---------------------------------------------------------------------------------------------
# Document building blocks


def _language_tag() -> str:
    return {"nb": "nb-NO", "en": "en-GB"}.get(translation.get_language() or "nb", "nb-NO")


def _setup(document: DocumentType, title: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    document.core_properties.title = title
    document.core_properties.language = _language_tag()
    document.core_properties.author = "Nytte"
    # The language of the text, so spelling and screen readers pick the right one.
    style = document.styles["Normal"]
    run_properties = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), _language_tag())
    run_properties.append(lang)
    style.font.size = Pt(10.5)


def _paragraphs(document: DocumentType, text: str, *, empty: str = "") -> None:
    """Text typed in the register, paragraph by paragraph (blank lines separate them)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", clean(text)) if b.strip()]
    if not blocks and empty:
        document.add_paragraph(empty)
    for block in blocks:
        document.add_paragraph(block)


def _table(
    document: DocumentType,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    numeric: Iterable[int] = (),
    footer: Sequence[Any] | None = None,
) -> Table:
    """A table with a repeating, bold header row; ``numeric`` columns align right."""
    right = set(numeric)
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    header = table.rows[0]
    header_properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_properties.append(repeat)
    for index, text in enumerate(headers):
        _cell(header.cells[index], text, bold=True, right=index in right)
    for values in rows:
        cells = table.add_row().cells
        for index, value in enumerate(values):
            _cell(cells[index], value, right=index in right)
    if footer is not None:
        cells = table.add_row().cells
        for index, value in enumerate(footer):
            _cell(cells[index], value, bold=True, right=index in right)
    document.add_paragraph()
    return table


def _cell(cell: Any, value: Any, *, bold: bool = False, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(clean(value))
    run.bold = bold
    run.font.size = TABLE_FONT
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _facts(document: DocumentType, facts: Sequence[tuple[str, Any]]) -> None:
    """Label and value pairs as a two-column table, leaving out empty values."""
    rows = [(label, value) for label, value in facts if value not in (None, "", [])]
    if rows:
        _table(document, [_("Field"), _("Value")], rows)


# ---------------------------------------------------------------------------------------------
# The plan's sections (domain.md §5)


def _justification(document: DocumentType, plan: dict[str, Any]) -> None:
    document.add_heading(f"1. {_('Justification')}", level=1)
    if plan.get("initiative"):
        _paragraphs(
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
        _paragraphs(document, plan["programme"]["vision"], empty=_("No vision written yet."))


def _goals_and_products(document: DocumentType, plan: dict[str, Any]) -> None:
    document.add_heading(f"2. {_('Goals and main products')}", level=1)
    initiative = plan.get("initiative")
    if initiative:
        _facts(
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
            _table(
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
            _table(
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
    _paragraphs(
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
        _table(
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


def _owners(document: DocumentType, plan: dict[str, Any]) -> None:
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
    _table(
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


def _overview(document: DocumentType, plan: dict[str, Any]) -> None:
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
        _table(document, headers, rows, numeric=range(1, len(headers)), footer=footer)
    for part in overview["parts"]:
        document.add_heading(_part_heading(part), level=2)
        document.add_paragraph(part["description"])
        if not part["rows"]:
            document.add_paragraph(_("None in this plan."))
            continue
        if part["key"] == NON_PRICED:
            _table(
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
        _table(document, headers, rows, numeric=range(2, len(headers)), footer=footer)


def _part_heading(part: dict[str, Any]) -> str:
    return f"({part['letter']}) {part['title']}" if part["letter"] else part["title"]


def _followup(document: DocumentType, plan: dict[str, Any]) -> None:
    document.add_heading(f"5. {_('Measures and follow-up, with risk')}", level=1)
    followup = plan["followup"]
    if followup["rows"]:
        _table(
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
    _table(
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


def _benefit(document: DocumentType, plan: dict[str, Any], b: dict[str, Any]) -> None:
    document.add_heading(f"{b['code']} {b['title']}", level=2)
    _paragraphs(document, b["description"])
    where = b["arises_in"] or _("Not given")
    if b["sector_label"]:
        where = f"{where} ({b['sector_label']})"
    _facts(
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
            _table(
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
    _facts(
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
        _table(
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
    _table(
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
    document = Document()
    _setup(document, title)
    document.add_heading(title, level=0)
    document.add_paragraph(version_text(version, shown))
    document.add_paragraph(_("Programme: %(name)s") % {"name": shown["programme"]["name"]})
    _justification(document, shown)
    _goals_and_products(document, shown)
    _owners(document, shown)
    _overview(document, shown)
    _followup(document, shown)
    document.add_heading(f"6. {_('The benefits one by one')}", level=1)
    if not shown["benefits"]:
        document.add_paragraph(_("No benefits in this plan yet."))
    for b in shown["benefits"]:
        _benefit(document, shown, b)
    _benefits_map(document, shown)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
