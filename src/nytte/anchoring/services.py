"""Writes to the anchoring registers. Each is atomic, checks the acting user's rights with
``core.permissions.require`` and logs the change (``core.services.object_*``). The actor is
explicit (``nytte.core.actors``), never ``None``.

Rights, as in the portfolio register: facilitators and programme admins edit the checklist
and everything else; an initiative's owner edits its answers, leadership commitments, RACI
and stakeholders (``is_owned_by`` on each row); a benefit's owner its RACI; viewers read.

The checklist is edited without losing answers: a question that has been answered is
retired, never deleted (:func:`question_delete` refuses), and each answer keeps the wording
it answered (``question_text``), so rewording a question does not rewrite old answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from nytte.benefits.models import Benefit
from nytte.core.actors import Actor, actor_user, require_actor
from nytte.core.models import Organisation, Programme
from nytte.core.permissions import Action, require
from nytte.core.services import object_create, object_delete, object_update
from nytte.portfolio.models import Initiative

from . import rules
from .choices import AnswerStatus, Topic
from .models import (
    AnchoringAnswer,
    ChecklistQuestion,
    LeadershipCommitment,
    RaciAssignment,
    Stakeholder,
)
from .rules import Subject

# -- stakeholders -----------------------------------------------------------------------------


@transaction.atomic
def stakeholder_create(
    *, programme: Programme, data: Mapping[str, Any], acting_user: Actor
) -> Stakeholder:
    """A stakeholder of the programme (facilitators) or of an initiative (also its owner)."""
    stakeholder = Stakeholder(programme=programme, **data)
    require(require_actor(acting_user), Action.EDIT, stakeholder)
    return object_create(stakeholder, acting_user=acting_user)


@transaction.atomic
def stakeholder_update(
    *, stakeholder: Stakeholder, data: Mapping[str, Any], acting_user: Actor
) -> Stakeholder:
    require(require_actor(acting_user), Action.EDIT, stakeholder)
    if "programme" in data and data["programme"] != stakeholder.programme:
        raise ValidationError(_("A stakeholder cannot move to another programme."))
    initiative = data.get("initiative", stakeholder.initiative)
    if initiative != stakeholder.initiative:
        # Moving it needs the right to edit where it goes, too.
        require(
            acting_user,
            Action.EDIT,
            Stakeholder(programme=stakeholder.programme, initiative=initiative),
        )
    return object_update(stakeholder, acting_user=acting_user, data=data)


@transaction.atomic
def stakeholder_delete(*, stakeholder: Stakeholder, acting_user: Actor) -> None:
    require(require_actor(acting_user), Action.EDIT, stakeholder)
    object_delete(stakeholder, acting_user=acting_user)


# -- the checklist template -------------------------------------------------------------------


@transaction.atomic
def question_create(
    *,
    programme: Programme,
    text: str,
    help_text: str = "",
    topic: str = Topic.OTHER,
    applies_to: str = "both",
    acting_user: Actor,
) -> ChecklistQuestion:
    require(require_actor(acting_user), Action.FACILITATE, programme)
    last = programme.anchoring_questions.aggregate(m=Max("order"))["m"]
    question = ChecklistQuestion(
        programme=programme,
        text=text,
        help_text=help_text,
        topic=topic,
        applies_to=applies_to,
        order=0 if last is None else last + 1,
    )
    return object_create(question, acting_user=acting_user)


QUESTION_FIELDS = frozenset({"text", "help_text", "topic", "applies_to", "retired"})


@transaction.atomic
def question_update(
    *, question: ChecklistQuestion, data: Mapping[str, Any], acting_user: Actor
) -> ChecklistQuestion:
    """Reword, re-topic, retire or restore a question; its answers stay as they are (each
    keeps the wording it answered)."""
    require(require_actor(acting_user), Action.FACILITATE, question)
    unknown = set(data) - QUESTION_FIELDS
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    return object_update(question, acting_user=acting_user, data=data)


@transaction.atomic
def question_move(*, question: ChecklistQuestion, offset: int, acting_user: Actor) -> None:
    """Move a question up (-1) or down (+1) among the programme's active questions."""
    require(require_actor(acting_user), Action.FACILITATE, question)
    questions = list(
        ChecklistQuestion.objects.filter(programme=question.programme_id, retired=False)
    )
    if question not in questions:
        return
    index = questions.index(question)
    target = index + offset
    if not 0 <= target < len(questions):
        return
    questions[index], questions[target] = questions[target], questions[index]
    for order, item in enumerate(questions):
        if item.order != order:
            object_update(item, acting_user=acting_user, data={"order": order})


@transaction.atomic
def question_delete(*, question: ChecklistQuestion, acting_user: Actor) -> None:
    """Delete a question nobody has answered; an answered one is retired instead."""
    require(require_actor(acting_user), Action.FACILITATE, question)
    if AnchoringAnswer.objects.filter(question=question).exists():
        raise ValidationError(
            _("This question has answers: retire it instead, so that they are kept."),
            code="question_answered",
        )
    object_delete(question, acting_user=acting_user)


# -- answers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerData:
    """One answer as given: an empty status removes an earlier answer."""

    status: str
    comment: str = ""
    answered_on: dt.date | None = None


def check_answer(subject: Subject, question: ChecklistQuestion, status: str) -> None:
    """The rules of an answer: the subject's programme's own, active question that applies
    to it; and where municipal services are touched, KS is not "not relevant"."""
    if question.programme_id != subject.programme_id:
        raise ValidationError(_("The question belongs to another programme."))
    if question.retired:
        raise ValidationError(
            _("This question is retired: its answers can no longer change."),
            code="question_retired",
        )
    if not question.applies(rules.subject_kind(subject)):
        raise ValidationError(_("This question is not asked of this kind of subject."))
    if (
        question.topic == Topic.KS
        and status == AnswerStatus.NOT_RELEVANT
        and rules.touches_municipal_services(subject)
    ):
        raise ValidationError(
            {
                "status": _(
                    "Municipal services are touched: say whether KS is involved (yes, partly "
                    "or no), not “not relevant”."
                )
            },
            code="ks_required",
        )


@transaction.atomic
def answer_save(
    *,
    subject: Subject,
    question: ChecklistQuestion,
    answer: AnswerData,
    acting_user: Actor,
) -> AnchoringAnswer | None:
    """Create, change or (with an empty status) remove one answer; None when none is left.
    An unchanged answer is left alone (no log entry)."""
    require(require_actor(acting_user), Action.EDIT, subject)
    existing = AnchoringAnswer.objects.filter(
        question=question, **rules.subject_filter(subject)
    ).first()
    if not answer.status:
        if existing is not None:
            check_answer(subject, question, AnswerStatus.YES)
            object_delete(existing, acting_user=acting_user)
        return None
    check_answer(subject, question, answer.status)
    data = {
        "status": answer.status,
        "comment": answer.comment.strip(),
        "answered_on": answer.answered_on or timezone.localdate(),
    }
    if existing is None:
        return object_create(
            AnchoringAnswer(
                question=question,
                question_text=question.text,
                answered_by=actor_user(acting_user),
                **rules.subject_filter(subject),
                **data,
            ),
            acting_user=acting_user,
        )
    if answer.answered_on is None:
        data["answered_on"] = existing.answered_on
    if all(getattr(existing, k) == v for k, v in data.items()):
        return existing
    data |= {"question_text": question.text, "answered_by": actor_user(acting_user)}
    return object_update(existing, acting_user=acting_user, data=data)


@transaction.atomic
def answers_save(
    *, subject: Subject, answers: Mapping[int, AnswerData], acting_user: Actor
) -> None:
    """Save several answers (question id → answer) at once, all or none: every error is
    collected under its question id."""
    require(require_actor(acting_user), Action.EDIT, subject)
    questions = ChecklistQuestion.objects.in_bulk(list(answers))
    errors: dict[str, Any] = {}
    for pk, answer in answers.items():
        question = questions.get(pk)
        if question is None or question.programme_id != subject.programme_id:
            errors[str(pk)] = [_("No such question in this programme's checklist.")]
            continue
        try:
            with transaction.atomic():
                answer_save(
                    subject=subject, question=question, answer=answer, acting_user=acting_user
                )
        except ValidationError as exc:
            errors[str(pk)] = exc.messages
    if errors:
        raise ValidationError(errors)


# -- leadership commitments -------------------------------------------------------------------


COMMITMENT_FIELDS = ("committed", "document", "reference", "committed_on", "confirmed_by")


@transaction.atomic
def commitment_save(
    *,
    subject: Subject,
    organisation: Organisation,
    data: Mapping[str, Any],
    acting_user: Actor,
) -> LeadershipCommitment:
    """Record (or change) whether one participating organisation's leadership has
    committed to the subject."""
    require(require_actor(acting_user), Action.EDIT, subject)
    if organisation not in rules.participating_organisations(subject):
        raise ValidationError(
            {"organisation": _("%(org)s does not take part in this.") % {"org": organisation}}
        )
    values = {name: data[name] for name in COMMITMENT_FIELDS if name in data}
    existing = LeadershipCommitment.objects.filter(
        organisation=organisation, **rules.subject_filter(subject)
    ).first()
    if existing is None:
        return object_create(
            LeadershipCommitment(
                organisation=organisation,
                recorded_by=actor_user(acting_user),
                **rules.subject_filter(subject),
                **values,
            ),
            acting_user=acting_user,
        )
    if all(getattr(existing, k) == v for k, v in values.items()):
        return existing
    values["recorded_by"] = actor_user(acting_user)
    return object_update(existing, acting_user=acting_user, data=values)


# -- RACI -------------------------------------------------------------------------------------


@transaction.atomic
def raci_create(
    *,
    subject: Initiative | Benefit,
    organisation: Organisation,
    person: str,
    letter: str,
    acting_user: Actor,
) -> RaciAssignment:
    key = "initiative" if isinstance(subject, Initiative) else "benefit"
    assignment = RaciAssignment(
        organisation=organisation, person=person.strip(), letter=letter, **{key: subject}
    )
    require(require_actor(acting_user), Action.EDIT, assignment)
    return object_create(assignment, acting_user=acting_user)


@transaction.atomic
def raci_delete(*, assignment: RaciAssignment, acting_user: Actor) -> None:
    require(require_actor(acting_user), Action.EDIT, assignment)
    object_delete(assignment, acting_user=acting_user)
