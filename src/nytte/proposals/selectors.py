"""Reads from the proposal pipeline, in a fixed number of queries whatever its size.

Who sees what: everyone with a role in the programme sees its proposals (so colleagues can
join an existing one instead of proposing it again); an outside proposer's name and e-mail
are shown only to facilitators (``may_see_personal_data``); assessors' scores stay hidden
until they are submitted (see ``assessment.py``).
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from nytte.core.actors import Actor
from nytte.core.models import Programme
from nytte.core.permissions import Action, can

from .models import Proposal, ProposalEvent, Support


def proposal_list(*, programme: Programme, user: Actor) -> QuerySet[Proposal]:
    """The programme's proposals the user may see (the queryset gate), with what lists show."""
    return (
        Proposal.objects.for_user(user)
        .in_programme(programme)
        .select_related("programme", "proposer", "merged_into", "attached_to")
        .annotate(n_supports=Count("supports", distinct=True))
    )


def proposal_get(*, programme: Programme, number: int, user: Actor) -> Proposal:
    """One proposal with what its page shows; raises ``Proposal.DoesNotExist`` (also where
    the user may not see it)."""
    return (
        proposal_list(programme=programme, user=user)
        .prefetch_related(
            "affected_organisations",
            "life_events",
            "attachments",
            Prefetch("supports", queryset=Support.objects.select_related("user")),
            Prefetch("events", queryset=ProposalEvent.objects.select_related("actor")),
        )
        .get(number=number)
    )


def may_see_personal_data(user: Actor, proposal: Proposal) -> bool:
    """An outside proposer's name and e-mail: the facilitator's business only."""
    return can(user, Action.FACILITATE, proposal)
