"""Anchoring (forankring) and stakeholders (interessenter): who has a stake in the
programme's work, whether the work is anchored with the leaders, ministries, KS and users it
needs, and who is responsible for what across organisations (RACI).

An answer and a leadership commitment belong to one *subject*: an initiative or a proposal,
each with its own. A RACI line belongs to an initiative or a benefit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from nytte.benefits.models import Benefit
from nytte.core.models import Organisation, Programme
from nytte.core.querysets import scoped_manager
from nytte.portfolio.choices import Phase
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal

from .choices import (
    AnswerStatus,
    AppliesTo,
    CommitmentDocument,
    Involvement,
    RaciLetter,
    StakeholderGroup,
    Topic,
)

SCALE = [MinValueValidator(1), MaxValueValidator(5)]
SUBJECT_PATHS = ("initiative__programme", "proposal__programme")


class Stakeholder(models.Model):
    """A stakeholder (interessent) of the programme, or of one of its initiatives: a named
    organisation or a group (users, businesses, municipalities …), placed on a
    power/interest grid by its influence and interest (1–5)."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="stakeholders",
    )
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="stakeholders",
        help_text=_("Empty for a stakeholder of the whole programme."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stakeholder_entries",
    )
    group = models.CharField(
        _("group"), max_length=20, choices=StakeholderGroup.choices, blank=True
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("Required for a group; for an organisation, empty shows its name."),
    )
    contact_role = models.CharField(_("contact role"), max_length=200, blank=True)
    influence = models.PositiveSmallIntegerField(_("influence (1–5)"), validators=SCALE)
    interest = models.PositiveSmallIntegerField(_("interest (1–5)"), validators=SCALE)
    involvement = models.CharField(
        _("involvement"), max_length=12, choices=Involvement.choices, default=Involvement.INFORM
    )
    involvement_note = models.TextField(_("how they are involved"), blank=True)
    phases = models.JSONField(
        _("phases"),
        default=list,
        blank=True,
        help_text=_("The initiative phases they take part in."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = scoped_manager("programme", owner_path="initiative__owner")

    class Meta:
        ordering = ["programme", "-influence", "-interest", "name", "pk"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.organisation_id:
            return self.organisation.name
        return str(StakeholderGroup(self.group).label) if self.group else ""

    @property
    def phase_labels(self) -> list[str]:
        labels = dict(Phase.choices)
        return [str(labels.get(p, p)) for p in self.phases]

    @property
    def quadrant(self) -> str:
        """Where the power/interest grid puts it: manage closely, keep satisfied, keep
        informed, or monitor (3 and above counts as high)."""
        high_power, high_interest = self.influence >= 3, self.interest >= 3
        if high_power and high_interest:
            return "manage"
        if high_power:
            return "satisfy"
        return "inform" if high_interest else "monitor"

    def get_permission_programme(self) -> Programme:
        return self.programme

    def is_owned_by(self, user: Any) -> bool:
        """An initiative's owner keeps its stakeholders; the programme's are the facilitators'."""
        return self.initiative_id is not None and self.initiative.is_owned_by(user)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if bool(self.organisation_id) == bool(self.group):
            errors["group"] = _("Name an organisation or choose a group, not both.")
        if self.group and not self.name.strip():
            errors["name"] = _("Give the group a name, e.g. “People with debt to the state”.")
        if self.initiative_id and self.initiative.programme_id != self.programme_id:
            errors["initiative"] = _("The initiative belongs to another programme.")
        phases = self.phases if isinstance(self.phases, list) else None
        if phases is None or any(p not in Phase.values for p in phases):
            errors["phases"] = _("Choose phases of the project model.")
        if errors:
            raise ValidationError(errors)


class ChecklistQuestion(models.Model):
    """One question of a programme's anchoring checklist (tenkeboks for forankring). The
    programme edits its own; a question that has been answered is retired, never deleted,
    so every answer keeps its question."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="anchoring_questions",
    )
    topic = models.CharField(_("topic"), max_length=14, choices=Topic.choices, default=Topic.OTHER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("guidance"), max_length=500, blank=True)
    applies_to = models.CharField(
        _("applies to"), max_length=12, choices=AppliesTo.choices, default=AppliesTo.BOTH
    )
    retired = models.BooleanField(
        _("retired"), default=False, help_text=_("No longer asked; earlier answers are kept.")
    )

    objects = scoped_manager("programme")

    class Meta:
        ordering = ["programme", "retired", "order", "pk"]
        verbose_name = _("anchoring question")
        verbose_name_plural = _("anchoring questions")

    def __str__(self) -> str:
        return self.text

    def get_permission_programme(self) -> Programme:
        return self.programme

    def applies(self, kind: str) -> bool:
        """Whether the question is asked of a subject of ``kind`` ("initiative", "proposal")."""
        return self.applies_to == AppliesTo.BOTH or self.applies_to == f"{kind}s"


class OnSubject(models.Model):
    """What belongs to one subject: an initiative or a proposal, never both."""

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(initiative__isnull=False, proposal__isnull=True)
                    | models.Q(initiative__isnull=True, proposal__isnull=False)
                ),
                name="%(class)s_one_subject",
            )
        ]

    @property
    def subject(self) -> Initiative | Proposal:
        return self.initiative if self.initiative_id else self.proposal

    def get_permission_programme(self) -> Programme:
        return self.subject.programme

    def is_owned_by(self, user: Any) -> bool:
        return bool(self.subject.is_owned_by(user))

    def clean_subject(self) -> None:
        if bool(self.initiative_id) == bool(self.proposal_id):
            raise ValidationError(_("Give either an initiative or a proposal."))


class AnchoringAnswer(OnSubject):
    """A subject's answer to one checklist question: yes, partly, no or not relevant, with a
    comment, a date and who answered. ``question_text`` keeps the wording it answered."""

    question = models.ForeignKey(
        ChecklistQuestion,
        verbose_name=_("question"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    status = models.CharField(_("status"), max_length=12, choices=AnswerStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    answered_on = models.DateField(_("date"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    question_text = models.CharField(_("question when answered"), max_length=300, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = scoped_manager(SUBJECT_PATHS, owner_path="initiative__owner")

    class Meta(OnSubject.Meta):
        ordering = ["question__order", "pk"]
        verbose_name = _("anchoring answer")
        verbose_name_plural = _("anchoring answers")
        constraints = [
            *OnSubject.Meta.constraints,
            models.UniqueConstraint(
                fields=["question", "initiative"],
                condition=models.Q(initiative__isnull=False),
                name="unique_anchoring_answer_initiative",
            ),
            models.UniqueConstraint(
                fields=["question", "proposal"],
                condition=models.Q(proposal__isnull=False),
                name="unique_anchoring_answer_proposal",
            ),
        ]

    def __str__(self) -> str:
        reference = self.initiative.code if self.initiative_id else self.proposal.reference
        return f"{reference}: {self.question_text or self.question.text}"

    def clean(self) -> None:
        self.clean_subject()
        if self.question.programme_id != self.subject.programme_id:
            raise ValidationError({"question": _("The question belongs to another programme.")})


class LeadershipCommitment(OnSubject):
    """Whether the leadership of one participating organisation has committed it to the
    subject, in which document (business plan, allocation letter, governance dialogue
    minutes), when and who confirmed it."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="leadership_commitments",
    )
    committed = models.BooleanField(_("leadership has committed"), default=False)
    document = models.CharField(
        _("document"), max_length=20, choices=CommitmentDocument.choices, blank=True
    )
    reference = models.CharField(
        _("reference"), max_length=300, blank=True, help_text=_("Which letter, plan or meeting.")
    )
    committed_on = models.DateField(_("date"), null=True, blank=True)
    confirmed_by = models.CharField(
        _("confirmed by"), max_length=200, blank=True, help_text=_("Name and role.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = scoped_manager(SUBJECT_PATHS, owner_path="initiative__owner")

    class Meta(OnSubject.Meta):
        ordering = ["organisation__name", "pk"]
        verbose_name = _("leadership commitment")
        verbose_name_plural = _("leadership commitments")
        constraints = [
            *OnSubject.Meta.constraints,
            models.UniqueConstraint(
                fields=["organisation", "initiative"],
                condition=models.Q(initiative__isnull=False),
                name="unique_commitment_initiative",
            ),
            models.UniqueConstraint(
                fields=["organisation", "proposal"],
                condition=models.Q(proposal__isnull=False),
                name="unique_commitment_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.subject}"

    def clean(self) -> None:
        self.clean_subject()
        if not self.committed:
            return
        errors: dict[str, Any] = {}
        if not self.document:
            errors["document"] = _("Say in which document the leadership committed.")
        if self.committed_on is None:
            errors["committed_on"] = _("Give the date of the commitment.")
        if not self.confirmed_by.strip():
            errors["confirmed_by"] = _("Say who confirmed the commitment.")
        if errors:
            raise ValidationError(errors)


class RaciAssignment(models.Model):
    """Who in an organisation is Responsible, Accountable, Consulted or Informed for an
    initiative or a benefit (ansvarsmatrise)."""

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    benefit = models.ForeignKey(
        Benefit,
        verbose_name=_("benefit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.CharField(_("person or role"), max_length=200)
    letter = models.CharField(_("role"), max_length=1, choices=RaciLetter.choices)

    objects = scoped_manager(
        ("initiative__programme", "benefit__programme"), owner_path="initiative__owner"
    )

    class Meta:
        ordering = ["organisation__name", "letter", "person", "pk"]
        verbose_name = _("RACI role")
        verbose_name_plural = _("RACI roles")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(initiative__isnull=False, benefit__isnull=True)
                    | models.Q(initiative__isnull=True, benefit__isnull=False)
                ),
                name="raci_one_subject",
            ),
            models.UniqueConstraint(
                fields=["initiative", "organisation", "person", "letter"],
                condition=models.Q(initiative__isnull=False),
                name="unique_raci_initiative",
            ),
            models.UniqueConstraint(
                fields=["benefit", "organisation", "person", "letter"],
                condition=models.Q(benefit__isnull=False),
                name="unique_raci_benefit",
            ),
        ]

    def __str__(self) -> str:
        subject = self.initiative.code if self.initiative_id else self.benefit.code
        return f"{subject} {self.letter} {self.person} ({self.organisation.label})"

    @property
    def subject(self) -> Initiative | Benefit:
        return self.initiative if self.initiative_id else self.benefit

    def get_permission_programme(self) -> Programme:
        return self.subject.programme

    def is_owned_by(self, user: Any) -> bool:
        return bool(self.subject.is_owned_by(user))

    def clean(self) -> None:
        if bool(self.initiative_id) == bool(self.benefit_id):
            raise ValidationError(_("Give either an initiative or a benefit."))
        if not self.person.strip():
            raise ValidationError({"person": _("Name a person or a role.")})
