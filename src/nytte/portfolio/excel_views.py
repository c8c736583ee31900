"""Pages for the register as Excel: download an export, upload an import."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from nytte.core import selectors
from nytte.core.models import Programme
from nytte.core.permissions import Action, check

from . import excel

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("An export of this register, edited. At most 10 MB."),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file, save nothing"), required=False, initial=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is too large: at most %(mb)s MB."),
                params={"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        return upload


def _programme(request: HttpRequest, slug: str, action: Action) -> Programme:
    try:
        programme = selectors.programme_get(slug=slug)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc
    check(request.user, action, programme)
    return programme


@login_required
@require_GET
def export(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug, Action.VIEW)
    response = HttpResponse(excel.export_register(programme), content_type=excel.CONTENT_TYPE)
    filename = excel.export_filename(programme)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_register(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload form; errors come back as one table and nothing is kept (status 422)."""
    programme = _programme(request, slug, Action.EDIT)
    result = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = excel.import_register(
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
        "crumbs": [
            {"url": reverse("portfolio:overview", args=[slug]), "label": _("Portfolio")},
            {"url": request.path, "label": _("Import from Excel")},
        ],
    }
    return render(request, "portfolio/import.html", context, status=status)
