"""Word tables appended in constant time (``core.docx.Appending``) are the same XML as
python-docx writes cell by cell, and a long document keeps its blocks in order before the
closing section properties."""

from __future__ import annotations

import io
import re

from docx import Document
from lxml import etree

from nytte.core.docx import Appending, add_table

ROWS = [
    ("a & <b>", 1, "x\ty\nz"),
    ("", None, " with spaces "),
    ("Skatteetaten", 1_000_000, "ø\x07"),  # a control character XML cannot hold
]


def _xml(table) -> bytes:
    canonical = etree.tostring(etree.fromstring(etree.tostring(table._tbl)), method="c14n")
    return re.sub(rb">\s+<", b"><", canonical)


def test_an_appended_table_is_what_python_docx_writes_cell_by_cell():
    headers, footer = ["Navn", "Beløp", "Tekst"], ["Sum", 1_000_001, ""]
    slow = add_table(Document(), headers, ROWS, numeric=[1], footer=footer)
    fast = add_table(Appending(Document()), headers, ROWS, numeric=[1], footer=footer)
    assert _xml(fast) == _xml(slow)
    assert [c.text for c in fast.rows[3].cells] == ["Skatteetaten", "1000000", "ø"]
    assert fast.rows[1].cells[2].text == "x\ty\nz"


def test_an_appending_document_keeps_its_blocks_in_order_and_saves():
    document = Appending(Document())
    document.add_heading("Planen", level=0)
    for n in range(3):
        document.add_heading(f"Del {n}", level=1)
        document.add_paragraph(f"Tekst {n}", style="List Bullet")
        add_table(document, ["A"], [(n,)])
    out = io.BytesIO()
    document.save(out)
    saved = Document(io.BytesIO(out.getvalue()))
    assert [p.text for p in saved.paragraphs] == [
        "Planen",
        *[text for n in range(3) for text in (f"Del {n}", f"Tekst {n}")],
    ]
    assert [p.style.name for p in saved.paragraphs[:3]] == ["Title", "Heading 1", "List Bullet"]
    assert [t.cell(1, 0).text for t in saved.tables] == ["0", "1", "2"]
    assert saved.tables[0].style.name == "Table Grid"
    assert saved.element.body[-1].tag.endswith("sectPr")  # the section stays last
