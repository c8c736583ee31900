"""What the Excel pages of the registers share: the upload form, the download response and
the upload flow, so that every import page checks, answers and fails the same way (errors:
status 422, nothing kept)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Programme

from .format import CONTENT_TYPE
from .result import ImportResult

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    """An edited export to upload; the other import pages change only the help text."""

    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("An export of this register, edited. At most 10 MB."),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file, save nothing"), required=False, initial=False
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is too large: at most %(mb)s MB."),
                params={"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        return upload


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """A workbook as a download."""
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def run_import(
    request: HttpRequest,
    programme: Programme,
    form_class: type[ImportForm],
    importer: Callable[..., ImportResult],
) -> tuple[ImportForm, ImportResult | None, int]:
    """The upload flow of an import page: the form, the import's result (None until a valid
    upload) and the status: 422 for an invalid form or a file with errors, so that a failed
    upload never looks like a success. ``importer`` is called as
    ``importer(programme, file, acting_user=..., dry_run=...)``."""
    if request.method != "POST":
        return form_class(), None, 200
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return form, None, 422
    result = importer(
        programme,
        form.cleaned_data["file"],
        acting_user=request.user,
        dry_run=form.cleaned_data["dry_run"],
    )
    return form, result, 200 if result.ok else 422
