"""A facilitator works through the portfolio in real Chromium: the overview with its charts,
the initiative list, every tab of an initiative, a cost line added inline with HTMX, and the
add and edit forms of dependencies, risks and status reports.
axe-core checks each page; the page fixture fails on CSP violations and foreign requests."""

from __future__ import annotations

import pytest

from nytte.core.choices import Role
from nytte.portfolio.models import Dependency, InitiativeGoal
from tests.browser.conftest import assert_accessible
from tests.factories import (
    CostLineFactory,
    GoalFactory,
    InitiativeFactory,
    LifeEventFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    RiskFactory,
    StatusReportFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABS = ["overview", "costs", "dependencies", "risks", "reports", "history"]


@pytest.fixture
def portfolio():
    """A small programme with one well-filled initiative and its neighbours."""
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    nav = OrganisationFactory(name="Arbeids- og velferdsetaten", short_name="NAV")
    programme = ProgrammeFactory(
        name="Framtidens innkreving",
        slug="framtidens-innkreving",
        owner=ske,
        vision="Innkrevingen skjer bare, som en del av brukerens egen flyt.",
        target_picture="## Målbilde 2028\n\n- Færre krav\n- *Samordnet* innkreving",
    )
    programme.participants.add(ske, nav)
    user = UserFactory(username="fasilitator")
    MembershipFactory(user=user, programme=programme, role=Role.FACILITATOR)
    societal = GoalFactory(programme=programme, code="S1", title="Innkreving som bare skjer")
    impact = GoalFactory(
        programme=programme, code="E1", level="impact", parent=societal, title="Færre feil"
    )
    main = InitiativeFactory(
        programme=programme,
        code="FI-1",
        title="Samordnet innkreving",
        owner_organisation=ske,
        owner=user,
        status="yellow",
        status_reason="Avhenger av NAV",
        planned_start="2026-01-01",
        planned_end="2027-12-31",
    )
    main.participants.add(nav)
    main.life_events.add(LifeEventFactory(name="Miste og finne jobb"))
    InitiativeGoal.objects.create(initiative=main, goal=impact, contribution=2)
    other = InitiativeFactory(
        programme=programme, code="FI-2", owner_organisation=nav, planned_start="2026-06-01"
    )
    third = InitiativeFactory(programme=programme, code="FI-3", owner_organisation=nav)
    Dependency.objects.create(source=main, target=other, kind="requires")
    Dependency.objects.create(source=third, target=main, kind="conflicts")
    for year, org in [(2026, ske), (2027, ske), (2027, nav)]:
        CostLineFactory(initiative=main, organisation=org, year=year)
    RiskFactory(initiative=main, title="Leverandør forsinket", probability=4, consequence=5)
    RiskFactory(initiative=main, title="Uklart regelverk", probability=2, consequence=2)
    StatusReportFactory(initiative=main, period="2026-03", benefits="yellow")
    return programme, main, nav


def _log_in(page) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill("fasilitator")
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/p/framtidens-innkreving/")


def test_portfolio_pages_and_every_initiative_tab_are_accessible(page, portfolio):
    programme, initiative, _nav = portfolio
    _log_in(page)

    page.goto(f"/p/{programme.slug}/portfolio/")
    # Both charts are drawn as SVG by Vega, within the CSP (no eval, no inline style).
    page.wait_for_selector("[data-chart='cost-chart-spec'] svg")
    page.wait_for_selector("[data-chart='roadmap-chart-spec'] svg")
    assert page.locator("h1").inner_text().endswith("Framtidens innkreving")
    assert_accessible(page)

    page.goto(f"/p/{programme.slug}/initiatives/")
    assert page.locator("a[href$='/initiatives/FI-1/']").count() == 1
    assert_accessible(page)

    for tab in TABS:
        page.goto(f"{initiative.get_absolute_url()}?tab={tab}")
        current = page.locator(".tab-nav a[aria-current='page']")
        assert current.count() == 1
        assert (current.get_attribute("href") or "").endswith("" if tab == "overview" else tab)
        assert_accessible(page)


def test_tabs_switch_with_htmx_and_keep_a_real_url(page, portfolio):
    _programme, initiative, _nav = portfolio
    _log_in(page)
    page.goto(initiative.get_absolute_url())
    page.locator(".tab-nav a[href$='?tab=risks']").click()
    page.wait_for_url("**?tab=risks")
    page.wait_for_selector("table.risk-matrix")
    assert page.locator(".tab-nav a[aria-current='page']").get_attribute("href").endswith("risks")
    assert_accessible(page)


def test_cost_line_added_and_edited_inline(page, portfolio):
    _programme, initiative, nav = portfolio
    _log_in(page)
    page.goto(f"{initiative.get_absolute_url()}?tab=costs")
    before = page.url

    page.locator("#id_add-organisation").select_option(str(nav.pk))
    page.locator("#id_add-year").fill("2028")
    page.locator("#id_add-category").select_option("operation")
    page.locator("#id_add-low").fill("100")
    page.locator("#id_add-likely").fill("50")  # below low: refused, what was typed stays
    page.locator("#id_add-high").fill("300")
    page.locator("#costs-panel form:has(input[value='cost-add']) button[type=submit]").click()
    page.wait_for_selector(".ds-error-summary")
    assert page.locator("#id_add-high").input_value() == "300"
    assert_accessible(page)

    page.locator("#id_add-likely").fill("200")
    page.locator("#costs-panel form:has(input[value='cost-add']) button[type=submit]").click()
    page.wait_for_selector("#costs-panel .ds-alert[data-color='success']")
    assert page.url == before  # swapped in place, no page load
    assert page.locator("#costs-panel tbody tr").filter(has_text="2028").count() == 1

    page.locator("#costs-panel tbody tr").filter(has_text="2028").locator("a").click()
    page.wait_for_selector("#id_edit-likely")
    assert page.evaluate("document.activeElement.id") == "id_edit-organisation"
    page.locator("#id_edit-likely").fill("250")
    page.locator(".line-edit-row button[type=submit]").click()
    page.wait_for_selector("#costs-panel .ds-alert[data-color='success']")
    assert page.locator("#costs-panel tbody tr").filter(has_text="2028").inner_text().count("250")
    assert_accessible(page)


LINE_TABS = {"costs": "cost", "dependencies": "dependency", "risks": "risk", "reports": "report"}


def test_every_add_and_edit_form_is_accessible(page, portfolio):
    _programme, initiative, _nav = portfolio
    _log_in(page)
    for tab, action in LINE_TABS.items():
        page.goto(f"{initiative.get_absolute_url()}?tab={tab}")
        add = page.locator(f"#{tab}-panel form:has(input[value='{action}-add'])")
        assert add.count() == 1, tab
        assert_accessible(page)
        # Submitted empty: the errors and their summary must be accessible too.
        add.locator("button[type=submit]").click()
        page.wait_for_selector(f"#{tab}-panel .ds-error-summary")
        assert_accessible(page)
        # The first line's edit form, swapped in place of its row.
        page.locator(f"#{tab}-panel tbody .row-actions a").first.click()
        page.wait_for_selector(f"#{tab}-panel .line-edit-row form")
        assert page.evaluate("document.activeElement.closest('.line-edit-row') !== null")
        assert_accessible(page)


def test_a_requires_cycle_is_refused_in_place(page, portfolio):
    _programme, initiative, _nav = portfolio
    # FI-1 requires FI-2 already; FI-2 requiring FI-1 would close the loop.
    other = initiative.programme.initiatives.get(code="FI-2")
    _log_in(page)
    page.goto(f"{other.get_absolute_url()}?tab=dependencies")
    before = page.url
    page.locator("#id_add-target").fill("FI-1")
    page.locator("#id_add-kind").select_option("requires")
    page.locator("#id_add-note").fill("Trenger vedtaket")
    page.locator("#dependencies-panel form:has(input[value='dependency-add']) button").click()
    page.wait_for_selector("#id_add-target-error")
    assert "FI-2 → FI-1 → FI-2" in page.locator("#id_add-target-error").inner_text()
    assert page.locator("#id_add-note").input_value() == "Trenger vedtaket"
    assert page.url == before
    assert_accessible(page)
