"""What the benefit pages share: finding a benefit (through the gated selectors), the tabs,
the breadcrumbs and a benefit page's context."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Programme
from nytte.core.permissions import Action, can
from nytte.core.viewhelpers import crumb

from .. import selectors, services
from ..models import Benefit

TABS: list[tuple[str, Any]] = [
    ("overview", _("Overview")),
    ("realisation", _("Realisation")),
    ("history", _("History")),
]
TAB_NAMES = {name for name, _label in TABS}
# ---------------------------------------------------------------------------------------------
# Helpers


def benefit_with_lines(request: HttpRequest, programme: Programme, code: str) -> Benefit:
    """One benefit with every line a tab shows."""
    try:
        return selectors.benefit_get(programme=programme, code=code, user=request.user)
    except Benefit.DoesNotExist as exc:
        raise Http404 from exc


def benefit_for_change(request: HttpRequest, programme: Programme, code: str) -> Benefit:
    """One benefit with its contributions, for permission checks and writes."""
    try:
        return selectors.benefit_list(programme=programme, user=request.user).get(code=code)
    except Benefit.DoesNotExist as exc:
        raise Http404 from exc


def register_crumbs(programme: Programme) -> list[dict[str, Any]]:
    return [crumb(_("Benefits"), "benefits:benefit_list", programme.slug)]


def benefit_crumbs(benefit: Benefit) -> list[dict[str, Any]]:
    return [
        *register_crumbs(benefit.programme),
        {"label": benefit.code, "url": benefit.get_absolute_url()},
    ]


def detail_context(
    request: HttpRequest, programme: Programme, benefit: Benefit, tab: str
) -> dict[str, Any]:
    selectors.attach_progress([benefit])
    return {
        "programme": programme,
        "benefit": benefit,
        "tab": tab,
        "tabs": TABS,
        "may_edit": can(request.user, Action.EDIT, benefit),
        "may_confirm": services.may_confirm(request.user, benefit),
        "crumbs": benefit_crumbs(benefit),
    }
