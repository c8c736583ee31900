"""Lines of a benefit: contributions, yearly amounts, indicators and targets. One named
service per line and change; what is particular to a kind of line (shares up to 100 %,
totals and the owner's confirmation after an amount changes) is said in that kind's
services, not chosen by type."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from nytte.core.actors import Actor
from nytte.core.permissions import Action, check
from nytte.core.services import object_create, object_delete, object_update
from nytte.portfolio.models import Initiative

from ..models import (
    Benefit,
    BenefitAmount,
    Contribution,
    Indicator,
    Target,
)
from .benefits import check_shares

M = TypeVar("M", bound=models.Model)
# ---------------------------------------------------------------------------------------------
# Lines of a benefit: contributions, yearly amounts, indicators, targets, measurements.
# One named service per line and change; what is particular to a kind of line (shares up to
# 100 %, totals and the owner's confirmation after an amount changes, measurements through
# the bulk path) is said in that kind's services, not chosen by type.


def refresh_amount_totals(benefit: Benefit) -> None:
    totals = benefit.amounts.aggregate(low=Sum("low"), likely=Sum("likely"), high=Sum("high"))
    Benefit.objects.filter(pk=benefit.pk).update(
        total_low=totals["low"] or 0,
        total_likely=totals["likely"] or 0,
        total_high=totals["high"] or 0,
    )


def line_create(instance: M, acting_user: Actor) -> M:
    check(acting_user, Action.EDIT, instance)
    return object_create(instance, acting_user=acting_user)


def line_update(instance: M, data: Mapping[str, Any], acting_user: Actor, *, parent: str) -> M:
    check(acting_user, Action.EDIT, instance)
    if parent in data and getattr(instance, f"{parent}_id") != getattr(data[parent], "pk", None):
        raise ValidationError(_("A line cannot move to another benefit or indicator."))
    return object_update(instance, acting_user=acting_user, data=data)


def line_delete(instance: models.Model, acting_user: Actor) -> None:
    check(acting_user, Action.EDIT, instance)
    object_delete(instance, acting_user=acting_user)


# -- contributions: an initiative's share, the shares of a benefit at most 100 % together


def _check_contribution(contribution: Contribution) -> None:
    others = Contribution.objects.filter(benefit_id=contribution.benefit_id).exclude(
        pk=contribution.pk
    )
    shares = dict(others.values_list("initiative_id", "share"))
    shares[contribution.initiative_id] = Decimal(str(contribution.share or 0))
    check_shares(contribution.benefit, shares)


@transaction.atomic
def contribution_create(
    *,
    benefit: Benefit,
    initiative: Initiative,
    share: Decimal | int | float,
    acting_user: Actor,
) -> Contribution:
    contribution = Contribution(benefit=benefit, initiative=initiative, share=Decimal(str(share)))
    check(acting_user, Action.EDIT, contribution)
    _check_contribution(contribution)
    return object_create(contribution, acting_user=acting_user)


@transaction.atomic
def contribution_update(
    *, contribution: Contribution, data: Mapping[str, Any], acting_user: Actor
) -> Contribution:
    check(acting_user, Action.EDIT, contribution)
    _check_contribution(
        Contribution(
            pk=contribution.pk,
            benefit=contribution.benefit,
            initiative=data.get("initiative", contribution.initiative),
            share=data.get("share", contribution.share),
        )
    )
    return line_update(contribution, data, acting_user, parent="benefit")


@transaction.atomic
def contribution_delete(*, contribution: Contribution, acting_user: Actor) -> None:
    line_delete(contribution, acting_user)


# -- yearly amounts: the benefit keeps their totals, and new numbers clear the confirmation


def _amounts_changed(benefit: Benefit, acting_user: Actor) -> None:
    refresh_amount_totals(benefit)
    benefit.refresh_from_db()  # the totals just stored must not be saved over
    if benefit.confirmed:
        # New numbers are no longer the estimate the owner confirmed.
        object_update(
            benefit, acting_user=acting_user, data={"confirmed_by": None, "confirmed_on": None}
        )


@transaction.atomic
def amount_create(*, benefit: Benefit, acting_user: Actor, **fields: Any) -> BenefitAmount:
    amount = line_create(BenefitAmount(benefit=benefit, **fields), acting_user)
    _amounts_changed(benefit, acting_user)
    return amount


@transaction.atomic
def amount_update(
    *, amount: BenefitAmount, data: Mapping[str, Any], acting_user: Actor
) -> BenefitAmount:
    line_update(amount, data, acting_user, parent="benefit")
    _amounts_changed(amount.benefit, acting_user)
    return amount


@transaction.atomic
def amount_delete(*, amount: BenefitAmount, acting_user: Actor) -> None:
    line_delete(amount, acting_user)
    _amounts_changed(amount.benefit, acting_user)


# -- indicators and targets


@transaction.atomic
def indicator_create(*, benefit: Benefit, acting_user: Actor, **fields: Any) -> Indicator:
    return line_create(Indicator(benefit=benefit, **fields), acting_user)


@transaction.atomic
def indicator_update(
    *, indicator: Indicator, data: Mapping[str, Any], acting_user: Actor
) -> Indicator:
    return line_update(indicator, data, acting_user, parent="benefit")


@transaction.atomic
def indicator_delete(*, indicator: Indicator, acting_user: Actor) -> None:
    line_delete(indicator, acting_user)


@transaction.atomic
def target_create(*, indicator: Indicator, acting_user: Actor, **fields: Any) -> Target:
    return line_create(Target(indicator=indicator, **fields), acting_user)


@transaction.atomic
def target_update(*, target: Target, data: Mapping[str, Any], acting_user: Actor) -> Target:
    return line_update(target, data, acting_user, parent="indicator")


@transaction.atomic
def target_delete(*, target: Target, acting_user: Actor) -> None:
    line_delete(target, acting_user)


# -- measurements: one is appended as a batch of one, so every path has the same rules
