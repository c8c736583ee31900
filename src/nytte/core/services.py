"""Writes to core objects, and the generic create/update/delete that register services reuse.

Each function is atomic, validates with ``full_clean`` and writes the change log.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from . import history
from .actors import Actor, is_system, require_actor
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

M = TypeVar("M", bound=models.Model)


@transaction.atomic
def object_create(
    instance: M, *, acting_user: Actor, m2m: Mapping[str, Iterable[Any]] | None = None
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
    acting_user: Actor,
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
def object_delete(instance: models.Model, *, acting_user: Actor) -> None:
    history.log_delete(instance, acting_user=acting_user)
    instance.delete()


def organisation_create(
    *,
    name: str,
    orgnr: str,
    kind: str,
    short_name: str = "",
    parent: Organisation | None = None,
    acting_user: Actor,
) -> Organisation:
    organisation = Organisation(
        name=name, orgnr=orgnr.replace(" ", ""), kind=kind, short_name=short_name, parent=parent
    )
    return object_create(organisation, acting_user=acting_user)


def programme_create(
    *,
    name: str,
    slug: str,
    owner: Organisation,
    participants: Iterable[Organisation] = (),
    vision: str = "",
    acting_user: Actor,
) -> Programme:
    programme = Programme(name=name, slug=slug, owner=owner, vision=vision)
    return object_create(
        programme, acting_user=acting_user, m2m={"participants": [owner, *participants]}
    )


@transaction.atomic
def programme_update(
    *, programme: Programme, data: Mapping[str, Any], acting_user: Actor
) -> Programme:
    """Vision, target picture and period: for programme admins and facilitators.

    Here, not in the portfolio app, because the programme is a core object that the API's
    core router and the portfolio's import both change. The system may change any programme.
    """
    check(require_actor(acting_user), Action.EDIT, programme)
    return object_update(programme, acting_user=acting_user, data=data)


@transaction.atomic
def programme_membership_add(
    *, programme: Programme, user: User, role: str, acting_user: Actor
) -> ProgrammeMembership:
    require_actor(acting_user)
    membership, created = ProgrammeMembership.objects.get_or_create(
        programme=programme, user=user, role=role
    )
    if created:
        history.log_create(membership, acting_user=acting_user)
        forget_roles(user)
    return membership


@transaction.atomic
def programme_membership_remove(*, membership: ProgrammeMembership, acting_user: Actor) -> None:
    object_delete(membership, acting_user=acting_user)
    forget_roles(membership.user)


@transaction.atomic
def organisation_membership_add(
    *, organisation: Organisation, user: User, role: str, acting_user: Actor
) -> OrganisationMembership:
    membership, created = OrganisationMembership.objects.get_or_create(
        organisation=organisation, user=user, role=role
    )
    if created:
        history.log_create(membership, acting_user=require_actor(acting_user))
    return membership


def _may_manage_tokens_of(acting_user: Actor, user: User) -> None:
    """A user manages their own tokens; the system (the ``nytte token`` command) and
    superusers manage anyone's."""
    require_actor(acting_user)
    if is_system(acting_user):
        return
    if getattr(acting_user, "is_superuser", False) and acting_user.is_active:
        return
    if getattr(acting_user, "pk", None) != user.pk:
        raise PermissionDenied


@transaction.atomic
def api_token_create(*, user: User, name: str, acting_user: Actor) -> tuple[ApiToken, str]:
    """Create a token; the plain key is returned once and never stored (nor logged)."""
    _may_manage_tokens_of(acting_user, user)
    key = "nyt_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=key[:10], key_hash=hash_token(key))
    return object_create(token, acting_user=acting_user), key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, acting_user: Actor) -> None:
    """Revoke (delete) a token; the change log keeps that it existed and who revoked it."""
    _may_manage_tokens_of(acting_user, token.user)
    object_delete(token, acting_user=acting_user)
