"""A facilitator works through the benefits register in real Chromium: the register, every
tab of a benefit with its realisation chart, lines added and refused inline with HTMX, the
add and edit forms of every kind of line, the benefit's own form, and the initiative's
Benefits tab. axe-core checks each page; the page fixture fails on CSP violations and
foreign requests."""

from __future__ import annotations

import datetime as dt

import pytest

from nytte.benefits.models import Measurement
from nytte.core.choices import Role
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

TABS = ["overview", "realisation", "history"]


@pytest.fixture
def register():
    """A programme with one well-filled benefit that two agencies' initiatives share."""
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    nav = OrganisationFactory(name="Arbeids- og velferdsetaten", short_name="NAV")
    programme = ProgrammeFactory(
        name="Framtidens innkreving", slug="framtidens-innkreving", owner=ske
    )
    programme.participants.add(ske, nav)
    user = UserFactory(username="fasilitator")
    MembershipFactory(user=user, programme=programme, role=Role.FACILITATOR)
    societal = GoalFactory(programme=programme, code="S1", title="Innkreving som bare skjer")
    impact = GoalFactory(
        programme=programme, code="E1", level="impact", parent=societal, title="Færre feil"
    )
    first = InitiativeFactory(
        programme=programme, code="FI-1", title="Samordnet innkreving", owner_organisation=ske
    )
    second = InitiativeFactory(
        programme=programme, code="FI-2", title="Felles kravregister", owner_organisation=nav
    )
    benefit = BenefitFactory(
        programme=programme,
        code="G-1",
        title="Færre feilutbetalinger",
        owner_organisation=nav,
        arises_in_organisation=nav,
        impact_goal=impact,
        status="realising",
    )
    ContributionFactory(benefit=benefit, initiative=first, share=50)
    ContributionFactory(benefit=benefit, initiative=second, share=30)
    for year in (2026, 2027):
        BenefitAmountFactory(benefit=benefit, year=year)
    indicator = IndicatorFactory(
        benefit=benefit,
        name="Feilutbetalinger",
        unit="saker",
        baseline_value=1000,
        baseline_date=dt.date(2026, 1, 1),
    )
    TargetFactory(indicator=indicator, date=dt.date(2027, 1, 1), value=600)
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 4, 1), value=900, recorded_by=user)
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 7, 1), value=820)
    benefit.risks.add(RiskFactory(initiative=first, title="Sen datadeling"))
    BenefitFactory(
        programme=programme,
        code="G-2",
        title="Tryggere innbyggere",
        kind="others",
        arises_in_organisation=None,
        arises_in_group="citizens",
    )
    return programme, benefit, first, indicator


def _log_in(page, *, english: bool = False) -> None:
    """Log in as the facilitator; ``english`` for tests that find things by their text."""
    page.goto("/login/")
    page.locator("#id_username").fill("fasilitator")
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/p/framtidens-innkreving/")
    if english:
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])


def test_register_and_every_tab_of_a_benefit_are_accessible(page, register):
    programme, benefit, _initiative, indicator = register
    _log_in(page)

    page.goto(f"/p/{programme.slug}/benefits/")
    assert page.locator("a[href$='/benefits/G-1/']").count() == 1
    assert page.locator("#total-once").inner_text() != ""
    assert_accessible(page)

    page.goto(f"/p/{programme.slug}/benefits/?initiative=FI-1&sort=-total")
    assert "FI-1" in page.locator("#results").inner_text()
    assert_accessible(page)

    for tab in TABS:
        page.goto(f"{benefit.get_absolute_url()}?tab={tab}")
        current = page.locator(".tab-nav a[aria-current='page']")
        assert current.count() == 1
        assert (current.get_attribute("href") or "").endswith("" if tab == "overview" else tab)
        if tab == "realisation":
            # The chart is drawn as SVG by Vega within the CSP, next to its table.
            page.wait_for_selector(f"[data-chart='indicator-{indicator.pk}-chart'] svg")
        assert_accessible(page)


def test_tabs_switch_with_htmx_and_the_chart_is_drawn(page, register):
    _programme, benefit, _initiative, indicator = register
    _log_in(page)
    page.goto(benefit.get_absolute_url())
    page.locator(".tab-nav a[href$='?tab=realisation']").click()
    page.wait_for_url("**?tab=realisation")
    page.wait_for_selector(f"[data-chart='indicator-{indicator.pk}-chart'] svg")
    assert_accessible(page)


def test_a_measurement_added_inline_changes_the_realisation(page, register):
    _programme, benefit, _initiative, indicator = register
    _log_in(page, english=True)
    page.goto(f"{benefit.get_absolute_url()}?tab=realisation")
    before = page.url
    prefix = f"#id_add-measurement-{indicator.pk}"
    page.locator("summary", has_text="Add a measurement for Feilutbetalinger").click()
    page.locator(f"{prefix}-date").fill("2026-07-01")  # taken: refused, typing kept
    page.locator(f"{prefix}-value").fill("700")
    page.locator(f"{prefix}-source").fill("Uttrekk oktober")
    form = page.locator(f"form:has({prefix}-date)")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"{prefix}-date-error")
    assert page.locator(f"{prefix}-source").input_value() == "Uttrekk oktober"
    assert_accessible(page)

    page.locator(f"{prefix}-date").fill("2026-10-01")
    page.locator(f"form:has({prefix}-date) button[type=submit]").click()
    page.wait_for_selector("#realisation-panel .ds-alert[data-color='success']")
    assert page.url == before  # swapped in place, no page load
    # 300 of the 400 to go: 75 % realised, and the chart is drawn again after the swap.
    assert "75 %" in page.locator(".progress").first.inner_text()
    page.wait_for_selector(f"[data-chart='indicator-{indicator.pk}-chart'] svg")
    assert Measurement.objects.filter(value=700).exists()
    assert_accessible(page)


LINE_FORMS = {
    # action: tab, the add form's summary text (folded forms) or None (always open)
    "contribution": ("overview", None),
    "amount": ("overview", None),
    "indicator": ("realisation", "Add an indicator"),
    "target": ("realisation", "Add a target for Feilutbetalinger"),
    "measurement": ("realisation", "Add a measurement for Feilutbetalinger"),
}


def test_every_add_and_edit_form_is_accessible(page, register):
    _programme, benefit, _initiative, _indicator = register
    _log_in(page, english=True)
    for action, (tab, summary) in LINE_FORMS.items():
        page.goto(f"{benefit.get_absolute_url()}?tab={tab}")
        if summary:
            page.locator("summary", has_text=summary).click()
        add = page.locator(f"#{tab}-panel form:has(input[value='{action}-add'])")
        assert add.count() == 1, action
        assert_accessible(page)
        # Submitted empty: the errors and their summary must be accessible too.
        add.locator("button[type=submit]").click()
        page.wait_for_selector(f"#{tab}-panel .ds-error-summary")
        assert_accessible(page)
        # The first line's edit form, swapped in place.
        page.goto(f"{benefit.get_absolute_url()}?tab={tab}")
        page.locator(f"#{tab}-panel a[href*='edit={action}-']").first.click()
        page.wait_for_selector(
            f"#{tab}-panel input[name='action'][value='{action}-update']", state="attached"
        )
        assert page.evaluate("document.activeElement.name || ''").startswith(f"edit-{action}-")
        assert_accessible(page)


def test_shares_over_100_percent_are_refused_inline(page, register):
    _programme, benefit, _initiative, _indicator = register
    third = InitiativeFactory(programme=benefit.programme, code="FI-3", title="Ny kanal")
    _log_in(page)
    page.goto(benefit.get_absolute_url())
    page.locator("#id_add-contribution-initiative").fill(third.code)
    page.locator("#id_add-contribution-share").fill("40")
    page.locator("form:has(input[value='contribution-add']) button[type=submit]").click()
    page.wait_for_selector("#id_add-contribution-share-error")
    assert "120" in page.locator("#id_add-contribution-share-error").inner_text()
    assert page.locator("#id_add-contribution-share").input_value() == "40"
    assert_accessible(page)


def test_benefit_forms_and_the_initiative_tab_are_accessible(page, register):
    programme, benefit, initiative, _indicator = register
    _log_in(page)
    page.goto(f"/p/{programme.slug}/benefits/new/")
    assert_accessible(page)
    page.locator("#id_code").fill("G-3")
    page.locator("#id_title").fill("Raskere svar")
    page.locator("#id_kind").select_option("efficiency")
    page.locator("#id_arises_in_group").select_option("citizens")
    page.locator("#id_contribution-0-initiative").fill(initiative.code)
    page.locator("#id_contribution-0-share").fill("80")
    page.locator("#id_contribution-1-initiative").fill("FI-2")
    page.locator("#id_contribution-1-share").fill("30")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_selector(".ds-error-summary")
    assert page.locator("#id_contribution-1-share").input_value() == "30"
    assert_accessible(page)

    page.goto(f"/p/{programme.slug}/benefits/{benefit.code}/edit/")
    assert_accessible(page)

    page.goto(f"{initiative.get_absolute_url()}?tab=benefits")
    assert "G-1" in page.locator("#benefits-panel").inner_text()
    assert_accessible(page)
