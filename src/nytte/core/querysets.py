"""The queryset gate: object access checked in one place that is also the default path.

Every programme-scoped model declares where its programme is and gets ``for_user``::

    class Risk(models.Model):
        objects = ScopedQuerySet.as_manager(programme_path="initiative__programme")

    Risk.objects.for_user(request.user)                  # what the user may see
    Risk.objects.for_user(request.user, Action.EDIT)     # where their roles let them edit

Selectors, lists, exports and API lists start from ``for_user`` so that forgetting the
check is not possible by accident. Owner rights on single objects ("an owner edits what
they own") stay with ``permissions.can`` / ``check``; the gate answers by programme roles,
plus what the actor owns when ``action`` is ``EDIT`` and the model knows its owners.
``core.permissions`` remains the table of roles and actions.
"""

from __future__ import annotations

from typing import Any, Self

from django.db import models

from .actors import is_system, require_actor
from .choices import Role
from .permissions import Action, programme_ids_for, roles_by_programme


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows the lookup from its model to the owning programme."""

    programme_path: str | tuple[str, ...] = "programme"
    # Lookup from the model to the user who owns it (e.g. "owner_person"), if any: owners
    # get EDIT on what they own (permissions.OWNER_ACTIONS), so the gate includes those rows.
    owner_path: str | None = None

    def _paths(self) -> tuple[str, ...]:
        # A model that belongs to one of several parents (a cost-benefit line belongs to an
        # initiative or a proposal) names one path per parent; a row matches through any.
        path = self.programme_path
        return (path,) if isinstance(path, str) else tuple(path)

    def _in(self, suffix: str, value: Any) -> models.Q:
        allowed = models.Q()
        for path in self._paths():
            lookup = ("pk" if path == "" else path) + suffix
            allowed |= models.Q(**{lookup: value})
        return allowed

    def in_programme(self, programme: Any) -> Self:
        return self.filter(self._in("", programme))

    def for_user(self, user: Any, action: Action = Action.VIEW) -> Self:
        """Rows in programmes where ``user``'s roles allow ``action`` (all for the system)."""
        require_actor(user)
        if is_system(user):
            return self
        ids = programme_ids_for(user, action)
        if ids is None:
            return self
        allowed = self._in("__in", ids)
        if action is Action.EDIT and self.owner_path and getattr(user, "is_authenticated", False):
            owned_in = [p for p, roles in roles_by_programme(user).items() if Role.OWNER in roles]
            allowed |= models.Q(**{self.owner_path: user}) & self._in("__in", owned_in)
        return self.filter(allowed)


def scoped_manager(
    programme_path: str | tuple[str, ...], owner_path: str | None = None
) -> models.Manager:
    """A manager whose querysets gate on ``programme_path`` (and ``owner_path`` for EDIT);
    a tuple of paths matches a row through any of them."""
    queryset_class = type(
        "ScopedQuerySet",
        (ScopedQuerySet,),
        {"programme_path": programme_path, "owner_path": owner_path, "__module__": __name__},
    )
    return models.Manager.from_queryset(queryset_class)()
