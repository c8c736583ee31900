"""The cost-benefit workbook: the page's result table on "Resultat" with the engine's
numbers, the basis, the cash flows per year, the simulation and the tornado; a snapshot's
workbook comes from its frozen JSON and stays the same when the register changes."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from nytte.core.excel.format import CONTENT_TYPE
from nytte.costbenefit import presentation, selectors, services
from nytte.costbenefit.models import ExtraLine
from nytte.portfolio.models import CostLine
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    CostLineFactory,
    InitiativeFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(programme):
    ske = OrganisationFactory(short_name="SKE", kind="agency")
    nav = OrganisationFactory(short_name="NAV", kind="agency")
    initiative = InitiativeFactory(programme=programme, code="FI-1", owner_organisation=ske)
    for year in (2026, 2027):
        CostLineFactory(
            initiative=initiative,
            organisation=ske,
            year=year,
            low=800_000,
            likely=1_000_000,
            high=1_500_000,
        )
    CostLineFactory(
        initiative=initiative,
        organisation=nav,
        year=2027,
        category="operation",
        low=100_000,
        likely=200_000,
        high=400_000,
    )
    benefit = BenefitFactory(
        programme=programme,
        owner_organisation=nav,
        arises_in_organisation=nav,
        budget_cut_share=50,
    )
    for year in (2027, 2028, 2029):
        BenefitAmountFactory(
            benefit=benefit, year=year, low=900_000, likely=1_200_000, high=1_400_000
        )
    ContributionFactory(benefit=benefit, initiative=initiative, share=80)
    return initiative


def url(initiative, name="export", **kwargs):
    return reverse(
        f"costbenefit:{name}",
        kwargs={"slug": initiative.programme.slug, "code": initiative.code, **kwargs},
    )


def open_workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    return openpyxl.load_workbook(io.BytesIO(response.content))


def site_text(message: str) -> str:
    """A label as the workbook writes it: in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


def result_rows(sheet) -> tuple[list[str], dict[str, tuple]]:
    """The header (alternative names) and each labelled row of the result table."""
    rows = list(sheet.iter_rows(values_only=True))
    top = next(i for i, row in enumerate(rows) if row[0] == "NOK")
    header = list(rows[top][1:])
    labelled = {row[0]: row[1:] for row in rows[top + 1 :] if row[0]}
    return header, labelled


def test_the_result_sheet_has_the_engines_numbers(case, facilitator, client_for):
    evaluation = selectors.evaluate(case)
    result = evaluation["result"]
    main = result.alternative("FI-1")
    book = open_workbook(client_for(facilitator, language="en").get(url(case)))
    assert book.sheetnames == [
        "Resultat",
        "Grunnlag",
        "Kontantstrømmer",
        "Simulering",
        "Tornado",
        "Break-even",
        "Inndata",
    ]
    header, rows = result_rows(book["Resultat"])
    assert header == [a.name for a in result.alternatives]  # the zero alternative first
    nnv = rows[site_text("Net present value (NNV)")]
    assert nnv == (0, main.nnv)
    assert isinstance(nnv[1], int)
    assert rows[site_text("Sum benefits")][1] == main.pv_benefits
    assert rows[site_text("Sum costs")][1] == -main.pv_costs
    assert rows[site_text("Investment")][1] == -main.pv_costs_investment
    assert rows[site_text("Operation and maintenance")][1] == -main.pv_costs_operation
    assert rows[site_text("Tax financing cost")][1] == -main.tax_financing_cost
    assert rows["NAV"][1] == main.pv_benefits_by_organisation["NAV"]
    assert rows[site_text("NNV per budget krone (NNB)")][1] == pytest.approx(main.nnb)
    assert rows[site_text("Ranking (by NNV)")] == tuple(a.rank for a in result.alternatives)
    simulated = evaluation["simulation"].alternative("FI-1")
    assert rows["P50"][1] == round(simulated.p50)
    assert rows[site_text("Probability that NNV < 0")][1] == pytest.approx(simulated.prob_negative)
    # The same rows, in the same order, as the page's table.
    with translation.override(settings.LANGUAGE_CODE):
        page_rows = [row.label for row in presentation.result_table(presentation.live(case))]
    sheet_labels = [
        row[0]
        for row in book["Resultat"].iter_rows(min_row=6, values_only=True)
        if row[0] and row[0] in page_rows
    ]
    assert sheet_labels == page_rows


def test_the_cash_flows_discount_each_year_and_sum_to_the_nnv(case, facilitator, client_for):
    result = selectors.evaluate(case)["result"]
    main = result.alternative("FI-1")
    sheet = open_workbook(client_for(facilitator).get(url(case)))["Kontantstrømmer"]
    rows = [row for row in sheet.iter_rows(min_row=5, values_only=True) if row[0] == "FI-1"]
    years = [row for row in rows if isinstance(row[1], int)]
    assert [row[1] for row in years] == [y.year for y in main.years]
    for row, year in zip(years, main.years, strict=True):
        _alt, _year, benefits, costs, _tfc, net, factor, discounted, cumulative = row
        assert benefits == pytest.approx(year.benefits)
        assert costs == pytest.approx(year.costs)
        assert net == pytest.approx(year.benefits - year.costs - year.tax_financing_cost)
        assert factor == pytest.approx(1.04 ** -(year.year - result.base_year))
        assert discounted == pytest.approx(net * factor)
        assert cumulative == pytest.approx(year.cumulative_discounted)
    total = next(row for row in rows if not isinstance(row[1], int))
    assert total[7] == pytest.approx(main.exact.nnv)


def test_the_basis_simulation_and_tornado_sheets(case, facilitator, client_for):
    services.settings_save(
        subject=case, data={"iterations": 5000, "seed": 42}, acting_user=facilitator
    )
    case.refresh_from_db()
    evaluation = selectors.evaluate(case)
    book = open_workbook(client_for(facilitator).get(url(case)))
    basis = {
        row[0]: row[1] for row in book["Grunnlag"].iter_rows(min_row=5, values_only=True) if row[0]
    }
    assert basis[site_text("Parameter set")] == "R-109:2021"
    assert basis[site_text("Base year (discounted to)")] == 2026
    assert basis[site_text("Tax financing cost")] == pytest.approx(0.2)
    assert basis[site_text("Monte Carlo iterations")] == 5000
    assert basis[site_text("Random seed")] == 42

    simulation = evaluation["simulation"].alternative("FI-1")
    figures = {
        row[0]: row[1]
        for row in book["Simulering"].iter_rows(min_row=6, max_row=12, values_only=True)
    }
    assert figures["P10"] == pytest.approx(simulation.p10)
    assert figures["P90"] == pytest.approx(simulation.p90)
    assert figures[site_text("Mean")] == pytest.approx(simulation.mean)

    bars = evaluation["tornado"]
    rows = [row for row in book["Tornado"].iter_rows(min_row=6, values_only=True) if row[0]]
    assert [row[0] for row in rows] == [bar.line for bar in bars]
    assert rows[0][3] == pytest.approx(bars[0].nnv_at_low)
    assert rows[0][4] == pytest.approx(bars[0].nnv_at_high)


def test_a_snapshot_workbook_keeps_its_numbers(case, facilitator, client_for):
    client = client_for(facilitator)
    snapshot = services.snapshot_freeze(subject=case, note="BP2", acting_user=facilitator)
    frozen_nnv = snapshot.results["alternatives"][1]["nnv"]
    CostLine.objects.filter(initiative=case).update(likely=3_000_000, high=3_000_000)
    live_nnv = selectors.evaluate(case)["result"].alternative("FI-1").nnv
    assert live_nnv != frozen_nnv
    response = client.get(url(case, "snapshot_export", version=1))
    assert response["Content-Disposition"] == 'attachment; filename="FI-1-nytte-kostnad-v1.xlsx"'
    book = open_workbook(response)
    _header, rows = result_rows(book["Resultat"])
    assert rows[site_text("Net present value (NNV)")][1] == frozen_nnv
    assert "BP2" in book["Resultat"]["A3"].value
    _header, live_rows = result_rows(open_workbook(client.get(url(case)))["Resultat"])
    assert live_rows[site_text("Net present value (NNV)")][1] == live_nnv


def test_texts_stay_text_never_formulas(case, facilitator, client_for):
    services.line_create(
        ExtraLine(
            initiative=case,
            name='=HYPERLINK("http://x")',
            kind="cost",
            category="other",
            group="citizens",
            first_year=2026,
            last_year=2026,
            low=5,
            likely=5,
            high=5,
        ),
        acting_user=facilitator,
    )
    book = openpyxl.load_workbook(io.BytesIO(client_for(facilitator).get(url(case)).content))
    names = [row[1] for row in book["Inndata"].iter_rows(min_row=5, values_only=True)]
    assert '=HYPERLINK("http://x")' in names
    cell = next(c for c in book["Inndata"]["B"] if c.value == '=HYPERLINK("http://x")')
    assert cell.data_type == "s"


def test_a_viewer_may_download_an_outsider_may_not(case, viewer, outsider, client_for):
    assert client_for(viewer).get(url(case)).status_code == 200
    assert client_for(outsider).get(url(case)).status_code == 404
    other = InitiativeFactory(code="X-1")
    assert client_for(viewer).get(url(other)).status_code == 404
