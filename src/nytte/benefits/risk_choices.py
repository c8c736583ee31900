"""Which risks the benefit form offers to link.

A small programme's form lists all its risks; a national portfolio has tens of thousands, so
past ``RISKS_LISTED`` the form lists only the risks of the benefit's own initiatives (saved,
or typed in the contribution rows being sent) and those already linked, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from nytte.core.models import Programme
from nytte.portfolio.models import Initiative, Risk

from .models import Benefit, Contribution

RISKS_LISTED = 200


@dataclass(frozen=True)
class Offered:
    """The risks the form offers: the queryset they come from, the risks themselves (for a
    saved benefit each with ``chosen``: linked to it) and whether the list was narrowed to
    the benefit's own."""

    queryset: QuerySet[Risk]
    risks: list[Risk]
    narrowed: bool


def risks_to_offer(programme: Programme, benefit_pk: int | None, data: Any) -> Offered:
    """The risks to list. One query in a programme with few risks: up to one more than
    ``RISKS_LISTED`` are read, and only when there are more is the narrowed list read."""
    risks = (
        Risk.objects.filter(initiative__programme=programme)
        .select_related("initiative")
        .order_by("initiative__code", "title")
    )
    if benefit_pk:
        linked = Benefit.risks.through.objects.filter(benefit_id=benefit_pk, risk=OuterRef("pk"))
        risks = risks.annotate(chosen=Exists(linked))
    first = list(risks[: RISKS_LISTED + 1])
    if len(first) <= RISKS_LISTED:
        return Offered(risks, first, narrowed=False)
    narrowed = risks.filter(_offered(programme, benefit_pk, data))
    return Offered(narrowed, list(narrowed), narrowed=True)


def _offered(programme: Programme, benefit_pk: int | None, data: Any) -> Q:
    typed = [
        str(value).strip()
        for key, value in (data or {}).items()
        if key.startswith("contribution-") and key.endswith("-initiative") and value
    ]
    initiatives = Initiative.objects.filter(programme=programme).filter(
        Q(code__in=typed) | Q(pk__in=[int(t) for t in typed if t.isdigit()])
    )
    offered = Q(initiative__in=initiatives.values("pk"))
    if benefit_pk:
        # Subqueries, not joins: a risk is listed once however it qualifies.
        contributing = Contribution.objects.filter(benefit_id=benefit_pk)
        linked = Benefit.risks.through.objects.filter(benefit_id=benefit_pk)
        offered |= Q(initiative__in=contributing.values("initiative_id")) | Q(
            pk__in=linked.values("risk_id")
        )
    return offered
