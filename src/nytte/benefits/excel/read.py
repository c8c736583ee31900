"""Reading an uploaded benefits workbook: each sheet's rows, parsed cell by cell.

The cell rules (numbers, dates, Ja/Nei, codes or labels, lists) and the header check are the
portfolio import's, so both registers read a spreadsheet the same way; only the sheets differ.
"""

from __future__ import annotations

from nytte.portfolio.excel.read import OMIT, Row, read_bytes, read_sheets

__all__ = ["OMIT", "Row", "read_bytes", "read_sheets"]
