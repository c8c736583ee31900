"""Writes for forums, their members, meetings and agendas.

Programme admins set up forums and who sits in them (``Action.ADMINISTER``); facilitators
and programme admins plan meetings and their agendas (``Action.FACILITATE``). A forum
member must hold the programme's forum-member role: sitting in a forum without it would
let nobody decide there (``decide`` asks for both).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from nytte.core.actors import Actor, require_actor
from nytte.core.choices import Role
from nytte.core.models import Programme, ProgrammeMembership, User
from nytte.core.permissions import Action, require
from nytte.core.services import object_create, object_delete, object_update

from ..models import AgendaItem, DecisionCase, Forum, ForumMember, Meeting


@transaction.atomic
def forum_create(*, programme: Programme, data: Mapping[str, Any], acting_user: Actor) -> Forum:
    require(require_actor(acting_user), Action.ADMINISTER, programme)
    return object_create(Forum(programme=programme, **data), acting_user=acting_user)


@transaction.atomic
def forum_update(*, forum: Forum, data: Mapping[str, Any], acting_user: Actor) -> Forum:
    require(require_actor(acting_user), Action.ADMINISTER, forum)
    if "programme" in data and data["programme"] != forum.programme:
        raise ValidationError(_("A forum cannot move to another programme."))
    return object_update(forum, acting_user=acting_user, data=data)


@transaction.atomic
def forum_delete(*, forum: Forum, acting_user: Actor) -> None:
    require(require_actor(acting_user), Action.ADMINISTER, forum)
    if forum.decisions.exists():
        raise ValidationError(_("A forum that has decided cases cannot be deleted."))
    object_delete(forum, acting_user=acting_user)


def check_forum_member_role(programme: Programme, user: User) -> None:
    """Refuse a member without the programme's forum-member role."""
    if not ProgrammeMembership.objects.filter(
        programme=programme, user=user, role=Role.FORUM_MEMBER
    ).exists():
        raise ValidationError(
            {
                "user": _(
                    "%(name)s does not have the forum-member role in the programme. A "
                    "programme admin gives that role first (Administration → People)."
                )
                % {"name": user.display_name}
            },
            code="not_forum_member_role",
        )


@transaction.atomic
def member_add(*, forum: Forum, user: User, chair: bool = False, acting_user: Actor) -> ForumMember:
    """Seat ``user`` in ``forum``; seating someone already there only changes the chair."""
    require(require_actor(acting_user), Action.ADMINISTER, forum)
    check_forum_member_role(forum.programme, user)
    existing = ForumMember.objects.filter(forum=forum, user=user).first()
    if existing is not None:
        return object_update(existing, acting_user=acting_user, data={"chair": chair})
    return object_create(ForumMember(forum=forum, user=user, chair=chair), acting_user=acting_user)


@transaction.atomic
def member_remove(*, member: ForumMember, acting_user: Actor) -> None:
    require(require_actor(acting_user), Action.ADMINISTER, member)
    object_delete(member, acting_user=acting_user)


@transaction.atomic
def meeting_create(*, forum: Forum, data: Mapping[str, Any], acting_user: Actor) -> Meeting:
    require(require_actor(acting_user), Action.FACILITATE, forum)
    return object_create(Meeting(forum=forum, **data), acting_user=acting_user)


@transaction.atomic
def meeting_update(*, meeting: Meeting, data: Mapping[str, Any], acting_user: Actor) -> Meeting:
    require(require_actor(acting_user), Action.FACILITATE, meeting)
    return object_update(meeting, acting_user=acting_user, data=data)


@transaction.atomic
def meeting_delete(*, meeting: Meeting, acting_user: Actor) -> None:
    require(require_actor(acting_user), Action.FACILITATE, meeting)
    if meeting.decisions.exists():
        raise ValidationError(_("A meeting where cases were decided cannot be deleted."))
    object_delete(meeting, acting_user=acting_user)


@transaction.atomic
def agenda_add(*, meeting: Meeting, case: DecisionCase, acting_user: Actor) -> AgendaItem:
    """Put a case on a meeting's agenda (last); the case goes to the meeting's forum."""
    require(require_actor(acting_user), Action.FACILITATE, meeting)
    if case.programme_id != meeting.forum.programme_id:
        raise ValidationError({"case": _("The case belongs to another programme.")})
    existing = AgendaItem.objects.filter(meeting=meeting, case=case).first()
    if existing is not None:
        return existing
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(n=Max("order"))["n"]
    item = object_create(
        AgendaItem(meeting=meeting, case=case, order=(last or 0) + 1), acting_user=acting_user
    )
    if case.forum_id != meeting.forum_id:
        object_update(case, acting_user=acting_user, data={"forum": meeting.forum})
    return item


@transaction.atomic
def agenda_remove(*, item: AgendaItem, acting_user: Actor) -> None:
    require(require_actor(acting_user), Action.FACILITATE, item)
    object_delete(item, acting_user=acting_user)
