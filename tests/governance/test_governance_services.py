"""Preparing cases, deciding them and what a decision does to the portfolio."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nytte.core.actors import SYSTEM
from nytte.core.choices import Role
from nytte.governance import services
from nytte.governance.choices import CaseStatus, Outcome
from nytte.governance.models import Baseline, Decision, DialogueItem, ForumMember
from nytte.portfolio.models import Dependency, Initiative
from nytte.proposals.models import ProposalLink
from tests.factories import CostLineFactory, InitiativeFactory, MembershipFactory, UserFactory
from tests.permissions import assert_logged

TODAY = datetime.date(2026, 10, 1)
REVIEW = datetime.date(2027, 10, 1)


def _decide(case, board, user, outcome=Outcome.APPROVED, option=None, **extra):
    if option is None:
        option = case.options.get(do_nothing=False)
    return services.decide(
        case,
        option=option,
        outcome=outcome,
        rationale="Størst nytte.",
        forum=board,
        decided_on=TODAY,
        review_date=REVIEW,
        acting_user=user,
        **extra,
    )


def test_a_ready_proposal_becomes_a_case_with_do_nothing_and_the_costs_of_its_analysis(
    ready_proposal, facilitator, orgs
):
    case = services.prepare_case_from_proposal(ready_proposal, facilitator)
    assert case.reference == "S-1" and case.status == CaseStatus.DRAFT
    assert "Innbyggere" in case.background
    zero, carry = case.options.order_by("order")
    assert zero.do_nothing and not carry.do_nothing
    assert case.recommended_option == carry
    costs = {(c.organisation.short_name, c.year): c.amount for c in carry.costs.all()}
    assert costs == {("NAV", 2027): 3_000_000, ("NAV", 2028): 2_000_000, ("SKE", 2027): 1_000_000}
    benefits = {
        (b.organisation.short_name if b.organisation else None): b.annual_amount
        for b in carry.benefits.all()
    }
    assert benefits == {"NAV": 600_000, "SKE": 200_000, None: 100_000}
    assert carry.snapshot is not None and carry.snapshot.proposal == ready_proposal
    assert carry.new_code == "F-1"
    assert_logged(case, "create", by=facilitator)


def test_only_a_ready_proposal_becomes_a_case_and_only_once(ready_proposal, facilitator, viewer):
    with pytest.raises(PermissionDenied):
        services.prepare_case_from_proposal(ready_proposal, viewer)
    services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)
    with pytest.raises(ValidationError, match="S-1"):
        services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)
    ready_proposal.stage = "assessment"
    with pytest.raises(ValidationError):
        services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)


def test_the_do_nothing_option_cannot_be_deleted(ready_proposal, facilitator, english):
    case = services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)
    with pytest.raises(ValidationError, match="do nothing"):
        services.option_delete(option=case.options.get(do_nothing=True), acting_user=facilitator)
    services.option_delete(option=case.options.get(do_nothing=False), acting_user=facilitator)
    assert case.options.count() == 1


def test_forum_members_must_hold_the_forum_member_role(programme, programme_admin, viewer, english):
    forum = services.forum_create(
        programme=programme, data={"name": "Programstyret"}, acting_user=programme_admin
    )
    with pytest.raises(ValidationError, match="forum-member role"):
        services.member_add(forum=forum, user=viewer, acting_user=programme_admin)
    MembershipFactory(user=viewer, programme=programme, role=Role.FORUM_MEMBER)
    member = services.member_add(forum=forum, user=viewer, chair=True, acting_user=programme_admin)
    assert member.chair


def test_a_forum_member_approves_and_the_proposal_becomes_an_initiative(
    ready_proposal, facilitator, forum_member, board, meeting, orgs, programme
):
    other = InitiativeFactory(programme=programme, code="ID-PORTEN")
    ProposalLink.objects.create(proposal=ready_proposal, kind="depends_on", target_initiative=other)
    supporter = UserFactory()
    ready_proposal.supports.create(user=supporter)
    case = services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)
    services.agenda_add(meeting=meeting, case=case, acting_user=facilitator)
    decision = _decide(case, board, forum_member, meeting=meeting, present=[forum_member])

    initiative = Initiative.objects.get(programme=programme, code="F-1")
    assert initiative.title == "Felles varsling"
    assert initiative.cost_likely == 6_000_000
    assert set(initiative.participants.values_list("short_name", flat=True)) == {"SKE"}
    assert Dependency.objects.filter(source=initiative, target=other, kind="requires").exists()
    ready_proposal.refresh_from_db()
    assert ready_proposal.stage == "adopted" and ready_proposal.attached_to == initiative
    assert ready_proposal.supports.filter(user=supporter).exists()
    assert ready_proposal.events.filter(to_stage="adopted").exists()
    # Benefit lines are copied to the initiative's analysis; costs are its cost lines now.
    assert initiative.costs.count() == 3
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    baseline = Baseline.objects.get(decision=decision)
    assert baseline.content["initiatives"]["F-1"]["cost_total"] == 6_000_000
    assert decision.inputs["options"][1]["total_cost"] == 6_000_000
    assert decision.inputs["options"][1]["split"][0]["organisation_name"] == "NAV"
    assert_logged(decision, "create", by=forum_member)


def test_the_facilitator_and_the_programme_admin_cannot_decide(
    ready_proposal, facilitator, programme_admin, board
):
    case = services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)
    for user in (facilitator, programme_admin):
        with pytest.raises(PermissionDenied):
            _decide(case, board, user)
    # Even seated in the forum, without the forum-member role they do not decide.
    ForumMember.objects.create(forum=board, user=facilitator)
    with pytest.raises(PermissionDenied):
        _decide(case, board, facilitator)
    with pytest.raises(PermissionDenied):
        _decide(case, board, SYSTEM)
    assert not Decision.objects.exists()


def test_a_forum_member_of_another_forum_cannot_decide(
    ready_proposal, facilitator, board, programme
):
    other = UserFactory()
    MembershipFactory(user=other, programme=programme, role=Role.FORUM_MEMBER)
    case = services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)
    with pytest.raises(PermissionDenied):
        _decide(case, board, other)


def test_decisions_are_immutable_and_amended_by_a_new_version(
    ready_proposal, facilitator, forum_member, board, english
):
    case = services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)
    first = _decide(case, board, forum_member, outcome=Outcome.PARKED, option=None)
    ready_proposal.refresh_from_db()
    assert ready_proposal.stage == "parked" and ready_proposal.stage_reason == "Størst nytte."
    first.rationale = "Changed"
    with pytest.raises(ValidationError):
        first.save()
    with pytest.raises(ValidationError):
        first.delete()
    with pytest.raises(ValidationError, match="already decided"):
        _decide(case, board, forum_member)
    second = services.amend(
        first,
        outcome=Outcome.APPROVED,
        option=case.options.get(do_nothing=False),
        rationale="Nye midler.",
        decided_on=TODAY,
        acting_user=forum_member,
    )
    assert second.version == 2 and second.amends == first
    ready_proposal.refresh_from_db()
    assert ready_proposal.stage == "adopted"
    with pytest.raises(ValidationError, match="latest"):
        services.amend(first, rationale="x", decided_on=TODAY, acting_user=forum_member)
    with pytest.raises(ValidationError, match="already changed"):
        services.amend(
            second,
            outcome=Outcome.REJECTED,
            rationale="x",
            decided_on=TODAY,
            acting_user=forum_member,
        )


def test_a_failure_while_applying_rolls_everything_back(
    ready_proposal, facilitator, forum_member, board, programme, english
):
    case = services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)
    InitiativeFactory(programme=programme, code="F-1")  # the code is taken since preparing
    with pytest.raises(ValidationError, match="already exists"):
        _decide(case, board, forum_member)
    case.refresh_from_db()
    ready_proposal.refresh_from_db()
    assert case.status == CaseStatus.DRAFT and ready_proposal.stage == "ready"
    assert not Decision.objects.exists() and not Baseline.objects.exists()


def test_escalating_leaves_the_proposal_ready_and_adds_a_dialogue_item(
    ready_proposal, facilitator, forum_member, board
):
    case = services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)
    decision = _decide(case, board, forum_member, outcome=Outcome.ESCALATED, option=None)
    ready_proposal.refresh_from_db()
    assert ready_proposal.stage == "ready"
    item = DialogueItem.objects.get(decision=decision)
    assert item.case == case and item.budget_year == 2027


def test_a_change_request_changes_the_budget_of_a_running_initiative(
    programme, facilitator, forum_member, board
):
    initiative = InitiativeFactory(programme=programme, code="R", phase="execute")
    line = CostLineFactory(initiative=initiative, year=2027, low=800, likely=1000, high=1500)
    case = services.prepare_change_request(initiative, "budget", facilitator)
    keep, change = case.options.order_by("order")
    assert keep.do_nothing and [c.amount for c in keep.costs.all()] == [1000]
    cost = change.costs.get()
    services.cost_update(cost=cost, data={"amount": 2000}, acting_user=facilitator)
    _decide(case, board, forum_member, option=change)
    line.refresh_from_db()
    assert (line.low, line.likely, line.high) == (1600, 2000, 3000)
    initiative.refresh_from_db()
    assert initiative.cost_likely == 2000


def test_stopping_an_initiative_closes_it_and_drops_later_costs(
    programme, facilitator, forum_member, board
):
    initiative = InitiativeFactory(programme=programme, code="R", phase="execute")
    CostLineFactory(initiative=initiative, year=2020)
    CostLineFactory(initiative=initiative, year=2090)
    case = services.prepare_change_request(initiative, "stop", facilitator)
    decision = _decide(case, board, forum_member)
    initiative.refresh_from_db()
    assert initiative.phase == "close" and "S-1" in initiative.status_reason
    assert list(initiative.costs.values_list("year", flat=True)) == [2020]
    assert decision.baseline.content["initiatives"]["R"]["stopped"] is True
