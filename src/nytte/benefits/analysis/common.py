"""What the analyses share: keys for organisations and groups (matrix rows, columns,
filters) and present values (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from nytte.core.models import Programme
from nytte.economics import (
    ParameterSet,
    discount_factor,
)

from ..models import Benefit

# Row key of the benefit value that no cost in the portfolio stands behind.
UNTIED = "untied"
# Column key of benefits whose place of arising is not recorded.
NO_PLACE = "unknown"
# Allowed slack when deciding that shares add up to 100 % (they are stored with 2 decimals).
EPSILON = 1e-9


# ---------------------------------------------------------------------------------------------
# Keys for organisations and groups, shared by matrix rows, columns and filters


def organisation_key(pk: int) -> str:
    return f"org-{pk}"


def group_key(group: str) -> str:
    return f"group-{group}"


def place_key(benefit: Benefit) -> str:
    """Where a benefit arises, as a column key: an organisation, a group, or not recorded."""
    if benefit.arises_in_organisation_id:
        return organisation_key(benefit.arises_in_organisation_id)
    if benefit.arises_in_group:
        return group_key(benefit.arises_in_group)
    return NO_PLACE


# ---------------------------------------------------------------------------------------------
# Present values (pure)


def base_year(programme: Programme, today: dt.date | None = None) -> int:
    """The year values are discounted to: the programme's first year, else the current one."""
    return programme.start_year or (today or timezone.localdate()).year


def year_factor(year: int, base: int, params: ParameterSet) -> float:
    """The discount factor of a year. Years before the base year count at factor 1: they are
    taken as they stand, neither discounted nor compounded forward."""
    return 1.0 if year <= base else discount_factor(year - base, params)


def present_value(
    amounts: Iterable[tuple[int, float]], *, base: int, params: ParameterSet
) -> float:
    """Σ amount × discount factor over (year, amount) pairs."""
    return sum(amount * year_factor(year, base, params) for year, amount in amounts)
