"""The proposal pipeline, steps 1–3: innovation opportunities caught from anyone,
harmonised against every agency's portfolio, and assessed for potential against complexity."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Organisation, Programme
from nytte.core.querysets import scoped_manager
from nytte.portfolio.models import Initiative, LifeEvent

from .choices import Channel, Dimension, EventKind, EvidenceKind, LinkKind, Source, Stage, Track


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
        indexes = [models.Index(fields=["programme", "stage"])]

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


class ProposalLink(models.Model):
    """What the facilitator confirmed in harmonisation: how a proposal relates to another
    proposal or to an initiative, with a note saying why."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="links"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    target_proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("other proposal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="links_in",
    )
    target_initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proposal_links",
    )
    note = models.TextField(_("note"), blank=True)
    score = models.FloatField(_("similarity when linked"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)

    objects = scoped_manager("proposal__programme")

    class Meta:
        ordering = ["proposal", "created_at"]
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(target_proposal__isnull=False, target_initiative__isnull=True)
                    | models.Q(target_proposal__isnull=True, target_initiative__isnull=False)
                ),
                name="link_has_one_target",
            ),
            # A link of one kind to one target is recorded once (services.links too).
            models.UniqueConstraint(
                fields=["proposal", "kind", "target_proposal"],
                condition=models.Q(target_proposal__isnull=False),
                name="unique_link_to_proposal",
                violation_error_message=_("This link is already recorded."),
            ),
            models.UniqueConstraint(
                fields=["proposal", "kind", "target_initiative"],
                condition=models.Q(target_initiative__isnull=False),
                name="unique_link_to_initiative",
                violation_error_message=_("This link is already recorded."),
            ),
        ]

    def __str__(self) -> str:
        target = self.target_proposal or self.target_initiative
        return f"{self.proposal.reference} {self.get_kind_display().lower()} {target}"

    @property
    def target(self) -> Proposal | Initiative | None:
        return self.target_proposal or self.target_initiative

    def get_permission_programme(self) -> Programme:
        return self.proposal.programme

    def clean(self) -> None:
        if bool(self.target_proposal_id) == bool(self.target_initiative_id):
            raise ValidationError(_("Link to either a proposal or an initiative."))
        if self.target_proposal_id and self.target_proposal_id == self.proposal_id:
            raise ValidationError({"target_proposal": _("A proposal cannot link to itself.")})
        target = self.target
        if target is not None and target.programme_id != self.proposal.programme_id:
            raise ValidationError(_("The other end belongs to another programme."))


class QualificationQuestion(models.Model):
    """One question of a programme's qualification checklist (editable per programme)."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="qualification_questions",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("guidance"), max_length=500, blank=True)

    objects = scoped_manager("programme")

    class Meta:
        ordering = ["programme", "order", "pk"]
        verbose_name = _("qualification question")
        verbose_name_plural = _("qualification questions")

    def __str__(self) -> str:
        return self.text

    def get_permission_programme(self) -> Programme:
        return self.programme


class QualificationAnswer(models.Model):
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="qualification_answers",
    )
    question = models.ForeignKey(
        QualificationQuestion,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = scoped_manager("proposal__programme")

    class Meta:
        verbose_name = _("qualification answer")
        verbose_name_plural = _("qualification answers")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "question"], name="unique_qualification_answer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal.reference}: {self.question}"

    def get_permission_programme(self) -> Programme:
        return self.proposal.programme


class Criterion(models.Model):
    """An assessment criterion of a programme in one of two dimensions, with a described
    scale and a weight (set directly or derived by pairwise comparison)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="criteria"
    )
    dimension = models.CharField(_("dimension"), max_length=10, choices=Dimension.choices)
    name = models.CharField(_("criterion"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # The steps 1..n of the scale, each described: [{"value": 1, "label": "…"}, …].
    scale = models.JSONField(_("scale"), default=list, blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=7, decimal_places=4, default=1, validators=[MinValueValidator(0)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = scoped_manager("programme")

    class Meta:
        ordering = ["programme", "dimension", "order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "dimension", "name"], name="unique_criterion_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_permission_programme(self) -> Programme:
        return self.programme

    @property
    def scale_values(self) -> list[int]:
        return [int(step["value"]) for step in self.scale] or [1, 2, 3, 4, 5]


class PairwiseJudgement(models.Model):
    """An AHP judgement: how much more important ``first`` is than ``second`` (1/9 … 9)."""

    first = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.FloatField(
        _("judgement"), validators=[MinValueValidator(1 / 9), MaxValueValidator(9)]
    )

    objects = scoped_manager("first__programme")

    class Meta:
        verbose_name = _("pairwise judgement")
        verbose_name_plural = _("pairwise judgements")
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="unique_judgement")]

    def __str__(self) -> str:
        return f"{self.first} : {self.second} = {self.value:g}"

    def get_permission_programme(self) -> Programme:
        return self.first.programme

    def clean(self) -> None:
        if self.first_id == self.second_id:
            raise ValidationError(_("Compare two different criteria."))
        if self.first.programme_id != self.second.programme_id or (
            self.first.dimension != self.second.dimension
        ):
            raise ValidationError(_("Compare criteria of the same programme and dimension."))


class Assessment(models.Model):
    """One assessor's scores for one proposal. Until submitted, nobody else sees them, and
    the assessor sees nobody else's (blind assessment)."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="assessments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    due = models.DateField(_("due"), null=True, blank=True)
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    objects = scoped_manager("proposal__programme")

    class Meta:
        ordering = ["proposal", "created_at"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "assessor"], name="unique_assessor")
        ]

    def __str__(self) -> str:
        return f"{self.proposal.reference}: {self.assessor}"

    def get_permission_programme(self) -> Programme:
        return self.proposal.programme

    def is_owned_by(self, user: Any) -> bool:
        return self.assessor_id == user.pk

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class Score(models.Model):
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    objects = scoped_manager("assessment__proposal__programme")

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="unique_score")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"

    def get_permission_programme(self) -> Programme:
        return self.assessment.proposal.programme

    def clean(self) -> None:
        if self.criterion_id and self.value not in self.criterion.scale_values:
            raise ValidationError({"value": _("Choose a step on the criterion's scale.")})


class ProposalEvent(models.Model):
    """A domain event in a proposal's life: what happened, from which stage to which, who
    did it; notifications and the proposer's status page read these."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="events"
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

    objects = scoped_manager("proposal__programme")

    class Meta:
        ordering = ["proposal", "created_at", "pk"]
        verbose_name = _("proposal event")
        verbose_name_plural = _("proposal events")

    def __str__(self) -> str:
        return f"{self.proposal.reference} {self.kind}"

    def get_permission_programme(self) -> Programme:
        return self.proposal.programme
