"""The site administrator's pages: every programme and organisation, creating programmes and
organisations (numbers checked as everywhere, modulus 11)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from nytte.core import services as core_services
from nytte.core.choices import Role
from nytte.core.models import Organisation, Programme
from nytte.core.permissions import check_site_admin
from nytte.core.viewhelpers import add_errors

from ..forms import OrganisationForm, ProgrammeCreateForm
from .common import done


def _site_crumbs(*extra: tuple[object, str]) -> list[dict[str, object]]:
    items = [{"label": gettext_lazy("Site administration"), "url": reverse("administration:site")}]
    return items + [{"label": label, "url": url} for label, url in extra]


@login_required
def site(request: HttpRequest) -> HttpResponse:
    check_site_admin(request.user)
    return render(
        request,
        "administration/site.html",
        {
            "programmes": Programme.objects.select_related("owner").order_by("name"),
            "organisations": Organisation.objects.select_related("parent").order_by("name"),
            "crumbs": _site_crumbs(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    """A new programme, and optionally its first programme admin, in one go."""
    check_site_admin(request.user)
    form = ProgrammeCreateForm(auto_id="programme_%s")
    if request.method == "POST":
        form = ProgrammeCreateForm(request.POST, auto_id="programme_%s")
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    programme = core_services.programme_create(
                        name=data["name"],
                        slug=data["slug"],
                        owner=data["owner"],
                        participants=data["participants"],
                        vision=data["vision"],
                        acting_user=request.user,
                    )
                    if data["first_admin"] is not None:
                        core_services.programme_membership_add(
                            programme=programme,
                            user=data["first_admin"],
                            role=Role.PROGRAMME_ADMIN,
                            acting_user=request.user,
                        )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return done(
                    request,
                    _("The programme %(name)s is created.") % {"name": programme.name},
                    reverse("administration:programme", kwargs={"slug": programme.slug}),
                )
    return render(
        request,
        "administration/programme_create.html",
        {
            "form": form,
            "crumbs": _site_crumbs(
                (gettext_lazy("New programme"), reverse("administration:programme_create"))
            ),
        },
    )


def _organisation_form_page(
    request: HttpRequest, form: OrganisationForm, organisation: Organisation | None
) -> HttpResponse:
    title = (
        gettext_lazy("New organisation")
        if organisation is None
        else _("Edit %(name)s") % {"name": organisation.name}
    )
    return render(
        request,
        "administration/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "title": title,
            "crumbs": _site_crumbs((title, request.path)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    check_site_admin(request.user)
    form = OrganisationForm(auto_id="organisation_%s")
    if request.method == "POST":
        form = OrganisationForm(request.POST, auto_id="organisation_%s")
        if form.is_valid():
            try:
                organisation = core_services.organisation_create(
                    acting_user=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return done(
                    request,
                    _("The organisation %(name)s is created.") % {"name": organisation.name},
                    reverse("administration:site") + f"#organisation-{organisation.pk}",
                )
    return _organisation_form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    check_site_admin(request.user)
    organisation = get_object_or_404(Organisation, pk=pk)
    form = OrganisationForm(organisation=organisation, auto_id="organisation_%s")
    if request.method == "POST":
        form = OrganisationForm(request.POST, organisation=organisation, auto_id="organisation_%s")
        if form.is_valid():
            try:
                core_services.organisation_update(
                    organisation=organisation, data=form.cleaned_data, acting_user=request.user
                )
            except ValidationError as exc:
                add_errors(form, exc)
                organisation.refresh_from_db()
            else:
                return done(
                    request,
                    _("The organisation %(name)s is saved.") % {"name": organisation.name},
                    reverse("administration:site") + f"#organisation-{organisation.pk}",
                )
    return _organisation_form_page(request, form, organisation)
