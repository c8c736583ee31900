"""Harmonisation suggestions over REST: what the tab shows (with bands and reasons), and
the suggestions a facilitator dismissed as not related."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from nytte.core.actors import Actor
from nytte.core.permissions import Action, can
from nytte.proposals import matching, services
from nytte.proposals.models import Dismissal, Proposal

from ..schemas import ERRORS
from .helpers import R, initiative_by_code, other_proposal, proposal_or_404

router = Router(tags=["proposals"])

#: How many suggestions the endpoint returns, as many as the tab shows.
SUGGESTIONS = 8
BANDS = (
    "likely = likely the same thing, possible = possibly related, weak = weak match "
    "(thresholds fitted on the evaluation set; docs/similarity.md)"
)


class SuggestionOut(Schema):
    kind: str = Field(description="initiative or proposal")
    reference: str = Field(description="Initiative code or proposal reference (F-12).")
    title: str
    band: str = Field(description=BANDS)
    score: float = Field(description="In [0, 1]; compare within one list only.")
    shared_life_events: list[str]
    shared_organisations: list[str]
    via: str | None = Field(
        description="Found through this proposal, confirmed as linked to the suggestion."
    )
    semantic_rank: int | None = Field(
        description=(
            "Rank among the nearest texts of the embedding model the agency installed "
            "(1 = nearest); null without a model or beyond its 50 candidates."
        )
    )
    matched_words: list[str]
    passages: list[str] = Field(description="The sentences that matched, best first.")


class ElsewhereOut(Schema):
    """A similar item in another programme: that it exists, its band, where and who
    facilitates there. Reference, title and passages only if you have a role there."""

    target: str = Field(description="Names the item when telling its facilitators (ids only).")
    programme: str = Field(description="The other programme's name.")
    band: str = Field(description=BANDS)
    facilitators: list[str] = Field(description="Names of the other programme's facilitators.")
    visible: bool = Field(description="Whether you have a role in that programme.")
    kind: str | None = Field(description="initiative or proposal; only if visible.")
    reference: str | None = Field(description="Only if visible.")
    title: str | None = Field(description="Only if visible.")
    notified: bool = Field(description="Whether its facilitators were told about this proposal.")


class SimilarOut(Schema):
    n_initiatives: int = Field(description="Initiatives compared against.")
    n_proposals: int = Field(description="Open proposals compared against.")
    close: int = Field(description="Suggestions likely or possibly related; 0 = no close match.")
    suggestions: list[SuggestionOut]
    other_programmes: list[ElsewhereOut] = Field(
        description="Similar items in other programmes (for facilitators; docs/similarity.md)."
    )


class NoticeIn(Schema):
    target: str = Field(description="An other_programmes item's target.")


class NoticeOut(Schema):
    programme: str
    recipients: int = Field(description="How many facilitators were e-mailed.")


class DismissalOut(Schema):
    id: int
    proposal: str
    target_proposal: str | None
    target_initiative: str | None
    dismissed_by: str | None
    dismissed_at: dt.datetime


class DismissalIn(Schema):
    """Either target_proposal or target_initiative."""

    target_proposal: str | int | None = Field(None, description="Proposal reference (F-12).")
    target_initiative: str | None = Field(None, description="Initiative code.")


def _elsewhere_out(c: matching.CrossSuggestion) -> dict[str, Any]:
    return {
        "target": c.target,
        "programme": c.programme.name,
        "band": str(c.band),
        "facilitators": list(c.facilitators),
        "visible": c.visible,
        "kind": c.kind if c.visible else None,
        "reference": c.reference if c.visible else None,
        "title": c.title if c.visible else None,
        "notified": c.notified,
    }


def _suggestion_out(s: matching.Suggestion) -> dict[str, Any]:
    return {
        "kind": s.kind,
        "reference": s.reference,
        "title": s.title,
        "band": str(s.band),
        "score": round(s.score, 4),
        "shared_life_events": list(s.shared_life_events),
        "shared_organisations": list(s.shared_organisations),
        "via": s.via.reference if s.via is not None else None,
        "semantic_rank": s.semantic_rank,
        "matched_words": list(s.terms),
        "passages": [p.text for p in s.passages],
    }


@router.get(R + "/similar", response={200: SimilarOut, **ERRORS})
def similar(request: HttpRequest, slug: str, number: int, weak: bool = True) -> dict[str, Any]:
    """The initiatives and open proposals most like this proposal, as on its harmonisation
    tab: best first, each with its band and why. ``weak=false`` leaves weak matches out."""
    proposal = proposal_or_404(request, slug, number)
    found = matching.similar(
        proposal.programme,
        matching.document_text(proposal),
        k=SUGGESTIONS,
        exclude_proposal=proposal,
    )
    items = found.items if weak else found.close
    elsewhere: tuple[matching.CrossSuggestion, ...] = ()
    if can(request.user, Action.FACILITATE, proposal):
        elsewhere = matching.across(proposal, request.user, notified=services.notified_targets)
    return {
        "n_initiatives": found.n_initiatives,
        "n_proposals": found.n_proposals,
        "close": len(found.close),
        "suggestions": [_suggestion_out(s) for s in items],
        "other_programmes": [_elsewhere_out(c) for c in elsewhere],
    }


@router.post(R + "/similar/notices", response={201: NoticeOut, **ERRORS})
def notice_create(request: HttpRequest, slug: str, number: int, payload: NoticeIn) -> Status:
    """Tell the facilitators of the programme holding a similar item (by e-mail, once per
    item): the message names this proposal's reference and programme, never its text."""
    proposal = proposal_or_404(request, slug, number)
    sent = services.cross_notice_send(
        proposal=proposal, target=payload.target, acting_user=request.user
    )
    return Status(201, {"programme": sent.suggestion.programme.name, "recipients": sent.recipients})


def _dismissals(proposal: Proposal, user: Actor) -> QuerySet[Dismissal]:
    return (
        Dismissal.objects.for_user(user)
        .filter(proposal=proposal)
        .select_related("proposal", "target_proposal", "target_initiative", "dismissed_by")
        .order_by("dismissed_at", "pk")
    )


def _dismissal_out(d: Dismissal) -> dict[str, Any]:
    return {
        "id": d.pk,
        "proposal": d.proposal.reference,
        "target_proposal": d.target_proposal.reference if d.target_proposal_id else None,
        "target_initiative": d.target_initiative.code if d.target_initiative_id else None,
        "dismissed_by": d.dismissed_by.username if d.dismissed_by_id else None,
        "dismissed_at": d.dismissed_at,
    }


@router.get(R + "/dismissals", response={200: list[DismissalOut], **ERRORS})
def dismissal_list(request: HttpRequest, slug: str, number: int) -> list[dict[str, Any]]:
    """Suggestions marked as not related for this proposal (never suggested again)."""
    proposal = proposal_or_404(request, slug, number)
    return [_dismissal_out(d) for d in _dismissals(proposal, request.user)]


@router.post(R + "/dismissals", response={201: DismissalOut, **ERRORS})
def dismissal_create(request: HttpRequest, slug: str, number: int, payload: DismissalIn) -> Status:
    """Mark a suggestion as not related (facilitators); dismissing it again is harmless."""
    proposal = proposal_or_404(request, slug, number)
    if (payload.target_proposal is None) == (payload.target_initiative is None):
        raise ValidationError(_("Dismiss either a proposal or an initiative."))
    target = (
        other_proposal(proposal.programme, payload.target_proposal, "target_proposal")
        if payload.target_proposal is not None
        else initiative_by_code(proposal.programme, payload.target_initiative, "target_initiative")
    )
    if target == proposal:
        raise ValidationError({"target_proposal": _("A proposal cannot link to itself.")})
    dismissal = services.suggestion_dismiss(
        proposal=proposal, target=target, acting_user=request.user
    )
    return Status(201, _dismissal_out(_dismissals(proposal, request.user).get(pk=dismissal.pk)))


@router.delete(R + "/dismissals/{int:dismissal_id}", response={204: None, **ERRORS})
def dismissal_delete(request: HttpRequest, slug: str, number: int, dismissal_id: int) -> Status:
    """Take a dismissal back: the pair may be suggested again."""
    proposal = proposal_or_404(request, slug, number)
    dismissal = _dismissals(proposal, request.user).filter(pk=dismissal_id).first()
    if dismissal is None:
        raise Http404
    services.dismissal_delete(dismissal=dismissal, acting_user=request.user)
    return Status(204, None)
