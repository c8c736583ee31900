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
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from .format import Column, SheetSpec, choice_lookup, labels
from .result import RowError


class CellError(ValueError):
    """A cell whose value does not fit its column; the message is for the user."""


class WorkbookRefused(Exception):
    """A workbook too large or malformed to read; the message is for the user."""


# What reading a hostile or broken workbook can raise (from zipfile, zlib, openpyxl, the
# XML parsers and defusedxml); each becomes a ``WorkbookRefused``, never a server error.
READ_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    ValueError,  # includes defusedxml's DefusedXmlException (entities, DTDs)
    SyntaxError,  # includes ElementTree's ParseError and lxml's XMLSyntaxError
    OSError,
    EOFError,
    TypeError,
    AttributeError,
    IndexError,
)
MALFORMED = gettext_noop("The file is damaged or not a valid Excel workbook (.xlsx): %(reason)s.")


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


def check_archive(data: bytes) -> None:
    """Refuse, before anything is decompressed, a workbook whose zip archive would unpack
    to more than the limits allow (a zip bomb): the total and each member's uncompressed
    size, as the archive's central directory declares them, and each large member's
    compression ratio. The declared sizes are enforced again while reading (zipfile stops
    at a member's declared size and checks its CRC)."""
    max_total = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    max_member = settings.IMPORT_MAX_MEMBER_BYTES
    max_ratio = settings.IMPORT_MAX_COMPRESSION_RATIO
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > settings.IMPORT_MAX_MEMBERS:
            raise WorkbookRefused(
                _("The file holds too many parts (%(count)s) to be a register workbook.")
                % {"count": len(members)}
            )
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if (
                member.file_size > max_member
                or total > max_total
                or (member.file_size > 1024 * 1024 and ratio > max_ratio)
            ):
                raise WorkbookRefused(
                    _(
                        "The file unpacks to too much data to import (at most %(mb)s MB, "
                        "and at most %(ratio)s times its packed size). Split the workbook "
                        "or remove what is not needed."
                    )
                    % {"mb": max_total // (1024 * 1024), "ratio": max_ratio}
                )
        for member in members:
            # Office Open XML never declares a DTD; one is an entity attack (billion laughs,
            # external entities) whichever part holds it. The declaration comes first.
            if member.filename.endswith((".xml", ".rels")):
                with archive.open(member) as part:
                    head = part.read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise WorkbookRefused(malformed(ValueError("DTDs and entities are refused")))


def open_workbook(data: bytes, errors: list[RowError], not_excel: str) -> Workbook | None:
    """The uploaded workbook, read-only; None, with the reason in ``errors``, for an empty
    file, one that is not an .xlsx (``not_excel`` says what to do instead), one that would
    unpack to more than the limits allow (a zip bomb) or one whose XML cannot be read
    (openpyxl parses through defusedxml: entity tricks are refused). Every Excel import
    opens its file this way, and reads its sheets' rows through ``bounded_rows``."""
    if not data:
        errors.append(RowError("", None, "", _("The file is empty.")))
        return None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        errors.append(RowError("", None, "", not_excel))
        return None
    try:
        check_archive(data)
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except WorkbookRefused as exc:
        errors.append(RowError("", None, "", str(exc)))
        return None
    except InvalidFileException:
        errors.append(RowError("", None, "", not_excel))
        return None
    except READ_ERRORS as exc:
        errors.append(RowError("", None, "", malformed(exc)))
        return None


def malformed(exc: BaseException) -> str:
    """What the user is told about a workbook that could not be parsed: a short reason (the
    error's class and the first line of its message), never a traceback."""
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    reason = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return _(MALFORMED) % {"reason": reason}


def bounded_rows(ws: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of a read-only sheet as values, within the row and cell limits of an
    import; raises ``WorkbookRefused`` (with the reason for the user) past them, or when the
    sheet's XML is broken or hostile. Each import reads every sheet through this."""
    max_rows = settings.IMPORT_MAX_ROWS
    max_cells = settings.IMPORT_MAX_CELLS
    too_many = _(
        "The sheet “%(sheet)s” is too large to import: at most %(rows)s rows and %(cells)s "
        "cells. Split it into several files."
    ) % {"sheet": ws.title, "rows": max_rows, "cells": max_cells}
    try:
        declared_rows, declared_columns = ws.max_row, ws.max_column
    except READ_ERRORS:
        declared_rows = declared_columns = None
    if (
        declared_rows
        and declared_columns
        and (declared_rows > max_rows + 1 or declared_rows * declared_columns > max_cells)
    ):
        raise WorkbookRefused(too_many)
    count = cells = 0
    iterator = ws.iter_rows(values_only=True)
    while True:
        try:
            values = next(iterator)
        except StopIteration:
            return
        except READ_ERRORS as exc:
            raise WorkbookRefused(malformed(exc)) from exc
        count += 1
        cells += len(values)
        if count > max_rows + 1 or cells > max_cells:  # + 1: the header row
            raise WorkbookRefused(too_many)
        yield values


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
            rows = bounded_rows(ws)
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
    except WorkbookRefused as exc:
        errors.append(RowError("", None, "", str(exc)))
        return {}
    except READ_ERRORS as exc:  # opening a sheet (workbook.worksheets) parses its parts
        errors.append(RowError("", None, "", malformed(exc)))
        return {}
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
    """Where each importable column is; None (with errors) if the headers are not the export's
    (an ``optional`` column may be absent)."""
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
        if column.header.casefold() not in seen and not column.optional:
            errors.append(RowError(spec.name, 1, column.header, _("This column is missing.")))
            ok = False
    if not ok:
        return None
    # An optional column the file lacks gives its rows no value: the field is left as it is.
    return [
        (c, seen[c.header.casefold()])
        for c in spec.columns
        if c.field and c.header.casefold() in seen
    ]
