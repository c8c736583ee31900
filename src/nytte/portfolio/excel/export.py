"""Export: a programme's register as an .xlsx workbook in the shared format.

XlsxWriter in ``constant_memory`` mode writes each row out as soon as the next one starts,
and the queries stream too, so memory stays flat (about 90 MB for 100,000 cost lines, where
``in_memory`` needs about 350 MB for 15 % less time). Almost all the time is XlsxWriter's,
a few microseconds per cell, which is why each column's writer is chosen once per sheet.
Each sheet is read with one ``values_list`` query (two more for the initiatives'
participants and life events), never per row.

Known limit: text that itself looks like an Excel escape (``_x0041_``) comes back from our
importer with the escape doubled, because openpyxl does not decode inline strings.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import xlsxwriter
from django.utils import translation
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from nytte.core.models import Programme

from ..choices import CostCategory, DependencyKind, GoalLevel, Phase, RiskStatus, StatusColour
from ..models import CostLine, Dependency, Goal, Initiative, InitiativeGoal, Risk, StatusReport
from .format import (
    CONTRIBUTIONS,
    COSTS,
    DEPENDENCIES,
    GOALS,
    INITIATIVES,
    LEGEND,
    LEGEND_HEADERS,
    PROGRAMME,
    RISKS,
    SHEETS,
    STATUS_REPORTS,
    SheetSpec,
    labels,
)

# Characters the XML of a workbook cannot hold; the export drops them (as openpyxl did).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CHUNK = 2000  # rows per fetch: queries stream, as the workbook does
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    # Cells are data, never formulas, links or numbers parsed from text: "=SUM(A1)" stays
    # text (no formula injection) and every value comes back on import as it went out.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_date_format": "yyyy-mm-dd",
}


def _yes_no(value: bool) -> str:
    return "Ja" if value else "Nei"


def sheet_rows(programme: Programme) -> dict[str, Iterable[Iterable[Any]]]:
    """Each sheet's data rows, read with a fixed number of queries."""
    phase, colour = labels(Phase), labels(StatusColour)
    level, category = labels(GoalLevel), labels(CostCategory)
    kind, risk_status = labels(DependencyKind), labels(RiskStatus)
    owner = programme.owner
    rows: dict[str, Iterable[Iterable[Any]]] = {
        PROGRAMME.name: [
            [
                programme.slug,
                programme.name,
                owner.orgnr,
                owner.name,
                programme.vision,
                programme.target_picture,
                programme.start_year,
                programme.end_year,
            ]
        ]
    }
    rows[GOALS.name] = (
        [code, level.get(lv, lv), parent, title, description, weight]
        for code, lv, parent, title, description, weight in Goal.objects.filter(programme=programme)
        .order_by("code")
        .values_list("code", "level", "parent__code", "title", "description", "weight")
        .iterator(CHUNK)
    )
    participants: dict[int, list[str]] = defaultdict(list)
    for initiative_id, orgnr in (
        Initiative.participants.through.objects.filter(initiative__programme=programme)
        .order_by("organisation__orgnr")
        .values_list("initiative_id", "organisation__orgnr")
    ):
        participants[initiative_id].append(orgnr)
    events: dict[int, list[str]] = defaultdict(list)
    for initiative_id, slug in (
        Initiative.life_events.through.objects.filter(initiative__programme=programme)
        .order_by("lifeevent__slug")
        .values_list("initiative_id", "lifeevent__slug")
    ):
        events[initiative_id].append(slug)
    rows[INITIATIVES.name] = (
        [
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            ", ".join(participants.get(r[0], ())),
            phase.get(r[6], r[6]),
            colour.get(r[7], r[7]),
            r[8],
            r[9],
            r[10],
            _yes_no(r[11]),
            _yes_no(r[12]),
            ", ".join(events.get(r[0], ())),
            r[13],
        ]
        for r in Initiative.objects.filter(programme=programme)
        .order_by("code")
        .values_list(
            "pk",
            "code",
            "title",
            "description",
            "owner_organisation__orgnr",
            "owner_organisation__name",
            "phase",
            "status",
            "status_reason",
            "planned_start",
            "planned_end",
            "mandatory",
            "digitalisation",
            "owner__username",
        )
        .iterator(CHUNK)
    )
    rows[CONTRIBUTIONS.name] = (
        list(r)
        for r in InitiativeGoal.objects.filter(initiative__programme=programme)
        .order_by("initiative__code", "goal__code")
        .values_list("initiative__code", "goal__code", "goal__title", "contribution")
        .iterator(CHUNK)
    )
    rows[COSTS.name] = (
        [code, orgnr, name, year, category.get(cat, cat), low, likely, high, note]
        for code, orgnr, name, year, cat, low, likely, high, note in CostLine.objects.filter(
            initiative__programme=programme
        )
        .order_by("initiative__code", "year", "organisation__orgnr", "category")
        .values_list(
            "initiative__code",
            "organisation__orgnr",
            "organisation__name",
            "year",
            "category",
            "low",
            "likely",
            "high",
            "note",
        )
        .iterator(CHUNK)
    )
    rows[DEPENDENCIES.name] = (
        [source, kind.get(k, k), target, note]
        for source, k, target, note in Dependency.objects.filter(source__programme=programme)
        .order_by("source__code", "kind", "target__code")
        .values_list("source__code", "kind", "target__code", "note")
        .iterator(CHUNK)
    )
    rows[RISKS.name] = (
        [*r[:8], risk_status.get(r[8], r[8])]
        for r in Risk.objects.filter(initiative__programme=programme)
        .order_by("initiative__code", "pk")
        .values_list(
            "pk",
            "initiative__code",
            "title",
            "description",
            "probability",
            "consequence",
            "owner",
            "mitigation",
            "status",
        )
        .iterator(CHUNK)
    )
    rows[STATUS_REPORTS.name] = (
        [r[0], r[1], *(colour.get(c, c) for c in r[2:8]), r[8], r[9]]
        for r in StatusReport.objects.filter(initiative__programme=programme)
        .order_by("initiative__code", "period")
        .values_list(
            "initiative__code",
            "period",
            "overall",
            "plan",
            "cost",
            "benefits",
            "stakeholders",
            "risk",
            "commentary",
            "reported_by__username",
        )
        .iterator(CHUNK)
    )
    return rows


def _cell_writers(ws: Worksheet, spec: SheetSpec) -> list[Callable[[int, int, Any], Any]]:
    """One typed XlsxWriter call per column, chosen once per sheet rather than per cell.

    Only free text can hold control characters; codes, labels and lists are ours or
    validated, so they skip the check.
    """
    write_string, search, strip = ws.write_string, CONTROL_CHARACTERS.search, CONTROL_CHARACTERS.sub

    def text(row: int, col: int, value: str) -> None:
        write_string(row, col, strip("", value) if search(value) else value)

    by_kind = {
        "text": text,
        "int": ws.write_number,
        "decimal": ws.write_number,
        "date": ws.write_datetime,
    }
    return [by_kind.get(column.kind, write_string) for column in spec.columns]


def export_register(programme: Programme) -> bytes:
    """The programme's register as .xlsx bytes; callers check the VIEW permission first."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True})
    rows = sheet_rows(programme)
    for spec in SHEETS:
        ws = workbook.add_worksheet(spec.name)
        ws.freeze_panes(1, 0)
        for index, column in enumerate(spec.columns):
            ws.set_column(index, index, column.width)
        ws.write_row(0, 0, spec.headers, bold)
        writers = list(enumerate(_cell_writers(ws, spec)))
        for row, values in enumerate(rows[spec.name], start=1):
            for (col, write), value in zip(writers, values, strict=True):
                # Blank cells are left out: the import reads a missing cell as empty.
                if value is not None and value != "":
                    write(row, col, value)
    workbook.close()
    return buffer.getvalue()


def export_filename(programme: Programme, today: dt.date | None = None) -> str:
    return f"{programme.slug}-portefolje-{(today or dt.date.today()).isoformat()}.xlsx"


def legend_rows(specs: Iterable[SheetSpec]) -> list[list[str]]:
    """One row per column of every sheet: what it holds and, for choices, the codes."""
    rows = []
    with translation.override("nb"):
        for spec in specs:
            for column in spec.columns:
                codes = ""
                if column.choices is not None:
                    codes = "; ".join(
                        f"{value} = {label}" for value, label in column.choices.choices
                    )
                rows.append([spec.name, column.header, getattr(column, "note", ""), codes])
    return rows


def write_legend(
    workbook: Workbook, specs: Iterable[SheetSpec], header_format: Any, widths: Iterable[int]
) -> None:
    """The legend sheet, so a workbook explains its own columns and codes (benefits,
    proposals)."""
    legend = workbook.add_worksheet(LEGEND)
    legend.freeze_panes(1, 0)
    for index, width in enumerate(widths):
        legend.set_column(index, index, width)
    legend.write_row(0, 0, LEGEND_HEADERS, header_format)
    for row, values in enumerate(legend_rows(specs), start=1):
        legend.write_row(row, 0, values)
