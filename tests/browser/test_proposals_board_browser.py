"""The proposal board, the list, the work queue and a proposal's stage actions in real
Chromium: they pass axe-core (WCAG 2.1 AA), the board works from the keyboard without
dragging, and a move made on the board lands in the right column. The page fixture fails on
CSP violations and foreign requests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from nytte.core.choices import Role
from nytte.proposals.choices import Stage
from nytte.proposals.models import Proposal, Support
from tests.browser.conftest import assert_accessible
from tests.factories import (
    AssessmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pipeline():
    """A programme with a proposal in every stage, supporters, an outside proposer and an
    overdue assessment; the facilitator logs in."""
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    programme = ProgrammeFactory(
        name="Framtidens innkreving", slug="framtidens-innkreving", owner=ske
    )
    programme.participants.add(ske)
    facilitator = UserFactory(username="fasilitator", full_name="Ingrid Berg")
    MembershipFactory(user=facilitator, programme=programme, role=Role.FACILITATOR)
    assessor = UserFactory(username="eier", full_name="Ola Hansen")
    MembershipFactory(user=assessor, programme=programme, role=Role.OWNER)
    titles = {
        Stage.RECEIVED: "Varsel før et krav går til tvangsinnkreving",
        Stage.HARMONISATION: "Trekk i lønn beregnet én gang",
        Stage.ASSESSMENT: "eFaktura og AvtaleGiro for alle krav fra staten",
        Stage.READY: "Betalingsevne delt med samtykke",
        Stage.PARKED: "Chatbot for spørsmål om restskatt",
        Stage.REJECTED: "Egen app for innkreving",
        Stage.MERGED: "Betale krav med eFaktura",
    }
    made = {
        stage: ProposalFactory(programme=programme, stage=stage, title=title)
        for stage, title in titles.items()
    }
    Proposal.objects.filter(pk=made[Stage.RECEIVED].pk).update(
        proposer_name="Kari Nordmann", proposer_email="kari@example.com", source="user_insight"
    )
    Support.objects.create(proposal=made[Stage.ASSESSMENT], user=assessor)
    AssessmentFactory(
        proposal=made[Stage.ASSESSMENT],
        assessor=assessor,
        due=timezone.localdate() - dt.timedelta(days=2),
    )
    return programme, made


def _log_in(page, username: str = "fasilitator") -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/p/framtidens-innkreving/")


def test_the_board_is_accessible_and_a_card_moves_forward_by_keyboard(page, pipeline):
    programme, made = pipeline
    _log_in(page)
    page.goto(f"/p/{programme.slug}/proposals/board/")
    columns = page.locator("section.flow-column")
    assert columns.count() == 4
    for stage in (Stage.RECEIVED, Stage.HARMONISATION, Stage.ASSESSMENT, Stage.READY):
        assert page.locator(f"section.flow-column h2#column-{stage}-h").count() == 1
    assert page.locator("section.flow-exits li").count() == 3
    assert_accessible(page)
    # The filters open and close without a script of ours; axe checks them open too.
    page.locator(".flow-board__filters summary").click()
    assert_accessible(page)

    # Move the received card on with the keyboard only: focus its button, press Enter.
    received = made[Stage.RECEIVED]
    button = page.locator(
        f"section.flow-column li:has-text('{received.title}') form.flow-card__move button"
    )
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    harmonisation = page.locator("section.flow-column").nth(1)
    assert harmonisation.locator(f"text={received.title}").count() == 1
    assert Proposal.objects.get(pk=received.pk).stage == Stage.HARMONISATION
    assert_accessible(page)  # with the message about the move


def test_the_list_and_the_queue_are_accessible(page, pipeline):
    programme, _made = pipeline
    _log_in(page)
    page.goto(f"/p/{programme.slug}/proposals/?sort=stage")
    assert page.locator("table.flow-table tbody tr").count() == 7
    assert_accessible(page)
    # Filtering swaps the results in place (HTMX) and keeps the page accessible.
    page.locator("input[name=stage][value=parked]").check()
    page.locator("form.filter-form button[type=submit]").click()
    page.wait_for_url("**stage=parked**")
    assert page.locator("table.flow-table tbody tr").count() == 1
    assert_accessible(page)
    page.goto("/queue/")
    assert page.locator("main h2").count() >= 5
    assert_accessible(page)


def test_the_stage_actions_keep_a_refused_reason_accessible(page, pipeline):
    programme, made = pipeline
    _log_in(page)
    proposal = made[Stage.HARMONISATION]
    page.goto(f"/p/{programme.slug}/proposals/{proposal.number}/?tab=history")
    assert_accessible(page)
    page.locator("details.flow-reason summary").first.click()
    # Sent as the button sends it (requestSubmit: the submit event, novalidate honoured), not
    # by a pointer or key event: under CI load a click here (and Enter on the button) once in
    # a while sent nothing within 90 s, for a reason not yet found. The answer is awaited.
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/move/" in r.url, timeout=90_000
    ) as posted:
        page.locator("details.flow-reason[open] button[type=submit]").evaluate(
            "button => button.form.requestSubmit(button)"
        )
    assert posted.value.status == 422, posted.value.status
    # No reason given: the page comes back with the message at the field, which is described by it.
    textarea = page.locator("details.flow-reason[open] textarea")
    expect(textarea).to_have_attribute("aria-invalid", "true", timeout=30_000)
    assert_accessible(page)
    # The refusal is answered 422 on purpose; it is not a missing resource.
    refused = [r for r in page.watch.failed_responses if r.startswith("422 ") and "/move/" in r]
    assert len(refused) == 1
    page.watch.failed_responses.remove(refused[0])
    logged = [e for e in page.watch.console_errors if "422" in e]
    assert len(logged) == 1
    page.watch.console_errors.remove(logged[0])
    textarea.fill("Venter på en felles løsning fra Digdir.")
    page.locator("details.flow-reason[open] button[type=submit]").click()
    page.wait_for_url(f"**/p/{programme.slug}/proposals/{proposal.number}/?tab=history")
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.PARKED
