"""A facilitator logs in through the real browser and reaches the programme page."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facilitator_logs_in_and_reaches_the_programme_page(page, demo):
    page.goto("/login/")
    assert page.locator("html").get_attribute("lang") == "nb"
    assert_accessible(page)

    page.get_by_label("Brukernavn").fill("fasilitator")
    page.get_by_label("Passord").fill("nytte-demo")
    page.get_by_role("button", name="Logg inn").click()

    # The facilitator works in two programmes, so the front page lists them.
    page.get_by_role("link", name="Framtidens innkreving").first.click()
    page.wait_for_url("**/p/framtidens-innkreving/")
    assert page.get_by_role("heading", level=1).inner_text() == "Framtidens innkreving"
    assert page.get_by_text("Innkrevingen skjer bare").is_visible()
    assert_accessible(page)


def test_a_wrong_password_is_announced_accessibly(page, demo):
    page.goto("/login/")
    page.get_by_label("Brukernavn").fill("fasilitator")
    page.get_by_label("Passord").fill("feil-passord")
    page.get_by_role("button", name="Logg inn").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Brukernavn").input_value() == "fasilitator"
    assert_accessible(page)


def test_language_switch_keeps_the_page(page, demo):
    page.goto("/login/")
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Log in to Nytte"
    assert_accessible(page)
