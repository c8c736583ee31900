"""An initiative's lines (cost lines, dependencies, risks, status reports): listed on their tab
and added, changed or deleted in place, the same way for each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from nytte.core.forms import LineForm
from nytte.core.htmx import render_page
from nytte.core.lines import (
    LineKind,
    change_line,
    edit_form,
    posted_kind,
    posted_line,
    redirect_unless_htmx,
)
from nytte.core.models import Programme
from nytte.core.permissions import Action, check
from nytte.core.viewhelpers import int_or_none

from .. import charts, selectors, services
from ..forms import (
    CostLineForm,
    DependencyForm,
    RiskForm,
    StatusReportForm,
)
from ..models import CostLine, Dependency, Initiative, Risk, StatusReport
from .helpers import detail_context, initiative_or_404

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


def lines_context(
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


def line_action(request: HttpRequest, programme: Programme, code: str) -> HttpResponse:
    """Add, change or delete a line: an HTMX swap of its tab's panel, or POST-redirect-GET
    without JavaScript (a refused form is then shown on the full page)."""
    initiative = initiative_or_404(request, programme, code)
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
    context = detail_context(request, programme, initiative, kind.tab)
    context.update(
        lines_context(
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
