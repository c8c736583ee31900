"""Lines of a benefit (shares, yearly amounts, indicators, targets, measurements) added,
changed or deleted in place on their tab, each through its named service."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from nytte.core.actors import Actor
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
from nytte.core.naturalsort import natural_key
from nytte.core.permissions import Action, check
from nytte.core.viewhelpers import int_or_none

from .. import charts, selectors, services
from ..forms import (
    BenefitAmountForm,
    ContributionForm,
    IndicatorForm,
    MeasurementForm,
    TargetForm,
)
from ..models import Benefit, BenefitAmount, Contribution, Indicator, Measurement, Target
from ..totals import attributed_amount
from .common import benefit_for_change, benefit_with_lines, detail_context

# ---------------------------------------------------------------------------------------------
# Lines of a benefit: added, changed or deleted in place on their tab, the same way for each.


@dataclass(frozen=True, kw_only=True)
class Lines(LineKind):
    """One kind of a benefit's lines: whether it hangs on an indicator and its named
    services, besides its tab, form and the lines changeable through the benefit
    (``LineKind``)."""

    on_indicator: bool  # added to one of the benefit's indicators, not to the benefit
    # The named services: create(parent, data, actor), update(line, data, actor),
    # delete(line, actor); the parent is the benefit, or the indicator when ``on_indicator``.
    create: Callable[[Any, dict[str, Any], Actor], Model]
    update: Callable[[Any, dict[str, Any], Actor], Model]
    delete: Callable[[Any, Actor], None]

    def new(self, benefit: Benefit, indicator: Indicator | None) -> Model:
        model = self.form_class._meta.model
        return model(indicator=indicator) if self.on_indicator else model(benefit=benefit)


LINES: dict[str, Lines] = {
    lines.action: lines
    for lines in (
        Lines(
            action="contribution",
            tab="overview",
            form_class=ContributionForm,
            editable=lambda b: Contribution.objects.filter(benefit=b).select_related("initiative"),
            on_indicator=False,
            saved=_("Share saved."),
            deleted=_("Share deleted."),
            create=lambda b, data, user: services.contribution_create(
                benefit=b, acting_user=user, **data
            ),
            update=lambda line, data, user: services.contribution_update(
                contribution=line, data=data, acting_user=user
            ),
            delete=lambda line, user: services.contribution_delete(
                contribution=line, acting_user=user
            ),
            error_field="share",  # together over 100 %
        ),
        Lines(
            action="amount",
            tab="overview",
            form_class=BenefitAmountForm,
            editable=lambda b: BenefitAmount.objects.filter(benefit=b),
            on_indicator=False,
            saved=_("Yearly amount saved."),
            deleted=_("Yearly amount deleted."),
            create=lambda b, data, user: services.amount_create(
                benefit=b, acting_user=user, **data
            ),
            update=lambda line, data, user: services.amount_update(
                amount=line, data=data, acting_user=user
            ),
            delete=lambda line, user: services.amount_delete(amount=line, acting_user=user),
        ),
        Lines(
            action="indicator",
            tab="realisation",
            form_class=IndicatorForm,
            editable=lambda b: Indicator.objects.filter(benefit=b),
            on_indicator=False,
            saved=_("Indicator saved."),
            deleted=_("Indicator deleted."),
            create=lambda b, data, user: services.indicator_create(
                benefit=b, acting_user=user, **data
            ),
            update=lambda line, data, user: services.indicator_update(
                indicator=line, data=data, acting_user=user
            ),
            delete=lambda line, user: services.indicator_delete(indicator=line, acting_user=user),
        ),
        Lines(
            action="target",
            tab="realisation",
            form_class=TargetForm,
            editable=lambda b: Target.objects.filter(indicator__benefit=b).select_related(
                "indicator"
            ),
            on_indicator=True,
            saved=_("Target saved."),
            deleted=_("Target deleted."),
            create=lambda i, data, user: services.target_create(
                indicator=i, acting_user=user, **data
            ),
            update=lambda line, data, user: services.target_update(
                target=line, data=data, acting_user=user
            ),
            delete=lambda line, user: services.target_delete(target=line, acting_user=user),
        ),
        Lines(
            action="measurement",
            tab="realisation",
            form_class=MeasurementForm,
            editable=lambda b: Measurement.objects.filter(indicator__benefit=b).select_related(
                "indicator"
            ),
            on_indicator=True,
            saved=_("Measurement saved."),
            deleted=_("Measurement deleted."),
            create=lambda i, data, user: services.measurement_create(
                indicator=i, acting_user=user, **data
            ),
            update=lambda line, data, user: services.measurement_update(
                measurement=line, data=data, acting_user=user
            ),
            delete=lambda line, user: services.measurement_delete(
                measurement=line, acting_user=user
            ),
        ),
    )
}


def _add_prefix(kind: Lines, indicator: Indicator | None) -> str:
    """Form prefixes keep every field id unique on a page with many add forms."""
    return f"add-{kind.action}-{indicator.pk}" if indicator else f"add-{kind.action}"


def _edit_prefix(kind: Lines) -> str:
    return f"edit-{kind.action}"


def lines_context(
    programme: Programme, benefit: Benefit, tab: str, *, may_edit: bool, notice: str = ""
) -> dict[str, Any]:
    """What a tab shows, with blank add forms for those who may edit. Add forms of an
    indicator's targets and measurements hang on the indicator (``indicator.add_forms``)."""
    context: dict[str, Any] = {
        "notice": notice,
        "add_forms": {},
        "panel_template": f"benefits/tabs/{tab}.html",
    }
    if tab == "overview":
        contributions = list(benefit.contributions.all())
        for contribution in contributions:
            contribution.attributed = attributed_amount(benefit, [contribution.initiative_id])
        context.update(
            contributions=contributions,
            shares_total=selectors.attributed_share(benefit) * 100,
            attributed_total=attributed_amount(benefit),
            amounts=list(benefit.amounts.all()),
            risks=sorted(
                benefit.risks.all(), key=lambda r: (natural_key(r.initiative.code), r.title)
            ),
        )
    else:
        indicators = list(benefit.indicators.all())
        measured = benefit.status in selectors.MEASURED_STATUSES
        for indicator in indicators:
            progress = indicator.progress
            indicator.planned_percent = (
                None if progress.planned_share is None else progress.planned_share * 100
            )
            indicator.overdue = progress.overdue and measured
            indicator.series = selectors.indicator_series(indicator)
            indicator.chart_id = f"indicator-{indicator.pk}-chart"
            # The spec travels as text in a hidden element, not a <script> data block: HTMX
            # drops every <script> from swapped content (allowScriptTags is off), and this
            # panel is swapped whenever a line changes.
            indicator.chart_json = (
                json.dumps(charts.realisation_chart(indicator.series, unit=indicator.unit))
                if indicator.series
                else ""
            )
            indicator.add_forms = {}
        context["indicators"] = indicators
    if not may_edit:
        return context
    for kind in LINES.values():
        if kind.tab != tab:
            continue
        if kind.on_indicator:
            for indicator in context["indicators"]:
                indicator.add_forms[kind.action] = kind.form_class(
                    instance=kind.new(benefit, indicator),
                    programme=programme,
                    prefix=_add_prefix(kind, indicator),
                )
        elif kind.action != "amount" or benefit.priced:  # only priced benefits have amounts
            context["add_forms"][kind.action] = kind.form_class(
                instance=kind.new(benefit, None),
                programme=programme,
                prefix=_add_prefix(kind, None),
            )
    return context


def _shown_lines(benefit: Benefit, kind: Lines) -> list[Any]:
    """The prefetched lines of one kind, as the tab renders them."""
    if kind.action == "contribution":
        return list(benefit.contributions.all())
    if kind.action == "amount":
        return list(benefit.amounts.all())
    indicators = list(benefit.indicators.all())
    if kind.action == "indicator":
        return indicators
    return [line for i in indicators for line in getattr(i, f"{kind.action}s").all()]


def open_edit_form(
    programme: Programme,
    benefit: Benefit,
    context: dict[str, Any],
    editing: str,
    form: LineForm | None = None,
) -> None:
    """Put a line's edit form (``editing`` is "<action>-<pk>") in place of its row: a blank
    one from the line, or ``form``, a refused one as typed."""
    action, _dash, pk = editing.rpartition("-")
    kind = LINES.get(action)
    if kind is None or kind.tab != context["tab"]:
        return
    wanted = int_or_none(pk)
    line = next((line for line in _shown_lines(benefit, kind) if line.pk == wanted), None)
    if line is None:
        return
    if form is None:
        form = edit_form(kind.form_class, line, programme, _edit_prefix(kind))
    line.edit_form = form


def line_action(request: HttpRequest, programme: Programme, code: str) -> HttpResponse:
    """Add, change or delete a line: an HTMX swap of its tab's panel, or POST-redirect-GET
    without JavaScript (a refused form is then shown on the full page)."""
    # A line's services read none of the benefit's other lines (shares are summed in SQL).
    # An add to an indicator names it: it comes along, with its measured dates.
    chosen = int_or_none(request.POST.get("indicator"))
    benefit = benefit_for_change(request, programme, code, lines=(), indicator=chosen)
    check(request.user, Action.EDIT, benefit)
    kind, verb = posted_kind(request, LINES)
    line = indicator = None
    if verb != "add":
        line = posted_line(request, kind, benefit)
        # The permission checks and rules read the parent: give them the one read above.
        if kind.on_indicator:
            line.indicator.benefit = benefit
        else:
            line.benefit = benefit
    elif kind.on_indicator:
        indicator = getattr(benefit, "chosen_indicator", None)
        if indicator is None:
            raise Http404
    fields = kind.form_class._meta.fields
    form, notice = change_line(
        request,
        kind,
        verb=verb,
        line=line,
        form=lambda instance: kind.form_class(
            request.POST,
            instance=instance or kind.new(benefit, indicator),
            programme=programme,
            prefix=_edit_prefix(kind) if line else _add_prefix(kind, indicator),
        ),
        # Each kind's named services (no choosing by type): the new line's fields as typed.
        create=lambda instance, acting_user: kind.create(
            indicator or benefit, {f: getattr(instance, f) for f in fields}, acting_user
        ),
        update=lambda line, data, acting_user: kind.update(line, data, acting_user),
        delete=lambda line, acting_user: kind.delete(line, acting_user),
    )
    done = redirect_unless_htmx(
        request, form, notice, f"{benefit.get_absolute_url()}?tab={kind.tab}"
    )
    if done is not None:
        return done
    if kind.tab == "realisation":
        # An indicator's lines change nothing on the benefit read above: only they are read
        # again (one query), for the progress and the panel.
        selectors.read_indicators(benefit)
    else:
        # Read again: totals, confirmation and progress may have changed with the line.
        benefit = benefit_with_lines(request, programme, code, kind.tab)
    context = detail_context(request, programme, benefit, kind.tab)
    context.update(
        lines_context(
            programme, benefit, kind.tab, may_edit=True, notice=notice if form is None else ""
        )
    )
    if form is not None:
        if line is not None:
            open_edit_form(programme, benefit, context, f"{kind.action}-{line.pk}", form)
        elif indicator is not None:
            for shown in context["indicators"]:
                if shown.pk == indicator.pk:
                    shown.add_forms[kind.action] = form
        else:
            context["add_forms"][kind.action] = form
    return render_page(request, "benefits/benefit_detail.html", context, partial="panel")
