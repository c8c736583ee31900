"""Mass assignment (issue 18): a proposer cannot set a proposal's stage, track, decision or
proposer through the form, the public form or JSON, nor through the services directly."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from nytte.proposals.choices import Stage
from nytte.proposals.models import Proposal
from nytte.proposals.services.capture import proposal_submit, proposal_update

pytestmark = pytest.mark.django_db
PRIVILEGED = {
    "stage": "ready",
    "stage_reason": "Decided",
    "track": "investment",
    "track_reason": "Decided",
    "channel": "sought_out",
    "number": 999,
}


def _assert_untouched(proposal: Proposal, proposer) -> None:
    proposal.refresh_from_db()
    assert proposal.stage == Stage.RECEIVED and not proposal.stage_reason
    assert not proposal.track and not proposal.track_reason
    assert proposal.proposer_id == (proposer.pk if proposer else None)
    assert proposal.number != 999


def test_json_create_and_patch_ignore_privileged_fields(contributor, facilitator, programme):
    client = Client()
    client.force_login(contributor)
    body = {"title": "Ny", "need": "Behov", "idea": "Idé", "proposer": facilitator.username}
    response = client.post(
        f"/api/v1/programmes/{programme.slug}/proposals",
        json.dumps(body | PRIVILEGED),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    proposal = Proposal.objects.get(programme=programme, title="Ny")
    _assert_untouched(proposal, contributor)
    response = client.patch(
        f"/api/v1/programmes/{programme.slug}/proposals/{proposal.number}",
        json.dumps({"title": "Endret", "proposer": facilitator.username} | PRIVILEGED),
        content_type="application/json",
    )
    assert response.status_code == 200
    _assert_untouched(proposal, contributor)
    assert Proposal.objects.get(pk=proposal.pk).title == "Endret"


def test_the_form_ignores_privileged_fields(contributor, programme):
    client = Client()
    client.force_login(contributor)
    data = {"title": "Skjema", "need": "Behov", "idea": "Idé", "source": "staff"}
    response = client.post(f"/p/{programme.slug}/proposals/new/", data | PRIVILEGED)
    assert response.status_code == 302
    proposal = Proposal.objects.get(programme=programme, title="Skjema")
    _assert_untouched(proposal, contributor)
    client.post(
        f"/p/{programme.slug}/proposals/{proposal.number}/edit/",
        data | {"title": "Skjema 2"} | PRIVILEGED,
    )
    _assert_untouched(proposal, contributor)


def test_the_public_form_ignores_privileged_fields(programme):
    data = {
        "title": "Offentlig",
        "need": "Behov",
        "idea": "Idé",
        "source": "user_insight",
        "proposer_name": "Kari",
        "proposer_email": "kari@example.no",
        "consent": "on",
    }
    response = Client().post(f"/p/{programme.slug}/submit/", data | PRIVILEGED)
    assert response.status_code == 302, response.content[:2000]
    _assert_untouched(Proposal.objects.get(programme=programme, title="Offentlig"), None)


@pytest.mark.parametrize("field", [*PRIVILEGED, "proposer", "merged_into", "programme"])
def test_the_services_refuse_privileged_fields_whoever_calls(
    field, contributor, facilitator, programme
):
    values = PRIVILEGED | {"proposer": facilitator, "merged_into": None, "programme": programme}
    with pytest.raises(ValidationError):
        proposal_submit(
            programme=programme,
            data={"title": "T", "need": "N", "idea": "I", field: values[field]},
            acting_user=contributor,
        )
    proposal, _token = proposal_submit(
        programme=programme, data={"title": "T", "need": "N", "idea": "I"}, acting_user=contributor
    )
    with pytest.raises(ValidationError):
        proposal_update(proposal=proposal, data={field: values[field]}, acting_user=contributor)
    _assert_untouched(proposal, contributor)
