"""The live analysis and a snapshot as Excel workbooks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from nytte.core.excel.views import xlsx_response
from nytte.economics import CBAInputError

from .. import excel, presentation, results
from .. import subject as subjects
from .common import (
    analysis_page_url,
    lookup,
)
from .snapshots import (
    snapshot_or_404,
)

# ---------------------------------------------------------------------------------------------
# Excel


@login_required
@require_GET
def export(
    request: HttpRequest, slug: str, code: str | None = None, number: int | None = None
) -> HttpResponse:
    """The live analysis as a workbook with the page's layout."""
    subject = lookup(request, slug, code, number, with_result=True)[1]
    try:
        ev = results.current(subject).evaluated
    except CBAInputError as exc:
        messages.error(
            request,
            gettext("The analysis cannot be computed, so there is nothing to export: %(reason)s")
            % {"reason": str(exc)},
        )
        return redirect(analysis_page_url(subject))
    return xlsx_response(excel.workbook(ev), excel.filename(subjects.code(subject)))


@login_required
@require_GET
def snapshot_export(
    request: HttpRequest,
    slug: str,
    version: int,
    code: str | None = None,
    number: int | None = None,
) -> HttpResponse:
    """A snapshot as a workbook, from its frozen JSON."""
    subject = lookup(request, slug, code, number)[1]
    frozen = snapshot_or_404(subject, version)
    content = excel.workbook(presentation.frozen(frozen), snapshot=frozen)
    return xlsx_response(content, excel.filename(subjects.code(subject), frozen.version))
