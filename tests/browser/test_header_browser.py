"""The header's programme menu is Designsystemet's dropdown (a native popover), not a bare
<details> triangle: it opens under its button, lists the programmes and closes on Esc."""

from __future__ import annotations

import pytest

from nytte.core.choices import Role
from tests.browser.conftest import assert_accessible
from tests.factories import MembershipFactory, ProgrammeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_programme_menu_is_a_dropdown(page, width):
    user = UserFactory(username="fasilitator")
    for name, slug in (("Framtidens innkreving", "fi"), ("Starte og drive bedrift", "sdb")):
        MembershipFactory(
            user=user, programme=ProgrammeFactory(name=name, slug=slug), role=Role.FACILITATOR
        )
    page.set_viewport_size({"width": width, "height": 700})
    page.goto("/login/")
    page.locator("#id_username").fill("fasilitator")
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto("/p/fi/")

    assert page.locator("header details, header summary").count() == 0
    button = page.locator("header button[popovertarget='programme-menu']")
    assert button.inner_text().strip() == "Framtidens innkreving"
    menu = page.locator("#programme-menu.ds-dropdown[popover]")
    assert not menu.is_visible()

    button.click()
    menu.wait_for(state="visible")
    box, under = menu.bounding_box(), button.bounding_box()
    assert box["y"] >= under["y"] + under["height"] - 1, "the menu opens under its button"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, "the menu stays on the screen"
    assert menu.locator("a[aria-current='page']").inner_text() == "Framtidens innkreving"
    assert_accessible(page)

    page.keyboard.press("Escape")
    menu.wait_for(state="hidden")
    button.click()
    menu.get_by_role("link", name="Starte og drive bedrift").click()
    page.wait_for_url("**/p/sdb/")
