"""The scenario pages in real Chromium: the list, a scenario with its budgets, stop costs
and funds, a finished plan run (with what the co-funding scheme pays) and an efficient
frontier run: accessible (axe-core), and the scenario and run pages fit a phone's width."""

from __future__ import annotations

import pytest

from nytte.scenarios import services
from nytte.scenarios.tasks import run_scenario
from tests.browser.conftest import assert_accessible
from tests.scenarios.conftest import make_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_scenario_pages_are_accessible_and_show_funds_and_the_frontier(
    page, programme, facilitator
):
    register = make_register(programme)
    scenario = services.scenario_create(
        programme=programme,
        name="Med medfinansiering",
        first_year=2027,
        years=3,
        time_limit=5,
        proposals=[register["proposal"]],
        acting_user=facilitator,
    )
    page.goto("/login/")
    page.locator("#id_username").fill(facilitator.username)
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/p/{programme.slug}/")

    page.goto(f"/p/{programme.slug}/scenarios/")
    assert page.locator("main table a", has_text="Med medfinansiering").count() == 1
    assert_accessible(page)

    page.goto(scenario.get_absolute_url())
    page.locator("#cofunding-budget").fill("20000000")
    page.locator("form:has(#cofunding-budget) button[type=submit]").click()
    page.wait_for_selector("#funds-h ~ .table-scroll table tbody tr")
    assert "Medfinansieringsordningen" in page.locator("#funds-h ~ .table-scroll").inner_text()
    page.locator("details:has(#id_fund-name) summary").click()  # the other fund's form
    assert_accessible(page)

    plan = services.run_create(scenario=scenario, acting_user=facilitator)
    frontier = services.run_create(scenario=scenario, acting_user=facilitator, levels=[0.5, 1])
    for run in (plan, frontier):
        run_scenario.call(run.pk)
    page.goto(plan.get_absolute_url())
    page.wait_for_selector("#fundpay-h")
    page.locator("[data-chart='budget-chart-spec'] svg").wait_for()
    assert_accessible(page)
    page.goto(frontier.get_absolute_url())
    page.locator("[data-chart='frontier-chart-spec'] svg").wait_for()
    assert page.locator("#frontier-h ~ .table-scroll tbody tr").count() == 2
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 800})
    for url in (scenario.get_absolute_url(), plan.get_absolute_url(), frontier.get_absolute_url()):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
