"""The benefits analysis pages: the benefits map, who pays and who benefits, and the
follow-up dashboard. Views parse input, ask the permission module, call ``analysis`` and
render; each runs a fixed number of queries whatever the size of the register.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, check
from nytte.core.services import programme_update

from .. import analysis
from ..analysis import charts as analysis_charts
from ..forms import FlowFilterForm, MapFilterForm, SaveToleranceForm, TryToleranceForm

# ---------------------------------------------------------------------------------------------
# Helpers

# Lists of benefits on the analysis pages show this many; the register pages through all.
LIST_LIMIT = 100
# The benefits map draws its diagram up to this many boxes, and lists this many benefits
# under each goal.
MAP_DIAGRAM_LIMIT = 300
MAP_LIST_LIMIT = 25


def _crumbs(programme: Programme, label: Any, url_name: str) -> list[dict[str, Any]]:
    return [
        {
            "label": _("Benefits"),
            "url": reverse("benefits:benefit_list", kwargs={"slug": programme.slug}),
        },
        {"label": label, "url": reverse(url_name, kwargs={"slug": programme.slug})},
    ]


def _choice(form: forms.Form, name: str) -> int | None:
    """A validated choice as an id, or None when none (or an unknown one) was chosen."""
    if not form.is_bound or not form.is_valid():
        return None
    value = form.cleaned_data.get(name)
    return int(value) if value else None


def _bound(request: HttpRequest, names: tuple[str, ...]) -> dict[str, str] | None:
    """The GET data when any of the filter's fields was sent (so an empty page shows no
    errors)."""
    return request.GET if any(name in request.GET for name in names) else None


# ---------------------------------------------------------------------------------------------
# Benefits map


@login_required
@require_safe
def benefits_map(request: HttpRequest, slug: str) -> HttpResponse:
    """Initiatives → benefits → impact goals → societal goals, as a diagram and as lists."""
    programme = programme_or_404(request, slug)
    rows = analysis.map_rows(programme=programme, user=request.user)
    form = MapFilterForm(
        _bound(request, ("organisation",)),
        {"organisation": [(str(o.pk), o.name) for o in rows.organisations]},
    )
    organisation = _choice(form, "organisation")
    data = analysis.build_map(rows, organisation=organisation)
    chosen = next((o for o in rows.organisations if o.pk == organisation), None)
    # A diagram of thousands of boxes is megabytes that nobody can read: past the limit the
    # page asks for a filter, and the lists show the first benefits of each goal.
    drawn = data.benefit_count + len(data.idle) <= MAP_DIAGRAM_LIMIT
    return render(
        request,
        "benefits/map.html",
        {
            "programme": programme,
            "benefits_page": "map",
            "crumbs": _crumbs(programme, _("Benefits map"), "benefits:map"),
            "form": form,
            "organisation": chosen,
            "map": data,
            "layout": analysis_charts.map_layout(data, slug=programme.slug) if drawn else None,
            "too_big": not drawn,
            "diagram_limit": MAP_DIAGRAM_LIMIT,
            "list_limit": MAP_LIST_LIMIT,
        },
    )


# ---------------------------------------------------------------------------------------------
# Who pays, who benefits


@login_required
@require_safe
def flows(request: HttpRequest, slug: str) -> HttpResponse:
    """Present value of benefits from the organisations that pay to where benefits arise."""
    programme = programme_or_404(request, slug)
    rows = analysis.flow_rows(programme=programme, user=request.user)
    form = FlowFilterForm(
        _bound(request, ("initiative", "organisation")),
        {
            "initiative": [(str(i.pk), i.code) for i in rows.initiatives],
            "organisation": [(str(o.pk), o.name) for o in rows.organisations],
        },
    )
    initiative, organisation = _choice(form, "initiative"), _choice(form, "organisation")
    data = analysis.build_flows(rows, initiative=initiative, organisation=organisation)
    return render(
        request,
        "benefits/flows.html",
        {
            "programme": programme,
            "benefits_page": "flows",
            "crumbs": _crumbs(programme, _("Who pays, who benefits"), "benefits:flows"),
            "form": form,
            "filtered": initiative is not None or organisation is not None,
            "flows": data,
            "chart": analysis_charts.sankey(data),
            "untied": analysis.UNTIED,
            "list_limit": LIST_LIMIT,
        },
    )


# ---------------------------------------------------------------------------------------------
# Follow-up dashboard


@login_required
@require_http_methods(["GET", "POST"])
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """What needs following up: benefits behind plan, overdue measurements, and benefits
    without confirmation, baseline or owner."""
    programme = programme_or_404(request, slug)
    may_administer = can(request.user, Action.ADMINISTER, programme)
    save_form = SaveToleranceForm(initial={"tolerance": _exact(programme.behind_plan_tolerance)})
    if request.method == "POST":
        check(request.user, Action.ADMINISTER, programme)
        save_form = SaveToleranceForm(request.POST)
        if save_form.is_valid():
            try:
                programme_update(
                    programme=programme,
                    data={"behind_plan_tolerance": save_form.cleaned_data["tolerance"]},
                    acting_user=request.user,
                )
            except ValidationError as exc:
                save_form.add_error("tolerance", exc.message_dict.get("behind_plan_tolerance"))
            else:
                messages.success(
                    request,
                    gettext("The tolerance is now %(tolerance)s percentage points.")
                    % {"tolerance": _points(save_form.cleaned_data["tolerance"])},
                )
                return redirect("benefits:dashboard", slug=programme.slug)
        # Refused: the page shows the saved tolerance's lists, and the form what was typed.
        programme.refresh_from_db()

    try_form = TryToleranceForm(request.GET if "tolerance" in request.GET else None)
    tolerance: Decimal | None = None
    if try_form.is_bound and try_form.is_valid():
        tolerance = try_form.cleaned_data["tolerance"]
    report = analysis.follow_up(programme=programme, user=request.user, tolerance=tolerance)
    return render(
        request,
        "benefits/dashboard.html",
        {
            "programme": programme,
            "benefits_page": "dashboard",
            "crumbs": _crumbs(programme, _("Follow-up"), "benefits:dashboard"),
            "report": report,
            "tolerance": _points(report.tolerance),
            "trying": tolerance is not None,
            "try_form": try_form,
            "save_form": save_form if may_administer else None,
            "list_limit": LIST_LIMIT,
        },
    )


def _exact(value: Decimal) -> Decimal:
    """A tolerance without trailing zeros: 10.00 → 10, 12.50 → 12.5."""
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _points(value: Decimal) -> str:
    """A tolerance for reading, in the language's format: 10, 12,5."""
    return number_format(_exact(value))
