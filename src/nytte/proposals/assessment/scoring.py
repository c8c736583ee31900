"""Step 3's arithmetic, with no database: normalising scores, the spread per criterion, the
aggregate per dimension, the suggested track, and Saaty's scale for pairwise comparison
(see the package's docstring for the rules)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from ..choices import Dimension, Track
from ..models import Criterion

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
