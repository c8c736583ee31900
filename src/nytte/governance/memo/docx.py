"""The decision memo as an editable Word document (python-docx), for the case handler to
finish in the organisation's own template if need be.

Built-in styles only (Title, Heading 1–4, List Bullet, List Number, Caption), so Word's
navigation pane and screen readers can move through it; table header rows repeat on each
page; charts are PNG images with their text alternative as the picture's description.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt

from nytte.core.docx import add_table, clean, set_language

from .content import MemoContent
from .layout import Figure, Heading, Notice, Table, Text, layout
from .text import Block

TEXT_WIDTH = Cm(17)  # A4 less 2 cm margins


def render_docx(content: MemoContent) -> bytes:
    """``content`` as a .docx file, in the active language."""
    memo = layout(content)
    document = Document()
    _set_up(document, memo.title)
    kind = document.add_paragraph()
    run = kind.add_run(clean(memo.kind).upper())
    run.bold = True
    run.font.size = Pt(9)
    document.add_heading(clean(memo.title), level=0)
    if memo.facts:
        _facts(document, memo.facts)
    for element in memo.elements:
        if isinstance(element, Heading):
            document.add_heading(clean(element.text), level=element.level)
        elif isinstance(element, Text):
            _blocks(document, element.blocks)
        elif isinstance(element, Table):
            add_table(
                document,
                element.headers,
                element.rows,
                numeric=element.numeric,
                footer=element.footer,
            )
            document.add_paragraph()
        elif isinstance(element, Figure):
            _figure(document, element)
        elif isinstance(element, Notice):
            _notice(document, element)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_up(document: Any, title: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    document.core_properties.title = clean(title)
    document.core_properties.author = "Nytte"
    document.styles["Normal"].font.size = Pt(10.5)
    set_language(document)


def _facts(document: Any, facts: tuple[tuple[str, str], ...]) -> None:
    """The case facts as a two-column table without a header row."""
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(clean(label)).bold = True
        cells[1].paragraphs[0].add_run(clean(value))
    document.add_paragraph()


def _blocks(document: Any, blocks: tuple[Block, ...]) -> None:
    for block in blocks:
        if block.kind == "heading":
            paragraph = document.add_heading(level=4)
            _runs(paragraph, block.lines[0])
        elif block.kind in ("bullet", "number"):
            style = "List Bullet" if block.kind == "bullet" else "List Number"
            for line in block.lines:
                _runs(document.add_paragraph(style=style), line)
        else:
            _runs(document.add_paragraph(), block.lines[0])


def _runs(paragraph: Any, line: Any) -> None:
    for span in line:
        run = paragraph.add_run(clean(span.text))
        run.bold = span.strong or None
        run.italic = span.emph or None


def _figure(document: Any, figure: Figure) -> None:
    width = min(Pt(figure.width), TEXT_WIDTH)
    document.add_picture(io.BytesIO(figure.png), width=width)
    picture = document.inline_shapes[-1]
    properties = picture._inline.docPr
    properties.set("descr", clean(figure.description or figure.caption))
    properties.set("title", clean(figure.caption))
    document.add_paragraph(clean(figure.caption), style="Caption")
    if figure.description:
        document.add_paragraph(clean(figure.description))


def _notice(document: Any, notice: Notice) -> None:
    document.add_heading(clean(notice.title), level=1)
    for line in notice.lines:
        document.add_paragraph(clean(line), style="List Bullet")
