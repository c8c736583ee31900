"""Step 1, capture: receive proposals (the form, the public form, the API, Excel import, the
demo), edit them, attachments, support, comments, evidence and erasing an outside proposer.

Each write is atomic, checks the actor's rights (``nytte.core.actors``: a user, the system,
or a :class:`PublicProposer` on the public form), logs the change and records a domain event;
e-mails go out only after the transaction commits. Anyone with a role in the programme
proposes, supports, comments and adds evidence (Action.CONTRIBUTE); who may edit a proposal
is :func:`may_edit`.
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

from nytte.core import history, request_id
from nytte.core.actors import Actor, PublicProposer, is_public, is_system, require_actor
from nytte.core.concurrency import check_version
from nytte.core.models import Organisation, Programme, hash_token
from nytte.core.permissions import Action, can, check
from nytte.core.services import object_create, object_delete, object_update
from nytte.portfolio.models import LifeEvent

from .. import notify
from ..choices import Channel, EventKind, Stage
from ..files import TEXT_SUFFIXES, attachment_name, is_text
from ..models import Attachment, Comment, Evidence, Proposal, ProposalEvent, Support

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


def user_or_none(acting_user: Actor) -> Any:
    """The user to store as author/creator: ``None`` for the system or a public proposer."""
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


# What ``data`` may hold in proposal_submit and proposal_update: the proposal's content.
# The stage, track, reasons, merges, number and channel are set by the flow's own services;
# naming another person as the proposer is for the system (demo, import) and facilitators.
# Whatever a form or JSON body lets through, the services refuse the rest (mass assignment).
CONTENT_FIELDS = frozenset(
    {"title", "need", "idea", "expected_benefits", "source", "proposer_name", "proposer_email"}
)


def check_fields(data: Mapping[str, Any], programme: Programme, acting_user: Actor) -> None:
    allowed = set(CONTENT_FIELDS)
    proposer = data.get("proposer")
    if (
        is_system(acting_user)
        or (proposer is not None and getattr(proposer, "pk", None) == acting_user.pk)
        or can(acting_user, Action.FACILITATE, programme)
    ):
        allowed.add("proposer")
    refused = sorted(set(data) - allowed)
    if refused:
        raise ValidationError(
            _("These fields cannot be set here: %(fields)s.") % {"fields": ", ".join(refused)},
            code="protected_field",
        )


def may_edit(acting_user: Actor, proposal: Proposal) -> bool:
    """Who may edit a proposal: the facilitator always (and the system); the proposer while
    it is received or in harmonisation (``EDITABLE_BY_PROPOSER``). Pages, API and services ask
    this one function."""
    if can(acting_user, Action.FACILITATE, proposal):
        return True
    return (
        can(acting_user, Action.VIEW, proposal)
        and proposal.is_owned_by(acting_user)
        and proposal.stage in EDITABLE_BY_PROPOSER
    )


def event_record(
    proposal: Proposal,
    kind: str,
    acting_user: Actor,
    *,
    from_stage: str = "",
    to_stage: str = "",
    note: str = "",
    data: Mapping[str, Any] | None = None,
) -> ProposalEvent:
    """One entry in the proposal's own history (shared by the capture, flow and link
    services)."""
    return ProposalEvent.objects.create(
        proposal=proposal,
        kind=kind,
        from_stage=from_stage,
        to_stage=to_stage,
        note=note,
        data=dict(data or {}),
        actor=user_or_none(acting_user),
        request_id=request_id.current(),
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
    if (magic and not head.startswith(magic)) or (suffix in TEXT_SUFFIXES and not is_text(upload)):
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
    acting_user: Actor,
) -> tuple[Proposal, str]:
    """Receive a proposal; returns it and the secret of the proposer's private status link.

    A :class:`PublicProposer` of this programme sends the public form (channel ``public``);
    people without an account give a name and e-mail, kept only with their consent. A
    facilitator registering an opportunity they sought out uses the channel ``sought_out``.
    """
    require_actor(acting_user)
    if isinstance(acting_user, PublicProposer):
        if acting_user.programme_id != programme.pk or channel != Channel.PUBLIC:
            raise PermissionDenied
        if not programme.public_form_open:
            raise ValidationError(
                _("%(programme)s does not take proposals through the public form now.")
                % {"programme": programme.name},
                code="public_form_closed",
            )
    else:
        check(acting_user, Action.CONTRIBUTE, programme)
        if channel == Channel.SOUGHT_OUT and not can(acting_user, Action.FACILITATE, programme):
            raise PermissionDenied
    check_fields(data, programme, acting_user)
    data = dict(data)
    if data.get("proposer_email") or data.get("proposer_name"):
        if not consent:
            raise ValidationError(
                {"consent": _("We need your consent to keep your name and e-mail address.")}
            )
    elif is_public(acting_user):
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
        created_by=user_or_none(acting_user),
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
    event_record(proposal, EventKind.SUBMITTED, acting_user, to_stage=Stage.RECEIVED)
    notify.receipt(proposal, token)
    return proposal, token


def _attachment_save(proposal: Proposal, upload: UploadedFile, acting_user: Actor) -> Attachment:
    attachment = Attachment(
        proposal=proposal,
        file=upload,
        name=attachment_name(upload.name),
        content_type=(upload.content_type or "application/octet-stream")[:100],
        size=upload.size or 0,
        uploaded_by=user_or_none(acting_user),
    )
    attachment.save()
    history.log_create(attachment, acting_user=acting_user)
    return attachment


@transaction.atomic
def attachment_add(*, proposal: Proposal, upload: UploadedFile, acting_user: Actor) -> Attachment:
    check(acting_user, Action.CONTRIBUTE, proposal)
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
    acting_user: Actor,
    expected_version: int | None = None,
) -> Proposal:
    """The proposer edits until assessment starts; the facilitator edits any time
    (:func:`may_edit`). ``expected_version`` refuses a stale edit (``VersionConflict``)."""
    check(acting_user, Action.VIEW, proposal)
    if not may_edit(acting_user, proposal):
        raise PermissionDenied
    check_fields(data, proposal.programme, acting_user)
    check_version(proposal, expected_version)
    m2m: dict[str, list[Any]] = {}
    if affected_organisations is not None:
        m2m["affected_organisations"] = list(affected_organisations)
    if life_events is not None:
        m2m["life_events"] = list(life_events)
    return object_update(proposal, acting_user=acting_user, data=data, m2m=m2m)


@transaction.atomic
def support_set(*, proposal: Proposal, supported: bool, acting_user: Actor) -> bool:
    """Support a proposal or withdraw one's support, idempotently: asking for the state it is
    already in changes nothing. Returns whether it is now supported."""
    check(acting_user, Action.CONTRIBUTE, proposal)
    if not getattr(acting_user, "is_authenticated", False):
        raise PermissionDenied  # support is a person's
    existing = Support.objects.filter(proposal=proposal, user=acting_user).first()
    if existing and not supported:
        object_delete(existing, acting_user=acting_user)
    elif supported and not existing:
        object_create(Support(proposal=proposal, user=acting_user), acting_user=acting_user)
    return supported


@transaction.atomic
def support_toggle(*, proposal: Proposal, acting_user: Actor) -> bool:
    """Support a proposal, or withdraw one's support; returns whether it is now supported."""
    check(acting_user, Action.CONTRIBUTE, proposal)
    mine = Support.objects.filter(proposal=proposal, user=user_or_none(acting_user)).exists()
    return support_set(proposal=proposal, supported=not mine, acting_user=acting_user)


@transaction.atomic
def comment_add(*, proposal: Proposal, text: str, acting_user: Actor) -> Comment:
    check(acting_user, Action.CONTRIBUTE, proposal)
    return object_create(
        Comment(proposal=proposal, author=acting_user, text=text), acting_user=acting_user
    )


@transaction.atomic
def evidence_add(*, proposal: Proposal, acting_user: Actor, **fields: Any) -> Evidence:
    check(acting_user, Action.CONTRIBUTE, proposal)
    evidence = Evidence(
        proposal=proposal,
        added_by=user_or_none(acting_user),
        **fields,
    )
    return object_create(evidence, acting_user=acting_user)


@transaction.atomic
def proposer_erase(*, proposal: Proposal, acting_user: Actor) -> Proposal:
    """Erase an outside proposer's name, e-mail and private link; the proposal stays. The
    change log never held the values (``history_redacted_fields``), only that they changed."""
    check(acting_user, Action.FACILITATE, proposal)
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
    event_record(proposal, EventKind.ERASED, acting_user)
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
