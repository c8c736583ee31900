"""The learning loop's part of the work queue (``proposals.queue``): follow-up actions past
their due date, and open revisit items for the facilitator."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from nytte.core.actors import Actor

from ..models import FollowUpAction, RevisitItem
from . import actions
from . import revisits as revisit_items


def overdue_actions(user: Actor, *, today: dt.date | None = None) -> QuerySet[FollowUpAction]:
    return actions.overdue_actions(user, today=today).order_by("due_date", "pk")


def revisits(user: Actor) -> QuerySet[RevisitItem]:
    return revisit_items.open_items(user)
