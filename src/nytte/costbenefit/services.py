"""Writes for cost-benefit analyses: settings, extra lines and alternatives, and frozen
snapshots. Rights follow the initiative: its owners, facilitators and programme admins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import Max

from nytte.core.permissions import Action, ProgrammeScoped, check
from nytte.core.services import object_create, object_delete, object_update
from nytte.portfolio.models import Initiative

from . import selectors
from .models import AnalysisSettings, Snapshot

M = TypeVar("M", bound=models.Model)


def _require(acting_user: Any, action: Action, obj: ProgrammeScoped) -> None:
    if acting_user is not None:
        check(acting_user, action, obj)


@transaction.atomic
def settings_save(
    *, initiative: Initiative, data: Mapping[str, Any], acting_user: Any
) -> AnalysisSettings:
    _require(acting_user, Action.EDIT, initiative)
    existing = AnalysisSettings.objects.filter(initiative=initiative).first()
    if existing is None:
        return object_create(
            AnalysisSettings(initiative=initiative, **data), acting_user=acting_user
        )
    return object_update(existing, acting_user=acting_user, data=data)


@transaction.atomic
def line_create(instance: M, *, acting_user: Any) -> M:
    """Create an extra line or an extra alternative."""
    _require(acting_user, Action.EDIT, instance)
    return object_create(instance, acting_user=acting_user)


@transaction.atomic
def line_update(instance: M, *, data: Mapping[str, Any], acting_user: Any) -> M:
    _require(acting_user, Action.EDIT, instance)
    return object_update(instance, acting_user=acting_user, data=data)


@transaction.atomic
def line_delete(instance: models.Model, *, acting_user: Any) -> None:
    _require(acting_user, Action.EDIT, instance)
    object_delete(instance, acting_user=acting_user)


@transaction.atomic
def snapshot_freeze(*, initiative: Initiative, note: str = "", acting_user: Any) -> Snapshot:
    """Freeze the analysis as it stands: inputs, parameter set, results and simulation.

    Raises ``CBAInputError`` (with a clear message) when the analysis cannot be computed.
    """
    _require(acting_user, Action.EDIT, initiative)
    evaluation = selectors.evaluate(initiative)
    # Lock the initiative so two people freezing at once get different versions.
    Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
    latest = Snapshot.objects.filter(initiative=initiative).aggregate(v=Max("version"))["v"]
    snapshot = Snapshot(
        initiative=initiative,
        version=(latest or 0) + 1,
        note=note,
        parameter_set=evaluation["analysis"].parameter_set,
        inputs=evaluation["analysis"].to_dict(),
        results=evaluation["result"].to_dict(),
        simulation=evaluation["simulation"].to_dict(),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    return object_create(snapshot, acting_user=acting_user)
