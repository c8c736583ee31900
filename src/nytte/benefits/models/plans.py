"""Kept versions of benefits realisation plans."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Programme
from nytte.core.querysets import scoped_manager
from nytte.portfolio.models import Initiative


class RealisationPlan(models.Model):
    """A kept version of a benefits realisation plan (gevinstrealiseringsplan) for one
    initiative or, with no initiative, the whole programme. ``content`` is the plan as it was
    built when the version was saved, so every version renders as it was."""

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
