"""Portfolio pages: the programme overview, the initiative list, an initiative's tabs, and the
create/edit forms. Views parse input, ask the permission module, call selectors or services
and render; every query a page runs is fixed in number, whatever the size of the portfolio.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Model, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from nytte.benefits import selectors as benefit_selectors
from nytte.benefits.totals import attributed_amount, benefit_totals
from nytte.core import selectors as core_selectors
from nytte.core.forms import LineForm, listed
from nytte.core.htmx import render_page
from nytte.core.lines import (
    LineKind,
    change_line,
    edit_form,
    posted_kind,
    posted_line,
    redirect_unless_htmx,
)
from nytte.core.listing import paginate, sort_header
from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, check
from nytte.core.viewhelpers import add_errors, crumb, int_or_none

from . import charts, selectors, services
from .choices import Phase, SizeBand
from .filtersets import InitiativeFilterSet
from .forms import (
    CostLineForm,
    DependencyForm,
    InitiativeForm,
    RiskForm,
    StatusReportForm,
)
from .models import CostLine, Dependency, Initiative, Risk, StatusReport

TABS: list[tuple[str, Any]] = [
    ("overview", _("Overview")),
    ("costs", _("Costs")),
    ("dependencies", _("Dependencies")),
    ("risks", _("Risks")),
    ("reports", _("Status reports")),
    ("benefits", _("Benefits")),
    ("history", _("History")),
]
TAB_NAMES = {name for name, _label in TABS}


# ---------------------------------------------------------------------------------------------
# Helpers


def _initiative(
    request: HttpRequest, programme: Programme, code: str, *, full: bool = False
) -> Initiative:
    """One initiative with cost totals and flags; ``full`` adds goals, participants and
    life events for the overview tab and the edit form."""
    user = request.user
    try:
        if full:
            return selectors.initiative_detail(programme=programme, code=code, user=user)
        initiative = selectors.initiative_list(programme=programme, user=user).get(code=code)
    except Initiative.DoesNotExist as exc:
        raise Http404 from exc
    return selectors.with_flags([initiative])[0]


# ---------------------------------------------------------------------------------------------
# Programme overview


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    """Vision, target picture, goals, the portfolio by phase and status, costs and roadmap."""
    programme = programme_or_404(request, slug)
    cost_table = selectors.programme_cost_table(programme=programme)
    roadmap = selectors.roadmap(programme=programme)
    phase_status = selectors.phase_status_counts(programme=programme)
    statuses = [value for value, _label in phase_status["statuses"]]
    for row in phase_status["rows"]:
        row["cells"] = list(zip(statuses, row["counts"], strict=True))
    return render(
        request,
        "portfolio/overview.html",
        {
            "programme": programme,
            "may_edit": can(request.user, Action.EDIT, programme),
            "may_facilitate": can(request.user, Action.FACILITATE, programme),
            "goal_tree": selectors.goal_tree(programme=programme),
            "phase_status": phase_status,
            "crumbs": [crumb(_("Portfolio"), "portfolio:overview", programme.slug)],
            "cost_table": cost_table,
            "cost_chart": charts.cost_chart(cost_table) if cost_table["rows"] else None,
            "roadmap": roadmap,
            "roadmap_chart": charts.roadmap_chart(roadmap) if roadmap else None,
        },
    )


@login_required
def initiative_codes(request: HttpRequest, slug: str) -> HttpResponse:
    """Code suggestions for a typed code or title (HTMX fills the field's datalist)."""
    programme = programme_or_404(request, slug)
    # The input sends its own (possibly prefixed) name; whatever it is, its value is the text.
    text = next((value for value in request.GET.values() if value), "")
    suggestions = selectors.initiative_code_suggestions(programme=programme, text=text)
    return render(request, "portfolio/partials/code_options.html", {"codes": suggestions})


# ---------------------------------------------------------------------------------------------
# Initiative list


@login_required
def initiative_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Filter, sort and page through a programme's initiatives (the filter form is a GET)."""
    programme = programme_or_404(request, slug)
    filterset = InitiativeFilterSet(
        request.GET or None,
        queryset=selectors.initiative_list(programme=programme, user=request.user),
        programme=programme,
    )
    for name in LISTED_FILTERS:
        filterset.form.fields[name] = listed(filterset.form.fields[name])
    pages = paginate(request, _ordered(filterset.qs))
    initiatives = selectors.with_flags(list(pages["page"].object_list))
    sizes = dict(SizeBand.choices)
    for initiative in initiatives:
        initiative.size_label = sizes[initiative.size_band]
    sort = request.GET.get("sort", "")
    return render_page(
        request,
        "portfolio/initiative_list.html",
        {
            "programme": programme,
            "filterset": filterset,
            "form": filterset.form,
            **pages,
            "initiatives": initiatives,
            "crumbs": [
                crumb(_("Portfolio"), "portfolio:overview", programme.slug),
                crumb(_("Initiatives"), "portfolio:initiative_list", programme.slug),
            ],
            "sort": sort,
            "columns": _sort_columns(sort),
            "may_create": can(request.user, Action.EDIT, programme),
        },
        partial="results",
    )


# The three filters with a list of choices validate against the options they list, so a
# chosen organisation, goal or life event costs no query of its own.
LISTED_FILTERS = ("organisation", "goal", "life_event")

# Phases sort in lifecycle order (idea … realise benefits), not alphabetically.
PHASE_ORDER = Case(
    *(When(phase=phase, then=Value(rank)) for rank, phase in enumerate(Phase.values)),
    output_field=IntegerField(),
)
LIFECYCLE = {"phase": PHASE_ORDER.asc(), "-phase": PHASE_ORDER.desc()}


def _ordered(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """The FilterSet's ordering with phases in lifecycle order, and ties broken by code so
    that the same initiative never turns up on two pages."""
    order = list(queryset.query.order_by)
    if not order:
        return queryset
    keys = [LIFECYCLE.get(key, key) if isinstance(key, str) else key for key in order]
    if "code" not in order:
        keys.append("code")
    return queryset.order_by(*keys)


def _sort_columns(sort: str) -> list[dict[str, Any]]:
    """Sortable column headers: the link each offers and the aria-sort it carries now."""
    columns = [
        ("code", _("Code")),
        ("title", _("Title")),
        (None, _("Owning organisation")),
        ("phase", _("Phase")),
        ("status", _("Status")),
        ("cost", _("Most likely cost (NOK)")),
        (None, _("Size")),
        (None, _("Quality assurance")),
    ]
    return [sort_header(key, label, sort) for key, label in columns]


# ---------------------------------------------------------------------------------------------
# Initiative page and its tabs


@login_required
@require_http_methods(["GET", "POST"])
def initiative_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """An initiative with one tab at a time; each tab is its own URL (``?tab=costs``)."""
    programme = programme_or_404(request, slug)
    if request.method == "POST":
        return _line_action(request, programme, code)
    tab = request.GET.get("tab", "overview")
    if tab not in TAB_NAMES:
        tab = "overview"
    initiative = _initiative(request, programme, code, full=tab == "overview")
    context = _detail_context(request, programme, initiative, tab)
    if tab in LINES:
        context.update(
            _lines_context(request, programme, initiative, LINES[tab], may_edit=context["may_edit"])
        )
    elif tab == "benefits":
        context.update(_benefits_context(initiative, request.user))
    elif tab == "history":
        context["timeline"] = core_selectors.history_for(initiative)
    # A tab's own links and forms swap only its panel; tab links swap the tabs with content.
    partial = "panel" if request.htmx and request.htmx.target == f"{tab}-panel" else "tabs"
    return render_page(request, "portfolio/initiative_detail.html", context, partial=partial)


def _detail_context(
    request: HttpRequest, programme: Programme, initiative: Initiative, tab: str
) -> dict[str, Any]:
    return {
        "programme": programme,
        "initiative": initiative,
        "tab": tab,
        "tabs": TABS,
        "size_label": SizeBand(initiative.size_band).label,
        "may_edit": can(request.user, Action.EDIT, initiative),
        "crumbs": [
            crumb(_("Portfolio"), "portfolio:overview", programme.slug),
            crumb(_("Initiatives"), "portfolio:initiative_list", programme.slug),
            {"label": initiative.code, "url": initiative.get_absolute_url()},
        ],
    }


def _benefits_context(initiative: Initiative, user: Any) -> dict[str, Any]:
    """The benefits the initiative contributes to, each with its share and what that share is
    worth; the total is the initiative's attributed part, never the benefits' full sums."""
    benefits = list(
        benefit_selectors.benefit_list(programme=initiative.programme, user=user).filter(
            contributions__initiative=initiative
        )
    )
    for benefit in benefits:
        benefit.initiative_share = (
            benefit_selectors.attributed_share(benefit, [initiative.pk]) * 100
        )
        benefit.attributed = attributed_amount(benefit, [initiative.pk])
    return {
        "benefits": benefits,
        "benefit_totals": benefit_totals(benefits, [initiative.pk]),
        "panel_template": "portfolio/tabs/benefits.html",
        "notice": "",
    }


# ---------------------------------------------------------------------------------------------
# Lines of an initiative (cost lines, dependencies, risks, status reports): listed on their
# tab and added, changed or deleted in place, the same way for each.


@dataclass(frozen=True, kw_only=True)
class Lines(LineKind):
    """One kind of an initiative's lines: how it is listed and created, besides its tab,
    form and the lines changeable through this page (``LineKind``)."""

    listing: Callable[[Initiative], tuple[list[Any], dict[str, Any]]]  # rows + tab context
    new: Callable[[Initiative, Any], Model]  # a blank line for the initiative and user


def _cost_listing(initiative: Initiative) -> tuple[list[Any], dict[str, Any]]:
    lines = list(selectors.cost_lines(initiative=initiative))
    return lines, {"cost_table": selectors.cost_table(lines)}


def _dependency_listing(initiative: Initiative) -> tuple[list[Any], dict[str, Any]]:
    deps = selectors.dependencies(initiative=initiative)
    return deps["outgoing"], {
        "dependencies": deps,
        "graph": charts.dependency_graph(initiative, deps),
        # First suggestions for the code field; typing fetches more (initiative_codes).
        "initiative_codes": SimpleLazyObject(
            lambda: selectors.initiative_code_suggestions(
                programme=initiative.programme, exclude_pk=initiative.pk
            )
        ),
    }


def _risk_listing(initiative: Initiative) -> tuple[list[Any], dict[str, Any]]:
    risks = selectors.risks(initiative=initiative)
    for number, risk in enumerate(risks, start=1):
        risk.number = number
    return risks, {
        "risk_matrix": charts.risk_levels(selectors.risk_matrix(risks)),
        "risk_consequences": range(1, 6),
    }


def _report_listing(initiative: Initiative) -> tuple[list[Any], dict[str, Any]]:
    return selectors.status_reports(initiative=initiative), {}


LINES: dict[str, Lines] = {
    lines.tab: lines
    for lines in (
        Lines(
            tab="costs",
            action="cost",
            form_class=CostLineForm,
            listing=_cost_listing,
            editable=lambda i: i.costs.select_related("organisation"),
            new=lambda i, _user: CostLine(initiative=i),
            saved=_("Cost line saved."),
            deleted=_("Cost line deleted."),
        ),
        Lines(
            tab="dependencies",
            action="dependency",
            form_class=DependencyForm,
            listing=_dependency_listing,
            # Rights follow the source, so only this initiative's own dependencies change here.
            editable=lambda i: i.dependencies_out.select_related("target"),
            new=lambda i, _user: Dependency(source=i),
            saved=_("Dependency saved."),
            deleted=_("Dependency deleted."),
            error_field="target",  # self-reference, other programme, a cycle of "requires"
        ),
        Lines(
            tab="risks",
            action="risk",
            form_class=RiskForm,
            listing=_risk_listing,
            editable=lambda i: i.risks.all(),
            new=lambda i, _user: Risk(initiative=i),
            saved=_("Risk saved."),
            deleted=_("Risk deleted."),
        ),
        Lines(
            tab="reports",
            action="report",
            form_class=StatusReportForm,
            listing=_report_listing,
            editable=lambda i: i.status_reports.all(),
            new=lambda i, user: StatusReport(initiative=i, reported_by=user),
            saved=_("Status report saved."),
            deleted=_("Status report deleted."),
        ),
    )
}
LINES_BY_ACTION = {lines.action: lines for lines in LINES.values()}


def _lines_context(
    request: HttpRequest,
    programme: Programme,
    initiative: Initiative,
    kind: Lines,
    *,
    may_edit: bool,
    form: LineForm | None = None,
    editing: int | None = None,
    notice: str = "",
) -> dict[str, Any]:
    """The tab's lines and whatever else it shows, with the add form and, when a line is
    being edited, its form in place of its row. ``form`` is a refused one, as typed."""
    lines, context = kind.listing(initiative)
    context.update(
        lines=lines,
        line_action=kind.action,
        panel_template=f"portfolio/tabs/{kind.tab}.html",
        notice=notice,
        add_form=None,
        edit_form=None,
        editing=None,
    )
    if not may_edit:
        return context
    if editing is None and request.method == "GET":
        editing = int_or_none(request.GET.get("edit"))
    if form is not None and editing is not None:
        context.update(edit_form=form, editing=editing)
    else:
        line = next((line for line in lines if line.pk == editing), None)
        if line is not None:
            context.update(
                edit_form=edit_form(kind.form_class, line, programme, "edit"), editing=line.pk
            )
    adding = form is not None and editing is None  # a refused new line keeps what was typed
    context["add_form"] = (
        form
        if adding
        else kind.form_class(
            instance=kind.new(initiative, request.user), programme=programme, prefix="add"
        )
    )
    return context


def _line_action(request: HttpRequest, programme: Programme, code: str) -> HttpResponse:
    """Add, change or delete a line: an HTMX swap of its tab's panel, or POST-redirect-GET
    without JavaScript (a refused form is then shown on the full page)."""
    initiative = _initiative(request, programme, code)
    check(request.user, Action.EDIT, initiative)
    kind, verb = posted_kind(request, LINES_BY_ACTION)
    line = None if verb == "add" else posted_line(request, kind, initiative)
    form, notice = change_line(
        request,
        kind,
        verb=verb,
        line=line,
        form=lambda instance: kind.form_class(
            request.POST,
            instance=instance or kind.new(initiative, request.user),
            programme=programme,
            prefix="edit" if line else "add",
        ),
        create=services.child_create,
        update=services.child_update,
        delete=services.child_delete,
    )
    done = redirect_unless_htmx(
        request, form, notice, f"{initiative.get_absolute_url()}?tab={kind.tab}"
    )
    if done is not None:
        return done
    context = _detail_context(request, programme, initiative, kind.tab)
    context.update(
        _lines_context(
            request,
            programme,
            initiative,
            kind,
            may_edit=True,
            form=form,
            editing=line.pk if form is not None and line is not None else None,
            notice=notice if form is None else "",
        )
    )
    return render_page(request, "portfolio/initiative_detail.html", context, partial="panel")


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
    initiative = _initiative(request, programme, code)
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
    if request.method == "POST" and form.is_valid():
        try:
            initiative = save(
                data=form.model_data(),
                participants=form.cleaned_data["participants"],
                life_events=form.cleaned_data["life_events"],
                goals=form.goal_weights(),
                acting_user=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, str(saved))
            return redirect(initiative)
    return render(request, "portfolio/initiative_form.html", {**context, "form": form})
