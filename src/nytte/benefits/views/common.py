"""What the benefit pages share: finding a benefit (through the gated selectors), the tabs,
the breadcrumbs and a benefit page's context."""

from __future__ import annotations

from collections.abc import Collection
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
# The lines each tab shows; the heading's flags come from the indicators' progress either way.
TAB_LINES: dict[str, frozenset[str]] = {
    "overview": frozenset({"contributions", "amounts", "risks"}),
    "realisation": frozenset({"indicators"}),
    "history": frozenset(),
}
# ---------------------------------------------------------------------------------------------
# Helpers


def benefit_with_lines(request: HttpRequest, programme: Programme, code: str, tab: str) -> Benefit:
    """One benefit with every line ``tab`` shows."""
    try:
        return selectors.benefit_get(
            programme=programme, code=code, user=request.user, lines=TAB_LINES[tab]
        )
    except Benefit.DoesNotExist as exc:
        raise Http404 from exc


def benefit_for_change(
    request: HttpRequest,
    programme: Programme,
    code: str,
    lines: Collection[str] = ("contributions",),
    indicator: int | None = None,
) -> Benefit:
    """One benefit for permission checks and writes, with its contributions unless other
    ``lines`` are asked for (and its ``indicator``, see ``selectors.benefit_get``)."""
    try:
        return selectors.benefit_for_change(
            programme=programme, code=code, user=request.user, lines=lines, indicator=indicator
        )
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
    if "indicators" in TAB_LINES[tab]:
        selectors.attach_progress([benefit])
    else:
        selectors.attach_progress_summary([benefit])
    return {
        "programme": programme,
        "benefit": benefit,
        "tab": tab,
        "tabs": TABS,
        "may_edit": can(request.user, Action.EDIT, benefit),
        "may_confirm": services.may_confirm(request.user, benefit),
        "crumbs": benefit_crumbs(benefit),
    }
