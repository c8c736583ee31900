"""The proposal pipeline over REST: proposals with the list page's filters, the stage flow
(move, merge, attach), links from harmonisation, evidence, support, comments and the domain
events of each proposal.

Thin on purpose, like the other routers: reads go through ``nytte.proposals.selectors`` and
``permissions.check`` (404 where the caller has no role in the programme, 403 where the role
does not allow the action); writes go through ``nytte.proposals.services`` with
``acting_user``, which check rights (anyone with a role that may contribute proposes,
supports, comments and adds evidence; the facilitator runs the flow), validate, log history
and record events. A transition the flow does not allow answers 409 with the reason; a
missing reason 422. Proposals are referred to by their number in the programme.
"""

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from nytte.core.lookups import programme_or_404
from nytte.core.models import Organisation, Programme
from nytte.core.permissions import Action, check
from nytte.portfolio.models import Initiative, LifeEvent
from nytte.proposals import assessment, selectors, services
from nytte.proposals.choices import Channel, Stage
from nytte.proposals.filtersets import ProposalFilterSet, ordered
from nytte.proposals.models import (
    Assessment,
    Comment,
    Criterion,
    Evidence,
    Proposal,
    ProposalLink,
    Support,
)

from . import errors
from .common import find_life_events, find_organisation, org_out
from .proposals_schemas import (
    AssessmentIn,
    AssessmentOut,
    AttachIn,
    CommentIn,
    CommentOut,
    CriterionOut,
    EventOut,
    EvidenceIn,
    EvidenceOut,
    LinkIn,
    LinkOut,
    MergeIn,
    MoveIn,
    ProposalFilters,
    ProposalIn,
    ProposalOut,
    ProposalPatch,
    ResultsOut,
    SupportOut,
    TrackIn,
)
from .schemas import ERRORS, Problem

router = Router(tags=["proposals"])
P = "/programmes/{slug}/proposals"
R = P + "/{int:number}"
FLOW_ERRORS = {**ERRORS, 409: Problem}
REFERENCE = re.compile(r"^\s*(?:[Ff]-?)?(\d+)\s*$")


# -- lookups --


def _with_lines(proposals: QuerySet[Proposal], user: Any) -> QuerySet[Proposal]:
    """What a proposal's output needs besides the list's own joins: fixed number of queries."""
    return proposals.prefetch_related(
        Prefetch("affected_organisations", queryset=Organisation.objects.order_by("orgnr")),
        Prefetch("life_events", queryset=LifeEvent.objects.order_by("slug")),
    ).annotate(mine_supported=Exists(Support.objects.filter(proposal=OuterRef("pk"), user=user.pk)))


def _proposal(request: HttpRequest, slug: str, number: int) -> Proposal:
    programme = programme_or_404(request, slug)
    proposal = (
        _with_lines(selectors.proposal_list(programme=programme), request.user)
        .filter(number=number)
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


def _number(value: str | int, field: str) -> int:
    match = REFERENCE.match(str(value))
    if match is None:
        raise ValidationError({field: _("Give a proposal's number, such as F-12.")})
    return int(match.group(1))


def _other(programme: Programme, value: str | int, field: str) -> Proposal:
    number = _number(value, field)
    other = Proposal.objects.filter(programme=programme, number=number).first()
    if other is None:
        raise ValidationError(
            {field: _("This programme has no proposal %(ref)s.") % {"ref": f"F-{number}"}}
        )
    return other


def _initiative(programme: Programme, code: str, field: str) -> Initiative:
    initiative = Initiative.objects.filter(programme=programme, code=code).first()
    if initiative is None:
        raise ValidationError(
            {field: _("No initiative has the code “%(code)s” in this programme.") % {"code": code}}
        )
    return initiative


def _flow_problem(request: HttpRequest, exc: ValidationError) -> HttpResponse:
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


def _proposal_out(proposal: Proposal, user: Any) -> dict[str, Any]:
    """A proposal read through ``_with_lines``; personal data only for facilitators."""
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


def _detail(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    return _proposal_out(_proposal(request, slug, number), request.user)


def _link_out(link: ProposalLink) -> dict[str, Any]:
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


def _evidence_out(evidence: Evidence) -> dict[str, Any]:
    return {
        **{f: getattr(evidence, f) for f in ("kind", "text", "url", "source", "created_at")},
        "id": evidence.pk,
        "added_by": evidence.added_by.username if evidence.added_by_id else None,
    }


def _comment_out(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": comment.author.username if comment.author_id else None,
        "text": comment.text,
        "created_at": comment.created_at,
    }


# -- proposals --


class _Lazy:
    """A sliceable view of a queryset that serialises only the page asked for."""

    def __init__(self, queryset: QuerySet[Proposal], user: Any) -> None:
        self.queryset = queryset
        self.user = user

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return [_proposal_out(p, self.user) for p in self.queryset[page]]


@router.get(P, response={200: list[ProposalOut], **ERRORS})
@paginate(LimitOffsetPagination)
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
        queryset=selectors.proposal_list(programme=programme),
        programme=programme,
        user=request.user,
    )
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return _Lazy(_with_lines(ordered(filterset.qs), request.user), request.user)


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
    return Status(201, _detail(request, slug, proposal.number))


@router.get(R, response={200: ProposalOut, **ERRORS})
def proposal_detail(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    return _detail(request, slug, number)


@router.patch(R, response={200: ProposalOut, **ERRORS})
def proposal_update(
    request: HttpRequest, slug: str, number: int, payload: ProposalPatch
) -> dict[str, Any]:
    proposal = _proposal(request, slug, number)
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
    )
    return _detail(request, slug, number)


# -- the flow --


@router.post(R + "/move", response={200: ProposalOut, **FLOW_ERRORS})
def proposal_move(
    request: HttpRequest, slug: str, number: int, payload: MoveIn
) -> dict[str, Any] | HttpResponse:
    """Move to another stage, as the flow allows (facilitators). 409 when the flow does not
    allow it from the stage the proposal is in; parked and rejected need a reason (422)."""
    proposal = _proposal(request, slug, number)
    check(request.user, Action.FACILITATE, proposal)
    if payload.to not in Stage.values:
        raise ValidationError({"to": _("Unknown stage “%(stage)s”.") % {"stage": payload.to}})
    try:
        services.proposal_move(
            proposal=proposal, to=payload.to, reason=payload.reason, acting_user=request.user
        )
    except ValidationError as exc:
        return _flow_problem(request, exc)
    return _detail(request, slug, number)


@router.post(R + "/merge", response={200: ProposalOut, **FLOW_ERRORS})
def proposal_merge(
    request: HttpRequest, slug: str, number: int, payload: MergeIn
) -> dict[str, Any] | HttpResponse:
    """Merge a duplicate into another open proposal; supporters and evidence go with it."""
    proposal = _proposal(request, slug, number)
    check(request.user, Action.FACILITATE, proposal)
    into = _other(proposal.programme, payload.into, "into")
    try:
        services.proposal_merge(
            proposal=proposal, into=into, note=payload.note, acting_user=request.user
        )
    except ValidationError as exc:
        return _flow_problem(request, exc)
    return _detail(request, slug, number)


@router.post(R + "/attach", response={200: ProposalOut, **FLOW_ERRORS})
def proposal_attach(
    request: HttpRequest, slug: str, number: int, payload: AttachIn
) -> dict[str, Any] | HttpResponse:
    """Attach a proposal to an initiative that already does what it asks."""
    proposal = _proposal(request, slug, number)
    check(request.user, Action.FACILITATE, proposal)
    initiative = _initiative(proposal.programme, payload.initiative, "initiative")
    try:
        services.proposal_attach(
            proposal=proposal, initiative=initiative, note=payload.note, acting_user=request.user
        )
    except ValidationError as exc:
        return _flow_problem(request, exc)
    return _detail(request, slug, number)


@router.post(R + "/track", response={200: ProposalOut, **ERRORS})
def proposal_track(
    request: HttpRequest, slug: str, number: int, payload: TrackIn
) -> dict[str, Any]:
    """Set the suggested track (facilitators), with a reason."""
    proposal = _proposal(request, slug, number)
    services.track_set(
        proposal=proposal, track=payload.track, reason=payload.reason, acting_user=request.user
    )
    return _detail(request, slug, number)


# -- links --


def _links(proposal: Proposal) -> QuerySet[ProposalLink]:
    return (
        ProposalLink.objects.filter(proposal=proposal)
        .select_related("proposal", "target_proposal", "target_initiative", "created_by")
        .order_by("created_at", "pk")
    )


@router.get(R + "/links", response={200: list[LinkOut], **ERRORS})
@paginate(LimitOffsetPagination)
def link_list(request: HttpRequest, slug: str, number: int) -> list[dict[str, Any]]:
    """What harmonisation confirmed: how this proposal relates to others and to initiatives."""
    return [_link_out(link) for link in _links(_proposal(request, slug, number))]


@router.post(R + "/links", response={201: LinkOut, **ERRORS})
def link_create(request: HttpRequest, slug: str, number: int, payload: LinkIn) -> Status:
    proposal = _proposal(request, slug, number)
    check(request.user, Action.FACILITATE, proposal)
    if (payload.target_proposal is None) == (payload.target_initiative is None):
        raise ValidationError(_("Link to either a proposal or an initiative."))
    link = services.link_create(
        proposal=proposal,
        kind=payload.kind,
        target_proposal=None
        if payload.target_proposal is None
        else _other(proposal.programme, payload.target_proposal, "target_proposal"),
        target_initiative=None
        if payload.target_initiative is None
        else _initiative(proposal.programme, payload.target_initiative, "target_initiative"),
        note=payload.note,
        score=payload.score,
        acting_user=request.user,
    )
    return Status(201, _link_out(_links(proposal).get(pk=link.pk)))


@router.delete(R + "/links/{int:link_id}", response={204: None, **ERRORS})
def link_delete(request: HttpRequest, slug: str, number: int, link_id: int) -> Status:
    proposal = _proposal(request, slug, number)
    link = _links(proposal).filter(pk=link_id).first()
    if link is None:
        raise Http404
    services.link_delete(link=link, acting_user=request.user)
    return Status(204, None)


# -- evidence --


@router.get(R + "/evidence", response={200: list[EvidenceOut], **ERRORS})
@paginate(LimitOffsetPagination)
def evidence_list(request: HttpRequest, slug: str, number: int) -> list[dict[str, Any]]:
    proposal = _proposal(request, slug, number)
    return [
        _evidence_out(e)
        for e in proposal.evidence.select_related("added_by").order_by("created_at", "pk")
    ]


@router.post(R + "/evidence", response={201: EvidenceOut, **ERRORS})
def evidence_add(request: HttpRequest, slug: str, number: int, payload: EvidenceIn) -> Status:
    """Add an insight snippet: a quote, data or a study, with its source."""
    proposal = _proposal(request, slug, number)
    evidence = services.evidence_add(proposal=proposal, acting_user=request.user, **payload.dict())
    return Status(201, _evidence_out(evidence))


# -- support --


def _support_state(proposal: Proposal, user: Any) -> dict[str, Any]:
    counts = Support.objects.filter(proposal=proposal).aggregate(n=Count("pk"))
    return {
        "supported": Support.objects.filter(proposal=proposal, user=user).exists(),
        "supporters": counts["n"],
    }


@router.post(R + "/support", response={200: SupportOut, **ERRORS})
def support_add(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    """Support the proposal (again: no change)."""
    proposal = _proposal(request, slug, number)
    check(request.user, Action.CONTRIBUTE, proposal)
    if not proposal.mine_supported:
        services.support_toggle(proposal=proposal, acting_user=request.user)
    return _support_state(proposal, request.user)


@router.delete(R + "/support", response={200: SupportOut, **ERRORS})
def support_remove(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    """Withdraw one's support (when there is none: no change)."""
    proposal = _proposal(request, slug, number)
    check(request.user, Action.CONTRIBUTE, proposal)
    if proposal.mine_supported:
        services.support_toggle(proposal=proposal, acting_user=request.user)
    return _support_state(proposal, request.user)


# -- comments and events --


@router.get(R + "/comments", response={200: list[CommentOut], **ERRORS})
@paginate(LimitOffsetPagination)
def comment_list(request: HttpRequest, slug: str, number: int) -> list[dict[str, Any]]:
    proposal = _proposal(request, slug, number)
    return [
        _comment_out(c)
        for c in proposal.comments.select_related("author").order_by("created_at", "pk")
    ]


@router.post(R + "/comments", response={201: CommentOut, **ERRORS})
def comment_add(request: HttpRequest, slug: str, number: int, payload: CommentIn) -> Status:
    proposal = _proposal(request, slug, number)
    comment = services.comment_add(proposal=proposal, text=payload.text, acting_user=request.user)
    return Status(201, _comment_out(comment))


@router.get(R + "/events", response={200: list[EventOut], **ERRORS})
@paginate(LimitOffsetPagination)
def event_list(request: HttpRequest, slug: str, number: int) -> list[dict[str, Any]]:
    """The proposal's domain events, oldest first: submitted, stage changes, merges, links …"""
    proposal = _proposal(request, slug, number)
    return [
        {
            **{
                f: getattr(event, f)
                for f in ("kind", "from_stage", "to_stage", "note", "data", "created_at")
            },
            "actor": event.actor.username if event.actor_id else None,
        }
        for event in proposal.events.select_related("actor").order_by("created_at", "pk")
    ]


# -- assessment --
# Everything here goes through ``nytte.proposals.assessment``, where the blind rule lives:
# an assessor sees only their own scores until they have submitted, and nobody but the
# facilitator sees a draft.


def _criterion_out(criterion: Criterion) -> dict[str, Any]:
    return {
        **{f: getattr(criterion, f) for f in ("dimension", "name", "description", "order")},
        "id": criterion.pk,
        "scale": [
            {"value": int(step["value"]), "label": str(step.get("label", ""))}
            for step in criterion.scale
        ],
        "weight": float(criterion.weight),
    }


def _assessment_out(item: Assessment, proposal: Proposal) -> dict[str, Any]:
    """An assessment whose scores are prefetched (or just written)."""
    return {
        "id": item.pk,
        "proposal": proposal.reference,
        "assessor": item.assessor.username,
        "due": item.due,
        "comment": item.comment,
        "submitted": item.submitted,
        "submitted_at": item.submitted_at,
        "scores": [
            {"criterion": s.criterion_id, "value": s.value, "comment": s.comment}
            for s in sorted(item.scores.all(), key=lambda s: s.criterion_id)
        ],
    }


def _own(request: HttpRequest, proposal: Proposal) -> Assessment:
    """The caller's own assessment of the proposal (404 when they were not asked)."""
    own = next(
        (
            a
            for a in assessment.visible_assessments(request.user, proposal)
            if a.assessor_id == request.user.pk
        ),
        None,
    )
    if own is None:
        raise Http404
    own.proposal = proposal
    return own


def _save(request: HttpRequest, proposal: Proposal, payload: Any, *, submit: bool) -> Any:
    own = _own(request, proposal)
    assessment.assessment_save(
        assessment=own,
        scores={s.criterion: (s.value, s.comment) for s in payload.scores},
        comment=payload.comment,
        submit=submit,
        acting_user=request.user,
    )
    return _assessment_out(_own(request, proposal), proposal)


@router.get("/programmes/{slug}/criteria", response={200: list[CriterionOut], **ERRORS})
@paginate(LimitOffsetPagination)
def criterion_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The programme's assessment criteria, innovation potential first, each with its
    described scale and weight."""
    programme = programme_or_404(request, slug)
    return [_criterion_out(c) for c in assessment.criteria_for(programme=programme)]


@router.get(R + "/assessments", response={200: list[AssessmentOut], **ERRORS})
@paginate(LimitOffsetPagination)
def assessment_list(request: HttpRequest, slug: str, number: int) -> list[dict[str, Any]]:
    """The assessments of the proposal the caller may read (the blind rule): the facilitator
    all of them; an assessor their own, and the others' submitted ones once they have
    submitted theirs; anyone else none."""
    proposal = _proposal(request, slug, number)
    return [
        _assessment_out(a, proposal) for a in assessment.visible_assessments(request.user, proposal)
    ]


@router.get(R + "/assessment", response={200: AssessmentOut, **ERRORS})
def own_assessment(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    """The caller's own assessment (404 when they have not been asked)."""
    proposal = _proposal(request, slug, number)
    return _assessment_out(_own(request, proposal), proposal)


@router.put(R + "/assessment", response={200: AssessmentOut, **ERRORS})
def own_assessment_save(
    request: HttpRequest, slug: str, number: int, payload: AssessmentIn
) -> dict[str, Any]:
    """Save scores as a draft (the scores sent; others are kept)."""
    return _save(request, _proposal(request, slug, number), payload, submit=False)


@router.post(R + "/assessment/submit", response={200: AssessmentOut, **ERRORS})
def own_assessment_submit(
    request: HttpRequest, slug: str, number: int, payload: AssessmentIn
) -> dict[str, Any]:
    """Submit, with any last scores: every criterion must be scored. Final for the assessor
    (only the facilitator can reopen)."""
    return _save(request, _proposal(request, slug, number), payload, submit=True)


@router.get(R + "/results", response={200: ResultsOut, **ERRORS})
def assessment_results(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    """Potential and complexity from the submitted assessments, and the suggested track;
    the spread per criterion only for those who may see scores. 403 for an assessor who
    has not submitted yet (they assess blind)."""
    proposal = _proposal(request, slug, number)
    results = assessment.proposal_results(request.user, proposal)
    if results is None:
        raise PermissionDenied
    return {
        "n_submitted": results.n_submitted,
        "potential": results.potential,
        "complexity": results.complexity,
        "suggested_track": results.suggested_track,
        "spread": [
            {
                "criterion": s.criterion.pk,
                "n": s.n,
                "minimum": s.minimum,
                "maximum": s.maximum,
                "mean": s.mean,
                "sd": s.sd,
                "large": s.large,
            }
            for s in results.spread
        ],
    }
