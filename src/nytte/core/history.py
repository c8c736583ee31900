"""The generic change log: every write to a register object goes through here.

Services call these with the acting user passed in explicitly, so changes made from the
CLI, the API and background tasks are recorded exactly like those made in pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile

from . import registercache, request_id
from .actors import actor_label, actor_user
from .choices import ChangeAction
from .models import ChangeLogEntry, OrganisationMembership, Programme

Snapshot = dict[str, Any]
IGNORED_FIELDS = {
    "id",
    "created_at",
    "updated_at",
    "password",
    "last_login",
    "register_version",
    "portfolio_version",
    "realisation_version",
    "pipeline_version",
    "version",
}
# The apps whose changes move a programme's ``portfolio_version`` on, and those whose changes
# move its ``pipeline_version`` (every logged change moves ``register_version``), unless the
# model names another version in ``history_version``.
PORTFOLIO_APPS = frozenset({"core", "portfolio", "benefits"})
PIPELINE_APPS = frozenset({"proposals"})
PORTFOLIO, REALISATION, PIPELINE = "portfolio", "realisation", "pipeline"


def version_moved_by(model: type[models.Model]) -> str | None:
    """Which of the programme's narrower versions a change to ``model`` moves on, beside
    ``register_version``: the model's own ``history_version``, else ``portfolio`` for the
    portfolio and benefits registers, ``pipeline`` for the proposal pipeline, else none."""
    named = getattr(model, "history_version", None)
    if named is not None:
        return named
    app = model._meta.app_label
    if app in PORTFOLIO_APPS:
        return PORTFOLIO
    return PIPELINE if app in PIPELINE_APPS else None


def _versions_moved(programme_ids: list[int], changed: list[models.Model]) -> None:
    """Move the programmes' register version on, and the narrower versions the changed
    objects' models belong to; then let each model that asks (``history_versions_moved``,
    a class method taking its changed objects) stamp what it keeps of the new version."""
    if not programme_ids:
        return
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for instance in changed:
        by_model.setdefault(type(instance), []).append(instance)
    moved: dict[str, Any] = {"register_version": models.F("register_version") + 1}
    for version in {version_moved_by(model) for model in by_model} - {None}:
        field = f"{version}_version"
        moved[field] = models.F(field) + 1
    Programme.objects.filter(pk__in=programme_ids).update(**moved)
    registercache.versions_moved(programme_ids, [f.removesuffix("_version") for f in moved])
    for model, instances in by_model.items():
        hook = getattr(model, "history_versions_moved", None)
        if hook is not None:
            hook(instances)


def _display(field: models.Field, instance: models.Model) -> Any:
    """A language-neutral value: choices keep their code, related objects their name."""
    if isinstance(field, models.ForeignKey):
        related = getattr(instance, field.name)
        return None if related is None else str(related)
    value = field.value_from_object(instance)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


REDACTED = "•••"


def snapshot(instance: models.Model) -> Snapshot:
    """Field values as stored in the change log. Fields a model names in
    ``history_redacted_fields`` (personal data that may have to be erased, secrets) are
    logged only as changed or not, never with their value."""
    data: Snapshot = {}
    redacted = getattr(instance, "history_redacted_fields", ())
    for field in instance._meta.concrete_fields:
        if field.name in IGNORED_FIELDS:
            continue
        value = _display(field, instance)
        data[field.name] = (REDACTED if value else "") if field.name in redacted else value
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            data[field.name] = sorted(str(o) for o in getattr(instance, field.name).all())
    return data


def diff(before: Snapshot, after: Snapshot) -> dict[str, dict[str, Any]]:
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def _programme_for(instance: models.Model) -> Programme | None:
    if isinstance(instance, Programme):
        return instance
    getter = getattr(instance, "get_permission_programme", None)
    return getter() if getter else None


def acting_organisation(user: Any) -> QuerySet[Any]:
    """The organisation a user acts for (their first organisation membership) as a query of
    one ``organisation_id``: a read before a write can take it along as a ``Subquery`` and
    hand it to ``remember_acting_organisation``, so the change log need not ask."""
    return (
        OrganisationMembership.objects.filter(user=user)
        .order_by("pk")
        .values("organisation_id")[:1]
    )


def remember_acting_organisation(user: Any, organisation_id: int | None) -> None:
    """The organisation ``user`` acts for, as read along by ``acting_organisation``."""
    user._nytte_organisation_id = organisation_id


def _organisation_id(user: Any) -> int | None:
    """The organisation a user acts for: their first organisation membership, looked up
    once per user object (a request's writes share it)."""
    if user is None:
        return None
    cached = getattr(user, "_nytte_organisation_id", False)
    if cached is False:
        row = acting_organisation(user).first()
        cached = None if row is None else row["organisation_id"]
        user._nytte_organisation_id = cached
    return cached


def _actor_fields(acting_user: Any) -> dict[str, Any]:
    """Who acted, as stored: the user, what acted when no user did (``None`` raises), the
    organisation the user acts for, and the request it happened in."""
    user = actor_user(acting_user)
    return {
        "actor": user,
        "actor_label": actor_label(acting_user),
        "organisation_id": _organisation_id(user),
        "request_id": request_id.current(),
    }


def _write(
    instance: models.Model, action: str, acting_user: Any, changes: dict[str, Any]
) -> ChangeLogEntry:
    actor_fields = _actor_fields(acting_user)
    programme = _programme_for(instance)
    if programme is not None and programme.pk is not None:
        _versions_moved([programme.pk], [instance])
    return ChangeLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        changes=changes,
        **actor_fields,
        programme=programme,
    )


def log_create(instance: models.Model, *, acting_user: Any) -> ChangeLogEntry:
    return _write(instance, ChangeAction.CREATE, acting_user, diff({}, snapshot(instance)))


def log_create_many(instances: list[models.Model], *, acting_user: Any) -> None:
    """Log many new objects at once (bulk appends): one insert, one version bump each
    programme, whatever the number of objects."""
    if not instances:
        return
    actor_fields = _actor_fields(acting_user)
    entries = []
    programmes: dict[int, Programme] = {}
    for instance in instances:
        programme = _programme_for(instance)
        if programme is not None and programme.pk is not None:
            programmes[programme.pk] = programme
        entries.append(
            ChangeLogEntry(
                content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
                object_id=str(instance.pk),
                object_repr=str(instance)[:200],
                action=ChangeAction.CREATE,
                **actor_fields,
                changes=diff({}, snapshot(instance)),
                programme=programmes.get(programme.pk) if programme is not None else None,
            )
        )
    ChangeLogEntry.objects.bulk_create(entries)
    _versions_moved(list(programmes), instances)


def log_update(
    instance: models.Model, *, acting_user: Any, before: Snapshot
) -> ChangeLogEntry | None:
    """Record what changed since ``before``; writes nothing when nothing changed."""
    changes = diff(before, snapshot(instance))
    if not changes:
        return None
    return _write(instance, ChangeAction.UPDATE, acting_user, changes)


def log_delete(instance: models.Model, *, acting_user: Any) -> ChangeLogEntry:
    """Record a deletion with every field's last value. A model whose own fields do not
    say where it belonged (a measurement names only its indicator) adds that from
    ``history_context()``, labelled by ``history_context_labels``."""
    changes = diff(snapshot(instance), {})
    context = getattr(instance, "history_context", None)
    if context is not None:
        for name, value in context().items():
            changes.setdefault(name, {"before": value, "after": None})
    return _write(instance, ChangeAction.DELETE, acting_user, changes)


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:  # a field removed since the change was logged
        return None


def field_label(model: type[models.Model] | None, name: str) -> str:
    field = _field(model, name)
    if field is not None:
        return str(field.verbose_name)
    return str(getattr(model, "history_context_labels", {}).get(name, name))


def value_label(model: type[models.Model] | None, name: str, value: Any) -> Any:
    """Show a stored choice code by its label in the reader's language."""
    field = _field(model, name)
    if field is not None and field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    return value
