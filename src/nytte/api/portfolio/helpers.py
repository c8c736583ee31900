"""Lookups and output shapes shared by the portfolio routers."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from nytte.core.lookups import programme_or_404
from nytte.core.models import Organisation, Programme
from nytte.core.permissions import Action, check
from nytte.portfolio import selectors
from nytte.portfolio.models import (
    CostLine,
    Dependency,
    Goal,
    Initiative,
    LifeEvent,
    Risk,
    StatusReport,
)

from ..common import find_organisation, org_out

P = "/programmes/{slug}"
I = P + "/initiatives/{code}"  # noqa: E741


# -- lookups --


def initiative_or_404(request: HttpRequest, slug: str, code: str) -> Initiative:
    programme = programme_or_404(request, slug)
    try:
        return selectors.initiative_detail(programme=programme, code=code, user=request.user)
    except Initiative.DoesNotExist as exc:
        raise Http404 from exc


def line_or_404(request: HttpRequest, model: type[Model], pk: int, via: str = "initiative") -> Any:
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


def organisations(orgnrs: list[str], field: str) -> list[Organisation]:
    return [find_organisation(orgnr, field) for orgnr in orgnrs]


def goal_by_code(programme: Programme, code: str, field: str = "goal") -> Goal:
    goal = Goal.objects.filter(programme=programme, code=code).first()
    if goal is None:
        raise ValidationError({field: _("No goal has the code “%(code)s”.") % {"code": code}})
    return goal


def other_initiative(programme: Programme, code: str) -> Initiative:
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


def initiative_out(initiative: Initiative) -> dict[str, Any]:
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
                "published",
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


def cost_out(line: CostLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "initiative": line.initiative.code,
        "organisation": org_out(line.organisation),
        **{f: getattr(line, f) for f in ("year", "category", "low", "likely", "high", "note")},
    }


def dependency_out(dependency: Dependency) -> dict[str, Any]:
    return {
        "id": dependency.pk,
        "source": dependency.source.code,
        "kind": dependency.kind,
        "target": dependency.target.code,
        "note": dependency.note,
    }


def risk_out(risk: Risk) -> dict[str, Any]:
    fields = ("title", "description", "probability", "consequence", "owner", "mitigation")
    return {
        "id": risk.pk,
        "initiative": risk.initiative.code,
        "score": risk.score,
        "status": risk.status,
        **{f: getattr(risk, f) for f in fields},
    }


def report_out(report: StatusReport) -> dict[str, Any]:
    fields = ("period", "overall", "plan", "cost", "benefits", "stakeholders", "risk")
    return {
        "id": report.pk,
        "initiative": report.initiative.code,
        "commentary": report.commentary,
        "reported_by": report.reported_by.username if report.reported_by else None,
        **{f: getattr(report, f) for f in fields},
    }


def goal_out(goal: Goal) -> dict[str, Any]:
    return {
        "code": goal.code,
        "level": goal.level,
        "parent": goal.parent.code if goal.parent else None,
        "title": goal.title,
        "description": goal.description,
        "weight": goal.weight,
    }


def life_event_out(event: LifeEvent) -> dict[str, Any]:
    return {
        "slug": event.slug,
        "name": event.name,
        "description": event.description,
        "responsible": org_out(event.responsible),
    }


# -- life events --
