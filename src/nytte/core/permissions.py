"""Who may do what: the one place every view, API endpoint, export and selector asks.

Rights come from a user's roles in a programme (ProgrammeMembership). Owners get edit
rights on the objects they own, not on the whole programme. Someone with no role in a
programme does not learn that its objects exist: ``check`` answers 404 there, 403 where the
user can see the object but not act on it.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from .actors import is_public, is_system, require_actor
from .choices import Role
from .models import Programme, ProgrammeMembership

M = TypeVar("M", bound=Model)
security_log = logging.getLogger("nytte.security")


class Action(StrEnum):
    VIEW = "view"
    CONTRIBUTE = "contribute"  # propose, comment, support, add evidence
    EDIT = "edit"  # change register objects
    FACILITATE = "facilitate"  # run harmonisation and assessment, prepare decisions
    DECIDE = "decide"  # take part in decisions in a forum
    ADMINISTER = "administer"  # programme settings and memberships


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.VIEW}),
    Role.CONTRIBUTOR: frozenset({Action.VIEW, Action.CONTRIBUTE}),
    Role.OWNER: frozenset({Action.VIEW, Action.CONTRIBUTE}),
    Role.FORUM_MEMBER: frozenset({Action.VIEW, Action.DECIDE}),
    # The facilitator runs the process but owns neither plans nor proposals, and does not decide.
    Role.FACILITATOR: frozenset({Action.VIEW, Action.CONTRIBUTE, Action.EDIT, Action.FACILITATE}),
    Role.PROGRAMME_ADMIN: frozenset(
        {Action.VIEW, Action.CONTRIBUTE, Action.EDIT, Action.FACILITATE, Action.ADMINISTER}
    ),
}

# Actions an owner gets on the objects they own (see ``Owned.is_owned_by``).
OWNER_ACTIONS: frozenset[Action] = frozenset({Action.EDIT})


class ProgrammeScoped(Protocol):
    def get_permission_programme(self) -> Programme: ...


class Owned(Protocol):
    def is_owned_by(self, user: Any) -> bool: ...


def _programme_of(obj: Programme | ProgrammeScoped) -> Programme:
    if isinstance(obj, Programme):
        return obj
    return obj.get_permission_programme()


def _load_memberships(user: Any) -> None:
    """A user's roles and the programmes they hold them in, in one query per request (the
    page header lists the programmes and nearly every page checks a role in one)."""
    collected: dict[int, set[str]] = {}
    programmes: dict[int, Programme] = {}
    memberships = ProgrammeMembership.objects.filter(user=user).select_related("programme__owner")
    for membership in memberships:
        collected.setdefault(membership.programme_id, set()).add(membership.role)
        programmes[membership.programme_id] = membership.programme
    user._nytte_programme_roles = {pid: frozenset(roles) for pid, roles in collected.items()}
    user._nytte_member_programmes = programmes


def roles_by_programme(user: Any) -> dict[int, frozenset[str]]:
    """All of a user's programme roles, read once and cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return {}
    if getattr(user, "_nytte_programme_roles", None) is None:
        _load_memberships(user)
    return user._nytte_programme_roles


def member_programmes(user: Any) -> list[Programme]:
    """The programmes a user holds a role in, by name, from the same read as the roles."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles_by_programme(user)
    return sorted(user._nytte_member_programmes.values(), key=lambda p: (p.name, p.pk))


def forget_roles(user: Any) -> None:
    """Drop the cached roles after memberships change."""
    for name in ("_nytte_programme_roles", "_nytte_member_programmes"):
        if hasattr(user, name):
            delattr(user, name)


def roles_in(user: Any, programme: Programme) -> frozenset[str]:
    return roles_by_programme(user).get(programme.pk, frozenset())


def programme_actions(user: Any, programme: Programme) -> frozenset[Action]:
    """What a user's roles allow in a programme as a whole."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return frozenset(Action)
    actions: set[Action] = set()
    for role in roles_in(user, programme):
        actions |= ROLE_ACTIONS[role]
    return frozenset(actions)


def can(user: Any, action: Action, obj: Programme | ProgrammeScoped) -> bool:
    """Whether an actor (a user, the system, a public proposer) may act on ``obj``.

    The system may do anything; a public proposer has no role anywhere (the services that
    accept one say so explicitly); ``None`` is a programming error and raises."""
    require_actor(user)
    if is_system(user):
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    programme = _programme_of(obj)
    actions = programme_actions(user, programme)
    if action in actions:
        return True
    if (
        action in OWNER_ACTIONS
        and Role.OWNER in roles_in(user, programme)
        and hasattr(obj, "is_owned_by")
    ):
        return bool(obj.is_owned_by(user))
    return False


def _who(user: Any) -> str:
    """An actor in a security log line: an id, never a name (``core.actors``)."""
    pk = getattr(user, "pk", None)
    if pk is not None:
        return f"user:{pk}"
    return str(user) if is_system(user) or is_public(user) else "anonymous"


def _denied(user: Any, action: Action, obj: Any, answer: int) -> None:
    security_log.warning(
        "Permission denied (%s): %s may not %s %s %s",
        answer,
        _who(user),
        action.value,
        obj._meta.label_lower,
        obj.pk,
    )


def check(user: Any, action: Action, obj: Programme | ProgrammeScoped) -> None:
    """Raise 404 where the user may not even see the object, 403 where they may not act.
    Each refusal is logged (``nytte.security``: who by id, the action and the object)."""
    if not can(user, Action.VIEW, obj):
        _denied(user, action, obj, 404)
        raise Http404
    if action is not Action.VIEW and not can(user, action, obj):
        _denied(user, action, obj, 403)
        raise PermissionDenied


def require(acting_user: Any, action: Action, obj: Programme | ProgrammeScoped) -> None:
    """``check`` for a service: the one gate every service's writes go through. The actor
    is explicit (``core.actors``): the system passes, ``None`` raises ``TypeError``."""
    check(require_actor(acting_user), action, obj)


def is_site_admin(user: Any) -> bool:
    """Whether an actor runs the whole site (creates programmes and organisations): an
    active superuser, or the system."""
    require_actor(user)
    if is_system(user):
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "is_superuser", False)
    )


def check_site_admin(user: Any) -> None:
    """403 unless the actor is a site administrator (see ``is_site_admin``)."""
    if not is_site_admin(user):
        raise PermissionDenied


def programme_ids_for(user: Any, action: Action = Action.VIEW) -> list[int] | None:
    """Ids of programmes where the user's roles allow ``action``; None means all of them."""
    if is_system(require_actor(user)):
        return None
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    return [
        pid
        for pid, roles in roles_by_programme(user).items()
        if any(action in ROLE_ACTIONS[role] for role in roles)
    ]


def restrict(
    queryset: QuerySet[M], user: Any, action: Action = Action.VIEW, field: str = "programme"
) -> QuerySet[M]:
    """Limit a queryset to objects in programmes where the user may do ``action``."""
    ids = programme_ids_for(user, action)
    if ids is None:
        return queryset
    lookup = "pk__in" if field == "" else f"{field}__in"
    return queryset.filter(**{lookup: ids})


def visible_programmes(user: Any, action: Action = Action.VIEW) -> QuerySet[Programme]:
    return restrict(Programme.objects.all(), user, action, field="")
