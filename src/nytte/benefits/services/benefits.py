"""Benefits and the initiatives' shares of them: create, change, delete, and the owner's
confirmation of the estimate; the defaults and checks every face shares."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nytte.core import history
from nytte.core.actors import Actor, actor_user, is_system
from nytte.core.concurrency import check_version
from nytte.core.models import Programme, ProgrammeMembership, User
from nytte.core.permissions import Action, can, check
from nytte.core.services import object_create, object_delete, object_update
from nytte.portfolio.models import Initiative, Risk

from ..choices import BenefitKind
from ..models import (
    Benefit,
    Contribution,
)

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


def check_shares(benefit: Benefit, shares: Mapping[int, Decimal]) -> None:
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
    check_shares(benefit, {pk: share for pk, (_i, share) in wanted.items()})
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
    expected_version: int | None = None,
) -> Benefit:
    """Change a benefit; ``expected_version`` (the version the editor started from) refuses
    a stale edit with :class:`~nytte.core.concurrency.VersionConflict`."""
    check(acting_user, Action.EDIT, benefit)
    check_version(benefit, expected_version)
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
