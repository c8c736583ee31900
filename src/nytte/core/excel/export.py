"""What every register export shares: XlsxWriter's options, typed cell writers and the
legend sheet, so that each app's export writes cells the same (safe) way.

XlsxWriter in ``constant_memory`` mode writes each row out as soon as the next one starts,
and the queries stream too (``CHUNK`` rows per fetch), so memory stays flat. Almost all the
time is XlsxWriter's, a few microseconds per cell, which is why each column's writer is
chosen once per sheet.

Known limit: text that itself looks like an Excel escape (``_x0041_``) comes back from our
importers with the escape doubled, because openpyxl does not decode inline strings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import xlsxwriter
from django.utils import translation
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .format import LEGEND, LEGEND_HEADERS, SheetSpec

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


# Text that a spreadsheet would take as a formula once the cell is edited (OWASP, CSV/formula
# injection): written with the cell's quote prefix, Excel's own "leading apostrophe", so it
# stays text when edited while its value (and so an import of the export) is unchanged.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run: text that begins like a formula gets a
    leading apostrophe (OWASP's advice for CSV, which has no quote-prefix format)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeWorksheet(Worksheet):
    """A worksheet whose every string cell that begins like a formula gets the quote prefix:
    all of Nytte's XlsxWriter exports write through this (see ``SafeWorkbook``)."""

    quoted: Callable[[Format | None], Format]

    def _write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> int:
        if string.startswith(FORMULA_START):
            cell_format = self.quoted(cell_format)
        return super()._write_string(row, col, string, cell_format)


class SafeWorkbook(xlsxwriter.Workbook):
    """XlsxWriter's workbook, with ``SafeWorksheet`` sheets: every export uses this."""

    worksheet_class = SafeWorksheet

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._quoted: dict[int, Format] = {}

    def add_worksheet(self, name: str | None = None, worksheet_class: Any = None) -> Any:
        sheet = super().add_worksheet(name, worksheet_class)
        sheet.quoted = self.quoted
        return sheet

    def quoted(self, cell_format: Format | None) -> Format:
        """``cell_format`` (or none) with the quote prefix, made once per format."""
        key = id(cell_format)
        if key not in self._quoted:
            quoted = self.add_format()
            if cell_format is not None:
                index_free = {
                    k: v for k, v in vars(cell_format).items() if k not in ("xf_index", "dxf_index")
                }
                vars(quoted).update(index_free)
            quoted.set_quote_prefix()
            self._quoted[key] = quoted
        return self._quoted[key]


def yes_no(value: bool) -> str:
    """A boolean as the exports write it (and the imports read it back): Ja or Nei."""
    return "Ja" if value else "Nei"


def cell_writers(ws: Worksheet, spec: SheetSpec) -> list[Callable[[int, int, Any], Any]]:
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
