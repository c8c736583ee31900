"""Pages of the lessons register and the calibration (with the reference-class adjustment
applied to an analysis by choice)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from nytte.core.excel.views import xlsx_response
from nytte.core.lookups import programme_or_404
from nytte.core.permissions import can
from nytte.core.viewhelpers import add_errors, crumb
from nytte.costbenefit import subject as cba_subjects
from nytte.portfolio.models import Initiative
from nytte.proposals.choices import OPEN_STAGES
from nytte.proposals.models import Proposal

from ..learning import calibration as calibration_services
from ..learning import charts, excel
from ..learning import lessons as lesson_services
from ..learning_forms import AdjustmentForm, LessonForm
from ..models import Lesson
from .learning_follow_up import crumbs, follows_up


@login_required
@require_http_methods(["GET", "POST"])
def lesson_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    may_add = follows_up(request.user, programme)
    form = LessonForm(request.POST or None) if may_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                lesson = lesson_services.lesson_create(
                    programme=programme, acting_user=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, gettext("The lesson was added to the register."))
                return redirect(lesson.get_absolute_url())
    q, tag = request.GET.get("q", "").strip(), request.GET.get("tag", "").strip()
    lessons = lesson_services.lesson_search(programme=programme, user=request.user, q=q, tag=tag)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(excel.lessons_xlsx(lessons), f"{programme.slug}-lessons.xlsx")
    everything = lesson_services.lesson_search(programme=programme, user=request.user)
    return render(
        request,
        "governance/learning/lessons.html",
        {
            "programme": programme,
            "crumbs": crumbs(programme, crumb(_("Lessons"), "governance:lessons", slug)),
            "lessons": lessons,
            "q": q,
            "tag": tag,
            "tags": lesson_services.all_tags(everything),
            "form": form,
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def lesson_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    lesson = get_object_or_404(
        Lesson.objects.for_user(request.user)
        .in_programme(programme)
        .select_related("case", "review__decision", "created_by"),
        pk=pk,
    )
    may_edit = follows_up(request.user, programme)
    form = LessonForm(request.POST or None, instance=lesson) if may_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                lesson_services.lesson_update(
                    lesson=lesson, data=form.cleaned_data, acting_user=request.user
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, gettext("The lesson was saved."))
                return redirect(lesson.get_absolute_url())
    return render(
        request,
        "governance/learning/lesson.html",
        {
            "programme": programme,
            "crumbs": crumbs(programme, crumb(_("Lessons"), "governance:lessons", slug)),
            "lesson": lesson,
            "form": form,
        },
        status=422 if form is not None and form.errors else 200,
    )


def _subjects(request: HttpRequest, programme: Any) -> list[tuple[str, str]]:
    """The analyses the user may adjust: open proposals and initiatives."""
    found = []
    for proposal in Proposal.objects.filter(programme=programme, stage__in=OPEN_STAGES):
        if can(request.user, cba_subjects.edit_action(proposal), proposal):
            found.append((f"proposal-{proposal.pk}", f"{proposal.reference} {proposal.title}"))
    for initiative in Initiative.objects.filter(programme=programme).order_by("code"):
        if can(request.user, cba_subjects.edit_action(initiative), initiative):
            found.append((f"initiative-{initiative.pk}", f"{initiative.code} {initiative.title}"))
    return found


@login_required
@require_http_methods(["GET", "POST"])
def calibration(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    result = calibration_services.calibration(programme=programme)
    rows = result.rows()
    if request.GET.get("format") == "xlsx":
        return xlsx_response(excel.calibration_xlsx(rows), f"{programme.slug}-calibration.xlsx")
    groups = [
        (f"{r['dimension']}:{r['key']}", f"{r['label']} ({r['ratio']:.3f})")
        for r in rows
        if r["ratio"] is not None
    ]
    subjects = _subjects(request, programme) if groups else []
    form = AdjustmentForm(request.POST or None, groups=groups, subjects=subjects)
    if request.method == "POST":
        if not subjects:
            raise PermissionDenied
        if form.is_valid():
            dimension, _sep, key = form.cleaned_data["group"].partition(":")
            kind, _sep, pk = form.cleaned_data["subject"].partition("-")
            model = Proposal if kind == "proposal" else Initiative
            subject = model.objects.get(programme=programme, pk=pk)
            try:
                saved = calibration_services.apply_group_adjustment(
                    subject=subject,
                    result=result,
                    dimension=dimension,
                    key=key,
                    acting_user=request.user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if saved is not None:  # the form offers only groups with a ratio
                    messages.success(
                        request, gettext("The adjustment was applied to the analysis.")
                    )
                    return redirect(cba_subjects.url(subject, "analysis"))
    return render(
        request,
        "governance/learning/calibration.html",
        {
            "programme": programme,
            "crumbs": crumbs(programme, crumb(_("Calibration"), "governance:calibration", slug)),
            "rows": rows,
            "chart": charts.calibration_chart(rows),
            "form": form if subjects else None,
        },
        status=422 if form.errors else 200,
    )
