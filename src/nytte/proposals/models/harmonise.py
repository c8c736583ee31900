"""Step 2: harmonisation links and the programme's qualification checklist."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Programme
from nytte.core.querysets import scoped_manager
from nytte.portfolio.models import Initiative

from ..choices import LinkKind
from .capture import Proposal


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


class Dismissal(models.Model):
    """A suggestion the facilitator judged "not related": that pair is never suggested
    again (either way round, for two proposals). Who and when are kept."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="dismissals"
    )
    target_proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("other proposal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dismissed_by_others",
    )
    target_initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dismissals",
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    dismissed_at = models.DateTimeField(_("dismissed"), auto_now_add=True)

    objects = scoped_manager("proposal__programme")

    class Meta:
        ordering = ["proposal", "dismissed_at"]
        verbose_name = _("dismissed suggestion")
        verbose_name_plural = _("dismissed suggestions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(target_proposal__isnull=False, target_initiative__isnull=True)
                    | models.Q(target_proposal__isnull=True, target_initiative__isnull=False)
                ),
                name="dismissal_has_one_target",
            ),
            models.UniqueConstraint(
                fields=["proposal", "target_proposal"],
                condition=models.Q(target_proposal__isnull=False),
                name="unique_dismissal_of_proposal",
            ),
            models.UniqueConstraint(
                fields=["proposal", "target_initiative"],
                condition=models.Q(target_initiative__isnull=False),
                name="unique_dismissal_of_initiative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal.reference} ≠ {self.target}"

    @property
    def target(self) -> Proposal | Initiative | None:
        return self.target_proposal or self.target_initiative

    def get_permission_programme(self) -> Programme:
        return self.proposal.programme

    def clean(self) -> None:
        if bool(self.target_proposal_id) == bool(self.target_initiative_id):
            raise ValidationError(_("Dismiss either a proposal or an initiative."))
        if self.target_proposal_id and self.target_proposal_id == self.proposal_id:
            raise ValidationError({"target_proposal": _("A proposal cannot link to itself.")})
        target = self.target
        if target is not None and target.programme_id != self.proposal.programme_id:
            raise ValidationError(_("The other end belongs to another programme."))


class TextVector(models.Model):
    """An embedding model's vector of an initiative's or proposal's matched text
    (tekstvektor), kept with the row so workers load it instead of encoding it.

    Stored only where an agency installed a model (``NYTTE_EMBEDDING_MODEL_DIR``). It
    records which model made it and a digest of the text it was made from: a changed text
    or another model makes it stale, and the background task makes it anew.
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+"
    )
    proposal = models.OneToOneField(
        Proposal,
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="text_vector",
    )
    initiative = models.OneToOneField(
        Initiative,
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="text_vector",
    )
    model = models.CharField(_("model"), max_length=100)
    text_digest = models.CharField(_("text digest"), max_length=32)
    dimension = models.PositiveSmallIntegerField(_("dimensions"))
    vector = models.BinaryField(_("vector"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("text vector")
        verbose_name_plural = _("text vectors")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(proposal__isnull=False, initiative__isnull=True)
                    | models.Q(proposal__isnull=True, initiative__isnull=False)
                ),
                name="text_vector_has_one_owner",
            ),
        ]
        indexes = [models.Index(fields=["programme", "model"], name="text_vector_programme")]

    def __str__(self) -> str:
        return f"{self.proposal or self.initiative} ({self.model})"


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
