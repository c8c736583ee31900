"""Which risks the benefit form offers to link.

A small programme's form lists all its risks; a national portfolio has tens of thousands, so
past ``RISKS_LISTED`` the form lists only the risks of the benefit's own initiatives (saved,
or typed in the contribution rows being sent) and those already linked, and says so.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from nytte.core.models import Programme
from nytte.portfolio.models import Initiative, Risk

from .models import Benefit, Contribution

RISKS_LISTED = 200


def risks_to_offer(
    programme: Programme, benefit_pk: int | None, data: Any
) -> tuple[QuerySet[Risk], bool]:
    """The risks to list, and whether the list was narrowed to the benefit's own."""
    risks = (
        Risk.objects.filter(initiative__programme=programme)
        .select_related("initiative")
        .order_by("initiative__code", "title")
    )
    if risks.count() <= RISKS_LISTED:
        return risks, False
    return risks.filter(_offered(programme, benefit_pk, data)), True


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
