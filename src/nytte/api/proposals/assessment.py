"""Criteria and assessments over REST."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import paginate

from nytte.core.lookups import programme_or_404
from nytte.proposals import assessment
from nytte.proposals.models import (
    Assessment,
    Criterion,
    Proposal,
)

from ..common import Pagination
from ..proposals_schemas import (
    AssessmentIn,
    AssessmentOut,
    CriterionOut,
    ResultsOut,
)
from ..schemas import ERRORS
from .helpers import R, proposal_or_404

router = Router(tags=["proposals"])

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
@paginate(Pagination)
def criterion_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The programme's assessment criteria, innovation potential first, each with its
    described scale and weight."""
    programme = programme_or_404(request, slug)
    return [_criterion_out(c) for c in assessment.criteria_for(programme=programme)]


@router.get(R + "/assessments", response={200: list[AssessmentOut], **ERRORS})
@paginate(Pagination)
def assessment_list(request: HttpRequest, slug: str, number: int) -> list[dict[str, Any]]:
    """The assessments of the proposal the caller may read (the blind rule): the facilitator
    all of them; an assessor their own, and the others' submitted ones once they have
    submitted theirs; anyone else none."""
    proposal = proposal_or_404(request, slug, number)
    return [
        _assessment_out(a, proposal) for a in assessment.visible_assessments(request.user, proposal)
    ]


@router.get(R + "/assessment", response={200: AssessmentOut, **ERRORS})
def own_assessment(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    """The caller's own assessment (404 when they have not been asked)."""
    proposal = proposal_or_404(request, slug, number)
    return _assessment_out(_own(request, proposal), proposal)


@router.put(R + "/assessment", response={200: AssessmentOut, **ERRORS})
def own_assessment_save(
    request: HttpRequest, slug: str, number: int, payload: AssessmentIn
) -> dict[str, Any]:
    """Save scores as a draft (the scores sent; others are kept)."""
    return _save(request, proposal_or_404(request, slug, number), payload, submit=False)


@router.post(R + "/assessment/submit", response={200: AssessmentOut, **ERRORS})
def own_assessment_submit(
    request: HttpRequest, slug: str, number: int, payload: AssessmentIn
) -> dict[str, Any]:
    """Submit, with any last scores: every criterion must be scored. Final for the assessor
    (only the facilitator can reopen)."""
    return _save(request, proposal_or_404(request, slug, number), payload, submit=True)


@router.get(R + "/results", response={200: ResultsOut, **ERRORS})
def assessment_results(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    """Potential and complexity from the submitted assessments, and the suggested track;
    the spread per criterion only for those who may see scores. 403 for an assessor who
    has not submitted yet (they assess blind)."""
    proposal = proposal_or_404(request, slug, number)
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
