"""The stage flow over REST: move, merge, attach and track."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from nytte.core.permissions import Action, check
from nytte.proposals import services
from nytte.proposals.choices import Stage

from ..proposals_schemas import (
    AttachIn,
    MergeIn,
    MoveIn,
    ProposalOut,
    TrackIn,
)
from ..schemas import ERRORS
from .helpers import (
    FLOW_ERRORS,
    R,
    flow_problem,
    initiative_by_code,
    other_proposal,
    proposal_detail_out,
    proposal_or_404,
)

router = Router(tags=["proposals"])

# -- the flow --


@router.post(R + "/move", response={200: ProposalOut, **FLOW_ERRORS})
def proposal_move(
    request: HttpRequest, slug: str, number: int, payload: MoveIn
) -> dict[str, Any] | HttpResponse:
    """Move to another stage, as the flow allows (facilitators). 409 when the flow does not
    allow it from the stage the proposal is in; parked and rejected need a reason, and so does
    ready for governance without a submitted assessment and track (422)."""
    proposal = proposal_or_404(request, slug, number)
    check(request.user, Action.FACILITATE, proposal)
    if payload.to not in Stage.values:
        raise ValidationError({"to": _("Unknown stage “%(stage)s”.") % {"stage": payload.to}})
    try:
        services.proposal_move(
            proposal=proposal, to=payload.to, reason=payload.reason, acting_user=request.user
        )
    except ValidationError as exc:
        return flow_problem(request, exc)
    return proposal_detail_out(request, slug, number)


@router.post(R + "/merge", response={200: ProposalOut, **FLOW_ERRORS})
def proposal_merge(
    request: HttpRequest, slug: str, number: int, payload: MergeIn
) -> dict[str, Any] | HttpResponse:
    """Merge a duplicate into another open proposal; supporters and evidence go with it."""
    proposal = proposal_or_404(request, slug, number)
    check(request.user, Action.FACILITATE, proposal)
    into = other_proposal(proposal.programme, payload.into, "into")
    try:
        services.proposal_merge(
            proposal=proposal, into=into, note=payload.note, acting_user=request.user
        )
    except ValidationError as exc:
        return flow_problem(request, exc)
    return proposal_detail_out(request, slug, number)


@router.post(R + "/attach", response={200: ProposalOut, **FLOW_ERRORS})
def proposal_attach(
    request: HttpRequest, slug: str, number: int, payload: AttachIn
) -> dict[str, Any] | HttpResponse:
    """Attach a proposal to an initiative that already does what it asks."""
    proposal = proposal_or_404(request, slug, number)
    check(request.user, Action.FACILITATE, proposal)
    initiative = initiative_by_code(proposal.programme, payload.initiative, "initiative")
    try:
        services.proposal_attach(
            proposal=proposal, initiative=initiative, note=payload.note, acting_user=request.user
        )
    except ValidationError as exc:
        return flow_problem(request, exc)
    return proposal_detail_out(request, slug, number)


@router.post(R + "/track", response={200: ProposalOut, **ERRORS})
def proposal_track(
    request: HttpRequest, slug: str, number: int, payload: TrackIn
) -> dict[str, Any]:
    """Set the suggested track (facilitators), with a reason."""
    proposal = proposal_or_404(request, slug, number)
    services.track_set(
        proposal=proposal, track=payload.track, reason=payload.reason, acting_user=request.user
    )
    return proposal_detail_out(request, slug, number)
