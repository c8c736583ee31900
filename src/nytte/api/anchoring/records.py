"""Anchoring records over REST: stakeholders, the checklist, each initiative's and proposal's
answers and leadership commitments, and the anchoring summary (the same
``nytte.anchoring.selectors.anchoring_summary`` the governance app reads).

Thin on purpose: reads go through the queryset gate and ``permissions.check``; writes go
through ``nytte.anchoring.services`` with ``acting_user``. References are natural keys
(initiative codes, proposal numbers, orgnr), as in the Excel format.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from nytte.anchoring import rules, selectors, services
from nytte.anchoring.models import ChecklistQuestion, LeadershipCommitment, Stakeholder
from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal

from ..common import Pagination, find_organisation, org_out
from ..schemas import ERRORS

router = Router(tags=["anchoring"])
P = "/programmes/{slug}"


class StakeholderIn(Schema):
    initiative: str | None = None
    organisation: str | None = None
    group: str = ""
    name: str = ""
    contact_role: str = ""
    influence: int
    interest: int
    involvement: str = "inform"
    involvement_note: str = ""
    phases: list[str] = []


class StakeholderPatch(Schema):
    initiative: str | None = None
    organisation: str | None = None
    group: str | None = None
    name: str | None = None
    contact_role: str | None = None
    influence: int | None = None
    interest: int | None = None
    involvement: str | None = None
    involvement_note: str | None = None
    phases: list[str] | None = None


class OrgRef(Schema):
    orgnr: str
    name: str


class StakeholderOut(Schema):
    id: int
    initiative: str | None
    organisation: OrgRef | None
    group: str
    name: str
    display_name: str
    contact_role: str
    influence: int
    interest: int
    quadrant: str
    involvement: str
    involvement_note: str
    phases: list[str]


class QuestionOut(Schema):
    id: int
    order: int
    topic: str
    text: str
    help_text: str
    applies_to: str
    retired: bool


class AnswerIn(Schema):
    #: yes, partly, no or not_relevant; empty removes the answer.
    status: str
    comment: str = ""
    answered_on: dt.date | None = None


class AnswerOut(Schema):
    question: int
    question_text: str
    status: str
    comment: str
    answered_on: dt.date
    answered_by: str | None


class CommitmentIn(Schema):
    committed: bool
    document: str = ""
    reference: str = ""
    committed_on: dt.date | None = None
    confirmed_by: str = ""


class CommitmentOut(Schema):
    organisation: OrgRef
    recorded: bool
    committed: bool
    document: str
    reference: str
    committed_on: dt.date | None
    confirmed_by: str


class SummaryOut(Schema):
    subject_kind: str
    subject_id: int
    status_counts: dict[str, int]
    questions: int
    missing_commitments: list[str]
    touches_municipal_services: bool
    ks_flag: bool
    complete: bool
    organisations: int
    unanswered_required: int


class AnchoringOut(Schema):
    summary: SummaryOut
    answers: list[AnswerOut]
    commitments: list[CommitmentOut]


# -- helpers ----------------------------------------------------------------------------------


def _stakeholder_out(s: Stakeholder) -> dict[str, Any]:
    return {
        "id": s.pk,
        "initiative": s.initiative.code if s.initiative_id else None,
        "organisation": org_out(s.organisation),
        "group": s.group,
        "name": s.name,
        "display_name": s.display_name,
        "contact_role": s.contact_role,
        "influence": s.influence,
        "interest": s.interest,
        "quadrant": s.quadrant,
        "involvement": s.involvement,
        "involvement_note": s.involvement_note,
        "phases": list(s.phases),
    }


def _stakeholder_data(programme: Programme, payload: Schema) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    if "initiative" in data:
        code = data["initiative"]
        data["initiative"] = None
        if code:
            data["initiative"] = Initiative.objects.filter(programme=programme, code=code).first()
            if data["initiative"] is None:
                raise ValidationError(
                    {"initiative": _("No initiative has the code %(code)s.") % {"code": code}}
                )
    if "organisation" in data:
        orgnr = data["organisation"]
        data["organisation"] = find_organisation(orgnr, "organisation") if orgnr else None
    return data


def _stakeholder_or_404(request: HttpRequest, slug: str, pk: int) -> Stakeholder:
    programme = programme_or_404(request, slug)
    stakeholder = (
        selectors.stakeholder_list(programme=programme, user=request.user).filter(pk=pk).first()
    )
    if stakeholder is None:
        raise Http404
    return stakeholder


def _initiative(request: HttpRequest, slug: str, code: str) -> Initiative:
    programme = programme_or_404(request, slug)
    initiative = (
        Initiative.objects.for_user(request.user)
        .in_programme(programme)
        .select_related("programme", "owner_organisation")
        .filter(code=code)
        .first()
    )
    if initiative is None:
        raise Http404
    return initiative


def _proposal(request: HttpRequest, slug: str, number: int) -> Proposal:
    programme = programme_or_404(request, slug)
    proposal = (
        Proposal.objects.for_user(request.user)
        .in_programme(programme)
        .select_related("programme")
        .filter(number=number)
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


def _anchoring_out(subject: rules.Subject) -> dict[str, Any]:
    summary = dataclasses.asdict(selectors.anchoring_summary(subject))
    summary["missing_commitments"] = list(summary["missing_commitments"])
    answers = [
        _answer_out(a)
        for a in sorted(
            selectors.answers_by_question(subject).values(), key=lambda a: a.question_id
        )
    ]
    commitments = [
        _commitment_out(row.organisation, row.commitment) for row in selectors.commitments(subject)
    ]
    return {"summary": summary, "answers": answers, "commitments": commitments}


def _answer_out(a: Any) -> dict[str, Any]:
    return {
        "question": a.question_id,
        "question_text": a.question_text,
        "status": a.status,
        "comment": a.comment,
        "answered_on": a.answered_on,
        "answered_by": a.answered_by.username if a.answered_by_id else None,
    }


def _commitment_out(organisation: Any, c: LeadershipCommitment | None) -> dict[str, Any]:
    return {
        "organisation": org_out(organisation),
        "recorded": c is not None,
        "committed": bool(c and c.committed),
        "document": c.document if c else "",
        "reference": c.reference if c else "",
        "committed_on": c.committed_on if c else None,
        "confirmed_by": c.confirmed_by if c else "",
    }


def _question(subject: rules.Subject, question_id: int) -> ChecklistQuestion:
    question = ChecklistQuestion.objects.filter(
        pk=question_id, programme=subject.programme_id
    ).first()
    if question is None:
        raise Http404
    return question


def _answer_put(subject: rules.Subject, question_id: int, payload: AnswerIn, user: Any) -> Any:
    answer = services.answer_save(
        subject=subject,
        question=_question(subject, question_id),
        answer=services.AnswerData(payload.status, payload.comment, payload.answered_on),
        acting_user=user,
    )
    return Status(204, None) if answer is None else _answer_out(answer)


def _commitment_put(subject: rules.Subject, orgnr: str, payload: CommitmentIn, user: Any) -> Any:
    organisation = find_organisation(orgnr, "organisation")
    commitment = services.commitment_save(
        subject=subject, organisation=organisation, data=payload.dict(), acting_user=user
    )
    return _commitment_out(organisation, commitment)


# -- stakeholders -----------------------------------------------------------------------------


@router.get(P + "/stakeholders", response={200: list[StakeholderOut], **ERRORS})
@paginate(Pagination)
def stakeholder_list(
    request: HttpRequest, slug: str, initiative: str | None = None
) -> list[dict[str, Any]]:
    programme = programme_or_404(request, slug)
    chosen = _initiative(request, slug, initiative) if initiative else None
    return [
        _stakeholder_out(s)
        for s in selectors.stakeholder_list(
            programme=programme, user=request.user, initiative=chosen
        ).order_by("pk")
    ]


@router.post(P + "/stakeholders", response={201: StakeholderOut, **ERRORS})
def stakeholder_create(request: HttpRequest, slug: str, payload: StakeholderIn) -> Status:
    programme = programme_or_404(request, slug)
    stakeholder = services.stakeholder_create(
        programme=programme,
        data=_stakeholder_data(programme, payload),
        acting_user=request.user,
    )
    return Status(201, _stakeholder_out(stakeholder))


@router.get(P + "/stakeholders/{int:stakeholder_id}", response={200: StakeholderOut, **ERRORS})
def stakeholder_get(request: HttpRequest, slug: str, stakeholder_id: int) -> dict[str, Any]:
    return _stakeholder_out(_stakeholder_or_404(request, slug, stakeholder_id))


@router.patch(P + "/stakeholders/{int:stakeholder_id}", response={200: StakeholderOut, **ERRORS})
def stakeholder_update(
    request: HttpRequest, slug: str, stakeholder_id: int, payload: StakeholderPatch
) -> dict[str, Any]:
    stakeholder = _stakeholder_or_404(request, slug, stakeholder_id)
    services.stakeholder_update(
        stakeholder=stakeholder,
        data=_stakeholder_data(stakeholder.programme, payload),
        acting_user=request.user,
    )
    return _stakeholder_out(stakeholder)


@router.delete(P + "/stakeholders/{int:stakeholder_id}", response={204: None, **ERRORS})
def stakeholder_delete(request: HttpRequest, slug: str, stakeholder_id: int) -> Status:
    stakeholder = _stakeholder_or_404(request, slug, stakeholder_id)
    services.stakeholder_delete(stakeholder=stakeholder, acting_user=request.user)
    return Status(204, None)


# -- checklist, answers, commitments ----------------------------------------------------------


@router.get(P + "/anchoring/questions", response={200: list[QuestionOut], **ERRORS})
def question_list(request: HttpRequest, slug: str) -> list[ChecklistQuestion]:
    programme = programme_or_404(request, slug)
    return list(ChecklistQuestion.objects.filter(programme=programme))


@router.get(P + "/initiatives/{code}/anchoring", response={200: AnchoringOut, **ERRORS})
def initiative_anchoring(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    return _anchoring_out(_initiative(request, slug, code))


@router.put(
    P + "/initiatives/{code}/anchoring/answers/{int:question_id}",
    response={200: AnswerOut, 204: None, **ERRORS},
)
def initiative_answer_put(
    request: HttpRequest, slug: str, code: str, question_id: int, payload: AnswerIn
) -> Any:
    return _answer_put(_initiative(request, slug, code), question_id, payload, request.user)


@router.put(
    P + "/initiatives/{code}/anchoring/commitments/{orgnr}",
    response={200: CommitmentOut, **ERRORS},
)
def initiative_commitment_put(
    request: HttpRequest, slug: str, code: str, orgnr: str, payload: CommitmentIn
) -> Any:
    return _commitment_put(_initiative(request, slug, code), orgnr, payload, request.user)


@router.get(P + "/proposals/{int:number}/anchoring", response={200: AnchoringOut, **ERRORS})
def proposal_anchoring(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    return _anchoring_out(_proposal(request, slug, number))


@router.put(
    P + "/proposals/{int:number}/anchoring/answers/{int:question_id}",
    response={200: AnswerOut, 204: None, **ERRORS},
)
def proposal_answer_put(
    request: HttpRequest, slug: str, number: int, question_id: int, payload: AnswerIn
) -> Any:
    return _answer_put(_proposal(request, slug, number), question_id, payload, request.user)


@router.put(
    P + "/proposals/{int:number}/anchoring/commitments/{orgnr}",
    response={200: CommitmentOut, **ERRORS},
)
def proposal_commitment_put(
    request: HttpRequest, slug: str, number: int, orgnr: str, payload: CommitmentIn
) -> Any:
    return _commitment_put(_proposal(request, slug, number), orgnr, payload, request.user)
