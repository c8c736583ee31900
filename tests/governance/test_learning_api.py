"""The learning loop over REST: the same services and rights as the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from nytte.governance.models import FollowUpAction, Lesson, StatusReport
from tests.api.test_api_core import bearer
from tests.governance.learning_factories import LessonFactory, decided


@pytest.fixture
def case(programme):
    return decided(programme)


def api(user) -> Client:
    return Client(**bearer(user))


def test_actions_reviews_lessons_and_reports_over_the_api(
    programme, case, facilitator, viewer, outsider
):
    client = api(facilitator)
    base = f"/api/v1/programmes/{programme.slug}/learning"
    response = client.post(
        f"{base}/actions",
        {"decision": case.decision.pk, "title": "Følg opp", "due_date": "2020-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    action = response.json()
    assert action["overdue"] is True
    overdue = client.get(f"{base}/actions", {"overdue": "true"}).json()
    assert [a["id"] for a in overdue] == [action["id"]]
    done = client.post(f"{base}/actions/{action['id']}/done", {}, content_type="application/json")
    assert done.json()["done_at"] is not None

    figures = client.get(f"{base}/decisions/{case.decision.pk}/review").json()
    assert figures["benefits"][0]["code"] == case.benefit.code
    review = client.post(
        f"{base}/decisions/{case.decision.pk}/reviews",
        {"learned": "Gikk bra."},
        content_type="application/json",
    )
    assert review.status_code == 201 and review.json()["figures"]["costs"]["expected"] == 2_000_000

    lesson = client.post(
        f"{base}/lessons",
        {"title": "Tidlig avklaring", "text": "Avklar jus tidlig.", "tags": "Jus"},
        content_type="application/json",
    )
    assert lesson.status_code == 201 and lesson.json()["tags"] == ["jus"]
    assert [x["title"] for x in client.get(f"{base}/lessons", {"q": "jus"}).json()] == [
        "Tidlig avklaring"
    ]
    report = client.post(f"{base}/status-reports", {}, content_type="application/json")
    assert report.status_code == 201
    assert report.json()["content"]["initiatives"][0]["code"] == case.initiative.code
    assert client.get(f"{base}/metrics").json()["adopted"]["totals"]["measured"] == 1
    assert client.get(f"{base}/calibration").json()[0]["count"] == 1

    # A viewer reads but cannot write; another programme's member is told nothing.
    reader = api(viewer)
    assert reader.get(f"{base}/lessons").status_code == 200
    assert (
        reader.post(
            f"{base}/lessons", {"title": "x", "text": "y"}, content_type="application/json"
        ).status_code
        == 403
    )
    stranger = api(outsider)
    lesson_pk = Lesson.objects.get().pk
    assert stranger.get(f"{base}/lessons/{lesson_pk}").status_code == 404
    assert stranger.get(f"{base}/metrics").status_code == 404
    assert FollowUpAction.objects.count() == 1 and StatusReport.objects.count() == 1


def test_another_programmes_lesson_is_404(programme, other_programme, facilitator):
    theirs = LessonFactory(programme=other_programme)
    url = f"/api/v1/programmes/{programme.slug}/learning/lessons/{theirs.pk}"
    assert api(facilitator).get(url).status_code == 404


def test_a_calibration_ratio_is_applied_to_a_proposals_analysis(programme, case, facilitator):
    from tests.factories import ProposalFactory

    newcomer = ProposalFactory(programme=programme)
    response = api(facilitator).post(
        f"/api/v1/programmes/{programme.slug}/learning/calibration/apply",
        {"proposal": newcomer.number, "dimension": "all"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["benefit_adjustment"] == pytest.approx(1.008, abs=0.002)
    assert "Kalibrering" in body["adjustment_basis"]


def test_revisit_items_are_listed_and_closed_by_the_facilitator_only(
    programme, case, facilitator, forum_member
):
    from nytte.governance.choices import RevisitKind
    from nytte.governance.learning.revisits import open_item

    item, _new = open_item(
        kind=RevisitKind.BENEFIT_BEHIND, decision=case.decision, benefit=case.benefit, detail="x"
    )
    base = f"/api/v1/programmes/{programme.slug}/learning/revisits"
    assert [i["id"] for i in api(facilitator).get(base).json()] == [item.pk]
    assert api(forum_member).get(base).status_code == 403
    closing = {"resolution": "Vurdert i styret."}
    assert (
        api(forum_member)
        .post(f"{base}/{item.pk}/close", closing, content_type="application/json")
        .status_code
        == 403
    )
    closed = api(facilitator).post(
        f"{base}/{item.pk}/close", closing, content_type="application/json"
    )
    assert closed.json()["resolution"] == "Vurdert i styret."
    assert api(facilitator).get(base).json() == []


def test_an_action_is_changed_and_lessons_are_found_for_a_similar_proposal(
    programme, case, facilitator, owner
):
    from tests.governance.learning_factories import FollowUpActionFactory

    action = FollowUpActionFactory(decision=case.decision)
    base = f"/api/v1/programmes/{programme.slug}/learning"
    changed = api(facilitator).patch(
        f"{base}/actions/{action.pk}",
        {"owner": owner.username, "due_date": "2027-01-31"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["owner"] == owner.username and changed.json()["due_date"] == "2027-01-31"
    LessonFactory(
        programme=programme, case=case.case, title="Gebyrer", text="Innkreving av gebyrer."
    )
    from tests.factories import ProposalFactory

    similar = ProposalFactory(programme=programme, title="Gebyrer digitalt", need="Innkreving.")
    found = api(facilitator).get(f"{base}/proposals/{similar.number}/lessons").json()
    assert [x["title"] for x in found] == ["Gebyrer"]
