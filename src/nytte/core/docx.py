"""What every Word document Nytte writes shares (python-docx): text cleaned of characters XML
cannot hold, tables whose header row repeats on each page, and the document's language.

The benefits realisation plan, the co-funding appendices and the decision memo all build
their tables here, so they look the same and a fix reaches all three.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from django.utils import translation
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.shared import Emu, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

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
    if isinstance(document, Appending):
        return document.add_grid_table(headers, rows, right=right, footer=footer)
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


class Appending:
    """A document that adds paragraphs, headings and (through ``add_table``) tables at its
    end in constant time.

    python-docx puts each new block before the body's closing section properties, which it
    finds by scanning every block already there, and sizes each new table by the last
    section, found by another scan: a document of thousands of tables (a programme's
    realisation plan at national size) takes hours. This keeps the section properties, the
    table width and the styles' ids at hand and puts each block before them at once; the
    rest of the document (sections, saving) is the document's own. The section must be
    set up before the first table."""

    def __init__(self, document: DocumentType) -> None:
        self._document = document
        self._body = document._body
        self._end = document.element.body.sectPr
        self._styles: dict[str, str] = {}  # name → id: a lookup by name reads every style
        self._width: Any = None  # a table's width: the last section's, found by a scan

    def _style_id(self, name: str) -> str:
        if name not in self._styles:
            self._styles[name] = self._document.styles[name].style_id
        return self._styles[name]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._document, name)

    def _add(self, element: Any) -> None:
        if self._end is None:
            self._body._element.append(element)
        else:
            self._end.addprevious(element)

    def add_paragraph(self, text: str = "", style: Any = None) -> Paragraph:
        paragraph = Paragraph(OxmlElement("w:p"), self._body)
        self._add(paragraph._p)
        if text:
            paragraph.add_run(text)
        if style is not None:
            paragraph._p.style = self._style_id(style)
        return paragraph

    def add_heading(self, text: str = "", level: int = 1) -> Paragraph:
        if not 0 <= level <= 9:
            raise ValueError(f"level must be in range 0-9, got {level}")
        return self.add_paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def _block_width(self) -> Any:
        if self._width is None:
            self._width = self._document._block_width
        return self._width

    def add_grid_table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        right: set[int],
        footer: Sequence[Any] | None = None,
    ) -> Table:
        """``add_table``'s table, written as XML and parsed once: cell by cell through
        python-docx, a table of thousands of rows costs minutes."""
        width = Emu(self._block_width() // len(headers)).twips
        cell_start = f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr><w:p>'

        def row_xml(values: Sequence[Any], *, bold: bool = False, header: bool = False) -> str:
            cells = []
            for index, value in enumerate(values):
                align = '<w:pPr><w:jc w:val="right"/></w:pPr>' if index in right else ""
                cells.append(f"{cell_start}{align}{_run_xml(clean(value), bold=bold)}</w:p></w:tc>")
            properties = '<w:trPr><w:tblHeader w:val="true"/></w:trPr>' if header else ""
            return f"<w:tr>{properties}{''.join(cells)}</w:tr>"

        grid = f'<w:gridCol w:w="{width}"/>' * len(headers)
        body = [row_xml(headers, bold=True, header=True)]
        body.extend(row_xml(values) for values in rows)
        if footer is not None:
            body.append(row_xml(footer, bold=True))
        xml = (
            f"<w:tbl {nsdecls('w')}><w:tblPr>"
            f'<w:tblStyle w:val="{self._style_id("Table Grid")}"/>'
            '<w:tblW w:type="auto" w:w="0"/>'
            '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
            'w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(body)}</w:tbl>"
        )
        table = Table(parse_xml(xml), self._body)
        self._add(table._tbl)
        return table


def _run_xml(text: str, *, bold: bool) -> str:
    """A run of ``text`` in the table font as python-docx writes it: tabs and line breaks
    as their own elements."""
    weight = "<w:b/>" if bold else '<w:b w:val="0"/>'
    properties = f'<w:rPr>{weight}<w:sz w:val="{TABLE_FONT.pt * 2:.0f}"/></w:rPr>'
    parts = []
    for number, line in enumerate(text.split("\n")):
        if number:
            parts.append("<w:br/>")
        for position, piece in enumerate(line.split("\t")):
            if position:
                parts.append("<w:tab/>")
            if piece:
                space = ' xml:space="preserve"' if piece != piece.strip() else ""
                parts.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return f"<w:r>{properties}{''.join(parts)}</w:r>"
