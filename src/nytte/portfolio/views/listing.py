"""The initiative list: filters, lifecycle sort order and paging."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from nytte.core.forms import listed
from nytte.core.htmx import render_page
from nytte.core.listing import paginate, sort_header
from nytte.core.lookups import programme_or_404
from nytte.core.permissions import Action, can
from nytte.core.viewhelpers import crumb

from .. import selectors
from ..choices import Phase, SizeBand
from ..filtersets import InitiativeFilterSet
from ..models import Initiative

# ---------------------------------------------------------------------------------------------
# Initiative list


@login_required
def initiative_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Filter, sort and page through a programme's initiatives (the filter form is a GET)."""
    programme = programme_or_404(request, slug)
    filterset = InitiativeFilterSet(
        request.GET or None,
        queryset=selectors.initiative_list(programme=programme, user=request.user),
        programme=programme,
    )
    for name in LISTED_FILTERS:
        filterset.form.fields[name] = listed(filterset.form.fields[name])
    pages = paginate(request, _ordered(filterset.qs))
    initiatives = selectors.with_flags(list(pages["page"].object_list))
    sizes = dict(SizeBand.choices)
    for initiative in initiatives:
        initiative.size_label = sizes[initiative.size_band]
    sort = request.GET.get("sort", "")
    return render_page(
        request,
        "portfolio/initiative_list.html",
        {
            "programme": programme,
            "filterset": filterset,
            "form": filterset.form,
            **pages,
            "initiatives": initiatives,
            "crumbs": [
                crumb(_("Portfolio"), "portfolio:overview", programme.slug),
                crumb(_("Initiatives"), "portfolio:initiative_list", programme.slug),
            ],
            "sort": sort,
            "columns": _sort_columns(sort),
            "may_create": can(request.user, Action.EDIT, programme),
        },
        partial="results",
    )


# The three filters with a list of choices validate against the options they list, so a
# chosen organisation, goal or life event costs no query of its own.
LISTED_FILTERS = ("organisation", "goal", "life_event")

# Phases sort in lifecycle order (idea … realise benefits), not alphabetically.
PHASE_ORDER = Case(
    *(When(phase=phase, then=Value(rank)) for rank, phase in enumerate(Phase.values)),
    output_field=IntegerField(),
)
LIFECYCLE = {"phase": PHASE_ORDER.asc(), "-phase": PHASE_ORDER.desc()}


def _ordered(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """The FilterSet's ordering with phases in lifecycle order, and ties broken by code so
    that the same initiative never turns up on two pages."""
    order = list(queryset.query.order_by)
    if not order:
        return queryset
    keys = [LIFECYCLE.get(key, key) if isinstance(key, str) else key for key in order]
    if "code" not in order:
        keys.append("code")
    return queryset.order_by(*keys)


def _sort_columns(sort: str) -> list[dict[str, Any]]:
    """Sortable column headers: the link each offers and the aria-sort it carries now."""
    columns = [
        ("code", _("Code")),
        ("title", _("Title")),
        (None, _("Owning organisation")),
        ("phase", _("Phase")),
        ("status", _("Status")),
        ("cost", _("Most likely cost (NOK)")),
        (None, _("Size")),
        (None, _("Quality assurance")),
    ]
    return [sort_header(key, label, sort) for key, label in columns]
