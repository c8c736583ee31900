"""Excel exports of the learning loop's tables: the portfolio status report (with the
change since the last one), the calibration table, and the lessons register."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _

from nytte.core.excel.export import WORKBOOK_OPTIONS, SafeWorkbook

from ..models import Lesson, StatusReport


def light_label(colour: str) -> str:
    return {"green": _("Green"), "yellow": _("Yellow"), "red": _("Red")}.get(colour, "–")


def _book(sheets: Iterable[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    buffer = BytesIO()
    workbook = SafeWorkbook(buffer, {**WORKBOOK_OPTIONS, "constant_memory": False})
    bold = workbook.add_format({"bold": True})
    for name, headers, rows in sheets:
        sheet = workbook.add_worksheet(name[:31])
        sheet.write_row(0, 0, headers, bold)
        sheet.freeze_panes(1, 0)
        for index, row in enumerate(rows, start=1):
            sheet.write_row(index, 0, ["" if v is None else v for v in row])
        sheet.set_column(0, len(headers) - 1, 16)
    workbook.close()
    return buffer.getvalue()


def status_report_xlsx(report: StatusReport) -> bytes:
    content = report.content
    rows = [
        [
            r["code"],
            r["title"],
            r["phase"],
            light_label(r["time"]),
            light_label(r["cost"]),
            light_label(r["benefits"]),
            r.get("cost_ratio"),
            r.get("benefit_ratio"),
        ]
        for r in content.get("initiatives", [])
    ]
    changes = content.get("changes", {})
    moved = [
        [c["code"], c["title"], str(k), light_label(v["before"]), light_label(v["after"])]
        for c in changes.get("changed", [])
        for k, v in c["lights"].items()
    ]
    moved += [[code, "", _("New in the report"), "", ""] for code in changes.get("added", [])]
    moved += [[code, "", _("Gone from the report"), "", ""] for code in changes.get("removed", [])]
    return _book(
        [
            (
                _("Status"),
                [
                    _("Code"),
                    _("Initiative"),
                    _("Phase"),
                    _("Time"),
                    _("Cost"),
                    _("Benefits"),
                    _("Cost ÷ decided"),
                    _("Realised ÷ forecast"),
                ],
                rows,
            ),
            (
                _("Change since last"),
                [_("Code"), _("Initiative"), _("Light"), _("Before"), _("Now")],
                moved,
            ),
        ]
    )


def calibration_xlsx(rows: list[dict[str, Any]]) -> bytes:
    return _book(
        [
            (
                _("Calibration"),
                [_("Grouped by"), _("Group"), _("Benefits"), _("Ratio"), _("Weighted ratio")],
                [
                    [r["dimension"], r["label"], r["count"], r["ratio"], r["weighted_ratio"]]
                    for r in rows
                ],
            )
        ]
    )


def lessons_xlsx(lessons: Iterable[Lesson]) -> bytes:
    return _book(
        [
            (
                _("Lessons"),
                [_("Title"), _("Lesson"), _("Tags"), _("Case"), _("Written")],
                [
                    [
                        lesson.title,
                        lesson.text,
                        lesson.tags,
                        str(lesson.case) if lesson.case else "",
                        lesson.created_at.date().isoformat(),
                    ]
                    for lesson in lessons
                ],
            )
        ]
    )
