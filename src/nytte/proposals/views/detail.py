"""The proposal page: the frame with one tab's panel. Each tab's context comes from the
view module of its step (no dotted strings)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from nytte.core import selectors as core_selectors
from nytte.core.htmx import render_page
from nytte.core.lookups import programme_or_404

from ..models import Proposal
from . import assess, capture, harmonise
from .frame import TAB_NAMES, detail_context, proposal_for

# Each tab's context, taking (request, proposal); the history tab needs only the timeline.
TAB_PROVIDERS: dict[str, Callable[[HttpRequest, Proposal], dict[str, Any]]] = {
    "overview": capture.overview_context,
    "harmonisation": harmonise.harmonisation_context,
    "assessment": assess.assessment_context,
}


def tab_context(request: HttpRequest, proposal: Proposal, tab: str) -> dict[str, Any]:
    """What the page shows for one tab: the frame and the tab's own context."""
    context = detail_context(request, proposal, tab)
    provider = TAB_PROVIDERS.get(tab)
    if provider is not None:
        context.update(provider(request, proposal))
    elif tab == "history":
        context["timeline"] = core_selectors.history_for(proposal)
    context.setdefault("panel_template", f"proposals/tabs/{tab}.html")
    return context


@login_required
def proposal_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    tab = request.GET.get("tab", "overview")
    if tab not in TAB_NAMES:
        tab = "overview"
    proposal = proposal_for(programme, number, user=request.user, tab=tab)
    context = tab_context(request, proposal, tab)
    partial = "panel" if request.htmx and request.htmx.target == f"{tab}-panel" else "tabs"
    return render_page(request, "proposals/proposal_detail.html", context, partial=partial)
