"""Read queries shared by pages, API and exports."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from . import history
from .models import ChangeLogEntry, Organisation, Programme, ProgrammeMembership
from .permissions import Action, visible_programmes


def programme_list(*, user: Any, action: Action = Action.VIEW) -> QuerySet[Programme]:
    return visible_programmes(user, action).select_related("owner").order_by("name")


def programme_get(*, slug: str) -> Programme:
    """Fetch a programme by its slug; callers check permission with ``permissions.check``."""
    return Programme.objects.select_related("owner").get(slug=slug)


def programme_members(*, programme: Programme) -> QuerySet[ProgrammeMembership]:
    return programme.memberships.select_related("user").order_by("role", "user__username")


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("parent").order_by("name")


def timeline(entries: QuerySet[ChangeLogEntry] | list[ChangeLogEntry]) -> list[dict[str, Any]]:
    """Entries with their field changes labelled, as the timeline component shows them."""
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        rows.append(
            {
                "entry": entry,
                "type": model._meta.verbose_name if model else entry.content_type.model,
                "fields": [
                    {
                        "label": history.field_label(model, name),
                        "before": history.value_label(model, name, change.get("before")),
                        "after": history.value_label(model, name, change.get("after")),
                    }
                    for name, change in entry.changes.items()
                ],
            }
        )
    return rows


def history_for(obj: models.Model, *, limit: int = 50) -> list[dict[str, Any]]:
    """The change timeline of one object, newest first."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    entries = (
        ChangeLogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk))
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")[:limit]
    )
    return timeline(entries)


def programme_history(*, programme: Programme, limit: int = 20) -> list[dict[str, Any]]:
    """Recent changes anywhere in a programme's registers."""
    entries = (
        ChangeLogEntry.objects.filter(programme=programme)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")[:limit]
    )
    return timeline(entries)
