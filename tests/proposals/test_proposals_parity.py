"""One rule, one place: each rule of the proposal pipeline lives in a service (or the model),
and every face (the pages, the API, the Excel import and its command line, the demo) gets
the same answer from it. One test per rule, driving each path."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from nytte.core.actors import SYSTEM, PublicProposer, System
from nytte.core.models import ChangeLogEntry
from nytte.core.services import programme_create
from nytte.proposals import excel, services
from nytte.proposals.choices import NEEDS_REASON, Channel, LinkKind, Stage, Track
from nytte.proposals.models import (
    Criterion,
    Proposal,
    ProposalLink,
    QualificationQuestion,
    Support,
)
from tests.api.test_api_core import bearer
from tests.factories import (
    AssessmentFactory,
    InitiativeFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProposalFactory,
)
from tests.proposals.test_proposals_excel import workbook

pytestmark = pytest.mark.django_db

API = "/api/v1/programmes/{slug}/proposals/{number}"
TEXT = {"title": "Felles betalingsavtale", "need": "Flere avtaler.", "idea": "Én avtale."}


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def api_url(proposal: Proposal, tail: str = "") -> str:
    return API.format(slug=proposal.programme.slug, number=proposal.number) + tail


def page_url(name: str, proposal: Proposal) -> str:
    return reverse(
        f"proposals:{name}", kwargs={"slug": proposal.programme.slug, "number": proposal.number}
    )


@pytest.fixture
def api_for(client_for):
    from django.test import Client

    return lambda user: Client(**bearer(user))


# -- a harmonisation link is recorded once ------------------------------------------------------


def test_a_link_is_recorded_once_on_every_path(programme, facilitator, client_for, api_for):
    proposal = ProposalFactory(programme=programme, stage=Stage.HARMONISATION)
    other = ProposalFactory(programme=programme)
    initiative = InitiativeFactory(programme=programme, code="FI-1")
    # The page: the second time the form says so.
    page = client_for(facilitator, language="en")
    data = {"reference": other.reference, "kind": LinkKind.OVERLAP, "note": "Overlapper."}
    assert page.post(page_url("harmonise_link", proposal), data).status_code == 302
    again = page.post(page_url("harmonise_link", proposal), data)
    assert "This link is already recorded." in again.content.decode()
    # The API: 422 the second time (it could record duplicates before).
    api = api_for(facilitator)
    body = {"kind": LinkKind.OVERLAP, "target_initiative": "FI-1", "note": "Samme."}
    assert api.post(api_url(proposal, "/links"), body, "application/json").status_code == 201
    refused = api.post(api_url(proposal, "/links"), body, "application/json")
    assert refused.status_code == 422
    # The service, and the database underneath it.
    with pytest.raises(ValidationError):
        services.link_create(
            proposal=proposal, kind=LinkKind.OVERLAP, target_proposal=other, acting_user=SYSTEM
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalLink.objects.create(
            proposal=proposal, kind=LinkKind.OVERLAP, target_initiative=initiative
        )
    assert ProposalLink.objects.filter(proposal=proposal).count() == 2
    # Another kind to the same target is another link.
    services.link_create(
        proposal=proposal, kind=LinkKind.ENABLES, target_proposal=other, acting_user=SYSTEM
    )


# -- a link's similarity score is the server's -----------------------------------------------


def test_a_links_score_is_computed_by_the_server_on_every_path(
    programme, facilitator, client_for, api_for
):
    proposal = ProposalFactory(programme=programme, stage=Stage.HARMONISATION)
    first = ProposalFactory(programme=programme)
    second = ProposalFactory(programme=programme)
    client_for(facilitator).post(
        page_url("harmonise_link", proposal),
        {"reference": first.reference, "kind": LinkKind.OVERLAP, "note": "Ja.", "score": "0.99"},
    )
    response = api_for(facilitator).post(
        api_url(proposal, "/links"),
        {"kind": LinkKind.OVERLAP, "target_proposal": second.number, "note": "Ja.", "score": 0.99},
        "application/json",
    )
    assert response.status_code == 201
    by_page = ProposalLink.objects.get(proposal=proposal, target_proposal=first)
    by_api = ProposalLink.objects.get(proposal=proposal, target_proposal=second)
    assert by_page.score == services.similarity(proposal, first)
    assert by_api.score == services.similarity(proposal, second)
    assert response.json()["score"] == by_api.score != 0.99


# -- merge and attach ------------------------------------------------------------------------


def test_merge_and_attach_are_refused_alike_on_every_path(
    programme, other_programme, facilitator, client_for, api_for
):
    proposal = ProposalFactory(programme=programme, stage=Stage.HARMONISATION)
    closed = ProposalFactory(programme=programme, stage=Stage.REJECTED)
    elsewhere = InitiativeFactory(programme=other_programme, code="FI-9")
    page = client_for(facilitator, language="en")
    api = api_for(facilitator)
    # Into itself, or into a closed proposal: refused by the service, and so by both faces.
    for into in (proposal, closed):
        with pytest.raises(ValidationError) as refused, translation.override("en"):
            services.check_merge(proposal, into)
        message = refused.value.messages[0]
        with pytest.raises(ValidationError) as refused, translation.override("nb"):
            services.check_merge(proposal, into)
        message_nb = refused.value.messages[0]  # the API answers in the site's language
        response = page.post(
            page_url("harmonise_merge", proposal), {"target": into.reference, "note": "x"}
        )
        assert message in response.content.decode()
        response = api.post(
            api_url(proposal, "/merge"), {"into": into.number, "note": "x"}, "application/json"
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["msg"] == message_nb
    # The page looks initiatives up in the programme; the service refuses another programme's.
    with pytest.raises(ValidationError):
        services.check_attach(proposal, elsewhere)
    response = api.post(
        api_url(proposal, "/attach"), {"initiative": "FI-9", "note": "x"}, "application/json"
    )
    assert response.status_code == 422
    # From a stage the flow does not merge from: the same transition check everywhere.
    ready = ProposalFactory(programme=programme, stage=Stage.READY)
    with pytest.raises(ValidationError) as refused:
        services.check_merge(ready, proposal)
    assert refused.value.code == "illegal_transition"
    assert not services.may_move(ready, Stage.MERGED)
    response = api.post(
        api_url(ready, "/merge"), {"into": proposal.number, "note": "x"}, "application/json"
    )
    assert response.status_code == 409
    response = page.post(page_url("harmonise_merge", ready), {"target": proposal.reference})
    assert "cannot go from" in response.content.decode()
    proposal.refresh_from_db()
    ready.refresh_from_db()
    assert (proposal.stage, ready.stage) == (Stage.HARMONISATION, Stage.READY)


# -- who may edit a proposal -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "allowed"),
    [(Stage.RECEIVED, True), (Stage.HARMONISATION, True), (Stage.ASSESSMENT, False)],
)
def test_who_may_edit_is_one_rule_for_page_and_api(
    programme, contributor, facilitator, client_for, api_for, stage, allowed
):
    proposal = ProposalFactory(programme=programme, stage=stage, proposer=contributor)
    assert services.may_edit(contributor, proposal) is allowed
    assert services.may_edit(facilitator, proposal) is True
    page = client_for(contributor).get(page_url("proposal_edit", proposal))
    assert page.status_code == (200 if allowed else 403)
    response = api_for(contributor).patch(
        api_url(proposal), {"title": "Nytt navn"}, "application/json"
    )
    assert response.status_code == (200 if allowed else 403)
    for user in (contributor, facilitator):
        html = client_for(user).get(proposal.get_absolute_url()).content.decode()
        assert (page_url("proposal_edit", proposal) in html) is services.may_edit(user, proposal)


# -- which moves need a reason, and the transition check ----------------------------------------


@pytest.mark.parametrize("to", sorted(NEEDS_REASON))
def test_a_move_that_needs_a_reason_is_refused_without_one_on_every_path(
    programme, facilitator, client_for, api_for, to
):
    proposal = ProposalFactory(programme=programme, stage=Stage.HARMONISATION)
    assert services.needs_reason(proposal, to)
    page = client_for(facilitator, language="en")
    html = page.get(proposal.get_absolute_url()).content.decode()
    assert f'id="move-reason-{to}"' in html  # the page asks where the service will
    response = page.post(page_url("move", proposal), {"to": to, "reason": " "})
    assert response.status_code == 422
    assert "Give a reason." in response.content.decode()
    response = api_for(facilitator).post(
        api_url(proposal, "/move"), {"to": to, "reason": ""}, "application/json"
    )
    assert response.status_code == 422
    proposal.refresh_from_db()
    assert proposal.stage == Stage.HARMONISATION


def test_an_illegal_move_is_refused_alike_on_every_path(
    programme, facilitator, client_for, api_for
):
    proposal = ProposalFactory(programme=programme, stage=Stage.RECEIVED)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.check_transition(proposal, Stage.READY)
    message = refused.value.messages[0]
    with pytest.raises(ValidationError) as refused, translation.override("nb"):
        services.check_transition(proposal, Stage.READY)
    message_nb = refused.value.messages[0]  # the API answers in the site's language
    response = client_for(facilitator, language="en").post(
        page_url("move", proposal), {"to": Stage.READY}
    )
    assert response.status_code == 422 and message in response.content.decode()
    response = api_for(facilitator).post(
        api_url(proposal, "/move"), {"to": Stage.READY}, "application/json"
    )
    assert response.status_code == 409 and response.json()["detail"] == message_nb


# -- ready for governance needs an assessment and a track, or a reason ---------------------------


def test_ready_for_governance_needs_an_assessment_and_a_track_or_a_reason_on_every_path(
    programme, facilitator, viewer, client_for, api_for
):
    by_page = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT)
    by_api = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT)
    page = client_for(facilitator, language="en")
    api = api_for(facilitator)
    response = page.post(page_url("move", by_page), {"to": Stage.READY})
    assert response.status_code == 422
    assert "no submitted assessment and track" in response.content.decode()
    response = api.post(api_url(by_api, "/move"), {"to": Stage.READY}, "application/json")
    assert response.status_code == 422
    with pytest.raises(ValidationError) as refused:
        services.proposal_move(proposal=by_api, to=Stage.READY, acting_user=SYSTEM)
    assert refused.value.error_dict["reason"][0].code == "assessment_required"
    # An assessor's scores alone, or a track alone, are not enough.
    AssessmentFactory(proposal=by_page, assessor=viewer, submitted_at=timezone.now())
    assert services.needs_reason(by_page, Stage.READY)
    services.track_set(
        proposal=by_api, track=Track.PILOT, reason="Prøv først.", acting_user=facilitator
    )
    assert services.needs_reason(by_api, Stage.READY)
    # The facilitator's recorded reason lets it go on; so does a submitted assessment + track.
    reason = "Hastesak fra departementet; vurderes i styringsdialogen."
    response = api.post(
        api_url(by_api, "/move"), {"to": Stage.READY, "reason": reason}, "application/json"
    )
    assert response.status_code == 200
    by_api.refresh_from_db()
    assert (by_api.stage, by_api.stage_reason) == (Stage.READY, reason)
    services.track_set(
        proposal=by_page, track=Track.STRATEGIC, reason="Stort.", acting_user=facilitator
    )
    assert not services.needs_reason(by_page, Stage.READY)
    assert page.post(page_url("move", by_page), {"to": Stage.READY}).status_code == 302
    by_page.refresh_from_db()
    assert by_page.stage == Stage.READY


# -- support is idempotent in the service ------------------------------------------------------


def test_support_is_idempotent_in_the_service_and_so_in_the_api(
    programme, contributor, client_for, api_for
):
    proposal = ProposalFactory(programme=programme)
    for _ in range(2):
        assert services.support_set(proposal=proposal, supported=True, acting_user=contributor)
    assert Support.objects.filter(proposal=proposal).count() == 1
    api = api_for(contributor)
    for _ in range(2):
        assert api.post(api_url(proposal, "/support")).json()["supporters"] == 1
    for _ in range(2):
        assert api.delete(api_url(proposal, "/support")).json()["supported"] is False
    # The page's button toggles, through the same service.
    client_for(contributor).post(page_url("support_toggle", proposal))
    assert Support.objects.filter(proposal=proposal).count() == 1
    with pytest.raises(PermissionDenied):
        services.support_set(proposal=proposal, supported=True, acting_user=SYSTEM)


# -- explicit actors -----------------------------------------------------------------------------


def test_every_path_names_its_actor(programme, facilitator, contributor, client_for, tmp_path):
    # No actor is a programming error, not the system's rights.
    with pytest.raises(TypeError):
        services.proposal_submit(programme=programme, data=TEXT, acting_user=None)
    # The public form acts as a public proposer of its own programme only.
    public = PublicProposer(programme_id=programme.pk)
    outside = TEXT | {"proposer_name": "Kari", "proposer_email": "kari@example.no"}
    with pytest.raises(PermissionDenied):
        services.proposal_submit(
            programme=ProgrammeFactory(), data=outside, channel=Channel.PUBLIC, acting_user=public
        )
    with pytest.raises(PermissionDenied):  # it cannot claim another channel
        services.proposal_submit(
            programme=programme, data=outside, channel=Channel.API, consent=True, acting_user=public
        )
    response = client_for(facilitator).post(
        reverse("proposals:public_submit", kwargs={"slug": programme.slug}),
        {**outside, "source": "staff", "consent": "on"},
    )
    assert response.status_code == 302
    submitted = Proposal.objects.get(programme=programme, title=TEXT["title"])
    assert submitted.channel == Channel.PUBLIC and submitted.created_by is None
    assert ChangeLogEntry.objects.filter(object_id=str(submitted.pk), actor_label="public").exists()
    # The command line without --user is the system, named so in the change log.
    path = tmp_path / "forslag.xlsx"
    path.write_bytes(workbook([["Fra arket", "Behov", "Idé", "staff"]]))
    call_command("import_proposals", programme.slug, str(path))
    imported = Proposal.objects.get(programme=programme, title="Fra arket")
    assert ChangeLogEntry.objects.filter(
        object_id=str(imported.pk), actor_label=str(System("cli"))
    ).exists()
    # An import through the page acts as the user, who needs the facilitator's rights.
    with pytest.raises(PermissionDenied):
        excel.import_proposals(programme, path, acting_user=contributor)


# -- no GET writes: defaults come with the programme ---------------------------------------------


def test_a_programme_gets_its_defaults_when_created_and_pages_create_nothing(
    facilitator, client_for
):
    owner = OrganisationFactory()
    created = programme_create(name="Ny", slug="ny", owner=owner, acting_user=SYSTEM)
    assert Criterion.objects.filter(programme=created).count() > 0
    assert QualificationQuestion.objects.filter(programme=created).count() > 0
    # A programme without them (deleted, or made bypassing the service) stays so on a view.
    bare = ProgrammeFactory(slug="uten")
    from tests.factories import MembershipFactory

    MembershipFactory(programme=bare, user=facilitator, role="facilitator")
    before = ChangeLogEntry.objects.count()
    client = client_for(facilitator)
    assert client.get(reverse("proposals:criteria", kwargs={"slug": bare.slug})).status_code == 200
    assert client.get(reverse("proposals:matrix", kwargs={"slug": bare.slug})).status_code == 200
    proposal = ProposalFactory(programme=bare)
    client.get(proposal.get_absolute_url() + "?tab=harmonisation")
    client.get(proposal.get_absolute_url() + "?tab=assessment")
    assert not Criterion.objects.filter(programme=bare).exists()
    assert not QualificationQuestion.objects.filter(programme=bare).exists()
    assert ChangeLogEntry.objects.count() == before
