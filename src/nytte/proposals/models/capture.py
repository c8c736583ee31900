"""Step 1: proposals, their attachments, evidence, support, comments and domain events."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nytte.core.jsonrows import count_rows
from nytte.core.models import Organisation, Programme
from nytte.core.querysets import scoped_manager
from nytte.portfolio.models import Initiative, LifeEvent

from ..choices import Channel, EventKind, EvidenceKind, Source, Stage, Track


def attachment_path(instance: Attachment, filename: str) -> str:
    """Stored under a random name: the original name is kept in the row, never in the path."""
    import uuid

    return f"proposals/{instance.proposal.programme_id}/{uuid.uuid4().hex}"


class Proposal(models.Model):
    """An innovation opportunity (innovasjonsmulighet) from anyone — staff, users, suppliers,
    other agencies — to change an initiative or start something new."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="proposals"
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=300)
    need = models.TextField(
        _("need or problem"),
        help_text=_("Whose need, what the problem is, and what shows it (evidence)."),
    )
    idea = models.TextField(_("idea"), help_text=_("What could be done about it."))
    expected_benefits = models.TextField(_("expected benefits and for whom"), blank=True)
    affected_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("affected organisations"),
        blank=True,
        related_name="affected_by_proposals",
    )
    life_events = models.ManyToManyField(
        LifeEvent, verbose_name=_("life events"), blank=True, related_name="proposals"
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.STAFF
    )
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel.choices, default=Channel.FORM, editable=False
    )
    # The proposer: an account, or for people outside a name and e-mail kept with consent
    # and erasable (``erased_at``) without losing the proposal.
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    proposer_name = models.CharField(_("proposer's name"), max_length=200, blank=True)
    proposer_email = models.EmailField(_("proposer's e-mail"), blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True, editable=False)
    erased_at = models.DateTimeField(
        _("personal data erased"), null=True, blank=True, editable=False
    )
    # The hash of the secret in the proposer's private status link (the secret is only
    # ever in the receipt e-mail).
    status_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    stage = models.CharField(
        _("stage"), max_length=14, choices=Stage.choices, default=Stage.RECEIVED, editable=False
    )
    stage_reason = models.TextField(_("reason"), blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        editable=False,
    )
    attached_to = models.ForeignKey(
        Initiative,
        verbose_name=_("attached to initiative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attached_proposals",
        editable=False,
    )
    track = models.CharField(_("track"), max_length=10, choices=Track.choices, blank=True)
    track_reason = models.TextField(_("reason for the track"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Moves on with every saved change: the optimistic lock of forms and the API's ETag
    # (``nytte.core.concurrency``).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    # Personal data that may be erased, and the link's secret: never kept in the change log.
    history_redacted_fields = ("proposer_name", "proposer_email", "status_token_hash")

    objects = scoped_manager("programme")

    class Meta:
        ordering = ["programme", "-number"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="unique_proposal_number")
        ]
        indexes = [
            # The board's columns and the work queue read a stage's proposals oldest first
            # (and count them per stage) from this index alone, without the rows.
            models.Index(
                fields=["programme", "stage", "created_at", "id"], name="proposal_stage_received"
            ),
            # Someone's own proposals, newest first (the work queue).
            models.Index(fields=["proposer", "created_at"], name="proposal_proposer_received"),
            # The harmonisation index checks the newest change before every query
            # (proposals.matching.index): read here, not by scanning every row.
            models.Index(fields=["programme", "updated_at"], name="proposal_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "proposals:proposal", kwargs={"slug": self.programme.slug, "number": self.number}
        )

    @property
    def reference(self) -> str:
        return f"F-{self.number}"

    def get_permission_programme(self) -> Programme:
        return self.programme

    def is_owned_by(self, user: Any) -> bool:
        return self.proposer_id is not None and self.proposer_id == user.pk

    @property
    def proposer_display(self) -> str:
        if self.proposer_id:
            return self.proposer.display_name
        if self.erased_at:
            return str(_("(erased)"))
        return self.proposer_name

    def clean(self) -> None:
        if self.proposer_email and not self.proposer_name.strip():
            raise ValidationError({"proposer_name": _("Give a name with the e-mail address.")})


class Attachment(models.Model):
    """A file with a proposal, stored under a random name and served only to those who may
    see the proposal."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = scoped_manager("proposal__programme")

    class Meta:
        ordering = ["proposal", "created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    def get_permission_programme(self) -> Programme:
        return self.proposal.programme


class Evidence(models.Model):
    """An insight snippet — a quote, data, a study — that backs a proposal; anyone with
    access can add one later."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    text = models.TextField(_("insight"))
    url = models.URLField(_("link"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = scoped_manager("proposal__programme")

    class Meta:
        ordering = ["proposal", "created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.text[:80]

    def get_permission_programme(self) -> Programme:
        return self.proposal.programme


class Support(models.Model):
    """A colleague backing a proposal; kept when proposals are merged."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supporter"),
        on_delete=models.CASCADE,
        related_name="supports",
    )
    created_at = models.DateTimeField(_("supported"), auto_now_add=True)

    objects = scoped_manager("proposal__programme")

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="unique_support")]

    def __str__(self) -> str:
        return f"{self.user} → {self.proposal.reference}"

    def get_permission_programme(self) -> Programme:
        return self.proposal.programme


def supporter_count() -> Coalesce:
    """The number of a proposal's (``OuterRef("pk")``) supporters, as a subquery per row
    (``core.jsonrows.count_rows``): ``Count("supports")`` joined and grouped all 5 000
    proposals of a national programme to show a page of 25."""
    return count_rows(Support.objects.filter(proposal=OuterRef("pk")), "proposal")


class Comment(models.Model):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    objects = scoped_manager("proposal__programme")

    class Meta:
        ordering = ["proposal", "created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:80]

    def get_permission_programme(self) -> Programme:
        return self.proposal.programme

    def is_owned_by(self, user: Any) -> bool:
        return self.author_id is not None and self.author_id == user.pk


class ProposalEvent(models.Model):
    """A domain event in a proposal's life: what happened, from which stage to which, who
    did it; notifications and the proposer's status page read these.

    Append-only, like the change log (``nytte.core.records``): deleting a proposal (with its
    programme) keeps its events, detached (``SET_NULL``)."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    kind = models.CharField(_("event"), max_length=24, choices=EventKind.choices)
    from_stage = models.CharField(_("from"), max_length=14, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=14, choices=Stage.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, default="")

    objects = scoped_manager("proposal__programme")

    class Meta:
        ordering = ["proposal", "created_at", "pk"]
        verbose_name = _("proposal event")
        verbose_name_plural = _("proposal events")

    def __str__(self) -> str:
        reference = self.proposal.reference if self.proposal_id else "—"
        return f"{reference} {self.kind}"

    def get_permission_programme(self) -> Programme:
        return self.proposal.programme
