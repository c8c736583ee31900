"""Kept versions of benefits realisation plans."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Programme
from nytte.core.querysets import scoped_manager
from nytte.portfolio.models import Initiative

from ..choices import PlanStatus


class RealisationPlan(models.Model):
    """A kept version of a benefits realisation plan (gevinstrealiseringsplan) for one
    initiative or, with no initiative, the whole programme, kept as it was built when the
    version was saved, so every version renders as it was: ``content`` is the plan's
    summary (``plan.tables``) and each of its benefits is a ``RealisationPlanBenefit``, so
    a page of a version at national size reads a page of rows, not the whole plan.
    Versions saved before that hold the whole plan in ``content``. A programme's plan of
    more than ``services.plans.BACKGROUND_OVER`` benefits is saved by ``nytte worker``: its
    version is numbered at once and ``status`` says when it is ready."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="realisation_plans",
    )
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="realisation_plans",
    )
    version = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    content = models.JSONField(_("content"), editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.SAVED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    objects = scoped_manager("programme")

    class Meta:
        ordering = ["programme", "initiative", "-version"]
        verbose_name = _("benefits realisation plan")
        verbose_name_plural = _("benefits realisation plans")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "initiative", "version"], name="unique_plan_version"
            ),
            # The programme-wide plan has no initiative, and NULLs never clash in the above.
            models.UniqueConstraint(
                fields=["programme", "version"],
                condition=models.Q(initiative__isnull=True),
                name="unique_programme_plan_version",
            ),
        ]

    def __str__(self) -> str:
        scope = self.initiative.code if self.initiative_id else self.programme.name
        return f"{scope} v{self.version}"

    def get_permission_programme(self) -> Programme:
        return self.programme

    def is_owned_by(self, user: Any) -> bool:
        return self.initiative.is_owned_by(user) if self.initiative_id else False


class RealisationPlanBenefit(models.Model):
    """One benefit of a saved realisation plan, as the plan showed it then."""

    plan = models.ForeignKey(
        RealisationPlan,
        verbose_name=_("benefits realisation plan"),
        on_delete=models.CASCADE,
        related_name="benefit_rows",
    )
    position = models.PositiveIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=30)
    content = models.JSONField(_("content"), editable=False)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("benefit of a saved plan")
        verbose_name_plural = _("benefits of saved plans")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_plan_benefit_code"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.code}"


class PlanFile(models.Model):
    """A realisation plan as a Word or Excel file, built by ``nytte worker`` for a plan too
    large to build while the browser waits (``services.plans.BACKGROUND_OVER`` benefits):
    for a saved version (``plan``), or for the current plan as of the programme's register
    versions (``versions``), in one format and language. Kept as a cache: a current plan's
    file goes when the register moves on and another is asked for, any file after
    ``services.plans.FILES_KEPT_DAYS``."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+"
    )
    plan = models.ForeignKey(
        RealisationPlan,
        verbose_name=_("benefits realisation plan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="files",
    )
    versions = models.CharField(_("register versions"), max_length=100, blank=True)
    format = models.CharField(_("format"), max_length=4)
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(
        _("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.SAVING
    )
    data = models.BinaryField(_("file"), editable=False, default=bytes)
    created_at = models.DateTimeField(_("asked for"), auto_now_add=True)

    class Meta:
        verbose_name = _("realisation plan file")
        verbose_name_plural = _("realisation plan files")
        indexes = [models.Index(fields=["programme", "plan", "versions"])]

    def __str__(self) -> str:
        return f"{self.plan or self.programme} {self.versions} {self.format} {self.language}"
