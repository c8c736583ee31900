"""Step 3: criteria, pairwise judgements, assessments and scores."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Programme
from nytte.core.querysets import scoped_manager

from ..choices import Dimension
from .capture import Proposal


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
