"""The programme's portfolio overview and the initiative codes for pickers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from nytte.core.lookups import programme_or_404
from nytte.core.permissions import Action, can
from nytte.core.viewhelpers import crumb

from .. import charts, selectors

# ---------------------------------------------------------------------------------------------
# Programme overview


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    """Vision, target picture, goals, the portfolio by phase and status, costs and roadmap."""
    programme = programme_or_404(request, slug)
    cost_table = selectors.programme_cost_table(programme=programme)
    roadmap = selectors.roadmap(programme=programme)
    summary = selectors.overview_summary(programme=programme)
    return render(
        request,
        "portfolio/overview.html",
        {
            "programme": programme,
            "may_edit": can(request.user, Action.EDIT, programme),
            "may_facilitate": can(request.user, Action.FACILITATE, programme),
            "goal_tree": summary["goal_tree"],
            "phase_status": summary["phase_status"],
            "crumbs": [crumb(_("Portfolio"), "portfolio:overview", programme.slug)],
            "cost_table": cost_table,
            "cost_chart": charts.cost_chart(cost_table) if cost_table["rows"] else None,
            "roadmap": roadmap,
            "roadmap_chart": charts.roadmap_chart(roadmap) if roadmap else None,
        },
    )


@login_required
def initiative_codes(request: HttpRequest, slug: str) -> HttpResponse:
    """Code suggestions for a typed code or title (HTMX fills the field's datalist)."""
    programme = programme_or_404(request, slug)
    # The input sends its own (possibly prefixed) name; whatever it is, its value is the text.
    text = next((value for value in request.GET.values() if value), "")
    suggestions = selectors.initiative_code_suggestions(programme=programme, text=text)
    return render(request, "portfolio/partials/code_options.html", {"codes": suggestions})
