"""Proposals over REST: the list with the list page's filters, create, read and edit."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from ninja import Query, Router, Status
from ninja.pagination import paginate

from nytte.core.actors import Actor
from nytte.core.lookups import programme_or_404
from nytte.proposals import selectors, services
from nytte.proposals.choices import Channel
from nytte.proposals.filtersets import ProposalFilterSet, ordered
from nytte.proposals.models import (
    Proposal,
)

from ..common import Pagination, find_life_events, find_organisation
from ..concurrency import expected_version, send_etag
from ..proposals_schemas import (
    ProposalFilters,
    ProposalIn,
    ProposalOut,
    ProposalPatch,
)
from ..schemas import ERRORS, PRECONDITION
from .helpers import P, R, proposal_detail_out, proposal_or_404, proposal_out, with_lines

router = Router(tags=["proposals"])

# -- proposals --


class _Lazy:
    """A sliceable view of a queryset that serialises only the page asked for."""

    def __init__(self, queryset: QuerySet[Proposal], user: Actor) -> None:
        self.queryset = queryset
        self.user = user

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return [proposal_out(p, self.user) for p in self.queryset[page]]


@router.get(P, response={200: list[ProposalOut], **ERRORS})
@paginate(Pagination)
def proposal_list(request: HttpRequest, slug: str, filters: Query[ProposalFilters]) -> _Lazy:
    """Proposals with the list page's filters and sort order (newest first by default)."""
    programme = programme_or_404(request, slug)
    params = QueryDict(mutable=True)
    for name, value in filters.dict(exclude_none=True).items():
        if isinstance(value, list):
            params.setlist(name, value)
        elif isinstance(value, bool):
            params[name] = "true" if value else "false"
        else:
            params[name] = str(value)
    filterset = ProposalFilterSet(
        params,
        queryset=selectors.proposal_list(programme=programme, user=request.user),
        programme=programme,
        user=request.user,
    )
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return _Lazy(with_lines(ordered(filterset.qs), request.user), request.user)


@router.post(P, response={201: ProposalOut, **ERRORS})
def proposal_create(request: HttpRequest, slug: str, payload: ProposalIn) -> Status:
    """Receive a proposal through the API; the proposer gets a receipt by e-mail with the
    private link to its status."""
    programme = programme_or_404(request, slug)
    data = payload.dict()
    organisations = [
        find_organisation(o, "affected_organisations") for o in data.pop("affected_organisations")
    ]
    life_events = find_life_events(data.pop("life_events"))
    consent = data.pop("consent")
    proposal, _token = services.proposal_submit(
        programme=programme,
        data=data,
        channel=Channel.API,
        affected_organisations=organisations,
        life_events=life_events,
        consent=consent,
        acting_user=request.user,
    )
    return Status(201, proposal_detail_out(request, slug, proposal.number))


@router.get(R, response={200: ProposalOut, **ERRORS})
def proposal_detail(
    request: HttpRequest, slug: str, number: int, response: HttpResponse
) -> dict[str, Any]:
    """The proposal, with its version as ``ETag`` (send it back in ``If-Match``)."""
    proposal = proposal_or_404(request, slug, number)
    send_etag(response, proposal)
    return proposal_out(proposal, request.user)


@router.patch(R, response={200: ProposalOut, **ERRORS, **PRECONDITION})
def proposal_update(
    request: HttpRequest, slug: str, number: int, payload: ProposalPatch, response: HttpResponse
) -> dict[str, Any]:
    """With ``If-Match``, a stale ETag is a 412 and nothing changes."""
    proposal = proposal_or_404(request, slug, number)
    data = payload.dict(exclude_unset=True)
    organisations = data.pop("affected_organisations", None)
    life_events = data.pop("life_events", None)
    services.proposal_update(
        proposal=proposal,
        data=data,
        affected_organisations=None
        if organisations is None
        else [find_organisation(o, "affected_organisations") for o in organisations],
        life_events=None if life_events is None else find_life_events(life_events),
        acting_user=request.user,
        expected_version=expected_version(request, proposal),
    )
    send_etag(response, proposal)
    return proposal_detail_out(request, slug, number)
