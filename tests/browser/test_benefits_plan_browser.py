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


def test_a_reader_pages_and_filters_a_large_programme_plan(page, plan_register, monkeypatch):
    """A page of one benefit stands for a national plan's twenty: the pager, the filter by
    initiative (with its error) and owner, at a desktop's and a phone's width."""
    from nytte.benefits.plan import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 1)
    programme, _initiative = plan_register
    _log_in(page, "leser")
    page.goto(f"/p/{programme.slug}/realisation-plan/")
    assert "1–1 av 3" in page.locator("#plan-shown-summary").inner_text()
    assert page.locator("#benefit-G-1").count() == 1 and page.locator("#benefit-G-2").count() == 0
    assert_accessible(page)

    page.locator("nav[aria-label='Sider med gevinster'] a", has_text="3").click()
    page.wait_for_selector("#benefit-G-3")
    assert page.locator("#benefit-G-1").count() == 0
    assert_accessible(page)

    page.locator("#plan-filter-initiative").fill("FI-2")
    page.locator(".plan-shown button[type=submit]").click()
    page.wait_for_url("**initiative=FI-2**")
    assert page.locator("#benefit-G-1").count() == 1  # FI-2 shares G-1 alone
    assert "1–1 av 1" in page.locator("#plan-shown-summary").inner_text()

    page.locator("#plan-filter-initiative").fill("FI-9")
    page.locator(".plan-shown button[type=submit]").click()
    page.wait_for_url("**initiative=FI-9**")
    assert page.locator("#plan-filter-initiative").input_value() == "FI-9"
    assert page.locator("#plan-filter-initiative[aria-invalid='true']").count() == 1
    assert "FI-9" in page.locator("#plan-filter-initiative-error").inner_text()
    assert_accessible(page)

    page.locator(".plan-shown a", has_text="Vis alle gevinster").click()
    page.locator("#plan-filter-owner").select_option(label="Skatteetaten")
    page.locator(".plan-shown button[type=submit]").click()
    page.wait_for_url("**owner=**")
    assert "av 3" in page.locator("#plan-shown-summary").inner_text()
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)


def test_a_large_plans_file_page_says_it_is_being_made(page, plan_register, monkeypatch):
    """The page a large plan's Word link opens while the worker builds the file, and the
    one for a plan too large for Word: both accessible, both lead back."""
    monkeypatch.setattr("nytte.benefits.services.plans.BACKGROUND_OVER", 1)
    programme, _initiative = plan_register
    _log_in(page, "leser")
    page.goto(f"/p/{programme.slug}/realisation-plan/")
    page.locator(".page-heading a[href*='/docx/']").click()
    page.wait_for_selector("[role=status]")
    assert "Filen lages" in page.locator("main").inner_text()
    assert_accessible(page)
    monkeypatch.setattr("nytte.benefits.plan.files.WORD_MOST", 1)
    page.goto(f"/p/{programme.slug}/realisation-plan/docx/")
    assert "For stor for et Word-dokument" in page.locator("main").inner_text()
    assert_accessible(page)
    # The page answers 409 on purpose (no file is made): not a missing resource.
    expected = [r for r in page.watch.failed_responses if r.startswith("409 ")]
    assert len(expected) == 1 and expected[0].endswith("/realisation-plan/docx/")
    page.watch.failed_responses.remove(expected[0])
    page.watch.console_errors[:] = [e for e in page.watch.console_errors if "409" not in e]
    page.locator("main a", has_text="Tilbake til gevinstrealiseringsplanen").click()
    page.wait_for_selector("#plan-shown-h")
