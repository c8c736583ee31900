"""The permission matrix for step 4: everyone in the programme reads forums, cases,
decisions and baselines; facilitators prepare, programme admins set up forums, only a
seated forum member decides; another programme's member gets a 404."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from nytte.governance import services
from tests.permissions import HIDDEN, PermissionMatrix

OK = 200


@pytest.fixture
def decided(ready_proposal, facilitator, forum_member, board, meeting):
    case = services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)
    decision = services.decide(
        case,
        option=case.options.get(do_nothing=False),
        outcome="approved",
        rationale="Godt.",
        forum=board,
        meeting=meeting,
        decided_on=datetime.date(2026, 10, 1),
        review_date=datetime.date(2027, 10, 1),
        acting_user=forum_member,
    )
    return case, decision


class TestPagePermissions(PermissionMatrix):
    # facilitator, programme_admin, owner, contributor, forum_member, viewer, outsider
    EVERYONE = [OK, OK, OK, OK, OK, OK, HIDDEN]
    EXPECTED = {
        "cases": EVERYONE,
        "case": EVERYONE,
        "option": EVERYONE,
        "forums": EVERYONE,
        "forum": EVERYONE,
        "meeting": EVERYONE,
        "decision": EVERYONE,
        "baselines": EVERYONE,
        "baseline": EVERYONE,
        "compare": EVERYONE,
        "dialogue": EVERYONE,
        "cases_export": EVERYONE,
    }

    @pytest.fixture
    def urls(self, programme, decided, board, meeting):
        case, decision = decided
        slug = programme.slug
        option = case.options.get(do_nothing=False)

        def u(name, *args):
            return reverse(f"governance:{name}", args=[slug, *args])

        return {
            "cases": u("cases"),
            "case": u("case", case.number),
            "option": u("option", case.number, option.pk),
            "forums": u("forums"),
            "forum": u("forum", board.pk),
            "meeting": u("meeting", meeting.pk),
            "decision": u("decision", decision.pk),
            "baselines": u("baselines"),
            "baseline": u("baseline", decision.baseline.number),
            "compare": u("baseline_compare") + "?a=1&b=1",
            "dialogue": u("dialogue"),
            "cases_export": u("cases_export"),
        }


def test_preparing_takes_the_facilitator(access, programme, ready_proposal):
    url = reverse("governance:prepare_case", args=[programme.slug, ready_proposal.number])
    access.check(
        "post",
        url,
        allowed=["facilitator"],
        forbidden=["owner", "contributor", "forum_member", "viewer"],
    )


def test_deciding_takes_a_seated_forum_member(
    access, programme, ready_proposal, facilitator, board
):
    case = services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)
    data = {
        "form": "decide",
        "decide-outcome": "approved",
        "decide-option": case.options.get(do_nothing=False).pk,
        "decide-rationale": "Godt",
        "decide-forum": board.pk,
        "decide-decided_on": "2026-10-01",
        "decide-review_date": "2027-10-01",
    }
    access.check(
        "post",
        case.get_absolute_url(),
        data,
        allowed=["forum_member"],
        forbidden=["facilitator", "programme_admin", "owner", "contributor", "viewer"],
    )


def test_forums_are_set_up_by_programme_admins(access, programme):
    url = reverse("governance:forums", args=[programme.slug])
    access.check(
        "post",
        url,
        {"name": "Styret", "kind": "programme_board"},
        allowed=["programme_admin"],
        forbidden=["facilitator", "owner", "contributor", "forum_member", "viewer"],
    )


def test_baselines_are_frozen_by_facilitators(access, programme):
    url = reverse("governance:baselines", args=[programme.slug])
    access.check(
        "post",
        url,
        {"label": "Nå"},
        allowed=["facilitator", "programme_admin"],
        forbidden=["owner", "contributor", "forum_member", "viewer"],
    )
