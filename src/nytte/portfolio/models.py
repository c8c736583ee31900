"""The portfolio register: what is already going on, that every proposal is weighed against."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nytte.core.choices import Role
from nytte.core.models import Organisation, OrganisationMembership, Programme
from nytte.core.naturalsort import COLLATION
from nytte.core.querysets import scoped_manager

from .choices import (
    DECISION_POINT_INTO,
    CostCategory,
    DependencyKind,
    GoalLevel,
    Phase,
    RiskStatus,
    StatusColour,
)

YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]
CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Use letters, digits, dot, dash and underscore, starting with a letter or digit."),
)


class LifeEvent(models.Model):
    """A life event (livshendelse) from the national digitalisation strategy, shared across
    programmes: services are joined up around them."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short address"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    responsible = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible ministry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("life event")
        verbose_name_plural = _("life events")

    def __str__(self) -> str:
        return self.name


class Goal(models.Model):
    """A goal in the programme's hierarchy: the societal goal (samfunnsmål) with impact goals
    (effektmål) under it. Weights rank contributions when prioritising."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="goals"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent goal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    level = models.CharField(_("level"), max_length=10, choices=GoalLevel.choices)
    code = models.CharField(
        _("code"), max_length=20, validators=[CODE_VALIDATOR], db_collation=COLLATION
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )

    objects = scoped_manager("programme")

    class Meta:
        ordering = ["programme", "code"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_goal_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_permission_programme(self) -> Programme:
        return self.programme

    def clean(self) -> None:
        if self.level == GoalLevel.SOCIETAL and self.parent_id:
            raise ValidationError({"parent": _("A societal goal has no parent goal.")})
        if self.level == GoalLevel.IMPACT:
            if not self.parent_id:
                raise ValidationError({"parent": _("An impact goal serves a societal goal.")})
            if self.parent.level != GoalLevel.SOCIETAL:
                raise ValidationError({"parent": _("An impact goal serves a societal goal.")})
        if self.parent_id and self.parent.programme_id != self.programme_id:
            raise ValidationError({"parent": _("The parent goal belongs to another programme.")})


class Initiative(models.Model):
    """An initiative (tiltak): a project or activity in the programme's portfolio, owned by
    one organisation, often with others taking part."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="initiatives",
    )
    code = models.CharField(
        _("code"),
        max_length=30,
        validators=[CODE_VALIDATOR],
        db_collation=COLLATION,
        help_text=_("A stable short key, unique within the programme, e.g. FI-12."),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owning organisation"),
        on_delete=models.PROTECT,
        related_name="owned_initiatives",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("initiative owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_initiatives",
    )
    participants = models.ManyToManyField(
        Organisation,
        verbose_name=_("participating organisations"),
        blank=True,
        related_name="participating_initiatives",
    )
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, default=Phase.IDEA)
    status = models.CharField(
        _("status"), max_length=6, choices=StatusColour.choices, default=StatusColour.GREEN
    )
    status_reason = models.CharField(_("reason for status"), max_length=500, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    mandatory = models.BooleanField(
        _("mandatory"), default=False, help_text=_("Required by law or decision; always kept.")
    )
    digitalisation = models.BooleanField(
        _("digitalisation project"),
        default=True,
        help_text=_("Digitalisation projects need external quality assurance above NOK 300 m."),
    )
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_(
            "Show the title, purpose, organisations, phase and life events on the public "
            "overview and in the open-data feed, if the programme publishes its overview."
        ),
    )
    goals = models.ManyToManyField(
        Goal, through="InitiativeGoal", verbose_name=_("goals"), blank=True
    )
    life_events = models.ManyToManyField(
        LifeEvent, verbose_name=_("life events"), blank=True, related_name="initiatives"
    )
    # Sums of the cost lines, kept by the services so lists sort and total without a join.
    cost_low = models.BigIntegerField(_("total cost, low (NOK)"), default=0, editable=False)
    cost_likely = models.BigIntegerField(
        _("total cost, most likely (NOK)"), default=0, editable=False
    )
    cost_high = models.BigIntegerField(_("total cost, high (NOK)"), default=0, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Moves on with every saved change: the optimistic lock of forms and the API's ETag
    # (``nytte.core.concurrency``).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = scoped_manager("programme", owner_path="owner")

    class Meta:
        ordering = ["programme", "code"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_initiative_code")
        ]
        indexes = [
            models.Index(fields=["programme", "phase", "status"]),
            # The harmonisation index checks the newest change before every query
            # (proposals.matching.index): read here, not by scanning every row.
            models.Index(fields=["programme", "updated_at"], name="initiative_updated"),
            # The public typing box checks the published rows on every keystroke.
            models.Index(
                fields=["programme", "updated_at"],
                condition=models.Q(published=True),
                name="initiative_published",
            ),
            # The overview's roadmap reads the earliest planned starts in this order rather
            # than sorting every initiative of the programme.
            models.Index(fields=["programme", "planned_start"], name="initiative_roadmap"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "portfolio:initiative", kwargs={"slug": self.programme.slug, "code": self.code}
        )

    def get_permission_programme(self) -> Programme:
        return self.programme

    def is_owned_by(self, user: Any) -> bool:
        """The named owner, or someone with the owner role in the owning organisation."""
        if self.owner_id is not None and self.owner_id == user.pk:
            return True
        return OrganisationMembership.objects.filter(
            user=user, organisation_id=self.owner_organisation_id, role=Role.OWNER
        ).exists()

    @property
    def decision_point(self) -> str:
        return DECISION_POINT_INTO[self.phase]

    def clean(self) -> None:
        # Collect every broken rule, so a form shows them all at once.
        errors: dict[str, str] = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The end cannot come before the start.")
        if self.status != StatusColour.GREEN and not (self.status_reason or "").strip():
            errors["status_reason"] = _("Give a reason when the status is yellow or red.")
        if errors:
            raise ValidationError(errors)


class InitiativeGoal(models.Model):
    """How much an initiative contributes to a goal."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="goal_links")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="initiative_links")
    contribution = models.DecimalField(
        _("contribution weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    objects = scoped_manager("initiative__programme", owner_path="initiative__owner")

    class Meta:
        verbose_name = _("contribution to goal")
        verbose_name_plural = _("contributions to goals")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "goal"], name="unique_initiative_goal")
        ]

    def __str__(self) -> str:
        return f"{self.initiative.code} → {self.goal.code}"

    def get_permission_programme(self) -> Programme:
        return self.initiative.programme

    def clean(self) -> None:
        if self.goal.programme_id != self.initiative.programme_id:
            raise ValidationError({"goal": _("The goal belongs to another programme.")})


class CostLine(models.Model):
    """One organisation's cost for an initiative in one year, as low / most likely / high."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="costs"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("paying organisation"),
        on_delete=models.PROTECT,
        related_name="cost_lines",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    category = models.CharField(_("category"), max_length=12, choices=CostCategory.choices)
    low = models.BigIntegerField(_("low (NOK)"), validators=[MinValueValidator(0)])
    likely = models.BigIntegerField(_("most likely (NOK)"), validators=[MinValueValidator(0)])
    high = models.BigIntegerField(_("high (NOK)"), validators=[MinValueValidator(0)])
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = scoped_manager("initiative__programme", owner_path="initiative__owner")

    class Meta:
        ordering = ["initiative", "year", "organisation", "category"]
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organisation", "year", "category"],
                name="unique_cost_line",
            ),
            models.CheckConstraint(
                condition=models.Q(low__lte=models.F("likely"))
                & models.Q(likely__lte=models.F("high")),
                name="cost_low_likely_high_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative.code} {self.year} {self.get_category_display()}"

    def get_permission_programme(self) -> Programme:
        return self.initiative.programme

    def is_owned_by(self, user: Any) -> bool:
        return self.initiative.is_owned_by(user)

    def clean(self) -> None:
        if None in (self.low, self.likely, self.high):
            return
        if not self.low <= self.likely <= self.high:
            raise ValidationError(
                _("The amounts must satisfy low ≤ most likely ≤ high."), code="cost_order"
            )


class Dependency(models.Model):
    """That one initiative requires, enables or conflicts with another."""

    source = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="dependencies_out",
    )
    target = models.ForeignKey(
        Initiative,
        verbose_name=_("other initiative"),
        on_delete=models.CASCADE,
        related_name="dependencies_in",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DependencyKind.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = scoped_manager("source__programme", owner_path="source__owner")

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="unique_dependency")
        ]

    def __str__(self) -> str:
        return f"{self.source.code} {self.get_kind_display().lower()} {self.target.code}"

    def get_permission_programme(self) -> Programme:
        return self.source.programme

    def is_owned_by(self, user: Any) -> bool:
        return self.source.is_owned_by(user)


class Risk(models.Model):
    """A risk to an initiative, scored by probability and consequence on 1–5 scales."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="risks"
    )
    title = models.CharField(_("risk"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    probability = models.PositiveSmallIntegerField(
        _("probability (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    consequence = models.PositiveSmallIntegerField(
        _("consequence (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    owner = models.CharField(_("risk owner"), max_length=200, blank=True)
    mitigation = models.TextField(_("mitigation"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RiskStatus.choices, default=RiskStatus.OPEN
    )

    objects = scoped_manager("initiative__programme", owner_path="initiative__owner")

    class Meta:
        ordering = ["initiative", "-probability", "-consequence", "title"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.probability * self.consequence

    def get_permission_programme(self) -> Programme:
        return self.initiative.programme

    def is_owned_by(self, user: Any) -> bool:
        return self.initiative.is_owned_by(user)


class StatusReport(models.Model):
    """A periodic status report: overall and per dimension, with commentary."""

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="status_reports",
    )
    period = models.CharField(
        _("period"), max_length=20, help_text=_("For example 2026-T3 or 2026-09.")
    )
    overall = models.CharField(_("overall"), max_length=6, choices=StatusColour.choices)
    plan = models.CharField(_("plan"), max_length=6, choices=StatusColour.choices)
    cost = models.CharField(_("cost"), max_length=6, choices=StatusColour.choices)
    benefits = models.CharField(_("benefits"), max_length=6, choices=StatusColour.choices)
    stakeholders = models.CharField(_("stakeholders"), max_length=6, choices=StatusColour.choices)
    risk = models.CharField(_("risk"), max_length=6, choices=StatusColour.choices)
    commentary = models.TextField(_("commentary"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = scoped_manager("initiative__programme", owner_path="initiative__owner")

    class Meta:
        ordering = ["initiative", "-period"]
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "period"], name="unique_status_period")
        ]

    def __str__(self) -> str:
        return f"{self.initiative.code} {self.period}"

    def get_permission_programme(self) -> Programme:
        return self.initiative.programme

    def is_owned_by(self, user: Any) -> bool:
        return self.initiative.is_owned_by(user)
