"""Totals over a list of benefits that respect the initiatives' shares.

A benefit is one object however many initiatives contribute to it: the programme total counts
each benefit once, and what initiatives get is the amount times their attributed share. The
register page and the API both total through here, so the rule lives in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import Benefit
from .selectors import attributed_share


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


def attributed_amount(benefit: Benefit, initiative_ids: Sequence[int] | None = None) -> int:
    """The most likely total of one benefit times the share of some initiatives, in NOK."""
    return _kroner(benefit.total_likely * attributed_share(benefit, initiative_ids))
