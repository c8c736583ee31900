"""Step 2, harmonisation links: what the facilitator confirmed about how a proposal relates
to another proposal or an initiative. A link of one kind to one target is recorded once
(here and by a database constraint), and its similarity score is always the server's."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nytte.core.actors import Actor
from nytte.core.permissions import Action, check
from nytte.core.services import object_create, object_delete
from nytte.portfolio.models import Initiative

from .. import matching
from ..choices import EventKind
from ..models import Dismissal, Proposal, ProposalLink
from .capture import event_record, user_or_none


def link_exists(
    proposal: Proposal,
    kind: str,
    *,
    target_proposal: Proposal | None = None,
    target_initiative: Initiative | None = None,
) -> bool:
    return ProposalLink.objects.filter(
        proposal=proposal,
        kind=kind,
        target_proposal=target_proposal,
        target_initiative=target_initiative,
    ).exists()


def similarity(proposal: Proposal, target: Proposal | Initiative) -> float | None:
    """How similar the two are, by the programme's index (None if not among the best)."""
    kind = matching.PROPOSAL if isinstance(target, Proposal) else matching.INITIATIVE
    return matching.score_of(proposal.programme, proposal, kind, target.pk)


@transaction.atomic
def link_create(
    *,
    proposal: Proposal,
    kind: str,
    target_proposal: Proposal | None = None,
    target_initiative: Initiative | None = None,
    note: str = "",
    acting_user: Actor,
) -> ProposalLink:
    """Record a link once; the similarity score is computed here, never taken from input."""
    check(acting_user, Action.FACILITATE, proposal)
    if (target_proposal is None) == (target_initiative is None):
        raise ValidationError(_("Link to either a proposal or an initiative."))
    if link_exists(
        proposal, kind, target_proposal=target_proposal, target_initiative=target_initiative
    ):
        raise ValidationError({"kind": _("This link is already recorded.")}, code="duplicate")
    link = ProposalLink(
        proposal=proposal,
        kind=kind,
        target_proposal=target_proposal,
        target_initiative=target_initiative,
        note=note,
        created_by=user_or_none(acting_user),
    )
    link.full_clean()  # a link to itself or another programme, before the index is asked
    target = target_proposal or target_initiative
    assert target is not None
    link.score = similarity(proposal, target)
    object_create(link, acting_user=acting_user)
    event_record(proposal, EventKind.LINKED, acting_user, data={"kind": kind}, note=note)
    _revisit_overlap(link)
    return link


def _revisit_overlap(link: ProposalLink) -> None:
    """A new proposal overlapping an initiative a decision created or changed asks for
    that decision to be revisited."""
    from nytte.governance.learning.revisits import check_link

    check_link(link)


@transaction.atomic
def link_delete(*, link: ProposalLink, acting_user: Actor) -> None:
    check(acting_user, Action.FACILITATE, link)
    object_delete(link, acting_user=acting_user)


@transaction.atomic
def suggestion_dismiss(
    *, proposal: Proposal, target: Proposal | Initiative, acting_user: Actor
) -> Dismissal:
    """Record that a suggestion is not related (who and when): never suggested again for
    this pair, either way round. Dismissing it twice is harmless."""
    check(acting_user, Action.FACILITATE, proposal)
    is_proposal = isinstance(target, Proposal)
    existing = Dismissal.objects.filter(
        proposal=proposal,
        target_proposal=target if is_proposal else None,
        target_initiative=None if is_proposal else target,
    ).first()
    if existing is not None:
        return existing
    dismissal = Dismissal(
        proposal=proposal,
        target_proposal=target if is_proposal else None,
        target_initiative=None if is_proposal else target,
        dismissed_by=user_or_none(acting_user),
    )
    return object_create(dismissal, acting_user=acting_user)


@transaction.atomic
def dismissal_delete(*, dismissal: Dismissal, acting_user: Actor) -> None:
    """Take a dismissal back: the pair may be suggested again."""
    check(acting_user, Action.FACILITATE, dismissal)
    object_delete(dismissal, acting_user=acting_user)
