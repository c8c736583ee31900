"""Formula injection (issue 18, "Found by probing"): text that begins with = + - @ (or a
tab or carriage return) is written with the cell's quote prefix, so that a spreadsheet
keeps it as text even when the cell is edited, and its value (what an import reads back)
is unchanged. Every export writes through ``SafeWorkbook``; the economics engine's openpyxl
workbook neutralises likewise."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from nytte.benefits.excel import export_benefits
from nytte.core.actors import SYSTEM
from nytte.core.excel.export import SafeWorkbook
from nytte.portfolio.excel.export import export_register
from nytte.proposals.excel import export_proposals
from tests.factories import BenefitFactory, InitiativeFactory, ProposalFactory

HOSTILE = [
    '=HYPERLINK("http://evil.example","klikk")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
]


def hostile_cells(data: bytes) -> list[openpyxl.cell.Cell]:
    """Every cell of the workbook whose text begins like a formula."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [
        cell
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value[:1] in "=+-@"
    ]


def assert_neutralised(data: bytes, expected: list[str]) -> None:
    cells = hostile_cells(data)
    assert {c.value for c in cells} >= set(expected)  # the value itself is unchanged
    assert all(c.quotePrefix and c.data_type == "s" for c in cells), [
        (c.coordinate, c.value) for c in cells if not c.quotePrefix
    ]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)  # no live formula anywhere


def test_the_shared_workbook_quotes_formula_like_text_keeping_each_cells_format():
    buffer = io.BytesIO()
    book = SafeWorkbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    ws = book.add_worksheet("Ark")
    ws.write_string(0, 0, HOSTILE[0])
    ws.write_string(1, 0, HOSTILE[1], bold)
    ws.write(2, 0, HOSTILE[2])
    ws.write_row(3, 0, [HOSTILE[3], "harmless"])
    book.close()
    assert_neutralised(buffer.getvalue(), HOSTILE)
    wb = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert wb["Ark"]["A2"].font.b  # the bold format kept
    assert not wb["Ark"]["B4"].quotePrefix  # harmless text untouched


@pytest.mark.django_db
def test_the_portfolio_export_neutralises_formula_text(programme):
    for n, text in enumerate(HOSTILE):
        InitiativeFactory(programme=programme, code=f"T-{n}", title=text)
    assert_neutralised(export_register(programme), HOSTILE)


@pytest.mark.django_db
def test_the_benefits_export_neutralises_formula_text(programme):
    for n, text in enumerate(HOSTILE):
        BenefitFactory(programme=programme, code=f"G-{n}", title=text)
    assert_neutralised(export_benefits(programme, user=SYSTEM), HOSTILE)


@pytest.mark.django_db
def test_the_proposals_export_neutralises_formula_text(programme):
    for text in HOSTILE:
        ProposalFactory(programme=programme, title=text, need=text)
    assert_neutralised(export_proposals(programme, user=SYSTEM), HOSTILE)


def test_the_economics_workbook_writes_no_live_formula(tmp_path):
    from nytte.economics.io import write_excel
    from nytte.economics.model import Alternative, Analysis

    analysis = Analysis(
        name=HOSTILE[0],
        base_year=2026,
        price_year=2026,
        period_years=10,
        alternatives=(Alternative(name="Null", zero=True), Alternative(name=HOSTILE[3])),
    )
    path = tmp_path / "analyse.xlsx"
    write_excel(analysis, path)
    assert_neutralised(path.read_bytes(), [HOSTILE[0], HOSTILE[3]])
