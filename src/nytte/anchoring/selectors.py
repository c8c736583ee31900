"""Reads shared by the anchoring pages, the API, the Excel export and other apps.

:func:`anchoring_summary` is the stable entry point for other apps (the governance app's
decision cases and memos): give it an initiative or a proposal, get an
:class:`AnchoringSummary`. Its fields are only ever added to, never renamed or removed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from nytte.benefits.models import Benefit
from nytte.core.actors import Actor
from nytte.core.models import Organisation, Programme
from nytte.portfolio.models import Dependency, Initiative
from nytte.proposals.models import ProposalLink

from . import rules
from .choices import AnswerStatus, RaciLetter, Topic
from .models import (
    AnchoringAnswer,
    ChecklistQuestion,
    LeadershipCommitment,
    RaciAssignment,
    Stakeholder,
)
from .rules import Subject

UNANSWERED = "unanswered"
STATUSES = (*AnswerStatus.values, UNANSWERED)


# -- the summary other apps read --------------------------------------------------------------


@dataclass(frozen=True)
class AnchoringSummary:
    """How well an initiative or a proposal is anchored, for decision cases and memos.

    - ``status_counts``: answers to the checklist's active questions for this kind of
      subject, by status: ``yes``, ``partly``, ``no``, ``not_relevant`` and ``unanswered``
      (every key always present);
    - ``missing_commitments``: names of participating organisations whose leadership has not
      committed (no record, or recorded as not committed), sorted;
    - ``touches_municipal_services``: the municipal rule of :mod:`nytte.anchoring.rules`;
    - ``ks_flag``: municipal services are touched and the KS question has no answer other
      than "not relevant" — the heat-map flags these;
    - ``complete``: every required question is answered (the KS question is required only
      where municipal services are touched), no KS flag, and every participating
      organisation has committed. It does not judge the answers: a "no" is an answer, and
      shows in ``status_counts``.
    """

    subject_kind: str
    subject_id: int
    status_counts: dict[str, int]
    questions: int
    missing_commitments: tuple[str, ...]
    touches_municipal_services: bool
    ks_flag: bool
    complete: bool
    organisations: int = 0
    unanswered_required: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def active_questions(
    programme: Programme | int, kind: str | None = None
) -> list[ChecklistQuestion]:
    """The programme's active questions in order; with ``kind``, those asked of it."""
    questions = list(ChecklistQuestion.objects.filter(programme=programme, retired=False))
    return [q for q in questions if kind is None or q.applies(kind)]


def ks_flag_for(
    question: ChecklistQuestion, answer: AnchoringAnswer | None, municipal: bool
) -> bool:
    """Whether a cell is flagged: the KS question of a municipal subject without a real answer."""
    return (
        municipal
        and question.topic == Topic.KS
        and (answer is None or answer.status == AnswerStatus.NOT_RELEVANT)
    )


def required(question: ChecklistQuestion, municipal: bool) -> bool:
    return question.topic != Topic.KS or municipal


def summarise(
    kind: str,
    pk: int,
    questions: list[ChecklistQuestion],
    answers: dict[int, AnchoringAnswer],
    organisations: list[Organisation],
    committed: set[int],
    municipal: bool,
) -> AnchoringSummary:
    """The summary from what was read; shared by the one-subject summary and the heat-map."""
    counts = Counter({status: 0 for status in STATUSES})
    unanswered_required = 0
    flag = False
    for question in questions:
        answer = answers.get(question.pk)
        counts[answer.status if answer else UNANSWERED] += 1
        if answer is None and required(question, municipal):
            unanswered_required += 1
        flag = flag or ks_flag_for(question, answer, municipal)
    missing = tuple(sorted(o.name for o in organisations if o.pk not in committed))
    return AnchoringSummary(
        subject_kind=kind,
        subject_id=pk,
        status_counts=dict(counts),
        questions=len(questions),
        missing_commitments=missing,
        touches_municipal_services=municipal,
        ks_flag=flag,
        complete=not unanswered_required and not flag and not missing,
        organisations=len(organisations),
        unanswered_required=unanswered_required,
    )


def anchoring_summary(
    subject: Subject,
    *,
    organisations: list[Organisation] | None = None,
    municipal: bool | None = None,
) -> AnchoringSummary:
    """The anchoring status of an initiative or a proposal (a handful of queries).

    The caller has already checked that its user may see ``subject``; this reads no
    personal data. Stable for other apps: see :class:`AnchoringSummary`. A page that has
    already read the participating organisations and the municipal rule passes them."""
    kind = rules.subject_kind(subject)
    questions, answers = _questions_with_answer_status(subject, kind)
    if organisations is None:
        organisations, committed = _organisations_with_commitment(subject)
    else:
        committed = set(
            LeadershipCommitment.objects.filter(
                committed=True, **rules.subject_filter(subject)
            ).values_list("organisation_id", flat=True)
        )
    if municipal is None:
        municipal = rules.touches_municipal_services(subject, organisations)
    return summarise(kind, subject.pk, questions, answers, organisations, committed, municipal)


def _questions_with_answer_status(
    subject: Subject, kind: str
) -> tuple[list[ChecklistQuestion], dict[int, AnchoringAnswer]]:
    """:func:`active_questions` and the subject's answers to them in one query: the summary
    needs only each answer's status (one answer per question and subject at most)."""
    status = (
        AnchoringAnswer.objects.filter(question=OuterRef("pk"), **rules.subject_filter(subject))
        .order_by()
        .values("status")[:1]
    )
    questions = [
        q
        for q in ChecklistQuestion.objects.filter(
            programme=subject.programme_id, retired=False
        ).annotate(answer_status=Subquery(status))
        if q.applies(kind)
    ]
    answers = {
        q.pk: AnchoringAnswer(question_id=q.pk, status=q.answer_status, **{kind: subject})
        for q in questions
        if q.answer_status is not None
    }
    return questions, answers


def _organisations_with_commitment(subject: Subject) -> tuple[list[Organisation], set[int]]:
    """:func:`rules.participating_organisations` and those of them whose leadership has
    committed to the subject, in one query."""
    if isinstance(subject, Initiative):
        participants = Initiative.participants.through.objects.filter(initiative=subject)
        organisations = Organisation.objects.filter(
            Q(pk=subject.owner_organisation_id) | Q(pk__in=participants.values("organisation_id"))
        )
    else:
        organisations = subject.affected_organisations.all()
    committed = LeadershipCommitment.objects.filter(
        organisation=OuterRef("pk"), committed=True, **rules.subject_filter(subject)
    )
    read = sorted(
        organisations.annotate(leadership_committed=Exists(committed)), key=lambda o: o.name
    )
    return read, {o.pk for o in read if o.leadership_committed}


def page_summary(
    subject: Subject,
    rows: list[ChecklistRow],
    commitment_rows: list[CommitmentRow],
    municipal: bool,
) -> AnchoringSummary:
    """:func:`anchoring_summary` from what a page has read already: its :func:`checklist`
    and :func:`commitments` rows (the same questions, answers and organisations)."""
    return summarise(
        rules.subject_kind(subject),
        subject.pk,
        [row.question for row in rows],
        {row.question.pk: row.answer for row in rows if row.answer is not None},
        [row.organisation for row in commitment_rows],
        {
            row.organisation.pk
            for row in commitment_rows
            if row.commitment is not None and row.commitment.committed
        },
        municipal,
    )


@dataclass(frozen=True)
class CommitmentStatus:
    """Where leadership anchoring stands in one participating organisation, for a memo line:
    ``state`` is ``committed``, ``not_committed`` or ``not_recorded``; ``document`` is the
    document's code (``CommitmentDocument``) and ``document_label`` its label in the active
    language."""

    organisation: str
    state: str
    document: str = ""
    document_label: str = ""
    reference: str = ""
    committed_on: dt.date | None = None
    confirmed_by: str = ""


def commitment_statuses(subject: Subject) -> list[CommitmentStatus]:
    """Each participating organisation's leadership commitment, by organisation name. Stable
    for other apps (the governance memo), like :func:`anchoring_summary`."""
    statuses = []
    for row in commitments(subject):
        c = row.commitment
        if c is None:
            statuses.append(CommitmentStatus(row.organisation.name, "not_recorded"))
            continue
        statuses.append(
            CommitmentStatus(
                organisation=row.organisation.name,
                state="committed" if c.committed else "not_committed",
                document=c.document,
                document_label=str(c.get_document_display()) if c.document else "",
                reference=c.reference,
                committed_on=c.committed_on,
                confirmed_by=c.confirmed_by,
            )
        )
    return statuses


# -- one subject ------------------------------------------------------------------------------


def answers_by_question(subject: Subject) -> dict[int, AnchoringAnswer]:
    return {
        a.question_id: a
        for a in AnchoringAnswer.objects.filter(**rules.subject_filter(subject)).select_related(
            "answered_by", "question"
        )
    }


@dataclass
class ChecklistRow:
    question: ChecklistQuestion
    answer: AnchoringAnswer | None
    required: bool
    flagged: bool


def checklist(
    subject: Subject, *, municipal: bool | None = None
) -> tuple[list[ChecklistRow], list[AnchoringAnswer]]:
    """The subject's active questions with their answers, and the answers kept for retired
    (or no longer applying) questions, shown apart and read-only."""
    kind = rules.subject_kind(subject)
    answers = answers_by_question(subject)
    if municipal is None:
        municipal = rules.touches_municipal_services(subject)
    rows = []
    for question in active_questions(subject.programme_id, kind):
        answer = answers.pop(question.pk, None)
        rows.append(
            ChecklistRow(
                question,
                answer,
                required(question, municipal),
                ks_flag_for(question, answer, municipal),
            )
        )
    kept = sorted(answers.values(), key=lambda a: (a.question.order, a.pk))
    return rows, kept


@dataclass
class CommitmentRow:
    organisation: Organisation
    commitment: LeadershipCommitment | None


def commitments(
    subject: Subject, *, organisations: list[Organisation] | None = None
) -> list[CommitmentRow]:
    """Each participating organisation with its leadership commitment (or None)."""
    read = getattr(subject, "commitment_list", None)  # read along (with_page_lines)
    if read is None:
        read = LeadershipCommitment.objects.filter(**rules.subject_filter(subject))
    recorded = {c.organisation_id: c for c in read}
    if organisations is None:
        organisations = rules.participating_organisations(subject)
    return [CommitmentRow(o, recorded.get(o.pk)) for o in organisations]


@dataclass
class Bordering:
    label: str
    relation: str
    url: str


def bordering(subject: Subject, user: Actor) -> list[Bordering]:
    """The work the subject borders on, as already confirmed elsewhere: an initiative's
    dependencies and the proposals linked to it in harmonisation; a proposal's confirmed
    harmonisation links (both ways). Shown with the bordering-work question."""
    items: list[Bordering] = []
    if isinstance(subject, Initiative):
        # Both ways in one query; the dependencies on others first, then those on it.
        dependencies = list(
            Dependency.objects.filter(Q(source=subject) | Q(target=subject))
            .select_related("source__programme", "target__programme")
            .order_by("pk")
        )
        for dep in dependencies:
            if dep.source_id == subject.pk:
                items.append(
                    Bordering(
                        str(dep.target), dep.get_kind_display(), dep.target.get_absolute_url()
                    )
                )
        for dep in dependencies:
            if dep.target_id == subject.pk:
                items.append(
                    Bordering(
                        str(dep.source), dep.get_kind_display(), dep.source.get_absolute_url()
                    )
                )
        links = ProposalLink.objects.for_user(user).filter(target_initiative=subject)
        for link in links.select_related("proposal__programme"):
            items.append(
                Bordering(
                    str(link.proposal), link.get_kind_display(), link.proposal.get_absolute_url()
                )
            )
        return items
    links = ProposalLink.objects.for_user(user).filter(
        Q(proposal=subject) | Q(target_proposal=subject)
    )
    for link in links.select_related(
        "proposal__programme", "target_proposal__programme", "target_initiative__programme"
    ):
        other = link.target if link.proposal_id == subject.pk else link.proposal
        if other is not None:
            items.append(Bordering(str(other), link.get_kind_display(), other.get_absolute_url()))
    return items


# -- stakeholders and RACI --------------------------------------------------------------------


def stakeholder_list(
    *, programme: Programme, user: Actor, initiative: Initiative | None = None
) -> QuerySet[Stakeholder]:
    """The programme's stakeholders the user may see; with ``initiative``, only its own."""
    queryset = (
        Stakeholder.objects.for_user(user)
        .in_programme(programme)
        .select_related("organisation", "initiative", "programme")
    )
    if initiative is not None:
        queryset = queryset.filter(initiative=initiative)
    return queryset


def raci_for(subject: Initiative | Benefit) -> list[RaciAssignment]:
    read = getattr(subject, "raci_list", None)  # read along (with_page_lines)
    if read is not None:
        return read
    key = "initiative" if isinstance(subject, Initiative) else "benefit"
    return list(RaciAssignment.objects.filter(**{key: subject}).select_related("organisation"))


@dataclass
class RaciWarning:
    benefit: Benefit
    organisation: Organisation


def raci_warnings(*, programme: Programme, user: Actor) -> list[RaciWarning]:
    """Benefits arising in one organisation with nobody accountable (A) there; one query."""
    accountable_there = RaciAssignment.objects.filter(
        benefit=OuterRef("pk"),
        organisation=OuterRef("arises_in_organisation"),
        letter=RaciLetter.ACCOUNTABLE,
    )
    benefits = (
        Benefit.objects.for_user(user)
        .in_programme(programme)
        .filter(arises_in_organisation__isnull=False)
        .filter(~Exists(accountable_there))
        .select_related("arises_in_organisation", "programme")
        .order_by("code")
    )
    return [RaciWarning(b, b.arises_in_organisation) for b in benefits]


def benefit_warning(benefit: Benefit, assignments: list[RaciAssignment]) -> bool:
    """Whether ``benefit`` arises in an organisation with nobody accountable there."""
    if benefit.arises_in_organisation_id is None:
        return False
    return not any(
        a.letter == RaciLetter.ACCOUNTABLE
        and a.organisation_id == benefit.arises_in_organisation_id
        for a in assignments
    )


def with_municipal_stakeholders(initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """The initiatives, each knowing whether a stakeholder makes it touch municipal services
    (``rules.touches_municipal_services`` then reads nothing more for it)."""
    stakeholders = Stakeholder.objects.filter(
        rules.municipal_stakeholders(), initiative=OuterRef("pk")
    )
    return initiatives.annotate(**{rules.MUNICIPAL_STAKEHOLDER: Exists(stakeholders)})
