"""The proposal page frame: one tab at a time, each its own URL (``?tab=harmonisation``).

Each step's module provides its tab's context (``TAB_PROVIDERS``) and handles its own forms
on its own addresses; this frame only picks the tab, checks that the user may see the
proposal and renders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from nytte.core import selectors as core_selectors
from nytte.core.htmx import render_page
from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action, can

from . import selectors
from .choices import TRANSITIONS
from .models import Proposal

TABS: list[tuple[str, Any]] = [
    ("overview", _("Proposal")),
    ("harmonisation", _("Harmonisation")),
    ("assessment", _("Assessment")),
    ("history", _("History")),
]
TAB_NAMES = {name for name, _label in TABS}
# "module.function" taking (request, proposal) and returning the tab's context.
TAB_PROVIDERS: dict[str, str] = {
    "overview": "nytte.proposals.capture_views.overview_context",
    "harmonisation": "nytte.proposals.harmonise_views.harmonisation_context",
    "assessment": "nytte.proposals.assess_views.assessment_context",
}


def proposal_for(programme: Programme, number: int) -> Proposal:
    try:
        return selectors.proposal_get(programme=programme, number=number)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc


def crumbs(programme: Programme, proposal: Proposal | None = None) -> list[dict[str, Any]]:
    result = [
        {
            "label": _("Proposals"),
            "url": reverse("proposals:proposal_list", kwargs={"slug": programme.slug}),
        }
    ]
    if proposal is not None:
        result.append({"label": proposal.reference, "url": proposal.get_absolute_url()})
    return result


def detail_context(request: HttpRequest, proposal: Proposal, tab: str) -> dict[str, Any]:
    """What the frame shows on every tab."""
    return {
        "programme": proposal.programme,
        "proposal": proposal,
        "tab": tab,
        "tabs": TABS,
        "may_facilitate": can(request.user, Action.FACILITATE, proposal),
        "may_contribute": can(request.user, Action.CONTRIBUTE, proposal),
        "next_stages": sorted(TRANSITIONS.get(proposal.stage, ())),
        "show_personal_data": selectors.may_see_personal_data(request.user, proposal),
        "crumbs": crumbs(proposal.programme, proposal),
    }


def _provider(tab: str) -> Callable[[HttpRequest, Proposal], dict[str, Any]] | None:
    path = TAB_PROVIDERS.get(tab)
    return import_string(path) if path else None


@login_required
def proposal_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    proposal = proposal_for(programme, number)
    tab = request.GET.get("tab", "overview")
    if tab not in TAB_NAMES:
        tab = "overview"
    context = detail_context(request, proposal, tab)
    provider = _provider(tab)
    if provider is not None:
        context.update(provider(request, proposal))
    elif tab == "history":
        context["timeline"] = core_selectors.history_for(proposal)
    context.setdefault("panel_template", f"proposals/tabs/{tab}.html")
    partial = "panel" if request.htmx and request.htmx.target == f"{tab}-panel" else "tabs"
    return render_page(request, "proposals/proposal_detail.html", context, partial=partial)
