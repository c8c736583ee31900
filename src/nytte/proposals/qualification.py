"""Step 2's qualification checklist: per programme, a list of questions every proposal is
qualified against (within the mandate? who is affected? does it need changed regulations
or division of responsibility? who must be involved?), and each proposal's answers.

Reads and writes for the checklist live here; the facilitator (Action.FACILITATE) edits both
the questions and the answers, everyone who sees the proposal reads the answers. A programme
that never had questions gets the default ones on first use — once: a programme that later
deletes them all has chosen to have none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from nytte.core.models import ChangeLogEntry, Programme
from nytte.core.permissions import Action, require
from nytte.core.services import object_create, object_delete, object_update

from .models import Proposal, QualificationAnswer, QualificationQuestion

# (question, guidance) created for a programme that has never had a checklist.
DEFAULT_QUESTIONS: tuple[tuple[Any, Any], ...] = (
    (
        _("Is it within the programme's mandate?"),
        _("If not, say who could take it further."),
    ),
    (
        _("Which initiatives and agencies are affected?"),
        _("Name the initiatives it touches and the agencies whose work or systems change."),
    ),
    (
        _("Does it need a change in regulations or in the division of responsibility?"),
        _("Which regulations, and between whom responsibility would move."),
    ),
    (
        _("Who must be involved?"),
        _("Agencies, municipalities (through KS), users, suppliers, owners of common components."),
    ),
)


def _ever_had_questions(programme: Programme) -> bool:
    """Whether the change log shows this programme had a checklist before."""
    content_type = ContentType.objects.get_for_model(QualificationQuestion)
    return ChangeLogEntry.objects.filter(programme=programme, content_type=content_type).exists()


@transaction.atomic
def ensure_default_questions(programme: Programme) -> bool:
    """Create the default questions if the programme never had any; True if it did now.

    Texts are stored in the site's language (the programme's working language), since they
    are the programme's own from then on and its facilitators edit them.
    """
    # Lock the programme row so two first visits do not both create the defaults.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    if QualificationQuestion.objects.filter(programme=programme).exists():
        return False
    if _ever_had_questions(programme):
        return False
    with translation.override(settings.LANGUAGE_CODE):
        for order, (text, guidance) in enumerate(DEFAULT_QUESTIONS):
            object_create(
                QualificationQuestion(
                    programme=programme, order=order, text=str(text), help_text=str(guidance)
                ),
                acting_user=None,
            )
    return True


def questions_for(programme: Programme) -> list[QualificationQuestion]:
    """The programme's checklist in order, with the defaults created on first use.

    One query when the programme has questions; a few more once, on the first visit.
    """
    questions = list(QualificationQuestion.objects.filter(programme=programme))
    if not questions and ensure_default_questions(programme):
        questions = list(QualificationQuestion.objects.filter(programme=programme))
    return questions


def questions_with_answer_counts(programme: Programme) -> QuerySet[QualificationQuestion]:
    """The checklist with how many proposals answered each question (for the editor)."""
    questions_for(programme)  # the defaults, on first use
    return QualificationQuestion.objects.filter(programme=programme).annotate(
        n_answers=Count("answers")
    )


def answers_for(proposal: Proposal) -> dict[int, QualificationAnswer]:
    """A proposal's answers by question id, in one query."""
    return {
        a.question_id: a
        for a in QualificationAnswer.objects.filter(proposal=proposal).select_related("answered_by")
    }


def checklist(proposal: Proposal) -> list[tuple[QualificationQuestion, QualificationAnswer | None]]:
    """Each question of the proposal's programme with the proposal's answer (or None)."""
    answers = answers_for(proposal)
    return [(q, answers.get(q.pk)) for q in questions_for(proposal.programme)]


# ---------------------------------------------------------------------------------------------
# Writes


@transaction.atomic
def answers_save(
    *, proposal: Proposal, answers: Mapping[int, str], acting_user: Any
) -> dict[str, int]:
    """Save the facilitator's answers (question id → text) for one proposal.

    A blank answer removes an earlier one; unchanged answers are not touched. Returns how
    many were created, changed and removed.
    """
    require(acting_user, Action.FACILITATE, proposal)
    questions = {
        q.pk: q for q in QualificationQuestion.objects.filter(programme=proposal.programme_id)
    }
    unknown = [pk for pk in answers if pk not in questions]
    if unknown:
        raise ValidationError(gettext("A question does not belong to this programme's checklist."))
    existing = answers_for(proposal)
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    counts = {"created": 0, "changed": 0, "removed": 0}
    for pk, raw in answers.items():
        text = (raw or "").strip()
        answer = existing.get(pk)
        if answer is None:
            if text:
                object_create(
                    QualificationAnswer(
                        proposal=proposal, question=questions[pk], answer=text, answered_by=user
                    ),
                    acting_user=acting_user,
                )
                counts["created"] += 1
        elif not text:
            object_delete(answer, acting_user=acting_user)
            counts["removed"] += 1
        elif text != answer.answer:
            object_update(
                answer, acting_user=acting_user, data={"answer": text, "answered_by": user}
            )
            counts["changed"] += 1
    return counts


@transaction.atomic
def question_create(
    *, programme: Programme, text: str, help_text: str = "", acting_user: Any
) -> QualificationQuestion:
    """Add a question at the end of the checklist."""
    require(acting_user, Action.FACILITATE, programme)
    questions_for(programme)  # the defaults first, so a new question comes after them
    last = (
        QualificationQuestion.objects.filter(programme=programme)
        .order_by("-order")
        .values_list("order", flat=True)
        .first()
    )
    return object_create(
        QualificationQuestion(
            programme=programme,
            order=0 if last is None else last + 1,
            text=text.strip(),
            help_text=help_text.strip(),
        ),
        acting_user=acting_user,
    )


@transaction.atomic
def question_update(
    *, question: QualificationQuestion, text: str, help_text: str = "", acting_user: Any
) -> QualificationQuestion:
    require(acting_user, Action.FACILITATE, question.programme)
    return object_update(
        question,
        acting_user=acting_user,
        data={"text": text.strip(), "help_text": help_text.strip()},
    )


@transaction.atomic
def question_delete(*, question: QualificationQuestion, acting_user: Any) -> int:
    """Delete a question and, with it, every proposal's answer to it; returns how many
    answers went."""
    require(acting_user, Action.FACILITATE, question.programme)
    answers = list(question.answers.all())
    for answer in answers:
        object_delete(answer, acting_user=acting_user)
    object_delete(question, acting_user=acting_user)
    return len(answers)


@transaction.atomic
def question_move(*, question: QualificationQuestion, offset: int, acting_user: Any) -> bool:
    """Move a question ``offset`` places up (negative) or down; False if it cannot move.

    Orders are renumbered 0…n-1 on the way, so gaps and ties from older edits disappear.
    """
    require(acting_user, Action.FACILITATE, question.programme)
    questions = list(
        QualificationQuestion.objects.select_for_update().filter(programme=question.programme_id)
    )
    position = next((i for i, q in enumerate(questions) if q.pk == question.pk), None)
    if position is None:
        return False
    target = position + offset
    if offset == 0 or not 0 <= target < len(questions):
        return False
    questions.insert(target, questions.pop(position))
    for order, item in enumerate(questions):
        if item.order != order:
            object_update(item, acting_user=acting_user, data={"order": order})
    question.order = target
    return True
