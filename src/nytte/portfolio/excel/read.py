"""Reading an uploaded register workbook: each sheet's rows, parsed cell by cell by the
shared reader (``nytte.core.excel.read``); whether the values fit is for ``validate``."""

from __future__ import annotations

from nytte.core.excel.read import Row, read_sheets
from nytte.core.excel.result import RowError

from .format import SHEETS


def read_workbook(data: bytes, errors: list[RowError]) -> dict[str, list[Row]]:
    """Rows of every register sheet, parsed cell by cell; problems go to ``errors``."""
    return read_sheets(data, errors, SHEETS)
