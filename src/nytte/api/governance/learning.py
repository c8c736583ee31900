"""The learning loop over REST: follow-up actions, reviews, lessons, revisit items,
calibration (and the reference-class adjustment), portfolio status reports and process
metrics. The same services as the pages; another programme's objects are 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme, User
from nytte.core.permissions import Action
from nytte.governance.learning import actions as action_services
from nytte.governance.learning import calibration as calibration_services
from nytte.governance.learning import lessons as lesson_services
from nytte.governance.learning import metrics
from nytte.governance.learning import reviews as review_services
from nytte.governance.learning import revisits as revisit_services
from nytte.governance.learning import status_report as reports
from nytte.governance.models import Decision, FollowUpAction, Lesson, RevisitItem, StatusReport
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal

from ..schemas import ERRORS

router = Router(tags=["governance"])
P = "/programmes/{slug}/learning"


class ActionIn(Schema):
    decision: int
    title: str
    due_date: dt.date
    owner: str | None = None  # username


class ActionPatch(Schema):
    title: str | None = None
    due_date: dt.date | None = None
    owner: str | None = None


class DoneIn(Schema):
    note: str = ""


class ActionOut(Schema):
    id: int
    decision: int
    case: str
    title: str
    owner: str | None
    due_date: dt.date
    done_at: dt.datetime | None
    done_note: str
    reminded_at: dt.datetime | None
    overdue: bool


class ReviewIn(Schema):
    learned: str
    next_review: dt.date | None = None


class ReviewOut(Schema):
    id: int
    decision: int
    reviewed_on: dt.date
    learned: str
    next_review: dt.date | None
    figures: dict[str, Any]


class LessonIn(Schema):
    title: str
    text: str
    tags: str = ""
    case: int | None = None  # case number


class LessonOut(Schema):
    id: int
    title: str
    text: str
    tags: list[str]
    case: str | None
    created_at: dt.datetime


class RevisitOut(Schema):
    id: int
    kind: str
    decision: int | None
    detail: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    resolution: str


class CloseIn(Schema):
    resolution: str


class AdjustIn(Schema):
    """Apply a calibration group's ratio (``dimension`` all, kind, organisation or assessor
    and its ``key``) or an explicit ``ratio`` (null removes the adjustment) to the analysis
    of a proposal (number) or an initiative (code)."""

    proposal: int | None = None
    initiative: str | None = None
    dimension: str | None = None
    key: str = "all"
    ratio: float | None = None
    basis: str = ""


class ReportIn(Schema):
    title: str = ""


class ReportOut(Schema):
    id: int
    title: str
    created_at: dt.datetime
    content: dict[str, Any]


def _action_out(action: FollowUpAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "decision": action.decision_id,
        "case": action.decision.case.reference,
        "title": action.title,
        "owner": action.owner.username if action.owner else None,
        "due_date": action.due_date,
        "done_at": action.done_at,
        "done_note": action.done_note,
        "reminded_at": action.reminded_at,
        "overdue": action.done_at is None and action.due_date < dt.date.today(),
    }


def _lesson_out(lesson: Lesson) -> dict[str, Any]:
    return {
        "id": lesson.pk,
        "title": lesson.title,
        "text": lesson.text,
        "tags": lesson.tag_list,
        "case": lesson.case.reference if lesson.case else None,
        "created_at": lesson.created_at,
    }


def _user(username: str | None) -> User | None:
    if not username:
        return None
    return get_object_or_404(User.objects.all(), username=username)


def _decision(request: HttpRequest, programme: Programme, pk: int) -> Decision:
    return get_object_or_404(
        Decision.objects.for_user(request.user).select_related("case"),
        pk=pk,
        case__programme=programme,
    )


def _action(request: HttpRequest, programme: Programme, pk: int) -> FollowUpAction:
    return get_object_or_404(
        FollowUpAction.objects.for_user(request.user).select_related("decision__case", "owner"),
        pk=pk,
        decision__case__programme=programme,
    )


@router.get(P + "/actions", response={200: list[ActionOut], **ERRORS})
def action_list(request: HttpRequest, slug: str, overdue: bool = False) -> list[dict[str, Any]]:
    programme = programme_or_404(request, slug)
    if overdue:
        actions = action_services.overdue_actions(request.user)
    else:
        actions = FollowUpAction.objects.for_user(request.user).select_related(
            "decision__case", "owner"
        )
    return [_action_out(a) for a in actions.filter(decision__case__programme=programme)]


@router.post(P + "/actions", response={201: ActionOut, **ERRORS})
def action_create(request: HttpRequest, slug: str, payload: ActionIn) -> Status:
    programme = programme_or_404(request, slug)
    action = action_services.action_create(
        decision=_decision(request, programme, payload.decision),
        title=payload.title,
        due_date=payload.due_date,
        owner=_user(payload.owner),
        acting_user=request.user,
    )
    return Status(201, _action_out(action))


@router.patch(P + "/actions/{pk}", response={200: ActionOut, **ERRORS})
def action_update(request: HttpRequest, slug: str, pk: int, payload: ActionPatch) -> Any:
    programme = programme_or_404(request, slug)
    data = payload.dict(exclude_unset=True)
    if "owner" in data:
        data["owner"] = _user(data["owner"])
    action = action_services.action_update(
        action=_action(request, programme, pk), data=data, acting_user=request.user
    )
    return _action_out(action)


@router.post(P + "/actions/{pk}/done", response={200: ActionOut, **ERRORS})
def action_done(request: HttpRequest, slug: str, pk: int, payload: DoneIn) -> Any:
    programme = programme_or_404(request, slug)
    action = action_services.action_done(
        action=_action(request, programme, pk), note=payload.note, acting_user=request.user
    )
    return _action_out(action)


@router.get(P + "/decisions/{pk}/review", response={200: dict[str, Any], **ERRORS})
def review_figures(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    """Realised against expected benefits and costs of a decision, as they stand today."""
    programme = programme_or_404(request, slug)
    return review_services.review_figures(_decision(request, programme, pk))


@router.post(P + "/decisions/{pk}/reviews", response={201: ReviewOut, **ERRORS})
def review_create(request: HttpRequest, slug: str, pk: int, payload: ReviewIn) -> Status:
    programme = programme_or_404(request, slug)
    review = review_services.review_record(
        decision=_decision(request, programme, pk),
        learned=payload.learned,
        next_review=payload.next_review,
        acting_user=request.user,
    )
    return Status(
        201,
        {
            "id": review.pk,
            "decision": review.decision_id,
            "reviewed_on": review.reviewed_on,
            "learned": review.learned,
            "next_review": review.next_review,
            "figures": review.figures,
        },
    )


@router.get(P + "/lessons", response={200: list[LessonOut], **ERRORS})
def lesson_list(request: HttpRequest, slug: str, q: str = "", tag: str = "") -> list[Any]:
    programme = programme_or_404(request, slug)
    lessons = lesson_services.lesson_search(programme=programme, user=request.user, q=q, tag=tag)
    return [_lesson_out(lesson) for lesson in lessons]


@router.get(P + "/lessons/{pk}", response={200: LessonOut, **ERRORS})
def lesson_detail(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    programme = programme_or_404(request, slug)
    lesson = get_object_or_404(Lesson.objects.for_user(request.user).in_programme(programme), pk=pk)
    return _lesson_out(lesson)


@router.post(P + "/lessons", response={201: LessonOut, **ERRORS})
def lesson_create(request: HttpRequest, slug: str, payload: LessonIn) -> Status:
    programme = programme_or_404(request, slug)
    case = None
    if payload.case is not None:
        case = get_object_or_404(programme.cases.all(), number=payload.case)
    lesson = lesson_services.lesson_create(
        programme=programme,
        title=payload.title,
        text=payload.text,
        tags=payload.tags,
        case=case,
        acting_user=request.user,
    )
    return Status(201, _lesson_out(lesson))


@router.get(P + "/proposals/{number}/lessons", response={200: list[LessonOut], **ERRORS})
def lessons_for_proposal(request: HttpRequest, slug: str, number: int) -> list[Any]:
    """Lessons from cases like this proposal, best first."""
    programme = programme_or_404(request, slug)
    proposal = get_object_or_404(
        Proposal.objects.for_user(request.user), programme=programme, number=number
    )
    return [_lesson_out(m.lesson) for m in lesson_services.lessons_for(proposal, user=request.user)]


@router.get(P + "/revisits", response={200: list[RevisitOut], **ERRORS})
def revisit_list(request: HttpRequest, slug: str, open: bool = True) -> list[Any]:
    programme = programme_or_404(request, slug, Action.FACILITATE)
    items = RevisitItem.objects.for_user(request.user, Action.FACILITATE).in_programme(programme)
    if open:
        items = items.filter(closed_at__isnull=True)
    return [
        {
            "id": i.pk,
            "kind": i.kind,
            "decision": i.decision_id,
            "detail": i.detail,
            "opened_at": i.opened_at,
            "closed_at": i.closed_at,
            "resolution": i.resolution,
        }
        for i in items
    ]


@router.post(P + "/revisits/{pk}/close", response={200: RevisitOut, **ERRORS})
def revisit_close(request: HttpRequest, slug: str, pk: int, payload: CloseIn) -> Any:
    programme = programme_or_404(request, slug)
    item = get_object_or_404(RevisitItem.objects.for_user(request.user), pk=pk, programme=programme)
    item = revisit_services.revisit_close(
        item=item, resolution=payload.resolution, acting_user=request.user
    )
    return {
        "id": item.pk,
        "kind": item.kind,
        "decision": item.decision_id,
        "detail": item.detail,
        "opened_at": item.opened_at,
        "closed_at": item.closed_at,
        "resolution": item.resolution,
    }


@router.get(P + "/calibration", response={200: list[dict[str, Any]], **ERRORS})
def calibration(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """Ratio of realised to forecast benefits by kind, organisation and assessor."""
    programme = programme_or_404(request, slug)
    return calibration_services.calibration(programme=programme).rows()


@router.post(P + "/calibration/apply", response={200: dict[str, Any], **ERRORS})
def calibration_apply(request: HttpRequest, slug: str, payload: AdjustIn) -> dict[str, Any]:
    programme = programme_or_404(request, slug)
    if payload.proposal is not None:
        subject: Any = get_object_or_404(
            Proposal.objects.for_user(request.user), programme=programme, number=payload.proposal
        )
    else:
        subject = get_object_or_404(
            Initiative.objects.for_user(request.user), programme=programme, code=payload.initiative
        )
    if payload.dimension:
        saved = calibration_services.apply_group_adjustment(
            subject=subject,
            result=calibration_services.calibration(programme=programme),
            dimension=payload.dimension,
            key=payload.key,
            basis=payload.basis,
            acting_user=request.user,
        )
        if saved is None:
            raise Http404
    else:
        saved = calibration_services.apply_adjustment(
            subject=subject, ratio=payload.ratio, basis=payload.basis, acting_user=request.user
        )
    adjustment = saved.benefit_adjustment
    return {
        "benefit_adjustment": None if adjustment is None else float(adjustment),
        "adjustment_basis": saved.adjustment_basis,
    }


@router.get(P + "/status-reports", response={200: list[ReportOut], **ERRORS})
def report_list(request: HttpRequest, slug: str) -> list[Any]:
    programme = programme_or_404(request, slug)
    return list(StatusReport.objects.for_user(request.user).in_programme(programme))


@router.post(P + "/status-reports", response={201: ReportOut, **ERRORS})
def report_create(request: HttpRequest, slug: str, payload: ReportIn) -> Status:
    programme = programme_or_404(request, slug)
    report = reports.report_create(
        programme=programme, title=payload.title, acting_user=request.user
    )
    return Status(201, report)


@router.get(P + "/metrics", response={200: dict[str, Any], **ERRORS})
def process_metrics(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Days to each stage and to decision, outcomes per source and channel, and realised
    against expected benefit of adopted proposals."""
    programme = programme_or_404(request, slug)
    return metrics.process_metrics(programme)
