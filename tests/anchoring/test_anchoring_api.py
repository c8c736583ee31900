"""The anchoring API: stakeholders, answers, commitments and the summary, with the same
rights as the pages (viewer reads, owner writes their own, outsider gets 404)."""

from __future__ import annotations

import pytest
from django.test import Client

from nytte.anchoring.choices import Topic
from nytte.anchoring.models import AnchoringAnswer, Stakeholder
from tests.api.test_api_core import bearer
from tests.permissions import assert_logged

pytestmark = pytest.mark.django_db
BASE = "/api/v1/programmes/framtidens-innkreving"
STAKEHOLDER = {"group": "users", "name": "Brukere", "influence": 2, "interest": 5}


def client(user) -> Client:
    return Client(**bearer(user))


def test_stakeholders_are_created_read_changed_and_removed(anchored, facilitator, viewer):
    api = client(facilitator)
    created = api.post(
        f"{BASE}/stakeholders",
        {**STAKEHOLDER, "phases": ["idea", "concept"]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["display_name"], body["quadrant"], body["phases"]) == (
        "Brukere",
        "inform",
        ["idea", "concept"],
    )
    pk = body["id"]
    listed = client(viewer).get(f"{BASE}/stakeholders").json()
    assert [s["id"] for s in listed["items"]] == [pk]
    changed = api.patch(
        f"{BASE}/stakeholders/{pk}",
        {"initiative": "FI-1", "influence": 5},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert (changed.json()["initiative"], changed.json()["quadrant"]) == ("FI-1", "manage")
    assert client(viewer).get(f"{BASE}/stakeholders?initiative=FI-1").json()["count"] == 1
    assert_logged(Stakeholder.objects.get(pk=pk), "update", by=facilitator)
    assert api.delete(f"{BASE}/stakeholders/{pk}").status_code == 204
    assert not Stakeholder.objects.exists()


def test_a_bad_stakeholder_is_a_422_problem(anchored, facilitator):
    both = {**STAKEHOLDER, "organisation": anchored.nav.orgnr}
    response = client(facilitator).post(
        f"{BASE}/stakeholders", both, content_type="application/json"
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_rights_are_those_of_the_pages(anchored, viewer, owner, outsider):
    post = {"path": f"{BASE}/stakeholders", "content_type": "application/json"}
    assert client(viewer).post(data=STAKEHOLDER, **post).status_code == 403
    assert client(owner).post(data=STAKEHOLDER, **post).status_code == 403
    assert client(owner).post(data={**STAKEHOLDER, "initiative": "FI-1"}, **post).status_code == 201
    assert client(outsider).get(f"{BASE}/stakeholders").status_code == 404
    assert client(outsider).get(f"{BASE}/initiatives/FI-1/anchoring").status_code == 404


def test_answers_and_commitments_go_through_the_rules(anchored, owner, viewer):
    api = client(owner)
    users = anchored.question(Topic.USERS)
    url = f"{BASE}/initiatives/FI-1/anchoring"
    saved = api.put(
        f"{url}/answers/{users.pk}",
        {"status": "partly", "comment": "Brukerpanel."},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["status"] == "partly"
    assert (
        client(viewer)
        .put(f"{url}/answers/{users.pk}", {"status": "yes"}, content_type="application/json")
        .status_code
        == 403
    )
    committed = api.put(
        f"{url}/commitments/{anchored.nav.orgnr}",
        {
            "committed": True,
            "document": "business_plan",
            "committed_on": "2026-02-01",
            "confirmed_by": "Direktøren",
        },
        content_type="application/json",
    )
    assert committed.status_code == 200, committed.content
    read = client(viewer).get(url).json()
    assert read["summary"]["status_counts"]["partly"] == 1
    assert read["summary"]["missing_commitments"] == ["Skatteetaten"]
    assert [c["committed"] for c in read["commitments"]] == [True, False]
    removed = api.put(f"{url}/answers/{users.pk}", {"status": ""}, content_type="application/json")
    assert removed.status_code == 204
    assert not AnchoringAnswer.objects.exists()


def test_ks_cannot_be_not_relevant_where_municipal_services_are_touched(anchored, facilitator):
    ks = anchored.question(Topic.KS)
    response = client(facilitator).put(
        f"{BASE}/initiatives/FI-2/anchoring/answers/{ks.pk}",
        {"status": "not_relevant"},
        content_type="application/json",
    )
    assert response.status_code == 422
    summary = client(facilitator).get(f"{BASE}/initiatives/FI-2/anchoring").json()["summary"]
    assert summary["ks_flag"] and summary["touches_municipal_services"]


def test_a_proposal_has_its_own_anchoring(anchored, facilitator):
    users = anchored.question(Topic.USERS)
    url = f"{BASE}/proposals/1/anchoring"
    saved = client(facilitator).put(
        f"{url}/answers/{users.pk}", {"status": "yes"}, content_type="application/json"
    )
    assert saved.status_code == 200
    assert client(facilitator).get(url).json()["summary"]["subject_kind"] == "proposal"
    questions = client(facilitator).get(f"{BASE}/anchoring/questions").json()
    assert [q["topic"] for q in questions][:2] == ["participants", "leadership"]


def test_raci_roles_of_a_benefit_warn_until_someone_is_accountable_where_it_arises(
    anchored, facilitator, viewer, owner
):
    url = f"{BASE}/benefits/G-1/raci"
    assert client(viewer).get(url).json() == {"roles": [], "warning": True}
    role = {"organisation": anchored.nav.orgnr, "person": "Ytelsesdirektør", "letter": "A"}
    assert client(owner).post(url, role, content_type="application/json").status_code == 403
    created = client(facilitator).post(url, role, content_type="application/json")
    assert created.status_code == 201, created.content
    listed = client(viewer).get(url).json()
    assert listed["warning"] is False and listed["roles"][0]["letter"] == "A"
    bad = client(facilitator).post(
        f"{BASE}/initiatives/FI-1/raci", {**role, "letter": "X"}, content_type="application/json"
    )
    assert bad.status_code == 422
    gone = client(facilitator).delete(f"{url}/{created.json()['id']}")
    assert gone.status_code == 204
    assert client(viewer).get(url).json()["warning"] is True
