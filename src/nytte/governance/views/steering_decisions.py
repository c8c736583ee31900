"""Decision pages (frozen inputs, versions, amendment), baselines (list, one baseline,
comparison and its export, a scenario run's plan as the new baseline) and the governance
dialogue per ministry and agency."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nytte.core.excel.views import xlsx_response
from nytte.core.lookups import programme_or_404
from nytte.core.permissions import Action, can, check
from nytte.core.viewhelpers import add_errors, crumb, int_or_none
from nytte.scenarios.models import ScenarioRun

from .. import excel, memo, selectors, services
from ..baselines import compare_baselines
from ..forms import AmendForm, BaselineForm, DialogueItemForm
from ..memo_build import build_dialogue_export
from ..models import Baseline
from ..services.baselines import compared_with_run
from ..services.decisions import may_decide
from .steering_common import crumbs, get_or_404


@login_required
@require_http_methods(["GET", "POST"])
def decision_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    decision = get_or_404(selectors.decision_get, user=request.user, programme=programme, pk=pk)
    latest = decision.case.decisions.order_by("-version").first()
    may_amend = (
        latest is not None and latest.pk == decision.pk and may_decide(request.user, decision.forum)
    )
    form = AmendForm(request.POST or None, decision=decision) if may_amend else None
    if request.method == "POST":
        check(request.user, Action.DECIDE, decision)
        if form is None:
            return HttpResponse(status=403)
        if form.is_valid():
            data = form.cleaned_data
            try:
                new = services.amend(
                    decision,
                    outcome=data["outcome"],
                    option=data["option"],
                    rationale=data["rationale"],
                    conditions=data["conditions"],
                    decided_on=data["decided_on"],
                    review_date=data["review_date"],
                    present=data["present"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, gettext("Amendment recorded."))
                return redirect(new.get_absolute_url())
    case = decision.case
    return render(
        request,
        "governance/decision_detail.html",
        {
            "programme": programme,
            "decision": decision,
            "case": case,
            "inputs": decision.inputs,
            "versions": case.decisions.select_related("forum", "decided_by").order_by("version"),
            "baseline": Baseline.objects.filter(decision=decision).first(),
            "form": form,
            "crumbs": crumbs(
                programme,
                crumb(_("Cases"), "governance:cases", slug),
                {"label": case.reference, "url": case.get_absolute_url()},
                {"label": f"v{decision.version}", "url": decision.get_absolute_url()},
            ),
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
@require_GET
def decisions_export(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    cases = selectors.with_options(
        selectors.case_list(user=request.user, programme=programme)
        .filter(decisions__isnull=False)
        .distinct()
    ).prefetch_related("decisions__forum", "decisions__option", "decisions__decided_by")
    return xlsx_response(excel.export_cases(cases), f"{programme.slug}-decisions.xlsx")


def _baseline_crumbs(programme, *extra):
    return crumbs(programme, crumb(_("Baselines"), "governance:baselines", programme.slug), *extra)


@login_required
@require_http_methods(["GET", "POST"])
def baseline_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    may_facilitate = can(request.user, Action.FACILITATE, programme)
    form = BaselineForm(request.POST or None) if may_facilitate else None
    if request.method == "POST":
        check(request.user, Action.FACILITATE, programme)
        assert form is not None
        if form.is_valid():
            try:
                baseline = services.freeze_baseline(
                    programme, form.cleaned_data["label"], request.user
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, gettext("Baseline frozen."))
                return redirect(baseline.get_absolute_url())
    baselines = list(selectors.baseline_list(user=request.user, programme=programme))
    return render(
        request,
        "governance/baseline_list.html",
        {
            "programme": programme,
            "baselines": baselines,
            "form": form,
            "crumbs": _baseline_crumbs(programme),
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
@require_GET
def baseline_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    baseline = get_or_404(
        selectors.baseline_get, user=request.user, programme=programme, number=number
    )
    items = [
        {"code": code, **item} for code, item in baseline.content.get("initiatives", {}).items()
    ]
    previous = (
        Baseline.objects.filter(programme=programme, number__lt=number).order_by("-number").first()
    )
    return render(
        request,
        "governance/baseline_detail.html",
        {
            "programme": programme,
            "baseline": baseline,
            "items": items,
            "previous": previous,
            "crumbs": _baseline_crumbs(
                programme, {"label": str(baseline), "url": baseline.get_absolute_url()}
            ),
        },
    )


def _comparison(request: HttpRequest, programme):
    """Two baselines (``a`` before, ``b`` after), or a baseline and a scenario run's plan
    (``run``: the plan is the "after", compared with baseline ``a`` or else the latest)."""
    a_number, b_number = int_or_none(request.GET.get("a")), int_or_none(request.GET.get("b"))
    baselines = selectors.baseline_list(user=request.user, programme=programme).defer(None)
    a = baselines.filter(number=a_number).first() if a_number is not None else None
    if request.GET.get("run") is not None:
        run = get_object_or_404(
            ScenarioRun.objects.for_user(request.user).select_related("scenario__programme"),
            scenario__programme=programme,
            pk=int_or_none(request.GET.get("run")),
        )
        if a_number is not None and a is None:
            return None, run, None
        try:
            a, comparison = compared_with_run(run, a)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return a, run, None
        return a, run, comparison
    b = baselines.filter(number=b_number).first() if b_number is not None else None
    return a, b, (compare_baselines(a, b) if a is not None and b is not None else None)


def run_label(run: ScenarioRun) -> str:
    return gettext("Plan of %(scenario)s (run %(run)s)") % {
        "scenario": run.scenario.name,
        "run": run.pk,
    }


@login_required
@require_GET
def baseline_compare(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    a, b, comparison = _comparison(request, programme)
    run = b if isinstance(b, ScenarioRun) else None
    return render(
        request,
        "governance/baseline_compare.html",
        {
            "programme": programme,
            "a": a,
            "b": b,
            "run": run,
            "run_label": run_label(run) if run else "",
            "comparison": comparison,
            "baselines": selectors.baseline_list(user=request.user, programme=programme),
            "crumbs": _baseline_crumbs(
                programme, crumb(_("Compare baselines"), "governance:baseline_compare", slug)
            ),
        },
    )


@login_required
@require_GET
def baseline_compare_export(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    a, b, comparison = _comparison(request, programme)
    if comparison is None:
        return redirect("governance:baseline_compare", slug=slug)
    if isinstance(b, ScenarioRun):
        label, name = run_label(b), f"run-{b.pk}"
    else:
        label, name = str(b), f"B{b.number}"
    data = excel.export_comparison(comparison, str(a), label)
    return xlsx_response(data, f"{programme.slug}-B{a.number}-{name}.xlsx")


@login_required
@require_POST
def baseline_from_run(request: HttpRequest, slug: str, run: int) -> HttpResponse:
    """Make a scenario run's chosen plan the new baseline (from the run's page)."""
    programme = programme_or_404(request, slug)
    run_obj = get_object_or_404(
        ScenarioRun.objects.for_user(request.user).select_related("scenario"),
        scenario__programme=programme,
        pk=run,
    )
    label = request.POST.get("label") or gettext("From scenario %(name)s") % {
        "name": run_obj.scenario.name
    }
    try:
        baseline = services.baseline_from_run(run=run_obj, label=label, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(run_obj.get_absolute_url())
    messages.success(request, gettext("Baseline frozen."))
    return redirect(baseline.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def dialogue(request: HttpRequest, slug: str) -> HttpResponse:
    """Items for the governance dialogue, per ministry and agency (filter by either)."""
    programme = programme_or_404(request, slug)
    may_facilitate = can(request.user, Action.FACILITATE, programme)
    form = DialogueItemForm(request.POST or None, programme=programme) if may_facilitate else None
    if request.method == "POST":
        check(request.user, Action.FACILITATE, programme)
        assert form is not None
        if form.is_valid():
            try:
                services.dialogue_item_create(
                    programme=programme, data=form.cleaned_data, acting_user=request.user
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, gettext("Item added."))
                return redirect(request.get_full_path())
    ministry, agency = (
        int_or_none(request.GET.get("ministry")),
        int_or_none(request.GET.get("agency")),
    )
    items = selectors.dialogue_items(
        user=request.user, programme=programme, ministry=ministry, agency=agency
    )
    return render(
        request,
        "governance/dialogue.html",
        {
            "programme": programme,
            "groups": selectors.dialogue_groups(items),
            "form": form,
            "query": request.GET.urlencode(),
            "crumbs": crumbs(
                programme, crumb(_("Governance dialogue"), "governance:dialogue", slug)
            ),
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
@require_GET
def dialogue_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The governance-dialogue items (as filtered) as Word or Excel."""
    if fmt not in ("docx", "xlsx"):
        raise Http404
    programme = programme_or_404(request, slug)
    items = selectors.dialogue_items(
        user=request.user,
        programme=programme,
        ministry=int_or_none(request.GET.get("ministry")),
        agency=int_or_none(request.GET.get("agency")),
    )
    export = build_dialogue_export(items, programme.name)
    if fmt == "docx":
        data, content_type = memo.render_dialogue_docx(export), memo.DOCX_CONTENT_TYPE
    else:
        data, content_type = memo.render_dialogue_xlsx(export), memo.XLSX_CONTENT_TYPE
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-dialogue.{fmt}"'
    return response
