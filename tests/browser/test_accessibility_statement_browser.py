"""The accessibility statement itself passes axe's WCAG 2.1 A/AA rules, in both languages,
and is reached from the footer."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_statement_is_reached_from_the_footer_and_is_accessible(page):
    page.goto("/login/")
    page.locator("footer a[href='/tilgjengelighet/']").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Tilgjengelighetserklæring"
    assert_accessible(page)
