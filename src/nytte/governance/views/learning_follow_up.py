"""Pages of the learning loop's follow-up: actions from decisions, reviews of decisions
(realised against expected, what was learned, a lesson from it), and revisit items."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action, can
from nytte.core.viewhelpers import add_errors, crumb

from ..learning import actions as action_services
from ..learning import lessons as lesson_services
from ..learning import reviews as review_services
from ..learning import revisits as revisit_services
from ..learning.common import FOLLOW_UP_ACTIONS
from ..learning_forms import ActionForm, CloseForm, DoneForm, LessonForm, ReviewForm
from ..models import Decision, FollowUpAction, RevisitItem


def crumbs(programme: Programme, *extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [crumb(_("Learning loop"), "governance:learning", programme.slug), *extra]


def follows_up(user: Any, programme: Programme) -> bool:
    return any(can(user, a, programme) for a in FOLLOW_UP_ACTIONS)


@login_required
def learning(request: HttpRequest, slug: str) -> HttpResponse:
    """The learning loop's start page: what is due, with links to every part."""
    programme = programme_or_404(request, slug)
    today = timezone.localdate()
    decisions = Decision.objects.for_user(request.user).filter(case__programme=programme)
    return render(
        request,
        "governance/learning/home.html",
        {
            "programme": programme,
            "crumbs": crumbs(programme),
            "overdue": action_services.overdue_actions(request.user, today=today).filter(
                decision__case__programme=programme
            ),
            "due_reviews": review_services.due_reviews(decisions, today=today).select_related(
                "case"
            ),
            "revisits": revisit_services.open_items(request.user).filter(programme=programme),
            "may_facilitate": can(request.user, Action.FACILITATE, programme),
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    may_add = follows_up(request.user, programme)
    form = ActionForm(request.POST or None, programme=programme) if may_add else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                action_services.action_create(acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, gettext("The follow-up action was added."))
                return redirect("governance:actions", slug=programme.slug)
    actions = (
        FollowUpAction.objects.for_user(request.user)
        .filter(decision__case__programme=programme)
        .select_related("decision__case", "owner")
        .order_by("done_at", "due_date", "pk")
    )
    return render(
        request,
        "governance/learning/actions.html",
        {
            "programme": programme,
            "crumbs": crumbs(programme, crumb(_("Follow-up actions"), "governance:actions", slug)),
            "actions": actions,
            "today": timezone.localdate(),
            "form": form,
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    action = get_object_or_404(
        FollowUpAction.objects.for_user(request.user),
        pk=pk,
        decision__case__programme=programme,
    )
    may_edit = follows_up(request.user, programme)
    may_complete = action.done_at is None and action_services.may_complete(request.user, action)
    data = request.POST if request.method == "POST" else None
    form = ActionForm(
        data if data and "save" in data else None, instance=action, programme=programme
    )
    done_form = DoneForm(data if data and "done" in data else None)
    if data is not None:
        try:
            if "done" in data and done_form.is_valid():
                action_services.action_done(
                    action=action, note=done_form.cleaned_data["note"], acting_user=request.user
                )
                messages.success(request, gettext("Marked done."))
                return redirect("governance:actions", slug=programme.slug)
            if "save" in data and form.is_valid():
                fields = {k: form.cleaned_data[k] for k in ("title", "owner", "due_date")}
                action_services.action_update(action=action, data=fields, acting_user=request.user)
                messages.success(request, gettext("The follow-up action was saved."))
                return redirect("governance:action", slug=programme.slug, pk=action.pk)
        except ValidationError as exc:
            add_errors(done_form if "done" in data else form, exc)
    return render(
        request,
        "governance/learning/action.html",
        {
            "programme": programme,
            "crumbs": crumbs(programme, crumb(_("Follow-up actions"), "governance:actions", slug)),
            "action": action,
            "form": form if may_edit else None,
            "done_form": done_form if may_complete else None,
        },
        status=422 if form.errors or done_form.errors else 200,
    )


@login_required
def review_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    decisions = (
        Decision.objects.for_user(request.user)
        .filter(case__programme=programme, amended_by__isnull=True)
        .select_related("case", "forum")
        .prefetch_related("reviews")
        .order_by("review_date", "pk")
    )
    return render(
        request,
        "governance/learning/reviews.html",
        {
            "programme": programme,
            "crumbs": crumbs(programme, crumb(_("Reviews"), "governance:reviews", slug)),
            "decisions": decisions,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A decision's review: the live figures, the recorded reviews (frozen), and forms to
    record one and to turn it into a lesson."""
    programme = programme_or_404(request, slug)
    decision = get_object_or_404(
        Decision.objects.for_user(request.user).select_related("case__proposal", "forum"),
        pk=pk,
        case__programme=programme,
    )
    may_review = follows_up(request.user, programme)
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(data if data and "review" in data else None)
    lesson_form = LessonForm(data if data and "lesson" in data else None, prefix="lesson")
    if data is not None:
        if not may_review:
            raise PermissionDenied
        try:
            if "review" in data and form.is_valid():
                review_services.review_record(
                    decision=decision, acting_user=request.user, **form.cleaned_data
                )
                messages.success(request, gettext("The review was recorded."))
                return redirect("governance:review", slug=programme.slug, pk=decision.pk)
            if "lesson" in data and lesson_form.is_valid():
                source = decision.reviews.filter(pk=data.get("review_pk") or 0).first()
                lesson = lesson_services.lesson_create(
                    programme=programme,
                    case=decision.case,
                    review=source,
                    acting_user=request.user,
                    **lesson_form.cleaned_data,
                )
                messages.success(request, gettext("The lesson was added to the register."))
                return redirect(lesson.get_absolute_url())
        except ValidationError as exc:
            add_errors(form if "review" in data else lesson_form, exc)
    return render(
        request,
        "governance/learning/review.html",
        {
            "programme": programme,
            "crumbs": crumbs(programme, crumb(_("Reviews"), "governance:reviews", slug)),
            "decision": decision,
            "figures": review_services.review_figures(decision),
            "reviews": decision.reviews.select_related("reviewer").order_by("-reviewed_on"),
            "form": form if may_review else None,
            "lesson_form": lesson_form if may_review else None,
        },
        status=422 if form.errors or lesson_form.errors else 200,
    )


@login_required
def revisit_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug, Action.FACILITATE)
    items = (
        RevisitItem.objects.for_user(request.user, Action.FACILITATE)
        .in_programme(programme)
        .select_related("decision__case", "benefit", "risk", "proposal", "closed_by")
        .order_by("closed_at", "-opened_at")
    )
    return render(
        request,
        "governance/learning/revisits.html",
        {
            "programme": programme,
            "crumbs": crumbs(programme, crumb(_("Revisit items"), "governance:revisits", slug)),
            "items": items,
            "form": CloseForm(),
        },
    )


@login_required
@require_POST
def revisit_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = programme_or_404(request, slug, Action.FACILITATE)
    item = get_object_or_404(RevisitItem.objects.for_user(request.user), pk=pk, programme=programme)
    form = CloseForm(request.POST)
    url = reverse("governance:revisits", kwargs={"slug": programme.slug})
    if not form.is_valid():
        messages.error(request, gettext("Say what was done."))
        return redirect(url)
    try:
        revisit_services.revisit_close(
            item=item, resolution=form.cleaned_data["resolution"], acting_user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("The item was closed."))
    return redirect(url)
