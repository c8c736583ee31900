"""The proposals API as its users meet it: the list with the page's filters, proposing
through the API, the flow (409 for a transition the flow does not allow), links, evidence,
support, comments, events, blind assessment, personal data, roles and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from nytte.proposals.choices import TRANSITIONS, Channel, EventKind, Stage
from nytte.proposals.models import (
    Assessment,
    Criterion,
    Evidence,
    Proposal,
    ProposalEvent,
    ProposalLink,
    Score,
    Support,
)
from tests.api.test_api_core import bearer
from tests.factories import (
    AssessmentFactory,
    InitiativeFactory,
    OrganisationFactory,
    ProposalFactory,
    UserFactory,
)

BASE = "/api/v1/programmes/framtidens-innkreving"
P = BASE + "/proposals"
TEXT = {"title": "Felles betalingsavtale", "need": "Flere avtaler.", "idea": "Én avtale."}


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def api(user) -> Client:
    """A client whose every request carries the user's bearer token."""
    return Client(**bearer(user))


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


# -- reading --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_everyone_in_the_programme_reads_the_proposals_with_the_pages_filters(programme, viewer):
    nav = OrganisationFactory()
    a = ProposalFactory(programme=programme, source="supplier", stage=Stage.ASSESSMENT)
    a.affected_organisations.set([nav])
    b = ProposalFactory(programme=programme, title="Varsel på SMS")
    Support.objects.create(proposal=b, user=viewer)
    client = api(viewer)
    body = client.get(P).json()
    assert body["count"] == 2
    assert [p["reference"] for p in body["items"]] == [b.reference, a.reference]
    assert [p["reference"] for p in client.get(P, {"source": "supplier"}).json()["items"]] == [
        a.reference
    ]
    assert [p["number"] for p in client.get(P, {"organisation": nav.orgnr}).json()["items"]] == [
        a.number
    ]
    assert [p["number"] for p in client.get(P, {"q": "SMS"}).json()["items"]] == [b.number]
    assert [p["number"] for p in client.get(P, {"supported": "true"}).json()["items"]] == [b.number]
    assert client.get(P, {"supported": "false"}).json()["count"] == 2
    assert [p["number"] for p in client.get(P, {"sort": "stage"}).json()["items"]] == [
        b.number,
        a.number,
    ]
    item = client.get(f"{P}/{b.number}").json()
    assert (item["supporters"], item["supported_by_me"], item["stage"]) == (1, True, "received")
    assert item["url"] == b.get_absolute_url()
    assert problem(client.get(P, {"stage": "nowhere"}), 422)["errors"]


@pytest.mark.django_db
def test_outsiders_and_strangers_get_404_and_no_token_401(programme, outsider, viewer):
    proposal = ProposalFactory(programme=programme)
    problem(api(outsider).get(P), 404)
    problem(api(outsider).get(f"{P}/{proposal.number}"), 404)
    problem(Client().get(P), 401)
    problem(api(viewer).get(f"{P}/999"), 404)


@pytest.mark.django_db
def test_an_outside_proposers_personal_data_is_for_facilitators_only(
    programme, facilitator, viewer
):
    proposal = ProposalFactory(
        programme=programme, proposer_name="Kari Nordmann", proposer_email="kari@example.com"
    )
    seen = api(facilitator).get(f"{P}/{proposal.number}").json()
    assert (seen["proposer_name"], seen["proposer_email"]) == ("Kari Nordmann", "kari@example.com")
    hidden = api(viewer).get(f"{P}/{proposal.number}").json()
    assert (hidden["proposer_name"], hidden["proposer_email"]) == (None, None)
    assert "Kari" not in str(api(viewer).get(P).json())


@pytest.mark.django_db
def test_the_list_reads_a_fixed_number_of_queries(programme, viewer, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    orgs = OrganisationFactory.create_batch(2)
    client = api(viewer)

    def add(n: int) -> None:
        for _ in range(n):
            proposal = ProposalFactory(programme=programme)
            proposal.affected_organisations.set(orgs)
            Support.objects.create(proposal=proposal, user=UserFactory())

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(P).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(P).json()["items"]) == 22


# -- proposing and editing ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_contributor_proposes_through_the_api(
    programme, contributor, django_capture_on_commit_callbacks
):
    contributor.email = "jonas@example.no"
    contributor.save()
    nav = OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = api(contributor).post(
            P,
            {**TEXT, "source": "other_agency", "affected_organisations": [nav.orgnr]},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["channel"], body["proposer"], body["stage"]) == ("api", "bidragsyter", "received")
    assert [o["orgnr"] for o in body["affected_organisations"]] == [nav.orgnr]
    assert Proposal.objects.get(number=body["number"]).channel == Channel.API
    assert [m.to for m in mail.outbox] == [["jonas@example.no"]]


@pytest.mark.django_db
def test_a_proposal_for_someone_outside_needs_consent_and_reaches_them(
    programme, contributor, viewer, django_capture_on_commit_callbacks
):
    contributor.email = "jonas@example.no"
    contributor.save()
    outside = {**TEXT, "proposer_name": "Per Hansen", "proposer_email": "per@example.com"}
    body = problem(api(contributor).post(P, outside, content_type="application/json"), 422)
    assert body["errors"][0]["loc"] == ["consent"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api(contributor).post(
            P, {**outside, "consent": True}, content_type="application/json"
        )
    assert response.status_code == 201
    assert response.json()["proposer"] is None
    assert [m.to for m in mail.outbox] == [["per@example.com"]]
    problem(api(viewer).post(P, {**outside, "consent": True}, content_type="application/json"), 403)


@pytest.mark.django_db
def test_bad_references_are_422_and_viewers_cannot_propose(programme, contributor, viewer):
    body = problem(
        api(contributor).post(
            P, {**TEXT, "affected_organisations": ["999999999"]}, content_type="application/json"
        ),
        422,
    )
    assert body["errors"][0]["loc"] == ["affected_organisations"]
    body = problem(
        api(contributor).post(
            P, {**TEXT, "life_events": ["nope"]}, content_type="application/json"
        ),
        422,
    )
    assert body["errors"][0]["loc"] == ["life_events"]
    problem(api(viewer).post(P, TEXT, content_type="application/json"), 403)
    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_the_proposer_edits_until_assessment_and_the_facilitator_always(
    programme, contributor, facilitator, owner
):
    proposal = ProposalFactory(programme=programme, proposer=contributor)
    url = f"{P}/{proposal.number}"
    response = api(contributor).patch(
        url, {"title": "Bedre tittel"}, content_type="application/json"
    )
    assert response.json()["title"] == "Bedre tittel"
    problem(api(owner).patch(url, {"title": "Min"}, content_type="application/json"), 403)
    Proposal.objects.filter(pk=proposal.pk).update(stage=Stage.ASSESSMENT)
    problem(api(contributor).patch(url, {"title": "Sent"}, content_type="application/json"), 403)
    response = api(facilitator).patch(url, {"idea": "Ny idé"}, content_type="application/json")
    assert response.json()["idea"] == "Ny idé"


# -- the flow -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("start", Stage.values)
def test_moves_the_flow_does_not_allow_are_409_with_the_reason(programme, facilitator, start):
    proposal = ProposalFactory(programme=programme, stage=start)
    url = f"{P}/{proposal.number}/move"
    for to in Stage.values:
        if to in TRANSITIONS[start] or to == Stage.MERGED:
            continue
        body = problem(
            api(facilitator).post(url, {"to": to, "reason": "x"}, content_type="application/json"),
            409,
        )
        assert "cannot go from" in body["detail"] or "kan ikke" in body["detail"]
    assert Proposal.objects.get(pk=proposal.pk).stage == start
    assert not ProposalEvent.objects.filter(proposal=proposal).exists()


@pytest.mark.django_db
def test_the_facilitator_moves_a_proposal_with_a_reason_where_needed(programme, facilitator):
    proposal = ProposalFactory(programme=programme)
    url = f"{P}/{proposal.number}/move"
    post = api(facilitator).post
    body = problem(post(url, {"to": "parked"}, content_type="application/json"), 422)
    assert body["errors"][0]["loc"] == ["reason"]
    problem(post(url, {"to": "merged"}, content_type="application/json"), 422)
    problem(post(url, {"to": "limbo"}, content_type="application/json"), 422)
    response = post(url, {"to": "parked", "reason": "Venter."}, content_type="application/json")
    assert (response.json()["stage"], response.json()["stage_reason"]) == ("parked", "Venter.")
    events = api(facilitator).get(f"{P}/{proposal.number}/events").json()["items"]
    assert [(e["kind"], e["from_stage"], e["to_stage"], e["actor"]) for e in events] == [
        (EventKind.STAGE_CHANGED, "received", "parked", "fasilitator")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["contributor", "viewer", "owner"])
def test_only_facilitators_run_the_flow(programme, initiative_and_pair, request, who):
    user = request.getfixturevalue(who)
    one, other, initiative = initiative_and_pair
    base = f"{P}/{one.number}"
    client = api(user)
    for path, payload in (
        ("/move", {"to": "harmonisation"}),
        ("/merge", {"into": other.reference}),
        ("/attach", {"initiative": initiative.code}),
        ("/links", {"kind": "overlap", "target_initiative": initiative.code}),
        ("/track", {"track": "pilot", "reason": "Liten skala."}),
    ):
        problem(client.post(base + path, payload, content_type="application/json"), 403)
    assert Proposal.objects.get(pk=one.pk).stage == Stage.RECEIVED
    assert not ProposalLink.objects.exists()


@pytest.fixture
def initiative_and_pair(programme):
    return (
        ProposalFactory(programme=programme),
        ProposalFactory(programme=programme),
        InitiativeFactory(programme=programme, code="FI-2"),
    )


@pytest.mark.django_db
def test_merge_carries_supporters_and_attach_links_to_the_initiative(
    programme, facilitator, contributor, initiative_and_pair
):
    one, other, initiative = initiative_and_pair
    fan = UserFactory()
    Support.objects.create(proposal=one, user=fan)
    Evidence.objects.create(proposal=one, kind="quote", text="«Tre brev»")
    client = api(facilitator)
    response = client.post(
        f"{P}/{one.number}/merge", {"into": other.reference}, content_type="application/json"
    )
    assert (response.json()["stage"], response.json()["merged_into"]) == (
        "merged",
        other.reference,
    )
    assert Support.objects.filter(proposal=other, user=fan).exists()
    assert Evidence.objects.filter(proposal=other, text="«Tre brev»").exists()
    # Merged is the end of the road: a second merge is a conflict.
    problem(
        client.post(
            f"{P}/{one.number}/merge", {"into": other.number}, content_type="application/json"
        ),
        409,
    )
    problem(
        client.post(
            f"{P}/{other.number}/merge", {"into": "F-999"}, content_type="application/json"
        ),
        422,
    )
    response = client.post(
        f"{P}/{other.number}/attach",
        {"initiative": initiative.code, "note": "FI-2 gjør dette."},
        content_type="application/json",
    )
    assert (response.json()["stage"], response.json()["attached_to"]) == ("merged", "FI-2")
    problem(
        client.post(
            f"{P}/{other.number}/attach", {"initiative": "FI-2"}, content_type="application/json"
        ),
        409,
    )


@pytest.mark.django_db
def test_links_are_listed_made_and_removed_by_the_facilitator(
    programme, facilitator, viewer, initiative_and_pair
):
    one, other, _initiative = initiative_and_pair
    client = api(facilitator)
    url = f"{P}/{one.number}/links"
    made = client.post(
        url,
        {"kind": "same_user_benefit", "target_proposal": other.reference, "note": "Samme behov."},
        content_type="application/json",
    )
    assert made.status_code == 201
    client.post(
        url, {"kind": "overlap", "target_initiative": "FI-2"}, content_type="application/json"
    )
    problem(client.post(url, {"kind": "overlap"}, content_type="application/json"), 422)
    problem(
        client.post(
            url,
            {"kind": "overlap", "target_initiative": "FI-2", "target_proposal": other.reference},
            content_type="application/json",
        ),
        422,
    )
    listed = api(viewer).get(url).json()["items"]
    assert [
        (link["kind"], link["target_proposal"], link["target_initiative"]) for link in listed
    ] == [
        ("same_user_benefit", other.reference, None),
        ("overlap", None, "FI-2"),
    ]
    problem(api(viewer).delete(f"{url}/{listed[0]['id']}"), 403)
    assert client.delete(f"{url}/{listed[0]['id']}").status_code == 204
    problem(client.delete(f"{url}/{listed[0]['id']}"), 404)
    assert ProposalLink.objects.count() == 1


@pytest.mark.django_db
def test_track_needs_a_reason(programme, facilitator):
    proposal = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT)
    url = f"{P}/{proposal.number}/track"
    problem(
        api(facilitator).post(
            url, {"track": "pilot", "reason": ""}, content_type="application/json"
        ),
        422,
    )
    response = api(facilitator).post(
        url, {"track": "pilot", "reason": "Kan prøves smått."}, content_type="application/json"
    )
    assert (response.json()["track"], response.json()["track_reason"]) == (
        "pilot",
        "Kan prøves smått.",
    )


# -- evidence, support, comments -------------------------------------------------------------


@pytest.mark.django_db
def test_contributors_add_evidence_support_and_comment_and_viewers_read(
    programme, contributor, viewer
):
    proposal = ProposalFactory(programme=programme)
    base = f"{P}/{proposal.number}"
    client = api(contributor)
    response = client.post(
        base + "/evidence",
        {"kind": "data", "text": "9 000 med dobbelt trekk", "source": "NAV"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["added_by"] == "bidragsyter"
    assert client.post(base + "/support").json() == {"supported": True, "supporters": 1}
    assert client.post(base + "/support").json() == {"supported": True, "supporters": 1}
    assert (
        client.post(
            base + "/comments", {"text": "Enig!"}, content_type="application/json"
        ).status_code
        == 201
    )
    reader = api(viewer)
    assert [e["text"] for e in reader.get(base + "/evidence").json()["items"]] == [
        "9 000 med dobbelt trekk"
    ]
    assert [c["text"] for c in reader.get(base + "/comments").json()["items"]] == ["Enig!"]
    problem(reader.post(base + "/support"), 403)
    problem(reader.post(base + "/comments", {"text": "Hei"}, content_type="application/json"), 403)
    problem(
        reader.post(
            base + "/evidence", {"kind": "quote", "text": "x"}, content_type="application/json"
        ),
        403,
    )
    assert client.delete(base + "/support").json() == {"supported": False, "supporters": 0}
    assert client.delete(base + "/support").json() == {"supported": False, "supporters": 0}


# -- assessment and the blind rule ------------------------------------------------------------


@pytest.fixture
def assessed(programme, owner, contributor):
    """A proposal in assessment with two criteria; the owner and the contributor are asked."""
    proposal = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT)
    scale = [{"value": v, "label": f"Trinn {v}"} for v in (1, 2, 3, 4, 5)]
    potential = Criterion.objects.create(
        programme=programme, dimension="potential", name="Brukerverdi", scale=scale
    )
    complexity = Criterion.objects.create(
        programme=programme, dimension="complexity", name="Teknisk", scale=scale
    )
    due = timezone.localdate() + dt.timedelta(days=7)
    first = AssessmentFactory(proposal=proposal, assessor=owner, due=due)
    second = AssessmentFactory(proposal=proposal, assessor=contributor, due=due)
    return proposal, potential, complexity, first, second


@pytest.mark.django_db
def test_criteria_are_listed_with_their_scales(programme, viewer, assessed):
    items = api(viewer).get(BASE + "/criteria").json()["items"]
    assert [(c["dimension"], c["name"]) for c in items] == [
        ("potential", "Brukerverdi"),
        ("complexity", "Teknisk"),
    ]
    assert items[0]["scale"][0] == {"value": 1, "label": "Trinn 1"}


@pytest.mark.django_db
def test_assessors_score_blind_until_they_have_submitted(
    programme, owner, contributor, facilitator, viewer, assessed
):
    proposal, potential, complexity, first, _second = assessed
    base = f"{P}/{proposal.number}"
    owner_client, contributor_client = api(owner), api(contributor)
    # The owner drafts, then submits.
    draft = owner_client.put(
        base + "/assessment",
        {"scores": [{"criterion": potential.pk, "value": 4}], "comment": "Lovende."},
        content_type="application/json",
    )
    assert draft.status_code == 200, draft.content
    assert draft.json()["scores"] == [{"criterion": potential.pk, "value": 4, "comment": ""}]
    # A draft is nobody else's business; the contributor sees only their own assessment.
    listed = contributor_client.get(base + "/assessments").json()["items"]
    assert [a["assessor"] for a in listed] == ["bidragsyter"]
    problem(
        owner_client.post(
            base + "/assessment/submit", {"scores": []}, content_type="application/json"
        ),
        422,
    )
    submitted = owner_client.post(
        base + "/assessment/submit",
        {"scores": [{"criterion": complexity.pk, "value": 2}]},
        content_type="application/json",
    )
    assert submitted.json()["submitted"] is True
    # Still blind for the contributor, who has not submitted: not the owner's scores, and no
    # results either.
    listed = contributor_client.get(base + "/assessments").json()["items"]
    assert [a["assessor"] for a in listed] == ["bidragsyter"]
    problem(contributor_client.get(base + "/results"), 403)
    assert "Lovende" not in str(contributor_client.get(base + "/assessments").json())
    # Once the contributor submits, they see the owner's submitted scores.
    contributor_client.post(
        base + "/assessment/submit",
        {
            "scores": [
                {"criterion": potential.pk, "value": 2},
                {"criterion": complexity.pk, "value": 5},
            ]
        },
        content_type="application/json",
    )
    listed = contributor_client.get(base + "/assessments").json()["items"]
    assert sorted(a["assessor"] for a in listed) == ["bidragsyter", "eier"]
    results = contributor_client.get(base + "/results").json()
    assert results["n_submitted"] == 2 and results["spread"]
    # The facilitator sees every assessment; a viewer sees the aggregate but no scores.
    assert len(api(facilitator).get(base + "/assessments").json()["items"]) == 2
    assert api(viewer).get(base + "/assessments").json()["items"] == []
    viewer_results = api(viewer).get(base + "/results").json()
    assert viewer_results["potential"] == results["potential"]
    assert viewer_results["spread"] == []
    # Submitting is final.
    problem(
        owner_client.put(base + "/assessment", {"scores": []}, content_type="application/json"),
        422,
    )
    assert Score.objects.filter(assessment=first).count() == 2


@pytest.mark.django_db
def test_someone_not_asked_has_no_assessment_and_bad_steps_are_refused(
    programme, owner, viewer, assessed
):
    proposal, potential, _complexity, _first, _second = assessed
    base = f"{P}/{proposal.number}"
    problem(api(viewer).get(base + "/assessment"), 404)
    problem(
        api(viewer).put(base + "/assessment", {"scores": []}, content_type="application/json"), 404
    )
    body = problem(
        api(owner).put(
            base + "/assessment",
            {"scores": [{"criterion": potential.pk, "value": 9}]},
            content_type="application/json",
        ),
        422,
    )
    assert body["errors"][0]["loc"] == [str(potential.pk)]
    assert not Score.objects.exists()
    assert Assessment.objects.filter(submitted_at__isnull=False).count() == 0


@pytest.mark.django_db
def test_the_schema_documents_the_proposals_api(viewer):
    schema = api(viewer).get("/api/v1/openapi.json").json()
    assert "/api/v1/programmes/{slug}/proposals/{number}/move" in schema["paths"]
    assert (
        "409"
        in schema["paths"]["/api/v1/programmes/{slug}/proposals/{number}/move"]["post"]["responses"]
    )
