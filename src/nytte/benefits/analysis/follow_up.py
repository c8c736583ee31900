"""The follow-up dashboard: benefits behind plan, overdue measurements, unconfirmed
estimates, missing baselines and owners."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import QuerySet

from nytte.core.actors import Actor
from nytte.core.models import Programme
from nytte.core.registercache import Head

from .. import selectors
from ..choices import BenefitStatus
from ..models import Benefit

# ---------------------------------------------------------------------------------------------
# The follow-up dashboard


@dataclass
class FollowUp:
    tolerance: Decimal
    behind: list[Benefit]  # each with .behind_indicators and .worst_gap
    overdue: list[Benefit]  # each with .overdue_indicators and .first_due
    unconfirmed: list[Benefit]
    no_baseline: list[Benefit]  # each with .missing_baseline (indicators), empty = no indicator
    no_owner: list[Benefit]
    count: int  # benefits followed up (all but the lost ones)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "behind": len(self.behind),
            "overdue": len(self.overdue),
            "unconfirmed": len(self.unconfirmed),
            "no_baseline": len(self.no_baseline),
            "no_owner": len(self.no_owner),
        }

    def head(self, limit: int) -> FollowUp:
        """The first ``limit`` of each list, each still counting all (what a page shows)."""
        lists = ("behind", "overdue", "unconfirmed", "no_baseline", "no_owner")
        return replace(self, **{name: Head(getattr(self, name), limit) for name in lists})


def followed_benefits(*, programme: Programme, user: Actor) -> QuerySet[Benefit]:
    """Benefits with owners and indicators, targets and latest measurements (four queries); lost
    benefits are no longer followed up."""
    return selectors.with_latest_measurements(
        Benefit.objects.for_user(user)
        .in_programme(programme)
        .exclude(status=BenefitStatus.LOST)
        .select_related("programme", "owner", "owner_organisation")
        .order_by("code")
    )


def follow_up_lists(benefits: Iterable[Benefit], *, tolerance: Decimal) -> FollowUp:
    """Sort benefits that went through ``selectors.attach_progress`` into what needs doing."""
    result = FollowUp(tolerance, [], [], [], [], [], 0)
    for benefit in benefits:
        result.count += 1
        indicators = list(benefit.indicators.all())
        if benefit.behind:
            benefit.behind_indicators = [i for i in indicators if i.progress.behind]
            for indicator in benefit.behind_indicators:
                indicator.planned_percent = indicator.progress.planned_share * 100
            benefit.worst_gap = max(i.progress.gap for i in benefit.behind_indicators)
            result.behind.append(benefit)
        if benefit.overdue:
            benefit.overdue_indicators = [i for i in indicators if i.progress.overdue]
            benefit.first_due = min(i.progress.next_due for i in benefit.overdue_indicators)
            result.overdue.append(benefit)
        if not benefit.confirmed:
            result.unconfirmed.append(benefit)
        if not benefit.has_baseline:
            benefit.missing_baseline = [i for i in indicators if not i.has_baseline]
            result.no_baseline.append(benefit)
        if benefit.owner_id is None:
            result.no_owner.append(benefit)
    result.behind.sort(key=lambda b: -b.worst_gap)
    result.overdue.sort(key=lambda b: b.first_due)
    return result


def follow_up(
    *,
    programme: Programme,
    user: Actor,
    tolerance: Decimal | None = None,
    today: dt.date | None = None,
) -> FollowUp:
    """The dashboard's lists, with the programme's tolerance unless another is given."""
    limit = programme.behind_plan_tolerance if tolerance is None else tolerance
    benefits = selectors.attach_progress(
        followed_benefits(programme=programme, user=user), today=today, tolerance=float(limit)
    )
    return follow_up_lists(benefits, tolerance=Decimal(limit))
