"""Pages of the forum's portfolio status reports (page and Excel) and the process metrics
dashboard (charts with tables)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from nytte.core.docx import CONTENT_TYPE as DOCX
from nytte.core.excel.views import xlsx_response
from nytte.core.lookups import programme_or_404
from nytte.core.permissions import Action, can, check
from nytte.core.viewhelpers import crumb

from ..learning import charts, excel, metrics
from ..learning import status_report as reports
from ..learning.docx import status_report_docx
from ..learning_forms import ReportForm
from ..models import StatusReport
from .learning_follow_up import crumbs


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    may_make = can(request.user, Action.FACILITATE, programme)
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        check(request.user, Action.FACILITATE, programme)
        if form.is_valid():
            report = reports.report_create(
                programme=programme, title=form.cleaned_data["title"], acting_user=request.user
            )
            messages.success(request, gettext("The status report was made."))
            return redirect("governance:status_report", slug=programme.slug, pk=report.pk)
    return render(
        request,
        "governance/learning/status_reports.html",
        {
            "programme": programme,
            "crumbs": crumbs(
                programme, crumb(_("Portfolio status reports"), "governance:status_reports", slug)
            ),
            "reports": StatusReport.objects.for_user(request.user)
            .in_programme(programme)
            .select_related("created_by"),
            "form": form if may_make else None,
        },
    )


def _report(request: HttpRequest, slug: str, pk: int) -> StatusReport:
    programme = programme_or_404(request, slug)
    return get_object_or_404(
        StatusReport.objects.for_user(request.user)
        .in_programme(programme)
        .select_related("programme", "forum", "created_by"),
        pk=pk,
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    report = _report(request, slug, pk)
    programme = report.programme
    return render(
        request,
        "governance/learning/status_report.html",
        {
            "programme": programme,
            "crumbs": crumbs(
                programme, crumb(_("Portfolio status reports"), "governance:status_reports", slug)
            ),
            "report": report,
            "rows": report.content.get("initiatives", []),
            "changes": report.content.get("changes", {}),
        },
    )


@login_required
@require_GET
def report_excel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    report = _report(request, slug, pk)
    return xlsx_response(excel.status_report_xlsx(report), f"{slug}-status-{report.pk}.xlsx")


@login_required
@require_GET
def report_word(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    report = _report(request, slug, pk)
    response = HttpResponse(status_report_docx(report), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{slug}-status-{report.pk}.docx"'
    return response


@login_required
@require_GET
def metrics_page(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    data = metrics.process_metrics(programme)
    return render(
        request,
        "governance/learning/metrics.html",
        {
            "programme": programme,
            "crumbs": crumbs(programme, crumb(_("Process metrics"), "governance:metrics", slug)),
            "m": data,
            "stage_chart": charts.stage_time_chart(data["stage_times"]),
            "source_chart": charts.outcome_chart(data["by_source"], data["outcomes"]),
        },
    )
