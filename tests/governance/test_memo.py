"""The decision memo (saksframlegg) as Word and PDF, and the governance-dialogue export:
opened again with python-docx, pypdf and openpyxl, and read for headings, figures in the
language's number format, user text printed as typed, and charts embedded as images.

Each document is rendered once per module (about a second in all) and read by many tests.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.utils import translation
from docx import Document

from nytte.governance.memo import (
    AnchoringLine,
    Assessment,
    BenefitEffect,
    Chart,
    ChartError,
    Consequence,
    Cost,
    DialogueExport,
    DialogueItem,
    DialogueKind,
    FundingRow,
    HarmonisationLink,
    MemoContent,
    Option,
    Score,
    costs_chart,
    funding_split_chart,
    render_dialogue_docx,
    render_dialogue_xlsx,
    render_docx,
    render_pdf,
    render_png,
)
from nytte.governance.memo.text import blocks, spans

NBSP = "\u00a0"
# User text that would be markup, code or maths in Typst, or a field in Word.
HOSTILE_TITLE = 'Felles gjeldsregister #import "@preview/x:0.1.0": * ] $x^2$ #set page(width: 1cm)'
HOSTILE_LINE = "Rå tekst: #let x = 1 ] [ * _ $ \\ { } <label> @ref"


def _content() -> MemoContent:
    new = Option(
        name="Felles gjeldsregister",
        description=(
            "Et **felles** register for *all* statlig gjeld.\n\n"
            "- NAV får varsel\n- Skatteetaten krever inn"
        ),
        costs=(
            Cost("Skatteetaten", 2026, 1_234_567),
            Cost("NAV", 2026, 500_000),
            Cost("Skatteetaten", 2027, -250_000),
        ),
        nnv=12_345_678,
        nnv_per_budget_krone=1.254,
        snapshot="Øyeblikksbilde 3",
        benefits=(
            BenefitEffect("Færre feilutbetalinger", "NAV", True, 300_000),
            BenefitEffect("Manuell oppfølging", "Skatteetaten", False, None, "flyttes"),
        ),
        dependencies=(Consequence("FI-3 Folkeregisteret", "må levere API først"),),
        portfolio=(Consequence("FI-7 Gammel innkreving", "stoppes i 2027"),),
        funding_key="Etter gevinstpotensial",
        funding_reason=HOSTILE_LINE,
        funding=(
            FundingRow("Skatteetaten", 0.6, 1_000_000, 0.4),
            FundingRow("NAV", 0.4, 666_667, 0.6),
        ),
        recommended=True,
    )
    new = Option(**{**new.__dict__, "charts": (funding_split_chart(new), costs_chart(new))})
    return MemoContent(
        title=HOSTILE_TITLE,
        case_reference="2026/12",
        forum="Programstyret",
        meeting_date=datetime.date(2026, 12, 6),
        prepared_by="Kari Fasilitator",
        programme="Framtidens innkreving",
        background=f"Bakgrunnen.\n\n{HOSTILE_LINE}\n\n\\*ikke kursiv\\*",
        assessment=Assessment(
            scores=(Score("Brukerverdi", 4.5, "1–5"), Score("Kompleksitet", 2, "1–5")),
            matrix_position="Høyt potensial, lav kompleksitet",
        ),
        anchoring=(AnchoringLine("NAV", "Ikke forpliktet", "Ledelsen er ikke orientert"),),
        harmonisation=(HarmonisationLink("overlapper", "FI-2 Gjeldsoversikt"),),
        options=(Option(name="Gjøre ingenting", is_zero=True, nnv=0), new),
        recommendation="Alternativ 2.",
        proposed_decision="Programstyret vedtar alternativ 2.",
        warnings=("Ledelsen i NAV har ikke forpliktet seg.",),
    )


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    # The content's own labels (chart titles, descriptions) are in the language active when
    # it is built: bokmål, whatever an earlier test on this worker left active.
    with translation.override("nb"):
        content = _content()
    out = {}
    for language in ("nb", "en"):
        with translation.override(language):
            out[f"docx-{language}"] = render_docx(content)
            out[f"pdf-{language}"] = render_pdf(content)
    return out


def _docx(data: bytes):
    return Document(io.BytesIO(data))


def _headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]


def _cells(document) -> list[str]:
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _in_order(text: str, parts: list[str]) -> bool:
    position = 0
    for part in parts:
        position = text.find(part, position)
        if position < 0:
            return False
    return True


NB_HEADINGS = [
    "Forhold å merke seg",
    "Bakgrunn",
    "Vurdering",
    "Forankring",
    "Harmonisering",
    "Alternativer og konsekvenser",
    "Alternativ 1: Gjøre ingenting",
    "Alternativ 2: Felles gjeldsregister",
    "Kostnader per virksomhet og år (kr)",
    "Gevinster som oppnås og tapes",
    "Avhengigheter som berøres",
    "Konsekvenser for porteføljen",
    "Hvem betaler",
    "Tilråding",
    "Forslag til vedtak",
]


def test_the_word_memo_is_a_saksframlegg_in_bokmal(rendered):
    document = _docx(rendered["docx-nb"])
    headings = _headings(document)
    assert headings[0] == HOSTILE_TITLE
    assert _in_order("\n".join(headings), NB_HEADINGS)
    assert document.paragraphs[0].text == "SAKSFRAMLEGG"
    assert document.core_properties.language == "nb-NO"
    facts = _cells(document)
    assert facts[:4] == ["Saksnummer", "2026/12", "Program", "Framtidens innkreving"]
    assert "6. desember 2026" in facts


def test_the_word_memo_prints_figures_the_norwegian_way(rendered):
    cells = _cells(_docx(rendered["docx-nb"]))
    # Costs per organisation and year: rows, yearly totals and the grand total.
    assert f"1{NBSP}234{NBSP}567" in cells
    assert f"\u2212250{NBSP}000" in cells  # the typographic minus
    assert f"1{NBSP}734{NBSP}567" in cells  # 2026: 1 234 567 + 500 000
    assert f"1{NBSP}484{NBSP}567" in cells  # all years, all organisations
    assert f"12{NBSP}345{NBSP}678" in cells  # NNV
    assert "1,25" in cells  # NNV per budget krone
    # The funding split beside the benefit shares, with its totals.
    assert ["Skatteetaten", f"60{NBSP}%", f"1{NBSP}000{NBSP}000", f"40{NBSP}%"] == cells[
        cells.index("Andel av kostnaden") + 3 : cells.index("Andel av kostnaden") + 7
    ]
    assert f"1{NBSP}666{NBSP}667" in cells and f"100{NBSP}%" in cells


def test_the_word_memo_keeps_user_text_as_typed(rendered):
    document = _docx(rendered["docx-nb"])
    texts = [p.text for p in document.paragraphs]
    assert HOSTILE_LINE in texts
    assert "*ikke kursiv*" in texts  # escaped Markdown stays literal
    description = next(p for p in document.paragraphs if p.text.startswith("Et felles"))
    assert [(r.text, bool(r.bold), bool(r.italic)) for r in description.runs] == [
        ("Et ", False, False),
        ("felles", True, False),
        (" register for ", False, False),
        ("all", False, True),
        (" statlig gjeld.", False, False),
    ]
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets[-2:] == ["NAV får varsel", "Skatteetaten krever inn"]


def test_the_word_memo_embeds_the_charts_as_images_with_their_text_alternative(rendered):
    document = _docx(rendered["docx-nb"])
    shapes = document.inline_shapes
    assert len(shapes) == 2
    descriptions = [shape._inline.docPr.get("descr") for shape in shapes]
    assert descriptions[0] == (
        f"Skatteetaten betaler 60{NBSP}% og får 40{NBSP}% av gevinstene; "
        f"NAV betaler 40{NBSP}% og får 60{NBSP}% av gevinstene."
    )
    images = [p for p in document.part.package.parts if p.content_type == "image/png"]
    assert len(images) == 2 and all(p.blob.startswith(b"\x89PNG") for p in images)
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == [
        "Figur 1: Hvem betaler og hvem får gevinsten: Felles gjeldsregister",
        "Figur 2: Kostnader per år: Felles gjeldsregister",
    ]


def test_the_pdf_memo_has_the_headings_and_figures(rendered):
    text = _pdf_text(rendered["pdf-nb"])
    assert _in_order(text, ["SAKSFRAMLEGG", *NB_HEADINGS])
    assert f"Skatteetaten 1{NBSP}234{NBSP}567 \u2212250{NBSP}000 984{NBSP}567" in text
    assert f"Sum 1{NBSP}734{NBSP}567 \u2212250{NBSP}000 1{NBSP}484{NBSP}567" in text
    assert f"12{NBSP}345{NBSP}678" in text and "1,25" in text
    assert "6. desember 2026" in text


def test_the_pdf_memo_prints_typst_markup_in_user_text_as_typed(rendered):
    reader = pypdf.PdfReader(io.BytesIO(rendered["pdf-nb"]))
    text = _pdf_text(rendered["pdf-nb"])
    assert reader.metadata.title == HOSTILE_TITLE
    flat = re.sub(r"\s+", " ", text)
    assert HOSTILE_TITLE in flat
    assert HOSTILE_LINE in flat
    assert "*ikke kursiv*" in flat
    # "#set page(width: 1cm)" in the title did not run: every page is still A4.
    assert {round(float(page.mediabox.width)) for page in reader.pages} == {595}


def test_the_pdf_memo_embeds_the_charts_as_images(rendered):
    reader = pypdf.PdfReader(io.BytesIO(rendered["pdf-nb"]))
    assert sum(len(page.images) for page in reader.pages) == 2
    assert "Figur 1: Hvem betaler og hvem får gevinsten" in _pdf_text(rendered["pdf-nb"])


def test_the_memo_follows_the_active_language(rendered):
    headings = "\n".join(_headings(_docx(rendered["docx-en"])))
    assert _in_order(headings, ["Background", "Assessment", "Options and consequences"])
    assert _in_order(headings, ["Recommendation", "Proposed decision"])
    text = _pdf_text(rendered["pdf-en"])
    assert _in_order(text, ["DECISION MEMO", "Case reference", "Background", "Proposed decision"])
    assert "1,234,567" in text and "December 6, 2026" in text.replace("Dec.", "December")
    # Headings follow the language; the chart titles are the content's, built in bokmål.
    assert "Figure 1: Hvem betaler og hvem får gevinsten" in text


def test_an_empty_memo_says_so_instead_of_leaving_gaps():
    content = MemoContent(title="Tom sak")
    with translation.override("nb"):
        document = _docx(render_docx(content))
        text = _pdf_text(render_pdf(content))
    assert [p.text for p in document.paragraphs].count("Ingenting skrevet.") == 3
    assert "Ingen alternativer er beskrevet." in text
    assert len(document.inline_shapes) == 0


def test_a_chart_that_names_a_url_is_refused_before_it_is_drawn():
    spec = {
        "data": {"url": "file:///etc/passwd"},
        "mark": "bar",
        "encoding": {"x": {"field": "a", "type": "nominal"}},
    }
    with pytest.raises(ChartError):
        render_png(spec)
    content = MemoContent(title="T", charts=(Chart("Lekker", spec),))
    with pytest.raises(ChartError):
        render_docx(content)


def test_charts_are_drawn_with_the_languages_number_format():
    spec = {
        "data": {"values": [{"a": "x", "b": 1_500_000}]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "a", "type": "nominal"},
            "y": {"field": "b", "type": "quantitative"},
        },
    }
    with translation.override("nb"):
        picture = render_png(spec)
    assert picture.png.startswith(b"\x89PNG") and picture.width > 20 and picture.height > 20


def test_markdown_is_read_in_a_safe_subset():
    found = blocks(
        "# Tittel\n\nEn **fet** og *kursiv* linje\nsom fortsetter.\n\n1. en\n2. to\n- punkt"
    )
    assert [b.kind for b in found] == ["heading", "paragraph", "number", "bullet"]
    assert "".join(s.text for s in found[1].lines[0]) == "En fet og kursiv linje som fortsetter."
    line = spans("[lenke](https://example.org) \\*x\\* 2 * 3 * 4")
    assert [(s.text, s.strong, s.emph) for s in line] == [
        ("lenke (https://example.org) *x* 2 * 3 * 4", False, False)
    ]
    assert blocks("#import x") == blocks("\\#import x")  # no space: a paragraph, not a heading


# ---------------------------------------------------------------------------------------------
# The governance-dialogue export

DIALOGUE = DialogueExport(
    title="Til styringsdialogen 2027",
    programme="Framtidens innkreving",
    prepared_on=datetime.date(2026, 12, 6),
    items=(
        DialogueItem(
            "Finansdepartementet", "Skatteetaten", DialogueKind.TOPIC, "Felles gjeldsregister"
        ),
        DialogueItem(
            "Arbeids- og inkluderingsdepartementet",
            "Arbeids- og velferdsdirektoratet",
            DialogueKind.EXPECTATION,
            '=HYPERLINK("http://x")',
            budget_year=2027,
            case_reference="2026/12",
            decided_on=datetime.date(2026, 12, 6),
            source="Programstyret",
        ),
        DialogueItem(
            "Finansdepartementet",
            "Skatteetaten",
            DialogueKind.EXPECTATION,
            "Delta i felles gevinstrealisering",
        ),
        DialogueItem("Finansdepartementet", "", DialogueKind("meeting_topic"), "Finansiering"),
    ),
)


def test_the_dialogue_export_groups_items_per_ministry_and_agency_in_word():
    with translation.override("nb"):
        document = _docx(render_dialogue_docx(DIALOGUE))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name != "Normal"]
    assert headings == [
        ("Title", "Til styringsdialogen 2027"),
        ("Heading 1", "Arbeids- og inkluderingsdepartementet"),
        ("Heading 2", "Arbeids- og velferdsdirektoratet"),
        ("Heading 3", "Forventning til tildelingsbrevet"),
        ("Heading 1", "Finansdepartementet"),
        ("Heading 2", "Departementet selv"),
        ("Heading 3", "Tema til neste etatsstyringsmøte"),
        ("Heading 2", "Skatteetaten"),
        ("Heading 3", "Forventning til tildelingsbrevet"),
        ("Heading 3", "Tema til neste etatsstyringsmøte"),
    ]
    assert "Framtidens innkreving, utarbeidet 6. desember 2026" in [
        p.text for p in document.paragraphs
    ]


def test_the_dialogue_export_is_one_filterable_sheet_whose_text_stays_text():
    with translation.override("nb"):
        book = openpyxl.load_workbook(io.BytesIO(render_dialogue_xlsx(DIALOGUE)))
    sheet = book["Styringsdialog"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Departement",
        "Etat",
        "Type",
        "Tekst",
        "Budsjettår",
        "Sak",
        "Vedtatt",
        "Kilde",
    )
    expectation, topic = "Forventning til tildelingsbrevet", "Tema til neste etatsstyringsmøte"
    assert [row[:4] for row in rows[1:]] == [
        (
            "Arbeids- og inkluderingsdepartementet",
            "Arbeids- og velferdsdirektoratet",
            expectation,
            '=HYPERLINK("http://x")',
        ),
        ("Finansdepartementet", None, topic, "Finansiering"),
        ("Finansdepartementet", "Skatteetaten", expectation, "Delta i felles gevinstrealisering"),
        ("Finansdepartementet", "Skatteetaten", topic, "Felles gjeldsregister"),
    ]
    assert rows[1][4:] == (2027, "2026/12", datetime.datetime(2026, 12, 6), "Programstyret")
    formula_like = sheet.cell(row=2, column=4)
    assert formula_like.value == '=HYPERLINK("http://x")' and formula_like.data_type == "s"
    assert sheet.auto_filter.ref == "A1:H5"


def test_costs_over_many_years_are_split_into_tables_that_fit_the_page():
    costs = tuple(Cost(org, year, 1_000) for org in ("A", "B") for year in range(2026, 2038))
    content = MemoContent(title="T", options=(Option("Stor", costs=costs),))
    with translation.override("nb"):
        document = _docx(render_docx(content))
    headers = [[cell.text for cell in table.rows[0].cells] for table in document.tables]
    assert headers[1] == ["Virksomhet", *map(str, range(2026, 2032))]
    assert headers[2] == ["Virksomhet", *map(str, range(2032, 2038)), "Sum"]
    totals = [cell.text for cell in document.tables[2].rows[-1].cells]
    assert totals == ["Sum", *[f"2{NBSP}000"] * 6, f"24{NBSP}000"]


def test_a_chart_may_carry_decimal_amounts_and_dates():
    spec = {
        "data": {"values": [{"day": datetime.date(2026, 1, 1), "b": Decimal("1500000.50")}]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "day", "type": "ordinal"},
            "y": {"field": "b", "type": "quantitative"},
        },
    }
    assert render_png(spec).png.startswith(b"\x89PNG")
