"""Step 3 pages: the programme's criteria and weights, the assessor's form, the assessment
tab of a proposal, and the potential × complexity matrix.

Views parse and render; the rules (who sees which scores, the arithmetic, the AHP weights)
are in ``assessment.py``. Every form works without JavaScript (POST-redirect-GET); on the
assessment tab HTMX re-renders the panel instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from nytte.core.htmx import render_page
from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, check
from nytte.core.viewhelpers import add_errors

from . import assessment as assess
from . import services
from .assess_charts import matrix_chart
from .choices import Dimension, Track
from .models import Assessment, Criterion, Proposal
from .views import crumbs, detail_context, proposal_for

# ---------------------------------------------------------------------------------------------
# Forms


class CriterionForm(forms.Form):
    """A criterion with its scale written one step per line, lowest first."""

    name = forms.CharField(label=gettext_lazy("Criterion"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What the assessors should look at."),
    )
    scale = forms.CharField(
        label=gettext_lazy("Scale"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "One step per line, from the lowest to the highest, each described; "
            "they are numbered 1, 2, 3 … from the top."
        ),
    )
    weight = forms.DecimalField(
        label=gettext_lazy("Weight"),
        min_value=0,
        max_digits=7,
        decimal_places=4,
        initial=1,
        help_text=gettext_lazy("Relative to the other criteria of the same dimension."),
    )

    def __init__(self, *args: Any, criterion: Criterion | None = None, **kwargs: Any) -> None:
        self.criterion = criterion
        if criterion is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": criterion.name,
                "description": criterion.description,
                "scale": "\n".join(str(step.get("label", "")) for step in criterion.scale),
                "weight": _plain(criterion.weight),
            }
        super().__init__(*args, **kwargs)

    def scale_steps(self) -> list[dict[str, Any]]:
        """The lines as steps; an existing criterion with as many steps keeps its values."""
        labels = [line.strip() for line in self.cleaned_data["scale"].splitlines()]
        labels = [label for label in labels if label]
        values = list(range(1, len(labels) + 1))
        if self.criterion is not None and len(self.criterion.scale) == len(labels):
            values = [int(step["value"]) for step in self.criterion.scale]
        return [{"value": v, "label": label} for v, label in zip(values, labels, strict=True)]

    def data_for_service(self) -> dict[str, Any]:
        return {
            "name": self.cleaned_data["name"].strip(),
            "description": self.cleaned_data["description"].strip(),
            "scale": self.scale_steps(),
            "weight": self.cleaned_data["weight"],
        }


def _plain(number: Decimal) -> str:
    """1.5000 as "1.5" and 10.0000 as "10" (``normalize`` alone would give "1E+1")."""
    return format(number.normalize(), "f")


class WeightsForm(forms.Form):
    """Weights set directly: one number per criterion of a dimension."""

    def __init__(self, *args: Any, criteria: Sequence[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"weight_{criterion.pk}"] = forms.DecimalField(
                label=criterion.name,
                min_value=0,
                max_digits=7,
                decimal_places=4,
                initial=_plain(criterion.weight),
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )

    def weights(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data[f"weight_{c.pk}"] for c in self.criteria}


def _verbal(step: int) -> Any:
    return {
        2: gettext_lazy("between equal and moderately"),
        3: gettext_lazy("moderately"),
        4: gettext_lazy("between moderately and strongly"),
        5: gettext_lazy("strongly"),
        6: gettext_lazy("between strongly and very strongly"),
        7: gettext_lazy("very strongly"),
        8: gettext_lazy("between very strongly and extremely"),
        9: gettext_lazy("extremely"),
    }[step]


def saaty_choices(first: Criterion, second: Criterion) -> list[tuple[str, str]]:
    """Saaty's scale for one pair, worded both ways: "first 3 – moderately more important"
    down through "equally important" to "second 9 – extremely more important"."""
    choices = []
    for step in range(9, 1, -1):
        choices.append(
            (
                str(step),
                _("%(step)s: %(name)s %(verbal)s more important")
                % {"step": step, "name": first.name, "verbal": _verbal(step)},
            )
        )
    choices.append(("1", _("1: equally important")))
    for step in range(2, 10):
        choices.append(
            (
                f"1/{step}",
                _("1/%(step)s: %(name)s %(verbal)s more important")
                % {"step": step, "name": second.name, "verbal": _verbal(step)},
            )
        )
    return choices


class PairwiseForm(forms.Form):
    """Every pair of a dimension's criteria on Saaty's scale (AHP)."""

    def __init__(self, *args: Any, state: assess.PairwiseState, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pairs = []
        for first, second, value in state.pairs:
            name = f"pair_{first.pk}_{second.pk}"
            self.fields[name] = forms.ChoiceField(
                label=_("%(first)s compared with %(second)s")
                % {"first": first.name, "second": second.name},
                choices=saaty_choices(first, second),
                initial=assess.saaty_text(value) if value is not None else "1",
            )
            self.pairs.append((first, second, name))

    def rows(self) -> list[dict[str, Any]]:
        return [{"first": f, "second": s, "field": self[name]} for f, s, name in self.pairs]

    def judgements(self) -> dict[tuple[int, int], str]:
        return {(f.pk, s.pk): self.cleaned_data[name] for f, s, name in self.pairs}


class AssessorForm(forms.Form):
    """Ask a programme member to assess the proposal, by a date."""

    assessor = forms.TypedChoiceField(label=gettext_lazy("Assessor"), coerce=int)
    due = forms.DateField(
        label=gettext_lazy("Due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, candidates: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {user.pk: user for user in candidates}
        self.fields["assessor"].choices = [("", _("Choose a person …"))] + [
            (user.pk, user.display_name) for user in candidates
        ]


class TrackForm(forms.Form):
    """The facilitator's track for a proposal, with the reason."""

    track = forms.ChoiceField(label=gettext_lazy("Track"), choices=Track.choices)
    track_reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Why this track; it is kept with the proposal's history."),
    )

    @classmethod
    def for_proposal(cls, proposal: Proposal, suggested: str | None, **kwargs: Any) -> TrackForm:
        initial = {
            "track": proposal.track or suggested or "",
            "track_reason": proposal.track_reason,
        }
        return cls(initial=initial, **kwargs)


class AssessForm(forms.Form):
    """An assessor's scores: one step of each criterion's scale, with an optional comment."""

    comment = forms.CharField(
        label=gettext_lazy("Overall comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        criteria: Sequence[Criterion],
        assessment: Assessment | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = {s.criterion_id: s for s in assessment.scores.all()} if assessment else {}
        for criterion in self.criteria:
            labels = {int(step["value"]): step.get("label", "") for step in criterion.scale}
            score = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[
                    (v, f"{v} – {labels[v]}" if labels.get(v) else str(v))
                    for v in criterion.scale_values
                ],
                widget=forms.RadioSelect,
                help_text=criterion.description,
                initial=score.value if score else None,
            )
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                label=_("Comment on %(criterion)s") % {"criterion": criterion.name},
                required=False,
                max_length=500,
                initial=score.comment if score else "",
            )
        if assessment is not None:
            self.fields["comment"].initial = assessment.comment

    def groups(self) -> list[dict[str, Any]]:
        """The fields by dimension, as the page lists them."""
        result = []
        for group in assess.by_dimension(self.criteria):
            if group.criteria:
                result.append(
                    {
                        "dimension": group.dimension,
                        "label": group.label,
                        "items": [
                            {
                                "criterion": c,
                                "score": self[f"score_{c.pk}"],
                                "note": self[f"note_{c.pk}"],
                            }
                            for c in group.criteria
                        ],
                    }
                )
        return result

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"note_{c.pk}"])
            for c in self.criteria
        }

    def service_fields(self) -> dict[str, str]:
        return {str(c.pk): f"score_{c.pk}" for c in self.criteria}


# ---------------------------------------------------------------------------------------------
# Criteria and weights


def _criteria_url(programme: Programme, anchor: str = "") -> str:
    url = reverse("proposals:criteria", kwargs={"slug": programme.slug})
    return f"{url}#{anchor}" if anchor else url


def _int(value: Any) -> int | None:
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
    editing = by_pk.get(_int(request.GET.get("edit")) or 0) if may_edit else None
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
        "consistency_limit": assess.ahp.CONSISTENCY_LIMIT,
        "crumbs": [
            *crumbs(programme),
            {"label": _("Assessment criteria"), "url": _criteria_url(programme)},
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
                return redirect(_criteria_url(programme, f"criterion-{criterion.pk}"))
        bound[f"add_{dimension}"] = form
        return None
    if action in {"update", "delete"}:
        criterion = by_pk.get(_int(request.POST.get("criterion")) or 0)
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
            return redirect(_criteria_url(programme, f"dimension-{criterion.dimension}"))
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
                return redirect(_criteria_url(programme, f"criterion-{criterion.pk}"))
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
                return redirect(_criteria_url(programme, f"dimension-{dimension}"))
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
                        % {"cr": f"{cr:.2f}", "limit": f"{assess.ahp.CONSISTENCY_LIMIT:.2f}"},
                    )
                else:
                    messages.success(
                        request,
                        _("Weights derived and saved (consistency ratio %(cr)s).")
                        % {"cr": f"{cr:.2f}"},
                    )
                return redirect(_criteria_url(programme, f"pairwise-result-{dimension}"))
        bound[f"pairwise_{dimension}"] = form
        return None
    raise Http404


# ---------------------------------------------------------------------------------------------
# The assessment tab


def _tab_context(
    request: HttpRequest,
    proposal: Proposal,
    *,
    assessor_form: AssessorForm | None = None,
    track_form: TrackForm | None = None,
) -> dict[str, Any]:
    overview = assess.assessment_overview(request.user, proposal)
    context: dict[str, Any] = {
        "overview": overview,
        "assess_url": reverse(
            "proposals:assess",
            kwargs={"slug": proposal.programme.slug, "number": proposal.number},
        ),
        "criteria_url": _criteria_url(proposal.programme),
        "matrix_url": reverse("proposals:matrix", kwargs={"slug": proposal.programme.slug}),
        "threshold": assess.TRACK_THRESHOLD,
        "panel_template": "proposals/tabs/assessment.html",
    }
    if overview.facilitator:
        suggested = overview.results.suggested_track if overview.results else None
        context["track_form"] = track_form or TrackForm.for_proposal(
            proposal, suggested, auto_id="track_%s"
        )
        context["assessor_form"] = assessor_form or AssessorForm(
            candidates=assess.assessor_candidates(proposal=proposal), auto_id="assessor_%s"
        )
        context["may_ask"] = proposal.stage in assess.OPEN_STAGES
    return context


def assessment_context(request: HttpRequest, proposal: Proposal) -> dict[str, Any]:
    """The assessment tab's context for the proposal page frame (``views.TAB_PROVIDERS``)."""
    return _tab_context(request, proposal)


def _tab_url(proposal: Proposal) -> str:
    return f"{proposal.get_absolute_url()}?tab=assessment"


def _render_tab(
    request: HttpRequest, proposal: Proposal, *, notice: str = "", **forms_: Any
) -> HttpResponse:
    """The proposal page on the assessment tab: the panel alone for HTMX, else the page."""
    context = detail_context(request, proposal, "assessment")
    context.update(_tab_context(request, proposal, **forms_))
    context["notice"] = notice
    return render_page(request, "proposals/proposal_detail.html", context, partial="panel")


def _done(
    request: HttpRequest, proposal: Proposal, notice: str, *, refused: bool = False
) -> HttpResponse:
    if request.htmx:
        return _render_tab(request, _reload(proposal), notice=notice)
    (messages.error if refused else messages.success)(request, notice)
    return redirect(_tab_url(proposal))


def _reload(proposal: Proposal) -> Proposal:
    return proposal_for(proposal.programme, proposal.number)


@login_required
@require_POST
def assessors(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The facilitator asks an assessor, withdraws a request or reopens a submission."""
    programme = programme_or_404(request, slug)
    proposal = proposal_for(programme, number)
    check(request.user, Action.FACILITATE, proposal)
    action = request.POST.get("action", "")
    if action == "request":
        form = AssessorForm(
            request.POST,
            candidates=assess.assessor_candidates(proposal=proposal),
            auto_id="assessor_%s",
        )
        if form.is_valid():
            person = form.candidates[form.cleaned_data["assessor"]]
            try:
                assess.assessor_request(
                    proposal=proposal,
                    assessor=person,
                    due=form.cleaned_data["due"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return _done(
                    request,
                    proposal,
                    _("%(name)s is asked to assess the proposal.") % {"name": person.display_name},
                )
        return _render_tab(request, proposal, assessor_form=form)
    target = (
        Assessment.objects.filter(proposal=proposal, pk=_int(request.POST.get("assessment")) or 0)
        .select_related("assessor", "proposal__programme")
        .first()
    )
    if target is None or action not in {"remove", "reopen"}:
        raise Http404
    name = {"name": target.assessor.display_name}
    try:
        if action == "remove":
            assess.assessor_remove(assessment=target, acting_user=request.user)
            notice = _("The request to %(name)s is withdrawn.") % name
        else:
            assess.assessment_reopen(assessment=target, acting_user=request.user)
            notice = _("%(name)s's assessment is reopened.") % name
    except ValidationError as exc:
        return _done(request, proposal, " ".join(exc.messages), refused=True)
    return _done(request, proposal, notice)


@login_required
@require_POST
def track(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The facilitator sets the track with a reason, from the tab or the matrix table."""
    programme = programme_or_404(request, slug)
    proposal = proposal_for(programme, number)
    check(request.user, Action.FACILITATE, proposal)
    from_matrix = request.POST.get("return_to") == "matrix"
    form = TrackForm(
        request.POST, auto_id=f"track{proposal.number}_%s" if from_matrix else "track_%s"
    )
    if form.is_valid():
        try:
            services.track_set(
                proposal=proposal,
                track=form.cleaned_data["track"],
                reason=form.cleaned_data["track_reason"].strip(),
                acting_user=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            notice = _("%(ref)s: track set to “%(track)s”.") % {
                "ref": proposal.reference,
                "track": Track(proposal.track).label,
            }
            if from_matrix:
                messages.success(request, notice)
                url = reverse("proposals:matrix", kwargs={"slug": programme.slug})
                return redirect(f"{url}#proposal-{proposal.number}")
            return _done(request, proposal, notice)
    if from_matrix:
        return _render_matrix(request, programme, refused={proposal.number: form})
    return _render_tab(request, proposal, track_form=form)


# ---------------------------------------------------------------------------------------------
# The assessor's form


@login_required
@require_http_methods(["GET", "POST"])
def assess_page(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The assessor scores every criterion, saves a draft, and submits (final). Only those
    asked may open it; after submitting they see the others' submitted scores."""
    programme = programme_or_404(request, slug)
    proposal = proposal_for(programme, number)
    own = (
        Assessment.objects.filter(proposal=proposal, assessor=request.user)
        .prefetch_related("scores")
        .first()
    )
    if own is None:
        raise PermissionDenied
    criteria = assess.criteria_for(programme=programme)
    form = AssessForm(criteria=criteria, assessment=own)
    if request.method == "POST":
        if own.submitted:
            messages.error(
                request, _("You have submitted this assessment; it can no longer change.")
            )
            return redirect(_tab_url(proposal))
        submit = request.POST.get("intent") == "submit"
        form = AssessForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                assess.assessment_save(
                    assessment=own,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    submit=submit,
                    acting_user=request.user,
                )
            except ValidationError as exc:
                add_errors(form, exc, rename=form.service_fields())
            else:
                if submit:
                    messages.success(
                        request,
                        _("Your assessment is submitted. You now see the other assessors' scores."),
                    )
                    return redirect(_tab_url(proposal))
                messages.success(request, _("Draft saved. The other assessors cannot see it."))
                return redirect(
                    reverse("proposals:assess", kwargs={"slug": slug, "number": number})
                )
    overview = assess.assessment_overview(request.user, proposal) if own.submitted else None
    context = {
        "programme": programme,
        "proposal": proposal,
        "own": assess.decorate_assessment(own),
        "form": form,
        "overview": overview,
        "threshold": assess.TRACK_THRESHOLD,
        "crumbs": [
            *crumbs(programme, proposal),
            {
                "label": _("Assess"),
                "url": reverse("proposals:assess", kwargs={"slug": slug, "number": number}),
            },
        ],
    }
    return render_page(request, "proposals/assess_form.html", context)


# ---------------------------------------------------------------------------------------------
# The matrix


def _render_matrix(
    request: HttpRequest, programme: Programme, *, refused: dict[int, TrackForm] | None = None
) -> HttpResponse:
    points = assess.matrix_points(user=request.user, programme=programme)
    facilitator = can(request.user, Action.FACILITATE, programme)
    refused = refused or {}
    rows = []
    for point in points:
        number = point.proposal.number
        form = None
        if facilitator:
            form = refused.get(number) or TrackForm.for_proposal(
                point.proposal, point.suggested_track, auto_id=f"track{number}_%s"
            )
        rows.append({"point": point, "form": form, "open": number in refused})
    context = {
        "programme": programme,
        "rows": rows,
        "chart": matrix_chart(points) if any(p.placed for p in points) else None,
        "facilitator": facilitator,
        "threshold": assess.TRACK_THRESHOLD,
        "criteria_url": _criteria_url(programme),
        "tracks": [
            (Track.QUICK_WIN.label, _("high potential, low complexity")),
            (Track.STRATEGIC.label, _("high potential, high complexity")),
            (Track.PILOT.label, _("low potential, low complexity")),
            (Track.PARK.label, _("low potential, high complexity")),
        ],
        "crumbs": [
            *crumbs(programme),
            {
                "label": _("Potential and complexity"),
                "url": reverse("proposals:matrix", kwargs={"slug": programme.slug}),
            },
        ],
    }
    return render_page(request, "proposals/matrix.html", context)


@login_required
def matrix_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Every assessed proposal by potential and complexity, with the suggested track and
    the track the facilitator set; a chart and the same figures as a table."""
    programme = programme_or_404(request, slug)
    return _render_matrix(request, programme)


urlpatterns: list[Any] = [
    path("p/<slug:slug>/proposals/criteria/", criteria_page, name="criteria"),
    path("p/<slug:slug>/proposals/matrix/", matrix_page, name="matrix"),
    path("p/<slug:slug>/proposals/<int:number>/assess/", assess_page, name="assess"),
    path("p/<slug:slug>/proposals/<int:number>/assessors/", assessors, name="assessors"),
    path("p/<slug:slug>/proposals/<int:number>/track/", track, name="track_set"),
]
