"""Step 3, assess: the assessment tab, assessors, the track, an assessor's scoring page and the
potential × complexity matrix."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nytte.core.htmx import render_page
from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, check
from nytte.core.viewhelpers import add_errors

from .. import assessment as assess
from .. import services
from ..assess_charts import matrix_chart
from ..choices import OPEN_STAGES, Track
from ..forms import AssessForm, AssessorForm, TrackForm
from ..models import Assessment, Proposal
from .criteria import criteria_url, int_param
from .frame import crumbs, detail_context, proposal_for

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
        "criteria_url": criteria_url(proposal.programme),
        "matrix_url": reverse("proposals:matrix", kwargs={"slug": proposal.programme.slug}),
        "threshold": assess.TRACK_THRESHOLD,
        "panel_template": "proposals/tabs/assessment.html",
    }
    if overview.facilitator:
        suggested = overview.results.suggested_track if overview.results else None
        context["track_form"] = track_form or TrackForm.for_proposal(
            proposal, suggested, auto_id="track_%s"
        )
        # The facilitator sees every assessment of the proposal: those asked already.
        asked = [a.assessor_id for a in overview.assessments]
        context["assessor_form"] = assessor_form or AssessorForm(
            candidates=assess.assessor_candidates(proposal=proposal, asked=asked),
            auto_id="assessor_%s",
        )
        context["may_ask"] = proposal.stage in OPEN_STAGES
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
        return _render_tab(request, _reload(request, proposal), notice=notice)
    (messages.error if refused else messages.success)(request, notice)
    return redirect(_tab_url(proposal))


def _reload(request: HttpRequest, proposal: Proposal) -> Proposal:
    return proposal_for(proposal.programme, proposal.number, user=request.user, tab="assessment")


@login_required
@require_POST
def assessors(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The facilitator asks an assessor, withdraws a request or reopens a submission."""
    programme = programme_or_404(request, slug)
    proposal = proposal_for(programme, number, user=request.user, tab="assessment")
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
        Assessment.objects.filter(
            proposal=proposal, pk=int_param(request.POST.get("assessment")) or 0
        )
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
    proposal = proposal_for(programme, number, user=request.user, tab="assessment")
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
                page = _matrix_page_of(request, programme, proposal.number)
                query = f"?page={page}" if page > 1 else ""
                return redirect(f"{url}{query}#proposal-{proposal.number}")
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
    proposal = proposal_for(programme, number, user=request.user, tab="assessment")
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


# The table pages through the assessed proposals; the chart draws those with the highest
# potential (a national portfolio has thousands: megabytes of forms and points otherwise).
MATRIX_PAGE_SIZE = 25
MATRIX_CHART_LIMIT = 200


def _render_matrix(
    request: HttpRequest, programme: Programme, *, refused: dict[int, TrackForm] | None = None
) -> HttpResponse:
    points = assess.matrix_points(user=request.user, programme=programme)
    facilitator = can(request.user, Action.FACILITATE, programme)
    refused = refused or {}
    paginator = Paginator(points, MATRIX_PAGE_SIZE)
    # A refused track form shows on the page that has its proposal.
    wanted = next(
        (k // MATRIX_PAGE_SIZE + 1 for k, p in enumerate(points) if p.proposal.number in refused),
        request.GET.get("page"),
    )
    page = paginator.get_page(wanted)
    rows = []
    for point in page.object_list:
        number = point.proposal.number
        form = None
        if facilitator:
            form = refused.get(number) or TrackForm.for_proposal(
                point.proposal, point.suggested_track, auto_id=f"track{number}_%s"
            )
        rows.append({"point": point, "form": form, "open": number in refused})
    charted = [p for p in points if p.placed][:MATRIX_CHART_LIMIT]
    context = {
        "programme": programme,
        "rows": rows,
        "count": len(points),
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_ends=1),
        "charted": len(charted),
        "placed": sum(p.placed for p in points),
        "chart": matrix_chart(charted) if charted else None,
        "facilitator": facilitator,
        "threshold": assess.TRACK_THRESHOLD,
        "criteria_url": criteria_url(programme),
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


def _matrix_page_of(request: HttpRequest, programme: Programme, number: int) -> int:
    """The page of the matrix table that lists the proposal."""
    points = assess.matrix_points(user=request.user, programme=programme)
    index = next((k for k, p in enumerate(points) if p.proposal.number == number), 0)
    return index // MATRIX_PAGE_SIZE + 1


@login_required
def matrix_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Every assessed proposal by potential and complexity, with the suggested track and
    the track the facilitator set; a chart and the same figures as a table."""
    programme = programme_or_404(request, slug)
    return _render_matrix(request, programme)
