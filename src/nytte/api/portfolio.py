"""The portfolio register over REST: goals, life events, initiatives and their costs,
dependencies, risks and status reports. The programme itself (vision, target picture, period)
is in ``core``: ``GET``/``PATCH /programmes/{slug}``.

Thin on purpose: reads go through selectors and ``permissions.check`` (404 where the caller
has no role in the programme, 403 where the role does not allow the action); writes go
through ``nytte.portfolio.services`` with ``acting_user``, which check rights, validate and
log history. References are natural keys (orgnr, codes, slugs), as in the Excel format.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404, HttpRequest, QueryDict
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from nytte.core.lookups import programme_or_404
from nytte.core.models import Organisation, Programme
from nytte.core.permissions import Action, check
from nytte.portfolio import selectors, services
from nytte.portfolio.filtersets import InitiativeFilterSet
from nytte.portfolio.models import (
    CostLine,
    Dependency,
    Goal,
    Initiative,
    InitiativeGoal,
    LifeEvent,
    Risk,
    StatusReport,
)

from .common import Pagination, find_life_events, find_organisation, find_user, org_out
from .portfolio_schemas import (
    CostIn,
    CostOut,
    CostPatch,
    DependencyIn,
    DependencyOut,
    DependencyPatch,
    GoalIn,
    GoalOut,
    GoalPatch,
    InitiativeFilters,
    InitiativeIn,
    InitiativeOut,
    InitiativePatch,
    LifeEventOut,
    RiskIn,
    RiskOut,
    RiskPatch,
    StatusReportIn,
    StatusReportOut,
    StatusReportPatch,
)
from .schemas import ERRORS

router = Router(tags=["portfolio"])
P = "/programmes/{slug}"
I = P + "/initiatives/{code}"  # noqa: E741


# -- lookups --


def _initiative(request: HttpRequest, slug: str, code: str) -> Initiative:
    programme = programme_or_404(request, slug)
    try:
        return selectors.initiative_detail(programme=programme, code=code, user=request.user)
    except Initiative.DoesNotExist as exc:
        raise Http404 from exc


def _line(request: HttpRequest, model: type[Model], pk: int, via: str = "initiative") -> Any:
    """A cost line, risk, report or dependency by id, visible only to the programme's roles."""
    try:
        obj = (
            model.objects.for_user(request.user)
            .select_related(f"{via}__programme", f"{via}__owner_organisation")
            .get(pk=pk)
        )
    except model.DoesNotExist as exc:
        raise Http404 from exc
    check(request.user, Action.VIEW, obj)
    return obj


def _organisations(orgnrs: list[str], field: str) -> list[Organisation]:
    return [find_organisation(orgnr, field) for orgnr in orgnrs]


def _goal(programme: Programme, code: str, field: str = "goal") -> Goal:
    goal = Goal.objects.filter(programme=programme, code=code).first()
    if goal is None:
        raise ValidationError({field: _("No goal has the code “%(code)s”.") % {"code": code}})
    return goal


def _other_initiative(programme: Programme, code: str) -> Initiative:
    initiative = Initiative.objects.filter(programme=programme, code=code).first()
    if initiative is None:
        raise ValidationError(
            {
                "target": _("No initiative has the code “%(code)s” in this programme.")
                % {"code": code}
            }
        )
    return initiative


# -- output --


def _initiative_out(initiative: Initiative) -> dict[str, Any]:
    return {
        **{
            name: getattr(initiative, name)
            for name in (
                "code",
                "title",
                "description",
                "phase",
                "status",
                "status_reason",
                "planned_start",
                "planned_end",
                "mandatory",
                "digitalisation",
                "total_low",
                "total_likely",
                "total_high",
                "size_band",
                "needs_qa",
                "decision_point",
            )
        },
        "owner_organisation": org_out(initiative.owner_organisation),
        "owner": initiative.owner.username if initiative.owner else None,
        "participants": [org_out(o) for o in initiative.participants.all()],
        "goals": [
            {"goal": link.goal.code, "contribution": link.contribution}
            for link in initiative.goal_links.all()
        ],
        "life_events": [e.slug for e in initiative.life_events.all()],
    }


def _cost_out(line: CostLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "initiative": line.initiative.code,
        "organisation": org_out(line.organisation),
        **{f: getattr(line, f) for f in ("year", "category", "low", "likely", "high", "note")},
    }


def _dependency_out(dependency: Dependency) -> dict[str, Any]:
    return {
        "id": dependency.pk,
        "source": dependency.source.code,
        "kind": dependency.kind,
        "target": dependency.target.code,
        "note": dependency.note,
    }


def _risk_out(risk: Risk) -> dict[str, Any]:
    fields = ("title", "description", "probability", "consequence", "owner", "mitigation")
    return {
        "id": risk.pk,
        "initiative": risk.initiative.code,
        "score": risk.score,
        "status": risk.status,
        **{f: getattr(risk, f) for f in fields},
    }


def _report_out(report: StatusReport) -> dict[str, Any]:
    fields = ("period", "overall", "plan", "cost", "benefits", "stakeholders", "risk")
    return {
        "id": report.pk,
        "initiative": report.initiative.code,
        "commentary": report.commentary,
        "reported_by": report.reported_by.username if report.reported_by else None,
        **{f: getattr(report, f) for f in fields},
    }


def _goal_out(goal: Goal) -> dict[str, Any]:
    return {
        "code": goal.code,
        "level": goal.level,
        "parent": goal.parent.code if goal.parent else None,
        "title": goal.title,
        "description": goal.description,
        "weight": goal.weight,
    }


def _life_event_out(event: LifeEvent) -> dict[str, Any]:
    return {
        "slug": event.slug,
        "name": event.name,
        "description": event.description,
        "responsible": org_out(event.responsible),
    }


# -- life events --


@router.get("/life-events", response={200: list[LifeEventOut], **ERRORS})
@paginate(Pagination)
def life_event_list(request: HttpRequest) -> QuerySet[LifeEvent]:
    """The shared list of life events (read-only here: they are shared by all programmes)."""
    return LifeEvent.objects.select_related("responsible").order_by("name")


@router.get("/life-events/{event_slug}", response={200: LifeEventOut, **ERRORS})
def life_event_detail(request: HttpRequest, event_slug: str) -> dict[str, Any]:
    event = LifeEvent.objects.select_related("responsible").filter(slug=event_slug).first()
    if event is None:
        raise Http404
    return _life_event_out(event)


# -- goals --


def _goal_get(request: HttpRequest, slug: str, goal_code: str) -> Goal:
    programme = programme_or_404(request, slug)
    goal = Goal.objects.select_related("parent", "programme").filter(
        programme=programme, code=goal_code
    )
    if not goal:
        raise Http404
    return goal[0]


def _goal_data(programme: Programme, payload: GoalIn | GoalPatch) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    if "parent" in data:
        data["parent"] = _goal(programme, data["parent"], "parent") if data["parent"] else None
    return data


@router.get(P + "/goals", response={200: list[GoalOut], **ERRORS})
@paginate(Pagination)
def goal_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = programme_or_404(request, slug)
    goals = (
        Goal.objects.for_user(request.user)
        .in_programme(programme)
        .select_related("parent")
        .order_by("code")
    )
    return [_goal_out(g) for g in goals]


@router.post(P + "/goals", response={201: GoalOut, **ERRORS})
def goal_create(request: HttpRequest, slug: str, payload: GoalIn) -> Status:
    programme = programme_or_404(request, slug)
    goal = services.goal_save(
        programme=programme, data=_goal_data(programme, payload), acting_user=request.user
    )
    return Status(201, _goal_out(goal))


@router.get(P + "/goals/{goal_code}", response={200: GoalOut, **ERRORS})
def goal_detail(request: HttpRequest, slug: str, goal_code: str) -> dict[str, Any]:
    return _goal_out(_goal_get(request, slug, goal_code))


@router.patch(P + "/goals/{goal_code}", response={200: GoalOut, **ERRORS})
def goal_update(
    request: HttpRequest, slug: str, goal_code: str, payload: GoalPatch
) -> dict[str, Any]:
    goal = _goal_get(request, slug, goal_code)
    services.goal_save(
        programme=goal.programme,
        goal=goal,
        data=_goal_data(goal.programme, payload),
        acting_user=request.user,
    )
    return _goal_out(goal)


@router.delete(P + "/goals/{goal_code}", response={204: None, **ERRORS})
def goal_delete(request: HttpRequest, slug: str, goal_code: str) -> Status:
    """A societal goal that still has impact goals is refused (422)."""
    services.goal_delete(goal=_goal_get(request, slug, goal_code), acting_user=request.user)
    return Status(204, None)


# -- initiatives --


def _initiative_relations(programme: Programme, data: dict[str, Any]) -> dict[str, Any]:
    """Turn the natural keys of a payload into the objects the services take."""
    relations: dict[str, Any] = {}
    if "owner_organisation" in data:
        data["owner_organisation"] = find_organisation(
            data["owner_organisation"], "owner_organisation"
        )
    if "owner" in data:
        data["owner"] = find_user(data["owner"])
    if data.get("participants") is not None:
        relations["participants"] = _organisations(data.pop("participants"), "participants")
    data.pop("participants", None)
    if data.get("life_events") is not None:
        relations["life_events"] = find_life_events(data.pop("life_events"))
    data.pop("life_events", None)
    if data.get("goals") is not None:
        relations["goals"] = {
            _goal(programme, link["goal"]): link["contribution"] for link in data.pop("goals")
        }
    data.pop("goals", None)
    return relations


def _with_totals(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    return _initiative_out(_initiative(request, slug, code))


@router.get(P + "/initiatives", response={200: list[InitiativeOut], **ERRORS})
@paginate(Pagination)
def initiative_list(
    request: HttpRequest, slug: str, filters: Query[InitiativeFilters]
) -> list[dict[str, Any]]:
    """Initiatives with the list page's filters and sort order."""
    programme = programme_or_404(request, slug)
    params = QueryDict(mutable=True)
    for name, value in filters.dict(exclude_none=True).items():
        if isinstance(value, list):
            params.setlist(name, value)
        else:
            params[name] = str(value)
    filterset = InitiativeFilterSet(
        params,
        queryset=selectors.initiative_list(programme=programme, user=request.user),
        programme=programme,
    )
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    queryset = filterset.qs.select_related("owner").prefetch_related(
        "participants",
        "life_events",
        Prefetch(
            "goal_links",
            queryset=InitiativeGoal.objects.select_related("goal").order_by("goal__code"),
        ),
    )
    return _Lazy(queryset)


class _Lazy:
    """A sliceable view of a queryset that serialises only the page asked for."""

    def __init__(self, queryset: QuerySet[Initiative]) -> None:
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        initiatives = selectors.with_flags(list(self.queryset[page]))
        return [_initiative_out(i) for i in initiatives]


@router.post(P + "/initiatives", response={201: InitiativeOut, **ERRORS})
def initiative_create(request: HttpRequest, slug: str, payload: InitiativeIn) -> Status:
    programme = programme_or_404(request, slug)
    data = payload.dict()
    relations = _initiative_relations(programme, data)
    initiative = services.initiative_create(
        programme=programme, data=data, acting_user=request.user, **relations
    )
    return Status(201, _with_totals(request, slug, initiative.code))


@router.get(I, response={200: InitiativeOut, **ERRORS})
def initiative_detail(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    return _with_totals(request, slug, code)


@router.patch(I, response={200: InitiativeOut, **ERRORS})
def initiative_update(
    request: HttpRequest, slug: str, code: str, payload: InitiativePatch
) -> dict[str, Any]:
    """Owners may change their own initiatives; editors of the programme any."""
    initiative = _initiative(request, slug, code)
    data = payload.dict(exclude_unset=True)
    relations = _initiative_relations(initiative.programme, data)
    services.initiative_update(
        initiative=initiative, data=data, acting_user=request.user, **relations
    )
    return _with_totals(request, slug, initiative.code)


@router.delete(I, response={204: None, **ERRORS})
def initiative_delete(request: HttpRequest, slug: str, code: str) -> Status:
    services.initiative_delete(
        initiative=_initiative(request, slug, code), acting_user=request.user
    )
    return Status(204, None)


# -- cost lines --


def _cost_data(payload: CostIn | CostPatch) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    if "organisation" in data:
        data["organisation"] = find_organisation(data["organisation"], "organisation")
    return data


@router.get(I + "/costs", response={200: list[CostOut], **ERRORS})
@paginate(Pagination)
def cost_list(request: HttpRequest, slug: str, code: str) -> list[dict[str, Any]]:
    initiative = _initiative(request, slug, code)
    return [_cost_out(line) for line in selectors.cost_lines(initiative=initiative)]


@router.post(I + "/costs", response={201: CostOut, **ERRORS})
def cost_create(request: HttpRequest, slug: str, code: str, payload: CostIn) -> Status:
    initiative = _initiative(request, slug, code)
    line = services.cost_line_create(
        initiative=initiative, acting_user=request.user, **_cost_data(payload)
    )
    return Status(201, _cost_out(line))


@router.get("/costs/{int:line_id}", response={200: CostOut, **ERRORS})
def cost_detail(request: HttpRequest, line_id: int) -> dict[str, Any]:
    return _cost_out(_line(request, CostLine, line_id))


@router.patch("/costs/{int:line_id}", response={200: CostOut, **ERRORS})
def cost_update(request: HttpRequest, line_id: int, payload: CostPatch) -> dict[str, Any]:
    line = _line(request, CostLine, line_id)
    services.cost_line_update(line, data=_cost_data(payload), acting_user=request.user)
    return _cost_out(line)


@router.delete("/costs/{int:line_id}", response={204: None, **ERRORS})
def cost_delete(request: HttpRequest, line_id: int) -> Status:
    services.cost_line_delete(_line(request, CostLine, line_id), acting_user=request.user)
    return Status(204, None)


# -- dependencies --


@router.get(I + "/dependencies", response={200: list[DependencyOut], **ERRORS})
@paginate(Pagination)
def dependency_list(request: HttpRequest, slug: str, code: str) -> list[dict[str, Any]]:
    """Both directions: what this initiative depends on, and what depends on it."""
    found = selectors.dependencies(initiative=_initiative(request, slug, code))
    return [_dependency_out(d) for d in found["outgoing"] + found["incoming"]]


@router.post(I + "/dependencies", response={201: DependencyOut, **ERRORS})
def dependency_create(request: HttpRequest, slug: str, code: str, payload: DependencyIn) -> Status:
    source = _initiative(request, slug, code)
    dependency = services.dependency_create(
        source=source,
        target=_other_initiative(source.programme, payload.target),
        kind=payload.kind,
        note=payload.note,
        acting_user=request.user,
    )
    return Status(201, _dependency_out(dependency))


@router.get("/dependencies/{int:dependency_id}", response={200: DependencyOut, **ERRORS})
def dependency_detail(request: HttpRequest, dependency_id: int) -> dict[str, Any]:
    return _dependency_out(_line(request, Dependency, dependency_id, via="source"))


@router.patch("/dependencies/{int:dependency_id}", response={200: DependencyOut, **ERRORS})
def dependency_update(
    request: HttpRequest, dependency_id: int, payload: DependencyPatch
) -> dict[str, Any]:
    dependency = _line(request, Dependency, dependency_id, via="source")
    data = payload.dict(exclude_unset=True)
    if "target" in data:
        data["target"] = _other_initiative(dependency.source.programme, data["target"])
    services.dependency_update(dependency, data=data, acting_user=request.user)
    return _dependency_out(dependency)


@router.delete("/dependencies/{int:dependency_id}", response={204: None, **ERRORS})
def dependency_delete(request: HttpRequest, dependency_id: int) -> Status:
    dependency = _line(request, Dependency, dependency_id, via="source")
    services.dependency_delete(dependency, acting_user=request.user)
    return Status(204, None)


# -- risks --


@router.get(I + "/risks", response={200: list[RiskOut], **ERRORS})
@paginate(Pagination)
def risk_list(request: HttpRequest, slug: str, code: str) -> list[dict[str, Any]]:
    return [_risk_out(r) for r in selectors.risks(initiative=_initiative(request, slug, code))]


@router.post(I + "/risks", response={201: RiskOut, **ERRORS})
def risk_create(request: HttpRequest, slug: str, code: str, payload: RiskIn) -> Status:
    initiative = _initiative(request, slug, code)
    risk = services.risk_create(initiative=initiative, acting_user=request.user, **payload.dict())
    return Status(201, _risk_out(risk))


@router.get("/risks/{int:risk_id}", response={200: RiskOut, **ERRORS})
def risk_detail(request: HttpRequest, risk_id: int) -> dict[str, Any]:
    return _risk_out(_line(request, Risk, risk_id))


@router.patch("/risks/{int:risk_id}", response={200: RiskOut, **ERRORS})
def risk_update(request: HttpRequest, risk_id: int, payload: RiskPatch) -> dict[str, Any]:
    risk = _line(request, Risk, risk_id)
    services.risk_update(risk, data=payload.dict(exclude_unset=True), acting_user=request.user)
    return _risk_out(risk)


@router.delete("/risks/{int:risk_id}", response={204: None, **ERRORS})
def risk_delete(request: HttpRequest, risk_id: int) -> Status:
    services.risk_delete(_line(request, Risk, risk_id), acting_user=request.user)
    return Status(204, None)


# -- status reports --


@router.get(I + "/status-reports", response={200: list[StatusReportOut], **ERRORS})
@paginate(Pagination)
def status_report_list(request: HttpRequest, slug: str, code: str) -> list[dict[str, Any]]:
    initiative = _initiative(request, slug, code)
    return [_report_out(r) for r in selectors.status_reports(initiative=initiative)]


@router.post(I + "/status-reports", response={201: StatusReportOut, **ERRORS})
def status_report_create(
    request: HttpRequest, slug: str, code: str, payload: StatusReportIn
) -> Status:
    initiative = _initiative(request, slug, code)
    report = services.status_report_create(
        initiative=initiative, acting_user=request.user, **payload.dict()
    )
    return Status(201, _report_out(report))


@router.get("/status-reports/{int:report_id}", response={200: StatusReportOut, **ERRORS})
def status_report_detail(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return _report_out(_line(request, StatusReport, report_id))


@router.patch("/status-reports/{int:report_id}", response={200: StatusReportOut, **ERRORS})
def status_report_update(
    request: HttpRequest, report_id: int, payload: StatusReportPatch
) -> dict[str, Any]:
    report = _line(request, StatusReport, report_id)
    services.status_report_update(
        report, data=payload.dict(exclude_unset=True), acting_user=request.user
    )
    return _report_out(report)


@router.delete("/status-reports/{int:report_id}", response={204: None, **ERRORS})
def status_report_delete(request: HttpRequest, report_id: int) -> Status:
    services.status_report_delete(_line(request, StatusReport, report_id), acting_user=request.user)
    return Status(204, None)
