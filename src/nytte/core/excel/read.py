"""Reading an uploaded workbook: each sheet's rows, parsed cell by cell, the same way for
every register import (portfolio, benefits, measurements, proposals).

Only the file's shape and each cell's type are checked here; whether the values fit the
register is for each app's ``validate``. openpyxl's read-only mode streams the sheets.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.db import models
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from .format import Column, SheetSpec, choice_lookup, labels
from .result import RowError


class CellError(ValueError):
    """A cell whose value does not fit its column; the message is for the user."""


OMIT = object()  # a blank optional cell whose field keeps its default (or stored) value
TRUE_WORDS = {"ja", "j", "yes", "y", "true", "sann", "1", "x"}
FALSE_WORDS = {"nei", "n", "no", "false", "usann", "0"}
LIST_SPLIT = re.compile(r"[,;\n]+")


def is_blank(value: Any) -> bool:
    """Whether a cell is empty (None or only whitespace): how every import skips blank rows."""
    return value is None or (isinstance(value, str) and not value.strip())


def _as_key(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(_("Expected a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        compact = value.replace(" ", "").replace("\u00a0", "")
        if re.fullmatch(r"-?\d+", compact):
            return int(compact)
        raise CellError(_("Expected a whole number, not the text “%(text)s”.") % {"text": value})
    raise CellError(_("Expected a whole number."))


def _as_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("Expected a number."))
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip().replace(" ", "").replace(",", "."))
        except InvalidOperation:
            pass
        raise CellError(_("Expected a number, not the text “%(text)s”.") % {"text": value})
    raise CellError(_("Expected a number."))


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    raise CellError(_("Expected a date (YYYY-MM-DD or DD.MM.YYYY)."))


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = _as_key(value).casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("Expected Ja or Nei."))


def _as_choice(value: Any, choices: type[models.TextChoices]) -> str:
    code = choice_lookup(choices).get(_as_key(value).casefold())
    if code is None:
        allowed = ", ".join(labels(choices).values())
        raise CellError(
            _("Unknown value “%(value)s”; use one of: %(allowed)s.")
            % {"value": value, "allowed": allowed}
        )
    return code


def parse_cell(column: Column, value: Any) -> Any:
    """A cell's value as its column's kind, or ``OMIT`` for a blank optional cell that keeps
    its default; raises ``CellError`` with the reason for the user. Shared by every import."""
    if is_blank(value):
        if column.required:
            raise CellError(_("This cell must be filled in."))
        if column.kind == "text":
            return ""
        if column.kind == "list":
            return []
        if column.kind in ("decimal", "choice", "bool"):
            return OMIT
        return None
    if column.kind == "text":
        return value if isinstance(value, str) else _as_key(value)
    if column.kind == "key":
        return _as_key(value)
    if column.kind == "int":
        return _as_int(value)
    if column.kind == "decimal":
        return _as_decimal(value)
    if column.kind == "date":
        return _as_date(value)
    if column.kind == "bool":
        return _as_bool(value)
    if column.kind == "choice":
        assert column.choices is not None
        return _as_choice(value, column.choices)
    return [part.strip() for part in LIST_SPLIT.split(_as_key(value)) if part.strip()]


@dataclass
class Row:
    """One data row of a sheet: its number in the file and its parsed values by field."""

    number: int
    values: dict[str, Any]
    failed: bool = False  # a cell could not be read; its error is reported already


def read_bytes(file: bytes | IO[bytes] | str | Path) -> bytes:
    """The upload's bytes, whether given as bytes, a path or an open file."""
    if isinstance(file, bytes):
        return file
    if isinstance(file, str | Path):
        return Path(file).read_bytes()
    return file.read()


def open_workbook(data: bytes, errors: list[RowError], not_excel: str) -> Workbook | None:
    """The uploaded workbook, read-only; None, with the reason in ``errors``, for an empty
    file or one that is not an .xlsx (``not_excel`` says what to do instead). Every Excel
    import opens its file this way."""
    if not data:
        errors.append(RowError("", None, "", _("The file is empty.")))
        return None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        errors.append(RowError("", None, "", not_excel))
        return None
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        errors.append(RowError("", None, "", not_excel))
        return None


def read_sheets(
    data: bytes,
    errors: list[RowError],
    specs: tuple[SheetSpec, ...],
    *,
    ignored: frozenset[str] = frozenset(),
    only: SheetSpec | None = None,
) -> dict[str, list[Row]]:
    """Rows of every sheet of ``specs``, parsed cell by cell; problems go to ``errors``.

    Every register import (portfolio, benefits, measurements) reads a workbook this way.

    ``ignored`` names sheets passed over (the legend). With ``only``, the workbook is read
    for that one sheet: the sheet of that name, or else the workbook's first sheet, and other
    sheets are passed over (a reference list next to a measurements sheet is fine).
    """
    not_excel = _("This is not an Excel workbook (.xlsx). Export one from Nytte to start.")
    workbook = open_workbook(data, errors, not_excel)
    if workbook is None:
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
            if header is None or all(is_blank(v) for v in header):
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
    spec: SheetSpec, rows: Any, positions: list[tuple[Column, int]], errors: list[RowError]
) -> list[Row]:
    parsed: list[Row] = []
    for number, values in enumerate(rows, start=2):
        if all(is_blank(v) for v in values):
            continue
        row = Row(number, {})
        for column, index in positions:
            raw = values[index] if index < len(values) else None
            try:
                row.values[column.field] = parse_cell(column, raw)
            except CellError as exc:
                errors.append(RowError(spec.name, number, column.header, str(exc)))
                row.values[column.field] = OMIT
                row.failed = True
        parsed.append(row)
    return parsed


def _header_positions(
    spec: SheetSpec, header: tuple[Any, ...], errors: list[RowError]
) -> list[tuple[Column, int]] | None:
    """Where each importable column is; None (with errors) if the headers are not the export's."""
    by_name = {c.header.casefold(): c for c in spec.columns}
    seen: dict[str, int] = {}
    ok = True
    for index, value in enumerate(header):
        if is_blank(value):
            continue
        name = str(value).strip()
        letter = get_column_letter(index + 1)
        if name.casefold() not in by_name:
            errors.append(
                RowError(
                    spec.name,
                    1,
                    name,
                    _("Unknown column in %(cell)s. The columns are: %(names)s.")
                    % {"cell": f"{letter}1", "names": ", ".join(spec.headers)},
                )
            )
            ok = False
        elif name.casefold() in seen:
            errors.append(RowError(spec.name, 1, name, _("This column appears twice.")))
            ok = False
        else:
            seen[name.casefold()] = index
    for column in spec.columns:
        if column.header.casefold() not in seen:
            errors.append(RowError(spec.name, 1, column.header, _("This column is missing.")))
            ok = False
    if not ok:
        return None
    return [(c, seen[c.header.casefold()]) for c in spec.columns if c.field]
