"""Life events, goals and initiatives over REST."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from ninja import Query, Router, Status
from ninja.pagination import paginate

from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.portfolio import selectors, services
from nytte.portfolio.filtersets import InitiativeFilterSet
from nytte.portfolio.models import (
    Goal,
    Initiative,
    InitiativeGoal,
    LifeEvent,
)

from ..common import Pagination, find_life_events, find_organisation, find_user
from ..concurrency import expected_version, send_etag
from ..portfolio_schemas import (
    GoalIn,
    GoalOut,
    GoalPatch,
    InitiativeFilters,
    InitiativeIn,
    InitiativeOut,
    InitiativePatch,
    LifeEventOut,
)
from ..schemas import ERRORS, PRECONDITION
from .helpers import (
    I,
    P,
    goal_by_code,
    goal_out,
    initiative_or_404,
    initiative_out,
    life_event_out,
    organisations,
)

router = Router(tags=["portfolio"])


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
    return life_event_out(event)


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
        data["parent"] = (
            goal_by_code(programme, data["parent"], "parent") if data["parent"] else None
        )
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
    return [goal_out(g) for g in goals]


@router.post(P + "/goals", response={201: GoalOut, **ERRORS})
def goal_create(request: HttpRequest, slug: str, payload: GoalIn) -> Status:
    programme = programme_or_404(request, slug)
    goal = services.goal_save(
        programme=programme, data=_goal_data(programme, payload), acting_user=request.user
    )
    return Status(201, goal_out(goal))


@router.get(P + "/goals/{goal_code}", response={200: GoalOut, **ERRORS})
def goal_detail(request: HttpRequest, slug: str, goal_code: str) -> dict[str, Any]:
    return goal_out(_goal_get(request, slug, goal_code))


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
    return goal_out(goal)


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
        relations["participants"] = organisations(data.pop("participants"), "participants")
    data.pop("participants", None)
    if data.get("life_events") is not None:
        relations["life_events"] = find_life_events(data.pop("life_events"))
    data.pop("life_events", None)
    if data.get("goals") is not None:
        relations["goals"] = {
            goal_by_code(programme, link["goal"]): link["contribution"]
            for link in data.pop("goals")
        }
    data.pop("goals", None)
    return relations


def _with_totals(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    return initiative_out(initiative_or_404(request, slug, code))


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
        return [initiative_out(i) for i in initiatives]


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
def initiative_detail(
    request: HttpRequest, slug: str, code: str, response: HttpResponse
) -> dict[str, Any]:
    """The initiative, with its version as ``ETag`` (send it back in ``If-Match``)."""
    initiative = initiative_or_404(request, slug, code)
    send_etag(response, initiative)
    return initiative_out(initiative)


@router.patch(I, response={200: InitiativeOut, **ERRORS, **PRECONDITION})
def initiative_update(
    request: HttpRequest, slug: str, code: str, payload: InitiativePatch, response: HttpResponse
) -> dict[str, Any]:
    """Owners may change their own initiatives; editors of the programme any. With
    ``If-Match``, a stale ETag is a 412 and nothing changes."""
    initiative = initiative_or_404(request, slug, code)
    data = payload.dict(exclude_unset=True)
    relations = _initiative_relations(initiative.programme, data)
    services.initiative_update(
        initiative=initiative,
        data=data,
        acting_user=request.user,
        expected_version=expected_version(request, initiative),
        **relations,
    )
    send_etag(response, initiative)
    return _with_totals(request, slug, initiative.code)


@router.delete(I, response={204: None, **ERRORS})
def initiative_delete(request: HttpRequest, slug: str, code: str) -> Status:
    services.initiative_delete(
        initiative=initiative_or_404(request, slug, code), acting_user=request.user
    )
    return Status(204, None)


# -- cost lines --
