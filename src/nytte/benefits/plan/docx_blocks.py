"""Building blocks of the plan's Word document: set-up, paragraphs, tables, facts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from nytte.core.docx import add_table, language_tag

from .text import clean

# Year columns in an overview table; with more years the yearly split is in the summary.
MAX_YEAR_COLUMNS = 5
# ---------------------------------------------------------------------------------------------
# Document building blocks


def set_up(document: DocumentType, title: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    document.core_properties.title = title
    document.core_properties.language = language_tag()
    document.core_properties.author = "Nytte"
    # The language of the text, so spelling and screen readers pick the right one.
    style = document.styles["Normal"]
    run_properties = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language_tag())
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
    """A table with a repeating, bold header row (``core.docx.add_table``) and a blank
    paragraph after it, so the next table or heading does not touch it."""
    table = add_table(document, headers, rows, numeric=numeric, footer=footer)
    document.add_paragraph()
    return table


def add_facts(document: DocumentType, facts: Sequence[tuple[str, Any]]) -> None:
    """Label and value pairs as a two-column table, leaving out empty values."""
    rows = [(label, value) for label, value in facts if value not in (None, "", [])]
    if rows:
        plan_table(document, [_("Field"), _("Value")], rows)
