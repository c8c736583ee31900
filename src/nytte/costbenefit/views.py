"""The cost-benefit page of an initiative or a proposal: the live analysis computed from the
registers on every request, its frozen snapshots, and both as Excel. The same views serve
both subjects; initiative URLs carry ``code``, proposal URLs ``number``.

The live page is one URL: GET shows it (``?edit=line-5`` opens a line's form in place), POST
carries an ``action`` (settings, line-add/update/delete, alternative-add/update/delete,
freeze). With HTMX a form swaps the page's content, so the tables and charts recompute at
once; without JavaScript the POST redirects back (or shows the refused form as typed).
Permissions: the programme's viewers see; ``subject.edit_action`` on the subject changes
and freezes (EDIT on an initiative, FACILITATE on a proposal).
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from nytte.core.excel_views import xlsx_response
from nytte.core.htmx import render_page
from nytte.core.lookups import programme_or_404 as _programme
from nytte.core.models import Organisation, Programme
from nytte.core.permissions import can, check
from nytte.economics import CBAInputError
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal

from . import charts, excel, presentation, results, selectors, services
from . import subject as subjects
from .build import build_analysis, settings_for
from .forms import ExtraAlternativeForm, ExtraLineForm, FreezeForm, SettingsForm
from .models import ExtraAlternative, ExtraLine, Snapshot, Subject

# ---------------------------------------------------------------------------------------------
# Lookups


def _subject(programme: Programme, code: str | None, number: int | None) -> Subject:
    """The initiative (by ``code``) or the proposal (by ``number``), or 404."""
    try:
        return selectors.subject_get(programme, code=code, number=number)
    except (Initiative.DoesNotExist, Proposal.DoesNotExist) as exc:
        raise Http404 from exc


def _lookup(
    request: HttpRequest, slug: str, code: str | None, number: int | None
) -> tuple[Programme, Subject]:
    programme = _programme(request, slug)
    return programme, _subject(programme, code, number)


def _fresh(subject: Subject) -> Subject:
    """The subject read anew: the old object caches its settings as they were."""
    if isinstance(subject, Initiative):
        return _subject(subject.programme, subject.code, None)
    return _subject(subject.programme, None, subject.number)


def _crumbs(programme: Programme, subject: Subject, *extra: dict[str, Any]) -> list[Any]:
    slug = {"slug": programme.slug}
    if isinstance(subject, Initiative):
        parents = [
            {"label": _("Portfolio"), "url": reverse("portfolio:overview", kwargs=slug)},
            {"label": _("Initiatives"), "url": reverse("portfolio:initiative_list", kwargs=slug)},
        ]
    else:
        parents = [
            {"label": _("Proposals"), "url": reverse("proposals:proposal_list", kwargs=slug)}
        ]
    return [
        *parents,
        {"label": subjects.code(subject), "url": subject.get_absolute_url()},
        {"label": _("Cost-benefit analysis"), "url": _analysis_url(subject)},
        *extra,
    ]


def _analysis_url(subject: Subject) -> str:
    return subjects.url(subject, "analysis")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _add_errors(form: BaseForm, exc: ValidationError, fallback: str | None = None) -> None:
    """A service's validation errors next to their fields; errors the model did not tie to
    a field go to ``fallback`` (or the top of the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(fallback if fallback in form.fields else None, exc)
        return
    for name, errors in exc.error_dict.items():
        if name in form.fields and name != NON_FIELD_ERRORS:
            form.add_error(name, errors)
        else:
            form.add_error(fallback if fallback in form.fields else None, errors)


# ---------------------------------------------------------------------------------------------
# What a live analysis and a snapshot both show


def _evaluated_context(ev: presentation.Evaluated) -> dict[str, Any]:
    main = ev.main
    simulated = presentation.simulation_summary(ev)
    for number, item in enumerate(simulated, start=1):
        item["chart_json"] = charts.to_json(charts.histogram_chart(item["stats"]))
        item["chart_id"] = f"cba-histogram-{number}"
    main_sim = next((s for s in simulated if s["name"] == main["name"]), None)
    return {
        "ev": ev,
        "main": main,
        "main_sim": main_sim,
        "key_figures": {
            "nnv": presentation.money(main["nnv"]),
            "nnb": presentation.decimal(main["nnb"]),
            "payback_year": main["payback_year"],
            "rank": main["rank"],
            "alternatives": len(ev.alternatives),
            "prob_negative": (
                presentation.percent(main_sim["stats"]["prob_negative"]) if main_sim else None
            ),
        },
        "columns": [{"name": a["name"], "zero": a["zero"]} for a in ev.alternatives],
        "result_rows": presentation.result_table(ev),
        "table_notes": presentation.table_notes(ev),
        "effects": presentation.effect_details(ev),
        "basis": presentation.basis(ev),
        "cash_flows": presentation.cash_flows(ev),
        "simulated": simulated,
        "iterations_text": presentation.money(ev.simulation["iterations"]) if simulated else "",
        "simulation_rows": presentation.simulation_rows(simulated),
        "s_curve_rows": presentation.s_curve_rows(simulated),
        "s_curve_json": charts.to_json(charts.s_curve_chart(ev.simulation)) if simulated else "",
        "tornado": presentation.tornado_rows(ev),
        "tornado_json": (
            charts.to_json(charts.tornado_chart(ev.tornado, main["nnv"])) if ev.tornado else ""
        ),
        "break_even": presentation.break_even_rows(ev),
        "price_year": ev.results["price_year"],
        "base_year": ev.results["base_year"],
    }


# ---------------------------------------------------------------------------------------------
# The live analysis


@login_required
@require_http_methods(["GET", "POST"])
def analysis(
    request: HttpRequest, slug: str, code: str | None = None, number: int | None = None
) -> HttpResponse:
    programme, subject = _lookup(request, slug, code, number)
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
    built = build_analysis(subject)
    owner = subjects.owner_filter(subject)
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
            context.update(_evaluated_context(current.evaluated))
            context.update(computed_at=current.computed_at, computing=current.stale)
    contributions = presentation.contributions(subject) if isinstance(subject, Initiative) else []
    alternatives = list(ExtraAlternative.objects.filter(**owner).order_by("name"))
    lines = list(ExtraLine.objects.filter(**owner).select_related("organisation", "alternative"))
    analysis_url = _analysis_url(subject)
    context.update(
        {
            "programme": programme,
            **_subject_context(subject),
            "crumbs": _crumbs(programme, subject),
            "may_edit": may_edit,
            "error": error,
            "empty": empty,
            "notice": notice,
            "config": config,
            "analysis_url": analysis_url,
            "contributions": contributions,
            "inputs": presentation.inputs(
                built.to_dict(), presentation.benefit_links(contributions)
            ),
            "alternatives": alternatives,
            "lines": lines,
            "snapshots": presentation.snapshot_list(subject),
            "live": True,
        }
    )
    if may_edit:
        if editing is None and request.method == "GET":
            editing = request.GET.get("edit") or None
        context.update(_forms(subject, config, alternatives, lines, bound, editing))
    return render_page(request, "costbenefit/analysis.html", context, partial=partial)


def _subject_context(subject: Subject) -> dict[str, Any]:
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
        line = next((line for line in lines if line.pk == _int(pk)), None)
        if line is not None:
            forms["line_edit_form"] = bound.get("line-edit") or ExtraLineForm(
                instance=line, prefix="line-edit", **choices
            )
    elif kind == "alternative":
        alternative = next((alt for alt in alternatives if alt.pk == _int(pk)), None)
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
                _add_errors(form, exc)
    else:
        model: type[Model] = ExtraLine if kind == "line" else ExtraAlternative
        instance = None
        if verb != "add":
            instance = get_object_or_404(
                model.objects.filter(**subjects.owner_filter(subject)),
                pk=_int(request.POST.get("pk")),
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
                    _add_errors(form, exc, "name")
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
        messages.success(request, notice)
        return redirect(f"{_analysis_url(subject)}#{ANCHORS[kind]}")
    return _render(request, programme, _fresh(subject), notice=notice, partial="content")


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
            _add_errors(form, exc, "note")
        else:
            url = _snapshot_url(subject, snapshot.version)
            messages.success(
                request,
                gettext("Version %(version)s of the analysis was frozen.")
                % {"version": snapshot.version},
            )
            if request.htmx:
                return HttpResponse(status=204, headers={"HX-Redirect": url})
            return redirect(url)
    return _render(request, programme, subject, bound={"freeze": form}, partial="content")


def _snapshot_url(subject: Subject, version: int) -> str:
    return subjects.url(subject, "snapshot", version=version)


# ---------------------------------------------------------------------------------------------
# Snapshots


def _snapshot(subject: Subject, version: int) -> Snapshot:
    try:
        return selectors.snapshot_get(subject=subject, version=version)
    except Snapshot.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def snapshot(
    request: HttpRequest,
    slug: str,
    version: int,
    code: str | None = None,
    number: int | None = None,
) -> HttpResponse:
    """A frozen analysis, drawn from its JSON only: later changes to the registers, the
    settings or the extra lines never change what it shows."""
    programme, subject = _lookup(request, slug, code, number)
    frozen = _snapshot(subject, version)
    context = _evaluated_context(presentation.frozen(frozen))
    context.update(
        {
            "programme": programme,
            **_subject_context(subject),
            "snapshot_export_url": subjects.url(subject, "snapshot_export", version=version),
            "snapshot": frozen,
            "crumbs": _crumbs(
                programme,
                subject,
                {
                    "label": gettext("Version %(version)s") % {"version": frozen.version},
                    "url": _snapshot_url(subject, frozen.version),
                },
            ),
            "inputs": presentation.inputs(frozen.inputs),
            "analysis_url": _analysis_url(subject),
            "live": False,
        }
    )
    return render(request, "costbenefit/snapshot.html", context)


# ---------------------------------------------------------------------------------------------
# Excel


@login_required
@require_GET
def export(
    request: HttpRequest, slug: str, code: str | None = None, number: int | None = None
) -> HttpResponse:
    """The live analysis as a workbook with the page's layout."""
    subject = _lookup(request, slug, code, number)[1]
    try:
        ev = results.current(subject).evaluated
    except CBAInputError as exc:
        messages.error(
            request,
            gettext("The analysis cannot be computed, so there is nothing to export: %(reason)s")
            % {"reason": str(exc)},
        )
        return redirect(_analysis_url(subject))
    return xlsx_response(excel.workbook(ev), excel.filename(subjects.code(subject)))


@login_required
@require_GET
def snapshot_export(
    request: HttpRequest,
    slug: str,
    version: int,
    code: str | None = None,
    number: int | None = None,
) -> HttpResponse:
    """A snapshot as a workbook, from its frozen JSON."""
    subject = _lookup(request, slug, code, number)[1]
    frozen = _snapshot(subject, version)
    content = excel.workbook(presentation.frozen(frozen), snapshot=frozen)
    return xlsx_response(content, excel.filename(subjects.code(subject), frozen.version))
