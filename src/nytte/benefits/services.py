"""Writes to the benefits register. Each is atomic, checks the acting actor's rights
(``acting_user: Actor``: a user, or the system for the demo and the command line) and logs
the change. Pages, the API, the Excel imports, the commands and the admin all come here.

Facilitators and programme admins edit everything; a benefit's owner (the named person, or
someone with the owner role in the owning organisation) edits that benefit, its yearly
amounts, indicators, targets and measurements — even when the initiatives behind it belong
to another agency, which the owner then cannot edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from nytte.core import history
from nytte.core.actors import Actor, actor_user, is_system
from nytte.core.models import Programme, ProgrammeMembership, User
from nytte.core.permissions import Action, can, check
from nytte.core.services import object_create, object_delete, object_update
from nytte.portfolio.models import Initiative, Risk

from .choices import BenefitKind
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
    benefit: Benefit, shares: Mapping[Initiative, Decimal | int | float], acting_user: Actor
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


def default_priced(kind: str) -> bool:
    """Whether a benefit of ``kind`` is priced when nobody says: every kind but quality gains
    for the state, which are counted in physical units. The API, the sheet and the page
    (through the model's default) all take it from here."""
    return kind != BenefitKind.QUALITY


def _check_owner(programme: Programme, owner: User | None) -> None:
    """The named owner must be a member of the programme (any role): someone outside it
    could neither see the benefit nor answer for it."""
    if owner is None:
        return
    if not ProgrammeMembership.objects.filter(programme=programme, user=owner).exists():
        raise ValidationError(
            {
                "owner": _("%(user)s is not a member of the programme.")
                % {"user": owner.get_username()}
            },
            code="owner_not_member",
        )


@transaction.atomic
def benefit_create(
    *,
    programme: Programme,
    data: Mapping[str, Any],
    contributions: Mapping[Initiative, Decimal | int | float] | None = None,
    risks: Iterable[Risk] = (),
    acting_user: Actor,
) -> Benefit:
    check(acting_user, Action.EDIT, programme)
    data = dict(data)
    if "priced" not in data and "kind" in data:
        data["priced"] = default_priced(data["kind"])
    _check_owner(programme, data.get("owner"))
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
    acting_user: Actor,
) -> Benefit:
    check(acting_user, Action.EDIT, benefit)
    if "programme" in data and data["programme"] != benefit.programme:
        raise ValidationError({"programme": _("A benefit cannot move to another programme.")})
    changed = {
        name
        for name, value in data.items()
        if name in ESTIMATE_FIELDS and getattr(benefit, name) != value
    }
    data = dict(data)
    if "owner" in changed:
        _check_owner(benefit.programme, data["owner"])
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


def _set_risks(benefit: Benefit, risks: list[Risk], acting_user: Actor) -> None:
    foreign = [r for r in risks if r.initiative.programme_id != benefit.programme_id]
    if foreign:
        raise ValidationError({"risks": _("A linked risk belongs to another programme.")})
    before = history.snapshot(benefit)
    benefit.risks.set(risks)
    history.log_update(benefit, acting_user=acting_user, before=before)


@transaction.atomic
def benefit_delete(*, benefit: Benefit, acting_user: Actor) -> None:
    check(acting_user, Action.EDIT, benefit.programme)
    object_delete(benefit, acting_user=acting_user)


def may_confirm(acting_user: Actor, benefit: Benefit) -> bool:
    """Whether ``acting_user`` may confirm the estimate: the benefit's owner (named, or with
    the owner role in the owning organisation) who may also edit it. Confirming is a write,
    so a viewer named as owner may not; a facilitator who is not the owner may not either,
    since confirming on someone's behalf would defeat the point. The system may (the demo)."""
    if benefit.owner_organisation_id is None:
        return False
    if is_system(acting_user):
        return True
    if not getattr(acting_user, "is_authenticated", False):
        return False
    return can(acting_user, Action.EDIT, benefit) and benefit.is_owned_by(acting_user)


@transaction.atomic
def benefit_confirm(*, benefit: Benefit, acting_user: Actor) -> Benefit:
    """The owner confirms that the estimate is theirs (the Digitalisation Council's advice).
    See :func:`may_confirm` for who may."""
    check(acting_user, Action.VIEW, benefit)
    if benefit.owner_organisation_id is None:
        raise ValidationError(_("Name the owning organisation before the owner confirms."))
    if not may_confirm(acting_user, benefit):
        raise PermissionDenied(_("Only the benefit's owner can confirm the estimate."))
    return object_update(
        benefit,
        acting_user=acting_user,
        data={"confirmed_by": actor_user(acting_user), "confirmed_on": timezone.localdate()},
    )


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


def _line_create(instance: M, acting_user: Actor) -> M:
    check(acting_user, Action.EDIT, instance)
    return object_create(instance, acting_user=acting_user)


def _line_update(instance: M, data: Mapping[str, Any], acting_user: Actor, *, parent: str) -> M:
    check(acting_user, Action.EDIT, instance)
    if parent in data and getattr(instance, f"{parent}_id") != getattr(data[parent], "pk", None):
        raise ValidationError(_("A line cannot move to another benefit or indicator."))
    return object_update(instance, acting_user=acting_user, data=data)


def _line_delete(instance: models.Model, acting_user: Actor) -> None:
    check(acting_user, Action.EDIT, instance)
    object_delete(instance, acting_user=acting_user)


# -- contributions: an initiative's share, the shares of a benefit at most 100 % together


def _check_contribution(contribution: Contribution) -> None:
    others = Contribution.objects.filter(benefit_id=contribution.benefit_id).exclude(
        pk=contribution.pk
    )
    shares = dict(others.values_list("initiative_id", "share"))
    shares[contribution.initiative_id] = Decimal(str(contribution.share or 0))
    _check_shares(contribution.benefit, shares)


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
    return _line_update(contribution, data, acting_user, parent="benefit")


@transaction.atomic
def contribution_delete(*, contribution: Contribution, acting_user: Actor) -> None:
    _line_delete(contribution, acting_user)


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
    amount = _line_create(BenefitAmount(benefit=benefit, **fields), acting_user)
    _amounts_changed(benefit, acting_user)
    return amount


@transaction.atomic
def amount_update(
    *, amount: BenefitAmount, data: Mapping[str, Any], acting_user: Actor
) -> BenefitAmount:
    _line_update(amount, data, acting_user, parent="benefit")
    _amounts_changed(amount.benefit, acting_user)
    return amount


@transaction.atomic
def amount_delete(*, amount: BenefitAmount, acting_user: Actor) -> None:
    _line_delete(amount, acting_user)
    _amounts_changed(amount.benefit, acting_user)


# -- indicators and targets


@transaction.atomic
def indicator_create(*, benefit: Benefit, acting_user: Actor, **fields: Any) -> Indicator:
    return _line_create(Indicator(benefit=benefit, **fields), acting_user)


@transaction.atomic
def indicator_update(
    *, indicator: Indicator, data: Mapping[str, Any], acting_user: Actor
) -> Indicator:
    return _line_update(indicator, data, acting_user, parent="benefit")


@transaction.atomic
def indicator_delete(*, indicator: Indicator, acting_user: Actor) -> None:
    _line_delete(indicator, acting_user)


@transaction.atomic
def target_create(*, indicator: Indicator, acting_user: Actor, **fields: Any) -> Target:
    return _line_create(Target(indicator=indicator, **fields), acting_user)


@transaction.atomic
def target_update(*, target: Target, data: Mapping[str, Any], acting_user: Actor) -> Target:
    return _line_update(target, data, acting_user, parent="indicator")


@transaction.atomic
def target_delete(*, target: Target, acting_user: Actor) -> None:
    _line_delete(target, acting_user)


# -- measurements: one is appended as a batch of one, so every path has the same rules


@transaction.atomic
def measurement_create(
    *,
    indicator: Indicator,
    date: dt.date,
    value: Decimal | int | float | str,
    source: str = "",
    comment: str = "",
    acting_user: Actor,
) -> Measurement:
    """Record one measurement: :func:`measurements_append` with one row, whose refusal comes
    back as a ``ValidationError`` on the field it concerns."""
    row = MeasurementRow(
        indicator=indicator,
        date=date,
        value=value if isinstance(value, Decimal) else Decimal(str(value)),
        source=source or "",
        comment=comment or "",
    )
    check(acting_user, Action.EDIT, indicator)  # 403/404 as for the other lines
    try:
        return measurements_append([row], acting_user=acting_user)[0]
    except BulkError as exc:
        errors: dict[str, list[str]] = {}
        for refusal in exc.refusals:
            errors.setdefault(refusal.field or NON_FIELD_ERRORS, []).append(refusal.message)
        raise ValidationError(errors) from exc


@transaction.atomic
def measurement_update(
    *, measurement: Measurement, data: Mapping[str, Any], acting_user: Actor
) -> Measurement:
    return _line_update(measurement, data, acting_user, parent="indicator")


@transaction.atomic
def measurement_delete(*, measurement: Measurement, acting_user: Actor) -> None:
    _line_delete(measurement, acting_user)


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
    where: Hashable = ""


@dataclass(frozen=True)
class Refusal:
    """Why a row was refused; ``field`` is the one it concerns (benefit, indicator, date,
    value, source, comment) or "" for the row as a whole."""

    where: Hashable
    field: str
    message: str


class BulkError(ValidationError):
    """Every refused row, so the sender can fix them all at once; nothing was saved."""

    def __init__(self, refusals: list[Refusal]):
        self.refusals = refusals
        super().__init__([f"{r.where}: {r.message}" if r.where else r.message for r in refusals])


@transaction.atomic
def measurements_append(rows: Sequence[MeasurementRow], *, acting_user: Actor) -> list[Measurement]:
    """Append measurements all or nothing: one bad row (no right to the benefit, a date that
    already has a measurement, a duplicate in the batch, a value out of range) and none is
    saved. The one path for measurements: a single one is a batch of one."""
    refusals: list[Refusal] = []
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
            refusals.append(Refusal(row.where, "benefit", refusal))
        elif key in existing:
            refusals.append(
                Refusal(
                    row.where,
                    "date",
                    _("%(indicator)s already has a measurement on %(date)s.")
                    % {"indicator": row.indicator.name, "date": row.date.isoformat()},
                )
            )
        elif key in seen:
            refusals.append(
                Refusal(
                    row.where,
                    "date",
                    _("%(indicator)s has two measurements on %(date)s in this batch.")
                    % {"indicator": row.indicator.name, "date": row.date.isoformat()},
                )
            )
        seen.add(key)
    if refusals:
        raise BulkError(refusals)
    recorded_by = actor_user(acting_user)
    created = []
    for row in rows:
        measurement = Measurement(
            indicator=row.indicator,
            date=row.date,
            value=row.value,
            source=row.source,
            comment=row.comment,
            recorded_by=recorded_by,
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
            for name, messages in exc.message_dict.items():
                field = "" if name == NON_FIELD_ERRORS else name
                refusals.extend(Refusal(row.where, field, message) for message in messages)
            continue
        created.append(measurement)
    if refusals:
        raise BulkError(refusals)
    Measurement.objects.bulk_create(created)
    history.log_create_many(created, acting_user=acting_user)
    return created


def _may_record(acting_user: Actor, benefit: Benefit) -> str | None:
    if can(acting_user, Action.EDIT, benefit):
        return None
    # No role, or a role without the right: the same answer either way, say nothing more.
    return _("You may not record measurements for %(code)s.") % {"code": benefit.code}


# ---------------------------------------------------------------------------------------------
# Realisation plans: each saved version is kept as it was


@transaction.atomic
def realisation_plan_save(
    *,
    programme: Programme,
    initiative: Initiative | None = None,
    note: str = "",
    acting_user: Actor,
) -> RealisationPlan:
    """Freeze the plan as it stands now as the next version."""
    from .plan import build_plan  # the plan reads selectors; import here to keep this light

    check(acting_user, Action.EDIT, initiative or programme)
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
        content=build_plan(programme=programme, initiative=initiative, user=acting_user),
        created_by=actor_user(acting_user),
    )
    return object_create(plan, acting_user=acting_user)
