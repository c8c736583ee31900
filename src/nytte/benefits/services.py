"""Writes to the benefits register. Each is atomic, checks the acting user's rights (``None``
is the system: demo, command-line import) and logs the change.

Facilitators and programme admins edit everything; a benefit's owner (the named person, or
someone with the owner role in the owning organisation) edits that benefit, its yearly
amounts, indicators, targets and measurements — even when the initiatives behind it belong
to another agency, which the owner then cannot edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from nytte.core import history
from nytte.core.models import Programme
from nytte.core.permissions import Action, ProgrammeScoped, check
from nytte.core.services import object_create, object_delete, object_update
from nytte.portfolio.models import Initiative, Risk

from .models import (
    Benefit,
    BenefitAmount,
    Contribution,
    Indicator,
    Measurement,
    RealisationPlan,
    Target,
)

M = TypeVar("M", bound=models.Model)

# Changing any of these means the owner no longer stands behind the same estimate.
ESTIMATE_FIELDS = frozenset(
    {
        "kind",
        "priced",
        "budget_cut_share",
        "plus_minus",
        "arises_in_organisation",
        "arises_in_group",
        "owner_organisation",
        "owner",
    }
)
HUNDRED = Decimal(100)


def _require(acting_user: Any, action: Action, obj: Programme | ProgrammeScoped) -> None:
    if acting_user is not None:
        check(acting_user, action, obj)


# ---------------------------------------------------------------------------------------------
# Benefits and the initiatives' shares of them


def _check_shares(benefit: Benefit, shares: Mapping[int, Decimal]) -> None:
    """Refuse shares that add up to more than 100 % of the benefit."""
    total = sum(shares.values(), Decimal(0))
    if total > HUNDRED:
        raise ValidationError(
            _(
                "The initiatives' shares of %(code)s add up to %(total)s %%; "
                "together they can be at most 100 %%."
            )
            % {"code": benefit.code, "total": f"{total.normalize():f}"},
            code="shares_over_100",
        )


def _set_contributions(
    benefit: Benefit, shares: Mapping[Initiative, Decimal | int | float], acting_user: Any
) -> None:
    wanted = {i.pk: (i, Decimal(str(share))) for i, share in shares.items()}
    _check_shares(benefit, {pk: share for pk, (_i, share) in wanted.items()})
    for link in list(benefit.contributions.all()):
        if link.initiative_id not in wanted:
            object_delete(link, acting_user=acting_user)
        elif link.share != wanted[link.initiative_id][1]:
            object_update(
                link, acting_user=acting_user, data={"share": wanted[link.initiative_id][1]}
            )
        wanted.pop(link.initiative_id, None)
    for initiative, share in wanted.values():
        object_create(
            Contribution(benefit=benefit, initiative=initiative, share=share),
            acting_user=acting_user,
        )


@transaction.atomic
def benefit_create(
    *,
    programme: Programme,
    data: Mapping[str, Any],
    contributions: Mapping[Initiative, Decimal | int | float] | None = None,
    risks: Iterable[Risk] = (),
    acting_user: Any,
) -> Benefit:
    _require(acting_user, Action.EDIT, programme)
    benefit = object_create(Benefit(programme=programme, **data), acting_user=acting_user)
    if contributions:
        _set_contributions(benefit, contributions, acting_user)
    risks = list(risks)
    if risks:
        _set_risks(benefit, risks, acting_user)
    return benefit


@transaction.atomic
def benefit_update(
    *,
    benefit: Benefit,
    data: Mapping[str, Any],
    contributions: Mapping[Initiative, Decimal | int | float] | None = None,
    risks: Iterable[Risk] | None = None,
    acting_user: Any,
) -> Benefit:
    _require(acting_user, Action.EDIT, benefit)
    if "programme" in data and data["programme"] != benefit.programme:
        raise ValidationError({"programme": _("A benefit cannot move to another programme.")})
    changed = {
        name
        for name, value in data.items()
        if name in ESTIMATE_FIELDS and getattr(benefit, name) != value
    }
    data = dict(data)
    # The services keep the totals in the database; an object read earlier must not undo them.
    benefit.refresh_from_db(fields=["total_low", "total_likely", "total_high"])
    if changed and benefit.confirmed:
        data.update(confirmed_by=None, confirmed_on=None)
    object_update(benefit, acting_user=acting_user, data=data)
    if contributions is not None:
        _set_contributions(benefit, contributions, acting_user)
    if risks is not None:
        _set_risks(benefit, list(risks), acting_user)
    return benefit


def _set_risks(benefit: Benefit, risks: list[Risk], acting_user: Any) -> None:
    foreign = [r for r in risks if r.initiative.programme_id != benefit.programme_id]
    if foreign:
        raise ValidationError({"risks": _("A linked risk belongs to another programme.")})
    before = history.snapshot(benefit)
    benefit.risks.set(risks)
    history.log_update(benefit, acting_user=acting_user, before=before)


@transaction.atomic
def benefit_delete(*, benefit: Benefit, acting_user: Any) -> None:
    _require(acting_user, Action.EDIT, benefit.programme)
    object_delete(benefit, acting_user=acting_user)


@transaction.atomic
def benefit_confirm(*, benefit: Benefit, acting_user: Any) -> Benefit:
    """The owner confirms that the estimate is theirs (the Digitalisation Council's advice).
    Only the owner can: a facilitator confirming on their behalf would defeat the point."""
    _require(acting_user, Action.VIEW, benefit)
    if benefit.owner_organisation_id is None:
        raise ValidationError(_("Name the owning organisation before the owner confirms."))
    if acting_user is not None and not benefit.is_owned_by(acting_user):
        raise PermissionDenied(_("Only the benefit's owner can confirm the estimate."))
    return object_update(
        benefit,
        acting_user=acting_user,
        data={"confirmed_by": acting_user, "confirmed_on": timezone.localdate()},
    )


# ---------------------------------------------------------------------------------------------
# Lines of a benefit: contributions, yearly amounts, indicators, targets, measurements


def refresh_amount_totals(benefit: Benefit) -> None:
    totals = benefit.amounts.aggregate(low=Sum("low"), likely=Sum("likely"), high=Sum("high"))
    Benefit.objects.filter(pk=benefit.pk).update(
        total_low=totals["low"] or 0,
        total_likely=totals["likely"] or 0,
        total_high=totals["high"] or 0,
    )


def _benefit_of(instance: models.Model) -> Benefit:
    if isinstance(instance, Target | Measurement):
        return instance.indicator.benefit
    return instance.benefit  # type: ignore[attr-defined]


def _before_line_change(instance: models.Model, *, delete: bool = False) -> None:
    if isinstance(instance, Contribution) and not delete:
        others = Contribution.objects.filter(benefit_id=instance.benefit_id).exclude(pk=instance.pk)
        shares = dict(others.values_list("initiative_id", "share"))
        shares[instance.initiative_id] = Decimal(str(instance.share or 0))
        _check_shares(instance.benefit, shares)


def _after_line_change(instance: models.Model, acting_user: Any) -> None:
    if isinstance(instance, BenefitAmount):
        benefit = instance.benefit
        refresh_amount_totals(benefit)
        benefit.refresh_from_db()  # the totals just stored must not be saved over
        if benefit.confirmed:
            # New numbers are no longer the estimate the owner confirmed.
            object_update(
                benefit, acting_user=acting_user, data={"confirmed_by": None, "confirmed_on": None}
            )


@transaction.atomic
def child_create(instance: M, *, acting_user: Any) -> M:
    """Create a contribution, yearly amount, indicator, target or measurement."""
    _require(acting_user, Action.EDIT, instance)
    if isinstance(instance, Measurement) and getattr(acting_user, "is_authenticated", False):
        instance.recorded_by = acting_user
    _before_line_change(instance)
    object_create(instance, acting_user=acting_user)
    _after_line_change(instance, acting_user)
    return instance


@transaction.atomic
def child_update(instance: M, *, data: Mapping[str, Any], acting_user: Any) -> M:
    _require(acting_user, Action.EDIT, instance)
    for parent in ("benefit", "indicator"):
        if parent in data and getattr(instance, f"{parent}_id") != getattr(
            data[parent], "pk", None
        ):
            raise ValidationError(_("A line cannot move to another benefit or indicator."))
    if isinstance(instance, Contribution):
        candidate = Contribution(
            pk=instance.pk,
            benefit=instance.benefit,
            initiative=data.get("initiative", instance.initiative),
            share=data.get("share", instance.share),
        )
        _before_line_change(candidate)
    object_update(instance, acting_user=acting_user, data=data)
    _after_line_change(instance, acting_user)
    return instance


@transaction.atomic
def child_delete(instance: models.Model, *, acting_user: Any) -> None:
    _require(acting_user, Action.EDIT, instance)
    object_delete(instance, acting_user=acting_user)
    _after_line_change(instance, acting_user)


def contribution_create(
    *, benefit: Benefit, initiative: Initiative, share: Decimal | int | float, acting_user: Any
) -> Contribution:
    return child_create(
        Contribution(benefit=benefit, initiative=initiative, share=Decimal(str(share))),
        acting_user=acting_user,
    )


def amount_create(*, benefit: Benefit, acting_user: Any, **fields: Any) -> BenefitAmount:
    return child_create(BenefitAmount(benefit=benefit, **fields), acting_user=acting_user)


def indicator_create(*, benefit: Benefit, acting_user: Any, **fields: Any) -> Indicator:
    return child_create(Indicator(benefit=benefit, **fields), acting_user=acting_user)


def target_create(*, indicator: Indicator, acting_user: Any, **fields: Any) -> Target:
    return child_create(Target(indicator=indicator, **fields), acting_user=acting_user)


def measurement_create(*, indicator: Indicator, acting_user: Any, **fields: Any) -> Measurement:
    return child_create(Measurement(indicator=indicator, **fields), acting_user=acting_user)


# ---------------------------------------------------------------------------------------------
# Measurements in bulk: how agencies feed real data, from a spreadsheet or the API


@dataclass(frozen=True)
class MeasurementRow:
    """One measurement to append; ``where`` says where it came from, for error messages
    (e.g. "Measurements, row 14")."""

    indicator: Indicator
    date: dt.date
    value: Decimal
    source: str = ""
    comment: str = ""
    where: str = ""


class BulkError(ValidationError):
    """Every refused row, so the sender can fix them all at once; nothing was saved."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.rows = errors
        super().__init__([f"{where}: {message}" if where else message for where, message in errors])


@transaction.atomic
def measurements_append(rows: Sequence[MeasurementRow], *, acting_user: Any) -> list[Measurement]:
    """Append measurements all or nothing: one bad row (no right to the benefit, a date that
    already has a measurement, a duplicate in the batch) and none is saved."""
    errors: list[tuple[str, str]] = []
    seen: set[tuple[int, dt.date]] = set()
    existing = set(
        Measurement.objects.filter(indicator__in={row.indicator.pk for row in rows}).values_list(
            "indicator_id", "date"
        )
    )
    checked: dict[int, str | None] = {}
    for row in rows:
        benefit = row.indicator.benefit
        if benefit.pk not in checked:
            checked[benefit.pk] = _may_record(acting_user, benefit)
        refusal = checked[benefit.pk]
        key = (row.indicator.pk, row.date)
        if refusal:
            errors.append((row.where, refusal))
        elif key in existing:
            errors.append(
                (
                    row.where,
                    _("%(indicator)s already has a measurement on %(date)s.")
                    % {"indicator": row.indicator.name, "date": row.date.isoformat()},
                )
            )
        elif key in seen:
            errors.append(
                (
                    row.where,
                    _("%(indicator)s has two measurements on %(date)s in this batch.")
                    % {"indicator": row.indicator.name, "date": row.date.isoformat()},
                )
            )
        seen.add(key)
    if errors:
        raise BulkError(errors)
    created = []
    for row in rows:
        measurement = Measurement(
            indicator=row.indicator,
            date=row.date,
            value=row.value,
            source=row.source,
            comment=row.comment,
            # A user records; the system (the CLI without --user) leaves it empty.
            recorded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
        try:
            # Dates and rights are checked above; skip the per-row unique and foreign-key
            # queries so that a thousand rows cost a handful of queries, not thousands.
            measurement.full_clean(
                exclude=["indicator", "recorded_by"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            errors.append((row.where, "; ".join(exc.messages)))
            continue
        created.append(measurement)
    if errors:
        raise BulkError(errors)
    Measurement.objects.bulk_create(created)
    history.log_create_many(created, acting_user=acting_user)
    return created


def _may_record(acting_user: Any, benefit: Benefit) -> str | None:
    if acting_user is None:
        return None
    try:
        check(acting_user, Action.EDIT, benefit)
    except (PermissionDenied, Http404):  # the same answer either way: say nothing more
        return _("You may not record measurements for %(code)s.") % {"code": benefit.code}
    return None


# ---------------------------------------------------------------------------------------------
# Realisation plans: each saved version is kept as it was


@transaction.atomic
def realisation_plan_save(
    *, programme: Programme, initiative: Initiative | None = None, note: str = "", acting_user: Any
) -> RealisationPlan:
    """Freeze the plan as it stands now as the next version."""
    from .plan import build_plan  # the plan reads selectors; import here to keep this light

    _require(acting_user, Action.EDIT, initiative or programme)
    if initiative is not None and initiative.programme_id != programme.pk:
        raise ValidationError(_("The initiative belongs to another programme."))
    # Lock the programme row so two people saving at once get different version numbers.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    latest = RealisationPlan.objects.filter(programme=programme, initiative=initiative).aggregate(
        latest=Max("version")
    )["latest"]
    plan = RealisationPlan(
        programme=programme,
        initiative=initiative,
        version=(latest or 0) + 1,
        note=note,
        content=build_plan(programme=programme, initiative=initiative),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    return object_create(plan, acting_user=acting_user)
