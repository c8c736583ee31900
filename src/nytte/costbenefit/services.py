"""Writes for cost-benefit analyses: settings, extra lines and alternatives, and frozen
snapshots. Rights follow the subject (``subject.edit_action``): an initiative's owners,
facilitators and programme admins; for a proposal, facilitators and programme admins.
``acting_user`` is an explicit actor (a user, or ``System`` for the demo and tasks).

A snapshot is frozen from the live evaluation computed at that moment, never from the
cached result of ``results`` (which may be older than the inputs), and never changes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Max

from nytte.core.actors import Actor, actor_user, require_actor
from nytte.core.permissions import require
from nytte.core.services import object_create, object_delete, object_update

from . import selectors
from . import subject as subjects
from .models import AnalysisSettings, ExtraAlternative, ExtraLine, Snapshot, Subject

M = TypeVar("M", bound=ExtraLine | ExtraAlternative)


@transaction.atomic
def settings_save(
    *, subject: Subject, data: Mapping[str, Any], acting_user: Actor
) -> AnalysisSettings:
    require(require_actor(acting_user), subjects.edit_action(subject), subject)
    owner = subjects.owner_filter(subject)
    existing = AnalysisSettings.objects.filter(**owner).first()
    if existing is None:
        return object_create(AnalysisSettings(**owner, **data), acting_user=acting_user)
    return object_update(existing, acting_user=acting_user, data=data)


@transaction.atomic
def line_create(instance: M, *, acting_user: Actor) -> M:
    """Create an extra line or an extra alternative."""
    require(require_actor(acting_user), subjects.edit_action(instance.subject), instance.subject)
    return object_create(instance, acting_user=acting_user)


@transaction.atomic
def line_update(instance: M, *, data: Mapping[str, Any], acting_user: Actor) -> M:
    require(require_actor(acting_user), subjects.edit_action(instance.subject), instance.subject)
    return object_update(instance, acting_user=acting_user, data=data)


@transaction.atomic
def line_delete(instance: ExtraLine | ExtraAlternative, *, acting_user: Actor) -> None:
    require(require_actor(acting_user), subjects.edit_action(instance.subject), instance.subject)
    object_delete(instance, acting_user=acting_user)


@transaction.atomic
def snapshot_freeze(*, subject: Subject, note: str = "", acting_user: Actor) -> Snapshot:
    """Freeze the analysis as it stands: inputs, parameter set, results and simulation.

    Raises ``CBAInputError`` (with a clear message) when the analysis cannot be computed.
    """
    require(require_actor(acting_user), subjects.edit_action(subject), subject)
    evaluation = selectors.evaluate(subject)
    # Lock the subject's row so two people freezing at once get different versions.
    type(subject).objects.select_for_update().filter(pk=subject.pk).first()
    owner = subjects.owner_filter(subject)
    latest = Snapshot.objects.filter(**owner).aggregate(v=Max("version"))["v"]
    snapshot = Snapshot(
        **owner,
        version=(latest or 0) + 1,
        note=note,
        parameter_set=evaluation["analysis"].parameter_set,
        inputs=evaluation["analysis"].to_dict(),
        results=evaluation["result"].to_dict(),
        simulation=evaluation["simulation"].to_dict(),
        created_by=actor_user(acting_user),
    )
    return object_create(snapshot, acting_user=acting_user)
