"""The live analysis page: GET shows the stored result, POST carries an ``action``
(settings, line and alternative add/update/delete, freeze)."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from nytte.core.htmx import render_page
from nytte.core.models import Organisation, Programme
from nytte.core.permissions import can, check
from nytte.core.viewhelpers import add_errors, int_or_none
from nytte.economics import CBAInputError
from nytte.portfolio.models import Initiative

from .. import results, sections, services
from .. import subject as subjects
from ..build import build_analysis, read_registers, settings_for
from ..forms import ExtraAlternativeForm, ExtraLineForm, FreezeForm, SettingsForm
from ..models import ExtraAlternative, ExtraLine, Subject
from .common import (
    analysis_page_url,
    crumbs,
    evaluated_context,
    fresh_subject,
    lookup,
)

# ---------------------------------------------------------------------------------------------
# The live analysis


@login_required
@require_http_methods(["GET", "POST"])
def analysis(
    request: HttpRequest, slug: str, code: str | None = None, number: int | None = None
) -> HttpResponse:
    programme, subject = lookup(request, slug, code, number, with_result=True)
    if request.method == "POST":
        check(request.user, subjects.edit_action(subject), subject)
        return _post(request, programme, subject)
    return _render(request, programme, subject, partial="content")


def _render(
    request: HttpRequest,
    programme: Programme,
    subject: Subject,
    *,
    bound: dict[str, BaseForm] | None = None,
    editing: str | None = None,
    notice: str = "",
    partial: str | None = None,
) -> HttpResponse:
    """The page. ``bound`` holds a refused form (as typed) in place of its blank one;
    ``editing`` ("line-5", "alternative-2") names the row whose form is open."""
    bound = bound or {}
    may_edit = can(request.user, subjects.edit_action(subject), subject)
    config = settings_for(subject)
    # The rows are read once: the analysis is built from them and the page lists them.
    registers = read_registers(subject)
    built = build_analysis(subject, registers)
    error = ""
    context: dict[str, Any] = {}
    # Nothing entered yet: say what to enter rather than show a table of zeros.
    empty = built.is_empty
    if not empty:
        try:
            # A GET shows the stored result; the page answering an edit (POST) recomputes.
            current = results.current(subject, built, recompute=request.method == "POST")
        except CBAInputError as exc:
            error = str(exc)
        else:
            context.update(evaluated_context(current.evaluated))
            context.update(computed_at=current.computed_at, computing=current.stale)
    contributions = (
        sections.contributions(subject, registers.contributions)
        if isinstance(subject, Initiative)
        else []
    )
    alternatives = registers.alternatives
    lines = registers.lines
    analysis_url = analysis_page_url(subject)
    context.update(
        {
            "programme": programme,
            **subject_context(subject),
            "crumbs": crumbs(programme, subject),
            "may_edit": may_edit,
            "error": error,
            "empty": empty,
            "notice": notice,
            "config": config,
            "analysis_url": analysis_url,
            "contributions": contributions,
            "inputs": sections.inputs(built.to_dict(), sections.benefit_links(contributions)),
            "alternatives": alternatives,
            "lines": lines,
            "snapshots": sections.snapshot_list(subject),
            "live": True,
        }
    )
    if may_edit:
        if editing is None and request.method == "GET":
            editing = request.GET.get("edit") or None
        context.update(_forms(subject, config, alternatives, lines, bound, editing))
    return render_page(request, "costbenefit/analysis.html", context, partial=partial)


def subject_context(subject: Subject) -> dict[str, Any]:
    """What the templates need to name and link the subject, whichever kind it is."""
    return {
        "subject": subject,
        "subject_code": subjects.code(subject),
        "is_initiative": isinstance(subject, Initiative),
        "export_url": subjects.url(subject, "export"),
    }


def _forms(
    subject: Subject,
    config: Any,
    alternatives: list[ExtraAlternative],
    lines: list[ExtraLine],
    bound: dict[str, BaseForm],
    editing: str | None,
) -> dict[str, Any]:
    owner = subjects.owner_filter(subject)
    organisations = list(Organisation.objects.order_by("name"))
    choices = {"alternatives": alternatives, "organisations": organisations}
    forms: dict[str, Any] = {
        "settings_form": bound.get("settings")
        or SettingsForm(instance=copy.copy(config), prefix="settings"),
        "freeze_form": bound.get("freeze") or FreezeForm(prefix="freeze"),
        "line_add_form": bound.get("line-add")
        or ExtraLineForm(instance=ExtraLine(**owner), prefix="line-add", **choices),
        "alternative_add_form": bound.get("alternative-add")
        or ExtraAlternativeForm(instance=ExtraAlternative(**owner), prefix="alternative-add"),
        "line_edit_form": None,
        "alternative_edit_form": None,
        "editing": editing,
    }
    kind, _dash, pk = (editing or "").partition("-")
    if kind == "line":
        line = next((line for line in lines if line.pk == int_or_none(pk)), None)
        if line is not None:
            forms["line_edit_form"] = bound.get("line-edit") or ExtraLineForm(
                instance=line, prefix="line-edit", **choices
            )
    elif kind == "alternative":
        alternative = next((alt for alt in alternatives if alt.pk == int_or_none(pk)), None)
        if alternative is not None:
            forms["alternative_edit_form"] = bound.get("alternative-edit") or ExtraAlternativeForm(
                instance=alternative, prefix="alternative-edit"
            )
    for name in ("line_edit_form", "alternative_edit_form"):
        form = forms[name]
        if form is not None and not form.is_bound:
            # After an HTMX swap (or a reload without JS) the keyboard lands in the form.
            next(iter(form.fields.values())).widget.attrs["autofocus"] = True
    if forms["line_edit_form"] is None and forms["alternative_edit_form"] is None:
        forms["editing"] = None
    return forms


SAVED = {
    "settings": _("The basis of the analysis was saved."),
    "line-add": _("The line was added."),
    "line-update": _("The line was saved."),
    "line-delete": _("The line was deleted."),
    "alternative-add": _("The alternative was added."),
    "alternative-update": _("The alternative was saved."),
    "alternative-delete": _("The alternative and its lines were deleted."),
}
ANCHORS = {"settings": "basis", "line": "extra-lines", "alternative": "alternatives"}


def _post(request: HttpRequest, programme: Programme, subject: Subject) -> HttpResponse:
    action = request.POST.get("action", "")
    if action == "freeze":
        return _freeze(request, programme, subject)
    kind, _dash, verb = action.partition("-")
    if action != "settings" and (
        kind not in {"line", "alternative"} or verb not in {"add", "update", "delete"}
    ):
        raise Http404
    form: BaseForm | None = None
    editing: str | None = None
    if action == "settings":
        form = SettingsForm(
            request.POST, instance=copy.copy(settings_for(subject)), prefix="settings"
        )
        if form.is_valid():
            try:
                services.settings_save(
                    subject=subject, data=form.cleaned_data, acting_user=request.user
                )
            except ValidationError as exc:
                add_errors(form, exc)
    else:
        model: type[Model] = ExtraLine if kind == "line" else ExtraAlternative
        instance = None
        if verb != "add":
            instance = get_object_or_404(
                model.objects.filter(**subjects.owner_filter(subject)),
                pk=int_or_none(request.POST.get("pk")),
            )
        if instance is not None and verb == "delete":
            services.line_delete(instance, acting_user=request.user)
        else:
            prefix = f"{kind}-{'edit' if instance else 'add'}"
            if instance is not None:
                editing = f"{kind}-{instance.pk}"
            form = _line_form(request, subject, kind, instance, prefix)
            if form.is_valid():
                try:
                    if instance is None:
                        services.line_create(form.instance, acting_user=request.user)
                    else:
                        services.line_update(
                            instance, data=form.cleaned_data, acting_user=request.user
                        )
                except ValidationError as exc:
                    add_errors(form, exc, field="name", unknown="name")
    if form is not None and form.errors:
        key = "settings" if action == "settings" else form.prefix
        return _render(
            request,
            programme,
            subject,
            bound={key: form},
            editing=editing,
            partial="content",
        )
    notice = str(SAVED[action])
    if not request.htmx:
        # Without JavaScript the edit is answered by the page it redirects to, which shows the
        # stored result: store the new one now, so the editor sees it as with HTMX.
        results.refresh(fresh_subject(subject))
        messages.success(request, notice)
        return redirect(f"{analysis_page_url(subject)}#{ANCHORS[kind]}")
    return _render(request, programme, fresh_subject(subject), notice=notice, partial="content")


def _line_form(
    request: HttpRequest,
    subject: Subject,
    kind: str,
    instance: Model | None,
    prefix: str,
) -> BaseForm:
    """The bound form for an extra line or alternative. It validates a copy, so the service
    still sees the stored values as "before" for the change log."""
    owner = subjects.owner_filter(subject)
    if kind == "alternative":
        return ExtraAlternativeForm(
            request.POST,
            instance=copy.copy(instance) if instance else ExtraAlternative(**owner),
            prefix=prefix,
        )
    alternatives = list(ExtraAlternative.objects.filter(**owner).order_by("name"))
    organisations = list(Organisation.objects.order_by("name"))
    return ExtraLineForm(
        request.POST,
        instance=copy.copy(instance) if instance else ExtraLine(**owner),
        prefix=prefix,
        alternatives=alternatives,
        organisations=organisations,
    )


def _freeze(request: HttpRequest, programme: Programme, subject: Subject) -> HttpResponse:
    """Freeze the analysis as a new snapshot and go to it; an analysis that cannot be
    computed is refused with the engine's message next to the form."""
    form = FreezeForm(request.POST, prefix="freeze")
    if form.is_valid():
        try:
            snapshot = services.snapshot_freeze(
                subject=subject, note=form.cleaned_data["note"], acting_user=request.user
            )
        except CBAInputError as exc:
            form.add_error(
                None,
                gettext("The analysis cannot be frozen: %(reason)s") % {"reason": str(exc)},
            )
        except ValidationError as exc:
            add_errors(form, exc, field="note", unknown="note")
        else:
            url = snapshot_url(subject, snapshot.version)
            messages.success(
                request,
                gettext("Version %(version)s of the analysis was frozen.")
                % {"version": snapshot.version},
            )
            if request.htmx:
                return HttpResponse(status=204, headers={"HX-Redirect": url})
            return redirect(url)
    return _render(request, programme, subject, bound={"freeze": form}, partial="content")


def snapshot_url(subject: Subject, version: int) -> str:
    return subjects.url(subject, "snapshot", version=version)
