"""The step-4 API: the path from a ready proposal to a decision and a baseline, who may do
what, and another programme's case as a 404."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from nytte.governance.models import Decision
from tests.api.test_api_core import bearer

BASE = "/api/v1/programmes/framtidens-innkreving"


def api(user) -> Client:
    return Client(**bearer(user))


def send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def case_number(facilitator, ready_proposal):
    response = send(api(facilitator), "post", f"{BASE}/cases", {"proposal": ready_proposal.number})
    assert response.status_code == 201, response.content
    return response.json()["number"]


def test_from_case_to_decision_and_baseline_comparison(
    first_baseline, facilitator, forum_member, viewer, board, case_number, orgs
):
    case = api(viewer).get(f"{BASE}/cases/{case_number}").json()
    zero, carry = case["options"]
    assert zero["do_nothing"] and carry["total_cost"] == 6_000_000
    assert [r["organisation"]["name"] for r in carry["split"]["rows"]] == [
        "Arbeids- og velferdsetaten",
        "Skatteetaten",
    ]
    assert [r["amount"] for r in carry["split"]["rows"]] == [4_500_000, 1_500_000]
    split_url = f"{BASE}/cases/{case_number}/options/{carry['id']}/split"
    refused = send(api(facilitator), "put", split_url, {"key": "judgement"})
    assert refused.status_code == 422
    split = send(
        api(facilitator),
        "put",
        split_url,
        {"key": "size", "bases": {orgs["nav"].orgnr: "1", orgs["skatt"].orgnr: "1"}},
    ).json()
    assert [r["amount"] for r in split["rows"]] == [3_000_000, 3_000_000]
    assert (
        send(
            api(facilitator), "delete", f"{BASE}/cases/{case_number}/options/{zero['id']}", {}
        ).status_code
        == 422
    )

    body = {
        "option": carry["id"],
        "outcome": "approved",
        "rationale": "Godt",
        "forum": board.pk,
        "decided_on": "2026-10-01",
        "review_date": "2027-10-01",
        "present": ["forum"],
    }
    assert (
        send(api(facilitator), "post", f"{BASE}/cases/{case_number}/decide", body).status_code
        == 403
    )
    decided = send(api(forum_member), "post", f"{BASE}/cases/{case_number}/decide", body)
    assert decided.status_code == 201, decided.content
    decision = decided.json()
    assert (
        decision["present"] == ["forum"]
        and decision["inputs"]["options"][1]["total_cost"] == 6_000_000
    )
    assert api(viewer).get(f"{BASE}/decisions/{decision['id']}").json()["baseline"] == 2

    compare = api(viewer).get(f"{BASE}/baselines/compare?a=1&b=2").json()
    assert compare["added"] == ["F-1"] and compare["cost"]["change"] == 6_000_000
    assert compare["costs"]["NAV"]["2027"] == {"before": 0, "after": 3_000_000, "change": 3_000_000}
    assert api(viewer).get(f"{BASE}/baselines/1").json()["content"]["initiatives"] == {}


@pytest.fixture
def first_baseline(facilitator, programme):
    send(api(facilitator), "post", f"{BASE}/baselines", {"label": "Start"})


def test_another_programmes_case_is_a_404(outsider, viewer, case_number):
    assert api(outsider).get(f"{BASE}/cases/{case_number}").status_code == 404
    assert api(viewer).get(f"{BASE}/cases/999").status_code == 404
    assert api(viewer).get(f"{BASE}/cases").status_code == 200


def test_forums_and_meetings(programme_admin, facilitator, forum_member, viewer, case_number):
    forum = send(api(programme_admin), "post", f"{BASE}/forums", {"name": "Styret"})
    assert forum.status_code == 201
    forum_id = forum.json()["id"]
    assert send(api(facilitator), "post", f"{BASE}/forums", {"name": "X"}).status_code == 403
    refused = send(
        api(programme_admin), "post", f"{BASE}/forums/{forum_id}/members", {"username": "leser"}
    )
    assert refused.status_code == 422
    seated = send(
        api(programme_admin), "post", f"{BASE}/forums/{forum_id}/members", {"username": "forum"}
    )
    assert seated.json()["members"][0]["username"] == "forum"
    meeting = send(
        api(facilitator), "post", f"{BASE}/forums/{forum_id}/meetings", {"date": "2026-11-01"}
    )
    assert meeting.status_code == 201
    agenda = send(
        api(facilitator),
        "post",
        f"{BASE}/meetings/{meeting.json()['id']}/agenda",
        {"case": case_number},
    )
    assert agenda.json()["agenda"] == [case_number]
    assert api(viewer).get(f"{BASE}/forums").json()[0]["name"] == "Styret"
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_every_step_4_path_is_in_the_openapi_schema_with_its_errors():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    p, c = "/api/v1/programmes/{slug}", "/api/v1/programmes/{slug}/cases/{number}"
    expected = {
        p + "/forums": {"get", "post"},
        p + "/forums/{pk}/members": {"post"},
        p + "/forums/{pk}/meetings": {"get", "post"},
        p + "/meetings/{pk}": {"get"},
        p + "/meetings/{pk}/agenda": {"post"},
        p + "/cases": {"get", "post"},
        c: {"get", "patch"},
        c + "/options": {"post"},
        c + "/options/{pk}": {"patch", "delete"},
        c + "/options/{pk}/split": {"get", "put"},
        c + "/decide": {"post"},
        c + "/memo.{fmt}": {"get"},
        p + "/decisions": {"get"},
        p + "/decisions/{pk}": {"get"},
        p + "/decisions/{pk}/amend": {"post"},
        p + "/baselines": {"get", "post"},
        p + "/baselines/compare": {"get"},
        p + "/baselines/from-run": {"post"},
        p + "/baselines/{number}": {"get"},
        p + "/dialogue": {"get", "post"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            assert {"403", "404", "422"} <= set(paths[path][method]["responses"]), path


def test_an_initiative_a_case_is_about_is_not_deleted_and_the_answer_says_why(
    facilitator, programme
):
    """A decision case protects its initiative: deleting it through the API is a 4xx that
    names what refers to it (not a server error), and nothing is deleted or logged."""
    from nytte.core.models import ChangeLogEntry as ChangeLog
    from nytte.governance import services
    from nytte.portfolio.models import Initiative
    from tests.factories import InitiativeFactory

    initiative = InitiativeFactory(programme=programme, code="FI-77")
    services.prepare_change_request(initiative, "stop", facilitator, reason="Stans")
    client = api(facilitator)  # its token is logged as it is made
    logged = ChangeLog.objects.count()
    response = send(
        client,
        "delete",
        f"/api/v1/programmes/{programme.slug}/initiatives/FI-77",
        None,
    )
    assert 400 <= response.status_code < 500, response.status_code
    assert response["Content-Type"] == "application/problem+json"
    message = response.json()["errors"][0]["msg"]
    assert message.startswith("FI-77") and "beslutningssaker (1)" in message
    assert Initiative.objects.filter(pk=initiative.pk).exists()
    assert ChangeLog.objects.count() == logged
