"""What the learning loop shares: which initiatives a decision created or changed, who may
act, and the e-mail helper."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q, QuerySet

from nytte.core.permissions import Action, can, check

from ..choices import APPLYING_OUTCOMES
from ..models import Decision


def require_any(actor: Any, actions: Iterable[Action], obj: Any) -> None:
    """404 where the actor may not see ``obj``; 403 unless one of ``actions`` is allowed."""
    check(actor, Action.VIEW, obj)
    if not any(can(actor, action, obj) for action in actions):
        raise PermissionDenied


# The facilitator prepares and follows up; forum members decide and may follow up too.
FOLLOW_UP_ACTIONS = (Action.FACILITATE, Action.DECIDE)


def applying_decisions() -> QuerySet[Decision]:
    """Decisions that changed the portfolio (approved, with conditions, or a pilot), latest
    version of each case only."""
    return Decision.objects.filter(outcome__in=APPLYING_OUTCOMES, amended_by__isnull=True)


def decision_initiative_ids(decision: Decision) -> list[int]:
    """The initiatives a decision created or changed: the change request's initiative, or
    the initiative its proposal was adopted as."""
    case = decision.case
    ids = []
    if case.initiative_id:
        ids.append(case.initiative_id)
    if case.proposal_id and case.proposal.attached_to_id:
        ids.append(case.proposal.attached_to_id)
    return ids


def decisions_by_initiative(initiative_ids: Iterable[int]) -> dict[int, Decision]:
    """The latest applying decision on each of ``initiative_ids`` (one query)."""
    wanted = set(initiative_ids)
    if not wanted:
        return {}
    found: dict[int, Decision] = {}
    rows = (
        applying_decisions()
        .filter(Q(case__initiative__in=wanted) | Q(case__proposal__attached_to__in=wanted))
        .select_related("case__proposal", "case__programme")
        .order_by("decided_on", "pk")
    )
    for decision in rows:
        for pk in decision_initiative_ids(decision):
            if pk in wanted:
                found[pk] = decision  # later decisions replace earlier ones
    return found


def send_mail_on_commit(messages: Iterable[tuple[str, str, str]]) -> int:
    """(recipient, subject, body) for each; sent after the transaction commits (at once
    outside one), failures never break a save. Returns how many are queued."""
    batch = [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to, subject, body in messages if to
    ]
    if batch:
        transaction.on_commit(lambda: send_mass_mail(batch, fail_silently=True))
    return len(batch)


def group_by(items: Iterable[Any], key: Any) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return grouped
