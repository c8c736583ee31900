"""Issue 16, part 4 in real Chromium: the harmonisation tab's "In other programmes" (a
notice sent inline with HTMX), the public overview of published initiatives at a laptop's
and a phone's width, and the public form's typing box listing a published initiative.
axe-core checks each; the page fixture fails on CSP violations and foreign requests."""

from __future__ import annotations

import pytest

from nytte.core.choices import Role
from nytte.proposals import matching
from nytte.proposals.defaults import programme_defaults_create
from tests.browser.conftest import assert_accessible
from tests.factories import (
    InitiativeFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Skyldneren får et varsel på SMS før det legges på gebyr, slik at kravet kan betales "
    "i tide og inkasso unngås."
)


@pytest.fixture
def two_programmes():
    matching.reset()
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    ours = ProgrammeFactory(name="Framtidens innkreving", slug="framtidens-innkreving", owner=ske)
    theirs = ProgrammeFactory(
        name="Starte og drive bedrift", slug="starte-og-drive-bedrift", owner=ske
    )
    theirs.publish_overview = True
    theirs.save()
    programme_defaults_create(programme=ours)
    user = UserFactory(username="fasilitator", email="f@skatteetaten.example")
    MembershipFactory(user=user, programme=ours, role=Role.FACILITATOR)
    berit = UserFactory(username="berit", first_name="Berit", last_name="Bedrift")
    MembershipFactory(user=berit, programme=theirs, role=Role.FACILITATOR)
    InitiativeFactory(
        programme=theirs,
        title="Varsel på SMS før gebyr",
        description=TEXT,
        owner_organisation=ske,
        published=True,
    )
    proposal = ProposalFactory(
        programme=ours, title="SMS-varsel før gebyr", need=TEXT, idea="Varsle før gebyret."
    )
    yield proposal
    matching.reset()


def test_across_programmes_and_the_published_overview(page, two_programmes):
    proposal = two_programmes
    page.goto("/login/")
    page.locator("#id_username").fill("fasilitator")
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/p/framtidens-innkreving/")

    page.goto(f"{proposal.get_absolute_url()}?tab=harmonisation")
    across = page.locator("#harmonise-across")
    assert "Berit Bedrift" in across.inner_text()
    assert "Varsel på SMS før gebyr" not in across.inner_text()  # no role there
    assert_accessible(page)
    across.locator("button[type=submit]").first.click()
    page.wait_for_selector("#harmonisation-panel .ds-alert[data-color='success']")
    assert page.locator("#harmonise-across .ds-tag[data-color='success']").count() == 1
    assert_accessible(page)

    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/open/")
        assert page.locator(".published__item").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/p/framtidens-innkreving/submit/")
    page.locator("#id_title").fill("Varsel på SMS før gebyr")
    page.locator("#id_need").press_sequentially("Skyldneren bør få varsel før gebyr", delay=5)
    page.wait_for_selector("#public-similar-results .similar-list__item")
    assert "Varsel på SMS før gebyr" in page.locator("#public-similar-results").inner_text()
    assert_accessible(page)
