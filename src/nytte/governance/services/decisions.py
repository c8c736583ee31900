"""Recording a forum's decision on a case, applying it to the portfolio, and amending it.

Only a member of the deciding forum who has the decision right in the programme (the
forum-member role) decides: the facilitator prepares but never decides, and a programme
admin without a seat decides nothing either. The decision freezes a copy of what it rested
on (``inputs``). An approving outcome (approved, with conditions, pilot) applies the chosen
option in the same transaction as the decision (``apply.py``) and freezes a new portfolio
baseline; if any part fails, nothing is recorded. Parked and rejected move a proposal there
with the rationale; escalated leaves it ready and puts an item on the governance dialogue.
Decisions are never edited: ``amend`` records a new version that points to the last one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from nytte.core import history
from nytte.core.actors import Actor, require_actor
from nytte.core.choices import OrganisationKind
from nytte.core.models import Organisation, User
from nytte.core.permissions import Action, can, check
from nytte.core.services import object_create, object_update
from nytte.proposals.choices import Stage
from nytte.proposals.models import Score
from nytte.proposals.services import proposal_decided

from ..choices import APPLYING_OUTCOMES, CaseKind, CaseStatus, Outcome
from ..funding import split_or_error, total_cost
from ..learning.feedback import notify_decision
from ..models import CaseOption, Decision, DecisionCase, DialogueItem, Forum, ForumMember, Meeting
from . import apply
from .baselines import decided_plan_baseline, freeze_baseline


def may_decide(user: Any, forum: Forum) -> bool:
    """Whether ``user`` sits in ``forum`` and has the decision right in its programme."""
    if not getattr(user, "is_authenticated", False) or not isinstance(user, User):
        return False
    return (
        can(user, Action.DECIDE, forum)
        and ForumMember.objects.filter(forum=forum, user=user).exists()
    )


def check_may_decide(user: Any, forum: Forum) -> None:
    check(require_actor(user), Action.VIEW, forum)
    if not may_decide(user, forum):
        raise PermissionDenied(
            _("Only a member of %(forum)s with the forum-member role decides its cases.")
            % {"forum": forum}
        )


# ---------------------------------------------------------------------------------------------
# What the decision rested on


def _assessment_inputs(case: DecisionCase) -> dict[str, Any] | None:
    if case.proposal_id is None:
        return None
    rows = (
        Score.objects.filter(
            assessment__proposal_id=case.proposal_id, assessment__submitted_at__isnull=False
        )
        .select_related("criterion")
        .order_by("criterion__dimension", "criterion__order", "criterion_id")
    )
    # The aggregate per criterion only: individual scores stay under the blind rule.
    values: dict[int, list[int]] = {}
    criteria: dict[int, Any] = {}
    for score in rows:
        criteria[score.criterion_id] = score.criterion
        values.setdefault(score.criterion_id, []).append(score.value)
    table = [
        {
            "name": c.name,
            "dimension": c.dimension,
            "weight": str(c.weight),
            "mean": round(sum(values[pk]) / len(values[pk]), 2),
            "n": len(values[pk]),
        }
        for pk, c in criteria.items()
    ]
    from ..selectors import assessment_summary

    summary = assessment_summary(case)
    return {"criteria": table, **(summary or {})}


def _option_inputs(option: CaseOption) -> dict[str, Any]:
    rows, error = split_or_error(option)
    snapshot = option.snapshot
    result = None
    if snapshot is not None:
        code = snapshot.subject_code
        alt = next(
            (a for a in snapshot.results.get("alternatives", []) if a.get("name") == code), None
        )
        result = {
            "snapshot": snapshot.pk,
            "version": snapshot.version,
            "nnv": alt and alt.get("nnv"),
            "nnb": alt and alt.get("nnb"),
            "results": snapshot.results,
        }
    return {
        "id": option.pk,
        "title": option.title,
        "description": option.description,
        "do_nothing": option.do_nothing,
        "total_cost": total_cost(option),
        "costs": [
            {
                "organisation": c.organisation.label,
                "year": c.year,
                "category": c.category,
                "amount": c.amount,
            }
            for c in option.costs.select_related("organisation")
        ],
        "benefits": [
            {
                "organisation": b.organisation.label if b.organisation_id else None,
                "description": b.description,
                "annual_amount": b.annual_amount,
                "gained": b.gained,
            }
            for b in option.benefits.select_related("organisation")
        ],
        "funding_key": option.funding_key,
        "funding_reason": option.funding_reason,
        "split": [r.to_dict() for r in rows],
        "split_error": error,
        "cost_benefit": result,
        "portfolio_consequences": option.portfolio_consequences,
    }


def freeze_inputs(case: DecisionCase) -> dict[str, Any]:
    """Scores and weights, every option with its costs, benefits, split and snapshot
    results, and the optimiser's scenario run, as they stand now."""
    run = case.scenario_run
    return {
        "case": {
            "reference": case.reference,
            "title": case.title,
            "kind": case.kind,
            "change_kind": case.change_kind,
            "background": case.background,
            "recommendation": case.recommendation,
            "recommended_option": case.recommended_option_id,
        },
        "assessment": _assessment_inputs(case),
        "options": [_option_inputs(o) for o in case.options.all()],
        "scenario": {"id": case.scenario_id, "name": case.scenario.name}
        if case.scenario_id
        else None,
        "scenario_run": (
            {"id": run.pk, "status": run.status, "mode": run.mode, "result": run.result}
            if run is not None
            else None
        ),
    }


# ---------------------------------------------------------------------------------------------
# Deciding


def _validate(
    case: DecisionCase,
    option: CaseOption | None,
    outcome: str,
    rationale: str,
    conditions: str,
    forum: Forum,
    meeting: Meeting | None,
    present: list[User],
) -> None:
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose an outcome.")
    if not rationale.strip():
        errors["rationale"] = _("Give the rationale for the decision.")
    if outcome == Outcome.CONDITIONAL and not conditions.strip():
        errors["conditions"] = _("Say what the conditions are.")
    if forum.programme_id != case.programme_id:
        errors["forum"] = _("The forum belongs to another programme.")
    if meeting is not None and meeting.forum_id != forum.pk:
        errors["meeting"] = _("The meeting is not one of this forum's.")
    if option is not None and option.case_id != case.pk:
        errors["option"] = _("Choose one of the case's options.")
    elif outcome in APPLYING_OUTCOMES and (option is None or option.do_nothing):
        errors["option"] = _(
            "Approving carries out an option: choose one other than “do nothing” "
            "(to keep things as they are, reject or park the case)."
        )
    members = set(ForumMember.objects.filter(forum=forum).values_list("user_id", flat=True))
    outsiders = [u.display_name for u in present if u.pk not in members]
    if outsiders:
        errors["present"] = _("Not members of the forum: %(names)s.") % {
            "names": ", ".join(outsiders)
        }
    if errors:
        raise ValidationError(errors)


def _dialogue_parties(case: DecisionCase, forum: Forum) -> tuple[Organisation, Organisation | None]:
    """The ministry and agency an escalated case goes to."""
    subject_org = None
    if case.initiative_id:
        subject_org = case.initiative.owner_organisation
    elif case.recommended_option_id and case.recommended_option.owner_organisation_id:
        subject_org = case.recommended_option.owner_organisation
    candidates = [forum.organisation, subject_org, case.programme.owner]
    for org in candidates:
        if org is not None and org.kind == OrganisationKind.MINISTRY:
            ministry = org
            break
        if org is not None and org.parent_id and org.parent.kind == OrganisationKind.MINISTRY:
            ministry = org.parent
            break
    else:
        ministry = forum.organisation or case.programme.owner
    agency = subject_org if subject_org is not None and subject_org.pk != ministry.pk else None
    return ministry, agency


def _consequences(decision: Decision, acting_user: User) -> None:
    case, outcome = decision.case, decision.outcome
    if outcome in APPLYING_OUTCOMES:
        if case.kind == CaseKind.PROPOSAL:
            apply.adopt_proposal(decision, decision.option, acting_user)
        else:
            apply.change_initiative(decision, decision.option, acting_user)
        label = _("After %(case)s (%(outcome)s)") % {
            "case": case.reference,
            "outcome": decision.get_outcome_display(),
        }
        # A case decided on a scenario run makes the run's plan the baseline; otherwise the
        # portfolio as the decision changed it.
        if decided_plan_baseline(decision, label, acting_user) is None:
            freeze_baseline(case.programme, label, acting_user, decision=decision)
    elif outcome in (Outcome.PARKED, Outcome.REJECTED) and case.proposal_id:
        proposal = case.proposal
        target = Stage.PARKED if outcome == Outcome.PARKED else Stage.REJECTED
        if proposal.stage != target:
            proposal_decided(
                proposal=proposal, to=target, reason=decision.rationale, acting_user=acting_user
            )
    elif outcome == Outcome.ESCALATED:
        ministry, agency = _dialogue_parties(case, decision.forum)
        object_create(
            DialogueItem(
                programme=case.programme,
                kind="meeting_topic",
                ministry=ministry,
                agency=agency,
                text=f"{case.reference} {case.title}: {decision.rationale}",
                case=case,
                decision=decision,
                budget_year=decision.decided_on.year + 1,
            ),
            acting_user=acting_user,
        )


def _record(
    case: DecisionCase,
    *,
    version: int,
    amends: Decision | None,
    option: CaseOption | None,
    outcome: str,
    rationale: str,
    conditions: str,
    forum: Forum,
    meeting: Meeting | None,
    decided_on: dt.date,
    review_date: dt.date,
    present: list[User],
    acting_user: User,
) -> Decision:
    decision = Decision(
        case=case,
        version=version,
        amends=amends,
        outcome=outcome,
        option=option,
        rationale=rationale,
        conditions=conditions,
        forum=forum,
        meeting=meeting,
        decided_on=decided_on,
        decided_by=acting_user,
        review_date=review_date,
        inputs=freeze_inputs(case),
    )
    decision.full_clean()
    decision.save()  # a new row: Decision.save refuses only updates
    decision.present.set(present)
    history.log_create(decision, acting_user=acting_user)
    return decision


@transaction.atomic
def decide(
    case: DecisionCase,
    *,
    option: CaseOption | None,
    outcome: str,
    rationale: str,
    conditions: str = "",
    forum: Forum,
    meeting: Meeting | None = None,
    decided_on: dt.date,
    review_date: dt.date,
    present: Iterable[User] = (),
    acting_user: Actor,
) -> Decision:
    """Record the forum's decision, apply it and freeze the baseline, all or nothing."""
    check_may_decide(acting_user, forum)
    case = DecisionCase.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.DECIDED:
        raise ValidationError(
            _("The case is already decided; record an amendment."), code="decided"
        )
    if case.status == CaseStatus.WITHDRAWN:
        raise ValidationError(_("The case is withdrawn."), code="withdrawn")
    present = list(present)
    _validate(case, option, outcome, rationale, conditions, forum, meeting, present)
    if review_date < decided_on:
        raise ValidationError({"review_date": _("The review comes after the decision.")})
    decision = _record(
        case,
        version=1,
        amends=None,
        option=option,
        outcome=outcome,
        rationale=rationale,
        conditions=conditions,
        forum=forum,
        meeting=meeting,
        decided_on=decided_on,
        review_date=review_date,
        present=present,
        acting_user=acting_user,
    )
    object_update(
        case, acting_user=acting_user, data={"status": CaseStatus.DECIDED, "forum": forum}
    )
    _consequences(decision, acting_user)
    notify_decision(decision)
    return decision


@transaction.atomic
def amend(
    decision: Decision,
    *,
    outcome: str | None = None,
    rationale: str,
    conditions: str | None = None,
    option: CaseOption | None = None,
    meeting: Meeting | None = None,
    decided_on: dt.date,
    review_date: dt.date | None = None,
    present: Iterable[User] = (),
    acting_user: Actor,
) -> Decision:
    """A new version of the latest decision on the case, by the same forum. A change that
    the portfolio has already taken cannot be taken back by an amendment (prepare a change
    request); an amendment that approves what the earlier version did not, applies it."""
    forum = decision.forum
    check_may_decide(acting_user, forum)
    case = DecisionCase.objects.select_for_update().get(pk=decision.case_id)
    latest = Decision.objects.filter(case=case).order_by("-version").first()
    if latest is None or latest.pk != decision.pk:
        raise ValidationError(_("Amend the latest version of the decision."), code="not_latest")
    outcome = outcome or decision.outcome
    option = option if option is not None else decision.option
    conditions = decision.conditions if conditions is None else conditions
    present = list(present)
    _validate(case, option, outcome, rationale, conditions, forum, meeting, present)
    was_applied = decision.outcome in APPLYING_OUTCOMES
    applies = outcome in APPLYING_OUTCOMES
    if was_applied and (not applies or (option and option.pk != decision.option_id)):
        raise ValidationError(
            _(
                "The portfolio has already changed by this decision; prepare a change "
                "request to change it again."
            ),
            code="already_applied",
        )
    number = Decision.objects.filter(case=case).aggregate(n=Max("version"))["n"] or 0
    new = _record(
        case,
        version=number + 1,
        amends=decision,
        option=option,
        outcome=outcome,
        rationale=rationale,
        conditions=conditions,
        forum=forum,
        meeting=meeting,
        decided_on=decided_on,
        review_date=review_date or decision.review_date,
        present=present,
        acting_user=acting_user,
    )
    if not was_applied and (applies or outcome != decision.outcome):
        _consequences(new, acting_user)
    if outcome != decision.outcome:
        notify_decision(new)
    return new
