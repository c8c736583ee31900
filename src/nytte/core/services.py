"""Writes to core objects, and the generic create/update/delete that register services reuse.

Each function is atomic, validates with ``full_clean`` and writes the change log.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from . import concurrency, history
from .actors import Actor, is_system, require_actor
from .choices import Role
from .models import (
    ApiToken,
    Organisation,
    OrganisationMembership,
    Programme,
    ProgrammeMembership,
    User,
    hash_token,
)
from .permissions import Action, check, check_site_admin, forget_roles
from .signals import programme_created

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
    concurrency.bump(instance)
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    history.log_update(instance, acting_user=acting_user, before=before)
    return instance


@transaction.atomic
def object_delete(instance: models.Model, *, acting_user: Actor) -> None:
    """Delete and log; a row that other records still point at (``on_delete=PROTECT``, such
    as an initiative a decision case is about) is refused with a message naming them,
    instead of a server error, and nothing is written."""
    try:
        with transaction.atomic():
            history.log_delete(instance, acting_user=acting_user)
            instance.delete()
    except (models.ProtectedError, models.RestrictedError) as exc:
        raise ValidationError(protected_message(instance, exc.args[1]), code="protected") from exc


def protected_message(instance: models.Model, blocking: Iterable[models.Model]) -> str:
    counts: dict[str, int] = {}
    for obj in blocking:
        name = str(obj._meta.verbose_name_plural)
        counts[name] = counts.get(name, 0) + 1
    others = ", ".join(f"{name} ({n})" for name, n in sorted(counts.items()))
    return _("%(object)s cannot be deleted while other records refer to it: %(others)s.") % {
        "object": instance,
        "others": others,
    }


def organisation_create(
    *,
    name: str,
    orgnr: str,
    kind: str,
    short_name: str = "",
    parent: Organisation | None = None,
    acting_user: Actor,
) -> Organisation:
    """A new organisation, its number checked (modulus 11): for site administrators."""
    check_site_admin(acting_user)
    organisation = Organisation(
        name=name, orgnr=orgnr.replace(" ", ""), kind=kind, short_name=short_name, parent=parent
    )
    return object_create(organisation, acting_user=acting_user)


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, data: Mapping[str, Any], acting_user: Actor
) -> Organisation:
    """Change an organisation's name, number, kind or parent: for site administrators."""
    check_site_admin(acting_user)
    data = dict(data)
    if "orgnr" in data:
        data["orgnr"] = str(data["orgnr"]).replace(" ", "")
    parent = data.get("parent", organisation.parent)
    while parent is not None:
        if parent.pk == organisation.pk:
            raise ValidationError(
                {"parent": _("An organisation cannot be placed under itself.")},
                code="organisation_cycle",
            )
        parent = parent.parent
    return object_update(organisation, acting_user=acting_user, data=data)


@transaction.atomic
def programme_create(
    *,
    name: str,
    slug: str,
    owner: Organisation,
    participants: Iterable[Organisation] = (),
    vision: str = "",
    acting_user: Actor,
) -> Programme:
    """A new programme with its owner among the participants: for site administrators."""
    check_site_admin(acting_user)
    programme = Programme(name=name, slug=slug, owner=owner, vision=vision)
    object_create(programme, acting_user=acting_user, m2m={"participants": [owner, *participants]})
    # Domain apps add what every programme starts with (core imports none of them).
    programme_created.send(sender=Programme, programme=programme, acting_user=acting_user)
    return programme


# What only a programme admin changes; the frame (vision, target picture, period) is open to
# everyone who may edit the register (facilitators too).
PROGRAMME_ADMIN_FIELDS = frozenset(
    {
        "name",
        "behind_plan_tolerance",
        "public_form_open",
        "public_form_intro",
        "publish_overview",
        "match_across",
    }
)


@transaction.atomic
def programme_update(
    *, programme: Programme, data: Mapping[str, Any], acting_user: Actor
) -> Programme:
    """Vision, target picture and period for programme admins and facilitators; the name,
    the behind-plan tolerance and the public form for programme admins only.

    Here, not in the portfolio app, because the programme is a core object that the API's
    core router and the portfolio's import both change. The system may change anything.
    """
    check(require_actor(acting_user), Action.EDIT, programme)
    changed = {name for name, value in data.items() if getattr(programme, name) != value}
    if changed & PROGRAMME_ADMIN_FIELDS:
        check(acting_user, Action.ADMINISTER, programme)
    return object_update(programme, acting_user=acting_user, data=data)


@transaction.atomic
def programme_participant_add(
    *, programme: Programme, organisation: Organisation, acting_user: Actor
) -> Programme:
    """Let an organisation take part in a programme (programme admins)."""
    check(acting_user, Action.ADMINISTER, programme)
    current = list(programme.participants.all())
    if organisation in current:
        return programme
    return object_update(
        programme, acting_user=acting_user, data={}, m2m={"participants": [*current, organisation]}
    )


@transaction.atomic
def programme_participant_remove(
    *, programme: Programme, organisation: Organisation, acting_user: Actor
) -> Programme:
    """An organisation leaves a programme; the owning organisation cannot leave its own."""
    check(acting_user, Action.ADMINISTER, programme)
    if organisation.pk == programme.owner_id:
        raise ValidationError(
            _("%(name)s owns the programme and cannot leave it.") % {"name": organisation},
            code="owner_leaves",
        )
    current = list(programme.participants.all())
    if organisation not in current:
        return programme
    return object_update(
        programme,
        acting_user=acting_user,
        data={},
        m2m={"participants": [o for o in current if o.pk != organisation.pk]},
    )


def refuse_last_admin(membership: ProgrammeMembership) -> None:
    """A programme always keeps at least one active programme admin: without one, nobody
    could manage its people any more (the rule for removing and for changing a role)."""
    if membership.role != Role.PROGRAMME_ADMIN:
        return
    others = (
        ProgrammeMembership.objects.select_for_update()
        .filter(programme_id=membership.programme_id, role=Role.PROGRAMME_ADMIN)
        .filter(user__is_active=True)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError(
            _(
                "%(name)s is the programme's last programme admin. Make someone else "
                "programme admin first."
            )
            % {"name": membership.user.display_name},
            code="last_programme_admin",
        )


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")}, code="invalid_role")


@transaction.atomic
def programme_membership_add(
    *, programme: Programme, user: User, role: str, acting_user: Actor
) -> ProgrammeMembership:
    """Give a person a role in a programme (programme admins, site admins and the system);
    giving a role the person already has changes nothing."""
    check(acting_user, Action.ADMINISTER, programme)
    _check_role(role)
    if not user.is_active:
        raise ValidationError(
            {"user": _("%(name)s's account is closed.") % {"name": user.display_name}},
            code="inactive_user",
        )
    membership = ProgrammeMembership.objects.filter(
        programme=programme, user=user, role=role
    ).first()
    if membership is None:
        membership = object_create(
            ProgrammeMembership(programme=programme, user=user, role=role),
            acting_user=acting_user,
        )
        forget_roles(user)
    return membership


@transaction.atomic
def programme_membership_change_role(
    *, membership: ProgrammeMembership, role: str, acting_user: Actor
) -> ProgrammeMembership:
    """Give a membership another role. Where the person already has that role, this one is
    dropped instead. The last programme admin keeps the role."""
    check(acting_user, Action.ADMINISTER, membership.programme)
    _check_role(role)
    if membership.role == role:
        return membership
    refuse_last_admin(membership)
    existing = ProgrammeMembership.objects.filter(
        programme_id=membership.programme_id, user_id=membership.user_id, role=role
    ).first()
    if existing is not None:
        object_delete(membership, acting_user=acting_user)
        forget_roles(membership.user)
        return existing
    object_update(membership, acting_user=acting_user, data={"role": role})
    forget_roles(membership.user)
    return membership


@transaction.atomic
def programme_membership_remove(*, membership: ProgrammeMembership, acting_user: Actor) -> None:
    """Take a role away (programme admins); the last programme admin is never removed."""
    check(acting_user, Action.ADMINISTER, membership.programme)
    refuse_last_admin(membership)
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
def api_token_create(
    *,
    user: User,
    name: str,
    acting_user: Actor,
    expires_at: dt.datetime | None = None,
    read_only: bool = False,
) -> tuple[ApiToken, str]:
    """Create a token; the plain key is returned once and never stored (nor logged)."""
    _may_manage_tokens_of(acting_user, user)
    key = "nyt_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[:10],
        key_hash=hash_token(key),
        expires_at=expires_at,
        read_only=read_only,
    )
    return object_create(token, acting_user=acting_user), key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, acting_user: Actor) -> None:
    """Revoke (delete) a token; the change log keeps that it existed and who revoked it."""
    _may_manage_tokens_of(acting_user, token.user)
    object_delete(token, acting_user=acting_user)
