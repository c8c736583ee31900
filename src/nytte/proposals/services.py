"""Writes to the proposal pipeline. Each is atomic, checks the acting user's rights (``None``
is the system or an anonymous proposer on the public form), logs the change and records a
domain event; e-mails go out only after the transaction commits.

Who does what: anyone with a role in the programme proposes, supports, comments and adds
evidence (Action.CONTRIBUTE); the facilitator runs harmonisation and assessment
(Action.FACILITATE): moving stages, links, merging, tracks, assessors. The proposer may edit
their own proposal until it is assessed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from nytte.core import history
from nytte.core.actors import is_public
from nytte.core.models import Organisation, Programme, hash_token
from nytte.core.permissions import Action, can, require
from nytte.core.services import object_create, object_delete, object_update
from nytte.portfolio.models import Initiative, LifeEvent

from . import notify
from .choices import NEEDS_REASON, TRANSITIONS, Channel, EventKind, LinkKind, Stage
from .models import (
    Attachment,
    Comment,
    Evidence,
    Proposal,
    ProposalEvent,
    ProposalLink,
    Support,
)

# Attachments: what may come in, and how much.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    ".pdf": ("application/pdf",),
    ".png": ("image/png",),
    ".jpg": ("image/jpeg",),
    ".jpeg": ("image/jpeg",),
    ".txt": ("text/plain",),
    ".csv": ("text/csv", "text/plain", "application/vnd.ms-excel"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",),
}
# The first bytes each type must start with, so a renamed executable is refused.
MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
EDITABLE_BY_PROPOSER = frozenset({Stage.RECEIVED, Stage.HARMONISATION})


def _event(
    proposal: Proposal,
    kind: str,
    acting_user: Any,
    *,
    from_stage: str = "",
    to_stage: str = "",
    note: str = "",
    data: Mapping[str, Any] | None = None,
) -> ProposalEvent:
    return ProposalEvent.objects.create(
        proposal=proposal,
        kind=kind,
        from_stage=from_stage,
        to_stage=to_stage,
        note=note,
        data=dict(data or {}),
        actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )


# ---------------------------------------------------------------------------------------------
# Step 1: capture


def check_attachment(upload: UploadedFile) -> None:
    """Refuse a file by size, name and content with a message saying what is allowed."""
    name = upload.name or ""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if upload.size is not None and upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s MB; files can be at most %(max)s MB.")
            % {
                "name": name,
                "size": f"{upload.size / 1024 / 1024:.1f}",
                "max": MAX_ATTACHMENT_BYTES // 1024 // 1024,
            },
            code="attachment_too_large",
        )
    allowed = ", ".join(sorted(ALLOWED_TYPES))
    if suffix not in ALLOWED_TYPES:
        raise ValidationError(
            _("%(name)s is not a file type we accept. Accepted: %(allowed)s.")
            % {"name": name, "allowed": allowed},
            code="attachment_type",
        )
    head = upload.read(8)
    upload.seek(0)
    magic = MAGIC.get(suffix)
    if magic and not head.startswith(magic):
        raise ValidationError(
            _("%(name)s does not look like a %(suffix)s file.") % {"name": name, "suffix": suffix},
            code="attachment_content",
        )


def _next_number(programme: Programme) -> int:
    # Lock the programme row so two proposals received at once get different numbers.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    latest = Proposal.objects.filter(programme=programme).aggregate(n=Max("number"))["n"]
    return (latest or 0) + 1


@transaction.atomic
def proposal_submit(
    *,
    programme: Programme,
    data: Mapping[str, Any],
    channel: str = Channel.FORM,
    affected_organisations: Iterable[Organisation] = (),
    life_events: Iterable[LifeEvent] = (),
    attachments: Iterable[UploadedFile] = (),
    consent: bool = False,
    acting_user: Any,
) -> tuple[Proposal, str]:
    """Receive a proposal; returns it and the secret of the proposer's private status link.

    ``acting_user`` None is the public form (or the system). People without an account give
    a name and e-mail, kept only with their consent. A facilitator registering an opportunity
    they sought out uses the channel ``sought_out``.
    """
    if acting_user is not None:
        require(acting_user, Action.CONTRIBUTE, programme)
        if channel == Channel.SOUGHT_OUT and not can(acting_user, Action.FACILITATE, programme):
            raise PermissionDenied
    public = acting_user is None or is_public(acting_user)
    if channel == Channel.PUBLIC and public and not programme.public_form_open:
        raise ValidationError(
            _("%(programme)s does not take proposals through the public form now.")
            % {"programme": programme.name},
            code="public_form_closed",
        )
    data = dict(data)
    if data.get("proposer_email") or data.get("proposer_name"):
        if not consent:
            raise ValidationError(
                {"consent": _("We need your consent to keep your name and e-mail address.")}
            )
    elif acting_user is None and channel == Channel.PUBLIC:
        raise ValidationError({"proposer_email": _("Give an e-mail address for the receipt.")})
    uploads = list(attachments)
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("At most %(n)s files.") % {"n": MAX_ATTACHMENTS}})
    for upload in uploads:
        try:
            check_attachment(upload)
        except ValidationError as exc:
            raise ValidationError({"attachments": exc.messages}) from exc
    token = secrets.token_urlsafe(24)
    authenticated = getattr(acting_user, "is_authenticated", False)
    proposal = Proposal(
        programme=programme,
        number=_next_number(programme),
        channel=channel,
        status_token_hash=hash_token(token),
        consent_at=timezone.now() if consent else None,
        created_by=acting_user if authenticated else None,
        **data,
    )
    outside = bool(proposal.proposer_name or proposal.proposer_email)
    if authenticated and channel != Channel.SOUGHT_OUT and not outside and not proposal.proposer_id:
        proposal.proposer = acting_user
    object_create(
        proposal,
        acting_user=acting_user,
        m2m={
            "affected_organisations": list(affected_organisations),
            "life_events": list(life_events),
        },
    )
    for upload in uploads:
        _attachment_save(proposal, upload, acting_user)
    _event(proposal, EventKind.SUBMITTED, acting_user, to_stage=Stage.RECEIVED)
    notify.receipt(proposal, token)
    return proposal, token


def _attachment_save(proposal: Proposal, upload: UploadedFile, acting_user: Any) -> Attachment:
    attachment = Attachment(
        proposal=proposal,
        file=upload,
        name=(upload.name or "file")[:200],
        content_type=(upload.content_type or "application/octet-stream")[:100],
        size=upload.size or 0,
        uploaded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    attachment.save()
    history.log_create(attachment, acting_user=acting_user)
    return attachment


@transaction.atomic
def attachment_add(*, proposal: Proposal, upload: UploadedFile, acting_user: Any) -> Attachment:
    require(acting_user, Action.CONTRIBUTE, proposal)
    if Attachment.objects.filter(proposal=proposal).count() >= MAX_ATTACHMENTS:
        raise ValidationError(_("At most %(n)s files.") % {"n": MAX_ATTACHMENTS})
    check_attachment(upload)
    return _attachment_save(proposal, upload, acting_user)


@transaction.atomic
def proposal_update(
    *,
    proposal: Proposal,
    data: Mapping[str, Any],
    affected_organisations: Iterable[Organisation] | None = None,
    life_events: Iterable[LifeEvent] | None = None,
    acting_user: Any,
) -> Proposal:
    """The proposer edits until assessment starts; the facilitator edits any time."""
    if acting_user is not None:
        require(acting_user, Action.VIEW, proposal)
        own = proposal.is_owned_by(acting_user) and proposal.stage in EDITABLE_BY_PROPOSER
        if not own and not can(acting_user, Action.FACILITATE, proposal):
            raise PermissionDenied
    m2m: dict[str, list[Any]] = {}
    if affected_organisations is not None:
        m2m["affected_organisations"] = list(affected_organisations)
    if life_events is not None:
        m2m["life_events"] = list(life_events)
    return object_update(proposal, acting_user=acting_user, data=data, m2m=m2m)


@transaction.atomic
def support_toggle(*, proposal: Proposal, acting_user: Any) -> bool:
    """Support a proposal, or withdraw one's support; returns whether it is now supported."""
    require(acting_user, Action.CONTRIBUTE, proposal)
    existing = Support.objects.filter(proposal=proposal, user=acting_user).first()
    if existing:
        object_delete(existing, acting_user=acting_user)
        return False
    object_create(Support(proposal=proposal, user=acting_user), acting_user=acting_user)
    return True


@transaction.atomic
def comment_add(*, proposal: Proposal, text: str, acting_user: Any) -> Comment:
    require(acting_user, Action.CONTRIBUTE, proposal)
    return object_create(
        Comment(proposal=proposal, author=acting_user, text=text), acting_user=acting_user
    )


@transaction.atomic
def evidence_add(*, proposal: Proposal, acting_user: Any, **fields: Any) -> Evidence:
    require(acting_user, Action.CONTRIBUTE, proposal)
    evidence = Evidence(
        proposal=proposal,
        added_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        **fields,
    )
    return object_create(evidence, acting_user=acting_user)


@transaction.atomic
def proposer_erase(*, proposal: Proposal, acting_user: Any) -> Proposal:
    """Erase an outside proposer's name, e-mail and private link; the proposal stays. The
    change log never held the values (``history_redacted_fields``), only that they changed."""
    require(acting_user, Action.FACILITATE, proposal)
    object_update(
        proposal,
        acting_user=acting_user,
        data={
            "proposer_name": "",
            "proposer_email": "",
            "status_token_hash": "",
            "erased_at": timezone.now(),
        },
    )
    _event(proposal, EventKind.ERASED, acting_user)
    return proposal


# ---------------------------------------------------------------------------------------------
# The flow


@transaction.atomic
def proposal_move(*, proposal: Proposal, to: str, reason: str = "", acting_user: Any) -> Proposal:
    """Move a proposal to another stage, if the flow allows it (``TRANSITIONS``)."""
    require(acting_user, Action.FACILITATE, proposal)
    if to == Stage.MERGED:
        raise ValidationError(_("Merge a proposal with “Merge”, which says into what."))
    if to not in TRANSITIONS.get(proposal.stage, frozenset()):
        raise ValidationError(
            _("A proposal cannot go from %(from)s to %(to)s.")
            % {
                "from": Stage(proposal.stage).label,
                "to": Stage(to).label if to in Stage.values else to,
            },
            code="illegal_transition",
        )
    if to in NEEDS_REASON and not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")}, code="reason_required")
    return _move(proposal, to, reason, acting_user)


def _move(proposal: Proposal, to: str, reason: str, acting_user: Any, **data: Any) -> Proposal:
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
    _event(proposal, kind, acting_user, from_stage=from_stage, to_stage=to, note=reason)
    if to != Stage.MERGED:  # a merge sends its own message, saying where it went
        notify.stage_changed(proposal)
    return proposal


def _carry_supporters(source: Proposal, target: Proposal, acting_user: Any) -> None:
    """Supporters of a merged proposal support the one it went into; so does its proposer."""
    have = set(target.supports.values_list("user_id", flat=True))
    users = list(source.supports.values_list("user_id", flat=True))
    if source.proposer_id:
        users.append(source.proposer_id)
    for user_id in dict.fromkeys(users):
        if user_id not in have and user_id != target.proposer_id:
            object_create(Support(proposal=target, user_id=user_id), acting_user=acting_user)
            have.add(user_id)


@transaction.atomic
def proposal_merge(
    *, proposal: Proposal, into: Proposal, note: str = "", acting_user: Any
) -> Proposal:
    """Merge a duplicate into another open proposal: supporters, evidence and the proposer's
    interest are carried over, and everyone is told."""
    require(acting_user, Action.FACILITATE, proposal)
    if into.pk == proposal.pk:
        raise ValidationError(_("A proposal cannot be merged into itself."))
    if into.programme_id != proposal.programme_id:
        raise ValidationError(_("The other proposal belongs to another programme."))
    if into.stage in (Stage.MERGED, Stage.REJECTED):
        raise ValidationError(_("Merge into a proposal that is still open."))
    if Stage.MERGED not in TRANSITIONS.get(proposal.stage, frozenset()):
        raise ValidationError(
            _("A proposal cannot go from %(from)s to %(to)s.")
            % {"from": Stage(proposal.stage).label, "to": Stage.MERGED.label},
            code="illegal_transition",
        )
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
    object_create(
        ProposalLink(
            proposal=proposal,
            kind=LinkKind.DUPLICATE,
            target_proposal=into,
            note=note,
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        ),
        acting_user=acting_user,
    )
    _move(proposal, Stage.MERGED, note, acting_user, merged_into=into)
    notify.merged(proposal, into)
    return proposal


@transaction.atomic
def proposal_attach(
    *, proposal: Proposal, initiative: Initiative, note: str = "", acting_user: Any
) -> Proposal:
    """Attach a proposal to an existing initiative that already does what it asks."""
    require(acting_user, Action.FACILITATE, proposal)
    if initiative.programme_id != proposal.programme_id:
        raise ValidationError(_("The initiative belongs to another programme."))
    if Stage.MERGED not in TRANSITIONS.get(proposal.stage, frozenset()):
        raise ValidationError(
            _("A proposal cannot go from %(from)s to %(to)s.")
            % {"from": Stage(proposal.stage).label, "to": Stage.MERGED.label},
            code="illegal_transition",
        )
    object_create(
        ProposalLink(
            proposal=proposal,
            kind=LinkKind.DUPLICATE,
            target_initiative=initiative,
            note=note,
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        ),
        acting_user=acting_user,
    )
    _move(proposal, Stage.MERGED, note, acting_user, attached_to=initiative)
    notify.merged(proposal, initiative)
    return proposal


# ---------------------------------------------------------------------------------------------
# Step 2: links; step 3: the track


@transaction.atomic
def link_create(
    *,
    proposal: Proposal,
    kind: str,
    target_proposal: Proposal | None = None,
    target_initiative: Initiative | None = None,
    note: str = "",
    score: float | None = None,
    acting_user: Any,
) -> ProposalLink:
    require(acting_user, Action.FACILITATE, proposal)
    link = ProposalLink(
        proposal=proposal,
        kind=kind,
        target_proposal=target_proposal,
        target_initiative=target_initiative,
        note=note,
        score=score,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    object_create(link, acting_user=acting_user)
    _event(proposal, EventKind.LINKED, acting_user, data={"kind": kind}, note=note)
    return link


@transaction.atomic
def link_delete(*, link: ProposalLink, acting_user: Any) -> None:
    require(acting_user, Action.FACILITATE, link)
    object_delete(link, acting_user=acting_user)


@transaction.atomic
def track_set(*, proposal: Proposal, track: str, reason: str, acting_user: Any) -> Proposal:
    """The facilitator sets the track (quick win, pilot, strategic, park) with a reason."""
    require(acting_user, Action.FACILITATE, proposal)
    if not reason.strip():
        raise ValidationError({"track_reason": _("Give a reason for the track.")})
    object_update(proposal, acting_user=acting_user, data={"track": track, "track_reason": reason})
    _event(proposal, EventKind.TRACK_SET, acting_user, data={"track": track}, note=reason)
    return proposal


def proposal_for_token(token: str) -> Proposal | None:
    """The proposal behind a private status link, or None."""
    if not token:
        return None
    return (
        Proposal.objects.select_related("programme")
        .filter(status_token_hash=hash_token(token))
        .exclude(status_token_hash="")
        .first()
    )
