"""The benefits analysis pages: the benefits map, who pays and who benefits, and the
follow-up dashboard. Views parse input, ask the permission module, call ``analysis`` and
render; each runs a fixed number of queries whatever the size of the register. What they
show is cached in the analysis layer (``analysis.MapPages``, ``FlowPages``,
``cached_follow_up``), which the warm task (``benefits.warm``) fills after a change.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
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
from nytte.portfolio.models import Initiative

from .. import analysis
from ..forms import FlowFilterForm, MapFilterForm, SaveToleranceForm, TryToleranceForm

# ---------------------------------------------------------------------------------------------
# Helpers


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
    pages = analysis.MapPages(programme, request.user)
    organisations = pages.organisations()
    form = MapFilterForm(
        _bound(request, ("organisation",)),
        {"organisation": [(str(o.pk), o.name) for o in organisations]},
    )
    organisation = _choice(form, "organisation")
    shown = pages.get(organisation)
    chosen = next((o for o in organisations if o.pk == organisation), None)
    return render(
        request,
        "benefits/map.html",
        {
            "programme": programme,
            "benefits_page": "map",
            "crumbs": _crumbs(programme, _("Benefits map"), "benefits:map"),
            "form": form,
            "organisation": chosen,
            "map": shown["map"],
            "layout": shown["layout"],
            "too_big": shown["layout"] is None,
            "diagram_limit": analysis.MAP_DIAGRAM_LIMIT,
            "list_limit": analysis.MAP_LIST_LIMIT,
        },
    )


# ---------------------------------------------------------------------------------------------
# Who pays, who benefits


@login_required
@require_safe
def flows(request: HttpRequest, slug: str) -> HttpResponse:
    """Present value of benefits from the organisations that pay to where benefits arise."""
    programme = programme_or_404(request, slug)
    pages = analysis.FlowPages(programme, request.user)
    whole = pages.get(None, None)
    typed = request.GET.get("initiative", "").strip()
    form = FlowFilterForm(
        _bound(request, ("initiative", "organisation")),
        {
            # The initiative is typed by code: only the typed one is looked up.
            "initiative": _initiative_choices(programme, typed),
            "organisation": [(str(o.pk), o.name) for o in whole["organisations"]],
        },
    )
    initiative, organisation = _choice(form, "initiative"), _choice(form, "organisation")
    filtered = initiative is not None or organisation is not None
    page = pages.get(initiative, organisation) if filtered else whole
    return render(
        request,
        "benefits/flows.html",
        {
            "programme": programme,
            "benefits_page": "flows",
            "crumbs": _crumbs(programme, _("Who pays, who benefits"), "benefits:flows"),
            "form": form,
            "filtered": filtered,
            "flows": page["flows"],
            "chart": page["chart"],
            "untied": analysis.UNTIED,
            "list_limit": analysis.LIST_LIMIT,
        },
    )


def _initiative_choices(programme: Programme, typed: str) -> list[tuple[str, str]]:
    """The typed initiative as (id, code) when the programme has it (by code, or by id as
    older links have it); one query, none when nothing was typed."""
    if not typed:
        return []
    match = Q(code=typed) | (Q(pk=int(typed)) if typed.isdigit() else Q(pk__in=[]))
    return [
        (str(pk), code)
        for pk, code in Initiative.objects.filter(match, programme=programme).values_list(
            "pk", "code"
        )
    ]


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
    report = analysis.cached_follow_up(
        programme=programme, user=request.user, tolerance=tolerance, limit=analysis.LIST_LIMIT
    )
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
            "list_limit": analysis.LIST_LIMIT,
        },
    )


def _exact(value: Decimal) -> Decimal:
    """A tolerance without trailing zeros: 10.00 → 10, 12.50 → 12.5."""
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _points(value: Decimal) -> str:
    """A tolerance for reading, in the language's format: 10, 12,5."""
    return number_format(_exact(value))
