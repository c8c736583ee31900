"""Step 3 — assess innovation potential against complexity.

Criteria per programme in two dimensions, each with a described scale and a weight (set
directly, or derived by pairwise comparison with ``ahp.py``); several assessors who score
blind; the spread per criterion; the aggregate per dimension in 0–100; and the matrix that
suggests a track. Services (writes) and selectors (reads) live together here because the
blind rule binds both, and pages, API and exports must all go through it.

The blind rule (``visible_assessment_queryset`` is the one place it is written):

* the facilitator (Action.FACILITATE) sees every assessment, drafts included;
* an assessor sees their own assessment, and the other assessors' *submitted* ones only
  once they have submitted their own;
* an assessor who has not submitted sees no result at all for that proposal: no aggregate,
  no spread, no point in the matrix (``may_see_results``);
* everyone else with a role in the programme sees the aggregate once at least one
  assessment is submitted, never individual scores.

Submitting is final for the assessor; only the facilitator can reopen a submitted
assessment (``assessment_reopen``), which the change log records.

Scores and comments never go into the generic change log: the programme page shows recent
changes to every member, which would break the blind rule. Submitting writes a domain event
without the scores.

The aggregate: each score is normalised to 0–1 on its criterion's scale
((value − lowest step) / (highest − lowest)), averaged over the submitted assessments, and
weighted within its dimension by the criteria's weights normalised to sum to 1 (criteria
nobody scored yet are left out; if every weight is 0 the criteria count equally). Times 100
that gives potential and complexity in 0–100. A dimension is *high* at 50 or more
(``TRACK_THRESHOLD``), which places the proposal in a quadrant and suggests a track.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nytte.core import history
from nytte.core.actors import SYSTEM, Actor
from nytte.core.choices import Role
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, check, programme_ids_for, restrict
from nytte.core.services import object_create, object_delete, object_update

from . import ahp
from .choices import OPEN_STAGES, Dimension, EventKind, Stage, Track
from .defaults import DEFAULT_CRITERIA
from .models import Assessment, Criterion, PairwiseJudgement, Proposal, ProposalEvent, Score
from .services.capture import user_or_none

# A dimension scores "high" from this value (of 0–100) upwards.
TRACK_THRESHOLD = 50.0
# Assessors disagree "a lot" on a criterion when their scores span at least this share of
# its scale (on a 1–5 scale: two steps or more, e.g. 2 and 4).
DISAGREEMENT_SHARE = 0.5
# Saaty's scale, as the fractions a judgement may take: 1/9, 1/8, …, 1/2, 1, 2, …, 9.
SAATY_SCALE: tuple[Fraction, ...] = tuple(
    [Fraction(1, k) for k in range(9, 1, -1)] + [Fraction(k) for k in range(1, 10)]
)
MIN_SCALE_STEPS = 2
MAX_SCALE_STEPS = 10

# The quadrant each (potential high?, complexity high?) falls in, and the track it suggests.
QUADRANT_TRACK: dict[tuple[bool, bool], str] = {
    (True, False): Track.QUICK_WIN,
    (True, True): Track.STRATEGIC,
    (False, False): Track.PILOT,
    (False, True): Track.PARK,
}


# ---------------------------------------------------------------------------------------------
# Pure arithmetic (no database)


def normalise(value: float, scale_values: Sequence[int]) -> float:
    """A score as 0–1 on its criterion's scale: the lowest step is 0, the highest 1."""
    low, high = min(scale_values), max(scale_values)
    if high == low:
        return 0.0
    return (value - low) / (high - low)


@dataclass(frozen=True)
class Spread:
    """How the submitted scores on one criterion are spread: disagreement is information."""

    criterion: Criterion
    values: tuple[int, ...]
    minimum: int | None
    maximum: int | None
    mean: float | None
    sd: float | None  # population standard deviation of the assessors' scores
    large: bool

    @property
    def n(self) -> int:
        return len(self.values)


def spread(criterion: Criterion, values: Iterable[int]) -> Spread:
    """Min, max, mean and (population) standard deviation of the scores; ``large`` when they
    span at least ``DISAGREEMENT_SHARE`` of the criterion's scale."""
    vals = tuple(sorted(values))
    if not vals:
        return Spread(criterion, vals, None, None, None, None, False)
    steps = criterion.scale_values
    span = max(steps) - min(steps)
    large = len(vals) > 1 and span > 0 and (vals[-1] - vals[0]) >= DISAGREEMENT_SHARE * span
    return Spread(
        criterion=criterion,
        values=vals,
        minimum=vals[0],
        maximum=vals[-1],
        mean=statistics.fmean(vals),
        sd=statistics.pstdev(vals),
        large=large,
    )


def dimension_score(
    criteria: Sequence[Criterion], values_by_criterion: Mapping[int, Sequence[int]]
) -> float | None:
    """Weighted score of one dimension in 0–100, or None when nothing is scored.

    ``values_by_criterion`` holds each criterion's scores from the submitted assessments;
    criteria without scores are left out and the weights of the rest are normalised to 1.
    """
    terms: list[tuple[float, float]] = []
    for criterion in criteria:
        values = values_by_criterion.get(criterion.pk) or ()
        if not values:
            continue
        steps = criterion.scale_values
        mean = statistics.fmean(normalise(v, steps) for v in values)
        terms.append((float(criterion.weight), mean))
    if not terms:
        return None
    total = sum(weight for weight, _mean in terms)
    if total <= 0:  # every weight 0: count the criteria equally
        terms = [(1.0, mean) for _weight, mean in terms]
        total = float(len(terms))
    return 100.0 * sum(weight * mean for weight, mean in terms) / total


def suggested_track(potential: float | None, complexity: float | None) -> str | None:
    """The track the quadrant suggests; a dimension is high at ``TRACK_THRESHOLD`` or above."""
    if potential is None or complexity is None:
        return None
    return QUADRANT_TRACK[(potential >= TRACK_THRESHOLD, complexity >= TRACK_THRESHOLD)]


def as_saaty(value: float) -> Fraction:
    """The step of Saaty's scale nearest to ``value`` (compared on a log scale)."""
    value = min(max(value, 1 / 9), 9.0)
    return min(SAATY_SCALE, key=lambda step: abs(math.log(value) - math.log(float(step))))


def saaty_text(value: float | Fraction) -> str:
    """A judgement as people write it: "3", "1/5"."""
    step = as_saaty(float(value))
    return str(step.numerator) if step.denominator == 1 else f"1/{step.denominator}"


@dataclass(frozen=True)
class Contradiction:
    """The judgement that fits the derived weights worst, and what the others imply."""

    first: int  # indices into the criteria compared
    second: int
    error: float  # |ln(a_ij · w_j / w_i)|
    given: float
    implied: float | None  # from the paths through the other criteria (geometric mean)


def most_contradictory(
    matrix: np.ndarray, weights: Sequence[float], *, tolerance: float = 1e-6
) -> Contradiction | None:
    """The pair (i, j) with the largest |ln(a_ij · w_j / w_i)|, if one stands out.

    With three criteria the errors of the three judgements are always equal (a single cycle
    A > B > C > A), so no one judgement can be blamed; None then. ``implied`` is the
    geometric mean of a_ik · a_kj over the other criteria k: what the rest of the judgements
    say a_ij should be.
    """
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0]
    errors = sorted(
        (
            (abs(math.log(a[i, j] * weights[j] / weights[i])), i, j)
            for i in range(n)
            for j in range(i + 1, n)
        ),
        reverse=True,
    )
    if not errors or errors[0][0] <= tolerance:
        return None
    if len(errors) > 1 and errors[0][0] - errors[1][0] <= tolerance * max(1.0, errors[0][0]):
        return None
    error, i, j = errors[0]
    others = [k for k in range(n) if k not in (i, j)]
    implied = (
        float(np.exp(np.mean([math.log(a[i, k] * a[k, j]) for k in others]))) if others else None
    )
    return Contradiction(first=i, second=j, error=error, given=float(a[i, j]), implied=implied)


# ---------------------------------------------------------------------------------------------
# Default criteria (defaults.DEFAULT_CRITERIA), created with the programme


@transaction.atomic
def criteria_ensure_defaults(*, programme: Programme, acting_user: Actor = SYSTEM) -> bool:
    """Give a programme without criteria the default ones; True if they were created.

    Called when a programme is created (the ``programme_created`` signal) and by the data
    migration for programmes that existed before; never on a page view. A dimension can
    never lose its last criterion (``criterion_delete``). Texts are stored in the site's
    language, since everyone in the programme reads them.
    """
    if Criterion.objects.filter(programme=programme).exists():
        return False
    order: dict[str, int] = defaultdict(int)
    with translation.override(settings.LANGUAGE_CODE):
        for dimension, name, description, steps in DEFAULT_CRITERIA:
            order[dimension] += 1
            object_create(
                Criterion(
                    programme=programme,
                    dimension=dimension,
                    name=str(name),
                    description=str(description),
                    scale=[{"value": value, "label": str(label)} for value, label in steps],
                    weight=Decimal(1),
                    order=order[dimension],
                ),
                acting_user=acting_user,
            )
    return True


# ---------------------------------------------------------------------------------------------
# Selectors: criteria and weights


def criteria_for(*, programme: Programme) -> list[Criterion]:
    """The programme's criteria, potential first, each dimension in its order (one query;
    a read never creates anything)."""
    criteria = list(Criterion.objects.filter(programme=programme).order_by("order", "pk"))
    rank = {value: k for k, value in enumerate(Dimension.values)}
    return sorted(criteria, key=lambda c: (rank.get(c.dimension, 99), c.order, c.pk))


@dataclass
class DimensionCriteria:
    """One dimension's criteria with their weights normalised to shares of 1."""

    dimension: str
    label: Any
    criteria: list[Criterion]

    @property
    def total_weight(self) -> Decimal:
        return sum((c.weight for c in self.criteria), Decimal(0))

    def share(self, criterion: Criterion) -> float:
        total = self.total_weight
        if total <= 0:
            return 1 / len(self.criteria) if self.criteria else 0.0
        return float(criterion.weight / total)


def by_dimension(criteria: Sequence[Criterion]) -> list[DimensionCriteria]:
    groups = [DimensionCriteria(value, label, []) for value, label in Dimension.choices]
    index = {group.dimension: group for group in groups}
    for criterion in criteria:
        index[criterion.dimension].criteria.append(criterion)
    for group in groups:
        for criterion in group.criteria:
            criterion.share = group.share(criterion)  # shown as a percentage
    return groups


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


def visible_assessment_queryset(user: Any) -> QuerySet[Assessment]:
    """Every assessment ``user`` may read, with its scores and comments — THE blind rule.

    Facilitators: all of their programmes' assessments, drafts included. Anyone else: their
    own, and other people's submitted assessments of proposals they have submitted their own
    assessment of. Nobody sees anything in programmes where they have no role.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Assessment.objects.none()
    base = restrict(Assessment.objects.all(), user, Action.VIEW, field="proposal__programme")
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


def visible_assessments(user: Any, proposal: Proposal) -> list[Assessment]:
    """The assessments of one proposal that ``user`` may read, with assessor and scores
    (``assessment.scores.all()`` is prefetched: three queries in all)."""
    return list(
        visible_assessment_queryset(user)
        .filter(proposal=proposal)
        .select_related("assessor")
        .prefetch_related("scores")
        .order_by("created_at", "pk")
    )


def visible_scores(user: Any, proposal: Proposal) -> QuerySet[Score]:
    """The individual scores of one proposal that ``user`` may read (the blind rule)."""
    return Score.objects.filter(
        assessment__in=visible_assessment_queryset(user).filter(proposal=proposal)
    ).select_related("assessment__assessor", "criterion")


def _own_assessment(user: Any, proposal: Proposal) -> Assessment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Assessment.objects.filter(proposal=proposal, assessor=user).first()


def _sees_results(facilitator: bool, own: Assessment | None) -> bool:
    return facilitator or own is None or own.submitted


def _sees_scores(facilitator: bool, own: Assessment | None) -> bool:
    return facilitator or (own is not None and own.submitted)


def may_see_results(user: Any, proposal: Proposal) -> bool:
    """Aggregate, spread and matrix point: everyone in the programme except an assessor of
    this proposal who has not submitted yet."""
    if not can(user, Action.VIEW, proposal):
        return False
    facilitator = can(user, Action.FACILITATE, proposal)
    return facilitator or _sees_results(False, _own_assessment(user, proposal))


def may_see_scores(user: Any, proposal: Proposal) -> bool:
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
    user: Any, proposal: Proposal, *, criteria: Sequence[Criterion] | None = None
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
    user: Any, proposal: Proposal, *, today: dt.date | None = None
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


def matrix_points(*, user: Any, programme: Programme) -> list[MatrixPoint]:
    """Every proposal of the programme with at least one submitted assessment (merged and
    rejected ones left out), highest potential first; a proposal the user is asked to assess
    and has not submitted is left out too (the blind rule). A fixed number of queries."""
    criteria = criteria_for(programme=programme)
    facilitator = can(user, Action.FACILITATE, programme)
    hidden: set[int] = set()
    if not facilitator and getattr(user, "is_authenticated", False):
        hidden = set(
            Assessment.objects.filter(
                proposal__programme=programme, assessor=user, submitted_at__isnull=True
            ).values_list("proposal_id", flat=True)
        )
    rows = list(
        Score.objects.filter(
            assessment__proposal__programme=programme,
            assessment__submitted_at__isnull=False,
        )
        .exclude(assessment__proposal__stage__in=[Stage.MERGED, Stage.REJECTED])
        .exclude(assessment__proposal_id__in=hidden)
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


def assessments_awaiting(*, user: Any) -> QuerySet[Assessment]:
    """What awaits ``user``'s scores: their unsubmitted assessments of open proposals."""
    if not getattr(user, "is_authenticated", False):
        return Assessment.objects.none()
    return (
        restrict(Assessment.objects.all(), user, Action.VIEW, field="proposal__programme")
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


def assessor_candidates(*, proposal: Proposal) -> list[Any]:
    """Programme members who can be asked: not yet asked, and not facilitators (who see every
    score and so cannot assess blind). One query, plus one for those already asked."""
    facilitating = {Role.FACILITATOR, Role.PROGRAMME_ADMIN}
    asked = set(Assessment.objects.filter(proposal=proposal).values_list("assessor_id", flat=True))
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


# ---------------------------------------------------------------------------------------------
# Services: criteria and weights


def _clean_scale(scale: Any) -> list[dict[str, Any]]:
    """A scale as stored: [{"value": 1, "label": "…"}, …], values rising, every step
    described, 2–10 steps."""
    if not isinstance(scale, list | tuple):
        raise ValidationError({"scale": _("Give the scale as a list of described steps.")})
    steps = []
    for step in scale:
        try:
            value = int(step["value"])
            label = str(step["label"]).strip()
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(
                {"scale": _("Each step needs a whole-number value and a description.")}
            ) from exc
        if not label:
            raise ValidationError({"scale": _("Describe every step of the scale.")})
        steps.append({"value": value, "label": label[:200]})
    if not MIN_SCALE_STEPS <= len(steps) <= MAX_SCALE_STEPS:
        raise ValidationError(
            {
                "scale": _("A scale has from %(min)s to %(max)s steps.")
                % {"min": MIN_SCALE_STEPS, "max": MAX_SCALE_STEPS}
            }
        )
    values = [step["value"] for step in steps]
    if any(b <= a for a, b in itertools.pairwise(values)):
        raise ValidationError({"scale": _("The steps must rise from the lowest to the highest.")})
    return steps


CRITERION_FIELDS = ("name", "description", "scale", "weight", "order")


@transaction.atomic
def criterion_create(
    *, programme: Programme, dimension: str, data: Mapping[str, Any], acting_user: Actor
) -> Criterion:
    """A new criterion at the end of its dimension."""
    check(acting_user, Action.FACILITATE, programme)
    if dimension not in Dimension.values:
        raise ValidationError({"dimension": _("Choose a dimension.")})
    fields = {k: v for k, v in data.items() if k in CRITERION_FIELDS}
    fields["scale"] = _clean_scale(fields.get("scale") or [])
    if fields.get("order") is None:
        last = Criterion.objects.filter(programme=programme, dimension=dimension).aggregate(
            n=Max("order")
        )["n"]
        fields["order"] = (last or 0) + 1
    criterion = Criterion(programme=programme, dimension=dimension, **fields)
    return object_create(criterion, acting_user=acting_user)


@transaction.atomic
def criterion_update(
    *, criterion: Criterion, data: Mapping[str, Any], acting_user: Actor
) -> Criterion:
    """Rename, describe, rescale or reweight a criterion. Once it has scores, its steps keep
    their values (their descriptions may change), so no score falls off its scale."""
    check(acting_user, Action.FACILITATE, criterion)
    fields = {k: v for k, v in data.items() if k in CRITERION_FIELDS}
    if "scale" in fields:
        fields["scale"] = _clean_scale(fields["scale"])
        new_values = [step["value"] for step in fields["scale"]]
        if new_values != criterion.scale_values and criterion.scores.exists():
            raise ValidationError(
                {
                    "scale": _(
                        "This criterion has scores, so its steps must keep their values; "
                        "you can change their descriptions."
                    )
                }
            )
    return object_update(criterion, acting_user=acting_user, data=fields)


@transaction.atomic
def criterion_delete(*, criterion: Criterion, acting_user: Actor) -> None:
    """Delete a criterion nobody has scored; a dimension keeps at least one criterion."""
    check(acting_user, Action.FACILITATE, criterion)
    if criterion.scores.exists():
        raise ValidationError(
            _("“%(name)s” has scores and cannot be deleted; give it weight 0 instead.")
            % {"name": criterion.name}
        )
    siblings = Criterion.objects.filter(
        programme_id=criterion.programme_id, dimension=criterion.dimension
    ).exclude(pk=criterion.pk)
    if not siblings.exists():
        raise ValidationError(
            _("%(dimension)s needs at least one criterion.")
            % {"dimension": Dimension(criterion.dimension).label}
        )
    object_delete(criterion, acting_user=acting_user)


@transaction.atomic
def criteria_weights_set(
    *, programme: Programme, weights: Mapping[int, Decimal | float | int], acting_user: Actor
) -> list[Criterion]:
    """Set weights directly: ``weights`` maps criterion ids to numbers ≥ 0; each dimension
    touched must keep a weight above 0."""
    check(acting_user, Action.FACILITATE, programme)
    criteria = {c.pk: c for c in Criterion.objects.filter(programme=programme)}
    unknown = set(weights) - set(criteria)
    if unknown:
        raise ValidationError(_("Those criteria do not belong to this programme."))
    new = {pk: Decimal(str(value)) for pk, value in weights.items()}
    errors: dict[str, list[str]] = {}
    for pk, value in new.items():
        if value < 0:
            errors[str(pk)] = [_("A weight cannot be negative.")]
    for dimension in {criteria[pk].dimension for pk in new}:
        total = sum(new.get(c.pk, c.weight) for c in criteria.values() if c.dimension == dimension)
        if total <= 0:
            errors.setdefault("__all__", []).append(
                _("Give at least one criterion of %(dimension)s a weight above 0.")
                % {"dimension": Dimension(dimension).label}
            )
    if errors:
        raise ValidationError(errors)
    changed = []
    for pk, value in new.items():
        criterion = criteria[pk]
        if criterion.weight != value:
            object_update(criterion, acting_user=acting_user, data={"weight": value})
            changed.append(criterion)
    return changed


def _saaty_value(value: Any) -> Fraction:
    """A judgement as a step of Saaty's scale: "1/3", 0.3333… and Fraction(1, 3) all work."""
    try:
        fraction = Fraction(str(value)).limit_denominator(9)
    except (ValueError, ZeroDivisionError) as exc:
        raise ValidationError(_("A judgement must be on Saaty's scale, 1/9 to 9.")) from exc
    if fraction not in SAATY_SCALE:
        raise ValidationError(_("A judgement must be on Saaty's scale, 1/9 to 9."))
    return fraction


@transaction.atomic
def pairwise_save(
    *,
    programme: Programme,
    dimension: str,
    judgements: Mapping[tuple[int, int], Any],
    acting_user: Actor,
) -> PairwiseState:
    """Store pairwise judgements for one dimension and give its criteria the weights they
    derive (AHP, principal eigenvector; rounded to 4 decimals).

    ``judgements`` maps (first criterion id, second criterion id) to how much more important
    the first is, on Saaty's scale (1/9 … 9; "1/3" or 0.333… both work). Pairs not given keep
    their stored judgement, or count as equal. The weights are saved even when the
    consistency ratio is above 0.10; the returned state says so, and which judgement
    contradicts the others most, so the facilitator can revisit it.
    """
    check(acting_user, Action.FACILITATE, programme)
    members = [c for c in criteria_for(programme=programme) if c.dimension == dimension]
    if dimension not in Dimension.values or len(members) < 2:
        raise ValidationError(_("Pairwise comparison needs at least two criteria."))
    ids = {c.pk for c in members}
    rank = {c.pk: k for k, c in enumerate(members)}
    wanted: dict[tuple[int, int], Fraction] = {}
    for (first, second), raw in judgements.items():
        first_id, second_id = getattr(first, "pk", first), getattr(second, "pk", second)
        if first_id not in ids or second_id not in ids or first_id == second_id:
            raise ValidationError(_("Compare two different criteria of the same dimension."))
        value = _saaty_value(raw)
        if rank[first_id] > rank[second_id]:  # store in the criteria's order
            first_id, second_id, value = second_id, first_id, 1 / value
        wanted[(first_id, second_id)] = value
    existing = {
        (j.first_id, j.second_id): j
        for j in PairwiseJudgement.objects.filter(first_id__in=ids, second_id__in=ids)
    }
    for (first_id, second_id), fraction in wanted.items():
        value = float(fraction)
        reverse_pair = existing.pop((second_id, first_id), None)
        if reverse_pair is not None:  # stored the other way round earlier
            object_delete(reverse_pair, acting_user=acting_user)
        judgement = existing.get((first_id, second_id))
        if judgement is None:
            object_create(
                PairwiseJudgement(first_id=first_id, second_id=second_id, value=value),
                acting_user=acting_user,
            )
        elif not math.isclose(judgement.value, value):
            object_update(judgement, acting_user=acting_user, data={"value": value})
    state = pairwise_states(programme=programme, criteria=members)[dimension]
    if state.result is not None:
        for criterion, weight in state.weights:
            rounded = Decimal(str(round(weight, 4)))
            if criterion.weight != rounded:
                object_update(criterion, acting_user=acting_user, data={"weight": rounded})
    return state


# ---------------------------------------------------------------------------------------------
# Services: assessors and their scores


def _notify_asked(assessment: Assessment) -> None:
    """Tell the assessor, after commit, what to assess, by when, and where."""
    email = assessment.assessor.email
    if not email:
        return
    proposal = assessment.proposal
    url = settings.BASE_URL + reverse(
        "proposals:assess", kwargs={"slug": proposal.programme.slug, "number": proposal.number}
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Please assess %(ref)s") % {"ref": proposal.reference}
        body = _(
            "You have been asked to assess the proposal “%(title)s” in %(programme)s.\n\n"
            "Your scores are your own: you see the other assessors' scores once you have "
            "submitted yours.\n\n%(url)s\n"
        ) % {"title": proposal.title, "programme": proposal.programme.name, "url": url}
        if assessment.due:
            body += "\n" + _("Due: %(due)s") % {"due": assessment.due.isoformat()}
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=True)
    )


@transaction.atomic
def assessor_request(
    *, proposal: Proposal, assessor: Any, due: dt.date | None = None, acting_user: Actor
) -> Assessment:
    """The facilitator asks a programme member to assess a proposal (by ``due``).

    A facilitator cannot be asked: they see every score, so could not assess blind.
    """
    check(acting_user, Action.FACILITATE, proposal)
    if proposal.stage not in OPEN_STAGES:
        raise ValidationError(
            _("A proposal that is %(stage)s is not assessed.")
            % {"stage": Stage(proposal.stage).label.lower()}
        )
    if not can(assessor, Action.VIEW, proposal):
        raise ValidationError({"assessor": _("Only members of the programme can assess.")})
    if can(assessor, Action.FACILITATE, proposal):
        raise ValidationError(
            {
                "assessor": _(
                    "A facilitator sees every score, so cannot assess blind; ask someone else."
                )
            }
        )
    if Assessment.objects.filter(proposal=proposal, assessor=assessor).exists():
        raise ValidationError({"assessor": _("This person is already asked.")})
    assessment = Assessment(
        proposal=proposal,
        assessor=assessor,
        due=due,
        requested_by=user_or_none(acting_user),
    )
    object_create(assessment, acting_user=acting_user)  # no scores yet: safe to log
    _notify_asked(assessment)
    return assessment


def _log_assessment(assessment: Assessment, acting_user: Actor, **before: Any) -> None:
    """Log a change of due date or submission. The change log never holds scores or the
    comment: the programme page shows recent changes to every member, and the blind rule
    forbids that (the comment is blanked on both sides, so it never shows in the diff)."""
    safe = copy.copy(assessment)
    safe.comment = ""
    history.log_update(safe, acting_user=acting_user, before=history.snapshot(safe) | before)


@transaction.atomic
def assessor_due_set(
    *, assessment: Assessment, due: dt.date | None, acting_user: Actor
) -> Assessment:
    """The facilitator moves an assessment's due date."""
    check(acting_user, Action.FACILITATE, assessment)
    before = {"due": assessment.due.isoformat() if assessment.due else None}
    Assessment.objects.filter(pk=assessment.pk).update(due=due)
    assessment.due = due
    _log_assessment(assessment, acting_user, **before)
    return assessment


@transaction.atomic
def assessor_remove(*, assessment: Assessment, acting_user: Actor) -> None:
    """Withdraw a request that is not submitted; a draft's scores go with it."""
    check(acting_user, Action.FACILITATE, assessment)
    if assessment.submitted:
        raise ValidationError(_("A submitted assessment cannot be withdrawn."))
    # Log without the draft's comment: a draft is nobody's business but the assessor's.
    assessment.comment = ""
    history.log_delete(assessment, acting_user=acting_user)
    assessment.delete()


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, acting_user: Actor) -> Assessment:
    """Only the facilitator can reopen a submitted assessment (say, a score given by
    mistake). The assessor is then blind again until they submit anew."""
    check(acting_user, Action.FACILITATE, assessment)
    if not assessment.submitted:
        raise ValidationError(_("The assessment is not submitted."))
    before = {"submitted_at": assessment.submitted_at.isoformat()}
    Assessment.objects.filter(pk=assessment.pk).update(submitted_at=None)
    assessment.submitted_at = None
    _log_assessment(assessment, acting_user, **before)
    return assessment


ScoreInput = tuple[int | None, str] | int | None


@transaction.atomic
def assessment_save(
    *,
    assessment: Assessment,
    scores: Mapping[int, ScoreInput],
    comment: str | None = None,
    submit: bool = False,
    acting_user: Actor,
) -> Assessment:
    """The assessor saves their scores as a draft or submits them.

    ``scores`` maps criterion ids to (value, comment) — or just the value; None removes a
    draft score. Values must be steps of the criterion's scale. Submitting needs a score on
    every criterion and is final (only the facilitator can reopen). Errors are keyed by the
    criterion's id.
    """
    check(acting_user, Action.VIEW, assessment)
    if assessment.assessor_id != acting_user.pk:
        raise PermissionDenied
    if assessment.submitted:
        raise ValidationError(_("You have submitted this assessment; it can no longer change."))
    proposal = assessment.proposal
    if proposal.stage not in OPEN_STAGES:
        raise ValidationError(
            _("A proposal that is %(stage)s is not assessed.")
            % {"stage": Stage(proposal.stage).label.lower()}
        )
    criteria = {c.pk: c for c in criteria_for(programme=proposal.programme)}
    existing = {s.criterion_id: s for s in Score.objects.filter(assessment=assessment)}
    errors: dict[str, list[str]] = {}
    to_create, to_update, to_delete = [], [], []
    for key, given in scores.items():
        criterion_id = getattr(key, "pk", key)
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise ValidationError(_("That criterion does not belong to this programme."))
        value, note = given if isinstance(given, tuple) else (given, "")
        note = (note or "").strip()[:500]
        score = existing.get(criterion_id)
        if value in (None, ""):
            if score is not None:
                to_delete.append(score.pk)
                del existing[criterion_id]
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value not in criterion.scale_values:
            errors[str(criterion_id)] = [_("Choose a step on the criterion's scale.")]
            continue
        if score is None:
            score = Score(assessment=assessment, criterion=criterion, value=value, comment=note)
            to_create.append(score)
            existing[criterion_id] = score
        elif (score.value, score.comment) != (value, note):
            score.value, score.comment = value, note
            to_update.append(score)
    if submit:
        for criterion_id in criteria:
            if criterion_id not in existing and str(criterion_id) not in errors:
                errors[str(criterion_id)] = [_("Score this criterion before you submit.")]
    if errors:
        raise ValidationError(errors)
    Score.objects.filter(pk__in=to_delete).delete()
    Score.objects.bulk_create(to_create)
    Score.objects.bulk_update(to_update, ["value", "comment"])
    if comment is not None:
        assessment.comment = comment.strip()
    if submit:
        assessment.submitted_at = timezone.now()
    Assessment.objects.filter(pk=assessment.pk).update(
        comment=assessment.comment, submitted_at=assessment.submitted_at
    )
    if submit:
        ProposalEvent.objects.create(
            proposal=proposal,
            kind=EventKind.ASSESSMENT_SUBMITTED,
            actor=acting_user,
            data={"assessment": assessment.pk},
        )
        _log_assessment(assessment, acting_user, submitted_at=None)
    return assessment
