"""The programme's assessment criteria page: criteria, weights and pairwise comparison."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nytte.core.htmx import render_page
from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, check
from nytte.core.viewhelpers import add_errors

from .. import ahp
from .. import assessment as assess
from ..choices import Dimension
from ..forms import CriterionForm, PairwiseForm, WeightsForm
from ..models import Criterion
from .frame import crumbs

# ---------------------------------------------------------------------------------------------
# Criteria and weights


def criteria_url(programme: Programme, anchor: str = "") -> str:
    url = reverse("proposals:criteria", kwargs={"slug": programme.slug})
    return f"{url}#{anchor}" if anchor else url


def int_param(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def criteria_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The criteria of both dimensions with their scales and weights; the facilitator adds,
    edits and deletes criteria and sets weights directly or by pairwise comparison."""
    programme = programme_or_404(request, slug)
    may_edit = can(request.user, Action.FACILITATE, programme)
    criteria = assess.criteria_for(programme=programme)
    by_pk = {c.pk: c for c in criteria}
    bound: dict[str, Any] = {}
    if request.method == "POST":
        check(request.user, Action.FACILITATE, programme)
        response = _criteria_post(request, programme, by_pk, bound)
        if response is not None:
            return response
    editing = by_pk.get(int_param(request.GET.get("edit")) or 0) if may_edit else None
    if "edit" in bound:
        editing = bound["edit"].criterion
    states = assess.pairwise_states(programme=programme, criteria=criteria)
    dimensions = []
    for group in assess.by_dimension(criteria):
        d = group.dimension
        section: dict[str, Any] = {"group": group, "pairwise": states[d]}
        if may_edit:
            section["add_form"] = bound.get(f"add_{d}") or CriterionForm(
                auto_id=f"add_{d}_%s", initial={"weight": 1}
            )
            section["weights_form"] = bound.get(f"weights_{d}") or WeightsForm(
                criteria=group.criteria, auto_id=f"weights_{d}_%s"
            )
            section["pairwise_form"] = (
                bound.get(f"pairwise_{d}")
                or PairwiseForm(state=states[d], auto_id=f"pairwise_{d}_%s")
                if len(group.criteria) >= 2
                else None
            )
            # A refused form's disclosure stays open, so its errors show.
            for kind in ("add", "weights", "pairwise"):
                section[f"open_{kind}"] = f"{kind}_{d}" in bound
        dimensions.append(section)
    edit_form = None
    if editing is not None:
        edit_form = bound.get("edit") or CriterionForm(criterion=editing, auto_id="edit_%s")
    context = {
        "programme": programme,
        "dimensions": dimensions,
        "may_edit": may_edit,
        "editing": editing,
        "edit_form": edit_form,
        "threshold": assess.TRACK_THRESHOLD,
        "consistency_limit": ahp.CONSISTENCY_LIMIT,
        "crumbs": [
            *crumbs(programme),
            {"label": _("Assessment criteria"), "url": criteria_url(programme)},
        ],
    }
    return render_page(request, "proposals/criteria.html", context)


def _criteria_post(
    request: HttpRequest,
    programme: Programme,
    by_pk: dict[int, Criterion],
    bound: dict[str, Any],
) -> HttpResponse | None:
    """Handle one of the criteria page's forms; a redirect when it worked, else None with
    the refused form in ``bound`` (as typed, with its errors)."""
    action = request.POST.get("action", "")
    dimension = request.POST.get("dimension", "")
    user = request.user
    if action in {"create", "weights", "pairwise"} and dimension not in Dimension.values:
        raise Http404
    if action == "create":
        form = CriterionForm(request.POST, auto_id=f"add_{dimension}_%s")
        if form.is_valid():
            try:
                criterion = assess.criterion_create(
                    programme=programme,
                    dimension=dimension,
                    data=form.data_for_service(),
                    acting_user=user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Criterion “%(name)s” added.") % {"name": criterion})
                return redirect(criteria_url(programme, f"criterion-{criterion.pk}"))
        bound[f"add_{dimension}"] = form
        return None
    if action in {"update", "delete"}:
        criterion = by_pk.get(int_param(request.POST.get("criterion")) or 0)
        if criterion is None:
            raise Http404
        if action == "delete":
            try:
                assess.criterion_delete(criterion=criterion, acting_user=user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("Criterion “%(name)s” deleted.") % {"name": criterion.name}
                )
            return redirect(criteria_url(programme, f"dimension-{criterion.dimension}"))
        form = CriterionForm(request.POST, criterion=criterion, auto_id="edit_%s")
        if form.is_valid():
            try:
                assess.criterion_update(
                    criterion=criterion, data=form.data_for_service(), acting_user=user
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Criterion “%(name)s” saved.") % {"name": criterion})
                return redirect(criteria_url(programme, f"criterion-{criterion.pk}"))
        bound["edit"] = form
        return None
    members = [c for c in by_pk.values() if c.dimension == dimension]
    if action == "weights":
        form = WeightsForm(request.POST, criteria=members, auto_id=f"weights_{dimension}_%s")
        if form.is_valid():
            try:
                assess.criteria_weights_set(
                    programme=programme, weights=form.weights(), acting_user=user
                )
            except ValidationError as exc:
                add_errors(form, exc, rename={str(c.pk): f"weight_{c.pk}" for c in members})
            else:
                messages.success(request, _("Weights saved."))
                return redirect(criteria_url(programme, f"dimension-{dimension}"))
        bound[f"weights_{dimension}"] = form
        return None
    if action == "pairwise":
        states = assess.pairwise_states(programme=programme, criteria=members)
        form = PairwiseForm(
            request.POST, state=states[dimension], auto_id=f"pairwise_{dimension}_%s"
        )
        if form.is_valid():
            try:
                state = assess.pairwise_save(
                    programme=programme,
                    dimension=dimension,
                    judgements=form.judgements(),
                    acting_user=user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                cr = state.result.consistency_ratio if state.result else 0.0
                if state.result is not None and not state.result.consistent:
                    messages.warning(
                        request,
                        _(
                            "Weights derived and saved, but the judgements contradict each "
                            "other (consistency ratio %(cr)s, above %(limit)s): see below."
                        )
                        % {"cr": f"{cr:.2f}", "limit": f"{ahp.CONSISTENCY_LIMIT:.2f}"},
                    )
                else:
                    messages.success(
                        request,
                        _("Weights derived and saved (consistency ratio %(cr)s).")
                        % {"cr": f"{cr:.2f}"},
                    )
                return redirect(criteria_url(programme, f"pairwise-result-{dimension}"))
        bound[f"pairwise_{dimension}"] = form
        return None
    raise Http404
