"""Decision-case pages: the list, preparing a case (from the work queue's "cases to
prepare" and from an initiative's change request), the case page with its context, options,
funding split, recommendation and the decide form (only for those who may decide), and the
page where the facilitator edits one option."""

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
from nytte.core.viewhelpers import add_errors, crumb
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal

from .. import charts, excel, memo, selectors, services
from ..choices import CaseStatus
from ..forms import (
    BenefitForm,
    CaseForm,
    ChangeRequestForm,
    CostForm,
    DecideForm,
    FundingForm,
    OptionForm,
)
from ..memo_build import build_memo_content
from ..models import CaseOption, DecisionCase, Forum, OptionBenefit, OptionCost
from .steering_common import crumbs, get_or_404


def _case(request: HttpRequest, programme, number: int) -> DecisionCase:
    return get_or_404(selectors.case_get, user=request.user, programme=programme, number=number)


@login_required
@require_GET
def case_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    status = request.GET.get("status") or ""
    if status not in CaseStatus.values:
        status = ""
    return render(
        request,
        "governance/case_list.html",
        {
            "programme": programme,
            "cases": selectors.with_programme(
                selectors.case_list(user=request.user, programme=programme, status=status or None),
                programme,
            ),
            "status": status,
            "statuses": CaseStatus.choices,
            "decisions": selectors.latest_decisions(user=request.user, programme=programme),
            "may_facilitate": can(request.user, Action.FACILITATE, programme),
            "crumbs": crumbs(programme),
        },
    )


@login_required
@require_GET
def cases_export(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    cases = selectors.with_options(
        selectors.case_list(user=request.user, programme=programme)
    ).prefetch_related("decisions__forum", "decisions__option", "decisions__decided_by")
    return xlsx_response(excel.export_cases(cases), f"{programme.slug}-cases.xlsx")


@login_required
@require_POST
def prepare_case(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Prepare a case from a proposal that is ready for governance."""
    programme = programme_or_404(request, slug)
    proposal = get_object_or_404(
        Proposal.objects.for_user(request.user), programme=programme, number=number
    )
    try:
        case = services.prepare_case_from_proposal(proposal, request.user)
    except ValidationError as exc:
        open_case = proposal.decision_cases.filter(
            status__in=selectors.open_case_statuses()
        ).first()
        if open_case is not None:  # already prepared: continue there
            return redirect(open_case.get_absolute_url())
        messages.error(request, " ".join(exc.messages))
        return redirect(proposal.get_absolute_url())
    messages.success(request, gettext("Case %(ref)s prepared.") % {"ref": case.reference})
    return redirect(case.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def change_request(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """An initiative's decision cases, and (for facilitators) a new change request."""
    programme = programme_or_404(request, slug)
    initiative = get_object_or_404(
        Initiative.objects.for_user(request.user), programme=programme, code=code
    )
    may_facilitate = can(request.user, Action.FACILITATE, initiative)
    form = ChangeRequestForm(request.POST or None) if may_facilitate else None
    if request.method == "POST":
        check(request.user, Action.FACILITATE, initiative)
        assert form is not None
        if form.is_valid():
            try:
                case = services.prepare_change_request(
                    initiative,
                    form.cleaned_data["change_kind"],
                    request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, gettext("Case %(ref)s prepared.") % {"ref": case.reference}
                )
                return redirect(case.get_absolute_url())
    return render(
        request,
        "governance/change_request.html",
        {
            "programme": programme,
            "initiative": initiative,
            "cases": selectors.with_programme(
                selectors.case_list(user=request.user, programme=programme).filter(
                    initiative=initiative
                ),
                programme,
            ),
            "form": form,
            "crumbs": crumbs(
                programme,
                {"label": initiative.code, "url": initiative.get_absolute_url()},
            ),
        },
        status=422 if form is not None and form.errors else 200,
    )


def decide_forums(request: HttpRequest, case: DecisionCase):
    """The forums where the user may decide this case (none for the facilitator)."""
    if not can(request.user, Action.DECIDE, case):
        return Forum.objects.none()
    return Forum.objects.filter(programme=case.programme, memberships__user=request.user).distinct()


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    case = _case(request, programme, number)
    which = request.POST.get("form") if request.method == "POST" else None
    forums = decide_forums(request, case)
    case_form = CaseForm(request.POST if which == "case" else None, case=case)
    decide_form = DecideForm(
        request.POST if which == "decide" else None, case=case, forums=forums, prefix="decide"
    )
    form = {"case": case_form, "decide": decide_form}.get(which or "")
    if request.method == "POST":
        if which == "case":
            check(request.user, Action.FACILITATE, case)
        elif which == "decide":
            check(request.user, Action.DECIDE, case)
        elif which == "option":
            check(request.user, Action.FACILITATE, case)
            try:
                option = services.option_create(
                    case=case,
                    data={"title": request.POST.get("title") or gettext("New option")},
                    acting_user=request.user,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect(case.get_absolute_url())
            return redirect("governance:option", slug=slug, number=number, option=option.pk)
        else:
            return HttpResponse(status=400)
        if form is not None and form.is_valid():
            try:
                if which == "case":
                    services.case_update(
                        case=case, data=form.cleaned_data, acting_user=request.user
                    )
                    messages.success(request, gettext("Case saved."))
                    return redirect(case.get_absolute_url())
                data = form.cleaned_data
                decision = services.decide(
                    case,
                    option=data["option"],
                    outcome=data["outcome"],
                    rationale=data["rationale"],
                    conditions=data["conditions"],
                    forum=data["forum"],
                    meeting=data["meeting"],
                    decided_on=data["decided_on"],
                    review_date=data["review_date"],
                    present=data["present"],
                    acting_user=request.user,
                )
                messages.success(request, gettext("Decision recorded."))
                return redirect(decision.get_absolute_url())
            except ValidationError as exc:
                add_errors(form, exc)
    context = selectors.case_context(case, request.user)
    for view in context.options:
        view.chart = charts.split_chart(view.split) if view.split else None
    return render(
        request,
        "governance/case_detail.html",
        {
            "programme": programme,
            "case": case,
            "context": context,
            "charts": {
                view.option.pk: charts.split_chart(view.split)
                for view in context.options
                if view.split
            },
            "decisions": case.decisions.select_related("forum", "option", "decided_by"),
            "meetings": selectors.case_meetings(case),
            "case_form": case_form,
            "decide_form": decide_form
            if forums.exists() and case.status != CaseStatus.DECIDED
            else None,
            "crumbs": crumbs(
                programme,
                crumb(_("Cases"), "governance:cases", slug),
                {"label": case.reference, "url": case.get_absolute_url()},
            ),
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
@require_GET
def case_export(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    case = _case(request, programme, number)
    return xlsx_response(excel.export_cases([case]), f"{programme.slug}-{case.reference}.xlsx")


@login_required
@require_GET
def case_memo(request: HttpRequest, slug: str, number: int, fmt: str) -> HttpResponse:
    """The case's decision memo (saksframlegg) from live data: Word (editable) or PDF."""
    if fmt not in ("docx", "pdf"):
        raise Http404
    programme = programme_or_404(request, slug)
    case = _case(request, programme, number)
    content = build_memo_content(case, request.user)
    if fmt == "pdf":
        data, content_type = memo.render_pdf(content), memo.PDF_CONTENT_TYPE
    else:
        data, content_type = memo.render_docx(content), memo.DOCX_CONTENT_TYPE
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{case.reference}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def option_edit(request: HttpRequest, slug: str, number: int, option: int) -> HttpResponse:
    """One option: its fields, costs, benefits and funding split (facilitators edit)."""
    programme = programme_or_404(request, slug)
    case = _case(request, programme, number)
    option_obj = get_object_or_404(CaseOption, case=case, pk=option)
    which = request.POST.get("form") if request.method == "POST" else None
    data = request.POST if which else None
    forms_by_name = {
        "option": OptionForm(data if which == "option" else None, instance=option_obj, case=case),
        "cost": CostForm(data if which == "cost" else None, case=case, prefix="cost"),
        "benefit": BenefitForm(data if which == "benefit" else None, case=case, prefix="benefit"),
        "funding": FundingForm(data if which == "funding" else None, option=option_obj),
    }
    form = forms_by_name.get(which or "")
    if request.method == "POST":
        check(request.user, Action.FACILITATE, case)
        try:
            if which == "delete_cost":
                cost = get_object_or_404(OptionCost, option=option_obj, pk=request.POST.get("item"))
                services.cost_delete(cost=cost, acting_user=request.user)
                return redirect(request.path)
            if which == "delete_benefit":
                benefit = get_object_or_404(
                    OptionBenefit, option=option_obj, pk=request.POST.get("item")
                )
                services.benefit_delete(benefit=benefit, acting_user=request.user)
                return redirect(request.path)
            if which == "delete":
                services.option_delete(option=option_obj, acting_user=request.user)
                messages.success(request, gettext("Option deleted."))
                return redirect(case.get_absolute_url())
            if form is None:
                return HttpResponse(status=400)
            if form.is_valid():
                if which == "option":
                    services.option_update(
                        option=option_obj, data=form.cleaned_data, acting_user=request.user
                    )
                elif which == "cost":
                    services.cost_create(
                        option=option_obj, data=form.cleaned_data, acting_user=request.user
                    )
                elif which == "benefit":
                    services.benefit_create(
                        option=option_obj, data=form.cleaned_data, acting_user=request.user
                    )
                else:
                    services.funding_set(
                        option=option_obj,
                        key=form.cleaned_data["key"],
                        reason=form.cleaned_data["reason"],
                        bases=form.bases(),
                        acting_user=request.user,
                    )
                messages.success(request, gettext("Option saved."))
                return redirect(request.path)
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect(request.path)
            add_errors(form, exc, rename={"funding_reason": "reason", "funding_key": "key"})
    option_obj = selectors.case_get(
        user=request.user, programme=programme, number=number
    ).options.get(pk=option)
    view = selectors.option_view(option_obj)
    view.chart = charts.split_chart(view.split) if view.split else None
    return render(
        request,
        "governance/option_edit.html",
        {
            "programme": programme,
            "case": case,
            "option": option_obj,
            "view": view,
            "may_facilitate": can(request.user, Action.FACILITATE, case)
            and case.status != CaseStatus.DECIDED,
            **{f"{name}_form": f for name, f in forms_by_name.items()},
            "crumbs": crumbs(
                programme,
                crumb(_("Cases"), "governance:cases", slug),
                {"label": case.reference, "url": case.get_absolute_url()},
                {"label": option_obj.title, "url": request.path},
            ),
        },
        status=422 if form is not None and form.errors else 200,
    )
