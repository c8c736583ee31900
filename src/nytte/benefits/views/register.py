"""The benefits register page: filters, sorting, pages and totals that count each benefit
once and attribute to initiatives only their shares."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from nytte.core.forms import listed
from nytte.core.htmx import render_page
from nytte.core.listing import paginate, sort_header
from nytte.core.lookups import programme_or_404
from nytte.core.models import Organisation
from nytte.core.permissions import Action, can

from .. import selectors
from ..filtersets import BenefitFilterSet
from ..models import Benefit
from ..totals import register_totals, share_subquery
from .common import register_crumbs

# ---------------------------------------------------------------------------------------------
# The register


# The filters with a list of choices validate against the options they list, so a chosen
# organisation or goal costs no query of its own. The initiative is typed by its code: a
# national portfolio has thousands, too many to list.
LISTED_FILTERS = ("owner_organisation", "goal")
SORT_COLUMNS: list[tuple[str | None, Any, bool]] = [  # key, label, numeric
    ("code", _("Code"), False),
    ("title", _("Title"), False),
    ("kind", _("Kind"), False),
    (None, _("Arises in"), False),
    ("owner", _("Owner"), False),
    ("status", _("Status"), False),
    ("total", _("Most likely total (NOK)"), True),
]


@login_required
def benefit_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Filter, sort and page through a programme's benefits, with totals that count each
    benefit once and attribute to initiatives only their shares."""
    programme = programme_or_404(request, slug)
    organisations = list(Organisation.objects.order_by("name"))
    filterset = BenefitFilterSet(
        request.GET or None,
        queryset=selectors.benefit_list(programme=programme, user=request.user),
        programme=programme,
        organisations=organisations,
    )
    for name in LISTED_FILTERS:
        filterset.form.fields[name] = listed(filterset.form.fields[name])
    filterset.form.fields["owner_organisation"].objects = organisations
    # Totals cover every benefit that matches, not just this page: the database sums them
    # (and counts them for the pages) in one query; only the page is read, with its share
    # attributed to the initiatives and its indicators' progress.
    initiative_ids = filterset.initiative_ids()
    totals = register_totals(
        programme, filterset.qs, initiative_ids, filter_key=filterset.filter_key()
    )
    benefits = (
        _ordered(filterset.qs)
        .prefetch_related(None)
        .annotate(share_percent=share_subquery(initiative_ids))
    )
    pages = paginate(request, benefits, count=totals.count)
    rows = selectors.attach_progress_summary(pages["page"].object_list)
    sort = request.GET.get("sort", "")
    chosen = filterset.form.cleaned_data.get("initiative") if initiative_ids else None
    return render_page(
        request,
        "benefits/benefit_list.html",
        {
            "programme": programme,
            "benefits_page": "register",
            "filterset": filterset,
            "form": filterset.form,
            **pages,
            "benefits": rows,
            "totals": totals,
            "chosen_initiative": chosen,
            "crumbs": register_crumbs(programme),
            "sort": sort,
            "columns": _sort_columns(sort),
            "may_create": can(request.user, Action.EDIT, programme),
        },
        partial="results",
    )


def _ordered(queryset: QuerySet[Benefit]) -> QuerySet[Benefit]:
    """The FilterSet's ordering with ties broken by code, so that the same benefit never
    turns up on two pages."""
    order = list(queryset.query.order_by)
    if order and "code" not in order:
        return queryset.order_by(*order, "code")
    return queryset


def _sort_columns(sort: str) -> list[dict[str, Any]]:
    """Sortable column headers: the link each offers and the aria-sort it carries now."""
    return [
        sort_header(key, label, sort) | {"numeric": numeric} for key, label, numeric in SORT_COLUMNS
    ]
