"""The learning loop's pages: they render in bokmål for the programme's people, another
programme's objects are 404, a viewer cannot write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from nytte.core.models import hash_token
from nytte.governance.learning import reviews
from nytte.governance.learning.feedback import notify_decision
from nytte.governance.models import Lesson, StatusReport
from tests.factories import ProposalFactory
from tests.governance.learning_factories import FollowUpActionFactory, LessonFactory, decided


@pytest.fixture
def case(programme):
    return decided(programme)


def _urls(programme, case, lesson, report, action):
    slug = programme.slug
    return {
        "learning": reverse("governance:learning", args=[slug]),
        "actions": reverse("governance:actions", args=[slug]),
        "action": reverse("governance:action", args=[slug, action.pk]),
        "reviews": reverse("governance:reviews", args=[slug]),
        "review": reverse("governance:review", args=[slug, case.decision.pk]),
        "lessons": reverse("governance:lessons", args=[slug]),
        "lesson": reverse("governance:lesson", args=[slug, lesson.pk]),
        "calibration": reverse("governance:calibration", args=[slug]),
        "status_reports": reverse("governance:status_reports", args=[slug]),
        "status_report": reverse("governance:status_report", args=[slug, report.pk]),
        "metrics": reverse("governance:metrics", args=[slug]),
        "revisits": reverse("governance:revisits", args=[slug]),
    }


def test_every_page_renders_in_bokmal_and_another_programme_is_404(
    programme, case, facilitator, outsider, viewer, client_for
):
    lesson = LessonFactory(programme=programme, case=case.case)
    action = FollowUpActionFactory(decision=case.decision, owner=facilitator)
    report = StatusReport.objects.create(programme=programme, title="H1", content={})
    urls = _urls(programme, case, lesson, report, action)
    client = client_for(facilitator)
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert 'lang="nb"' in response.content.decode(), name
    assert "Læringssløyfe" in client.get(urls["learning"]).content.decode()
    outside = client_for(outsider)
    for name, url in urls.items():
        assert outside.get(url).status_code == 404, name
    # A viewer sees but cannot write; the facilitator's revisit list is not theirs.
    reader = client_for(viewer)
    assert reader.get(urls["lesson"]).status_code == 200
    assert reader.post(urls["lessons"], {"title": "x", "text": "y"}).status_code == 403
    assert reader.post(urls["status_reports"], {"title": "x"}).status_code == 403
    assert reader.get(urls["revisits"]).status_code == 403


def test_a_facilitator_records_a_review_and_turns_it_into_a_lesson(
    programme, case, facilitator, client_for
):
    client = client_for(facilitator)
    url = reverse("governance:review", args=[programme.slug, case.decision.pk])
    response = client.post(url, {"review": "1", "learned": "Brukerne tok løsningen raskt i bruk."})
    assert response.status_code == 302
    review = case.decision.reviews.get()
    assert review.figures["benefits"][0]["code"] == case.benefit.code
    response = client.post(
        url,
        {
            "lesson": "1",
            "review_pk": review.pk,
            "lesson-title": "Ta brukerne med tidlig",
            "lesson-text": "Tidlig brukerinvolvering ga raskere gevinster.",
            "lesson-tags": "Brukere, Innsikt",
        },
    )
    lesson = Lesson.objects.get()
    assert response.status_code == 302 and lesson.review == review
    assert lesson.case == case.case and lesson.tags == "brukere, innsikt"


def test_lessons_are_searchable_and_shown_beside_a_similar_proposal(
    programme, case, facilitator, client_for
):
    LessonFactory(
        programme=programme,
        case=case.case,
        title="Gebyrer krever avklaring med Skatteetaten",
        text="Innkreving av gebyrer trengte en juridisk avklaring.",
        tags="juridisk, innkreving",
    )
    LessonFactory(programme=programme, title="Noe helt annet", text="Om skoleskyss.", tags="skole")
    client = client_for(facilitator)
    lessons_url = reverse("governance:lessons", args=[programme.slug])
    page = client.get(lessons_url, {"q": "gebyrer"}).content.decode()
    assert "Gebyrer krever avklaring" in page and "Noe helt annet" not in page
    page = client.get(lessons_url, {"tag": "skole"}).content.decode()
    assert "Noe helt annet" in page and "Gebyrer krever" not in page
    similar = ProposalFactory(
        programme=programme,
        title="Digital innkreving av gebyrer for kommunene",
        need="Innkreving av gebyrer skjer på papir.",
    )
    tab = client.get(similar.get_absolute_url(), {"tab": "harmonisation"}).content.decode()
    assert "Gebyrer krever avklaring" in tab
    assert "Noe helt annet" not in tab


def test_the_proposer_is_told_the_outcome_and_follows_the_realisation(
    programme, case, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_decision(case.decision) == 1
    (message,) = mail.outbox
    assert message.to == ["forslagsstiller@example.no"]
    assert case.proposal.reference in message.subject and "Godkjent" in message.subject
    assert case.decision.rationale in message.body
    token = "hemmelig-lenke"
    case.proposal.status_token_hash = hash_token(token)
    case.proposal.save()
    page = client.get(reverse("proposals:status", args=[token])).content.decode()
    assert case.decision.rationale in page
    assert case.initiative.code in page and case.benefit.title in page
    assert "50 %" in page  # realised share of the benefit's way to its target


def test_a_status_report_shows_the_change_since_the_last(programme, case, facilitator, client_for):
    client = client_for(facilitator)
    url = reverse("governance:status_reports", args=[programme.slug])
    client.post(url, {"title": "Første"})
    case.initiative.planned_end = dt.date(2020, 1, 1)
    case.initiative.save()
    client.post(url, {"title": "Andre"})
    first, second = StatusReport.objects.order_by("created_at", "pk")
    assert first.content["changes"]["since"] is None
    (moved,) = second.content["changes"]["changed"]
    assert moved["code"] == case.initiative.code
    assert moved["lights"]["time"]["after"] == "red"
    page = client.get(reverse("governance:status_report", args=[programme.slug, second.pk]))
    assert "Rød" in page.content.decode()
    export = client.get(reverse("governance:status_report_excel", args=[programme.slug, second.pk]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    word = client.get(reverse("governance:status_report_word", args=[programme.slug, second.pk]))
    from io import BytesIO

    from docx import Document

    text = "\n".join(p.text for p in Document(BytesIO(word.content)).paragraphs)
    assert "Andre" in text and "Endring siden forrige rapport" in text
    assert f"{case.initiative.code} {case.initiative.title} – Tid: – → Rød" in text


def test_the_review_page_shows_realised_against_expected(programme, case, facilitator, client_for):
    figures = reviews.review_figures(case.decision, today=dt.date(2026, 8, 1))
    assert figures["benefit_totals"]["measured"] == 1
    page = client_for(facilitator).get(
        reverse("governance:review", args=[programme.slug, case.decision.pk])
    )
    assert "2 000 000" in page.content.decode() or "2\xa0000\xa0000" in page.content.decode()


def test_a_calibration_ratio_applied_by_choice_shows_on_the_analysis_page(
    programme, case, facilitator, client_for
):
    newcomer = ProposalFactory(programme=programme, stage="assessment")
    client = client_for(facilitator)
    url = reverse("governance:calibration", args=[programme.slug])
    page = client.get(url).content.decode()
    assert "Kalibrering" in page and "1,008" in page
    response = client.post(url, {"group": "all:all", "subject": f"proposal-{newcomer.pk}"})
    assert response.status_code == 302
    analysis = client.get(response["Location"]).content.decode()
    assert "Referanseklassejustering er brukt" in analysis
    assert "1,008" in analysis


def test_the_facilitator_closes_a_revisit_item_on_its_page(
    programme, case, facilitator, forum_member, client_for
):
    from nytte.governance.choices import RevisitKind
    from nytte.governance.learning.revisits import open_item

    item, _new = open_item(
        kind=RevisitKind.BENEFIT_BEHIND, decision=case.decision, benefit=case.benefit, detail="x"
    )
    url = reverse("governance:revisit_close", args=[programme.slug, item.pk])
    assert client_for(forum_member).post(url, {"resolution": "Nei"}).status_code == 403
    response = client_for(facilitator).post(url, {"resolution": "Tiltaket er justert."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.closed_at is not None and item.closed_by == facilitator
    page = client_for(facilitator).get(reverse("governance:revisits", args=[programme.slug]))
    assert "Tiltaket er justert." in page.content.decode()


def test_the_pages_speak_english_on_request(programme, case, facilitator, client_for):
    client = client_for(facilitator, language="en")
    page = client.get(reverse("governance:metrics", args=[programme.slug])).content.decode()
    assert "Process metrics" in page and "Outcomes by Source" in page
    page = client.get(reverse("governance:learning", args=[programme.slug])).content.decode()
    assert "Learning loop" in page
