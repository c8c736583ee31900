"""The step-4 pages: what each persona sees and can do, forms that keep what was typed,
and the walk from the work queue to a decided case."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from nytte.governance import services
from nytte.governance.funding import funding_split
from nytte.governance.models import Decision, DecisionCase, ForumMember
from tests.factories import InitiativeFactory

from .factories import BaselineFactory


@pytest.fixture
def case(ready_proposal, facilitator):
    return services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)


def url(name, programme, *args):
    return reverse(f"governance:{name}", args=[programme.slug, *args])


def test_the_facilitator_prepares_a_case_from_the_work_queue(
    client_for, facilitator, ready_proposal, programme
):
    client = client_for(facilitator)
    queue = client.get(reverse("proposals:queue")).content.decode()
    prepare = url("prepare_case", programme, ready_proposal.number)
    assert prepare in queue
    assert prepare in client.get(ready_proposal.get_absolute_url()).content.decode()
    response = client.post(prepare)
    case = DecisionCase.objects.get(proposal=ready_proposal)
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Felles varsling" in page and "Gjør ingenting" in page
    assert "Forankringen er ikke fullstendig." in page  # the anchoring app's summary
    assert 'data-chart="split-chart-' in page
    # Back in the queue, the proposal now links to its case instead of offering another.
    queue = client.get(reverse("proposals:queue")).content.decode()
    assert prepare not in queue
    assert case.get_absolute_url() in queue and f"Sak {case.reference} under forberedelse" in queue
    # A withdrawn case is no longer open: the proposal can have a case prepared again.
    DecisionCase.objects.filter(pk=case.pk).update(status="withdrawn")
    assert prepare in client.get(reverse("proposals:queue")).content.decode()


def test_every_page_renders_for_the_facilitator_and_the_forum_member(
    client_for, facilitator, forum_member, case, board, meeting, programme
):
    services.agenda_add(meeting=meeting, case=case, acting_user=facilitator)
    option = case.options.get(do_nothing=False)
    decision = services.decide(
        case,
        option=option,
        meeting=meeting,
        outcome="approved",
        rationale="Godt.",
        forum=board,
        decided_on=datetime.date(2026, 10, 1),
        review_date=datetime.date(2027, 10, 1),
        acting_user=forum_member,
    )
    BaselineFactory(programme=programme, number=0, content={"initiatives": {}})
    initiative = InitiativeFactory(programme=programme, code="R")
    pages = [
        url("cases", programme),
        url("forums", programme),
        url("forum", programme, board.pk),
        url("meeting", programme, meeting.pk),
        url("case", programme, case.number),
        url("option", programme, case.number, option.pk),
        url("decision", programme, decision.pk),
        url("baselines", programme),
        url("baseline", programme, decision.baseline.number),
        url("baseline_compare", programme) + f"?a=0&b={decision.baseline.number}",
        url("dialogue", programme),
        url("change_request", programme, initiative.code),
    ]
    for user in (facilitator, forum_member):
        client = client_for(user, "nb")
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (user, page)
    meeting_page = client_for(forum_member).get(pages[3]).content.decode()
    assert decision.get_absolute_url() in meeting_page
    assert decision.get_absolute_url() in client_for(forum_member).get(pages[2]).content.decode()
    compare = client_for(facilitator).get(pages[9]).content.decode()
    assert "F-1" in compare and "6 000 000" in compare.replace("\xa0", " ")
    for export, args in (
        ("cases_export", ()),
        ("decisions_export", ()),
        ("dialogue_export", ("xlsx",)),
    ):
        response = client_for(forum_member).get(url(export, programme, *args))
        assert response.status_code == 200 and response["Content-Type"].startswith(
            "application/vnd"
        )
    response = client_for(forum_member).get(
        url("baseline_compare_export", programme) + f"?a=0&b={decision.baseline.number}"
    )
    assert response.status_code == 200


def test_only_those_who_may_decide_see_the_decide_form(
    client_for, facilitator, forum_member, programme_admin, case, board, programme
):
    page = case.get_absolute_url()
    assert 'value="decide"' in client_for(forum_member).get(page).content.decode()
    for user in (facilitator, programme_admin):
        assert 'value="decide"' not in client_for(user).get(page).content.decode()
        response = client_for(user).post(page, {"form": "decide", "decide-outcome": "approved"})
        assert response.status_code == 403


def test_a_refused_decision_keeps_what_was_typed(client_for, forum_member, case, board):
    response = client_for(forum_member, "en").post(
        case.get_absolute_url(),
        {
            "form": "decide",
            "decide-outcome": "approved",
            "decide-option": case.options.get(do_nothing=True).pk,
            "decide-rationale": "Mitt begrunnede vedtak",
            "decide-forum": board.pk,
            "decide-decided_on": "2026-10-01",
            "decide-review_date": "2027-10-01",
        },
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert "Mitt begrunnede vedtak" in content and "do nothing" in content
    assert not Decision.objects.exists()


def test_the_forum_member_decides_on_the_page(client_for, forum_member, case, board, programme):
    response = client_for(forum_member).post(
        case.get_absolute_url(),
        {
            "form": "decide",
            "decide-outcome": "approved",
            "decide-option": case.options.get(do_nothing=False).pk,
            "decide-rationale": "Godt",
            "decide-forum": board.pk,
            "decide-decided_on": "2026-10-01",
            "decide-review_date": "2027-10-01",
            "decide-present": [forum_member.pk],
        },
    )
    decision = Decision.objects.get()
    assert response.status_code == 302 and response["Location"] == decision.get_absolute_url()
    assert list(decision.present.all()) == [forum_member]


def test_forums_are_set_up_by_programme_admins_and_refuse_members_without_the_role(
    client_for, programme_admin, viewer, forum_member, programme
):
    client = client_for(programme_admin, "en")
    response = client.post(url("forums", programme), {"name": "Styret", "kind": "programme_board"})
    forum = programme.forums.get()
    assert response.status_code == 302
    response = client.post(forum.get_absolute_url(), {"form": "member", "user": viewer.pk})
    assert response.status_code == 422 and "forum-member role" in response.content.decode()
    client.post(
        forum.get_absolute_url(), {"form": "member", "user": forum_member.pk, "chair": "on"}
    )
    assert ForumMember.objects.get(forum=forum).chair


def test_the_facilitator_edits_an_option_and_its_split(client_for, facilitator, case, orgs):
    option = case.options.get(do_nothing=False)
    page = url("option", case.programme, case.number, option.pk)
    client = client_for(facilitator, "en")
    response = client.post(page, {"form": "funding", "key": "judgement", "reason": ""})
    assert response.status_code == 422 and "reason" in response.content.decode()
    response = client.post(
        page,
        {
            "form": "funding",
            "key": "size",
            "reason": "",
            f"basis_{orgs['nav'].pk}": "3",
            f"basis_{orgs['skatt'].pk}": "1",
        },
    )
    assert response.status_code == 302
    split = {r.organisation.short_name: r.amount for r in funding_split(option)}
    assert split == {"NAV": 4_500_000, "SKE": 1_500_000}


def test_a_change_request_is_prepared_from_the_initiative(
    client_for, facilitator, viewer, programme
):
    initiative = InitiativeFactory(programme=programme, code="R", phase="execute")
    assert (
        url("change_request", programme, "R")
        in client_for(viewer).get(initiative.get_absolute_url()).content.decode()
    )
    page = url("change_request", programme, "R")
    assert 'name="change_kind"' not in client_for(viewer).get(page).content.decode()
    response = client_for(facilitator).post(
        page, {"change_kind": "stop", "reason": "Ikke lenger nødvendig."}
    )
    case = DecisionCase.objects.get(initiative=initiative)
    assert response["Location"] == case.get_absolute_url()
    assert case.change_kind == "stop" and case.background == "Ikke lenger nødvendig."
    # Preparing the same again from the queue or the page leads to the open case.
    response = client_for(facilitator, "en").post(page, {"change_kind": "stop"})
    assert response.status_code == 422 and "S-1" in response.content.decode()


def test_preparing_a_proposal_twice_leads_to_its_open_case(
    client_for, facilitator, case, programme
):
    response = client_for(facilitator).post(url("prepare_case", programme, case.proposal.number))
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()


def test_a_forum_member_amends_a_decision_on_its_page(
    client_for, forum_member, facilitator, case, board
):
    first = services.decide(
        case,
        option=None,
        outcome="parked",
        rationale="Vent.",
        forum=board,
        decided_on=datetime.date(2026, 10, 1),
        review_date=datetime.date(2027, 10, 1),
        acting_user=forum_member,
    )
    assert (
        'name="rationale"'
        not in client_for(facilitator).get(first.get_absolute_url()).content.decode()
    )
    response = client_for(forum_member).post(
        first.get_absolute_url(),
        {
            "outcome": "approved",
            "option": case.options.get(do_nothing=False).pk,
            "rationale": "Nå er det midler.",
            "decided_on": "2026-11-01",
            "review_date": "2027-11-01",
            "present": [forum_member.pk],
        },
    )
    second = Decision.objects.get(version=2)
    assert response.status_code == 302 and response["Location"] == second.get_absolute_url()
    assert second.amends == first and list(second.present.all()) == [forum_member]
    case.proposal.refresh_from_db()
    assert case.proposal.stage == "adopted"
    assert (
        "Dette vedtaket er endret."
        in client_for(forum_member).get(first.get_absolute_url()).content.decode()
    )
