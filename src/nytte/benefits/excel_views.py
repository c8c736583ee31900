"""Pages for the benefits register as Excel: download an export, upload an import, and
upload measurements in bulk (how agencies feed real data)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from nytte.core import selectors
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, check
from nytte.portfolio.excel_views import ImportForm

from . import excel
from .excel.bulk import may_record_some
from .models import Benefit


class MeasurementsForm(ImportForm):
    """The import form, for a sheet of measurements rather than an edited export."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A sheet with the columns of the template. At most 10 MB."
        )


def _programme(request: HttpRequest, slug: str, action: Action) -> Programme:
    try:
        programme = selectors.programme_get(slug=slug)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc
    check(request.user, action, programme)
    return programme


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _crumbs(request: HttpRequest, slug: str, label: str) -> list[dict[str, str]]:
    return [
        {"url": reverse("benefits:benefit_list", args=[slug]), "label": _("Benefits")},
        {"url": request.path, "label": label},
    ]


@login_required
@require_GET
def export(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug, Action.VIEW)
    return _xlsx(excel.export_benefits(programme), excel.export_filename(programme))


@login_required
@require_http_methods(["GET", "POST"])
def import_benefits(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload form for the whole register; errors come back as one table and nothing is kept
    (status 422). For those who edit the programme, as the portfolio import."""
    programme = _programme(request, slug, Action.EDIT)
    result = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = excel.import_benefits(
                programme,
                form.cleaned_data["file"],
                acting_user=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
            status = 200 if result.ok else 422
        else:
            status = 422
    else:
        form = ImportForm()
    context = {
        "programme": programme,
        "form": form,
        "result": result,
        "benefits_page": "register",
        "crumbs": _crumbs(request, slug, _("Import from Excel")),
    }
    return render(request, "benefits/import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_measurements(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload measurements from a sheet; ``?template`` downloads an empty one listing the
    indicators the user may record. For editors and benefit owners (each row is checked)."""
    programme = _programme(request, slug, Action.VIEW)
    if not may_record_some(request.user, programme):
        raise PermissionDenied
    if request.method == "GET" and "template" in request.GET:
        benefits = list(Benefit.objects.filter(programme=programme).select_related("programme"))
        if not can(request.user, Action.EDIT, programme):  # an owner: their benefits only
            benefits = [b for b in benefits if can(request.user, Action.EDIT, b)]
        return _xlsx(
            excel.measurements_template(programme, benefits), excel.template_filename(programme)
        )
    result = None
    status = 200
    if request.method == "POST":
        form = MeasurementsForm(request.POST, request.FILES)
        if form.is_valid():
            result = excel.import_measurements(
                programme,
                form.cleaned_data["file"],
                acting_user=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
            status = 200 if result.ok else 422
        else:
            status = 422
    else:
        form = ImportForm()
    form.fields["file"].help_text = _("A sheet with the columns of the template. At most 10 MB.")
    context = {
        "programme": programme,
        "form": form,
        "result": result,
        "benefits_page": "register",
        "columns": excel.MEASUREMENTS.headers,
        "crumbs": _crumbs(request, slug, _("Upload measurements")),
    }
    return render(request, "benefits/measurements_import.html", context, status=status)
