"""Decisions and the portfolio baselines they freeze."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Organisation, Programme
from nytte.core.querysets import scoped_manager
from nytte.scenarios.models import Scenario

from ..choices import DialogueItemKind, Outcome
from .cases import CaseOption, DecisionCase
from .forums import Forum, Meeting


class Decision(models.Model):
    """A forum's decision (vedtak) on a case, with a frozen copy of what it rested on
    (``inputs``: scores and weights, the cost-benefit snapshot, the scenario, the options).
    Immutable once saved: an amendment is a new version that points to the one it amends."""

    case = models.ForeignKey(
        DecisionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="decisions"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    amends = models.OneToOneField(
        "self",
        verbose_name=_("amends"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amended_by",
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    option = models.ForeignKey(
        CaseOption,
        verbose_name=_("option chosen"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    rationale = models.TextField(_("rationale"))
    conditions = models.TextField(_("conditions"), blank=True)
    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.PROTECT, related_name="decisions"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forum members taking part"),
        blank=True,
        related_name="+",
    )
    review_date = models.DateField(_("review date"))
    inputs = models.JSONField(_("what the decision rested on"), editable=False, default=dict)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = scoped_manager("case__programme")

    class Meta:
        ordering = ["case", "-version"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="unique_decision_version")
        ]
        indexes = [models.Index(fields=["review_date"])]

    def __str__(self) -> str:
        return f"{self.case.reference} v{self.version}: {self.get_outcome_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        # A decided record never changes; services amend with a new version instead.
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("A decision cannot be changed; record an amendment."))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "governance:decision",
            kwargs={"slug": self.case.programme.slug, "pk": self.pk},
        )

    def get_permission_programme(self) -> Programme:
        return self.case.programme

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("A decision cannot be deleted; record an amendment."))


class Baseline(models.Model):
    """A frozen portfolio baseline: every initiative with its phase, dates, costs per
    organisation and year, benefits and NNV as they stood when a decision changed the
    portfolio (or when the programme office froze one by hand, or from a scenario)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="baselines"
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    label = models.CharField(_("label"), max_length=200)
    decision = models.OneToOneField(
        Decision,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="baseline",
    )
    scenario = models.ForeignKey(
        Scenario,
        verbose_name=_("scenario"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="baselines",
    )
    content = models.JSONField(_("content"), editable=False, default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("frozen by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("frozen"), auto_now_add=True)

    objects = scoped_manager("programme")

    class Meta:
        ordering = ["programme", "-number"]
        verbose_name = _("portfolio baseline")
        verbose_name_plural = _("portfolio baselines")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="unique_baseline_number")
        ]

    def __str__(self) -> str:
        return f"B{self.number} {self.label}"

    def get_absolute_url(self) -> str:
        return reverse(
            "governance:baseline", kwargs={"slug": self.programme.slug, "number": self.number}
        )

    def get_permission_programme(self) -> Programme:
        return self.programme


class DialogueItem(models.Model):
    """Something for the formal governance dialogue between a ministry and an agency: an
    expectation to write into the allocation letter (tildelingsbrev), or a topic for the
    next governance meeting."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="dialogue_items",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DialogueItemKind.choices)
    ministry = models.ForeignKey(
        Organisation, verbose_name=_("ministry"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        Organisation,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("text"))
    case = models.ForeignKey(
        DecisionCase,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dialogue_items",
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dialogue_items",
    )
    budget_year = models.PositiveSmallIntegerField(_("budget year"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = scoped_manager("programme")

    class Meta:
        ordering = ["programme", "ministry", "agency", "kind", "pk"]
        verbose_name = _("governance-dialogue item")
        verbose_name_plural = _("governance-dialogue items")

    def __str__(self) -> str:
        return self.text[:80]

    def get_permission_programme(self) -> Programme:
        return self.programme
