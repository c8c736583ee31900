"""Lookups and output shapes shared by the proposals routers."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from nytte.core.actors import Actor
from nytte.core.lookups import programme_or_404
from nytte.core.models import Organisation, Programme
from nytte.portfolio.models import Initiative, LifeEvent
from nytte.proposals import selectors
from nytte.proposals.models import (
    Comment,
    Evidence,
    Proposal,
    ProposalLink,
    Support,
)

from .. import errors
from ..common import org_out
from ..schemas import ERRORS, Problem

P = "/programmes/{slug}/proposals"
R = P + "/{int:number}"
FLOW_ERRORS = {**ERRORS, 409: Problem}
REFERENCE = re.compile(r"^\s*(?:[Ff]-?)?(\d+)\s*$")


# -- lookups --


def with_lines(proposals: QuerySet[Proposal], user: Actor) -> QuerySet[Proposal]:
    """What a proposal's output needs besides the list's own joins: fixed number of queries."""
    return proposals.prefetch_related(
        Prefetch("affected_organisations", queryset=Organisation.objects.order_by("orgnr")),
        Prefetch("life_events", queryset=LifeEvent.objects.order_by("slug")),
    ).annotate(mine_supported=Exists(Support.objects.filter(proposal=OuterRef("pk"), user=user.pk)))


def proposal_or_404(request: HttpRequest, slug: str, number: int) -> Proposal:
    programme = programme_or_404(request, slug)
    proposal = (
        with_lines(selectors.proposal_list(programme=programme, user=request.user), request.user)
        .filter(number=number)
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


def parse_number(value: str | int, field: str) -> int:
    match = REFERENCE.match(str(value))
    if match is None:
        raise ValidationError({field: _("Give a proposal's number, such as F-12.")})
    return int(match.group(1))


def other_proposal(programme: Programme, value: str | int, field: str) -> Proposal:
    number = parse_number(value, field)
    other = Proposal.objects.filter(programme=programme, number=number).first()
    if other is None:
        raise ValidationError(
            {field: _("This programme has no proposal %(ref)s.") % {"ref": f"F-{number}"}}
        )
    return other


def initiative_by_code(programme: Programme, code: str, field: str) -> Initiative:
    initiative = Initiative.objects.filter(programme=programme, code=code).first()
    if initiative is None:
        raise ValidationError(
            {field: _("No initiative has the code “%(code)s” in this programme.") % {"code": code}}
        )
    return initiative


def flow_problem(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A refused move as problem+json: 409 when the flow does not allow the transition (the
    proposal is not where the caller thought), 422 for input that can be corrected."""
    if getattr(exc, "code", None) == "illegal_transition":
        return errors.problem(
            request, 409, "Conflict", exc.messages[0], errors=errors.django_errors(exc)
        )
    return errors.problem(
        request, 422, "Invalid input", "See errors.", errors=errors.django_errors(exc)
    )


# -- output --


def proposal_out(proposal: Proposal, user: Actor) -> dict[str, Any]:
    """A proposal read through ``with_lines``; personal data only for facilitators."""
    personal = selectors.may_see_personal_data(user, proposal)
    return {
        **{
            name: getattr(proposal, name)
            for name in (
                "number",
                "reference",
                "title",
                "need",
                "idea",
                "expected_benefits",
                "source",
                "channel",
                "stage",
                "stage_reason",
                "track",
                "track_reason",
                "created_at",
                "updated_at",
            )
        },
        "url": proposal.get_absolute_url(),
        "affected_organisations": [org_out(o) for o in proposal.affected_organisations.all()],
        "life_events": [e.slug for e in proposal.life_events.all()],
        "proposer": proposal.proposer.username if proposal.proposer_id else None,
        "proposer_name": proposal.proposer_name if personal else None,
        "proposer_email": proposal.proposer_email if personal else None,
        "erased": proposal.erased_at is not None,
        "merged_into": proposal.merged_into.reference if proposal.merged_into_id else None,
        "attached_to": proposal.attached_to.code if proposal.attached_to_id else None,
        "supporters": proposal.n_supports,
        "supported_by_me": bool(getattr(proposal, "mine_supported", False)),
    }


def proposal_detail_out(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    return proposal_out(proposal_or_404(request, slug, number), request.user)


def link_out(link: ProposalLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "proposal": link.proposal.reference,
        "kind": link.kind,
        "target_proposal": link.target_proposal.reference if link.target_proposal_id else None,
        "target_initiative": link.target_initiative.code if link.target_initiative_id else None,
        "note": link.note,
        "score": link.score,
        "created_by": link.created_by.username if link.created_by_id else None,
        "created_at": link.created_at,
    }


def evidence_out(evidence: Evidence) -> dict[str, Any]:
    return {
        **{f: getattr(evidence, f) for f in ("kind", "text", "url", "source", "created_at")},
        "id": evidence.pk,
        "added_by": evidence.added_by.username if evidence.added_by_id else None,
    }


def comment_out(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": comment.author.username if comment.author_id else None,
        "text": comment.text,
        "created_at": comment.created_at,
    }
