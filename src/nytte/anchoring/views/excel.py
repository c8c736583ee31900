"""Download the stakeholders and answers as Excel, and upload an edited workbook."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from nytte.core.excel.views import ImportForm, run_import, xlsx_response
from nytte.core.lookups import programme_or_404
from nytte.core.permissions import Action

from ..excel import export_anchoring, export_filename, import_anchoring
from .common import crumbs


@login_required
@require_GET
def export(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    return xlsx_response(export_anchoring(programme, user=request.user), export_filename(programme))


@login_required
@require_http_methods(["GET", "POST"])
def import_workbook(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug, Action.EDIT)
    form, result, status = run_import(request, programme, ImportForm, import_anchoring)
    context = {
        "programme": programme,
        "form": form,
        "result": result,
        "crumbs": crumbs(programme, {"label": gettext("Import from Excel"), "url": request.path}),
        "export_url": reverse("anchoring:export", kwargs={"slug": programme.slug}),
    }
    return render(request, "anchoring/import.html", context, status=status)
