"""Writes to the portfolio register. Each is atomic, checks the acting user's rights and logs
the change. ``acting_user`` is an explicit actor (``nytte.core.actors``): a user, or a
``System`` for the demo, tasks and commands run without ``--user``; never ``None``.

The rules of the register live here, once, for pages, API, Excel import, CLI and admin:

- an initiative's named owner is a member of its programme (:func:`check_owner_is_member`);
- which phase moves an actor may make (:func:`allowed_phases`): those who edit the programme
  may set any phase; an owner (who edits only what they own) moves one phase forward at a
  time, or back;
- each kind of line has its own named services (``cost_line_*``, ``dependency_*``,
  ``risk_*``, ``status_report_*``); ``child_*`` only dispatch to them by model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from nytte.core import history
from nytte.core.actors import Actor, actor_user, require_actor
from nytte.core.concurrency import check_version
from nytte.core.models import Organisation, Programme, ProgrammeMembership, User
from nytte.core.permissions import (
    Action,
    can,
    is_site_admin,
    programme_ids_for,
    require,
)
from nytte.core.services import object_create, object_delete, object_update
from nytte.core.services import programme_update as programme_update  # moved to core; callers keep

from .choices import DependencyKind, Phase
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


# -- rules -----------------------------------------------------------------------------------

PHASES: list[str] = list(Phase.values)


def allowed_phases(acting_user: Actor, initiative: Initiative) -> list[str]:
    """The phases ``acting_user`` may give ``initiative`` (its current phase included).

    Those with EDIT on the programme (facilitators, programme admins, the system) may set
    any phase, to correct the register. An owner, who edits only what they own, moves one
    phase forward at a time (each step passes a decision point) or back to an earlier one.
    """
    if initiative.pk is None or can(acting_user, Action.EDIT, initiative.programme):
        return list(PHASES)
    current = PHASES.index(initiative.phase) if initiative.phase in PHASES else 0
    return PHASES[: current + 2]


def check_phase_move(acting_user: Actor, initiative: Initiative, phase: str) -> None:
    if phase == initiative.phase or phase in allowed_phases(acting_user, initiative):
        return
    raise ValidationError(
        {
            "phase": _(
                "An owner moves an initiative one phase forward at a time: from “%(old)s” "
                "the next phase is “%(next)s”."
            )
            % {
                "old": Phase(initiative.phase).label,
                "next": Phase(allowed_phases(acting_user, initiative)[-1]).label,
            }
        },
        code="phase_skip",
    )


def programme_members(programme: Programme) -> models.QuerySet[User]:
    """Users with any role in ``programme``: those who may be named an initiative's owner."""
    return User.objects.filter(programme_memberships__programme=programme).distinct()


def check_owner_is_member(programme: Programme, owner: User | int | None) -> None:
    owner_id = owner.pk if isinstance(owner, User) else owner
    if owner_id is None:
        return
    if not ProgrammeMembership.objects.filter(programme=programme, user_id=owner_id).exists():
        raise ValidationError(
            {"owner": _("The owner must be a member of the programme.")},
            code="owner_not_member",
        )


def _owner_id(data: Mapping[str, Any]) -> tuple[bool, int | None]:
    if "owner" in data:
        owner = data["owner"]
        return True, owner.pk if owner is not None else None
    if "owner_id" in data:
        return True, data["owner_id"]
    return False, None


def _set_goals(
    initiative: Initiative, goals: Mapping[Goal, Decimal | int | float], acting_user: Actor
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
    acting_user: Actor,
) -> Initiative:
    require(require_actor(acting_user), Action.EDIT, programme)
    given, owner_id = _owner_id(data)
    if given:
        check_owner_is_member(programme, owner_id)
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
    acting_user: Actor,
    expected_version: int | None = None,
) -> Initiative:
    """Change an initiative; ``expected_version`` (the version the editor started from)
    refuses a stale edit with :class:`~nytte.core.concurrency.VersionConflict`."""
    require(require_actor(acting_user), Action.EDIT, initiative)
    check_version(initiative, expected_version)
    if "programme" in data and data["programme"] != initiative.programme:
        raise ValidationError({"programme": _("An initiative cannot move to another programme.")})
    given, owner_id = _owner_id(data)
    if given and owner_id != initiative.owner_id:
        check_owner_is_member(initiative.programme, owner_id)
    if "phase" in data:
        check_phase_move(acting_user, initiative, data["phase"])
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
def initiative_delete(*, initiative: Initiative, acting_user: Actor) -> None:
    require(require_actor(acting_user), Action.EDIT, initiative.programme)
    object_delete(initiative, acting_user=acting_user)


def refresh_cost_totals(initiative: Initiative) -> None:
    """Store the sums of an initiative's cost lines on the initiative itself."""
    totals = initiative.costs.aggregate(low=Sum("low"), likely=Sum("likely"), high=Sum("high"))
    Initiative.objects.filter(pk=initiative.pk).update(
        cost_low=totals["low"] or 0,
        cost_likely=totals["likely"] or 0,
        cost_high=totals["high"] or 0,
    )


def _line_create(instance: M, acting_user: Actor) -> M:
    require(require_actor(acting_user), Action.EDIT, instance)
    return object_create(instance, acting_user=acting_user)


def _line_update(instance: M, data: Mapping[str, Any], acting_user: Actor) -> M:
    require(require_actor(acting_user), Action.EDIT, instance)
    if "initiative" in data and data["initiative"] != instance.initiative:
        raise ValidationError(_("A line cannot move to another initiative."))
    return object_update(instance, acting_user=acting_user, data=data)


def _line_delete(instance: models.Model, acting_user: Actor) -> None:
    require(require_actor(acting_user), Action.EDIT, instance)
    object_delete(instance, acting_user=acting_user)


# -- cost lines: the initiative stores their sums ---------------------------------------------


@transaction.atomic
def cost_line_add(line: CostLine, *, acting_user: Actor) -> CostLine:
    _line_create(line, acting_user)
    refresh_cost_totals(line.initiative)
    return line


def cost_line_create(*, initiative: Initiative, acting_user: Actor, **fields: Any) -> CostLine:
    return cost_line_add(CostLine(initiative=initiative, **fields), acting_user=acting_user)


@transaction.atomic
def cost_line_update(line: CostLine, *, data: Mapping[str, Any], acting_user: Actor) -> CostLine:
    _line_update(line, data, acting_user)
    refresh_cost_totals(line.initiative)
    return line


@transaction.atomic
def cost_line_delete(line: CostLine, *, acting_user: Actor) -> None:
    _line_delete(line, acting_user)
    refresh_cost_totals(line.initiative)


# -- dependencies: same programme, no self-reference, no cycle of "requires" ----------------


@transaction.atomic
def dependency_add(dependency: Dependency, *, acting_user: Actor) -> Dependency:
    require(require_actor(acting_user), Action.EDIT, dependency)
    _refuse_cycle(dependency)
    return object_create(dependency, acting_user=acting_user)


def dependency_create(
    *, source: Initiative, target: Initiative, kind: str, note: str = "", acting_user: Actor
) -> Dependency:
    return dependency_add(
        Dependency(source=source, target=target, kind=kind, note=note), acting_user=acting_user
    )


@transaction.atomic
def dependency_update(
    dependency: Dependency, *, data: Mapping[str, Any], acting_user: Actor
) -> Dependency:
    require(require_actor(acting_user), Action.EDIT, dependency)
    fields = {f: data.get(f, getattr(dependency, f)) for f in ("source", "target", "kind")}
    changed = Dependency(pk=dependency.pk, **fields)
    # Rights follow the source initiative: re-check them where the source changes.
    require(require_actor(acting_user), Action.EDIT, changed)
    _refuse_cycle(changed)
    return object_update(dependency, acting_user=acting_user, data=data)


@transaction.atomic
def dependency_delete(dependency: Dependency, *, acting_user: Actor) -> None:
    _line_delete(dependency, acting_user)


# -- risks and status reports ----------------------------------------------------------------


def _risk_changed(risk: Risk) -> Risk:
    from nytte.governance.learning.revisits import risk_saved  # materialised: revisit

    return risk_saved(risk)


@transaction.atomic
def risk_add(risk: Risk, *, acting_user: Actor) -> Risk:
    return _risk_changed(_line_create(risk, acting_user))


def risk_create(*, initiative: Initiative, acting_user: Actor, **fields: Any) -> Risk:
    return risk_add(Risk(initiative=initiative, **fields), acting_user=acting_user)


@transaction.atomic
def risk_update(risk: Risk, *, data: Mapping[str, Any], acting_user: Actor) -> Risk:
    return _risk_changed(_line_update(risk, data, acting_user))


@transaction.atomic
def risk_delete(risk: Risk, *, acting_user: Actor) -> None:
    _line_delete(risk, acting_user)


@transaction.atomic
def status_report_add(report: StatusReport, *, acting_user: Actor) -> StatusReport:
    if report.reported_by_id is None:
        report.reported_by = actor_user(acting_user)
    return _line_create(report, acting_user)


def status_report_create(
    *, initiative: Initiative, acting_user: Actor, **fields: Any
) -> StatusReport:
    return status_report_add(StatusReport(initiative=initiative, **fields), acting_user=acting_user)


@transaction.atomic
def status_report_update(
    report: StatusReport, *, data: Mapping[str, Any], acting_user: Actor
) -> StatusReport:
    return _line_update(report, data, acting_user)


@transaction.atomic
def status_report_delete(report: StatusReport, *, acting_user: Actor) -> None:
    _line_delete(report, acting_user)


# -- the line-editing pages' entry points: one named service per model, no isinstance ladder --

LINE_SERVICES: dict[type[models.Model], tuple[Callable[..., Any], ...]] = {
    CostLine: (cost_line_add, cost_line_update, cost_line_delete),
    Dependency: (dependency_add, dependency_update, dependency_delete),
    Risk: (risk_add, risk_update, risk_delete),
    StatusReport: (status_report_add, status_report_update, status_report_delete),
}


def child_create(instance: M, *, acting_user: Actor) -> M:
    """Create a cost line, risk, status report or dependency through its named service."""
    return LINE_SERVICES[type(instance)][0](instance, acting_user=acting_user)


def child_update(instance: M, *, data: Mapping[str, Any], acting_user: Actor) -> M:
    return LINE_SERVICES[type(instance)][1](instance, data=data, acting_user=acting_user)


def child_delete(instance: models.Model, *, acting_user: Actor) -> None:
    LINE_SERVICES[type(instance)][2](instance, acting_user=acting_user)


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


@transaction.atomic
def goal_save(
    *, programme: Programme, goal: Goal | None = None, data: Mapping[str, Any], acting_user: Actor
) -> Goal:
    require(require_actor(acting_user), Action.EDIT, programme)
    if goal is None:
        return object_create(Goal(programme=programme, **data), acting_user=acting_user)
    return object_update(goal, acting_user=acting_user, data=data)


@transaction.atomic
def goal_delete(*, goal: Goal, acting_user: Actor) -> None:
    """Delete a goal and the initiatives' contributions to it, each deletion logged.

    A societal goal that still has impact goals is refused: the database would delete them
    along with it (and their contributions), unlogged and easily unnoticed.
    """
    require(require_actor(acting_user), Action.EDIT, goal.programme)
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


def life_event_get_or_create(
    *, name: str, slug: str, acting_user: Actor, **fields: Any
) -> LifeEvent:
    existing = LifeEvent.objects.filter(slug=slug).first()
    if existing:
        return existing
    event = LifeEvent(name=name, slug=slug, **fields)
    event.full_clean()
    event.save()
    history.log_create(event, acting_user=acting_user)
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


def _require_life_event_rights(acting_user: Actor, event: LifeEvent | None) -> None:
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
def life_event_create(*, data: Mapping[str, Any], acting_user: Actor) -> LifeEvent:
    _require_life_event_rights(acting_user, None)
    return object_create(LifeEvent(**data), acting_user=acting_user)


@transaction.atomic
def life_event_update(
    *, event: LifeEvent, data: Mapping[str, Any], acting_user: Actor
) -> LifeEvent:
    _require_life_event_rights(acting_user, event)
    return object_update(event, acting_user=acting_user, data=data)


@transaction.atomic
def life_event_delete(*, event: LifeEvent, acting_user: Actor) -> None:
    """Delete a life event nobody uses: removing it from initiatives and proposals would
    change them unlogged."""
    _require_life_event_rights(acting_user, event)
    if life_event_programmes(event):
        raise ValidationError(
            _("Initiatives or proposals name this life event: remove it from them first."),
            code="life_event_in_use",
        )
    object_delete(event, acting_user=acting_user)
