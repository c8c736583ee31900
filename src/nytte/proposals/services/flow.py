"""The flow of a proposal through steps 1–3: the rules for moving (one place, asked by
pages, API and the services), moving, merging, attaching, and the facilitator's track.

The rules:
- where a proposal may go next is ``choices.TRANSITIONS`` (:func:`check_transition`);
- which moves need a reason is :func:`needs_reason`: parking and rejecting always
  (``choices.NEEDS_REASON``), and "ready for governance" while the proposal has no submitted
  assessment and track (:func:`assessment_done`): the reason then records why the
  facilitator skipped assessment;
- merging and attaching: :func:`check_merge` and :func:`check_attach`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nytte.core import history
from nytte.core.actors import Actor
from nytte.core.permissions import Action, check
from nytte.core.services import object_create, object_update
from nytte.portfolio.models import Initiative

from .. import notify
from ..choices import NEEDS_REASON, TRANSITIONS, EventKind, LinkKind, Stage
from ..models import Assessment, Evidence, Proposal, ProposalLink, Support
from .capture import event_record, user_or_none

# ---------------------------------------------------------------------------------------------
# The rules


def assessment_done(proposal: Proposal) -> bool:
    """Whether the proposal has at least one submitted assessment and a track."""
    return bool(proposal.track) and (
        Assessment.objects.filter(proposal=proposal, submitted_at__isnull=False).exists()
    )


def needs_reason(proposal: Proposal, to: str) -> bool:
    """Whether moving ``proposal`` to ``to`` needs a reason."""
    if to in NEEDS_REASON:
        return True
    return to == Stage.READY and not assessment_done(proposal)


def may_move(proposal: Proposal, to: str) -> bool:
    """Whether the flow lets the proposal go to ``to`` from where it is."""
    return to in TRANSITIONS.get(proposal.stage, frozenset())


def check_transition(proposal: Proposal, to: str, reason: str = "") -> None:
    """Refuse a move the flow does not allow (``illegal_transition``), or one without a
    reason where it needs one (``reason_required``)."""
    if not may_move(proposal, to):
        raise ValidationError(
            _("A proposal cannot go from %(from)s to %(to)s.")
            % {
                "from": Stage(proposal.stage).label,
                "to": Stage(to).label if to in Stage.values else to,
            },
            code="illegal_transition",
        )
    if needs_reason(proposal, to) and not reason.strip():
        if to == Stage.READY:
            message = _(
                "The proposal has no submitted assessment and track: give the reason for "
                "sending it on without them."
            )
            error = ValidationError(message, code="assessment_required")
        else:
            error = ValidationError(_("Give a reason."), code="reason_required")
        raise ValidationError({"reason": error})


@dataclass(frozen=True)
class Move:
    """A stage the proposal may go to next, and whether that move needs a reason."""

    stage: Stage
    needs_reason: bool

    @property
    def value(self) -> str:
        return self.stage.value

    @property
    def label(self) -> str:
        return str(self.stage.label)


def next_moves(proposal: Proposal) -> list[Move]:
    """The moves the flow allows from where the proposal is (for pages and the API)."""
    return [
        Move(Stage(stage), needs_reason(proposal, stage))
        for stage in sorted(TRANSITIONS.get(proposal.stage, ()))
    ]


def check_merge(proposal: Proposal, into: Proposal) -> None:
    if into.pk == proposal.pk:
        raise ValidationError(_("A proposal cannot be merged into itself."))
    if into.programme_id != proposal.programme_id:
        raise ValidationError(_("The other proposal belongs to another programme."))
    if into.stage in (Stage.MERGED, Stage.REJECTED):
        raise ValidationError(_("Merge into a proposal that is still open."))
    check_transition(proposal, Stage.MERGED)


def check_attach(proposal: Proposal, initiative: Initiative) -> None:
    if initiative.programme_id != proposal.programme_id:
        raise ValidationError(_("The initiative belongs to another programme."))
    check_transition(proposal, Stage.MERGED)


# ---------------------------------------------------------------------------------------------
# Writes


@transaction.atomic
def proposal_move(*, proposal: Proposal, to: str, reason: str = "", acting_user: Actor) -> Proposal:
    """Move a proposal to another stage, if the flow allows it (:func:`check_transition`)."""
    check(acting_user, Action.FACILITATE, proposal)
    if to == Stage.MERGED:
        raise ValidationError(_("Merge a proposal with “Merge”, which says into what."))
    check_transition(proposal, to, reason)
    return _move(proposal, to, reason, acting_user)


def _move(proposal: Proposal, to: str, reason: str, acting_user: Actor, **data: Any) -> Proposal:
    before = history.snapshot(proposal)
    from_stage = proposal.stage
    proposal.stage = to
    proposal.stage_reason = reason
    for name, value in data.items():
        setattr(proposal, name, value)
    # Only what moved: an object read earlier must not write back stale fields.
    proposal.save(update_fields=["stage", "stage_reason", "updated_at", *data])
    history.log_update(proposal, acting_user=acting_user, before=before)
    kind = EventKind.STAGE_CHANGED
    if to == Stage.MERGED:
        kind = EventKind.ATTACHED if proposal.attached_to_id else EventKind.MERGED
    event_record(proposal, kind, acting_user, from_stage=from_stage, to_stage=to, note=reason)
    if to != Stage.MERGED:  # a merge sends its own message, saying where it went
        notify.stage_changed(proposal)
    return proposal


def _carry_supporters(source: Proposal, target: Proposal, acting_user: Actor) -> None:
    """Supporters of a merged proposal support the one it went into; so does its proposer."""
    have = set(target.supports.values_list("user_id", flat=True))
    users = list(source.supports.values_list("user_id", flat=True))
    if source.proposer_id:
        users.append(source.proposer_id)
    for user_id in dict.fromkeys(users):
        if user_id not in have and user_id != target.proposer_id:
            object_create(Support(proposal=target, user_id=user_id), acting_user=acting_user)
            have.add(user_id)


def _duplicate_link(
    proposal: Proposal,
    note: str,
    acting_user: Actor,
    *,
    into: Proposal | None = None,
    initiative: Initiative | None = None,
) -> None:
    """The duplicate link a merge or attachment records (once: an existing one stays)."""
    existing = ProposalLink.objects.filter(
        proposal=proposal,
        kind=LinkKind.DUPLICATE,
        target_proposal=into,
        target_initiative=initiative,
    )
    if existing.exists():
        return
    object_create(
        ProposalLink(
            proposal=proposal,
            kind=LinkKind.DUPLICATE,
            target_proposal=into,
            target_initiative=initiative,
            note=note,
            created_by=user_or_none(acting_user),
        ),
        acting_user=acting_user,
    )


@transaction.atomic
def proposal_merge(
    *, proposal: Proposal, into: Proposal, note: str = "", acting_user: Actor
) -> Proposal:
    """Merge a duplicate into another open proposal: supporters, evidence and the proposer's
    interest are carried over, and everyone is told."""
    check(acting_user, Action.FACILITATE, proposal)
    check_merge(proposal, into)
    _carry_supporters(proposal, into, acting_user)
    for evidence in proposal.evidence.all():
        object_create(
            Evidence(
                proposal=into,
                kind=evidence.kind,
                text=evidence.text,
                url=evidence.url,
                source=evidence.source,
                added_by=evidence.added_by,
            ),
            acting_user=acting_user,
        )
    _duplicate_link(proposal, note, acting_user, into=into)
    _move(proposal, Stage.MERGED, note, acting_user, merged_into=into)
    notify.merged(proposal, into)
    return proposal


@transaction.atomic
def proposal_attach(
    *, proposal: Proposal, initiative: Initiative, note: str = "", acting_user: Actor
) -> Proposal:
    """Attach a proposal to an existing initiative that already does what it asks."""
    check(acting_user, Action.FACILITATE, proposal)
    check_attach(proposal, initiative)
    _duplicate_link(proposal, note, acting_user, initiative=initiative)
    _move(proposal, Stage.MERGED, note, acting_user, attached_to=initiative)
    notify.merged(proposal, initiative)
    return proposal


@transaction.atomic
def track_set(*, proposal: Proposal, track: str, reason: str, acting_user: Actor) -> Proposal:
    """The facilitator sets the track (quick win, pilot, strategic, park) with a reason."""
    check(acting_user, Action.FACILITATE, proposal)
    if not reason.strip():
        raise ValidationError({"track_reason": _("Give a reason for the track.")})
    object_update(proposal, acting_user=acting_user, data={"track": track, "track_reason": reason})
    event_record(proposal, EventKind.TRACK_SET, acting_user, data={"track": track}, note=reason)
    return proposal


# Where a forum's decision can put a proposal (the governance app's ``decide`` and ``amend``).
DECIDED_STAGES = frozenset({Stage.ADOPTED, Stage.PARKED, Stage.REJECTED})


@transaction.atomic
def proposal_decided(
    *,
    proposal: Proposal,
    to: str,
    reason: str,
    acting_user: Actor,
    initiative: Initiative | None = None,
) -> Proposal:
    """Move a proposal where a forum's decision put it: adopted as ``initiative``, parked or
    rejected, with the decision's rationale as reason. The caller has checked the decision
    right (a forum member decides, not the facilitator); the facilitator's flow
    (``TRANSITIONS``) does not bind a forum's decision, so a parked proposal can be adopted
    by an amendment."""
    if to not in DECIDED_STAGES:
        raise ValidationError(_("A decision adopts, parks or rejects a proposal."))
    if to == Stage.ADOPTED and initiative is None:
        raise ValidationError(_("An adopted proposal names the initiative it became."))
    data = {"attached_to": initiative} if to == Stage.ADOPTED else {}
    return _move(proposal, to, reason, acting_user, **data)
