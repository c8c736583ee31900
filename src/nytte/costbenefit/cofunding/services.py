"""The one write of the co-funding check: the stored application facts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from nytte.core.actors import Actor, require_actor
from nytte.core.permissions import Action, check
from nytte.core.services import object_create, object_update
from nytte.portfolio.models import Initiative

from .models import CoFundingFacts

# ---------------------------------------------------------------------------------------------
# The one write


@transaction.atomic
def cofunding_save(
    *, initiative: Initiative, data: Mapping[str, Any], acting_user: Actor
) -> CoFundingFacts:
    """Store the application facts (its owners, facilitators and programme admins)."""
    check(require_actor(acting_user), Action.EDIT, initiative)
    existing = CoFundingFacts.objects.filter(initiative=initiative).first()
    if existing is None:
        return object_create(CoFundingFacts(initiative=initiative, **data), acting_user=acting_user)
    return object_update(existing, acting_user=acting_user, data=data)
