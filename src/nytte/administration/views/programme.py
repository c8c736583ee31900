"""The pages of a programme admin: people and roles, settings, organisations taking part,
the goal tree and life events. Criteria and the qualification checklist keep their own
pages in the proposals app (linked from the hub)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from nytte.core import selectors as core_selectors
from nytte.core import services as core_services
from nytte.core.choices import Role
from nytte.core.models import Programme, ProgrammeMembership
from nytte.core.permissions import is_site_admin
from nytte.core.viewhelpers import add_errors, int_or_none
from nytte.portfolio import selectors as portfolio_selectors
from nytte.portfolio import services as portfolio_services
from nytte.portfolio.choices import GoalLevel
from nytte.portfolio.models import Goal, LifeEvent

from .. import services
from ..forms import (
    GoalForm,
    InviteForm,
    LifeEventForm,
    MemberAddForm,
    ParticipantAddForm,
    ProgrammeSettingsForm,
    RoleChangeForm,
)
from ..models import Invitation
from .common import admin_programme, admin_url, crumbs, done


@login_required
def hub(request: HttpRequest, slug: str) -> HttpResponse:
    """What a programme admin looks after, with counts."""
    programme = admin_programme(request, slug)
    context = {
        "programme": programme,
        "n_members": programme.memberships.values("user").distinct().count(),
        "n_invitations": sum(1 for i in programme.invitations.all() if i.is_open),
        "n_participants": programme.participants.count(),
        "n_goals": Goal.objects.filter(programme=programme).count(),
        "n_life_events": LifeEvent.objects.count(),
        "crumbs": crumbs(programme),
    }
    return render(request, "administration/hub.html", context)


# ---------------------------------------------------------------------------------------------
# People and roles


def _members_page(request: HttpRequest, programme: Programme, **forms: Any) -> HttpResponse:
    memberships = list(
        core_selectors.programme_members(programme=programme).order_by(
            "user__full_name", "user__username", "role"
        )
    )
    invitations = [
        i for i in programme.invitations.order_by("-created_at") if i.accepted_at is None
    ]
    context = {
        "programme": programme,
        "memberships": memberships,
        "invitations": invitations,
        "add_form": forms.get("add_form") or MemberAddForm(auto_id="add_%s"),
        "invite_form": forms.get("invite_form") or InviteForm(auto_id="invite_%s"),
        "role_form": forms.get("role_form"),
        "role_membership": forms.get("role_membership"),
        "roles": Role.choices,
        "crumbs": crumbs(
            programme, (gettext_lazy("People and roles"), admin_url("members", programme))
        ),
    }
    return render(request, "administration/members.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """Everyone with a role in the programme: add an account, invite by e-mail, change a
    role, remove one; invitations still open, which can be withdrawn."""
    programme = admin_programme(request, slug)
    if request.method == "GET":
        return _members_page(request, programme)
    url = admin_url("members", programme)
    action = request.POST.get("action", "")
    user = request.user
    if action == "add":
        form = MemberAddForm(request.POST, auto_id="add_%s")
        if form.is_valid():
            try:
                membership = core_services.programme_membership_add(
                    programme=programme,
                    user=form.cleaned_data["user"],
                    role=form.cleaned_data["role"],
                    acting_user=user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return done(
                    request,
                    _("%(name)s is now %(role)s.")
                    % {
                        "name": membership.user.display_name,
                        "role": membership.get_role_display().lower(),
                    },
                    url,
                )
        return _members_page(request, programme, add_form=form)
    if action == "invite":
        form = InviteForm(request.POST, auto_id="invite_%s")
        if form.is_valid():
            try:
                invitation, _token = services.invitation_create(
                    programme=programme, acting_user=user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return done(
                    request,
                    _("An invitation is sent to %(email)s. The link works once, for 14 days.")
                    % {"email": invitation.email},
                    url + "#invitations-h",
                )
        return _members_page(request, programme, invite_form=form)
    if action == "cancel":
        invitation = get_object_or_404(
            Invitation, pk=int_or_none(request.POST.get("invitation")), programme=programme
        )
        try:
            services.invitation_cancel(invitation=invitation, acting_user=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(url)
        return done(
            request,
            _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email},
            url,
        )
    membership = get_object_or_404(
        ProgrammeMembership.objects.select_related("user", "programme"),
        pk=int_or_none(request.POST.get("membership")),
        programme=programme,
    )
    name = membership.user.display_name
    if action == "role":
        form = RoleChangeForm(request.POST, auto_id=f"role_{membership.pk}_%s")
        if form.is_valid():
            try:
                changed = core_services.programme_membership_change_role(
                    membership=membership, role=form.cleaned_data["role"], acting_user=user
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return done(
                    request,
                    _("%(name)s is now %(role)s.")
                    % {"name": name, "role": changed.get_role_display().lower()},
                    url,
                )
        return _members_page(request, programme, role_form=form, role_membership=membership)
    if action == "remove":
        try:
            core_services.programme_membership_remove(membership=membership, acting_user=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(url)
        return done(
            request,
            _("%(name)s is no longer %(role)s.")
            % {"name": name, "role": membership.get_role_display().lower()},
            url,
        )
    raise Http404


# ---------------------------------------------------------------------------------------------
# Settings


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Name, vision, target picture, period, behind-plan tolerance and the public form."""
    programme = admin_programme(request, slug)
    form = ProgrammeSettingsForm.for_programme(programme)
    if request.method == "POST":
        form = ProgrammeSettingsForm(request.POST)
        if form.is_valid():
            try:
                core_services.programme_update(
                    programme=programme, data=form.cleaned_data, acting_user=request.user
                )
            except ValidationError as exc:
                add_errors(form, exc)
                programme.refresh_from_db()
            else:
                return done(
                    request,
                    _("The programme's settings are saved."),
                    admin_url("settings", programme),
                )
    return render(
        request,
        "administration/settings.html",
        {
            "programme": programme,
            "form": form,
            "crumbs": crumbs(
                programme, (gettext_lazy("Settings"), admin_url("settings", programme))
            ),
        },
    )


# ---------------------------------------------------------------------------------------------
# Organisations taking part


@login_required
@require_http_methods(["GET", "POST"])
def organisations(request: HttpRequest, slug: str) -> HttpResponse:
    programme = admin_programme(request, slug)
    url = admin_url("organisations", programme)
    form = ParticipantAddForm(programme=programme, auto_id="participant_%s")
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "add":
            form = ParticipantAddForm(request.POST, programme=programme, auto_id="participant_%s")
            if form.is_valid():
                organisation = form.cleaned_data["organisation"]
                core_services.programme_participant_add(
                    programme=programme, organisation=organisation, acting_user=request.user
                )
                return done(
                    request,
                    _("%(name)s takes part in the programme.") % {"name": organisation},
                    url,
                )
        elif action == "remove":
            organisation = get_object_or_404(
                programme.participants, pk=int_or_none(request.POST.get("organisation"))
            )
            try:
                core_services.programme_participant_remove(
                    programme=programme, organisation=organisation, acting_user=request.user
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect(url)
            return done(
                request,
                _("%(name)s no longer takes part in the programme.") % {"name": organisation},
                url,
            )
        else:
            raise Http404
    return render(
        request,
        "administration/organisations.html",
        {
            "programme": programme,
            "participants": programme.participants.select_related("parent").order_by("name"),
            "form": form,
            "crumbs": crumbs(programme, (gettext_lazy("Organisations taking part"), url)),
        },
    )


# ---------------------------------------------------------------------------------------------
# The goal tree


def _goal_tree(programme: Programme) -> list[dict[str, Any]]:
    goals = portfolio_selectors.goals_with_counts(programme=programme)
    tree = []
    for goal in goals:
        if goal.level == GoalLevel.SOCIETAL:
            tree.append({"goal": goal, "children": [g for g in goals if g.parent_id == goal.pk]})
    return tree


@login_required
@require_http_methods(["GET", "POST"])
def goals(request: HttpRequest, slug: str) -> HttpResponse:
    """The societal goals with the impact goals under them: add, edit, delete."""
    programme = admin_programme(request, slug)
    url = admin_url("goals", programme)
    by_pk = {g.pk: g for g in Goal.objects.filter(programme=programme)}
    add_form = GoalForm(programme=programme, auto_id="goal_add_%s")
    editing = by_pk.get(int_or_none(request.GET.get("edit")))
    edit_form = (
        GoalForm(programme=programme, goal=editing, auto_id="goal_edit_%s") if editing else None
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "create":
            add_form = GoalForm(request.POST, programme=programme, auto_id="goal_add_%s")
            if add_form.is_valid():
                try:
                    goal = portfolio_services.goal_save(
                        programme=programme, data=add_form.service_data(), acting_user=request.user
                    )
                except ValidationError as exc:
                    add_errors(add_form, exc)
                else:
                    return done(
                        request, _("Goal %(goal)s added.") % {"goal": goal}, f"{url}#goal-{goal.pk}"
                    )
        elif action in {"update", "delete"}:
            goal = by_pk.get(int_or_none(request.POST.get("goal")))
            if goal is None:
                raise Http404
            if action == "delete":
                try:
                    portfolio_services.goal_delete(goal=goal, acting_user=request.user)
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                    return redirect(f"{url}#goal-{goal.pk}")
                return done(request, _("Goal %(goal)s deleted.") % {"goal": goal}, url)
            editing = goal
            edit_form = GoalForm(
                request.POST, programme=programme, goal=goal, auto_id="goal_edit_%s"
            )
            if edit_form.is_valid():
                try:
                    portfolio_services.goal_save(
                        programme=programme,
                        goal=goal,
                        data=edit_form.service_data(),
                        acting_user=request.user,
                    )
                except ValidationError as exc:
                    add_errors(edit_form, exc)
                    goal.refresh_from_db()
                else:
                    return done(
                        request, _("Goal %(goal)s saved.") % {"goal": goal}, f"{url}#goal-{goal.pk}"
                    )
        else:
            raise Http404
    return render(
        request,
        "administration/goals.html",
        {
            "programme": programme,
            "tree": _goal_tree(programme),
            "add_form": add_form,
            "editing": editing,
            "edit_form": edit_form,
            "crumbs": crumbs(programme, (gettext_lazy("Goals"), url)),
        },
    )


# ---------------------------------------------------------------------------------------------
# Life events


@login_required
@require_http_methods(["GET", "POST"])
def life_events(request: HttpRequest, slug: str) -> HttpResponse:
    """The life events every programme shares; a programme admin adds new ones and changes
    those no other programme uses."""
    programme = admin_programme(request, slug)
    url = admin_url("life_events", programme)
    events = {e.pk: e for e in LifeEvent.objects.select_related("responsible").order_by("name")}
    add_form = LifeEventForm(auto_id="event_add_%s")
    editing = events.get(int_or_none(request.GET.get("edit")))
    edit_form = LifeEventForm.for_event(editing, auto_id="event_edit_%s") if editing else None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "create":
            add_form = LifeEventForm(request.POST, auto_id="event_add_%s")
            if add_form.is_valid():
                try:
                    event = portfolio_services.life_event_create(
                        data=add_form.service_data(), acting_user=request.user
                    )
                except ValidationError as exc:
                    add_errors(add_form, exc)
                else:
                    return done(
                        request,
                        _("Life event “%(name)s” added.") % {"name": event.name},
                        f"{url}#event-{event.pk}",
                    )
        elif action in {"update", "delete"}:
            event = events.get(int_or_none(request.POST.get("event")))
            if event is None:
                raise Http404
            if action == "delete":
                try:
                    portfolio_services.life_event_delete(event=event, acting_user=request.user)
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                    return redirect(f"{url}#event-{event.pk}")
                return done(
                    request, _("Life event “%(name)s” deleted.") % {"name": event.name}, url
                )
            editing = event
            edit_form = LifeEventForm(request.POST, auto_id="event_edit_%s")
            if edit_form.is_valid():
                try:
                    portfolio_services.life_event_update(
                        event=event, data=edit_form.service_data(), acting_user=request.user
                    )
                except ValidationError as exc:
                    add_errors(edit_form, exc)
                    event.refresh_from_db()
                else:
                    return done(
                        request,
                        _("Life event “%(name)s” saved.") % {"name": event.name},
                        f"{url}#event-{event.pk}",
                    )
        else:
            raise Http404
    rows = []
    for event in events.values():
        used_in = portfolio_services.life_event_programmes(event)
        rows.append(
            {
                "event": event,
                "here": programme.pk in used_in,
                "elsewhere": bool(used_in - {programme.pk}),
                "used": bool(used_in),
            }
        )
    return render(
        request,
        "administration/life_events.html",
        {
            "programme": programme,
            "rows": rows,
            "add_form": add_form,
            "editing": editing,
            "edit_form": edit_form,
            "site_admin": is_site_admin(request.user),
            "crumbs": crumbs(programme, (gettext_lazy("Life events"), url)),
        },
    )
