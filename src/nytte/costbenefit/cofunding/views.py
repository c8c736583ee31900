"""The co-funding check page of an initiative (medfinansieringsordningen, Digdir) and its
appendices document. Everyone in the programme sees the check; those who may edit the
initiative store the application facts only a person can give."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, check
from nytte.core.viewhelpers import add_errors
from nytte.economics import CBAInputError
from nytte.portfolio.models import Initiative

from .. import selectors
from . import docx as cofunding_docx
from .forms import CoFundingFactsForm
from .gather import gather, stored_facts
from .services import cofunding_save


def _initiative(programme: Programme, code: str) -> Initiative:
    try:
        return Initiative.objects.select_related(
            "programme", "owner_organisation", "analysis_settings", "cofunding_facts"
        ).get(programme=programme, code=code)
    except Initiative.DoesNotExist as exc:
        raise Http404 from exc


def _page_url(initiative: Initiative) -> str:
    return reverse(
        "cofunding:check", kwargs={"slug": initiative.programme.slug, "code": initiative.code}
    )


@login_required
@require_http_methods(["GET", "POST"])
def cofunding_check(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Each rule of the scheme with pass, fail or not assessed and why; the facts used and
    where they came from; the stored facts' form for editors."""
    programme = programme_or_404(request, slug)
    initiative = _initiative(programme, code)
    may_edit = can(request.user, Action.EDIT, initiative)
    form: CoFundingFactsForm | None = None
    if request.method == "POST":
        check(request.user, Action.EDIT, initiative)
        stored = stored_facts(initiative)
        # The form validates a copy, so the service still sees the stored values as "before".
        form = CoFundingFactsForm(request.POST, instance=copy.copy(stored))
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                cofunding_save(initiative=initiative, data=data, acting_user=request.user)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The co-funding facts were saved."))
                return redirect(_page_url(initiative))
    report = gather(initiative)
    if may_edit and form is None:
        form = CoFundingFactsForm(instance=report.stored)
    context: dict[str, Any] = {
        "programme": programme,
        "initiative": initiative,
        "report": report,
        "form": form if may_edit else None,
        "may_edit": may_edit,
        "appendices_url": reverse(
            "cofunding:appendices", kwargs={"slug": programme.slug, "code": initiative.code}
        ),
        "crumbs": [
            {
                "label": _("Portfolio"),
                "url": reverse("portfolio:overview", args=[programme.slug]),
            },
            {
                "label": _("Initiatives"),
                "url": reverse("portfolio:initiative_list", args=[programme.slug]),
            },
            {"label": initiative.code, "url": initiative.get_absolute_url()},
            {"label": _("Co-funding check"), "url": _page_url(initiative)},
        ],
    }
    return render(request, "costbenefit/cofunding.html", context)


@login_required
@require_GET
def cofunding_appendices(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Appendix 1 (assumptions) and appendix 2 (NPV calculation) as an editable document."""
    programme = programme_or_404(request, slug)
    initiative = _initiative(programme, code)
    try:
        evaluation = selectors.evaluate(initiative)
    except CBAInputError as exc:
        messages.error(
            request,
            _("The appendices cannot be made: the analysis cannot be computed (%(error)s).")
            % {"error": exc},
        )
        return redirect(_page_url(initiative))
    content = cofunding_docx.render_docx(initiative, evaluation)
    response = HttpResponse(content, content_type=cofunding_docx.CONTENT_TYPE)
    filename = cofunding_docx.filename(initiative)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
