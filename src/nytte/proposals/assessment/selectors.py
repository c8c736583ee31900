"""Step 3's reads: criteria and weights, and assessments under the blind rule
(``visible_assessment_queryset`` is the one place it is written), results, the overview
and the work waiting for assessors (the matrix is in ``matrix.py``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from nytte.core.actors import Actor
from nytte.core.choices import Role
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, programme_ids_for

from .. import ahp
from ..choices import OPEN_STAGES, Dimension, Track
from ..models import Assessment, Criterion, PairwiseJudgement, Proposal, Score
from .scoring import (
    Contradiction,
    DimensionCriteria,
    Spread,
    by_dimension,
    dimension_score,
    most_contradictory,
    spread,
    suggested_track,
)

# ---------------------------------------------------------------------------------------------
# Selectors: criteria and weights


def criteria_for(*, programme: Programme) -> list[Criterion]:
    """The programme's criteria, potential first, each dimension in its order (one query;
    a read never creates anything)."""
    return in_dimension_order(Criterion.objects.filter(programme=programme))


def in_dimension_order(criteria: Iterable[Criterion]) -> list[Criterion]:
    """Potential first, each dimension in its order (criteria read along with something
    else are put in the order ``criteria_for`` gives)."""
    rank = {value: k for k, value in enumerate(Dimension.values)}
    return sorted(criteria, key=lambda c: (rank.get(c.dimension, 99), c.order, c.pk))


@dataclass
class PairwiseState:
    """The stored pairwise judgements of one dimension and what they give."""

    dimension: str
    criteria: list[Criterion]
    pairs: list[tuple[Criterion, Criterion, float | None]]  # first, second, stored value
    result: ahp.AHPResult | None
    contradiction: Contradiction | None
    complete: bool  # every pair has a stored judgement

    @property
    def weights(self) -> list[tuple[Criterion, float]]:
        if self.result is None:
            return []
        return list(zip(self.criteria, self.result.weights, strict=True))

    @property
    def contradiction_pair(self) -> tuple[Criterion, Criterion] | None:
        if self.contradiction is None:
            return None
        return self.criteria[self.contradiction.first], self.criteria[self.contradiction.second]


def pairwise_states(
    *, programme: Programme, criteria: Sequence[Criterion]
) -> dict[str, PairwiseState]:
    """Per dimension: every pair of criteria, the stored judgement of each, and the weights
    and consistency ratio they give (one query for all dimensions)."""
    stored: dict[tuple[int, int], float] = {}
    for first_id, second_id, value in PairwiseJudgement.objects.filter(
        first__programme=programme
    ).values_list("first_id", "second_id", "value"):
        stored[(first_id, second_id)] = value
    states = {}
    for group in by_dimension(criteria):
        members = group.criteria
        pairs: list[tuple[Criterion, Criterion, float | None]] = []
        judgements: dict[tuple[int, int], float] = {}
        for i, first in enumerate(members):
            for j in range(i + 1, len(members)):
                second = members[j]
                value = stored.get((first.pk, second.pk))
                if value is None and (second.pk, first.pk) in stored:
                    value = 1.0 / stored[(second.pk, first.pk)]
                pairs.append((first, second, value))
                if value is not None:
                    judgements[(i, j)] = value
        result = contradiction = None
        if len(members) >= 2 and judgements:
            matrix = ahp.matrix_from_judgements(len(members), judgements)
            result = ahp.weights(matrix)
            if not result.consistent:
                contradiction = most_contradictory(matrix, result.weights)
        states[group.dimension] = PairwiseState(
            dimension=group.dimension,
            criteria=members,
            pairs=pairs,
            result=result,
            contradiction=contradiction,
            complete=bool(pairs) and len(judgements) == len(pairs),
        )
    return states


# ---------------------------------------------------------------------------------------------
# Selectors: assessments and the blind rule


def visible_assessment_queryset(user: Actor) -> QuerySet[Assessment]:
    """Every assessment ``user`` may read, with its scores and comments — THE blind rule.

    Facilitators: all of their programmes' assessments, drafts included. Anyone else: their
    own, and other people's submitted assessments of proposals they have submitted their own
    assessment of. Nobody sees anything in programmes where they have no role.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Assessment.objects.none()
    base = Assessment.objects.for_user(user, Action.VIEW)
    facilitated = programme_ids_for(user, Action.FACILITATE)
    if facilitated is None:  # superuser
        return base
    submitted_own = Assessment.objects.filter(
        proposal=OuterRef("proposal"), assessor=user, submitted_at__isnull=False
    )
    return base.filter(
        Q(proposal__programme__in=facilitated)
        | Q(assessor=user)
        | (Q(submitted_at__isnull=False) & Exists(submitted_own))
    )


def visible_assessments(user: Actor, proposal: Proposal) -> list[Assessment]:
    """The assessments of one proposal that ``user`` may read, with assessor and scores
    (``assessment.scores.all()`` is prefetched: three queries in all)."""
    return list(
        visible_assessment_queryset(user)
        .filter(proposal=proposal)
        .select_related("assessor")
        .prefetch_related("scores")
        .order_by("created_at", "pk")
    )


def visible_scores(user: Actor, proposal: Proposal) -> QuerySet[Score]:
    """The individual scores of one proposal that ``user`` may read (the blind rule)."""
    return Score.objects.filter(
        assessment__in=visible_assessment_queryset(user).filter(proposal=proposal)
    ).select_related("assessment__assessor", "criterion")


def _own_assessment(user: Actor, proposal: Proposal) -> Assessment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Assessment.objects.filter(proposal=proposal, assessor=user).first()


def _sees_results(facilitator: bool, own: Assessment | None) -> bool:
    return facilitator or own is None or own.submitted


def _sees_scores(facilitator: bool, own: Assessment | None) -> bool:
    return facilitator or (own is not None and own.submitted)


def may_see_results(user: Actor, proposal: Proposal) -> bool:
    """Aggregate, spread and matrix point: everyone in the programme except an assessor of
    this proposal who has not submitted yet."""
    if not can(user, Action.VIEW, proposal):
        return False
    facilitator = can(user, Action.FACILITATE, proposal)
    return facilitator or _sees_results(False, _own_assessment(user, proposal))


def may_see_scores(user: Actor, proposal: Proposal) -> bool:
    """Individual scores and their spread: the facilitator, and assessors who submitted."""
    if not can(user, Action.VIEW, proposal):
        return False
    facilitator = can(user, Action.FACILITATE, proposal)
    return facilitator or _sees_scores(False, _own_assessment(user, proposal))


def assessment_state(assessment: Assessment) -> str:
    """asked (nothing written yet), draft or submitted."""
    if assessment.submitted:
        return "submitted"
    if assessment.comment or assessment.scores.all():
        return "draft"
    return "asked"


STATE_LABELS = {
    "asked": gettext_lazy("Asked"),
    "draft": gettext_lazy("Draft"),
    "submitted": gettext_lazy("Submitted"),
}


def is_overdue(assessment: Assessment, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return not assessment.submitted and assessment.due is not None and assessment.due < today


def decorate_assessment(assessment: Assessment, today: dt.date | None = None) -> Assessment:
    """Give an assessment (with its scores prefetched) what pages show: ``state``,
    ``state_label``, ``overdue`` and ``score_map`` (criterion id → score)."""
    today = today or timezone.localdate()
    assessment.state = assessment_state(assessment)
    assessment.state_label = STATE_LABELS[assessment.state]
    assessment.overdue = is_overdue(assessment, today)
    assessment.score_map = {score.criterion_id: score for score in assessment.scores.all()}
    return assessment


@dataclass
class Results:
    """What the submitted assessments of one proposal add up to."""

    n_submitted: int
    potential: float | None
    complexity: float | None
    suggested_track: str | None
    spread: list[Spread] = field(default_factory=list)  # only for those who see scores

    @property
    def suggested_label(self) -> Any:
        return Track(self.suggested_track).label if self.suggested_track else ""


def _values_by_criterion(
    rows: Iterable[tuple[int, int, int]],
) -> dict[int, list[int]]:
    values: dict[int, list[int]] = defaultdict(list)
    for _assessment_id, criterion_id, value in rows:
        values[criterion_id].append(value)
    return values


def results_from(
    criteria: Sequence[Criterion], rows: Sequence[tuple[int, int, int]], *, with_spread: bool
) -> Results:
    """Aggregate (and spread) from the submitted scores as (assessment, criterion, value)."""
    values = _values_by_criterion(rows)
    groups = {group.dimension: group.criteria for group in by_dimension(criteria)}
    potential = dimension_score(groups[Dimension.POTENTIAL], values)
    complexity = dimension_score(groups[Dimension.COMPLEXITY], values)
    return Results(
        n_submitted=len({assessment_id for assessment_id, _c, _v in rows}),
        potential=potential,
        complexity=complexity,
        suggested_track=suggested_track(potential, complexity),
        spread=[spread(c, values.get(c.pk, ())) for c in criteria] if with_spread else [],
    )


def _submitted_rows(proposal_ids: Iterable[int]) -> list[tuple[int, int, int, int]]:
    """(proposal, assessment, criterion, value) of every submitted score: one query."""
    return list(
        Score.objects.filter(
            assessment__proposal_id__in=list(proposal_ids),
            assessment__submitted_at__isnull=False,
        ).values_list("assessment__proposal_id", "assessment_id", "criterion_id", "value")
    )


def proposal_results(
    user: Actor, proposal: Proposal, *, criteria: Sequence[Criterion] | None = None
) -> Results | None:
    """The aggregate (and, for those who may see scores, the spread) of one proposal; None
    when ``user`` may not see it (an assessor who has not submitted, or no role). For the
    API; the tab uses ``assessment_overview``."""
    if not can(user, Action.VIEW, proposal):
        return None
    facilitator = can(user, Action.FACILITATE, proposal)
    own = _own_assessment(user, proposal)
    if not _sees_results(facilitator, own):
        return None
    if criteria is None:
        criteria = criteria_for(programme=proposal.programme)
    rows = [row[1:] for row in _submitted_rows([proposal.pk])]
    return results_from(criteria, rows, with_spread=_sees_scores(facilitator, own))


@dataclass
class AssessmentOverview:
    """Everything the assessment tab shows, already filtered by the blind rule."""

    criteria: list[Criterion]
    dimensions: list[DimensionCriteria]
    facilitator: bool
    own: Assessment | None
    assessments: list[Assessment]  # visible ones, decorated with state, overdue, score_map
    n_asked: int
    results: Results | None  # None: nothing submitted yet, or the user may not see it
    show_scores: bool
    hidden_until_submitted: bool  # the user is an assessor who has not submitted

    @property
    def score_rows(self) -> list[dict[str, Any]]:
        """One row per criterion: each visible assessment's score (or None), the spread."""
        spreads = {s.criterion.pk: s for s in (self.results.spread if self.results else [])}
        return [
            {
                "criterion": criterion,
                "cells": [a.score_map.get(criterion.pk) for a in self.assessments],
                "spread": spreads.get(criterion.pk),
            }
            for criterion in self.criteria
        ]


def assessment_overview(
    user: Actor, proposal: Proposal, *, today: dt.date | None = None
) -> AssessmentOverview:
    """The assessment tab of one proposal as ``user`` may see it, in a fixed number of
    queries however many assessors and criteria there are."""
    today = today or timezone.localdate()
    criteria = criteria_for(programme=proposal.programme)
    facilitator = can(user, Action.FACILITATE, proposal)
    visible = [decorate_assessment(a, today) for a in visible_assessments(user, proposal)]
    by_pk = {c.pk: c for c in criteria}
    for assessment in visible:
        for score in assessment.scores.all():
            if score.criterion_id in by_pk:  # so templates name it without a query
                score.criterion = by_pk[score.criterion_id]
    own = next((a for a in visible if a.assessor_id == user.pk), None)
    # Only the facilitator sees every request; others learn just how many there are.
    n_asked = len(visible) if facilitator else Assessment.objects.filter(proposal=proposal).count()
    show_results = _sees_results(facilitator, own)
    show_scores = _sees_scores(facilitator, own)
    results = None
    if show_results:
        if show_scores:  # then every submitted assessment is among the visible ones
            rows = [
                (a.pk, score.criterion_id, score.value)
                for a in visible
                if a.submitted
                for score in a.scores.all()
            ]
        else:
            rows = [row[1:] for row in _submitted_rows([proposal.pk])]
        if rows:
            results = results_from(criteria, rows, with_spread=show_scores)
    if not show_scores:
        visible = [a for a in visible if a.assessor_id == user.pk]
    return AssessmentOverview(
        criteria=criteria,
        dimensions=by_dimension(criteria),
        facilitator=facilitator,
        own=own,
        assessments=visible,
        n_asked=n_asked,
        results=results,
        show_scores=show_scores,
        hidden_until_submitted=bool(own) and not own.submitted and not facilitator,
    )


def assessments_awaiting(*, user: Actor) -> QuerySet[Assessment]:
    """What awaits ``user``'s scores: their unsubmitted assessments of open proposals."""
    if not getattr(user, "is_authenticated", False):
        return Assessment.objects.none()
    return (
        Assessment.objects.for_user(user, Action.VIEW)
        .filter(assessor=user, submitted_at__isnull=True, proposal__stage__in=OPEN_STAGES)
        .select_related("proposal", "proposal__programme")
        .order_by("due", "created_at")
    )


def assessments_overdue(
    *, programme: Programme, today: dt.date | None = None
) -> QuerySet[Assessment]:
    """Unsubmitted assessments past their due date (for the facilitator's work queue; only
    who and when, so no blind data)."""
    today = today or timezone.localdate()
    return (
        Assessment.objects.filter(
            proposal__programme=programme,
            submitted_at__isnull=True,
            due__lt=today,
            proposal__stage__in=OPEN_STAGES,
        )
        .select_related("proposal", "assessor")
        .order_by("due")
    )


def assessor_candidates(*, proposal: Proposal, asked: Iterable[int] | None = None) -> list[Any]:
    """Programme members who can be asked: not yet asked, and not facilitators (who see every
    score and so cannot assess blind). One query, plus one for those already asked unless
    ``asked`` gives their ids."""
    facilitating = {Role.FACILITATOR, Role.PROGRAMME_ADMIN}
    if asked is None:
        asked = Assessment.objects.filter(proposal=proposal).values_list("assessor_id", flat=True)
    asked = set(asked)
    roles: dict[int, set[str]] = defaultdict(set)
    users: dict[int, Any] = {}
    for membership in proposal.programme.memberships.select_related("user"):
        roles[membership.user_id].add(membership.role)
        users[membership.user_id] = membership.user
    candidates = [
        user
        for pk, user in users.items()
        if pk not in asked
        and user.is_active
        and not (roles[pk] & facilitating)
        and not user.is_superuser
    ]
    return sorted(candidates, key=lambda u: u.display_name.lower())
