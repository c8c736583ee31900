"""Links between proposals from harmonisation over REST."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from nytte.core.actors import Actor
from nytte.core.permissions import Action, check
from nytte.proposals import services
from nytte.proposals.models import (
    Proposal,
    ProposalLink,
)

from ..common import Pagination
from ..proposals_schemas import (
    LinkIn,
    LinkOut,
)
from ..schemas import ERRORS
from .helpers import R, initiative_by_code, link_out, other_proposal, proposal_or_404

router = Router(tags=["proposals"])

# -- links --


def _links(proposal: Proposal, user: Actor) -> QuerySet[ProposalLink]:
    return (
        ProposalLink.objects.for_user(user)
        .filter(proposal=proposal)
        .select_related("proposal", "target_proposal", "target_initiative", "created_by")
        .order_by("created_at", "pk")
    )


@router.get(R + "/links", response={200: list[LinkOut], **ERRORS})
@paginate(Pagination)
def link_list(request: HttpRequest, slug: str, number: int) -> list[dict[str, Any]]:
    """What harmonisation confirmed: how this proposal relates to others and to initiatives."""
    return [link_out(link) for link in _links(proposal_or_404(request, slug, number), request.user)]


@router.post(R + "/links", response={201: LinkOut, **ERRORS})
def link_create(request: HttpRequest, slug: str, number: int, payload: LinkIn) -> Status:
    """Record a link (once per kind and target). Its similarity score is the server's."""
    proposal = proposal_or_404(request, slug, number)
    check(request.user, Action.FACILITATE, proposal)
    if (payload.target_proposal is None) == (payload.target_initiative is None):
        raise ValidationError(_("Link to either a proposal or an initiative."))
    link = services.link_create(
        proposal=proposal,
        kind=payload.kind,
        target_proposal=None
        if payload.target_proposal is None
        else other_proposal(proposal.programme, payload.target_proposal, "target_proposal"),
        target_initiative=None
        if payload.target_initiative is None
        else initiative_by_code(proposal.programme, payload.target_initiative, "target_initiative"),
        note=payload.note,
        acting_user=request.user,
    )
    return Status(201, link_out(_links(proposal, request.user).get(pk=link.pk)))


@router.delete(R + "/links/{int:link_id}", response={204: None, **ERRORS})
def link_delete(request: HttpRequest, slug: str, number: int, link_id: int) -> Status:
    proposal = proposal_or_404(request, slug, number)
    link = _links(proposal, request.user).filter(pk=link_id).first()
    if link is None:
        raise Http404
    services.link_delete(link=link, acting_user=request.user)
    return Status(204, None)
