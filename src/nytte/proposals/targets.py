"""Finding the other end of a link, a merge or an attachment from what a facilitator typed
or a suggestion sent: a proposal reference ("F-12"), an initiative code, or a suggestion's
"proposal:<pk>" / "initiative:<pk>"; always within the programme."""

from __future__ import annotations

import re

from django.db.models import Q

from nytte.core.models import Programme
from nytte.portfolio.models import Initiative

from . import matching
from .models import Proposal

_PROPOSAL_REF = re.compile(r"^\s*[Ff]-?\s*(\d+)\s*$")


def find_proposal(programme: Programme, value: str) -> Proposal | None:
    """A proposal by reference ("F-12", "f12"), or by "proposal:<pk>" from a suggestion."""
    target = matching.parse_target(value)
    if target is not None:
        kind, pk = target
        if kind != matching.PROPOSAL:
            return None
        query = Q(pk=pk)
    else:
        match = _PROPOSAL_REF.match(value or "")
        if not match:
            return None
        query = Q(number=int(match.group(1)))
    return Proposal.objects.filter(query, programme=programme).select_related("programme").first()


def find_initiative(programme: Programme, value: str) -> Initiative | None:
    """An initiative by code (any case), or by "initiative:<pk>" from a suggestion."""
    target = matching.parse_target(value)
    if target is not None:
        kind, pk = target
        query = Q(pk=pk) if kind == matching.INITIATIVE else Q(pk__in=[])
    else:
        code = (value or "").strip()
        if not code:
            return None
        query = Q(code__iexact=code)
    return Initiative.objects.filter(query, programme=programme).select_related("programme").first()


def find_any(programme: Programme, value: str) -> Proposal | Initiative | None:
    """A proposal reference first (F-12), else an initiative code."""
    return find_proposal(programme, value) or find_initiative(programme, value)
