"""The learning loop's services: reminders, reviews, revisit triggers, calibration."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from nytte.core.actors import SYSTEM
from nytte.governance.choices import RevisitKind
from nytte.governance.learning import actions, calibration, reviews, revisits
from nytte.governance.models import RevisitItem
from nytte.portfolio import services as portfolio_services
from nytte.portfolio.choices import RiskStatus
from nytte.proposals.choices import LinkKind
from nytte.proposals.services.links import link_create
from tests.factories import ProposalFactory, RiskFactory, UserFactory
from tests.governance.learning_factories import FollowUpActionFactory, decided
from tests.permissions import assert_logged

TODAY = dt.date(2026, 8, 1)


@pytest.fixture
def case(programme):
    return decided(programme)


# -- follow-up actions and reminders -----------------------------------------------------------


def test_overdue_owners_are_reminded_once_and_not_again_within_the_interval(
    programme, facilitator, case, django_capture_on_commit_callbacks, settings
):
    settings.FOLLOW_UP_REMINDER_DAYS = 7
    facilitator.email = "fasilitator@example.no"
    facilitator.save()
    overdue = actions.action_create(
        decision=case.decision,
        title="Avklar finansiering",
        due_date=dt.date(2026, 7, 1),
        owner=facilitator,
        acting_user=facilitator,
    )
    FollowUpActionFactory(decision=case.decision, owner=facilitator, due_date=dt.date(2026, 12, 1))
    done = FollowUpActionFactory(
        decision=case.decision, owner=facilitator, due_date=dt.date(2026, 6, 1)
    )
    actions.action_done(action=done, note="Gjort", acting_user=facilitator)
    now = timezone.make_aware(dt.datetime(2026, 8, 1, 6, 0))
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.remind_overdue(today=TODAY, now=now) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["fasilitator@example.no"]
    assert "Avklar finansiering" in mail.outbox[0].body
    overdue.refresh_from_db()
    assert overdue.reminded_at == now
    # Not again within seven days, again after.
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.remind_overdue(today=TODAY, now=now + dt.timedelta(days=6)) == 0
        assert actions.remind_overdue(today=TODAY, now=now + dt.timedelta(days=7)) == 1
    assert len(mail.outbox) == 2
    assert_logged(overdue, "update", by=None)


def test_only_the_facilitator_forum_members_and_the_owner_act_on_actions(
    programme, case, facilitator, viewer, forum_member, owner
):
    with pytest.raises(PermissionDenied):
        actions.action_create(decision=case.decision, title="x", due_date=TODAY, acting_user=viewer)
    action = actions.action_create(
        decision=case.decision, title="x", due_date=TODAY, owner=owner, acting_user=forum_member
    )
    with pytest.raises(PermissionDenied):
        actions.action_done(action=action, acting_user=viewer)
    actions.action_done(action=action, acting_user=owner)
    assert action.done_at is not None


def test_overdue_actions_show_in_the_work_queue(programme, case, facilitator):
    from nytte.proposals.queue import work_queue

    FollowUpActionFactory(decision=case.decision, owner=facilitator, due_date=dt.date(2020, 1, 1))
    queue = work_queue(facilitator)
    assert [a.title for a in queue.overdue_actions] != []
    assert not queue.empty


# -- reviews -------------------------------------------------------------------------------


def test_review_figures_set_realised_against_expected(programme, case, facilitator):
    review = reviews.review_record(
        decision=case.decision,
        learned="Gevinsten kom som planlagt.",
        reviewed_on=TODAY,
        acting_user=facilitator,
    )
    figures = review.figures
    (benefit,) = figures["benefits"]
    assert benefit["code"] == case.benefit.code
    assert benefit["realised_percent"] == 50.0  # 1000 → 800 of the way to 600
    assert benefit["planned_percent"] == pytest.approx(49.6, abs=0.1)
    assert benefit["ratio"] == pytest.approx(1.008, abs=0.002)
    assert benefit["expected_to_date"] == 1_000_000  # 2026's most likely amount
    assert figures["costs"]["expected"] == 2_000_000  # the chosen option's costs
    assert figures["costs"]["actual"] == 0
    # Frozen: later measurements do not change a recorded review.
    case.indicator.measurements.update(value=950)
    review.refresh_from_db()
    assert review.figures["benefits"][0]["realised_percent"] == 50.0


# -- revisit triggers ------------------------------------------------------------------------


def test_a_benefit_behind_plan_opens_one_revisit_item(programme, facilitator):
    from nytte.benefits.services.measurements import measurement_create

    behind = decided(programme, measured=None)
    measurement_create(
        indicator=behind.indicator,
        date=dt.date(2026, 7, 1),
        value=900,
        acting_user=facilitator,
    )
    (item,) = RevisitItem.objects.filter(kind=RevisitKind.BENEFIT_BEHIND)
    assert item.benefit == behind.benefit and item.decision == behind.decision
    # Idempotent: the sweep and another measurement open nothing new.
    assert revisits.sweep() == 0
    measurement_create(
        indicator=behind.indicator, date=dt.date(2026, 8, 1), value=900, acting_user=facilitator
    )
    assert RevisitItem.objects.filter(kind=RevisitKind.BENEFIT_BEHIND).count() == 1
    # Closed with a resolution, a new shortfall opens a new one.
    revisits.revisit_close(item=item, resolution="Tiltaket er justert.", acting_user=facilitator)
    assert revisits.sweep() == 1


def test_a_benefit_on_plan_opens_nothing(programme, case):
    assert revisits.check_benefits([case.benefit.pk], today=TODAY) == []


def test_a_materialised_risk_opens_a_revisit_item(programme, case, facilitator):
    risk = RiskFactory(initiative=case.initiative)
    portfolio_services.risk_update(
        risk, data={"status": RiskStatus.MATERIALISED}, acting_user=facilitator
    )
    item = RevisitItem.objects.get(kind=RevisitKind.RISK_MATERIALISED)
    assert item.risk == risk and item.decision == case.decision
    portfolio_services.risk_update(risk, data={"title": "Endret"}, acting_user=facilitator)
    assert RevisitItem.objects.filter(kind=RevisitKind.RISK_MATERIALISED).count() == 1


def test_a_new_proposal_overlapping_a_decided_initiative_opens_a_revisit_item(
    programme, case, facilitator
):
    newcomer = ProposalFactory(programme=programme, title="Gebyrer digitalt")
    link_create(
        proposal=newcomer,
        kind=LinkKind.OVERLAP,
        target_initiative=case.initiative,
        acting_user=facilitator,
    )
    item = RevisitItem.objects.get(kind=RevisitKind.OVERLAPPING_PROPOSAL)
    assert item.proposal == newcomer and item.decision == case.decision
    assert revisits.sweep() == 0
    # A link that only complements opens nothing.
    other = ProposalFactory(programme=programme)
    link_create(
        proposal=other,
        kind=LinkKind.COMPLEMENTS,
        target_initiative=case.initiative,
        acting_user=facilitator,
    )
    assert RevisitItem.objects.count() == 1


def test_the_database_holds_one_open_item_per_reason_and_reopens_after_closing(
    programme, case, facilitator
):
    """On both databases: the unique index on the reason key refuses a second open item for
    the same reason and object, even one saved around the service, with empty places."""
    from django.db import IntegrityError, transaction

    item, new = revisits.open_item(
        kind=RevisitKind.BENEFIT_BEHIND, decision=case.decision, benefit=case.benefit, detail="x"
    )
    again, new_again = revisits.open_item(
        kind=RevisitKind.BENEFIT_BEHIND, decision=case.decision, benefit=case.benefit, detail="y"
    )
    assert new and not new_again and again.pk == item.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        RevisitItem.objects.create(
            programme=programme,
            kind=RevisitKind.BENEFIT_BEHIND,
            decision=case.decision,
            benefit=case.benefit,
        )
    # Another reason for the same decision is its own item.
    other, other_new = revisits.open_item(
        kind=RevisitKind.RISK_MATERIALISED, decision=case.decision, detail="z"
    )
    assert other_new and other.pk != item.pk
    revisits.revisit_close(item=item, resolution="Fulgt opp", acting_user=facilitator)
    reopened, reopened_new = revisits.open_item(
        kind=RevisitKind.BENEFIT_BEHIND, decision=case.decision, benefit=case.benefit, detail="w"
    )
    assert reopened_new and reopened.pk != item.pk


def test_only_the_facilitator_closes_a_revisit_item(programme, case, forum_member):
    item, _new = revisits.open_item(
        kind=RevisitKind.BENEFIT_BEHIND, decision=case.decision, benefit=case.benefit, detail="x"
    )
    with pytest.raises(PermissionDenied):
        revisits.revisit_close(item=item, resolution="Nei", acting_user=forum_member)


# -- calibration ------------------------------------------------------------------------------


def test_calibration_is_the_mean_ratio_of_realised_to_forecast(programme):
    on_plan = decided(programme, measured=800)
    behind = decided(programme, measured=900, title="Annet", need="Noe annet")
    behind.benefit.kind = "quality"
    behind.benefit.save()
    result = calibration.calibration(programme=programme, today=TODAY)
    assert result.overall.count == 2
    # 800: 0.5 realised of 0.4959 planned; 900: 0.25 of 0.4959.
    planned = 181 / 365
    assert result.overall.ratio == pytest.approx((0.5 / planned + 0.25 / planned) / 2)
    kinds = {g.key: g for g in result.groups["kind"]}
    assert kinds["efficiency"].count == 1
    assert kinds["quality"].ratio == pytest.approx(0.25 / planned)
    assert on_plan.benefit.arises_in_organisation.short_name in {
        g.label for g in result.groups["organisation"]
    }


def test_an_applied_adjustment_scales_the_benefits_of_a_new_analysis(programme, facilitator):
    from nytte.costbenefit.build import build_analysis
    from nytte.costbenefit.models import ExtraLine

    proposal = ProposalFactory(programme=programme)
    ExtraLine.objects.create(
        proposal=proposal,
        name="Spart tid",
        kind="benefit",
        category="efficiency",
        first_year=2027,
        last_year=2027,
        low=100,
        likely=200,
        high=300,
    )
    calibration.apply_adjustment(
        subject=proposal, ratio=0.75, basis="Kalibrering", acting_user=facilitator
    )
    main = build_analysis(proposal).alternatives[1]
    (line,) = [line for line in main.lines if line.kind == "benefit"]
    assert line.amounts[2027].likely == pytest.approx(150)
    calibration.apply_adjustment(subject=proposal, ratio=None, acting_user=facilitator)
    main = build_analysis(proposal).alternatives[1]
    assert main.lines[0].amounts[2027].likely == pytest.approx(200)


def test_system_reminder_with_no_overdue_actions_sends_nothing(db):
    assert actions.remind_overdue(acting_user=SYSTEM) == 0
    assert UserFactory()  # the database is reachable


def test_the_sweep_command_and_tasks_run_reminders_and_revisits(
    programme, case, facilitator, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import call_command

    from nytte.governance.tasks import remind_follow_ups, sweep_revisits

    facilitator.email = "f@example.no"
    facilitator.save()
    FollowUpActionFactory(decision=case.decision, owner=facilitator, due_date=dt.date(2020, 1, 1))
    RiskFactory(initiative=case.initiative, status=RiskStatus.MATERIALISED)  # not via a service
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("learning_sweep", stdout=out)
    assert "reminded: 1" in out.getvalue() and "revisit items opened: 1" in out.getvalue()
    assert len(mail.outbox) == 1
    # Again: reminded within the interval, item already open.
    assert remind_follow_ups.call() == 0 and sweep_revisits.call() == 0


def test_open_revisit_items_are_in_the_facilitators_work_queue(
    programme, case, facilitator, viewer, client_for
):
    revisits.open_item(
        kind=RevisitKind.BENEFIT_BEHIND,
        decision=case.decision,
        benefit=case.benefit,
        detail="Gevinsten ligger bak plan.",
    )
    from django.urls import reverse

    page = client_for(facilitator).get(reverse("proposals:queue"))
    assert "Gevinsten ligger bak plan." in page.content.decode()
    from nytte.proposals.queue import work_queue

    assert list(work_queue(viewer).revisits) == []


def test_calibration_groups_by_the_assessors_of_the_adopted_proposal(programme):
    from tests.factories import AssessmentFactory

    first = decided(programme, measured=800)
    assessor = UserFactory(full_name="Astrid Vurderer")
    AssessmentFactory(proposal=first.proposal, assessor=assessor, submitted_at=timezone.now())
    AssessmentFactory(proposal=first.proposal, submitted_at=None)  # not submitted: not counted
    result = calibration.calibration(programme=programme, today=TODAY)
    (group,) = result.groups["assessor"]
    assert group.label == "Astrid Vurderer" and group.count == 1
    assert group.ratio == pytest.approx(0.5 / (181 / 365))


def test_a_review_needs_a_named_reviewer(programme, case):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        reviews.review_record(decision=case.decision, learned="x", acting_user=SYSTEM)
