"""Writes to core objects, and the generic create/update/delete that register services reuse.

Each function is atomic, validates with ``full_clean`` and writes the change log.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models, transaction

from . import history
from .models import (
    ApiToken,
    Organisation,
    OrganisationMembership,
    Programme,
    ProgrammeMembership,
    User,
    hash_token,
)
from .permissions import Action, check, forget_roles
from .signals import programme_created

M = TypeVar("M", bound=models.Model)


@transaction.atomic
def object_create(
    instance: M, *, acting_user: Any, m2m: Mapping[str, Iterable[Any]] | None = None
) -> M:
    instance.full_clean()
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    history.log_create(instance, acting_user=acting_user)
    return instance


@transaction.atomic
def object_update(
    instance: M,
    *,
    acting_user: Any,
    data: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
) -> M:
    """Apply field values, validate, save, and log the difference (nothing if unchanged)."""
    before = history.snapshot(instance)
    for name, value in data.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    history.log_update(instance, acting_user=acting_user, before=before)
    return instance


@transaction.atomic
def object_delete(instance: models.Model, *, acting_user: Any) -> None:
    history.log_delete(instance, acting_user=acting_user)
    instance.delete()


def organisation_create(
    *,
    name: str,
    orgnr: str,
    kind: str,
    short_name: str = "",
    parent: Organisation | None = None,
    acting_user: Any,
) -> Organisation:
    organisation = Organisation(
        name=name, orgnr=orgnr.replace(" ", ""), kind=kind, short_name=short_name, parent=parent
    )
    return object_create(organisation, acting_user=acting_user)


@transaction.atomic
def programme_create(
    *,
    name: str,
    slug: str,
    owner: Organisation,
    participants: Iterable[Organisation] = (),
    vision: str = "",
    acting_user: Any,
) -> Programme:
    programme = Programme(name=name, slug=slug, owner=owner, vision=vision)
    object_create(programme, acting_user=acting_user, m2m={"participants": [owner, *participants]})
    # Domain apps add what every programme starts with (core imports none of them).
    programme_created.send(sender=Programme, programme=programme, acting_user=acting_user)
    return programme


@transaction.atomic
def programme_update(
    *, programme: Programme, data: Mapping[str, Any], acting_user: Any
) -> Programme:
    """Vision, target picture and period: for programme admins and facilitators.

    Here, not in the portfolio app, because the programme is a core object that the API's
    core router and the portfolio's import both change. ``acting_user=None`` is the system.
    """
    if acting_user is not None:
        check(acting_user, Action.EDIT, programme)
    return object_update(programme, acting_user=acting_user, data=data)


@transaction.atomic
def programme_membership_add(
    *, programme: Programme, user: User, role: str, acting_user: Any
) -> ProgrammeMembership:
    membership, created = ProgrammeMembership.objects.get_or_create(
        programme=programme, user=user, role=role
    )
    if created:
        history.log_create(membership, acting_user=acting_user)
        forget_roles(user)
    return membership


@transaction.atomic
def programme_membership_remove(*, membership: ProgrammeMembership, acting_user: Any) -> None:
    object_delete(membership, acting_user=acting_user)
    forget_roles(membership.user)


def organisation_membership_add(
    *, organisation: Organisation, user: User, role: str
) -> OrganisationMembership:
    membership, _ = OrganisationMembership.objects.get_or_create(
        organisation=organisation, user=user, role=role
    )
    return membership


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the plain key is returned once and never stored."""
    key = "nyt_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:10], key_hash=hash_token(key))
    return token, key
