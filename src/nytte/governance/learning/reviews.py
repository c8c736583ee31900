"""A decision's review: realised against expected benefits (the benefits register) and
costs (the cost lines of the initiatives it created or changed, against the costs of the
option it chose), and what the reviewer learned. A recorded review freezes the figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from nytte.core.actors import Actor, actor_user
from nytte.core.services import object_create
from nytte.portfolio.models import CostLine

from ..models import Decision, Review
from . import realised
from .common import FOLLOW_UP_ACTIONS, decision_initiative_ids, require_any


def option_costs(decision: Decision) -> dict[int, int]:
    """The chosen option's costs per year as the decision froze them (``inputs["options"]``),
    or the option's cost lines where the inputs do not hold them."""
    inputs = decision.inputs if isinstance(decision.inputs, dict) else {}
    frozen = next(
        (o for o in inputs.get("options") or [] if o.get("id") == decision.option_id), None
    )
    by_year: dict[int, int] = defaultdict(int)
    rows = frozen.get("costs") if isinstance(frozen, dict) else None
    if isinstance(rows, list):
        for row in rows:
            try:
                by_year[int(row["year"])] += int(row["amount"])
            except (KeyError, TypeError, ValueError):
                continue
        return dict(by_year)
    if decision.option_id:
        for row in decision.option.costs.values("year").annotate(total=Sum("amount")):
            by_year[row["year"]] += row["total"] or 0
    return dict(by_year)


def register_costs(initiative_ids: list[int]) -> dict[int, int]:
    rows = (
        CostLine.objects.filter(initiative__in=initiative_ids)
        .values("year")
        .annotate(total=Sum("likely"))
        .order_by()
    )
    return {r["year"]: r["total"] or 0 for r in rows}


def cost_figures(decision: Decision, initiative_ids: list[int]) -> dict[str, Any]:
    expected, actual = option_costs(decision), register_costs(initiative_ids)
    years = sorted(set(expected) | set(actual))
    total_expected, total_actual = sum(expected.values()), sum(actual.values())
    return {
        "by_year": [
            {"year": y, "expected": expected.get(y, 0), "actual": actual.get(y, 0)} for y in years
        ],
        "expected": total_expected,
        "actual": total_actual,
        "ratio": round(total_actual / total_expected, 3) if total_expected else None,
    }


def review_figures(decision: Decision, *, today: dt.date | None = None) -> dict[str, Any]:
    """Realised against expected, as JSON that a review freezes."""
    today = today or timezone.localdate()
    initiative_ids = decision_initiative_ids(decision)
    rows = realised.realisation_for(initiative_ids, today=today)
    return {
        "as_of": today.isoformat(),
        "initiatives": initiative_ids,
        "benefits": [r.as_dict() for r in rows],
        "benefit_totals": realised.totals(rows),
        "costs": cost_figures(decision, initiative_ids),
    }


@transaction.atomic
def review_record(
    *,
    decision: Decision,
    learned: str,
    next_review: dt.date | None = None,
    reviewed_on: dt.date | None = None,
    acting_user: Actor,
) -> Review:
    """Record a review with the figures as they stand today (frozen)."""
    require_any(acting_user, FOLLOW_UP_ACTIONS, decision)
    if actor_user(acting_user) is None:
        raise ValidationError(_("A review is recorded by a named reviewer."))
    reviewed_on = reviewed_on or timezone.localdate()
    review = Review(
        decision=decision,
        reviewed_on=reviewed_on,
        reviewer=actor_user(acting_user),
        figures=review_figures(decision, today=reviewed_on),
        learned=learned,
        next_review=next_review,
    )
    return object_create(review, acting_user=acting_user)


def due_reviews(decisions: Any, *, today: dt.date | None = None) -> Any:
    """Decisions whose review date has come and that have no review since it."""
    today = today or timezone.localdate()
    return decisions.filter(review_date__lte=today, amended_by__isnull=True).exclude(
        reviews__reviewed_on__gte=F("review_date")
    )
