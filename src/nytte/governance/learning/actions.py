"""Follow-up actions from decisions: someone to do something by a date. Overdue ones are
reminded by e-mail (``remind_overdue``, run by a task or ``nytte learning_sweep``) at most
once every ``settings.FOLLOW_UP_REMINDER_DAYS`` days, and shown in the work queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nytte.core import history
from nytte.core.actors import SYSTEM, Actor, System
from nytte.core.models import Programme, ProgrammeMembership
from nytte.core.permissions import Action, can, check
from nytte.core.services import object_create, object_update

from ..models import Decision, FollowUpAction
from .common import FOLLOW_UP_ACTIONS, group_by, require_any, send_mail_on_commit

EDITABLE = ("title", "owner", "due_date")


def _check_owner(programme: Programme, owner: Any) -> None:
    if owner is None:
        return
    if not ProgrammeMembership.objects.filter(programme=programme, user=owner).exists():
        raise ValidationError({"owner": _("The responsible person must have a role here.")})


@transaction.atomic
def action_create(
    *,
    decision: Decision,
    title: str,
    due_date: dt.date,
    owner: Any = None,
    acting_user: Actor,
) -> FollowUpAction:
    """A follow-up action on a decision (facilitator or forum member)."""
    require_any(acting_user, FOLLOW_UP_ACTIONS, decision)
    _check_owner(decision.case.programme, owner)
    action = FollowUpAction(decision=decision, title=title, due_date=due_date, owner=owner)
    return object_create(action, acting_user=acting_user)


@transaction.atomic
def action_update(
    *, action: FollowUpAction, data: Mapping[str, Any], acting_user: Actor
) -> FollowUpAction:
    """Change title, owner or due date; a new due date makes the next reminder due again."""
    require_any(acting_user, FOLLOW_UP_ACTIONS, action)
    fields = {k: v for k, v in data.items() if k in EDITABLE}
    if "owner" in fields:
        _check_owner(action.decision.case.programme, fields["owner"])
    if "due_date" in fields and fields["due_date"] != action.due_date:
        action.reminded_at = None
    return object_update(action, acting_user=acting_user, data=fields)


def may_complete(actor: Actor, action: FollowUpAction) -> bool:
    return action.is_owned_by(actor) or any(can(actor, a, action) for a in FOLLOW_UP_ACTIONS)


@transaction.atomic
def action_done(*, action: FollowUpAction, note: str = "", acting_user: Actor) -> FollowUpAction:
    """Mark an action done (its owner, the facilitator or a forum member)."""
    check(acting_user, Action.VIEW, action)
    if not may_complete(acting_user, action):
        raise PermissionDenied
    if action.done_at is not None:
        raise ValidationError(_("This action is already done."))
    before = history.snapshot(action)
    action.done_at = timezone.now()
    action.done_note = note
    action.save(update_fields=["done_at", "done_note"])
    history.log_update(action, acting_user=acting_user, before=before)
    return action


def open_actions(user: Actor) -> QuerySet[FollowUpAction]:
    return (
        FollowUpAction.objects.for_user(user)
        .filter(done_at__isnull=True)
        .select_related("decision__case__programme", "owner")
    )


def overdue_actions(user: Actor, *, today: dt.date | None = None) -> QuerySet[FollowUpAction]:
    """Open actions past their due date that ``user`` follows up or owns."""
    today = today or timezone.localdate()
    queryset = open_actions(user).filter(due_date__lt=today)
    if isinstance(user, System) or getattr(user, "is_superuser", False):
        return queryset
    followed = Q()
    for action in FOLLOW_UP_ACTIONS:
        ids = FollowUpAction.objects.for_user(user, action).values("pk")
        followed |= Q(pk__in=ids)
    return queryset.filter(followed | Q(owner=user))


def _due_for_reminder(now: dt.datetime, today: dt.date, days: int) -> QuerySet[FollowUpAction]:
    return (
        FollowUpAction.objects.filter(
            done_at__isnull=True, due_date__lt=today, owner__isnull=False, owner__is_active=True
        )
        .exclude(owner__email="")
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - dt.timedelta(days=days)))
        .select_related("owner", "decision__case__programme")
        .order_by("owner", "due_date", "pk")
    )


def action_url(action: FollowUpAction) -> str:
    programme = action.decision.case.programme
    return reverse("governance:action", kwargs={"slug": programme.slug, "pk": action.pk})


def _reminder(owner: Any, actions: list[FollowUpAction]) -> tuple[str, str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Follow-up actions past their due date: %(n)s") % {"n": len(actions)}
        lines = [
            _("These follow-up actions from decisions are past their due date:"),
            "",
        ]
        for action in actions:
            case = action.decision.case
            lines.append(
                _("- %(title)s (%(case)s, due %(due)s)")
                % {"title": action.title, "case": case.reference, "due": action.due_date}
            )
            lines.append("  " + settings.BASE_URL + action_url(action))
        lines += ["", _("Mark them done in Nytte when they are.")]
    return owner.email, subject, "\n".join(lines)


@transaction.atomic
def remind_overdue(
    *,
    acting_user: Actor = SYSTEM,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    every_days: int | None = None,
) -> int:
    """E-mail each owner of overdue actions once (one message listing them), unless they
    were reminded within ``every_days``; record ``reminded_at``. Returns the number of
    actions reminded."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    days = settings.FOLLOW_UP_REMINDER_DAYS if every_days is None else every_days
    due = list(_due_for_reminder(now, today, days).select_for_update(of=("self",)))
    if not due:
        return 0
    send_mail_on_commit(
        _reminder(actions[0].owner, actions)
        for actions in group_by(due, lambda a: a.owner_id).values()
    )
    for action in due:
        before = history.snapshot(action)
        action.reminded_at = now
        action.save(update_fields=["reminded_at"])
        history.log_update(action, acting_user=acting_user, before=before)
    return len(due)
