"""The co-funding page in real Chromium: accessible (axe-core) as a check with missing facts,
with a refused form that keeps what was typed, and after the facts are saved; the appendices
download as a Word document."""

from __future__ import annotations

import pytest

from nytte.core.choices import Role
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
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
M = 1_000_000


@pytest.fixture
def initiative():
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE", kind="agency")
    programme = ProgrammeFactory(name="Framtidens innkreving", slug="framtidens-innkreving")
    user = UserFactory(username="fasilitator")
    MembershipFactory(user=user, programme=programme, role=Role.FACILITATOR)
    initiative = InitiativeFactory(
        programme=programme, code="FI-1", owner_organisation=ske, phase="plan"
    )
    CostLineFactory(initiative=initiative, organisation=ske, year=2026, likely=30 * M, high=40 * M)
    gain = BenefitFactory(
        programme=programme, owner_organisation=ske, arises_in_organisation=ske, budget_cut_share=50
    )
    for year in (2027, 2028):
        BenefitAmountFactory(benefit=gain, year=year, low=15 * M, likely=20 * M, high=25 * M)
    ContributionFactory(benefit=gain, initiative=initiative, share=100)
    return initiative


def _log_in(page) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill("fasilitator")
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/p/framtidens-innkreving/")


def test_the_co_funding_page_is_accessible_and_its_form_works(page, initiative):
    _log_in(page)
    page.goto("/p/framtidens-innkreving/initiatives/FI-1/co-funding/")
    assert page.locator("#cofunding-verdict[data-color='warning']").count() == 1
    assert page.locator("table .ds-tag[data-color='neutral']").count() == 1  # share: not assessed
    assert_accessible(page)

    page.locator("#id_requested").fill("-1")
    page.locator("#id_note").fill("Søknad høsten 2026")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_selector(".ds-error-summary")
    assert page.locator("#id_note").input_value() == "Søknad høsten 2026"
    assert page.locator("#id_requested[aria-invalid='true']").count() == 1
    assert_accessible(page)

    page.locator("#id_requested").fill("15000000")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_selector("#cofunding-verdict[data-color='success']")
    assert page.locator("table .ds-tag[data-color='success']").count() == 8
    assert_accessible(page)

    with page.expect_download() as download:
        page.locator(".action-list a[download]").click()
    assert download.value.suggested_filename == "co-funding-appendices-FI-1.docx"
