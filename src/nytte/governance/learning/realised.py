"""Realised against expected, the one rule the learning loop uses everywhere (reviews,
calibration, the status report, the proposer's page, the process metrics).

For each indicator the benefits register already knows how far it has come
(``benefits.realisation``): the realised share of the way from the baseline to the last
target, and the share the plan expected by the latest measurement's date. Their quotient is
the indicator's *realisation ratio* — 1.0 on plan, 0.8 means a fifth behind. A benefit's
ratio is the mean of its indicators' ratios; a benefit without a measurement or a plan has
none. Amounts: the expected NOK to date are the benefit's most likely yearly amounts up to
this year, times the share attributed to the initiatives in question; the realised NOK are
that times the ratio (an estimate: measurements are in the indicator's own unit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from nytte.benefits import selectors as benefit_selectors
from nytte.benefits.models import Benefit, BenefitAmount, Contribution


@dataclass
class BenefitRealisation:
    benefit: Benefit
    share: float  # attributed to the initiatives asked about, 0–1
    expected_to_date: float  # NOK
    forecast_total: float  # NOK over all years
    planned_percent: float | None
    realised_percent: float | None
    ratio: float | None
    behind: bool

    @property
    def realised_to_date(self) -> float | None:
        return None if self.ratio is None else self.expected_to_date * self.ratio

    def as_dict(self) -> dict[str, object]:
        b = self.benefit
        return {
            "benefit_id": b.pk,
            "code": b.code,
            "title": b.title,
            "kind": b.kind,
            "organisation": str(b.arises_in_organisation) if b.arises_in_organisation else "",
            "share": round(self.share, 4),
            "expected_to_date": round(self.expected_to_date),
            "realised_to_date": None
            if self.realised_to_date is None
            else round(self.realised_to_date),
            "forecast_total": round(self.forecast_total),
            "planned_percent": _round(self.planned_percent),
            "realised_percent": _round(self.realised_percent),
            "ratio": _round(self.ratio, 3),
            "behind": self.behind,
        }


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def indicator_ratio(progress: object) -> float | None:
    planned = getattr(progress, "planned_share", None)
    realised = getattr(progress, "realised_share", None)
    if planned is None or realised is None or planned <= 0:
        return None
    return realised / planned


def benefits_with_progress(benefits: Iterable[Benefit], *, today: dt.date) -> list[Benefit]:
    """Attach progress (``benefits.selectors.attach_progress``) and each benefit's ratio and
    planned percent; indicators, targets and measurements must be prefetched."""
    result = benefit_selectors.attach_progress(benefits, today=today)
    for benefit in result:
        ratios, planned = [], []
        for indicator in benefit.indicators.all():
            ratio = indicator_ratio(indicator.progress)
            if ratio is not None:
                ratios.append(ratio)
            if indicator.progress.planned_share is not None:
                planned.append(indicator.progress.planned_share * 100)
        benefit.ratio = sum(ratios) / len(ratios) if ratios else None
        benefit.planned_percent = sum(planned) / len(planned) if planned else None
    return result


def prefetched_benefits(queryset: object) -> object:
    return benefit_selectors.with_indicators(
        queryset.select_related("programme", "arises_in_organisation", "owner_organisation")
    ).prefetch_related(
        Prefetch("amounts", queryset=BenefitAmount.objects.order_by("year")),
        Prefetch("contributions", queryset=Contribution.objects.order_by("pk")),
    )


def realisation_for(
    initiative_ids: Sequence[int], *, today: dt.date | None = None
) -> list[BenefitRealisation]:
    """Realised against expected for every benefit the initiatives contribute to."""
    today = today or timezone.localdate()
    if not initiative_ids:
        return []
    benefits = prefetched_benefits(
        Benefit.objects.filter(contributions__initiative__in=initiative_ids).distinct()
    ).order_by("code")
    return [
        realisation_of(benefit, initiative_ids, today=today)
        for benefit in benefits_with_progress(benefits, today=today)
    ]


def realisation_of(
    benefit: Benefit, initiative_ids: Sequence[int] | None, *, today: dt.date
) -> BenefitRealisation:
    # Asked about no initiative in particular (the calibration), the benefit counts whole.
    share = (
        1.0
        if initiative_ids is None
        else float(benefit_selectors.attributed_share(benefit, initiative_ids))
    )
    amounts = list(benefit.amounts.all())
    expected = sum(a.likely for a in amounts if a.year <= today.year) * share
    total = sum(a.likely for a in amounts) * share
    return BenefitRealisation(
        benefit=benefit,
        share=share,
        expected_to_date=float(expected),
        forecast_total=float(total),
        planned_percent=benefit.planned_percent,
        realised_percent=benefit.realised_percent,
        ratio=benefit.ratio,
        behind=benefit.behind,
    )


def totals(rows: Iterable[BenefitRealisation]) -> dict[str, float | int | None]:
    """Sums over benefits with a ratio, and the amount-weighted ratio."""
    measured = [r for r in rows if r.ratio is not None]
    expected = sum(r.expected_to_date for r in measured)
    realised = sum(r.realised_to_date or 0 for r in measured)
    return {
        "measured": len(measured),
        "expected_to_date": round(expected),
        "realised_to_date": round(realised),
        "ratio": round(realised / expected, 3) if expected else None,
    }


def as_decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 3)))
