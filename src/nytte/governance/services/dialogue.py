"""Items for the governance dialogue between a ministry and its agency: expectations to
write into the allocation letter and topics for the next governance meeting. Added by hand
or from a decision (an escalated case adds one itself); facilitators and programme admins
(``FACILITATE``) add, change and remove them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nytte.core.actors import Actor, require_actor
from nytte.core.choices import OrganisationKind
from nytte.core.models import Programme
from nytte.core.permissions import Action, require
from nytte.core.services import object_create, object_delete, object_update

from ..models import Decision, DialogueItem


def _check(item: DialogueItem) -> None:
    errors: dict[str, str] = {}
    if item.ministry_id and item.ministry.kind != OrganisationKind.MINISTRY:
        errors["ministry"] = _("Choose a ministry.")
    if item.decision_id and item.decision.case.programme_id != item.programme_id:
        errors["decision"] = _("The decision belongs to another programme.")
    if item.case_id and item.case.programme_id != item.programme_id:
        errors["case"] = _("The case belongs to another programme.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def dialogue_item_create(
    *, programme: Programme, data: Mapping[str, Any], acting_user: Actor
) -> DialogueItem:
    require(require_actor(acting_user), Action.FACILITATE, programme)
    item = DialogueItem(programme=programme, **data)
    if item.decision_id and not item.case_id:
        item.case = item.decision.case
    _check(item)
    return object_create(item, acting_user=acting_user)


def dialogue_item_from_decision(
    *, decision: Decision, data: Mapping[str, Any], acting_user: Actor
) -> DialogueItem:
    return dialogue_item_create(
        programme=decision.case.programme,
        data={"decision": decision, "case": decision.case, **data},
        acting_user=acting_user,
    )


@transaction.atomic
def dialogue_item_update(
    *, item: DialogueItem, data: Mapping[str, Any], acting_user: Actor
) -> DialogueItem:
    require(require_actor(acting_user), Action.FACILITATE, item)
    for name, value in data.items():
        setattr(item, name, value)
    _check(item)
    return object_update(item, acting_user=acting_user, data=data)


@transaction.atomic
def dialogue_item_delete(*, item: DialogueItem, acting_user: Actor) -> None:
    require(require_actor(acting_user), Action.FACILITATE, item)
    object_delete(item, acting_user=acting_user)
