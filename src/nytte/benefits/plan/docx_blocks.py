"""Building blocks of the plan's Word document: set-up, paragraphs, tables, facts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from .text import clean

TABLE_FONT = Pt(9)
# Year columns in an overview table; with more years the yearly split is in the summary.
MAX_YEAR_COLUMNS = 5
# ---------------------------------------------------------------------------------------------
# Document building blocks


def _language_tag() -> str:
    return {"nb": "nb-NO", "en": "en-GB"}.get(translation.get_language() or "nb", "nb-NO")


def set_up(document: DocumentType, title: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    document.core_properties.title = title
    document.core_properties.language = _language_tag()
    document.core_properties.author = "Nytte"
    # The language of the text, so spelling and screen readers pick the right one.
    style = document.styles["Normal"]
    run_properties = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), _language_tag())
    run_properties.append(lang)
    style.font.size = Pt(10.5)


def add_paragraphs(document: DocumentType, text: str, *, empty: str = "") -> None:
    """Text typed in the register, paragraph by paragraph (blank lines separate them)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", clean(text)) if b.strip()]
    if not blocks and empty:
        document.add_paragraph(empty)
    for block in blocks:
        document.add_paragraph(block)


def plan_table(
    document: DocumentType,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    numeric: Iterable[int] = (),
    footer: Sequence[Any] | None = None,
) -> Table:
    """A table with a repeating, bold header row; ``numeric`` columns align right."""
    right = set(numeric)
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    header = table.rows[0]
    header_properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_properties.append(repeat)
    for index, text in enumerate(headers):
        _cell(header.cells[index], text, bold=True, right=index in right)
    for values in rows:
        cells = table.add_row().cells
        for index, value in enumerate(values):
            _cell(cells[index], value, right=index in right)
    if footer is not None:
        cells = table.add_row().cells
        for index, value in enumerate(footer):
            _cell(cells[index], value, bold=True, right=index in right)
    document.add_paragraph()
    return table


def _cell(cell: Any, value: Any, *, bold: bool = False, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(clean(value))
    run.bold = bold
    run.font.size = TABLE_FONT
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def add_facts(document: DocumentType, facts: Sequence[tuple[str, Any]]) -> None:
    """Label and value pairs as a two-column table, leaving out empty values."""
    rows = [(label, value) for label, value in facts if value not in (None, "", [])]
    if rows:
        plan_table(document, [_("Field"), _("Value")], rows)
