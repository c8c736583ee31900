"""Realisation plans: each saved version is kept as it was."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from nytte.core.actors import Actor, actor_user
from nytte.core.models import Programme
from nytte.core.permissions import Action, check
from nytte.core.services import object_create
from nytte.portfolio.models import Initiative

from ..models import (
    RealisationPlan,
)

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
    from ..plan import build_plan  # the plan reads selectors; import here to keep this light

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
