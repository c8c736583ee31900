"""Export: a programme's benefits register as an .xlsx workbook in the shared format.

Like the portfolio export: XlsxWriter in ``constant_memory`` mode, cells written as data
(never formulas), each sheet read with one ``values_list`` query (one more for the benefits'
risks). Choices go out as codes with a drop-down list of the codes; every header has its
explanation as a comment, and the "Forklaring" sheet lists them all with the codes' meanings.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook

from nytte.core.actors import Actor
from nytte.core.excel.export import CHUNK, WORKBOOK_OPTIONS, cell_writers, write_legend, yes_no
from nytte.core.excel.format import SheetSpec
from nytte.core.models import Programme

from ..models import Benefit, BenefitAmount, Contribution, Indicator, Measurement, Target
from .format import (
    AMOUNTS,
    BENEFITS,
    INDICATORS,
    MEASUREMENTS,
    PROGRAMME,
    SHARES,
    SHEETS,
    TARGETS,
)

MAX_ROW = 1_048_575  # the last row of a worksheet, for drop-down lists on whole columns


def _joined(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values)


def sheet_rows(programme: Programme, user: Actor) -> dict[str, Iterable[Iterable[Any]]]:
    """Each sheet's data rows that ``user`` may see (the queryset gate), read with a fixed
    number of queries."""
    risks: dict[int, list[int]] = defaultdict(list)
    for benefit_id, risk_id in (
        Benefit.risks.through.objects.filter(
            benefit__in=Benefit.objects.for_user(user).in_programme(programme)
        )
        .order_by("risk_id")
        .values_list("benefit_id", "risk_id")
    ):
        risks[benefit_id].append(risk_id)
    benefits = (
        [
            *r[1:4],
            r[4],
            yes_no(r[5]),
            *r[6:17],
            _joined(risks.get(r[0], ())),
            *r[17:],
        ]
        for r in Benefit.objects.for_user(user)
        .in_programme(programme)
        .order_by("code")
        .values_list(
            "pk",
            "code",
            "title",
            "description",
            "kind",
            "priced",
            "impact_goal__code",
            "arises_in_organisation__orgnr",
            "arises_in_group",
            "owner_organisation__orgnr",
            "owner_organisation__name",
            "owner__username",
            "budget_cut_share",
            "plus_minus",
            "plus_minus_reasoning",
            "preconditions",
            "status",
            "confirmed_by__username",
            "confirmed_on",
            "total_low",
            "total_likely",
            "total_high",
        )
        .iterator(CHUNK)
    )
    in_programme = {"benefit__programme": programme}
    indicator_key = ("indicator__benefit__code", "indicator__name")
    return {
        PROGRAMME.name: [[programme.slug, programme.name]],
        BENEFITS.name: benefits,
        SHARES.name: (
            list(r)
            for r in Contribution.objects.for_user(user)
            .filter(**in_programme)
            .order_by("benefit__code", "initiative__code")
            .values_list("benefit__code", "initiative__code", "initiative__title", "share")
            .iterator(CHUNK)
        ),
        AMOUNTS.name: (
            list(r)
            for r in BenefitAmount.objects.for_user(user)
            .filter(**in_programme)
            .order_by("benefit__code", "year")
            .values_list("benefit__code", "year", "low", "likely", "high")
            .iterator(CHUNK)
        ),
        INDICATORS.name: (
            list(r)
            for r in Indicator.objects.for_user(user)
            .filter(**in_programme)
            .order_by("benefit__code", "name")
            .values_list(
                "benefit__code",
                "name",
                "unit",
                "method",
                "data_source",
                "measuring_cost",
                "direction",
                "frequency",
                "baseline_value",
                "baseline_date",
            )
            .iterator(CHUNK)
        ),
        TARGETS.name: (
            list(r)
            for r in Target.objects.for_user(user)
            .in_programme(programme)
            .order_by(*indicator_key, "date")
            .values_list(*indicator_key, "date", "value")
            .iterator(CHUNK)
        ),
        MEASUREMENTS.name: (
            list(r)
            for r in Measurement.objects.for_user(user)
            .in_programme(programme)
            .order_by(*indicator_key, "date")
            .values_list(*indicator_key, "date", "value", "source", "comment")
            .iterator(CHUNK)
        ),
    }


def _write_sheet(
    workbook: Workbook, spec: SheetSpec, rows: Iterable[Iterable[Any]], header_format: Any
) -> None:
    ws = workbook.add_worksheet(spec.name)
    ws.freeze_panes(1, 0)
    for index, column in enumerate(spec.columns):
        ws.set_column(index, index, column.width)
        note = getattr(column, "note", "")
        if note:
            ws.write_comment(0, index, note, {"x_scale": 2})
        if column.choices is not None:
            ws.data_validation(
                1,
                index,
                MAX_ROW,
                index,
                {
                    "validate": "list",
                    "source": list(column.choices.values),
                    "error_type": "warning",
                    "error_title": column.header,
                    "error_message": "Bruk en av kodene: " + ", ".join(column.choices.values),
                },
            )
    ws.write_row(0, 0, spec.headers, header_format)
    writers = list(enumerate(cell_writers(ws, spec)))
    for row, values in enumerate(rows, start=1):
        for (col, write), value in zip(writers, values, strict=True):
            # Blank cells are left out: the import reads a missing cell as empty.
            if value is not None and value != "":
                write(row, col, value)


def export_benefits(programme: Programme, *, user: Actor) -> bytes:
    """The programme's benefits register as .xlsx bytes, as far as ``user`` may see it."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True})
    rows = sheet_rows(programme, user)
    for spec in SHEETS:
        _write_sheet(workbook, spec, rows[spec.name], bold)
    write_legend(workbook, SHEETS, bold, widths=(16, 26, 60, 80))
    workbook.close()
    return buffer.getvalue()


def measurements_template(programme: Programme, benefits: Iterable[Benefit]) -> bytes:
    """An empty measurements sheet to fill in, with the indicators of ``benefits`` listed on
    a second sheet (which the import passes over) so codes and names can be copied."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True})
    _write_sheet(workbook, MEASUREMENTS, [], bold)
    reference = workbook.add_worksheet(INDICATORS.name)
    reference.freeze_panes(1, 0)
    headers = ("Gevinst (kode)", "Indikator", "Enhet", "Måles", "Siste måling")
    for index, width in enumerate((12, 30, 16, 12, 12)):
        reference.set_column(index, index, width)
    reference.write_row(0, 0, headers, bold)
    latest = {
        indicator_id: date
        for indicator_id, date in Measurement.objects.filter(indicator__benefit__in=list(benefits))
        .order_by("indicator_id", "date")
        .values_list("indicator_id", "date")
    }
    for row, (pk, code, name, unit, frequency) in enumerate(
        Indicator.objects.filter(benefit__in=list(benefits))
        .order_by("benefit__code", "name")
        .values_list("pk", "benefit__code", "name", "unit", "frequency"),
        start=1,
    ):
        reference.write_row(row, 0, [code, name, unit, frequency])
        if pk in latest:
            reference.write_datetime(row, 4, latest[pk])
    workbook.close()
    return buffer.getvalue()


def export_filename(programme: Programme, today: dt.date | None = None) -> str:
    return f"{programme.slug}-gevinster-{(today or dt.date.today()).isoformat()}.xlsx"


def template_filename(programme: Programme) -> str:
    return f"{programme.slug}-malinger.xlsx"
