"""The benefits analysis pages in real Chromium: the benefits map highlights the paths
through a box pointed at or focused, and the map, who pays / who benefits and the follow-up
dashboard pass axe-core. The page fixture fails on CSP violations and foreign requests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nytte.core.choices import Role
from tests.browser.conftest import assert_accessible
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    CostLineFactory,
    GoalFactory,
    IndicatorFactory,
    InitiativeFactory,
    MeasurementFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register():
    """Two impact goals, three initiatives (one without benefits), three benefits (one without
    an impact goal, one not priced), costs, and a benefit behind plan."""
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    nav = OrganisationFactory(name="Arbeids- og velferdsetaten", short_name="NAV")
    programme = ProgrammeFactory(
        name="Framtidens innkreving", slug="framtidens-innkreving", owner=ske, start_year=2026
    )
    programme.participants.add(ske, nav)
    admin = UserFactory(username="programadmin")
    MembershipFactory(user=admin, programme=programme, role=Role.PROGRAMME_ADMIN)
    societal = GoalFactory(programme=programme, code="S1", title="Innkreving som bare skjer")
    fewer_errors = GoalFactory(
        programme=programme, code="E1", level="impact", parent=societal, title="Færre feil"
    )
    faster = GoalFactory(
        programme=programme, code="E2", level="impact", parent=societal, title="Raskere svar"
    )
    first = InitiativeFactory(
        programme=programme, code="FI-1", title="Samordnet innkreving", owner_organisation=ske
    )
    second = InitiativeFactory(
        programme=programme, code="FI-2", title="Felles kravregister", owner_organisation=nav
    )
    InitiativeFactory(
        programme=programme, code="FI-3", title="Uten gevinst", owner_organisation=nav
    )
    CostLineFactory(
        initiative=first, organisation=ske, year=2026, low=1, likely=6_000_000, high=9_000_000
    )
    CostLineFactory(
        initiative=first, organisation=nav, year=2026, low=1, likely=4_000_000, high=9_000_000
    )
    CostLineFactory(
        initiative=second, organisation=nav, year=2027, low=1, likely=2_000_000, high=9_000_000
    )

    errors = BenefitFactory(
        programme=programme,
        code="G-1",
        title="Færre feilutbetalinger",
        impact_goal=fewer_errors,
        owner_organisation=nav,
        owner=admin,
    )
    for year in (2027, 2028, 2029):
        BenefitAmountFactory(benefit=errors, year=year, low=1, likely=3_000_000, high=5_000_000)
    ContributionFactory(benefit=errors, initiative=first, share=50)
    ContributionFactory(benefit=errors, initiative=second, share=50)
    answers = BenefitFactory(
        programme=programme,
        code="G-2",
        title="Raskere svar til innbyggerne",
        kind="quality",
        priced=False,
        impact_goal=faster,
        owner_organisation=ske,
        arises_in_organisation=None,
        arises_in_group="citizens",
    )
    ContributionFactory(benefit=answers, initiative=first, share=100)
    loose = BenefitFactory(
        programme=programme, code="G-3", title="Bedre data", owner_organisation=ske
    )
    BenefitAmountFactory(benefit=loose, year=2028, low=1, likely=1_000_000, high=2_000_000)

    today = timezone.localdate()
    indicator = IndicatorFactory(
        benefit=errors, baseline_value=0, baseline_date=today - dt.timedelta(days=200)
    )
    TargetFactory(indicator=indicator, date=today + dt.timedelta(days=165), value=100)
    MeasurementFactory(indicator=indicator, date=today - dt.timedelta(days=10), value=25)
    return programme, first, second, errors


def _log_in(page) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill("programadmin")
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/p/framtidens-innkreving/")


def _lit(page) -> set[str]:
    return set(
        page.eval_on_selector_all(
            "svg[data-benefits-map] .map-node.is-lit", "nodes => nodes.map(n => n.dataset.node)"
        )
    )


def test_map_highlights_paths_and_is_accessible(page, register):
    programme, first, second, errors = register
    _log_in(page)
    page.goto(f"/p/{programme.slug}/benefits-map/")
    svg = page.locator("svg[data-benefits-map]")
    assert svg.count() == 1
    assert_accessible(page)

    # Pointing at G-1 lights both initiatives behind it and the goals above it, nothing else.
    page.locator(f"[data-node='b-{errors.pk}']").hover()
    goals = {f"g-{errors.impact_goal_id}", f"g-{errors.impact_goal.parent_id}"}
    assert _lit(page) == {f"b-{errors.pk}", f"i-{first.pk}", f"i-{second.pk}"} | goals
    assert "is-highlighting" in (svg.get_attribute("class") or "")
    page.mouse.move(0, 0)
    assert _lit(page) == set()

    # Moving to FI-2 with the keyboard lights its path: G-1 and its goals, not FI-1.
    page.locator(f"[data-node='i-{second.pk}']").focus()
    assert _lit(page) == {f"i-{second.pk}", f"b-{errors.pk}"} | goals
    lit_edges = page.eval_on_selector_all(
        "svg[data-benefits-map] .map-edge.is-lit", "edges => edges.length"
    )
    assert lit_edges == 3  # FI-2 → G-1 → E1 → S1
    assert_accessible(page)

    # The filter is a plain GET form.
    page.locator("#filter_organisation").select_option(label="Skatteetaten")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url("**?organisation=*")
    assert page.locator(f"[data-node='i-{second.pk}']").count() == 1  # on G-1's path
    assert page.locator("[data-node^='i-']").count() == 2  # FI-3 (NAV, idle) is gone
    assert_accessible(page)


def test_flows_and_dashboard_are_accessible(page, register):
    programme, *_rest = register
    _log_in(page)
    page.goto(f"/p/{programme.slug}/who-pays/")
    assert page.locator(".flow-chart svg path.flow-link").count() >= 3
    assert page.locator("table.flow-matrix tbody tr").count() == 3  # SKE, NAV, untied
    assert_accessible(page)

    page.goto(f"/p/{programme.slug}/benefits-dashboard/")
    assert page.locator("[data-card='behind'] .dashboard-card__count").inner_text() == "1"
    assert_accessible(page)
    page.locator("#save_tolerance").fill("40")
    page.locator("form[method=post] button[type=submit]").click()
    page.wait_for_selector(".ds-alert[data-color='success']")
    assert page.locator("[data-card='behind'] .dashboard-card__count").inner_text() == "0"
    assert_accessible(page)
