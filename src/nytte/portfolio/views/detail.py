"""An initiative's page with one tab at a time."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from nytte.benefits import selectors as benefit_selectors
from nytte.benefits.totals import attributed_amount, benefit_totals
from nytte.core import selectors as core_selectors
from nytte.core.htmx import render_page
from nytte.core.lookups import programme_or_404

from ..models import Initiative
from .helpers import TAB_NAMES, detail_context, initiative_or_404
from .lines import LINES, line_action, lines_context

# ---------------------------------------------------------------------------------------------
# Initiative page and its tabs


@login_required
@require_http_methods(["GET", "POST"])
def initiative_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """An initiative with one tab at a time; each tab is its own URL (``?tab=costs``)."""
    programme = programme_or_404(request, slug)
    if request.method == "POST":
        return line_action(request, programme, code)
    tab = request.GET.get("tab", "overview")
    if tab not in TAB_NAMES:
        tab = "overview"
    initiative = initiative_or_404(request, programme, code, full=tab == "overview")
    context = detail_context(request, programme, initiative, tab)
    if tab in LINES:
        context.update(
            lines_context(request, programme, initiative, LINES[tab], may_edit=context["may_edit"])
        )
    elif tab == "benefits":
        context.update(_benefits_context(initiative, request.user))
    elif tab == "history":
        context["timeline"] = core_selectors.history_for(initiative)
    # A tab's own links and forms swap only its panel; tab links swap the tabs with content.
    partial = "panel" if request.htmx and request.htmx.target == f"{tab}-panel" else "tabs"
    return render_page(request, "portfolio/initiative_detail.html", context, partial=partial)


def _benefits_context(initiative: Initiative, user: Any) -> dict[str, Any]:
    """The benefits the initiative contributes to, each with its share and what that share is
    worth; the total is the initiative's attributed part, never the benefits' full sums."""
    benefits = list(
        benefit_selectors.benefit_list(programme=initiative.programme, user=user).filter(
            contributions__initiative=initiative
        )
    )
    for benefit in benefits:
        benefit.initiative_share = (
            benefit_selectors.attributed_share(benefit, [initiative.pk]) * 100
        )
        benefit.attributed = attributed_amount(benefit, [initiative.pk])
    return {
        "benefits": benefits,
        "benefit_totals": benefit_totals(benefits, [initiative.pk]),
        "panel_template": "portfolio/tabs/benefits.html",
        "notice": "",
    }
