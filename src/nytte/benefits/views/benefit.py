"""A benefit's page with its tabs, its create and edit form, and the owner's confirmation.
Views parse input, ask the permission module, call selectors or services and render; each
page runs a fixed number of queries."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from nytte.core.concurrency import VersionConflict
from nytte.core.forms import posted_version
from nytte.core.htmx import render_page
from nytte.core.lookups import programme_or_404
from nytte.core.permissions import Action, check
from nytte.core.viewhelpers import add_errors, crumb, show_conflict

from .. import selectors, services
from ..forms import (
    BenefitForm,
)
from ..models import Benefit
from .common import (
    TAB_NAMES,
    benefit_crumbs,
    benefit_for_change,
    benefit_with_lines,
    detail_context,
    register_crumbs,
)
from .lines import line_action, lines_context, open_edit_form

# ---------------------------------------------------------------------------------------------
# A benefit's page and its tabs


@login_required
@require_http_methods(["GET", "POST"])
def benefit_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """A benefit with one tab at a time; each tab is its own URL (``?tab=realisation``)."""
    programme = programme_or_404(request, slug)
    if request.method == "POST":
        return line_action(request, programme, code)
    tab = request.GET.get("tab", "overview")
    if tab not in TAB_NAMES:
        tab = "overview"
    benefit = benefit_with_lines(request, programme, code, tab)
    context = detail_context(request, programme, benefit, tab)
    if tab == "history":
        context["timeline"] = selectors.benefit_history(benefit)
    else:
        editing = request.GET.get("edit", "") if context["may_edit"] else ""
        context.update(lines_context(programme, benefit, tab, may_edit=context["may_edit"]))
        open_edit_form(programme, benefit, context, editing)
    # A tab's own links and forms swap only its panel; tab links swap the tabs with content.
    partial = "panel" if request.htmx and request.htmx.target == f"{tab}-panel" else "tabs"
    return render_page(request, "benefits/benefit_detail.html", context, partial=partial)


# ---------------------------------------------------------------------------------------------
# The owner confirms the estimate


@login_required
@require_POST
def benefit_confirm(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The benefit's owner stands behind the estimate; nobody else may (403)."""
    programme = programme_or_404(request, slug)
    benefit = benefit_for_change(request, programme, code, lines=())
    try:
        services.benefit_confirm(benefit=benefit, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("You confirmed the estimate."))
    return redirect(benefit)


# ---------------------------------------------------------------------------------------------
# Create and edit


@login_required
@require_http_methods(["GET", "POST"])
def benefit_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A new benefit in the programme: for programme admins and facilitators."""
    programme = programme_or_404(request, slug, Action.EDIT)
    form = BenefitForm(
        request.POST or None, instance=Benefit(programme=programme), programme=programme
    )
    return _benefit_form_page(
        request,
        form,
        partial(services.benefit_create, programme=programme),
        saved=_("The benefit was created."),
        context={
            "programme": programme,
            "title": gettext("New benefit"),
            "crumbs": [
                *register_crumbs(programme),
                crumb(_("New benefit"), "benefits:benefit_create", programme.slug),
            ],
            "cancel_url": reverse("benefits:benefit_list", kwargs={"slug": programme.slug}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def benefit_edit(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Edit a benefit: its owners, programme admins and facilitators."""
    programme = programme_or_404(request, slug)
    benefit = benefit_for_change(request, programme, code)
    check(request.user, Action.EDIT, benefit)
    # The form works on a copy so the service logs the change against the stored values.
    form = BenefitForm(request.POST or None, instance=copy.copy(benefit), programme=programme)
    return _benefit_form_page(
        request,
        form,
        partial(services.benefit_update, benefit=benefit),
        saved=_("The benefit was saved."),
        context={
            "programme": programme,
            "benefit": benefit,
            "title": gettext("Edit %(code)s") % {"code": benefit.code},
            "crumbs": [
                *benefit_crumbs(benefit),
                crumb(_("Edit"), "benefits:benefit_edit", programme.slug, benefit.code),
            ],
            "cancel_url": benefit.get_absolute_url(),
        },
    )


def _benefit_form_page(
    request: HttpRequest,
    form: BenefitForm,
    save: Callable[..., Benefit],
    *,
    saved: Any,
    context: dict[str, Any],
) -> HttpResponse:
    """Validate, save through the service (``save``) and go to the benefit; otherwise show the
    form again with what was typed and every error next to its field."""
    status = 200
    if request.method == "POST" and form.is_valid():
        version = posted_version(form)
        try:
            benefit = save(
                data=form.model_data(),
                contributions=form.shares(),
                risks=form.cleaned_data["risks"],
                acting_user=request.user,
                **({} if version is None else {"expected_version": version}),
            )
        except ValidationError as exc:
            if _codes(exc) & {"shares_over_100"}:
                form.add_contribution_error(exc)
            else:
                add_errors(form, exc)
        except VersionConflict as exc:
            show_conflict(form, exc)
            status = 409
        else:
            messages.success(request, str(saved))
            return redirect(benefit)
    return render(request, "benefits/benefit_form.html", {**context, "form": form}, status=status)


def _codes(exc: ValidationError) -> set[str | None]:
    return {error.code for error in getattr(exc, "error_list", [])}
