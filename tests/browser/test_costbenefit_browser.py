"""An initiative owner works through the cost-benefit page in real Chromium: the analysis with
its three charts, an extra line added inline with HTMX (refused first, then accepted), an
analysis the engine refuses, and a frozen snapshot. axe-core checks each state; the page
fixture fails on CSP violations, console errors and foreign requests."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from nytte.core.choices import Role
from nytte.costbenefit.models import Snapshot
from tests.browser.conftest import assert_accessible
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    CostLineFactory,
    InitiativeFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ("cba-histogram-1", "cba-s-curve", "cba-tornado")


@pytest.fixture
def initiative():
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE", kind="agency")
    nav = OrganisationFactory(name="Arbeids- og velferdsetaten", short_name="NAV", kind="agency")
    programme = ProgrammeFactory(
        name="Framtidens innkreving", slug="framtidens-innkreving", owner=ske
    )
    user = UserFactory(username="eier")
    MembershipFactory(user=user, programme=programme, role=Role.OWNER)
    initiative = InitiativeFactory(
        programme=programme,
        code="FI-1",
        title="Samordnet innkreving",
        owner_organisation=ske,
        owner=user,
    )
    for year, org, category in [
        (2026, ske, "investment"),
        (2027, ske, "operation"),
        (2027, nav, "investment"),
    ]:
        CostLineFactory(initiative=initiative, organisation=org, year=year, category=category)
    benefit = BenefitFactory(
        programme=programme,
        code="G-1",
        title="Færre manuelle saker",
        owner_organisation=nav,
        arises_in_organisation=nav,
        budget_cut_share=50,
    )
    for year in range(2027, 2033):
        BenefitAmountFactory(
            benefit=benefit, year=year, low=700_000, likely=900_000, high=1_300_000
        )
    ContributionFactory(benefit=benefit, initiative=initiative, share=70)
    quality = BenefitFactory(
        programme=programme,
        code="G-2",
        title="Bedre brukeropplevelse",
        kind="quality",
        priced=False,
        plus_minus=2,
        plus_minus_reasoning="Færre krav for brukeren.",
    )
    ContributionFactory(benefit=quality, initiative=initiative, share=100)
    return initiative


def _log_in(page) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill("eier")
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/p/framtidens-innkreving/")


def _charts_drawn(page) -> None:
    for chart in CHARTS:
        page.wait_for_selector(f"[data-chart='{chart}'] svg")


def test_the_analysis_an_inline_line_and_a_snapshot_are_accessible(page, initiative):
    _log_in(page)
    address = f"/p/framtidens-innkreving/initiatives/{initiative.code}/cost-benefit/"
    page.goto(address)
    _charts_drawn(page)
    nnv_before = page.locator(".cba-key-figures__nnv").get_attribute("data-nnv")
    assert_accessible(page)

    # An extra line, first refused (low above most likely), then accepted, swapped in place.
    page.locator("details.cba-add summary").nth(1).click()
    page.locator("#id_line-add-name").fill("Opplæring av saksbehandlere")
    page.locator("#id_line-add-kind").select_option("cost")
    page.locator("#id_line-add-category").select_option("operation")
    page.locator("#id_line-add-group").select_option("citizens")
    page.locator("#id_line-add-first_year").fill("2027")
    page.locator("#id_line-add-last_year").fill("2028")
    page.locator("#id_line-add-low").fill("300000")
    page.locator("#id_line-add-likely").fill("200000")
    page.locator("#id_line-add-high").fill("400000")
    page.locator("form:has(input[value='line-add']) button[type=submit]").click()
    page.wait_for_selector("#id_line-add-high-error")
    assert page.locator("#id_line-add-name").input_value() == "Opplæring av saksbehandlere"
    assert page.url.endswith(address)
    assert_accessible(page)

    page.locator("#id_line-add-low").fill("100000")
    page.locator("form:has(input[value='line-add']) button[type=submit]").click()
    page.wait_for_selector("#cost-benefit .cba__notice .ds-alert[data-color='success']")
    _charts_drawn(page)  # the swapped content draws its charts again
    nnv_after = page.locator(".cba-key-figures__nnv").get_attribute("data-nnv")
    assert int(nnv_after) < int(nnv_before)
    assert page.locator("#extra-lines ~ .table-scroll tbody tr").count() == 1
    assert_accessible(page)

    # Freeze: a plain POST that lands on the snapshot page.
    page.locator("#id_freeze-note").fill("Beslutningssak BP2")
    page.locator("form.cba-freeze button[type=submit]").click()
    page.wait_for_url("**/cost-benefit/v1/")
    _charts_drawn(page)
    assert "Beslutningssak BP2" in page.locator(".cba-snapshot-facts").inner_text()
    assert page.locator(".cba-key-figures__nnv").get_attribute("data-nnv") == nnv_after
    assert Snapshot.objects.get().note == "Beslutningssak BP2"
    assert_accessible(page)


def test_an_analysis_the_engine_refuses_is_explained_accessibly(page, initiative):
    _log_in(page)
    page.goto(f"/p/framtidens-innkreving/initiatives/{initiative.code}/cost-benefit/")
    page.locator("details.cba-settings summary").click()
    base_year = page.locator("#id_settings-base_year")
    base_year.fill("2030")
    # Submitted from the keyboard (Enter in the field), so no layout shift under load can
    # move the button from under a click; the POST's own answer is awaited, so a failure
    # says whether the server refused to explain or the page did not show it.
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/cost-benefit/" in r.url, timeout=90_000
    ) as posted:
        base_year.press("Enter")
    answer = posted.value
    # 200: HTMX swaps the answer in; 302: a submit before HTMX was ready, answered by a reload.
    assert answer.status in (200, 302), (answer.status, answer.url)
    assert answer.status == 302 or "cba-error" in answer.text(), answer.text()[:2000]
    expect(page.locator(".cba-error")).to_be_visible()
    assert page.locator("details.cba-settings[open]").count() == 1
    assert page.locator("#id_settings-base_year").input_value() == "2030"
    assert page.locator("[data-chart]").count() == 0
    assert_accessible(page)


def test_a_facilitator_builds_a_proposals_analysis_from_nothing(page):
    """A proposal starts empty: the page says what to enter, the add form is open, and two
    lines typed in place give the charts."""
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE", kind="agency")
    programme = ProgrammeFactory(
        name="Framtidens innkreving", slug="framtidens-innkreving", owner=ske
    )
    user = UserFactory(username="eier")
    MembershipFactory(user=user, programme=programme, role=Role.FACILITATOR)
    ProposalFactory(programme=programme, number=7, title="Felles betalingsavtale")
    _log_in(page)
    page.goto("/p/framtidens-innkreving/proposals/7/")
    page.get_by_role("link", name="Samfunnsøkonomisk analyse").click()
    page.wait_for_selector(".cba-empty")
    assert page.locator("[data-chart]").count() == 0
    assert_accessible(page)

    lines = [
        ("Utvikling", "cost", "investment", "2026", "2026", ("800000", "1000000", "1500000")),
        ("Spart tid", "benefit", "external", "2027", "2036", ("100000", "200000", "250000")),
    ]
    for number, (name, kind, category, first, last, (low, likely, high)) in enumerate(lines, 1):
        if page.locator("details.cba-add").nth(1).get_attribute("open") is None:
            page.locator("details.cba-add summary").nth(1).click()
        page.locator("#id_line-add-name").fill(name)
        page.locator("#id_line-add-kind").select_option(kind)
        page.locator("#id_line-add-category").select_option(category)
        page.locator("#id_line-add-group").select_option("citizens")
        page.locator("#id_line-add-first_year").fill(first)
        page.locator("#id_line-add-last_year").fill(last)
        page.locator("#id_line-add-low").fill(low)
        page.locator("#id_line-add-likely").fill(likely)
        page.locator("#id_line-add-high").fill(high)
        page.locator("form:has(input[value='line-add']) button[type=submit]").click()
        page.wait_for_selector("#cost-benefit .cba__notice .ds-alert[data-color='success']")
        page.wait_for_function(
            "n => document.querySelectorAll('#extra-lines ~ .table-scroll tbody tr').length === n",
            arg=number,
        )
    _charts_drawn(page)
    # (0.8 + 4 × 1 + 1.5) / 6 m cost at once against (0.1 + 4 × 0.2 + 0.25) / 6 m a year for
    # ten years, discounted at 4 %: positive (see test_costbenefit_proposals for the sum).
    assert int(page.locator(".cba-key-figures__nnv").get_attribute("data-nnv")) > 0
    assert_accessible(page)
