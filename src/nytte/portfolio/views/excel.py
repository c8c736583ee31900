"""Pages for the register as Excel: download an export, upload an import."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from nytte.core.excel.views import ImportForm, run_import, xlsx_response
from nytte.core.lookups import programme_or_404
from nytte.core.permissions import Action

from .. import excel


@login_required
@require_GET
def export(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug, Action.VIEW)
    return xlsx_response(excel.export_register(programme), excel.export_filename(programme))


@login_required
@require_http_methods(["GET", "POST"])
def import_register(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload form; errors come back as one table and nothing is kept (status 422)."""
    programme = programme_or_404(request, slug, Action.EDIT)
    form, result, status = run_import(request, programme, ImportForm, excel.import_register)
    context = {
        "programme": programme,
        "form": form,
        "result": result,
        "crumbs": [
            {"url": reverse("portfolio:overview", args=[slug]), "label": _("Portfolio")},
            {"url": request.path, "label": _("Import from Excel")},
        ],
    }
    return render(request, "portfolio/import.html", context, status=status)
