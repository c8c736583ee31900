"""What only a person can tell the co-funding check (medfinansieringsordningen, Digdir): the
amount to apply for, the category and which version of the rules to check against. The other
facts (cost, budget years, NNV, phase, applicant) come from the registers each time, see
``gather``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Programme
from nytte.core.querysets import scoped_manager
from nytte.portfolio.models import Initiative


class CoFundingRulesVersion(models.TextChoices):
    """The versions of the scheme's rules (``nytte.economics.CURRENT_RULES``/``EARLIER_RULES``)."""

    CURRENT = "current", _("Current rules")
    EARLIER = "earlier", _("Earlier rules (with joined-up services)")


class CoFundingCategory(models.TextChoices):
    STANDARD = "standard", _("Standard (up to 50 % funded)")
    JOINED_UP = (
        "joined_up_services",
        _("Joined-up services and life events (earlier rules, up to 85 % funded)"),
    )


class CoFundingFacts(models.Model):
    """One initiative's application facts for the co-funding scheme."""

    initiative = models.OneToOneField(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="cofunding_facts",
    )
    requested = models.BigIntegerField(
        _("amount requested from the scheme (NOK)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Empty: not decided yet; the funded share is then not assessed."),
    )
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=CoFundingCategory.choices,
        default=CoFundingCategory.STANDARD,
    )
    rules = models.CharField(
        _("rules to check against"),
        max_length=10,
        choices=CoFundingRulesVersion.choices,
        default=CoFundingRulesVersion.CURRENT,
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = scoped_manager("initiative__programme", owner_path="initiative__owner")

    class Meta:
        verbose_name = _("co-funding facts")
        verbose_name_plural = _("co-funding facts")

    def __str__(self) -> str:
        return f"{self.initiative.code}"

    def get_permission_programme(self) -> Programme:
        return self.initiative.programme

    def is_owned_by(self, user: Any) -> bool:
        return self.initiative.is_owned_by(user)

    def clean(self) -> None:
        if (
            self.category == CoFundingCategory.JOINED_UP
            and self.rules != CoFundingRulesVersion.EARLIER
        ):
            raise ValidationError(
                {"category": _("Joined-up services were a category under the earlier rules only.")}
            )
