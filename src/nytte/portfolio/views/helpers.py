"""What the portfolio pages share: the initiative's tabs, the initiative by its code, and the
context every tab of the initiative page starts from.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Programme
from nytte.core.permissions import Action, can
from nytte.core.viewhelpers import crumb

from .. import selectors
from ..choices import SizeBand
from ..models import Initiative

TABS: list[tuple[str, Any]] = [
    ("overview", _("Overview")),
    ("costs", _("Costs")),
    ("dependencies", _("Dependencies")),
    ("risks", _("Risks")),
    ("reports", _("Status reports")),
    ("benefits", _("Benefits")),
    ("history", _("History")),
]
TAB_NAMES = {name for name, _label in TABS}


def initiative_or_404(
    request: HttpRequest, programme: Programme, code: str, *, full: bool = False
) -> Initiative:
    """One initiative with cost totals and flags; ``full`` adds goals, participants and
    life events for the overview tab and the edit form."""
    user = request.user
    try:
        if full:
            return selectors.initiative_detail(programme=programme, code=code, user=user)
        initiative = selectors.initiative_list(programme=programme, user=user).get(code=code)
    except Initiative.DoesNotExist as exc:
        raise Http404 from exc
    return selectors.with_flags([initiative])[0]


def detail_context(
    request: HttpRequest, programme: Programme, initiative: Initiative, tab: str
) -> dict[str, Any]:
    return {
        "programme": programme,
        "initiative": initiative,
        "tab": tab,
        "tabs": TABS,
        "size_label": SizeBand(initiative.size_band).label,
        "may_edit": can(request.user, Action.EDIT, initiative),
        "crumbs": [
            crumb(_("Portfolio"), "portfolio:overview", programme.slug),
            crumb(_("Initiatives"), "portfolio:initiative_list", programme.slug),
            {"label": initiative.code, "url": initiative.get_absolute_url()},
        ],
    }
