"""Telling another programme's facilitators that one of their items resembles a proposal
here (issue 16, part 4). The one path for the tab and the API: it checks that the sender
facilitates the proposal and that the item is *still* among the proposal's similar items
elsewhere (so no one can probe other programmes' ids or send notices about anything), tells
each programme once per item, records the notice in the proposal's history and e-mails
after commit (``notify.cross_notice``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nytte.core.actors import Actor
from nytte.core.permissions import Action, check

from .. import matching, notify
from ..choices import EventKind
from ..models import Proposal, ProposalEvent
from .capture import event_record


@dataclass(frozen=True, slots=True)
class NoticeSent:
    suggestion: matching.CrossSuggestion
    recipients: int


def notified_targets(proposal: Proposal) -> set[str]:
    """The other programmes' items whose facilitators were told about ``proposal``."""
    rows = ProposalEvent.objects.filter(proposal=proposal, kind=EventKind.CROSS_NOTICE)
    return {str(data.get("target", "")) for data in rows.values_list("data", flat=True)}


@transaction.atomic
def cross_notice_send(*, proposal: Proposal, target: str, acting_user: Actor) -> NoticeSent:
    """E-mail the facilitators of the programme that holds ``target`` (as the tab names it:
    "<programme id>:<kind>:<id>") that ``proposal`` resembles their item."""
    check(acting_user, Action.FACILITATE, proposal)
    told = notified_targets(proposal)
    if target in told:
        raise ValidationError(
            _("That programme's facilitators have already been told about this proposal.")
        )
    found = next(
        (s for s in matching.across(proposal, acting_user) if s.target == target),
        None,
    )
    if found is None:
        raise ValidationError(
            _("That item is no longer among the similar items in other programmes.")
        )
    people = [
        user
        for user in matching.across_facilitators([found.programme]).get(found.programme.pk, [])
        if user.email
    ]
    if not people:
        raise ValidationError(
            _("That programme has no facilitator with an e-mail address to tell.")
        )
    # The proposal's own history, which its programme's members read: ids and the band only.
    event_record(
        proposal,
        EventKind.CROSS_NOTICE,
        acting_user,
        data={
            "target": target,
            "programme": found.programme.pk,
            "band": str(found.band),
            "recipients": len(people),
        },
    )
    notify.cross_notice(
        proposal=proposal,
        programme=found.programme,
        kind=found.kind,
        pk=found.pk,
        band=found.band,
        recipients=people,
        sender=acting_user,
    )
    return NoticeSent(suggestion=found, recipients=len(people))
