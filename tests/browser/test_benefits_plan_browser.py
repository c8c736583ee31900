"""The realisation plan in real Chromium: an initiative owner reads the current plan, saves
it as a version with a note, opens that version and downloads it as Word; a reader sees the
programme's plan. axe-core checks each page; the page fixture fails on CSP violations and
foreign requests."""

from __future__ import annotations

import datetime as dt

import pytest
from docx import Document

from nytte.benefits.models import RealisationPlan
from nytte.core.choices import Role
from nytte.portfolio.models import InitiativeGoal
from tests.browser.conftest import assert_accessible
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    GoalFactory,
    IndicatorFactory,
    InitiativeFactory,
    MeasurementFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    RiskFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan_register():
    """FI-1 (Skatteetaten) with a shared priced benefit, a benefit for citizens and a
    non-priced one; its owner and a reader."""
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    nav = OrganisationFactory(name="Arbeids- og velferdsetaten", short_name="NAV")
    programme = ProgrammeFactory(
        name="Framtidens innkreving",
        slug="framtidens-innkreving",
        owner=ske,
        target_picture="## Målbilde\n\n- Færre krav",
    )
    owner = UserFactory(username="eier")
    MembershipFactory(user=owner, programme=programme, role=Role.OWNER)
    reader = UserFactory(username="leser")
    MembershipFactory(user=reader, programme=programme, role=Role.VIEWER)
    societal = GoalFactory(programme=programme, code="S1", title="Innkreving som bare skjer")
    impact = GoalFactory(
        programme=programme, code="E1", level="impact", parent=societal, title="Færre feil"
    )
    fi1 = InitiativeFactory(
        programme=programme, code="FI-1", title="Samordnet innkreving", owner_organisation=ske,
        owner=owner,
    )  # fmt: skip
    fi2 = InitiativeFactory(programme=programme, code="FI-2", owner_organisation=nav)
    InitiativeGoal.objects.create(initiative=fi1, goal=impact)
    shared = BenefitFactory(
        programme=programme, code="G-1", title="Færre manuelle krav", owner_organisation=ske,
        arises_in_organisation=ske, budget_cut_share=25, impact_goal=impact,
        preconditions="Ny saksflyt tas i bruk.",
    )  # fmt: skip
    ContributionFactory(benefit=shared, initiative=fi1, share=60)
    ContributionFactory(benefit=shared, initiative=fi2, share=40)
    for year in (2026, 2027, 2028):
        BenefitAmountFactory(
            benefit=shared, year=year, low=800_000, likely=1_000_000, high=1_300_000
        )
    indicator = IndicatorFactory(
        benefit=shared, name="Manuelle saker", baseline_value=1000,
        baseline_date=dt.date(2026, 1, 1),
    )  # fmt: skip
    TargetFactory(indicator=indicator, date=dt.date(2027, 1, 1), value=600)
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 4, 1), value=900)
    shared.risks.add(RiskFactory(initiative=fi1, title="Leverandør forsinket"))
    citizens = BenefitFactory(
        programme=programme, code="G-2", kind="others", arises_in_organisation=None,
        arises_in_group="citizens", owner_organisation=ske,
    )  # fmt: skip
    ContributionFactory(benefit=citizens, initiative=fi1, share=100)
    BenefitAmountFactory(benefit=citizens, year=2027, low=100_000, likely=200_000, high=300_000)
    quality = BenefitFactory(
        programme=programme, code="G-3", kind="quality", priced=False, owner_organisation=ske,
        plus_minus=2, plus_minus_reasoning="Færre feil i vedtak.",
    )  # fmt: skip
    ContributionFactory(benefit=quality, initiative=fi1, share=100)
    return programme, fi1


def _log_in(page, username: str) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/")


def test_an_owner_saves_opens_and_downloads_a_version(page, plan_register):
    programme, initiative = plan_register
    _log_in(page, "eier")
    url = f"/p/{programme.slug}/initiatives/{initiative.code}/realisation-plan/"
    page.goto(url)
    assert page.locator("h1").inner_text() == "FI-1 Samordnet innkreving"
    assert page.locator("main h2").count() >= 8  # versions, contents and the seven parts
    # The table of contents leads to each part of the plan.
    page.locator(".plan-toc a[href='#plan-overview']").click()
    assert page.url.endswith("#plan-overview")
    assert_accessible(page)

    page.locator("#id_note").fill("Oppdatert ved BP2")
    page.locator("form.plan-save button[type=submit]").click()
    page.wait_for_selector(".ds-alert[data-color='success']")
    assert RealisationPlan.objects.filter(initiative=initiative).count() == 1
    row = page.locator(".plan-versions tbody tr")
    assert row.count() == 1 and "Oppdatert ved BP2" in row.inner_text()
    assert_accessible(page)

    row.locator("a[href$='?version=1']").first.click()
    page.wait_for_selector(".plan-version-notice")
    assert page.locator(".plan-versions a[aria-current='page']").count() == 1
    assert_accessible(page)

    with page.expect_download() as download:
        page.locator(".page-heading a[href*='/docx/']").click()
    document = Document(str(download.value.path()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "G-1 Færre manuelle krav" in headings


def test_a_reader_sees_the_programme_plan_without_the_save_form(page, plan_register):
    programme, _initiative = plan_register
    _log_in(page, "leser")
    page.goto(f"/p/{programme.slug}/realisation-plan/")
    assert page.locator("form.plan-save").count() == 0
    assert page.locator(".section-nav a[aria-current='page']").count() == 1
    assert page.locator("#plan-part-budget").count() == 1
    assert_accessible(page)
