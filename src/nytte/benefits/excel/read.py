"""Reading an uploaded benefits workbook: each sheet's rows, parsed cell by cell.

The cell rules (numbers, dates, Ja/Nei, codes or labels, lists) and the header check are the
portfolio import's, so both registers read a spreadsheet the same way; only the sheets differ.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from nytte.portfolio.excel.format import SheetSpec
from nytte.portfolio.excel.read import (
    OMIT,
    CellError,
    Row,
    _blank,
    _header_positions,
    _parse,
    read_bytes,
)
from nytte.portfolio.excel.result import RowError

__all__ = ["OMIT", "Row", "read_bytes", "read_sheets"]


def read_sheets(
    data: bytes,
    errors: list[RowError],
    specs: tuple[SheetSpec, ...],
    *,
    ignored: frozenset[str] = frozenset(),
    only: SheetSpec | None = None,
) -> dict[str, list[Row]]:
    """Rows of every known sheet, parsed cell by cell; problems go to ``errors``.

    ``ignored`` names sheets passed over (the legend). With ``only``, the workbook is read
    for that one sheet: the sheet of that name, or else the workbook's first sheet, and other
    sheets are passed over (a reference list next to a measurements sheet is fine).
    """
    if not data:
        errors.append(RowError("", None, "", _("The file is empty.")))
        return {}
    not_excel = _("This is not an Excel workbook (.xlsx). Export one from Nytte to start.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        errors.append(RowError("", None, "", not_excel))
        return {}
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        errors.append(RowError("", None, "", not_excel))
        return {}
    by_name = {spec.name.casefold(): spec for spec in specs}
    ignored_names = {name.casefold() for name in ignored}
    sheets: dict[str, list[Row]] = {}
    found_content = False
    try:
        worksheets = list(workbook.worksheets)
        if only is not None:
            named = [ws for ws in worksheets if ws.title.strip().casefold() == only.name.casefold()]
            worksheets = named or worksheets[:1]
        for ws in worksheets:
            title = ws.title.strip().casefold()
            if title in ignored_names:
                continue
            rows = ws.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None or all(_blank(v) for v in header):
                continue
            found_content = True
            spec = only if only is not None else by_name.get(title)
            if spec is None:
                errors.append(
                    RowError(
                        ws.title,
                        None,
                        "",
                        _("Unknown sheet. The sheets are: %(names)s.")
                        % {"names": ", ".join(s.name for s in specs)},
                    )
                )
                continue
            positions = _header_positions(spec, header, errors)
            if positions is None:
                continue
            sheets[spec.name] = _rows(spec, rows, positions, errors)
    finally:
        workbook.close()
    if not found_content:
        errors.append(RowError("", None, "", _("The file is empty.")))
    return sheets


def _rows(
    spec: SheetSpec, rows: Any, positions: list[tuple[Any, int]], errors: list[RowError]
) -> list[Row]:
    parsed: list[Row] = []
    for number, values in enumerate(rows, start=2):
        if all(_blank(v) for v in values):
            continue
        row = Row(number, {})
        for column, index in positions:
            raw = values[index] if index < len(values) else None
            try:
                row.values[column.field] = _parse(column, raw)
            except CellError as exc:
                errors.append(RowError(spec.name, number, column.header, str(exc)))
                row.values[column.field] = OMIT
                row.failed = True
        parsed.append(row)
    return parsed
