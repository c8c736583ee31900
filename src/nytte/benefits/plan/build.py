"""Building the plan as plain data from the register: the whole plan (``build_plan``, or
``build_pieces``: its summary and its benefits), or its summary and a page of its benefits
(``plan_summary``, ``plan_benefit_data``), as the page shows it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from nytte.core.actors import Actor
from nytte.core.models import Programme
from nytte.portfolio.models import Initiative

from .. import selectors
from ..models import Benefit
from .data import (
    benefit_data,
    benefit_figures,
    initiative_data,
    iso,
    plan_benefits,
    plan_initiatives,
    programme_data,
    programme_goal_tree,
)
from .figures import Figures, plan_figures
from .rules import PLAN_FORMAT
from .tables import assemble, initiative_totals, summarise


def _programme_initiatives(programme: Programme) -> list[dict[str, Any]]:
    """The programme's initiatives (its main products) in code order, as the plan lists them
    (``tables.initiative_totals`` adds their benefits and attributed amounts)."""
    initiatives = Initiative.objects.filter(programme=programme).select_related(
        "owner_organisation"
    )
    return [
        {
            "code": i.code,
            "title": i.title,
            "owner_organisation": i.owner_organisation.name,
            "phase": i.phase,
            "status": i.status,
            "planned_start": iso(i.planned_start),
            "planned_end": iso(i.planned_end),
        }
        for i in initiatives.order_by("code")
    ]


def _for_plan(initiative: Initiative) -> Initiative:
    """The initiative as ``plan_initiatives`` reads it, read again only when the caller did
    not read it so."""
    if hasattr(initiative, "goal_rows"):
        return initiative
    return plan_initiatives().get(pk=initiative.pk)


def _summary(
    programme: Programme,
    initiative: Initiative | None,
    figures: list[dict[str, Any]],
    years: list[int],
    today: dt.date,
) -> dict[str, Any]:
    """The summary of the plan whose benefits' figures (or data) are ``figures``."""
    programme_scope = initiative is None
    frame = {
        "format": PLAN_FORMAT,
        "scope": "programme" if programme_scope else "initiative",
        "built_on": today.isoformat(),
        "programme": programme_data(programme),
        "initiative": None if programme_scope else initiative_data(initiative),
        "goal_tree": programme_goal_tree(programme) if programme_scope else [],
        "initiatives": (
            initiative_totals(_programme_initiatives(programme), figures) if programme_scope else []
        ),
        "years": years,
    }
    return summarise(frame, figures)


def _years(benefits: list[Benefit] | list[Figures]) -> list[int]:
    return sorted({a.year for b in benefits for a in b.amounts.all()})


def plan_summary(
    *, programme: Programme, user: Actor, today: dt.date | None = None
) -> dict[str, Any]:
    """The summary of the programme's plan (``tables``) from the light read of its
    benefits: no indicators, measurements or risks, so at national size it costs a few
    seconds, not the minute the whole plan does. It reads no progress: ``built_on`` is the
    only thing in it that depends on the day. (An initiative's plan, a handful of
    benefits, is built whole: ``build_pieces``.)"""
    today = today or timezone.localdate()
    benefits = plan_figures(programme, user)
    years = _years(benefits)
    figures = [benefit_figures(b, None, years) for b in benefits]
    return _summary(programme, None, figures, years, today)


def plan_benefit_data(
    *,
    programme: Programme,
    user: Actor,
    codes: list[str],
    years: list[int],
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """The benefits of ``codes`` (a page of the programme's plan, in that order) with all
    the plan shows of them; ``years``: the plan's (its summary's)."""
    today = today or timezone.localdate()
    benefits = selectors.attach_progress(
        plan_benefits(programme, None, user, codes=codes), today=today
    )
    data = {b.code: benefit_data(b, None, years) for b in benefits}
    return [data[code] for code in codes if code in data]


def build_pieces(
    *,
    programme: Programme,
    user: Actor,
    initiative: Initiative | None = None,
    today: dt.date | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The whole plan as its summary and all its benefits (what a saved version keeps)."""
    today = today or timezone.localdate()
    objects = selectors.attach_progress(plan_benefits(programme, initiative, user), today=today)
    years = _years(objects)
    scope_initiative = None if initiative is None else _for_plan(initiative)
    benefits = [benefit_data(b, scope_initiative, years) for b in objects]
    return _summary(programme, scope_initiative, benefits, years, today), benefits


def build_plan(
    *,
    programme: Programme,
    user: Actor,
    initiative: Initiative | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The realisation plan of ``initiative``, or of the whole programme when it is None, as
    plain JSON data (see the package docstring for the rules), every benefit in it.
    ``today`` dates the progress."""
    summary, benefits = build_pieces(
        programme=programme, user=user, initiative=initiative, today=today
    )
    return assemble(summary, benefits)
