"""The anchoring rules as the services enforce them: the checklist edited without losing
answers, the KS rule, leadership commitments, RACI warnings, the summary other apps read,
rights and the change log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nytte.anchoring import selectors, services
from nytte.anchoring.choices import StakeholderGroup, Topic
from nytte.anchoring.models import AnchoringAnswer, ChecklistQuestion
from nytte.core.actors import SYSTEM
from nytte.core.services import programme_create
from nytte.portfolio.choices import DependencyKind
from nytte.portfolio.models import Dependency
from nytte.proposals.models import ProposalLink
from tests.factories import InitiativeFactory, OrganisationFactory
from tests.permissions import assert_logged

pytestmark = pytest.mark.django_db

YES = services.AnswerData("yes", "Forankret.", dt.date(2026, 5, 1))


def answer(anchored, subject, topic, data=YES, user=SYSTEM):
    return services.answer_save(
        subject=subject, question=anchored.question(topic), answer=data, acting_user=user
    )


def test_a_new_programme_gets_the_default_checklist_through_the_signal():
    owner = OrganisationFactory()
    programme = programme_create(name="Ny", slug="ny", owner=owner, acting_user=SYSTEM)
    topics = list(programme.anchoring_questions.values_list("topic", flat=True))
    assert topics == [
        Topic.PARTICIPANTS,
        Topic.LEADERSHIP,
        Topic.GUIDANCE,
        Topic.KS,
        Topic.USERS,
        Topic.BORDERING,
    ]
    assert all(q.text.endswith("?") for q in programme.anchoring_questions.all())


def test_rewording_a_question_keeps_its_answers_and_the_wording_they_answered(
    anchored, facilitator
):
    saved = answer(anchored, anchored.fi1, Topic.USERS)
    question = anchored.question(Topic.USERS)
    old = question.text
    services.question_update(
        question=question, data={"text": "Hvem er brukerne?"}, acting_user=facilitator
    )
    saved.refresh_from_db()
    assert saved.question_id == question.pk
    assert saved.question_text == old
    assert saved.status == "yes"
    assert_logged(question, "update", by=facilitator)


def test_reordering_moves_questions_and_keeps_answers(anchored, facilitator):
    answer(anchored, anchored.fi1, Topic.BORDERING)
    last = anchored.question(Topic.BORDERING)
    services.question_move(question=last, offset=-1, acting_user=facilitator)
    order = list(
        ChecklistQuestion.objects.filter(programme=anchored.programme).values_list(
            "topic", flat=True
        )
    )
    assert order[-2:] == [Topic.BORDERING, Topic.USERS]
    assert AnchoringAnswer.objects.get(question=last).status == "yes"


def test_an_answered_question_is_retired_not_deleted_and_its_answer_is_kept(anchored, facilitator):
    answer(anchored, anchored.fi1, Topic.GUIDANCE)
    question = anchored.question(Topic.GUIDANCE)
    with pytest.raises(ValidationError) as refused:
        services.question_delete(question=question, acting_user=facilitator)
    assert refused.value.code == "question_answered"
    services.question_update(question=question, data={"retired": True}, acting_user=facilitator)
    rows, kept = selectors.checklist(anchored.fi1)
    assert question.pk not in [r.question.pk for r in rows]
    assert [a.question_id for a in kept] == [question.pk]
    summary = selectors.anchoring_summary(anchored.fi1)
    assert summary.questions == 5 and summary.status_counts["yes"] == 0
    with pytest.raises(ValidationError) as refused:
        answer(anchored, anchored.fi1, Topic.GUIDANCE, services.AnswerData("no"))
    assert refused.value.code == "question_retired"
    assert AnchoringAnswer.objects.get(question=question).status == "yes"


def test_an_unanswered_question_can_be_deleted(anchored, facilitator):
    question = services.question_create(
        programme=anchored.programme, text="Er det budsjettert?", acting_user=facilitator
    )
    pk = question.pk
    services.question_delete(question=question, acting_user=facilitator)
    assert not ChecklistQuestion.objects.filter(pk=pk).exists()
    question.pk = pk
    assert_logged(question, "delete", by=facilitator)


def test_only_facilitators_and_admins_edit_the_checklist(anchored, owner, viewer):
    question = anchored.question(Topic.USERS)
    for user in (owner, viewer):
        with pytest.raises(PermissionDenied):
            services.question_update(question=question, data={"text": "x"}, acting_user=user)


def test_ks_is_required_where_municipal_services_are_touched(anchored):
    assert selectors.anchoring_summary(anchored.fi2).ks_flag
    assert not selectors.anchoring_summary(anchored.fi1).ks_flag
    with pytest.raises(ValidationError) as refused:
        answer(anchored, anchored.fi2, Topic.KS, services.AnswerData("not_relevant"))
    assert "status" in refused.value.message_dict
    answer(anchored, anchored.fi1, Topic.KS, services.AnswerData("not_relevant"))
    answer(anchored, anchored.fi2, Topic.KS, services.AnswerData("partly"))
    summary = selectors.anchoring_summary(anchored.fi2)
    assert summary.touches_municipal_services and not summary.ks_flag


def test_a_municipal_stakeholder_group_makes_an_initiative_municipal(anchored, facilitator):
    assert not selectors.anchoring_summary(anchored.fi1).touches_municipal_services
    services.stakeholder_create(
        programme=anchored.programme,
        data={
            "initiative": anchored.fi1,
            "group": StakeholderGroup.MUNICIPALITIES,
            "name": "Kommunene",
            "influence": 3,
            "interest": 4,
        },
        acting_user=facilitator,
    )
    assert selectors.anchoring_summary(anchored.fi1).ks_flag


def test_a_commitment_names_its_document_date_and_who_confirmed_it(anchored, owner):
    with pytest.raises(ValidationError) as refused:
        services.commitment_save(
            subject=anchored.fi1,
            organisation=anchored.nav,
            data={"committed": True},
            acting_user=owner,
        )
    assert set(refused.value.message_dict) == {"document", "committed_on", "confirmed_by"}
    with pytest.raises(ValidationError):
        services.commitment_save(
            subject=anchored.fi1,
            organisation=anchored.oslo,  # does not take part in FI-1
            data={"committed": False},
            acting_user=owner,
        )
    commitment = services.commitment_save(
        subject=anchored.fi1,
        organisation=anchored.nav,
        data={
            "committed": True,
            "document": "allocation_letter",
            "committed_on": dt.date(2026, 1, 10),
            "confirmed_by": "Direktøren",
        },
        acting_user=owner,
    )
    assert commitment.recorded_by == owner
    assert_logged(commitment, "create", by=owner)
    assert selectors.anchoring_summary(anchored.fi1).missing_commitments == ("Skatteetaten",)


def test_the_summary_counts_and_says_when_anchoring_is_complete(anchored):
    fi1 = anchored.fi1
    for topic in (Topic.PARTICIPANTS, Topic.LEADERSHIP, Topic.GUIDANCE, Topic.USERS):
        answer(anchored, fi1, topic)
    answer(anchored, fi1, Topic.BORDERING, services.AnswerData("no", "Ingen."))
    summary = selectors.anchoring_summary(fi1)
    assert summary.status_counts == {
        "yes": 4,
        "partly": 0,
        "no": 1,
        "not_relevant": 0,
        "unanswered": 1,
    }
    # The KS question is not required here; the commitments are.
    assert summary.unanswered_required == 0
    assert summary.missing_commitments == ("Arbeids- og velferdsetaten", "Skatteetaten")
    assert not summary.complete
    for org in (anchored.ske, anchored.nav):
        services.commitment_save(
            subject=fi1,
            organisation=org,
            data={
                "committed": True,
                "document": "business_plan",
                "committed_on": dt.date(2026, 2, 1),
                "confirmed_by": "Ledelsen",
            },
            acting_user=SYSTEM,
        )
    assert selectors.anchoring_summary(fi1).complete


def test_a_proposal_has_its_own_answers(anchored):
    answer(anchored, anchored.fi1, Topic.USERS)
    assert selectors.anchoring_summary(anchored.proposal).status_counts["yes"] == 0
    answer(anchored, anchored.proposal, Topic.USERS, services.AnswerData("partly"))
    assert selectors.anchoring_summary(anchored.proposal).status_counts["partly"] == 1
    assert selectors.anchoring_summary(anchored.fi1).status_counts["yes"] == 1


def test_an_empty_status_removes_an_answer_and_an_unchanged_one_is_not_logged_again(anchored):
    saved = answer(anchored, anchored.fi1, Topic.USERS)
    assert answer(anchored, anchored.fi1, Topic.USERS).pk == saved.pk
    from nytte.core.models import ChangeLogEntry

    assert ChangeLogEntry.objects.filter(object_id=str(saved.pk), action="update").count() == 0
    assert answer(anchored, anchored.fi1, Topic.USERS, services.AnswerData("")) is None
    assert_logged(saved, "delete")


def test_an_owner_answers_for_their_own_initiative_only(anchored, owner, viewer):
    answer(anchored, anchored.fi1, Topic.USERS, user=owner)
    with pytest.raises(PermissionDenied):
        answer(anchored, anchored.fi2, Topic.USERS, user=owner)
    with pytest.raises(PermissionDenied):
        answer(anchored, anchored.fi1, Topic.USERS, user=viewer)


def test_a_benefit_arising_in_an_organisation_warns_until_someone_there_is_accountable(
    anchored, facilitator
):
    warnings = selectors.raci_warnings(programme=anchored.programme, user=facilitator)
    assert [(w.benefit.code, w.organisation) for w in warnings] == [("G-1", anchored.nav)]
    services.raci_create(
        subject=anchored.benefit,
        organisation=anchored.ske,
        person="Direktør",
        letter="A",
        acting_user=facilitator,
    )
    assert selectors.raci_warnings(programme=anchored.programme, user=facilitator)
    assignment = services.raci_create(
        subject=anchored.benefit,
        organisation=anchored.nav,
        person="Ytelsesdirektør",
        letter="A",
        acting_user=facilitator,
    )
    assert selectors.raci_warnings(programme=anchored.programme, user=facilitator) == []
    assert_logged(assignment, "create", by=facilitator)


def test_bordering_work_comes_from_links_and_dependencies(anchored, facilitator):
    Dependency.objects.create(source=anchored.fi1, target=anchored.fi2, kind="requires")
    ProposalLink.objects.create(
        proposal=anchored.proposal, kind="overlap", target_initiative=anchored.fi1
    )
    fi1 = [b.label for b in selectors.bordering(anchored.fi1, facilitator)]
    assert fi1 == [str(anchored.fi2), str(anchored.proposal)]
    # Both ways: what FI-2 depends on first, then what depends on it.
    fi3 = InitiativeFactory(programme=anchored.programme, code="FI-3")
    Dependency.objects.create(source=fi3, target=anchored.fi2, kind="enables")
    Dependency.objects.create(source=anchored.fi2, target=fi3, kind="conflicts")
    fi2 = [(b.label, b.relation) for b in selectors.bordering(anchored.fi2, facilitator)]
    kinds = {kind: str(kind.label) for kind in DependencyKind}
    assert fi2 == [
        (str(fi3), kinds[DependencyKind.CONFLICTS]),
        (str(anchored.fi1), kinds[DependencyKind.REQUIRES]),
        (str(fi3), kinds[DependencyKind.ENABLES]),
    ]


def test_stakeholders_of_an_initiative_belong_to_its_owner(anchored, owner):
    data = {"name": "Brukere", "group": "users", "influence": 2, "interest": 5}
    with pytest.raises(PermissionDenied):
        services.stakeholder_create(programme=anchored.programme, data=data, acting_user=owner)
    stakeholder = services.stakeholder_create(
        programme=anchored.programme, data={**data, "initiative": anchored.fi1}, acting_user=owner
    )
    assert stakeholder.quadrant == "inform"
    assert_logged(stakeholder, "create", by=owner)
    with pytest.raises(ValidationError):
        services.stakeholder_update(
            stakeholder=stakeholder, data={"organisation": anchored.nav}, acting_user=owner
        )
    with pytest.raises(ValidationError):
        services.stakeholder_update(
            stakeholder=stakeholder, data={"phases": ["someday"]}, acting_user=owner
        )


def test_commitment_statuses_give_one_line_per_participating_organisation(anchored):
    services.commitment_save(
        subject=anchored.fi1,
        organisation=anchored.nav,
        data={
            "committed": True,
            "document": "allocation_letter",
            "committed_on": dt.date(2026, 1, 10),
            "confirmed_by": "Direktøren",
        },
        acting_user=SYSTEM,
    )
    lines = selectors.commitment_statuses(anchored.fi1)
    assert [(s.organisation, s.state, s.document) for s in lines] == [
        ("Arbeids- og velferdsetaten", "committed", "allocation_letter"),
        ("Skatteetaten", "not_recorded", ""),
    ]


def test_the_data_migration_gives_older_programmes_the_checklist_once(anchored, other_programme):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("nytte.anchoring.migrations.0002_default_questions")
    reworded = anchored.question(Topic.USERS)
    reworded.text = "Egen ordlyd?"
    reworded.save()
    assert not other_programme.anchoring_questions.exists()
    migration.create_defaults(apps, None)
    assert other_programme.anchoring_questions.count() == 6
    # A programme that has its checklist keeps it as it is.
    assert anchored.programme.anchoring_questions.count() == 6
    assert anchored.question(Topic.USERS).text == "Egen ordlyd?"
