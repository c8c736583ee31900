"""What every Word document Nytte writes shares (python-docx): text cleaned of characters XML
cannot hold, tables whose header row repeats on each page, and the document's language.

The benefits realisation plan, the co-funding appendices and the decision memo all build
their tables here, so they look the same and a fix reaches all three.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import translation
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Characters XML cannot hold; text typed into the registers may carry them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TABLE_FONT = Pt(9)


def clean(text: Any) -> str:
    """``text`` as a string XML can hold (``None`` is empty)."""
    return CONTROL_CHARACTERS.sub("", "" if text is None else str(text))


def language_tag() -> str:
    """The active language as a document language tag (bokmål is ``nb-NO``)."""
    return {"nb": "nb-NO", "en": "en-GB"}.get(translation.get_language() or "nb", "nb-NO")


def set_language(document: DocumentType, tag: str | None = None) -> None:
    """Mark the document and its default text with ``tag`` (the active language if none), so
    spelling and screen readers pick the right language."""
    tag = tag or language_tag()
    document.core_properties.language = tag
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = None if defaults is None else defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is None:
        rpr = document.styles["Normal"].element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)


def repeat_header(row: Any) -> None:
    """Word repeats this row at the top of each page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def add_table(
    document: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    numeric: Iterable[int] = (),
    footer: Sequence[Any] | None = None,
) -> Table:
    """A grid table with a bold, repeating header row and an optional bold footer (totals);
    ``numeric`` columns align right. ``document`` may be a document or a table cell."""
    right = set(numeric)
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    repeat_header(table.rows[0])
    for index, text in enumerate(headers):
        set_cell(table.rows[0].cells[index], text, bold=True, right=index in right)
    for values in rows:
        cells = table.add_row().cells
        for index, value in enumerate(values):
            set_cell(cells[index], value, right=index in right)
    if footer is not None:
        cells = table.add_row().cells
        for index, value in enumerate(footer):
            set_cell(cells[index], value, bold=True, right=index in right)
    return table


def set_cell(cell: Any, value: Any, *, bold: bool = False, right: bool = False) -> None:
    """Write ``value`` into an empty cell in the table font."""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(clean(value))
    run.bold = bold
    run.font.size = TABLE_FONT
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
