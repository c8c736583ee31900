"""Pages for the benefits register as Excel: download an export, upload an import, and
upload measurements in bulk (how agencies feed real data)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from nytte.core.excel.views import ImportForm, run_import, xlsx_response
from nytte.core.lookups import programme_or_404
from nytte.core.permissions import Action, can

from .. import excel
from ..excel.bulk import may_record_some
from ..forms import MeasurementsForm
from ..models import Benefit


def _crumbs(request: HttpRequest, slug: str, label: str) -> list[dict[str, str]]:
    return [
        {"url": reverse("benefits:benefit_list", args=[slug]), "label": _("Benefits")},
        {"url": request.path, "label": label},
    ]


@login_required
@require_GET
def export(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug, Action.VIEW)
    return xlsx_response(
        excel.export_benefits(programme, user=request.user), excel.export_filename(programme)
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_benefits(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload form for the whole register; errors come back as one table and nothing is kept
    (status 422). For those who edit the programme, as the portfolio import."""
    programme = programme_or_404(request, slug, Action.EDIT)
    form, result, status = run_import(request, programme, ImportForm, excel.import_benefits)
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
    programme = programme_or_404(request, slug, Action.VIEW)
    if not may_record_some(request.user, programme):
        raise PermissionDenied
    if request.method == "GET" and "template" in request.GET:
        benefits = list(
            Benefit.objects.for_user(request.user)
            .in_programme(programme)
            .select_related("programme")
        )
        if not can(request.user, Action.EDIT, programme):  # an owner: their benefits only
            benefits = [b for b in benefits if can(request.user, Action.EDIT, b)]
        return xlsx_response(
            excel.measurements_template(programme, benefits), excel.template_filename(programme)
        )
    form, result, status = run_import(
        request, programme, MeasurementsForm, excel.import_measurements
    )
    context = {
        "programme": programme,
        "form": form,
        "result": result,
        "benefits_page": "register",
        "columns": excel.MEASUREMENTS.headers,
        "crumbs": _crumbs(request, slug, _("Upload measurements")),
    }
    return render(request, "benefits/measurements_import.html", context, status=status)
