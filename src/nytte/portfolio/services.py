"""Writes to the portfolio register. Each is atomic, checks the acting user's rights (a
``None`` acting user is the system: demo, import from the command line) and logs the change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from nytte.core import history
from nytte.core.models import Organisation, Programme
from nytte.core.permissions import Action, is_site_admin, programme_ids_for, require
from nytte.core.services import object_create, object_delete, object_update
from nytte.core.services import programme_update as programme_update  # moved to core; callers keep

from .choices import DependencyKind
from .graph import find_cycle
from .models import (
    CostLine,
    Dependency,
    Goal,
    Initiative,
    InitiativeGoal,
    LifeEvent,
    Risk,
    StatusReport,
)

M = TypeVar("M", bound=models.Model)


def _set_goals(
    initiative: Initiative, goals: Mapping[Goal, Decimal | int | float], acting_user: Any
) -> None:
    wanted = {goal.pk: (goal, Decimal(str(weight))) for goal, weight in goals.items()}
    for link in list(initiative.goal_links.all()):
        if link.goal_id not in wanted:
            object_delete(link, acting_user=acting_user)
        elif link.contribution != wanted[link.goal_id][1]:
            object_update(
                link, acting_user=acting_user, data={"contribution": wanted[link.goal_id][1]}
            )
        wanted.pop(link.goal_id, None)
    for goal, weight in wanted.values():
        object_create(
            InitiativeGoal(initiative=initiative, goal=goal, contribution=weight),
            acting_user=acting_user,
        )


@transaction.atomic
def initiative_create(
    *,
    programme: Programme,
    data: Mapping[str, Any],
    participants: Iterable[Organisation] = (),
    life_events: Iterable[LifeEvent] = (),
    goals: Mapping[Goal, Decimal | int | float] | None = None,
    acting_user: Any,
) -> Initiative:
    require(acting_user, Action.EDIT, programme)
    initiative = object_create(
        Initiative(programme=programme, **data),
        acting_user=acting_user,
        m2m={"participants": list(participants), "life_events": list(life_events)},
    )
    if goals:
        _set_goals(initiative, goals, acting_user)
    return initiative


@transaction.atomic
def initiative_update(
    *,
    initiative: Initiative,
    data: Mapping[str, Any],
    participants: Iterable[Organisation] | None = None,
    life_events: Iterable[LifeEvent] | None = None,
    goals: Mapping[Goal, Decimal | int | float] | None = None,
    acting_user: Any,
) -> Initiative:
    require(acting_user, Action.EDIT, initiative)
    if "programme" in data and data["programme"] != initiative.programme:
        raise ValidationError({"programme": _("An initiative cannot move to another programme.")})
    m2m: dict[str, list[Any]] = {}
    if participants is not None:
        m2m["participants"] = list(participants)
    if life_events is not None:
        m2m["life_events"] = list(life_events)
    object_update(initiative, acting_user=acting_user, data=data, m2m=m2m)
    if goals is not None:
        _set_goals(initiative, goals, acting_user)
    return initiative


@transaction.atomic
def initiative_delete(*, initiative: Initiative, acting_user: Any) -> None:
    require(acting_user, Action.EDIT, initiative.programme)
    object_delete(initiative, acting_user=acting_user)


def refresh_cost_totals(initiative: Initiative) -> None:
    """Store the sums of an initiative's cost lines on the initiative itself."""
    totals = initiative.costs.aggregate(low=Sum("low"), likely=Sum("likely"), high=Sum("high"))
    Initiative.objects.filter(pk=initiative.pk).update(
        cost_low=totals["low"] or 0,
        cost_likely=totals["likely"] or 0,
        cost_high=totals["high"] or 0,
    )


def _after_line_change(instance: models.Model) -> None:
    if isinstance(instance, CostLine):
        refresh_cost_totals(instance.initiative)


@transaction.atomic
def child_create(instance: M, *, acting_user: Any) -> M:
    """Create a cost line, risk, status report or dependency of an initiative."""
    require(acting_user, Action.EDIT, instance)
    if isinstance(instance, Dependency):
        _refuse_cycle(instance)
    object_create(instance, acting_user=acting_user)
    _after_line_change(instance)
    return instance


@transaction.atomic
def child_update(instance: M, *, data: Mapping[str, Any], acting_user: Any) -> M:
    require(acting_user, Action.EDIT, instance)
    if "initiative" in data and data["initiative"] != instance.initiative:
        raise ValidationError(_("A line cannot move to another initiative."))
    if isinstance(instance, Dependency):
        fields = {f: data.get(f, getattr(instance, f)) for f in ("source", "target", "kind")}
        changed = Dependency(pk=instance.pk, **fields)
        # Rights follow the source initiative: re-check them where the source changes.
        require(acting_user, Action.EDIT, changed)
        _refuse_cycle(changed)
    object_update(instance, acting_user=acting_user, data=data)
    _after_line_change(instance)
    return instance


@transaction.atomic
def child_delete(instance: models.Model, *, acting_user: Any) -> None:
    require(acting_user, Action.EDIT, instance)
    object_delete(instance, acting_user=acting_user)
    _after_line_change(instance)


def _refuse_cycle(dependency: Dependency) -> None:
    source, target = dependency.source, dependency.target
    if source.programme_id != target.programme_id:
        raise ValidationError(_("Both initiatives must belong to the same programme."))
    if source.pk == target.pk:
        raise ValidationError(_("An initiative cannot depend on itself."))
    if dependency.kind != DependencyKind.REQUIRES:
        return
    edges = Dependency.objects.filter(
        source__programme_id=source.programme_id, kind=DependencyKind.REQUIRES
    ).exclude(pk=dependency.pk)
    codes = dict(
        Initiative.objects.filter(programme_id=source.programme_id).values_list("pk", "code")
    )
    cycle = find_cycle(edges.values_list("source_id", "target_id"), (source.pk, target.pk))
    if cycle:
        path = " → ".join(codes[pk] for pk in cycle)
        raise ValidationError(
            _("This would make a cycle of “requires”: %(path)s.") % {"path": path},
            code="dependency_cycle",
        )


def cost_line_create(*, initiative: Initiative, acting_user: Any, **fields: Any) -> CostLine:
    return child_create(CostLine(initiative=initiative, **fields), acting_user=acting_user)


def dependency_create(
    *, source: Initiative, target: Initiative, kind: str, note: str = "", acting_user: Any
) -> Dependency:
    return child_create(
        Dependency(source=source, target=target, kind=kind, note=note), acting_user=acting_user
    )


def risk_create(*, initiative: Initiative, acting_user: Any, **fields: Any) -> Risk:
    return child_create(Risk(initiative=initiative, **fields), acting_user=acting_user)


def status_report_create(
    *, initiative: Initiative, acting_user: Any, **fields: Any
) -> StatusReport:
    report = StatusReport(initiative=initiative, **fields)
    if acting_user is not None and report.reported_by_id is None:
        report.reported_by = acting_user
    return child_create(report, acting_user=acting_user)


@transaction.atomic
def goal_save(
    *, programme: Programme, goal: Goal | None = None, data: Mapping[str, Any], acting_user: Any
) -> Goal:
    require(acting_user, Action.EDIT, programme)
    if goal is None:
        return object_create(Goal(programme=programme, **data), acting_user=acting_user)
    return object_update(goal, acting_user=acting_user, data=data)


@transaction.atomic
def goal_delete(*, goal: Goal, acting_user: Any) -> None:
    """Delete a goal and the initiatives' contributions to it, each deletion logged.

    A societal goal that still has impact goals is refused: the database would delete them
    along with it (and their contributions), unlogged and easily unnoticed.
    """
    require(acting_user, Action.EDIT, goal.programme)
    children = list(goal.children.order_by("code").values_list("code", flat=True))
    if children:
        raise ValidationError(
            _(
                "This goal still has impact goals: %(codes)s. Delete them or move them to "
                "another societal goal first."
            )
            % {"codes": ", ".join(children)},
            code="goal_has_impact_goals",
        )
    for link in goal.initiative_links.all():
        object_delete(link, acting_user=acting_user)
    object_delete(goal, acting_user=acting_user)


def life_event_get_or_create(*, name: str, slug: str, **fields: Any) -> LifeEvent:
    existing = LifeEvent.objects.filter(slug=slug).first()
    if existing:
        return existing
    event = LifeEvent(name=name, slug=slug, **fields)
    event.full_clean()
    event.save()
    history.log_create(event, acting_user=None)
    return event


# ---------------------------------------------------------------------------------------------
# Life events: one list shared by every programme


def life_event_programmes(event: LifeEvent) -> set[int]:
    """Ids of the programmes whose initiatives, proposals or other records name the event
    (every relation to it, whichever app it belongs to)."""
    ids: set[int] = set()
    for relation in LifeEvent._meta.related_objects:
        if not relation.many_to_many:
            continue
        model = relation.related_model
        try:
            model._meta.get_field("programme")
        except Exception:  # a relation without a programme says nothing here
            continue
        ids.update(
            model._base_manager.filter(**{relation.field.name: event}).values_list(
                "programme_id", flat=True
            )
        )
    return ids


def _require_life_event_rights(acting_user: Any, event: LifeEvent | None) -> None:
    """Site admins change any life event; a programme admin adds new ones and changes those
    used by no programme but the ones they administer."""
    if is_site_admin(acting_user):
        return
    administered = set(programme_ids_for(acting_user, Action.ADMINISTER) or ())
    if not administered:
        raise PermissionDenied
    if event is not None and life_event_programmes(event) - administered:
        raise ValidationError(
            _(
                "Other programmes use this life event too: only a site administrator can "
                "change or delete it."
            ),
            code="life_event_shared",
        )


@transaction.atomic
def life_event_create(*, data: Mapping[str, Any], acting_user: Any) -> LifeEvent:
    _require_life_event_rights(acting_user, None)
    return object_create(LifeEvent(**data), acting_user=acting_user)


@transaction.atomic
def life_event_update(*, event: LifeEvent, data: Mapping[str, Any], acting_user: Any) -> LifeEvent:
    _require_life_event_rights(acting_user, event)
    return object_update(event, acting_user=acting_user, data=data)


@transaction.atomic
def life_event_delete(*, event: LifeEvent, acting_user: Any) -> None:
    """Delete a life event nobody uses: removing it from initiatives and proposals would
    change them unlogged."""
    _require_life_event_rights(acting_user, event)
    if life_event_programmes(event):
        raise ValidationError(
            _("Initiatives or proposals name this life event: remove it from them first."),
            code="life_event_in_use",
        )
    object_delete(event, acting_user=acting_user)
