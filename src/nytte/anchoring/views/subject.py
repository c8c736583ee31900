"""The anchoring page of an initiative and of a proposal (checklist, leadership
commitments, bordering work, and for initiatives RACI and stakeholders), and a benefit's
RACI page. Each form posts to the page; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from nytte.benefits.models import Benefit
from nytte.core.lookups import programme_or_404
from nytte.core.models import Organisation, Programme
from nytte.core.permissions import Action, can, check
from nytte.core.viewhelpers import add_errors
from nytte.portfolio.models import Initiative

from .. import rules, selectors, services
from ..choices import Topic
from ..forms import AnswerForm, CommitmentForm, RaciForm
from ..models import RaciAssignment
from ..rules import Subject
from .common import benefit_or_404, crumbs, initiative_or_404, proposal_or_404


def _answer_forms(rows: list[selectors.ChecklistRow], data: Any = None) -> list[AnswerForm]:
    forms = []
    for row in rows:
        initial = {}
        if row.answer is not None:
            initial = {
                "status": row.answer.status,
                "comment": row.answer.comment,
                "answered_on": row.answer.answered_on,
            }
        forms.append(AnswerForm(data, prefix=f"q{row.question.pk}", initial=initial))
    return forms


def _commitment_forms(
    rows: list[selectors.CommitmentRow], posted: CommitmentForm | None, posted_org: int | None
) -> None:
    for row in rows:
        if posted is not None and row.organisation.pk == posted_org:
            row.form = posted
            continue
        c = row.commitment
        initial = {}
        if c is not None:
            initial = {
                "committed": c.committed,
                "document": c.document,
                "reference": c.reference,
                "committed_on": c.committed_on,
                "confirmed_by": c.confirmed_by,
            }
        row.form = CommitmentForm(prefix=f"c{row.organisation.pk}", initial=initial)


def _page(
    request: HttpRequest,
    programme: Programme,
    subject: Subject,
    *,
    answer_forms: list[AnswerForm] | None = None,
    commitment_form: CommitmentForm | None = None,
    commitment_org: int | None = None,
    raci_form: RaciForm | None = None,
    status: int = 200,
) -> HttpResponse:
    kind = rules.subject_kind(subject)
    organisations = rules.participating_organisations(subject)
    municipal = rules.touches_municipal_services(subject, organisations)
    rows, kept = selectors.checklist(subject, municipal=municipal)
    forms = answer_forms or _answer_forms(rows)
    for row, form in zip(rows, forms, strict=True):
        row.form = form
    commitment_rows = selectors.commitments(subject, organisations=organisations)
    _commitment_forms(commitment_rows, commitment_form, commitment_org)
    context: dict[str, Any] = {
        "programme": programme,
        "subject": subject,
        "kind": kind,
        "label": rules.subject_label(subject),
        "rows": rows,
        "kept": kept,
        "bordering_topic": Topic.BORDERING,
        "bordering": selectors.bordering(subject, request.user),
        "commitment_rows": commitment_rows,
        "summary": selectors.page_summary(subject, rows, commitment_rows, municipal),
        "may_edit": can(request.user, Action.EDIT, subject),
        "crumbs": crumbs(programme, {"label": rules.subject_label(subject), "url": request.path}),
    }
    if isinstance(subject, Initiative):
        context["raci"] = selectors.raci_for(subject)
        context["raci_form"] = raci_form or RaciForm(prefix="raci")
        context["stakeholders"] = selectors.stakeholder_list(
            programme=programme, user=request.user, initiative=subject
        )
    return render(request, "anchoring/subject.html", context, status=status)


def _post(request: HttpRequest, programme: Programme, subject: Subject) -> HttpResponse:
    check(request.user, Action.EDIT, subject)
    action = request.POST.get("action", "")
    if action == "answers":
        rows, _kept = selectors.checklist(subject)
        forms = _answer_forms(rows, request.POST)
        if all(f.is_valid() for f in forms):
            answers = {
                row.question.pk: services.AnswerData(
                    status=f.cleaned_data["status"],
                    comment=f.cleaned_data["comment"],
                    answered_on=f.cleaned_data["answered_on"],
                )
                for row, f in zip(rows, forms, strict=True)
            }
            try:
                services.answers_save(subject=subject, answers=answers, acting_user=request.user)
            except ValidationError as exc:
                by_pk = {f.prefix: f for f in forms}
                for key, errors in exc.message_dict.items():
                    form = by_pk.get(f"q{key}")
                    if form is not None:
                        form.add_error("status", errors)
            else:
                messages.success(request, gettext("The answers are saved."))
                return redirect(request.path)
        return _page(request, programme, subject, answer_forms=forms, status=422)
    if action == "commitment":
        raw = request.POST.get("organisation", "")
        organisation = Organisation.objects.filter(pk=int(raw) if raw.isdigit() else 0).first()
        if organisation is None:
            raise Http404
        form = CommitmentForm(request.POST, prefix=f"c{organisation.pk}")
        if form.is_valid():
            try:
                services.commitment_save(
                    subject=subject,
                    organisation=organisation,
                    data=form.cleaned_data,
                    acting_user=request.user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, gettext("The leadership commitment is saved."))
                return redirect(f"{request.path}#commitments-h")
        return _page(
            request,
            programme,
            subject,
            commitment_form=form,
            commitment_org=organisation.pk,
            status=422,
        )
    if isinstance(subject, Initiative) and action in ("raci-add", "raci-delete"):
        response = _raci_post(request, subject, action)
        if response is not None:
            return response
        return _page(request, programme, subject, raci_form=request.raci_form, status=422)
    raise Http404


def _raci_post(
    request: HttpRequest, subject: Initiative | Benefit, action: str
) -> HttpResponse | None:
    """RACI add and delete for an initiative or a benefit: a redirect when done, None (with
    the form and its errors in ``request.raci_form``) when an added line is refused."""
    key = "initiative" if isinstance(subject, Initiative) else "benefit"
    if action == "raci-delete":
        raw = request.POST.get("assignment", "")
        assignment = RaciAssignment.objects.filter(
            pk=int(raw) if raw.isdigit() else 0, **{key: subject}
        ).first()
        if assignment is None:
            raise Http404
        services.raci_delete(assignment=assignment, acting_user=request.user)
        messages.success(request, gettext("The role is removed."))
        return redirect(f"{request.path}#raci-h")
    if action != "raci-add":
        raise Http404
    form = RaciForm(request.POST, prefix="raci")
    if form.is_valid():
        try:
            services.raci_create(subject=subject, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, gettext("The role is added."))
            return redirect(f"{request.path}#raci-h")
    request.raci_form = form
    return None


@login_required
@require_http_methods(["GET", "POST"])
def initiative_anchoring(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    initiative = initiative_or_404(request, programme, code)
    if request.method == "POST":
        return _post(request, programme, initiative)
    return _page(request, programme, initiative)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_anchoring(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    proposal = proposal_or_404(request, programme, number)
    if request.method == "POST":
        return _post(request, programme, proposal)
    return _page(request, programme, proposal)


@login_required
@require_http_methods(["GET", "POST"])
def benefit_raci(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Who is responsible, accountable, consulted and informed for one benefit."""
    programme = programme_or_404(request, slug)
    benefit = benefit_or_404(request, programme, code)
    form = RaciForm(prefix="raci")
    status = 200
    if request.method == "POST":
        check(request.user, Action.EDIT, benefit)
        response = _raci_post(request, benefit, request.POST.get("action", ""))
        if response is not None:
            return response
        form, status = request.raci_form, 422
    assignments = selectors.raci_for(benefit)
    context = {
        "programme": programme,
        "benefit": benefit,
        "raci": assignments,
        "raci_form": form,
        "warning": selectors.benefit_warning(benefit, assignments),
        "may_edit": can(request.user, Action.EDIT, benefit),
        "crumbs": crumbs(programme, {"label": benefit.code, "url": request.path}),
    }
    return render(request, "anchoring/benefit_raci.html", context, status=status)
