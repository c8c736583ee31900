"""The stakeholder register: the power/interest grid with its table, and the forms to add,
change and remove a stakeholder."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, check
from nytte.core.viewhelpers import add_errors
from nytte.portfolio.models import Initiative

from .. import charts, selectors, services
from ..forms import StakeholderForm
from ..models import Stakeholder
from .common import crumbs

QUADRANTS = ("manage", "satisfy", "inform", "monitor")


def _editable_initiatives(request: HttpRequest, programme: Programme) -> Any:
    return Initiative.objects.for_user(request.user, Action.EDIT).in_programme(programme)


def _may_add(request: HttpRequest, programme: Programme) -> bool:
    return (
        can(request.user, Action.EDIT, programme)
        or _editable_initiatives(request, programme).exists()
    )


@login_required
@require_GET
def stakeholder_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every stakeholder, or those of one initiative (``?initiative=CODE``)."""
    programme = programme_or_404(request, slug)
    initiatives = list(
        Initiative.objects.for_user(request.user).in_programme(programme).order_by("code")
    )
    code = request.GET.get("initiative", "")
    chosen = next((i for i in initiatives if i.code == code), None)
    stakeholders = list(
        selectors.stakeholder_list(programme=programme, user=request.user, initiative=chosen)
    )
    url = reverse("anchoring:stakeholders", kwargs={"slug": programme.slug})
    if can(request.user, Action.EDIT, programme):
        editable = {s.pk for s in stakeholders}
    else:
        mine = set(_editable_initiatives(request, programme).values_list("pk", flat=True))
        editable = {s.pk for s in stakeholders if s.initiative_id in mine}
    context = {
        "programme": programme,
        "stakeholders": stakeholders,
        "editable": editable,
        "initiatives": initiatives,
        "chosen": chosen,
        "chart": charts.power_interest_grid(stakeholders) if stakeholders else None,
        "quadrants": {q: [s for s in stakeholders if s.quadrant == q] for q in QUADRANTS},
        "may_add": _may_add(request, programme),
        "crumbs": crumbs(programme, {"label": gettext("Stakeholders"), "url": url}),
    }
    return render(request, "anchoring/stakeholders.html", context)


def _form_page(
    request: HttpRequest,
    programme: Programme,
    form: StakeholderForm,
    stakeholder: Stakeholder | None,
    status: int = 200,
) -> HttpResponse:
    url = reverse("anchoring:stakeholders", kwargs={"slug": programme.slug})
    label = gettext("New stakeholder") if stakeholder is None else stakeholder.display_name
    context = {
        "programme": programme,
        "form": form,
        "stakeholder": stakeholder,
        "list_url": url,
        "crumbs": crumbs(
            programme,
            {"label": gettext("Stakeholders"), "url": url},
            {"label": label, "url": request.path},
        ),
    }
    return render(request, "anchoring/stakeholder_form.html", context, status=status)


def _data(form: StakeholderForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    if not _may_add(request, programme):
        raise PermissionDenied
    initiatives = (
        Initiative.objects.in_programme(programme)
        if can(request.user, Action.EDIT, programme)
        else _editable_initiatives(request, programme)
    )
    if request.method == "GET":
        chosen = initiatives.filter(code=request.GET.get("initiative", "")).first()
        form = StakeholderForm(
            programme=programme, initiatives=initiatives, initial={"initiative": chosen}
        )
        return _form_page(request, programme, form, None)
    form = StakeholderForm(request.POST, programme=programme, initiatives=initiatives)
    if form.is_valid():
        try:
            services.stakeholder_create(
                programme=programme, data=_data(form), acting_user=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied:
            form.add_error("initiative", gettext("Choose an initiative you own."))
        else:
            messages.success(request, gettext("The stakeholder is added."))
            return redirect(reverse("anchoring:stakeholders", kwargs={"slug": programme.slug}))
    return _form_page(request, programme, form, None, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    stakeholder = get_object_or_404(
        Stakeholder.objects.for_user(request.user)
        .in_programme(programme)
        .select_related("initiative", "organisation", "programme"),
        pk=pk,
    )
    check(request.user, Action.EDIT, stakeholder)
    initiatives = (
        Initiative.objects.in_programme(programme)
        if can(request.user, Action.EDIT, programme)
        else _editable_initiatives(request, programme)
    )
    list_url = reverse("anchoring:stakeholders", kwargs={"slug": programme.slug})
    if request.method == "POST" and request.POST.get("action") == "delete":
        services.stakeholder_delete(stakeholder=stakeholder, acting_user=request.user)
        messages.success(request, gettext("The stakeholder is removed."))
        return redirect(list_url)
    if request.method == "GET":
        initial = {
            name: getattr(stakeholder, name)
            for name in StakeholderForm.base_fields
            if name not in ("initiative", "organisation")
        }
        initial |= {"initiative": stakeholder.initiative, "organisation": stakeholder.organisation}
        form = StakeholderForm(programme=programme, initiatives=initiatives, initial=initial)
        return _form_page(request, programme, form, stakeholder)
    form = StakeholderForm(request.POST, programme=programme, initiatives=initiatives)
    if form.is_valid():
        try:
            services.stakeholder_update(
                stakeholder=stakeholder, data=_data(form), acting_user=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied:
            form.add_error("initiative", gettext("Choose an initiative you own."))
        else:
            messages.success(request, gettext("The stakeholder is saved."))
            return redirect(list_url)
    return _form_page(request, programme, form, stakeholder, status=422)
