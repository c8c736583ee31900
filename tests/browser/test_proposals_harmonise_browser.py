"""Step 2 in real Chromium: a facilitator harmonises a proposal (suggestions with why, a link
confirmed inline with HTMX, the merge confirmation, the qualification checklist), edits the
programme's checklist, and a colleague sees similar proposals while typing a new one.
axe-core checks each page; the page fixture fails on CSP violations and foreign requests."""

from __future__ import annotations

import pytest

from nytte.core.choices import Role
from nytte.proposals import matching
from nytte.proposals.defaults import programme_defaults_create
from nytte.proposals.models import ProposalLink
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


@pytest.fixture
def harmonisation():
    matching.reset()
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    programme = ProgrammeFactory(
        name="Framtidens innkreving", slug="framtidens-innkreving", owner=ske
    )
    programme_defaults_create(programme=programme)  # as programme_create does
    user = UserFactory(username="fasilitator")
    MembershipFactory(user=user, programme=programme, role=Role.FACILITATOR)
    InitiativeFactory(
        programme=programme,
        code="FI-1",
        title="Samordnet innkreving av statlige krav",
        description=(
            "Statens krav mot skyldnere samles i én innkrevingsløsning for alle etater. "
            "Skyldneren får én betalingsplan."
        ),
        owner_organisation=ske,
    )
    InitiativeFactory(
        programme=programme,
        code="FI-2",
        title="Digitalt dødsbo",
        description="Arvinger får oversikt over dødsboet.",
        owner_organisation=ske,
    )
    ProposalFactory(
        programme=programme,
        number=1,
        title="Én betalingsplan for all gjeld til staten",
        need="Skyldnere med krav fra flere etater får mange betalingsplaner.",
        idea="Samle statens krav i én betalingsplan.",
    )
    proposal = ProposalFactory(
        programme=programme,
        number=2,
        title="Felles betalingsplan for statlige krav",
        need="Folk med gjeld til flere etater mister oversikten over kravene.",
        idea="Én innkreving og én betalingsplan for alle statens krav.",
    )
    yield programme, proposal
    matching.reset()


def _log_in(page) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill("fasilitator")
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/p/framtidens-innkreving/")


def _open_all_details(page) -> None:
    page.locator("#harmonisation-panel details").evaluate_all(
        "nodes => nodes.forEach(node => { node.open = true; })"
    )
    # Designsystemet animates the opening; wait until the last form has unfolded.
    page.locator("#harmonisation-panel details textarea").last.wait_for(state="visible")
    page.wait_for_timeout(500)


def test_the_harmonisation_tab_is_accessible_with_its_forms(page, harmonisation):
    _programme, proposal = harmonisation
    _log_in(page)
    page.goto(f"{proposal.get_absolute_url()}?tab=harmonisation")
    suggestions = page.locator(".harmonise-suggestion")
    assert suggestions.count() >= 2
    assert page.locator(".harmonise-why mark").count() > 0
    assert page.locator("#harmonise-qualification textarea").count() == 4
    _open_all_details(page)
    assert page.locator("#harmonisation-panel form textarea[name='note']:visible").count() >= 3
    assert_accessible(page)

    # A link confirmed inline: a missing note comes back next to the field, then it is saved.
    first = suggestions.first
    first.locator("select[name='kind']").select_option("same_user_benefit")
    first.locator(".harmonise-suggestion__act button[type=submit]").click()
    page.wait_for_selector(".harmonise-suggestion .ds-validation-message")
    assert_accessible(page)
    first = page.locator(".harmonise-suggestion").first
    first.locator("textarea[name='note']").fill("Én betalingsplan for alt folk skylder.")
    first.locator(".harmonise-suggestion__act button[type=submit]").click()
    page.wait_for_selector("#harmonisation-panel .ds-alert[data-color='success']")
    assert page.locator("#harmonise-links").inner_text().count("Samme brukergevinst") == 1
    assert ProposalLink.objects.filter(proposal=proposal).count() == 1
    assert_accessible(page)

    # A suggestion marked as not related leaves the list and is listed as dismissed.
    before = page.locator(".harmonise-suggestion").count()
    page.locator(".harmonise-suggestion__dismiss button").first.click()
    page.wait_for_selector("#harmonise-dismissed")
    assert page.locator(".harmonise-suggestion").count() == before - 1
    _open_all_details(page)
    assert_accessible(page)


def test_the_merge_confirmation_and_the_checklist_page_are_accessible(page, harmonisation):
    programme, proposal = harmonisation
    _log_in(page)
    page.goto(f"{proposal.get_absolute_url()}?tab=harmonisation")
    page.locator("#harmonise-merge-into").fill("F-1")
    page.locator("#harmonise-join form:has(#harmonise-merge-into) button").click()
    page.wait_for_selector("#harmonise-confirm form textarea")
    assert_accessible(page)

    page.goto(f"/p/{programme.slug}/proposals/qualification/")
    assert page.locator(".qualify-list__item").count() == 4
    page.locator(".qualify-list__item").first.locator("a[data-color='danger']").click()
    page.wait_for_selector("#qualify-confirm")
    assert_accessible(page)


def test_similar_proposals_show_while_typing(page, harmonisation):
    programme, _proposal = harmonisation
    _log_in(page)
    page.goto(f"/p/{programme.slug}/proposals/new/")
    page.locator("#id_title").press_sequentially("Betalingsplan for gjeld til staten", delay=10)
    page.wait_for_selector("#capture-similar-results .similar-list__item")
    assert page.locator("#capture-similar-results mark").count() > 0
    assert page.locator("#capture-similar-results a[href$='/proposals/1/']").count() >= 1
    assert_accessible(page)
