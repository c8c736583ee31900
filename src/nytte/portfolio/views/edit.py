"""Creating and editing an initiative."""

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
from django.views.decorators.http import require_http_methods

from nytte.core.concurrency import VersionConflict
from nytte.core.forms import posted_version
from nytte.core.lookups import programme_or_404
from nytte.core.permissions import Action, check
from nytte.core.viewhelpers import add_errors, crumb, show_conflict

from .. import services
from ..forms import (
    InitiativeForm,
)
from ..models import Initiative
from .helpers import initiative_or_404

# ---------------------------------------------------------------------------------------------
# Create and edit


@login_required
@require_http_methods(["GET", "POST"])
def initiative_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A new initiative in the programme: for programme admins and facilitators."""
    programme = programme_or_404(request, slug, Action.EDIT)
    form = InitiativeForm(
        request.POST or None,
        instance=Initiative(programme=programme),
        programme=programme,
        acting_user=request.user,
    )
    return _initiative_form_page(
        request,
        form,
        partial(services.initiative_create, programme=programme),
        saved=_("The initiative was created."),
        context={
            "programme": programme,
            "title": gettext("New initiative"),
            "crumbs": [
                crumb(_("Initiatives"), "portfolio:initiative_list", programme.slug),
                crumb(_("New initiative"), "portfolio:initiative_create", programme.slug),
            ],
            "cancel_url": reverse("portfolio:initiative_list", kwargs={"slug": programme.slug}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def initiative_edit(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Edit an initiative: its owners, programme admins and facilitators."""
    programme = programme_or_404(request, slug)
    initiative = initiative_or_404(request, programme, code)
    check(request.user, Action.EDIT, initiative)
    # The form works on a copy so the service logs the change against the stored values.
    form = InitiativeForm(
        request.POST or None,
        instance=copy.copy(initiative),
        programme=programme,
        acting_user=request.user,
    )
    return _initiative_form_page(
        request,
        form,
        partial(services.initiative_update, initiative=initiative),
        saved=_("The initiative was saved."),
        context={
            "programme": programme,
            "initiative": initiative,
            "title": gettext("Edit %(code)s") % {"code": initiative.code},
            "crumbs": [
                crumb(_("Initiatives"), "portfolio:initiative_list", programme.slug),
                {"label": initiative.code, "url": initiative.get_absolute_url()},
                crumb(_("Edit"), "portfolio:initiative_edit", programme.slug, initiative.code),
            ],
            "cancel_url": initiative.get_absolute_url(),
        },
    )


def _initiative_form_page(
    request: HttpRequest,
    form: InitiativeForm,
    save: Callable[..., Initiative],
    *,
    saved: Any,
    context: dict[str, Any],
) -> HttpResponse:
    """Validate, save through the service (``save``) and go to the initiative; otherwise show
    the form again with what was typed and every error next to its field."""
    status = 200
    if request.method == "POST" and form.is_valid():
        version = posted_version(form)
        try:
            initiative = save(
                data=form.model_data(),
                participants=form.cleaned_data["participants"],
                life_events=form.cleaned_data["life_events"],
                goals=form.goal_weights(),
                acting_user=request.user,
                **({} if version is None else {"expected_version": version}),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except VersionConflict as exc:
            show_conflict(form, exc)
            status = 409
        else:
            messages.success(request, str(saved))
            return redirect(initiative)
    return render(
        request, "portfolio/initiative_form.html", {**context, "form": form}, status=status
    )
