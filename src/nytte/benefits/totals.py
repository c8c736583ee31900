"""Totals over a list of benefits that respect the initiatives' shares.

A benefit is one object however many initiatives contribute to it: the programme total counts
each benefit once, and what initiatives get is the amount times their attributed share. The
register page and the API both total through here, so the rule lives in one place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BigIntegerField,
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Round

from nytte.core import registercache
from nytte.core.models import Programme
from nytte.core.registercache import cached_for_register

from .models import Benefit, Contribution
from .selectors import attributed_share

SHARE = DecimalField(max_digits=7, decimal_places=2)


@dataclass(frozen=True)
class BenefitTotals:
    """Sums in whole NOK. ``low``/``likely``/``high`` count each benefit once; the
    ``attributed_*`` sums take only the initiatives' shares (all initiatives, or the chosen
    ones)."""

    count: int
    low: int
    likely: int
    high: int
    attributed_low: int
    attributed_likely: int
    attributed_high: int


def _kroner(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def benefit_totals(
    benefits: Iterable[Benefit], initiative_ids: Sequence[int] | None = None
) -> BenefitTotals:
    """Total ``benefits`` (contributions prefetched). With ``initiative_ids``, the attributed
    sums take only those initiatives' shares; a benefit no initiative contributes to counts
    in the totals and not in the attributed sums."""
    count = 0
    low = likely = high = 0
    attributed = [Decimal(0), Decimal(0), Decimal(0)]
    for benefit in benefits:
        count += 1
        low += benefit.total_low
        likely += benefit.total_likely
        high += benefit.total_high
        share = attributed_share(benefit, initiative_ids)
        if share:
            for index, amount in enumerate(
                (benefit.total_low, benefit.total_likely, benefit.total_high)
            ):
                attributed[index] += amount * share
    return BenefitTotals(
        count=count,
        low=low,
        likely=likely,
        high=high,
        attributed_low=_kroner(attributed[0]),
        attributed_likely=_kroner(attributed[1]),
        attributed_high=_kroner(attributed[2]),
    )


def share_subquery(initiative_ids: Sequence[int] | None = None) -> Coalesce:
    """The percent of each benefit (``OuterRef("pk")``) attributed to some initiatives (all
    of its initiatives when ``initiative_ids`` is None), for ``annotate``; 0 when none."""
    contributions = Contribution.objects.filter(benefit=OuterRef("pk"))
    if initiative_ids is not None:
        contributions = contributions.filter(initiative_id__in=initiative_ids)
    summed = contributions.order_by().values("benefit").annotate(s=Sum("share")).values("s")
    return Coalesce(Subquery(summed, output_field=SHARE), Value(0), output_field=SHARE)


def queryset_totals(
    benefits: QuerySet[Benefit], initiative_ids: Sequence[int] | None = None
) -> BenefitTotals:
    """``benefit_totals`` computed by the database in one query, for lists too long to read:
    the same sums, the attributed ones exact (shares have two decimals, so amount × share ×
    100 is a whole number)."""
    whole = BigIntegerField()
    # Shares have two decimals: as whole hundredths the products and their sum are exact.
    hundredths = Cast(Round(F("bench_share") * 100), whole)
    # Each benefit's shares summed by a join grouped per benefit, not a subquery per benefit:
    # SQLite would run that subquery once for each of the three sums that use it.
    chosen = None if initiative_ids is None else Q(contributions__initiative_id__in=initiative_ids)
    share = Coalesce(Sum("contributions__share", filter=chosen), Value(0), output_field=SHARE)
    sums = (
        benefits.order_by()
        .prefetch_related(None)
        .annotate(bench_share=share)
        .aggregate(
            count=Count("pk"),
            low=Coalesce(Sum("total_low"), 0),
            likely=Coalesce(Sum("total_likely"), 0),
            high=Coalesce(Sum("total_high"), 0),
            **{
                f"a_{name}": Sum(F(f"total_{name}") * hundredths, output_field=whole)
                for name in ("low", "likely", "high")
            },
        )
    )

    def attributed(name: str) -> int:
        value = sums[f"a_{name}"]
        return _kroner(Decimal(value or 0) / 10000)

    return BenefitTotals(
        count=sums["count"],
        low=sums["low"],
        likely=sums["likely"],
        high=sums["high"],
        attributed_low=attributed("low"),
        attributed_likely=attributed("likely"),
        attributed_high=attributed("high"),
    )


def register_totals(
    programme: Programme,
    benefits: QuerySet[Benefit],
    initiative_ids: Sequence[int] | None = None,
    *,
    filter_key: str = "",
) -> BenefitTotals:
    """``queryset_totals`` of the register's matches, kept under the programme's portfolio
    version (any change to a benefit, amount or share moves it on; a recorded measurement
    does not): the whole programme's (no ``filter_key``), which most visits show, and a
    filtered list's under its ``filter_key`` (``BenefitFilterSet.filter_key``, which names
    every filter, the initiative whose shares are attributed too), since a filter that is
    used is mostly used again (summing the matches' shares joins every contribution).
    ``benefits`` must be the programme's benefits the reader may see, which for viewing are
    the same for every reader of the programme."""
    return cached_for_register(
        programme,
        "benefit-totals",
        # A digest: a typed search may be long, and some cache backends limit keys.
        hashlib.blake2b(filter_key.encode(), digest_size=16).hexdigest() if filter_key else "",
        compute=lambda: queryset_totals(benefits, initiative_ids),
        reads=registercache.PORTFOLIO,
    )


def register_count(programme: Programme, benefits: QuerySet[Benefit], *, filtered: bool) -> int:
    """How many of the register's benefits match (``benefits``, as for ``register_totals``).
    The whole programme's count is kept under the portfolio version, as its totals are:
    the API's list counts it for every page it serves, a ``COUNT`` over every benefit."""
    if filtered:
        return benefits.count()
    return cached_for_register(
        programme, "benefit-count", compute=benefits.order_by().count, reads=registercache.PORTFOLIO
    )


def attributed_amount(benefit: Benefit, initiative_ids: Sequence[int] | None = None) -> int:
    """The most likely total of one benefit times the share of some initiatives, in NOK."""
    return _kroner(benefit.total_likely * attributed_share(benefit, initiative_ids))
