"""Evidence, support, comments and the domain events of a proposal over REST."""

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from nytte.core.actors import Actor
from nytte.proposals import services
from nytte.proposals.models import (
    Comment,
    Evidence,
    Proposal,
    ProposalEvent,
    Support,
)

from ..common import Pagination
from ..proposals_schemas import (
    CommentIn,
    CommentOut,
    EventOut,
    EvidenceIn,
    EvidenceOut,
    SupportOut,
)
from ..schemas import ERRORS
from .helpers import R, comment_out, evidence_out, proposal_or_404

router = Router(tags=["proposals"])

# -- evidence --


@router.get(R + "/evidence", response={200: list[EvidenceOut], **ERRORS})
@paginate(Pagination)
def evidence_list(request: HttpRequest, slug: str, number: int) -> list[dict[str, Any]]:
    proposal = proposal_or_404(request, slug, number)
    return [
        evidence_out(e)
        for e in Evidence.objects.for_user(request.user)
        .filter(proposal=proposal)
        .select_related("added_by")
        .order_by("created_at", "pk")
    ]


@router.post(R + "/evidence", response={201: EvidenceOut, **ERRORS})
def evidence_add(request: HttpRequest, slug: str, number: int, payload: EvidenceIn) -> Status:
    """Add an insight snippet: a quote, data or a study, with its source."""
    proposal = proposal_or_404(request, slug, number)
    evidence = services.evidence_add(proposal=proposal, acting_user=request.user, **payload.dict())
    return Status(201, evidence_out(evidence))


# -- support --


def _support_state(proposal: Proposal, user: Actor) -> dict[str, Any]:
    counts = Support.objects.filter(proposal=proposal).aggregate(n=Count("pk"))
    return {
        "supported": Support.objects.filter(proposal=proposal, user=user).exists(),
        "supporters": counts["n"],
    }


@router.post(R + "/support", response={200: SupportOut, **ERRORS})
def support_add(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    """Support the proposal (again: no change)."""
    proposal = proposal_or_404(request, slug, number)
    services.support_set(proposal=proposal, supported=True, acting_user=request.user)
    return _support_state(proposal, request.user)


@router.delete(R + "/support", response={200: SupportOut, **ERRORS})
def support_remove(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    """Withdraw one's support (when there is none: no change)."""
    proposal = proposal_or_404(request, slug, number)
    services.support_set(proposal=proposal, supported=False, acting_user=request.user)
    return _support_state(proposal, request.user)


# -- comments and events --


@router.get(R + "/comments", response={200: list[CommentOut], **ERRORS})
@paginate(Pagination)
def comment_list(request: HttpRequest, slug: str, number: int) -> list[dict[str, Any]]:
    proposal = proposal_or_404(request, slug, number)
    return [
        comment_out(c)
        for c in Comment.objects.for_user(request.user)
        .filter(proposal=proposal)
        .select_related("author")
        .order_by("created_at", "pk")
    ]


@router.post(R + "/comments", response={201: CommentOut, **ERRORS})
def comment_add(request: HttpRequest, slug: str, number: int, payload: CommentIn) -> Status:
    proposal = proposal_or_404(request, slug, number)
    comment = services.comment_add(proposal=proposal, text=payload.text, acting_user=request.user)
    return Status(201, comment_out(comment))


@router.get(R + "/events", response={200: list[EventOut], **ERRORS})
@paginate(Pagination)
def event_list(request: HttpRequest, slug: str, number: int) -> list[dict[str, Any]]:
    """The proposal's domain events, oldest first: submitted, stage changes, merges, links …"""
    proposal = proposal_or_404(request, slug, number)
    return [
        {
            **{
                f: getattr(event, f)
                for f in ("kind", "from_stage", "to_stage", "note", "data", "created_at")
            },
            "actor": event.actor.username if event.actor_id else None,
        }
        for event in ProposalEvent.objects.for_user(request.user)
        .filter(proposal=proposal)
        .select_related("actor")
        .order_by("created_at", "pk")
    ]
