"""Step 1 in real Chromium: the public form (empty, refused, sent), the proposer's status
page, the colleagues' proposal form and a proposal's overview tab with its evidence,
comments (added in place with HTMX) and the erasure step. axe-core checks each state; the
page fixture fails on CSP violations, foreign requests and failed resources."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nytte.core.actors import SYSTEM, PublicProposer
from nytte.core.choices import Role
from nytte.proposals import services
from nytte.proposals.choices import Channel
from nytte.proposals.models import Comment, Evidence, Proposal, Support
from tests.browser.conftest import assert_accessible
from tests.factories import (
    LifeEventFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def setting():
    """A programme with a facilitator, a colleague, and a proposal from outside."""
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    nav = OrganisationFactory(name="Arbeids- og velferdsetaten", short_name="NAV")
    programme = ProgrammeFactory(
        name="Framtidens innkreving", slug="framtidens-innkreving", owner=ske
    )
    programme.participants.add(ske, nav)
    LifeEventFactory(name="Gjeld til det offentlige")
    facilitator = UserFactory(username="fasilitator", full_name="Fia Fasilitator")
    MembershipFactory(user=facilitator, programme=programme, role=Role.FACILITATOR)
    colleague = UserFactory(username="kollega", full_name="Kari Kollega")
    MembershipFactory(user=colleague, programme=programme, role=Role.CONTRIBUTOR)
    proposal, token = services.proposal_submit(
        programme=programme,
        data={
            "title": "Varsel før inkasso",
            "need": "Folk får inkasso uten å ha forstått kravet.",
            "idea": "Varsle i appen før kravet går videre.",
            "expected_benefits": "Færre inkassosaker, mindre stress for folk.",
            "source": "user_insight",
            "proposer_name": "Ola Utenfor",
            "proposer_email": "ola@example.no",
        },
        channel=Channel.PUBLIC,
        consent=True,
        affected_organisations=[ske, nav],
        acting_user=PublicProposer(programme_id=programme.pk),
    )
    services.attachment_add(
        proposal=proposal,
        upload=SimpleUploadedFile("notat.pdf", b"%PDF-1.4\n", content_type="application/pdf"),
        acting_user=SYSTEM,
    )
    Evidence.objects.create(
        proposal=proposal,
        kind="quote",
        text="«Jeg visste ikke at jeg skyldte noe.»",
        url="https://example.no/studie",
        source="Brukerintervju",
        added_by=colleague,
    )
    Comment.objects.create(proposal=proposal, author=colleague, text="Dette kjenner vi igjen.")
    Support.objects.create(proposal=proposal, user=colleague)
    return programme, proposal, token


def _log_in(page) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill("fasilitator")
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/p/framtidens-innkreving/")


def test_the_public_form_is_accessible_empty_refused_and_sent(page, setting):
    programme, _proposal, _token = setting
    page.goto(f"/p/{programme.slug}/submit/")
    assert page.locator("h1").inner_text().endswith("Framtidens innkreving")
    # The honeypot is out of reach: not in the tab order, hidden from assistive technology.
    trap = page.locator("#id_website")
    assert trap.get_attribute("tabindex") == "-1"
    assert trap.evaluate("el => el.closest('[aria-hidden=true]') !== null")
    assert trap.evaluate(
        "el => el.closest('[aria-hidden=true]').getBoundingClientRect().width <= 1"
    )
    assert_accessible(page)

    page.locator("#id_title").fill("Felles gjeldsoversikt")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".ds-error-summary")
    assert page.locator("#id_title").input_value() == "Felles gjeldsoversikt"
    assert page.locator("#id_proposer_email").get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    page.locator("#id_proposer_name").fill("Per Publikum")
    page.locator("#id_proposer_email").fill("per@example.no")
    page.locator("#id_consent").check()
    page.locator("#id_need").fill("Gjelden er spredt på mange etater.")
    page.locator("#id_idea").fill("Én oversikt over all gjeld til staten.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/submit/thanks/")
    assert page.locator("main .ds-alert[data-color='success']").count() == 1
    proposal = Proposal.objects.get(title="Felles gjeldsoversikt", channel="public")
    # The reference and the private status link are on the page, not only in the e-mail.
    assert proposal.reference in page.locator("main .ds-alert").inner_text()
    assert "/proposal-status/" in page.locator("#status-link").get_attribute("href")
    assert_accessible(page)


def test_the_status_page_is_accessible(page, setting):
    _programme, proposal, token = setting
    page.goto(f"/proposal-status/{token}/")
    assert page.locator("h1").inner_text() == proposal.title
    assert_accessible(page)


def test_the_proposal_form_is_accessible_empty_and_with_errors(page, setting):
    programme, _proposal, _token = setting
    _log_in(page)
    page.goto(f"/p/{programme.slug}/proposals/new/")
    assert page.locator("#id_sought_out").count() == 1  # a facilitator may register sought-out
    assert_accessible(page)
    page.locator("#id_title").fill("Et forslag uten behov")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".ds-error-summary")
    assert page.locator("#id_title").input_value() == "Et forslag uten behov"
    assert page.locator("#id_need-error").count() == 1
    assert_accessible(page)


def test_the_overview_tab_is_accessible_and_adds_in_place(page, setting):
    _programme, proposal, _token = setting
    _log_in(page)
    page.goto(proposal.get_absolute_url())
    panel = page.locator("#overview-panel")
    assert panel.get_by_text("«Jeg visste ikke at jeg skyldte noe.»").count() == 1
    assert panel.get_by_text("Ola Utenfor").count() == 1  # the facilitator sees who
    assert panel.locator("a[download]").inner_text() == "notat.pdf"
    assert_accessible(page)

    before = page.url
    form = panel.locator("#capture-comment form")
    form.locator("button[type=submit]").click()  # empty: refused in place
    page.wait_for_selector("#id_comment-text-error")
    assert page.url == before
    assert_accessible(page)

    page.locator("#id_comment-text").fill("Vi bør se på dette sammen med NAV.")
    page.locator("#capture-comment form button[type=submit]").click()
    page.wait_for_selector("#overview-panel .ds-alert[data-color='success']")
    comments = page.locator("#capture-comment")
    assert comments.get_by_text("Vi bør se på dette sammen med NAV.").count() == 1
    assert page.url == before
    assert_accessible(page)

    page.locator("#id_evidence-text").fill("42 % av sakene gjelder små beløp.")
    page.locator("#id_evidence-kind").select_option("data")
    page.locator("#capture-evidence form button[type=submit]").click()
    evidence = page.locator("#capture-evidence .capture-evidence__item")
    evidence.filter(has_text="42 % av sakene gjelder små beløp.").wait_for()
    assert evidence.count() == 2
    assert page.url == before
    assert_accessible(page)

    page.locator("#capture-erase a.ds-button").click()
    page.wait_for_selector("#capture-erase form button[type=submit]")
    assert_accessible(page)
    page.locator("#capture-erase form button[type=submit]").click()
    page.wait_for_url(f"**{proposal.get_absolute_url()}#capture-proposer")
    assert page.locator("#overview-panel").get_by_text("Ola Utenfor").count() == 0
    assert_accessible(page)
