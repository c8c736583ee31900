"""A live case's memo as Word and PDF (page and API) and the governance-dialogue export:
opened again and read for headings and figures."""

from __future__ import annotations

import datetime
import io

import pypdf
import pytest
from django.utils import translation
from docx import Document

from nytte.anchoring.services import commitment_save
from nytte.governance import services
from nytte.governance.memo_build import build_memo_content
from nytte.proposals.models import ProposalLink
from tests.api.test_api_core import bearer
from tests.factories import InitiativeFactory

NBSP = "\u00a0"


@pytest.fixture
def case(ready_proposal, facilitator, board, programme):
    other = InitiativeFactory(programme=programme, code="FI-2", title="Gjeldsoversikt")
    ProposalLink.objects.create(proposal=ready_proposal, kind="depends_on", target_initiative=other)
    case = services.prepare_case_from_proposal(ready_proposal, facilitator)
    services.case_update(
        case=case,
        data={
            "recommendation": "Gjennomfør.",
            "proposed_decision": "Styret vedtar.",
            "forum": board,
        },
        acting_user=facilitator,
    )
    return case


def _in_order(text: str, parts: list[str]) -> bool:
    position = 0
    for part in parts:
        position = text.find(part, position)
        if position < 0:
            return False
    return True


def test_the_memo_content_carries_the_options_and_the_split(case):
    content = build_memo_content(case)
    zero, carry = content.options
    assert zero.is_zero and carry.recommended
    assert sum(c.amount for c in carry.costs) == 6_000_000
    assert [(r.organisation, r.amount) for r in carry.funding] == [
        ("NAV", 4_500_000),
        ("SKE", 1_500_000),
    ]
    assert carry.nnv is not None and carry.snapshot == "v1"
    assert len(carry.charts) == 2
    # The anchoring app is installed: each affected organisation's leadership commitment.
    assert {a.organisation for a in content.anchoring} == {
        "Arbeids- og velferdsetaten",
        "Skatteetaten",
    }
    assert [(d.subject, d.description) for d in carry.dependencies] == [
        ("FI-2 Gjeldsoversikt", "Avhenger av")
    ]


def test_the_memo_says_whose_leadership_has_not_committed(case, facilitator):
    """Issue #17: a case whose participating organisations have not committed at leadership
    level says so in its memo — and stops saying so for those who have."""

    def commitment_warning() -> str:
        found = [w for w in build_memo_content(case).warnings if "leadership" in w.lower()]
        return found[0] if found else ""

    with translation.override("en"):
        warning = commitment_warning()
        assert "Arbeids- og velferdsetaten" in warning and "Skatteetaten" in warning
        nav = case.proposal.affected_organisations.get(short_name="NAV")
        commitment_save(
            subject=case.proposal,
            organisation=nav,
            data={
                "committed": True,
                "document": "allocation_letter",
                "committed_on": datetime.date(2026, 11, 1),
                "confirmed_by": "Direktør for arbeidslinja",
            },
            acting_user=facilitator,
        )
        warning = commitment_warning()
        assert "Skatteetaten" in warning and "Arbeids- og velferdsetaten" not in warning


def test_the_memo_downloads_as_word_and_pdf_with_headings_and_figures(client_for, viewer, case):
    client = client_for(viewer, "nb")
    url = case.get_absolute_url() + "memo.docx"
    response = client.get(url)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    headings = "\n".join(
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    )
    assert _in_order(
        headings, ["Felles varsling", "Bakgrunn", "Alternativer og konsekvenser", "Tilråding"]
    )
    cells = " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert f"6{NBSP}000{NBSP}000" in cells and f"4{NBSP}500{NBSP}000" in cells

    pdf = client_for(viewer).get(case.get_absolute_url() + "memo.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert _in_order(text, ["SAKSFRAMLEGG", "Felles varsling", "Bakgrunn", "Tilråding"])
    assert f"4{NBSP}500{NBSP}000" in text and "S-1" in text


def test_the_api_serves_the_memo_and_the_dialogue_export(viewer, outsider, case):
    from django.test import Client

    base = "/api/v1/programmes/framtidens-innkreving"
    response = Client(**bearer(viewer)).get(f"{base}/cases/{case.number}/memo.docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert (
        Client(**bearer(outsider)).get(f"{base}/cases/{case.number}/memo.docx").status_code == 404
    )
    assert Client(**bearer(viewer)).get(f"{base}/dialogue.xlsx").status_code == 200
