"""The plan workbook's sheets and cell formats (XlsxWriter): text is never read as a formula
or a link, amounts are numbers and dates are dates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .text import clean

WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_date_format": "yyyy-mm-dd",
}
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class Sheets:
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
