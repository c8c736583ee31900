"""The potential × complexity matrix: every assessed proposal with its suggested track,
shared by every reader but for the blind rule."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from nytte.core.actors import Actor
from nytte.core.models import Programme
from nytte.core.permissions import Action, can
from nytte.core.registercache import PIPELINE, cached_for_register

from ..choices import Stage, Track
from ..models import Assessment, Proposal, Score
from .selectors import criteria_for, results_from


@dataclass
class MatrixPoint:
    """One assessed proposal in the potential × complexity matrix."""

    proposal: Proposal
    potential: float | None
    complexity: float | None
    n_submitted: int
    suggested_track: str | None

    @property
    def suggested_label(self) -> Any:
        return Track(self.suggested_track).label if self.suggested_track else ""

    @property
    def placed(self) -> bool:
        return self.potential is not None and self.complexity is not None


def matrix_points(*, user: Actor, programme: Programme) -> list[MatrixPoint]:
    """Every proposal of the programme with at least one submitted assessment (merged and
    rejected ones left out), highest potential first; a proposal the user is asked to assess
    and has not submitted is left out too (the blind rule).

    The whole matrix is the same for every reader, so it is computed once per version of
    the pipeline and shared (``registercache``); only the blind rule is applied per user (one
    query, none for facilitators). Keeping a copy per user instead had every viewer compute
    their own after every change."""
    points = shared_matrix(programme)
    if can(user, Action.FACILITATE, programme) or not getattr(user, "is_authenticated", False):
        return points
    hidden = set(
        Assessment.objects.filter(
            proposal__programme=programme, assessor=user, submitted_at__isnull=True
        ).values_list("proposal_id", flat=True)
    )
    return [p for p in points if p.proposal.pk not in hidden] if hidden else points


def shared_matrix(programme: Programme) -> list[MatrixPoint]:
    """The matrix as a facilitator sees it, cached under the pipeline's version. It holds no
    text (labels are looked up as it is shown), so one copy serves every language; it is
    also what ``nytte worker`` warms after a change (``registercache.register_warmer``)."""
    return cached_for_register(
        programme,
        "proposals-matrix",
        compute=lambda: _all_matrix_points(programme),
        reads=PIPELINE,
        by_language=False,
    )


def _all_matrix_points(programme: Programme) -> list[MatrixPoint]:
    """The matrix as a facilitator sees it. A fixed number of queries."""
    criteria = criteria_for(programme=programme)
    rows = list(
        Score.objects.filter(
            assessment__proposal__programme=programme,
            assessment__submitted_at__isnull=False,
        )
        .exclude(assessment__proposal__stage__in=[Stage.MERGED, Stage.REJECTED])
        .values_list("assessment__proposal_id", "assessment_id", "criterion_id", "value")
    )
    by_proposal: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for proposal_id, *rest in rows:
        by_proposal[proposal_id].append(tuple(rest))  # type: ignore[arg-type]
    proposals = Proposal.objects.filter(pk__in=list(by_proposal)).select_related("programme")
    points = []
    for proposal in proposals:
        results = results_from(criteria, by_proposal[proposal.pk], with_spread=False)
        points.append(
            MatrixPoint(
                proposal=proposal,
                potential=results.potential,
                complexity=results.complexity,
                n_submitted=results.n_submitted,
                suggested_track=results.suggested_track,
            )
        )
    points.sort(
        key=lambda p: (
            -(p.potential if p.potential is not None else -1),
            p.complexity if p.complexity is not None else 101,
            p.proposal.number,
        )
    )
    return points
