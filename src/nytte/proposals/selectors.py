"""Reads from the proposal pipeline, in a fixed number of queries whatever its size.

Who sees what: everyone with a role in the programme sees its proposals (so colleagues can
join an existing one instead of proposing it again); an outside proposer's name and e-mail
are shown only to facilitators (``may_see_personal_data``); assessors' scores stay hidden
until they are submitted (see ``assessment.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet

from nytte.core.actors import Actor, PublicProposer
from nytte.core.jsonrows import json_rows, prefetched, restore
from nytte.core.models import Organisation, Programme, hash_token
from nytte.core.permissions import Action, can
from nytte.portfolio.models import LifeEvent

from .choices import EventKind
from .harmonise_rows import with_harmonisation
from .models import Proposal, ProposalEvent, Support, supporter_count

# What the private status page shows of a proposal's history: its stage changes.
STATUS_EVENTS = (EventKind.SUBMITTED, EventKind.STAGE_CHANGED, EventKind.MERGED, EventKind.ATTACHED)


def proposal_list(*, programme: Programme, user: Actor) -> QuerySet[Proposal]:
    """The programme's proposals the user may see (the queryset gate), with what lists show.
    Read through ``programme.proposals``, each is handed ``programme`` instead of joining
    it: PostgreSQL spent longer planning a proposal's query with its joins than running it
    (``benefits.selectors.benefit_list``)."""
    return (
        programme.proposals.for_user(user)
        .select_related("proposer", "merged_into", "attached_to")
        .annotate(n_supports=supporter_count())
    )


def first_of_each_stage(
    proposals: QuerySet[Proposal],
    *,
    programme: Programme,
    stages: Iterable[str],
    limit: int,
    fields: Iterable[str],
) -> list[Proposal]:
    """The first ``limit`` of ``proposals`` (already gated and filtered) in each of
    ``stages``, oldest first, with their supporters counted and only ``fields`` read: the
    board's columns, in one query.

    Each stage's ids come from the stage index in a subquery with a limit, which PostgreSQL
    hashes once whatever its statistics (numbering the rows with a window instead made it
    rerun the numbering for each proposal when the tables had none). The proposals are then
    read by id, without the filters again (they chose the ids)."""
    first = Q()
    for stage in stages:
        ids = proposals.filter(stage=stage).order_by("created_at", "pk").values("pk")
        first |= Q(pk__in=ids[:limit])
    return list(
        Proposal.objects.filter(first, programme=programme)
        .only(*fields)
        .annotate(n_supports=supporter_count())
        .order_by("created_at", "pk")
    )


# The related rows a proposal page may show, prefetched with the proposal by ``proposal_get``
# (each one query); a page names the ones it shows so it pays for no others.
PAGE_RELATIONS = ("affected_organisations", "life_events", "attachments", "supports")


def _prefetch(relation: str) -> str | Prefetch:
    if relation == "supports":  # the supporters are shown by name
        return Prefetch("supports", queryset=Support.objects.select_related("user"))
    return relation


# The relations ``proposal_get`` can read along with the proposal, in its own query, as JSON
# rows (core.jsonrows): the model and the fields read, all of its concrete ones. Both models
# are ordered by their unique name, so the order is the prefetch's.
ALONG_RELATIONS: dict[str, tuple[type[Organisation] | type[LifeEvent], tuple[str, ...]]] = {
    "affected_organisations": (
        Organisation,
        ("id", "name", "short_name", "orgnr", "kind", "parent_id"),
    ),
    "life_events": (LifeEvent, ("id", "name", "slug", "description", "responsible_id")),
}


# Not a relation: a proposal's links and dismissals, both ways round (``harmonise_rows``).
HARMONISATION = "links_and_dismissals"


@cache
def _along(relation: str) -> Any:
    """``relation``'s rows of the proposal (``OuterRef``) as a JSON array, by name: built
    once per process, as the harmonisation reads are (``harmonise_rows._reads``)."""
    model, fields = ALONG_RELATIONS[relation]
    through = getattr(Proposal, relation).through.objects.filter(proposal=OuterRef("pk"))
    prefix = f"{model._meta.model_name}__"
    return json_rows(
        through,
        "proposal",
        ["name"],
        **{name: prefix + name.removesuffix("_id") for name in fields},
    )


def proposal_get(
    *,
    programme: Programme,
    number: int,
    user: Actor,
    relations: Iterable[str] = PAGE_RELATIONS,
    along: Iterable[str] = (),
) -> Proposal:
    """One proposal with the ``relations`` (of ``PAGE_RELATIONS``) its page shows, and who
    registered it (named when it was sought out); raises ``Proposal.DoesNotExist`` (also
    where the user may not see it). The ``along`` relations (of ``ALONG_RELATIONS``) are
    read in the proposal's own query instead of one query each, and are then just as
    ``.all()`` of the relation; ``HARMONISATION`` along reads its links and dismissals
    for ``harmonise_rows.harmonisation_rows``."""
    along = tuple(along)
    proposals = proposal_list(programme=programme, user=user)
    if HARMONISATION in along:
        proposals = with_harmonisation(proposals)
        along = tuple(relation for relation in along if relation != HARMONISATION)
    proposal = (
        proposals.select_related("created_by")
        .prefetch_related(*(_prefetch(relation) for relation in relations if relation not in along))
        .annotate(**{f"{relation}_rows": _along(relation) for relation in along})
        .get(number=number)
    )
    for relation in along:
        model = ALONG_RELATIONS[relation][0]
        rows = restore(model, getattr(proposal, f"{relation}_rows"), ["name"])
        prefetched(proposal, relation, rows)
    return proposal


def may_see_personal_data(user: Actor, proposal: Proposal) -> bool:
    """An outside proposer's name and e-mail: the facilitator's business only."""
    return can(user, Action.FACILITATE, proposal)


def proposal_for_status(token: str) -> tuple[Proposal, PublicProposer] | None:
    """The proposal behind a private status link and its holder as a ``PublicProposer`` (of
    the proposal's programme, holding the token), or None for an unknown or erased link."""
    if not token:
        return None
    proposal = (
        Proposal.objects.select_related("programme", "merged_into", "attached_to")
        .filter(status_token_hash=hash_token(token))
        .exclude(status_token_hash="")
        .first()
    )
    if proposal is None:
        return None
    return proposal, PublicProposer(programme_id=proposal.programme_id, token=token)


def status_changes(proposal: Proposal, *, viewer: PublicProposer) -> list[dict[str, Any]]:
    """The stage changes the link holder sees (stages and dates only, no names)."""
    if (
        viewer.programme_id != proposal.programme_id
        or not proposal.status_token_hash
        or (hash_token(viewer.token) != proposal.status_token_hash)
    ):
        return []
    return list(
        ProposalEvent.objects.filter(proposal=proposal, kind__in=STATUS_EVENTS)
        .exclude(to_stage="")
        .order_by("created_at", "pk")
        .values("to_stage", "created_at")
    )
