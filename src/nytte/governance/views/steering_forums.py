"""Forum pages: the list (and a new forum), one forum with its members and meetings, and a
meeting with its agenda."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from nytte.core.lookups import programme_or_404
from nytte.core.permissions import Action, can, check
from nytte.core.viewhelpers import add_errors, crumb

from .. import selectors, services
from ..forms import AgendaForm, ForumForm, MeetingForm, MemberForm
from ..models import AgendaItem, ForumMember
from .steering_common import crumbs, get_or_404


@login_required
@require_http_methods(["GET", "POST"])
def forum_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    may_administer = can(request.user, Action.ADMINISTER, programme)
    form = ForumForm(request.POST or None, programme=programme) if may_administer else None
    if request.method == "POST":
        check(request.user, Action.ADMINISTER, programme)
        assert form is not None
        if form.is_valid():
            try:
                forum = services.forum_create(
                    programme=programme, data=form.cleaned_data, acting_user=request.user
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, gettext("Forum created."))
                return redirect(forum.get_absolute_url())
    return render(
        request,
        "governance/forum_list.html",
        {
            "programme": programme,
            "forums": selectors.forum_list(user=request.user, programme=programme),
            "form": form,
            "crumbs": crumbs(programme, crumb(_("Forums"), "governance:forums", slug)),
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def forum_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The forum, its members and meetings; programme admins edit it and seat members,
    facilitators plan meetings (each form posts here with its ``form`` name)."""
    programme = programme_or_404(request, slug)
    forum = get_or_404(selectors.forum_get, user=request.user, programme=programme, pk=pk)
    may_administer = can(request.user, Action.ADMINISTER, forum)
    may_facilitate = can(request.user, Action.FACILITATE, forum)
    which = request.POST.get("form") if request.method == "POST" else None
    data = request.POST if which else None
    forum_form = ForumForm(data if which == "forum" else None, instance=forum, programme=programme)
    member_form = MemberForm(data if which == "member" else None, forum=forum)
    meeting_form = MeetingForm(data if which == "meeting" else None)
    if which in ("forum", "member"):
        check(request.user, Action.ADMINISTER, forum)
    elif which == "meeting":
        check(request.user, Action.FACILITATE, forum)
    elif which is not None:
        return HttpResponse(status=400)
    form = {"forum": forum_form, "member": member_form, "meeting": meeting_form}.get(which or "")
    if form is not None and form.is_valid():
        try:
            if which == "forum":
                services.forum_update(forum=forum, data=form.cleaned_data, acting_user=request.user)
                messages.success(request, gettext("Forum saved."))
                return redirect(forum.get_absolute_url())
            if which == "member":
                services.member_add(
                    forum=forum,
                    user=form.cleaned_data["user"],
                    chair=form.cleaned_data["chair"],
                    acting_user=request.user,
                )
                messages.success(request, gettext("Member added."))
                return redirect(forum.get_absolute_url())
            meeting = services.meeting_create(
                forum=forum, data=form.cleaned_data, acting_user=request.user
            )
            messages.success(request, gettext("Meeting planned."))
            return redirect(meeting.get_absolute_url())
        except ValidationError as exc:
            add_errors(form, exc)
    return render(
        request,
        "governance/forum_detail.html",
        {
            "programme": programme,
            "forum": forum,
            "members": forum.memberships.all(),
            "meetings": forum.meetings.all(),
            # Each decision's URL needs its case's programme: read with it, not per row.
            "decisions": forum.decisions.select_related("case__programme").order_by(
                "-decided_on", "-pk"
            )[:20],
            "may_administer": may_administer,
            "may_facilitate": may_facilitate,
            "forum_form": forum_form,
            "member_form": member_form,
            "meeting_form": meeting_form,
            "crumbs": crumbs(
                programme,
                crumb(_("Forums"), "governance:forums", slug),
                {"label": forum.name, "url": forum.get_absolute_url()},
            ),
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int, member: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    forum = get_or_404(selectors.forum_get, user=request.user, programme=programme, pk=pk)
    membership = get_object_or_404(ForumMember, forum=forum, pk=member)
    services.member_remove(member=membership, acting_user=request.user)
    messages.success(request, gettext("Member removed."))
    return redirect(forum.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = programme_or_404(request, slug)
    meeting = get_or_404(selectors.meeting_get, user=request.user, programme=programme, pk=pk)
    may_facilitate = can(request.user, Action.FACILITATE, meeting)
    which = request.POST.get("form") if request.method == "POST" else None
    agenda_form = AgendaForm(request.POST if which == "agenda" else None, meeting=meeting)
    meeting_form = MeetingForm(request.POST if which == "meeting" else None, instance=meeting)
    form = {"agenda": agenda_form, "meeting": meeting_form}.get(which or "")
    if request.method == "POST":
        check(request.user, Action.FACILITATE, meeting)
        if which == "remove":
            item = get_object_or_404(AgendaItem, meeting=meeting, pk=request.POST.get("item"))
            services.agenda_remove(item=item, acting_user=request.user)
            return redirect(meeting.get_absolute_url())
        if form is None:
            return HttpResponse(status=400)
        if form.is_valid():
            try:
                if which == "agenda":
                    services.agenda_add(
                        meeting=meeting, case=form.cleaned_data["case"], acting_user=request.user
                    )
                    messages.success(request, gettext("Case put on the agenda."))
                else:
                    services.meeting_update(
                        meeting=meeting, data=form.cleaned_data, acting_user=request.user
                    )
                    messages.success(request, gettext("Meeting saved."))
                return redirect(meeting.get_absolute_url())
            except ValidationError as exc:
                add_errors(form, exc)
    forum = meeting.forum
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "programme": programme,
            "meeting": meeting,
            "forum": forum,
            "agenda": meeting.agenda.all(),
            "decisions": meeting.decisions.select_related("case__programme").order_by(
                "case__number", "version"
            ),
            "may_facilitate": may_facilitate,
            "agenda_form": agenda_form,
            "meeting_form": meeting_form,
            "crumbs": crumbs(
                programme,
                crumb(_("Forums"), "governance:forums", slug),
                {"label": forum.name, "url": forum.get_absolute_url()},
                {"label": str(meeting.date), "url": meeting.get_absolute_url()},
            ),
        },
        status=422 if form is not None and form.errors else 200,
    )
