"""Step 2's qualification checklist: per programme, a list of questions every proposal is
qualified against (within the mandate? who is affected? does it need changed regulations
or division of responsibility? who must be involved?), and each proposal's answers.

Reads and writes for the checklist live here; the facilitator (Action.FACILITATE) edits both
the questions and the answers, everyone who sees the proposal reads the answers. A programme
gets the default questions when it is created (``apps.ProposalsConfig.ready`` connects
``core.signals.programme_created``); a programme that later deletes them all has chosen to
have none.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext

from nytte.core.actors import SYSTEM, Actor
from nytte.core.models import Programme
from nytte.core.permissions import Action, check
from nytte.core.services import object_create, object_delete, object_update

from .defaults import DEFAULT_QUESTIONS
from .models import Proposal, QualificationAnswer, QualificationQuestion


@transaction.atomic
def ensure_default_questions(programme: Programme, *, acting_user: Actor = SYSTEM) -> bool:
    """Give a new programme the default questions; True if they were created.

    Called when a programme is created (the ``programme_created`` signal) and by the data
    migration for programmes that existed before; never on a page view. A programme whose
    facilitators deleted every question keeps an empty checklist. Texts are stored in the
    site's language (the programme's working language), since they are the programme's own
    from then on and its facilitators edit them.
    """
    if QualificationQuestion.objects.filter(programme=programme).exists():
        return False
    with translation.override(settings.LANGUAGE_CODE):
        for order, (text, guidance) in enumerate(DEFAULT_QUESTIONS):
            object_create(
                QualificationQuestion(
                    programme=programme, order=order, text=str(text), help_text=str(guidance)
                ),
                acting_user=acting_user,
            )
    return True


def questions_for(programme: Programme) -> list[QualificationQuestion]:
    """The programme's checklist in order (one query; a read never creates anything)."""
    return list(QualificationQuestion.objects.filter(programme=programme))


def questions_with_answer_counts(programme: Programme) -> QuerySet[QualificationQuestion]:
    """The checklist with how many proposals answered each question (for the editor)."""
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
    """Each question of the proposal's programme with the proposal's answer (or None), in
    one query (a question has at most one answer per proposal)."""
    questions = (
        QualificationQuestion.objects.filter(programme=proposal.programme)
        .annotate(answer=FilteredRelation("answers", condition=Q(answers__proposal=proposal)))
        .select_related("answer__answered_by")
    )
    # Where the proposal has no answer the joined row is empty and no attribute is set.
    return [(question, getattr(question, "answer", None)) for question in questions]


# ---------------------------------------------------------------------------------------------
# Writes


@transaction.atomic
def answers_save(
    *, proposal: Proposal, answers: Mapping[int, str], acting_user: Actor
) -> dict[str, int]:
    """Save the facilitator's answers (question id → text) for one proposal.

    A blank answer removes an earlier one; unchanged answers are not touched. Returns how
    many were created, changed and removed.
    """
    check(acting_user, Action.FACILITATE, proposal)
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
    *, programme: Programme, text: str, help_text: str = "", acting_user: Actor
) -> QualificationQuestion:
    """Add a question at the end of the checklist."""
    check(acting_user, Action.FACILITATE, programme)
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
    *, question: QualificationQuestion, text: str, help_text: str = "", acting_user: Actor
) -> QualificationQuestion:
    check(acting_user, Action.FACILITATE, question.programme)
    return object_update(
        question,
        acting_user=acting_user,
        data={"text": text.strip(), "help_text": help_text.strip()},
    )


@transaction.atomic
def question_delete(*, question: QualificationQuestion, acting_user: Actor) -> int:
    """Delete a question and, with it, every proposal's answer to it; returns how many
    answers went."""
    check(acting_user, Action.FACILITATE, question.programme)
    answers = list(question.answers.all())
    for answer in answers:
        object_delete(answer, acting_user=acting_user)
    object_delete(question, acting_user=acting_user)
    return len(answers)


@transaction.atomic
def question_move(*, question: QualificationQuestion, offset: int, acting_user: Actor) -> bool:
    """Move a question ``offset`` places up (negative) or down; False if it cannot move.

    Orders are renumbered 0…n-1 on the way, so gaps and ties from older edits disappear.
    """
    check(acting_user, Action.FACILITATE, question.programme)
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
