"""Optimistic locking: an edit made from an old copy of an object is refused, not saved over
a change made since.

Objects people edit in forms and over the API (initiatives, benefits, proposals) have a
``version`` that every saved change moves on (:func:`bump`, called by
``core.services.object_update``). A page carries the version it showed in a hidden field, an
API client sends the ETag it read in ``If-Match``; the service calls :func:`check_version`
first, which compares with the stored version under a row lock, so of two people saving from
the same state the second gets a :class:`VersionConflict` (409 on the page, 412 in the API)
instead of silently undoing the first one's change.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionConflict(Exception):
    """Someone saved the object after the version the editor started from."""

    def __init__(self, instance: models.Model, expected: int, current: int | None) -> None:
        self.instance = instance
        self.expected = expected
        self.current = current
        super().__init__(
            f"{instance._meta.label} {instance.pk}: edited from version {expected}, "
            f"stored version is {current}"
        )

    @property
    def message(self) -> str:
        return str(
            _(
                "Someone else saved changes here after you opened this form, so your changes "
                "were not saved. What you typed is kept below: open the page in a new tab to "
                "see the other changes, then save again to replace them."
            )
        )


def is_versioned(instance: models.Model) -> bool:
    return any(f.name == "version" for f in instance._meta.concrete_fields)


def check_version(instance: models.Model, expected: int | None) -> None:
    """Refuse the edit when ``expected`` (the version the editor saw) is not the stored one.

    ``None`` means the caller does not lock (imports, the system, an API client sending no
    ``If-Match``): nothing is checked. The stored row is locked until the transaction ends
    (``select_for_update``; SQLite's immediate transactions serialise writers anyway), so
    two saves from one version cannot both pass. Call it inside the service's transaction.
    """
    if expected is None or instance.pk is None:
        return
    current = (
        type(instance)
        ._base_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current != expected:
        raise VersionConflict(instance, expected, current)
    instance.version = current  # type: ignore[attr-defined]


def bump(instance: models.Model) -> None:
    """Move a versioned object's version on, before it is saved."""
    if is_versioned(instance):
        instance.version = (instance.version or 0) + 1  # type: ignore[attr-defined]


# -- HTTP: ETag and If-Match ----------------------------------------------------------------

_ETAG = re.compile(r'^(?:W/)?"v(\d{1,18})"$')


def etag(instance: models.Model) -> str:
    """The object's entity tag: its version, quoted (``"v3"``)."""
    return f'"v{instance.version}"'  # type: ignore[attr-defined]


def expected_from_if_match(header: str | None, instance: models.Model) -> int | None:
    """The version an ``If-Match`` header asks for: ``None`` when absent or ``*`` (any
    version); a version that can never match (``-1``) for a tag that is not one of ours, so
    the update is refused as stale rather than applied. Weak tags never match (RFC 9110
    compares If-Match strongly)."""
    if header is None or header.strip() == "":
        return None
    tags = [t.strip() for t in header.split(",") if t.strip()]
    if "*" in tags:
        return None
    versions = []
    for tag in tags:
        found = _ETAG.match(tag)
        if found and not tag.startswith("W/"):
            versions.append(int(found.group(1)))
    current = getattr(instance, "version", None)
    if current in versions:
        return current
    return versions[0] if versions else -1
