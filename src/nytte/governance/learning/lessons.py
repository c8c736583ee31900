"""The lessons register (erfaringer): tagged and searchable, and shown beside new proposals
that resemble the case a lesson came from (``lessons_for``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from nytte.core.actors import Actor, actor_user
from nytte.core.models import Programme
from nytte.core.permissions import Action
from nytte.core.services import object_create, object_update
from nytte.proposals.matching import document_text
from nytte.proposals.models import Proposal
from nytte.similarity import Document, build_index

from ..models import DecisionCase, Lesson, Review
from .common import FOLLOW_UP_ACTIONS, require_any

EDITABLE = ("title", "text", "tags", "case")
# A lesson is shown beside a proposal whose text reaches this share of a self-match.
MIN_SCORE = 0.12


def normalise_tags(tags: str) -> str:
    seen: dict[str, None] = {}
    for tag in tags.split(","):
        if tag.strip():
            seen.setdefault(tag.strip().lower(), None)
    return ", ".join(seen)


@transaction.atomic
def lesson_create(
    *,
    programme: Programme,
    title: str,
    text: str,
    tags: str = "",
    case: DecisionCase | None = None,
    review: Review | None = None,
    acting_user: Actor,
) -> Lesson:
    """Write a lesson (facilitator or forum member); from a review it names its case."""
    require_any(acting_user, FOLLOW_UP_ACTIONS, programme)
    if review is not None:
        case = case or review.decision.case
    lesson = Lesson(
        programme=programme,
        title=title,
        text=text,
        tags=normalise_tags(tags),
        case=case,
        review=review,
        created_by=actor_user(acting_user),
    )
    return object_create(lesson, acting_user=acting_user)


@transaction.atomic
def lesson_update(*, lesson: Lesson, data: Mapping[str, Any], acting_user: Actor) -> Lesson:
    require_any(acting_user, FOLLOW_UP_ACTIONS, lesson)
    fields = {k: v for k, v in data.items() if k in EDITABLE}
    if "tags" in fields:
        fields["tags"] = normalise_tags(fields["tags"])
    return object_update(lesson, acting_user=acting_user, data=fields)


def lesson_search(
    *, programme: Programme, user: Actor, q: str = "", tag: str = ""
) -> QuerySet[Lesson]:
    """A programme's lessons matching every word of ``q`` (title, text, tags, case) and
    carrying ``tag``."""
    lessons = (
        Lesson.objects.for_user(user, Action.VIEW)
        .in_programme(programme)
        .select_related("case", "created_by", "programme")
    )
    for word in q.split():
        lessons = lessons.filter(
            Q(title__icontains=word)
            | Q(text__icontains=word)
            | Q(tags__icontains=word)
            | Q(case__title__icontains=word)
        )
    if tag.strip():
        wanted = tag.strip().lower()
        lessons = lessons.filter(
            Q(tags__iexact=wanted)
            | Q(tags__istartswith=f"{wanted},")
            | Q(tags__iendswith=f", {wanted}")
            | Q(tags__icontains=f", {wanted},")
        )
    return lessons


def all_tags(lessons: QuerySet[Lesson]) -> list[str]:
    found: set[str] = set()
    for tags in lessons.values_list("tags", flat=True):
        found.update(t.strip() for t in tags.split(",") if t.strip())
    return sorted(found)


def case_text(lesson: Lesson) -> str:
    """What a lesson is matched on: its case (and the proposal or initiative behind it),
    its title, text and tags."""
    parts = [lesson.title, lesson.text, lesson.tags]
    case = lesson.case
    if case is not None:
        parts += [case.title, case.background]
        if case.proposal is not None:
            parts.append(document_text(case.proposal))
        if case.initiative is not None:
            parts += [case.initiative.title, case.initiative.description]
    return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class LessonMatch:
    lesson: Lesson
    score: float


def lessons_for(
    proposal: Proposal, limit: int = 3, *, user: Actor | None = None
) -> list[LessonMatch]:
    """The lessons whose case most resembles ``proposal`` (best first), at most ``limit``:
    matched with ``nytte.similarity`` over the programme's lessons, built per call (a
    register of lessons is small). The proposal's own case's lessons are left out. Whoever
    sees the proposal may see its programme's lessons; ``user`` narrows by the gate too."""
    lessons_qs = Lesson.objects.all() if user is None else Lesson.objects.for_user(user)
    lessons = list(
        lessons_qs.in_programme(proposal.programme_id)
        .exclude(case__proposal=proposal)
        .select_related("case__proposal", "case__initiative", "programme")
    )
    if not lessons or limit <= 0:
        return []
    index = build_index(Document(str(lesson.pk), case_text(lesson), "lesson") for lesson in lessons)
    by_id = {str(lesson.pk): lesson for lesson in lessons}
    matches = index.query(document_text(proposal), k=limit)
    return [LessonMatch(by_id[m.id], m.score) for m in matches if m.score >= MIN_SCORE]
