"""The co-funding page per persona, its form, and the appendices document (opened again with
python-docx: real heading styles, and the engine's NNV in appendix 2)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import formats, translation
from docx import Document

from nytte.costbenefit import selectors, services
from nytte.costbenefit.models import CoFundingFacts, ExtraLine
from nytte.economics import compute
from nytte.economics.plusminus import symbol
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    CostLineFactory,
    InitiativeFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db
M = 1_000_000


@pytest.fixture
def initiative(programme, owner):
    """FI-1, owned by the owner persona: 40 m project cost over 2026–2027 and a gain in SKE."""
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE", kind="agency")
    nav = OrganisationFactory(name="NAV", short_name="NAV", kind="agency")
    initiative = InitiativeFactory(
        programme=programme,
        code="FI-1",
        title="Samordnet innkreving",
        owner=owner,
        owner_organisation=ske,
        phase="plan",
    )
    CostLineFactory(initiative=initiative, organisation=ske, year=2026, likely=30 * M, high=35 * M)
    CostLineFactory(initiative=initiative, organisation=nav, year=2027, likely=10 * M, high=12 * M)
    gain = BenefitFactory(
        programme=programme,
        code="G-1",
        title="Færre manuelle krav",
        owner_organisation=ske,
        arises_in_organisation=ske,
        budget_cut_share=50,
    )
    for year in (2027, 2028, 2029):
        BenefitAmountFactory(benefit=gain, year=year, low=15 * M, likely=20 * M, high=30 * M)
    ContributionFactory(benefit=gain, initiative=initiative, share=80)
    quality = BenefitFactory(
        programme=programme,
        code="G-2",
        kind="quality",
        priced=False,
        plus_minus=2,
        plus_minus_reasoning="Færre feil i kravene.",
    )
    ContributionFactory(benefit=quality, initiative=initiative, share=100)
    return initiative


def url(initiative, name="check"):
    return reverse(
        f"cofunding:{name}", kwargs={"slug": initiative.programme.slug, "code": initiative.code}
    )


def form_data(**changes):
    data = {"requested": str(20 * M), "rules": "current", "category": "standard", "note": ""}
    data.update(changes)
    return data


# -- who sees what ------------------------------------------------------------------------------


def test_an_outsider_gets_404(initiative, outsider, client_for):
    client = client_for(outsider)
    assert client.get(url(initiative)).status_code == 404
    assert client.get(url(initiative, "appendices")).status_code == 404
    assert client.post(url(initiative), form_data()).status_code == 404


def test_anonymous_users_are_sent_to_log_in(initiative, client):
    response = client.get(url(initiative))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_viewer_sees_the_check_without_a_form_and_may_not_post(initiative, viewer, client_for):
    client = client_for(viewer, language="en")
    response = client.get(url(initiative))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Co-funding check" in html
    assert "Project cost within the cost band" in html
    # Nothing requested yet: the funded share is not assessed, so not eligible.
    assert "Not assessed" in html
    assert "Not eligible as it stands" in html
    assert 'name="requested"' not in html
    assert url(initiative, "appendices") in html
    assert client.post(url(initiative), form_data()).status_code == 403
    assert not CoFundingFacts.objects.exists()


def test_the_initiative_owner_stores_the_facts_and_the_check_follows(initiative, owner, client_for):
    client = client_for(owner, language="en")
    page = client.get(url(initiative)).content.decode()
    assert 'name="requested"' in page
    response = client.post(url(initiative), form_data(note="Søknad 2026"))
    assert response.status_code == 302
    assert response["Location"] == url(initiative)
    facts = CoFundingFacts.objects.get(initiative=initiative)
    assert (facts.requested, facts.note) == (20 * M, "Søknad 2026")
    html = client.get(url(initiative)).content.decode()
    assert "The co-funding facts were saved." in html
    assert "Eligible: every rule is met" in html
    assert "NOK 20,000,000" in html
    assert "50 %" in html


def test_a_refused_form_keeps_what_was_typed_with_errors_by_the_fields(
    initiative, facilitator, client_for
):
    client = client_for(facilitator, language="en")
    response = client.post(
        url(initiative),
        form_data(requested="-5", category="joined_up_services", note="Mitt notat"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="-5"' in html
    assert "Mitt notat" in html
    assert 'id="id_requested-error"' in html
    assert "Please correct the following" in html
    assert not CoFundingFacts.objects.exists()
    # The model's own rule: joined-up services only under the earlier rules.
    response = client.post(url(initiative), form_data(category="joined_up_services"))
    assert response.status_code == 200
    assert "earlier rules only" in response.content.decode()
    assert not CoFundingFacts.objects.exists()


def test_the_page_runs_a_fixed_number_of_queries(
    programme, initiative, viewer, client_for, django_assert_max_num_queries, pinned_queries
):
    client = client_for(viewer)
    client.get(url(initiative))  # warm the session and caches

    years = iter(range(2030, 2090))

    def grow(count: int) -> None:
        for _number in range(count):
            benefit = BenefitFactory(
                programme=programme,
                owner_organisation=initiative.owner_organisation,
                arises_in_organisation=initiative.owner_organisation,
                budget_cut_share=50,
            )
            BenefitAmountFactory(benefit=benefit, year=2028)
            ContributionFactory(benefit=benefit, initiative=initiative, share=10)
            CostLineFactory(initiative=initiative, year=next(years), category="operation")

    grow(3)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url(initiative)).status_code == 200
    grow(27)
    with django_assert_max_num_queries(len(few.captured_queries)), pinned_queries("co-funding"):
        assert client.get(url(initiative)).status_code == 200


# -- the appendices -----------------------------------------------------------------------------


def _document(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "co-funding-appendices-FI-1.docx" in response["Content-Disposition"]
    return Document(io.BytesIO(response.content))


def _texts(document):
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [p.text for p in document.paragraphs] + cells


def test_the_appendices_document_has_real_headings_and_the_engines_numbers(
    initiative, viewer, facilitator, client_for
):
    services.settings_save(
        subject=initiative,
        data={"assumptions": "Lønnsnivå fra 2025.\n\nAdopsjon 80 %."},
        acting_user=facilitator,
    )
    services.line_create(
        ExtraLine(
            initiative=initiative,
            name="Opplæring",
            kind="cost",
            category="operation",
            organisation=initiative.owner_organisation,
            public_budget=True,
            first_year=2027,
            last_year=2028,
            low=100_000,
            likely=100_000,
            high=100_000,
        ),
        acting_user=facilitator,
    )
    initiative.refresh_from_db()
    document = _document(client_for(viewer, language="en").get(url(initiative, "appendices")))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name != "Normal"]
    assert headings[0][0] == "Title"
    assert "FI-1 Samordnet innkreving" in headings[0][1]
    assert ("Heading 1", "Appendix 1: Assumptions") in headings
    assert ("Heading 1", "Appendix 2: NPV calculation") in headings
    for heading in ("Basis of the analysis", "Costs", "Benefits", "Extra lines"):
        assert ("Heading 2", heading) in headings
    for heading in ("Non-priced effects", "Per year", "Present values and result"):
        assert ("Heading 2", heading) in headings
    assert ("Heading 3", "G-1 Færre manuelle krav") in headings
    assert document.core_properties.language == "en"

    evaluation = selectors.evaluate(initiative)
    main = evaluation["result"].alternative("FI-1")
    texts = _texts(document)
    with translation.override("en"):
        nnv = formats.number_format(main.nnv, 0, use_l10n=True, force_grouping=True)
    assert nnv == f"{main.nnv:,}"
    figures = {
        row.cells[0].text: row.cells[1].text
        for table in document.tables
        if [c.text for c in table.rows[0].cells] == ["Item", "NOK"]
        for row in table.rows
    }
    assert figures["Net present value (NNV)"] == nnv
    assert figures["Tax financing cost"] == f"{main.tax_financing_cost:,}"
    # Appendix 2 has one row per year of the period, with the engine's discount factors.
    per_year = next(t for t in document.tables if len(t.columns) == 7)
    assert [row.cells[0].text for row in per_year.rows[1:]] == [str(row.year) for row in main.years]
    assert per_year.rows[2].cells[4].text == f"{main.years[1].discount_factor:.4f}"
    # Appendix 1: the attributed amounts (80 % of 20 m), the extra line, the non-priced
    # effect with its reasoning, the assumptions text and the parameter set.
    assert "16,000,000" in texts
    assert "Opplæring" in texts
    assert symbol(2) in texts and "Færre feil i kravene." in texts
    assert "Adopsjon 80 %." in texts
    assert any(text.startswith("R-109:2021") for text in texts)
    assert any("4 % in years 1–40" in text for text in texts)
    # The Monte Carlo summary is the engine's.
    simulated = evaluation["simulation"].alternative("FI-1")
    assert f"{round(simulated.p50):,}" in texts
    assert compute(evaluation["analysis"]).alternative("FI-1").nnv == main.nnv


def test_the_appendices_are_in_the_users_language(initiative, viewer, client_for):
    document = _document(client_for(viewer, language="nb").get(url(initiative, "appendices")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) >= 10
    assert document.core_properties.language == "nb-NO"


def test_no_appendices_when_the_analysis_cannot_be_computed(initiative, facilitator, client_for):
    services.settings_save(subject=initiative, data={"base_year": 2027}, acting_user=facilitator)
    client = client_for(facilitator, language="en")
    response = client.get(url(initiative, "appendices"))
    assert response.status_code == 302
    assert response["Location"] == url(initiative)
    html = client.get(response["Location"]).content.decode()
    assert "The appendices cannot be made" in html
    assert "base year" in html
    assert "Traceback" not in html
