"""What a programme publishes of its initiatives (issue 16): the public overview page, the
open-data feed (JSON and CSV) and the public proposal form's suggestions all read this one
selector, so none of them can show more than the others.

An initiative appears only when it is marked ``published`` *and* its programme publishes
its overview (``Programme.publish_overview``), and then only with its title, purpose (the
description), organisations (owner first, then the participants), phase and life events,
beside its programme's name, a stable id and when it last changed. Nothing else of the
register (costs, owners, status, goals, risks) ever leaves through here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet

from nytte.core.excel.export import safe_csv_cell
from nytte.core.models import Organisation, Programme

from .choices import Phase
from .models import Initiative, LifeEvent

# The feed's columns, in order (JSON keys and CSV header alike).
FIELDS = (
    "id",
    "programme",
    "programme_slug",
    "title",
    "purpose",
    "organisations",
    "phase",
    "phase_label",
    "life_events",
    "updated",
)


def published_initiatives(programme: Programme | None = None) -> QuerySet[Initiative]:
    """Initiatives marked published, of programmes that publish their overview."""
    rows = Initiative.objects.filter(published=True, programme__publish_overview=True)
    return rows if programme is None else rows.filter(programme=programme)


def publishing_programmes() -> QuerySet[Programme]:
    """Programmes that publish, and have at least one published initiative."""
    return (
        Programme.objects.filter(publish_overview=True, initiatives__published=True)
        .distinct()
        .order_by("name")
    )


@dataclass(frozen=True, slots=True)
class PublishedInitiative:
    """One initiative as the public sees it: only these fields, as plain values."""

    id: int
    programme: str
    programme_slug: str
    title: str
    purpose: str
    organisations: tuple[str, ...]
    phase: str
    phase_label: str
    life_events: tuple[str, ...]
    updated: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "programme": self.programme,
            "programme_slug": self.programme_slug,
            "title": self.title,
            "purpose": self.purpose,
            "organisations": list(self.organisations),
            "phase": self.phase,
            "phase_label": self.phase_label,
            "life_events": list(self.life_events),
            "updated": self.updated.isoformat(),
        }


def published_rows(
    programme: Programme | None = None, *, pks: Iterable[int] | None = None
) -> list[PublishedInitiative]:
    """The published initiatives (of one programme, or of ``pks``) as public rows, ordered
    by programme and title: three queries whatever their number."""
    rows = published_initiatives(programme)
    if pks is not None:
        rows = rows.filter(pk__in=list(pks))
    rows = (
        rows.select_related("programme", "owner_organisation")
        .only(
            "pk",
            "title",
            "description",
            "phase",
            "updated_at",
            "programme__name",
            "programme__slug",
            "owner_organisation__name",
        )
        .prefetch_related(
            Prefetch("participants", queryset=Organisation.objects.only("pk", "name")),
            Prefetch("life_events", queryset=LifeEvent.objects.only("pk", "name")),
        )
        .order_by("programme__name", "title", "pk")
    )
    labels = dict(Phase.choices)
    result = []
    for obj in rows:
        owner = obj.owner_organisation.name
        others = sorted({o.name for o in obj.participants.all()} - {owner})
        result.append(
            PublishedInitiative(
                id=obj.pk,
                programme=obj.programme.name,
                programme_slug=obj.programme.slug,
                title=obj.title,
                purpose=obj.description,
                organisations=(owner, *others),
                phase=obj.phase,
                phase_label=str(labels.get(obj.phase, obj.phase)),
                life_events=tuple(sorted(e.name for e in obj.life_events.all())),
                updated=obj.updated_at,
            )
        )
    return result


def as_csv(rows: Iterable[PublishedInitiative]) -> str:
    """The feed as CSV: lists joined with "; ", every text cell safe from formula injection
    (a cell that begins like a formula gets a leading apostrophe, as the Excel exports do)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for row in rows:
        values = row.as_dict()
        writer.writerow(
            safe_csv_cell("; ".join(v) if isinstance(v, list) else v)
            for v in (values[name] for name in FIELDS)
        )
    return out.getvalue()
