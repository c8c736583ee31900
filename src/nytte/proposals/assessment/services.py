"""Step 3's writes: the default criteria, criteria and weights (directly or by pairwise
comparison), asking assessors, and assessors saving and submitting their scores. Each is
atomic and checks the actor's rights."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import math
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nytte.core import history
from nytte.core.actors import SYSTEM, Actor
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, check
from nytte.core.services import object_create, object_delete, object_update

from ..choices import OPEN_STAGES, Dimension, EventKind, Stage
from ..defaults import DEFAULT_CRITERIA
from ..models import Assessment, Criterion, PairwiseJudgement, Proposal, ProposalEvent, Score
from ..services.capture import user_or_none
from .scoring import (
    MAX_SCALE_STEPS,
    MIN_SCALE_STEPS,
    SAATY_SCALE,
)
from .selectors import (
    PairwiseState,
    criteria_for,
    pairwise_states,
)

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
