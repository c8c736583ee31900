"""Step 3 — assess innovation potential against complexity.

Criteria per programme in two dimensions, each with a described scale and a weight (set
directly, or derived by pairwise comparison with ``ahp.py``); several assessors who score
blind; the spread per criterion; the aggregate per dimension in 0–100; and the matrix that
suggests a track. Pages, API and exports all go through this package, because the blind
rule binds both reads and writes.

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

The package: ``scoring`` (pure arithmetic), ``selectors`` (reads and the blind rule),
``services`` (writes). Everything is re-exported here.
"""

from .matrix import MatrixPoint, matrix_points
from .scoring import (
    DISAGREEMENT_SHARE,
    MAX_SCALE_STEPS,
    MIN_SCALE_STEPS,
    QUADRANT_TRACK,
    SAATY_SCALE,
    TRACK_THRESHOLD,
    Contradiction,
    DimensionCriteria,
    Spread,
    as_saaty,
    by_dimension,
    dimension_score,
    most_contradictory,
    normalise,
    saaty_text,
    spread,
    suggested_track,
)
from .selectors import (
    STATE_LABELS,
    AssessmentOverview,
    PairwiseState,
    Results,
    assessment_overview,
    assessment_state,
    assessments_awaiting,
    assessments_overdue,
    assessor_candidates,
    criteria_for,
    decorate_assessment,
    is_overdue,
    may_see_results,
    may_see_scores,
    pairwise_states,
    proposal_results,
    results_from,
    visible_assessment_queryset,
    visible_assessments,
    visible_scores,
)
from .services import (
    CRITERION_FIELDS,
    ScoreInput,
    assessment_reopen,
    assessment_save,
    assessor_due_set,
    assessor_remove,
    assessor_request,
    criteria_ensure_defaults,
    criteria_weights_set,
    criterion_create,
    criterion_delete,
    criterion_update,
    pairwise_save,
)

__all__ = [
    "CRITERION_FIELDS",
    "DISAGREEMENT_SHARE",
    "MAX_SCALE_STEPS",
    "MIN_SCALE_STEPS",
    "QUADRANT_TRACK",
    "SAATY_SCALE",
    "STATE_LABELS",
    "TRACK_THRESHOLD",
    "AssessmentOverview",
    "Contradiction",
    "DimensionCriteria",
    "MatrixPoint",
    "PairwiseState",
    "Results",
    "ScoreInput",
    "Spread",
    "as_saaty",
    "assessment_overview",
    "assessment_reopen",
    "assessment_save",
    "assessment_state",
    "assessments_awaiting",
    "assessments_overdue",
    "assessor_candidates",
    "assessor_due_set",
    "assessor_remove",
    "assessor_request",
    "by_dimension",
    "criteria_ensure_defaults",
    "criteria_for",
    "criteria_weights_set",
    "criterion_create",
    "criterion_delete",
    "criterion_update",
    "decorate_assessment",
    "dimension_score",
    "is_overdue",
    "matrix_points",
    "may_see_results",
    "may_see_scores",
    "most_contradictory",
    "normalise",
    "pairwise_save",
    "pairwise_states",
    "proposal_results",
    "results_from",
    "saaty_text",
    "spread",
    "suggested_track",
    "visible_assessment_queryset",
    "visible_assessments",
    "visible_scores",
]
