"""The proposal page's frame, shared by every tab: the tabs, the lookup through the queryset
gate, breadcrumbs and what the frame shows."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nytte.core.actors import Actor
from nytte.core.models import Programme
from nytte.core.permissions import Action, can

from .. import selectors, services
from ..models import Proposal

TABS: list[tuple[str, Any]] = [
    ("overview", _("Proposal")),
    ("harmonisation", _("Harmonisation")),
    ("assessment", _("Assessment")),
    ("history", _("History")),
]


TAB_NAMES = {name for name, _label in TABS}


# The proposal's related rows each tab shows (prefetched with it): the overview lists them
# all; harmonisation compares the organisations and life events with other items'.
TAB_RELATIONS: dict[str, tuple[str, ...]] = {
    "overview": selectors.PAGE_RELATIONS,
    "harmonisation": ("affected_organisations", "life_events"),
    "assessment": (),
    "history": (),
}

# Of those, the ones a tab reads in the proposal's own query instead of a query each
# (selectors.ALONG_RELATIONS).
TAB_ALONG: dict[str, tuple[str, ...]] = {
    "harmonisation": ("affected_organisations", "life_events", selectors.HARMONISATION),
}


def proposal_for(
    programme: Programme, number: int, *, user: Actor, tab: str | None = None
) -> Proposal:
    """The proposal, through the queryset gate (404 where the user may not see it), with
    the related rows ``tab`` shows (all of them without a tab)."""
    relations = selectors.PAGE_RELATIONS if tab is None else TAB_RELATIONS[tab]
    try:
        return selectors.proposal_get(
            programme=programme,
            number=number,
            user=user,
            relations=relations,
            along=TAB_ALONG.get(tab or "", ()),
        )
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
        # Where the flow lets it go, and which moves need a reason (the service's rules).
        "next_moves": services.next_moves(proposal),
        "show_personal_data": selectors.may_see_personal_data(request.user, proposal),
        "crumbs": crumbs(proposal.programme, proposal),
    }


__all__ = ["TABS", "TAB_NAMES", "TAB_RELATIONS", "crumbs", "detail_context", "proposal_for"]
