"""Scenario pages: the list, one scenario's settings and budgets, a run's progress (polled
by HTMX without inline script) and its comparison with the baseline, the Excel export, and
a proposal's "what would it displace" button. Nothing here solves: runs are queued."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nytte.core.excel.views import xlsx_response
from nytte.core.lookups import programme_or_404
from nytte.core.models import Organisation, Programme
from nytte.core.permissions import Action, can, check
from nytte.core.viewhelpers import add_errors, crumb, int_or_none
from nytte.proposals.models import Proposal

from . import charts, excel, inputs, selectors, services
from .choices import RunMode
from .forms import LIST_FIELDS, BudgetForm, FundForm, ScenarioForm, StopCostForm, candidate_choices
from .models import Scenario, ScenarioRun

#: Seconds between two progress polls.
POLL_SECONDS = 2


def _crumbs(programme: Programme, *extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        crumb(_("Portfolio"), "portfolio:overview", programme.slug),
        crumb(_("Scenarios"), "scenarios:list", programme.slug),
        *extra,
    ]


def _scenario(request: HttpRequest, programme: Programme, pk: int) -> Scenario:
    try:
        return selectors.scenario_get(user=request.user, programme=programme, pk=pk)
    except Scenario.DoesNotExist as exc:
        raise Http404 from exc


def _run(request: HttpRequest, scenario: Scenario, run: int) -> ScenarioRun:
    try:
        return selectors.run_get(user=request.user, scenario=scenario, pk=run)
    except ScenarioRun.DoesNotExist as exc:
        raise Http404 from exc


def _organisations(scenario: Scenario | None, programme: Programme) -> list[Organisation]:
    """Organisations that pay for the portfolio or already have a budget in the scenario."""
    ids = set(
        Organisation.objects.filter(cost_lines__initiative__programme=programme).values_list(
            "pk", flat=True
        )
    )
    if scenario is not None:
        ids |= {int(k) for k in scenario.budgets}
    return sorted(Organisation.objects.filter(pk__in=ids), key=lambda o: o.label)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    may_facilitate = can(request.user, Action.FACILITATE, programme)
    form = None
    if may_facilitate:
        form = ScenarioForm(
            request.POST or None,
            programme=programme,
            initial={"first_year": timezone.localdate().year, "years": 5},
        )
    if request.method == "POST":
        check(request.user, Action.FACILITATE, programme)
        assert form is not None
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "proposals"}
            try:
                scenario = services.scenario_create(
                    programme=programme,
                    proposals=form.cleaned_data["proposals"],
                    acting_user=request.user,
                    **data,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, gettext("Scenario created."))
                return redirect(scenario.get_absolute_url())
    return render(
        request,
        "scenarios/scenario_list.html",
        {
            "programme": programme,
            "scenarios": selectors.scenario_list(user=request.user, programme=programme),
            "form": form,
            "may_facilitate": may_facilitate,
            "crumbs": _crumbs(programme),
        },
        status=422 if form is not None and form.errors else 200,
    )


def _running(programme: Programme) -> list[tuple[str, str]]:
    return [
        (inputs.initiative_key_of(code), f"{code} {title}")
        for code, title, phase in inputs.portfolio_labels(programme)
        if phase in inputs.RUNNING_PHASES
    ]


def _fund_form(
    data: Any, scenario: Scenario, programme: Programme, organisations: list[Organisation]
) -> FundForm:
    return FundForm(
        data,
        organisations=organisations,
        candidates=candidate_choices(programme, list(scenario.proposals.all())),
        first_year=scenario.first_year,
        years=scenario.years,
    )


@login_required
@require_http_methods(["GET", "POST"])
def scenario_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    scenario = _scenario(request, programme, pk)
    may_facilitate = can(request.user, Action.FACILITATE, scenario)
    data = request.POST if request.method == "POST" else None
    form = ScenarioForm(data, instance=scenario, programme=programme)
    budget_form = BudgetForm(
        data,
        organisations=_organisations(scenario, programme),
        first_year=scenario.first_year,
        years=scenario.years,
        budgets=scenario.budgets,
    )
    stop_form = StopCostForm(data, running=_running(programme), stop_costs=scenario.stop_costs)
    if request.method == "POST":
        check(request.user, Action.FACILITATE, scenario)
        if form.is_valid() and budget_form.is_valid() and stop_form.is_valid():
            values = {k: form.cleaned_data[k] for k in form.Meta.fields}
            values.update({k: form.cleaned_data[k] for k in LIST_FIELDS})
            values["stop_costs"] = stop_form.stop_costs()
            budgets = budget_form.budgets()
            if values["years"] != scenario.years or values["first_year"] != scenario.first_year:
                # A new period: start again from the planned costs of the new years.
                budgets = services.default_budgets(programme, values["first_year"], values["years"])
            values["budgets"] = budgets
            try:
                services.scenario_update(
                    scenario=Scenario.objects.get(pk=scenario.pk),
                    data=values,
                    proposals=form.cleaned_data["proposals"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, gettext("Scenario saved."))
                return redirect(scenario.get_absolute_url())
    return render(
        request,
        "scenarios/scenario_detail.html",
        {
            "programme": programme,
            "scenario": scenario,
            "form": form,
            "budget_form": budget_form,
            "stop_form": stop_form,
            "fund_form": _fund_form(None, scenario, programme, budget_form.organisations),
            "funds": selectors.funds_view(scenario, budget_form.organisations),
            "runs": selectors.run_list(user=request.user, scenario=scenario),
            "may_facilitate": may_facilitate,
            "crumbs": _crumbs(programme, {"label": scenario.name, "url": request.path}),
        },
        status=422 if form.errors or budget_form.errors or stop_form.errors else 200,
    )


@login_required
@require_POST
def fund_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Add a fund with its rules, or (``preset=cofunding``) the state's co-funding scheme."""
    programme = programme_or_404(request, slug)
    scenario = _scenario(request, programme, pk)
    check(request.user, Action.FACILITATE, scenario)
    organisations = _organisations(scenario, programme)
    form = _fund_form(request.POST, scenario, programme, organisations)
    preset = request.POST.get("preset") == "cofunding"
    if preset:
        budget = int_or_none(request.POST.get("cofunding-budget"))
        fund = services.cofunding_fund(budget=budget if budget and budget > 0 else None)
    elif form.is_valid():
        fund = form.fund()
    else:
        return _fund_page(request, programme, scenario, form)
    try:
        services.scenario_fund_save(scenario=scenario, fund=fund, acting_user=request.user)
    except ValidationError as exc:
        if not preset:
            # A rule the service holds: the form comes back as typed, with the reason.
            add_errors(form, exc)
            return _fund_page(request, programme, scenario, form)
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("Fund %(name)s saved.") % {"name": fund["name"]})
    return redirect(scenario.get_absolute_url() + "#funds-h")


def _fund_page(
    request: HttpRequest, programme: Programme, scenario: Scenario, form: FundForm
) -> HttpResponse:
    """The fund form on a page of its own, refused: what was typed, with the reasons."""
    return render(
        request,
        "scenarios/fund_form.html",
        {
            "programme": programme,
            "scenario": scenario,
            "fund_form": form,
            "crumbs": _crumbs(
                programme,
                {"label": scenario.name, "url": scenario.get_absolute_url()},
                {"label": gettext("Add a fund"), "url": request.path},
            ),
        },
        status=422,
    )


@login_required
@require_POST
def fund_remove(request: HttpRequest, slug: str, pk: int, fund: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    scenario = _scenario(request, programme, pk)
    services.scenario_fund_remove(scenario=scenario, fund_id=fund, acting_user=request.user)
    messages.success(request, gettext("Fund removed."))
    return redirect(scenario.get_absolute_url() + "#funds-h")


@login_required
@require_POST
def run_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    scenario = _scenario(request, programme, pk)
    levels = () if request.POST.get("mode") == RunMode.FRONTIER else None
    run = services.run_create(scenario=scenario, acting_user=request.user, levels=levels)
    return redirect(run.get_absolute_url())


def _run_context(request: HttpRequest, run: ScenarioRun) -> dict[str, Any]:
    context: dict[str, Any] = {"run": run, "poll_seconds": POLL_SECONDS}
    if run.mode == RunMode.DISPLACEMENT:
        context["displacement"] = selectors.displacement_view(run)
    elif run.mode == RunMode.FRONTIER:
        points = selectors.frontier_view(run)
        context["frontier"] = points
        if points:
            context["frontier_chart"] = charts.frontier_chart(points)
    else:
        comparison = selectors.compare(run)
        context["comparison"] = comparison
        if comparison is not None:
            context["budget_chart"] = charts.budget_chart(comparison)
            context["value_chart"] = charts.value_chart(comparison)
    return context


@login_required
@require_GET
def run_detail(request: HttpRequest, slug: str, pk: int, run: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    scenario = _scenario(request, programme, pk)
    the_run = _run(request, scenario, run)
    context = {
        "programme": programme,
        "scenario": scenario,
        "may_facilitate": can(request.user, Action.FACILITATE, scenario),
        "crumbs": _crumbs(
            programme,
            {"label": scenario.name, "url": scenario.get_absolute_url()},
            {"label": gettext("Run %(n)s") % {"n": the_run.pk}, "url": request.path},
        ),
        **_run_context(request, the_run),
    }
    return render(request, "scenarios/run_detail.html", context)


@login_required
@require_GET
def run_progress(request: HttpRequest, slug: str, pk: int, run: int) -> HttpResponse:
    """The progress block, polled every two seconds until the run has finished; then the
    whole page reloads once (``HX-Refresh``) to show the result and its charts."""
    programme = programme_or_404(request, slug)
    scenario = _scenario(request, programme, pk)
    the_run = _run(request, scenario, run)
    response = render(
        request,
        "scenarios/partials/progress.html",
        {"programme": programme, "scenario": scenario, **_run_context(request, the_run)},
    )
    if the_run.finished and getattr(request, "htmx", False):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def run_export(request: HttpRequest, slug: str, pk: int, run: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    scenario = _scenario(request, programme, pk)
    the_run = _run(request, scenario, run)
    if the_run.result is None or not {"plan", "frontier"} & set(the_run.result):
        raise Http404
    return xlsx_response(excel.export_run(the_run), f"scenario-{scenario.pk}-run-{the_run.pk}.xlsx")


@login_required
@require_GET
def run_input(request: HttpRequest, slug: str, pk: int, run: int) -> HttpResponse:
    """The run's optimiser input (``nytte-optimise/1``): ``nytte optimise FILE`` repeats it."""
    programme = programme_or_404(request, slug)
    scenario = _scenario(request, programme, pk)
    the_run = _run(request, scenario, run)
    if not the_run.input:
        raise Http404
    response = JsonResponse(the_run.input, json_dumps_params={"indent": 2, "ensure_ascii": False})
    name = f"scenario-{scenario.pk}-run-{the_run.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def displace(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """ "What would it displace": a displacement run of the proposal in the programme's most
    recent scenario (one from the current portfolio is made if there is none)."""
    programme = programme_or_404(request, slug)
    try:
        proposal = Proposal.objects.get(programme=programme, number=number)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc
    check(request.user, Action.FACILITATE, programme)
    with transaction.atomic():
        scenario = selectors.scenario_list(user=request.user, programme=programme).first()
        if scenario is None:
            scenario = services.scenario_create(
                programme=programme,
                name=gettext("Current portfolio"),
                acting_user=request.user,
            )
        run = services.run_create(scenario=scenario, proposal=proposal, acting_user=request.user)
    return redirect(run.get_absolute_url())
