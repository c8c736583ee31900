"""The plan's rules: where a krone lands (own agency, elsewhere in the public sector,
outside it, non-priced, unplaced) and how much of a benefit a plan counts. Pure functions,
each tested on its own."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from nytte.core.choices import OrganisationKind
from nytte.portfolio.models import Initiative

from .. import selectors
from ..choices import BeneficiaryGroup, BenefitKind
from ..models import Benefit

# The shape of the dict; a renderer meeting a newer format knows it is out of date.
PLAN_FORMAT = 1

HUNDRED = Decimal(100)

# The parts of the benefit overview, in the order the plan shows them.
BUDGET = "budget"  # (a) budget effect in own agency
CAPACITY = "capacity"  # (b) other use of freed capacity in own agency
PUBLIC = "public"  # (c) priced benefits elsewhere in the public sector
OUTSIDE = "outside"  # priced gains outside the public sector (citizens, businesses, …)
NON_PRICED = "non_priced"  # (d) non-priced effects, wherever they arise
UNPLACED = "unplaced"  # priced benefits the rules cannot place: shown, never guessed
PART_ORDER = (BUDGET, CAPACITY, PUBLIC, OUTSIDE, NON_PRICED, UNPLACED)

PARTS: dict[str, dict[str, Any]] = {
    BUDGET: {
        "letter": "a",
        "title": _("Budget effect in own agency"),
        "description": _(
            "Priced efficiency gains arising in the own agency, times the share to be cut "
            "from budgets."
        ),
    },
    CAPACITY: {
        "letter": "b",
        "title": _("Other use of freed capacity in own agency"),
        "description": _(
            "The rest of the priced efficiency gains arising in the own agency: capacity "
            "freed for other tasks."
        ),
    },
    PUBLIC: {
        "letter": "c",
        "title": _("Priced benefits elsewhere in the public sector"),
        "description": _(
            "Priced benefits arising in other agencies, ministries or municipalities."
        ),
    },
    OUTSIDE: {
        "letter": "",
        "title": _("Priced gains outside the public sector"),
        "description": _(
            "Priced gains for citizens, businesses and the private sector. They are not part "
            "of the public sector's budgets, so they are shown here on their own, between "
            "the priced benefits in the public sector and the non-priced effects."
        ),
    },
    NON_PRICED: {
        "letter": "d",
        "title": _("Non-priced effects"),
        "description": _(
            "Benefits counted in physical units or judged on the plus-minus scale, wherever "
            "they arise; gains for citizens, businesses and the private sector that are not "
            "priced are here too."
        ),
    },
    UNPLACED: {
        "letter": "",
        "title": _("Priced benefits the plan cannot place"),
        "description": _(
            "Correct these in the register: the plan does not guess where they belong."
        ),
    },
}

# Where a benefit arises, seen from the plan's own agency.
OWN = "own"
ELSEWHERE_PUBLIC = "public"
OUTSIDE_PUBLIC = "outside"
UNKNOWN = "unknown"
SECTORS = {
    OWN: _("Own agency"),
    ELSEWHERE_PUBLIC: _("Elsewhere in the public sector"),
    OUTSIDE_PUBLIC: _("Outside the public sector"),
    UNKNOWN: _("Not given"),
}
OUTSIDE_GROUPS = frozenset(
    {BeneficiaryGroup.CITIZENS, BeneficiaryGroup.BUSINESSES, BeneficiaryGroup.PRIVATE_SECTOR}
)
OUTSIDE_ORGANISATION_KINDS = frozenset({OrganisationKind.PRIVATE})

# Why a priced benefit is in the "cannot place" part.
UNPLACED_REASONS = {
    "no_place": _("It has no organisation or group where it arises."),
    "others_in_own": _(
        "It is a gain for others, yet it arises in the own agency: make it an efficiency "
        "gain, or say where the others are."
    ),
}


# ---------------------------------------------------------------------------------------------
# The rules


def plan_fraction(benefit: Benefit, initiative: Initiative | None) -> Decimal:
    """The fraction (0–1) of a benefit this plan counts: the initiative's attributed share in
    an initiative plan, and the whole benefit, once, in the programme plan. Contributions
    must be prefetched."""
    if initiative is None:
        return Decimal(1)
    return selectors.attributed_share(benefit, [initiative.pk])


def own_agency_ids(benefit: Benefit, initiative: Initiative | None) -> frozenset[int]:
    """The organisations that are the "own agency" for this benefit: the initiative's owner
    organisation in an initiative plan; in the programme plan, the owner organisations of
    the initiatives that contribute to the benefit (contributions prefetched with their
    initiatives)."""
    if initiative is not None:
        return frozenset({initiative.owner_organisation_id})
    return frozenset(c.initiative.owner_organisation_id for c in benefit.contributions.all())


def sector_of(benefit: Benefit, own_ids: Iterable[int]) -> str:
    """Where the benefit arises seen from the own agency: ``OWN``, ``ELSEWHERE_PUBLIC``
    (another public body, or municipalities), ``OUTSIDE_PUBLIC`` (a private organisation, or
    citizens, businesses, the private sector) or ``UNKNOWN`` (no place given)."""
    if benefit.arises_in_organisation_id is not None:
        if benefit.arises_in_organisation_id in set(own_ids):
            return OWN
        if benefit.arises_in_organisation.kind in OUTSIDE_ORGANISATION_KINDS:
            return OUTSIDE_PUBLIC
        return ELSEWHERE_PUBLIC
    if benefit.arises_in_group:
        return OUTSIDE_PUBLIC if benefit.arises_in_group in OUTSIDE_GROUPS else ELSEWHERE_PUBLIC
    return UNKNOWN


def whole_kroner(value: Decimal | int) -> int:
    """Round to whole kroner, halves away from zero (as accountants do)."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def attributed_amount(amount: int, fraction: Decimal) -> int:
    """The part of a yearly amount this plan counts (``plan_fraction``), in whole kroner."""
    return whole_kroner(Decimal(amount) * fraction)


def budget_effect(amount: int, budget_cut_share: Decimal | int | float) -> int:
    """The part of an own-agency efficiency gain to be cut from budgets: amount × share %."""
    return whole_kroner(Decimal(amount) * Decimal(str(budget_cut_share)) / HUNDRED)


def unplaced_reason(*, sector: str, kind: str, priced: bool) -> str:
    """Why a priced benefit fits none of the overview's parts, or "" when it fits one."""
    if not priced:
        return ""
    if sector == UNKNOWN:
        return "no_place"
    if sector == OWN and kind != BenefitKind.EFFICIENCY:
        return "others_in_own"
    return ""


def split_amount(
    amount: int,
    *,
    sector: str,
    kind: str,
    priced: bool,
    budget_cut_share: Decimal | int | float,
) -> dict[str, int]:
    """Which parts of the benefit overview an attributed yearly amount goes to.

    An efficiency gain arising in the own agency splits into budget effect (amount × the
    share cut from budgets) and freed capacity (the rest, so the two add up to the amount).
    Elsewhere in the public sector and outside it, the amount goes whole to that part.
    Non-priced benefits have no amount; priced ones the rules cannot place go to
    ``UNPLACED``.
    """
    if not priced:
        return {}
    if unplaced_reason(sector=sector, kind=kind, priced=priced):
        return {UNPLACED: amount}
    if sector == OWN:
        cut = budget_effect(amount, budget_cut_share)
        return {BUDGET: cut, CAPACITY: amount - cut}
    if sector == ELSEWHERE_PUBLIC:
        return {PUBLIC: amount}
    return {OUTSIDE: amount}


def parts_of(*, sector: str, kind: str, priced: bool) -> list[str]:
    """The overview parts a benefit is listed in (an own-agency efficiency gain is in two)."""
    if not priced:
        return [NON_PRICED]
    return list(split_amount(1, sector=sector, kind=kind, priced=priced, budget_cut_share=0))
