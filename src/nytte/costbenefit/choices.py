from django.db import models
from django.utils.translation import gettext_lazy as _


class LineKind(models.TextChoices):
    COST = "cost", _("Cost")
    BENEFIT = "benefit", _("Benefit")


class LineCategory(models.TextChoices):
    """The engine's categories: investment, operation and other for costs; efficiency,
    quality, external and other for benefits."""

    INVESTMENT = "investment", _("Investment")
    OPERATION = "operation", _("Operation")
    EFFICIENCY = "efficiency", _("Efficiency gain")
    QUALITY = "quality", _("Quality gain")
    EXTERNAL = "external", _("Gain for others")
    OTHER = "other", _("Other")


COST_CATEGORIES = {LineCategory.INVESTMENT, LineCategory.OPERATION, LineCategory.OTHER}
BENEFIT_CATEGORIES = {
    LineCategory.EFFICIENCY,
    LineCategory.QUALITY,
    LineCategory.EXTERNAL,
    LineCategory.OTHER,
}


class DistributionChoice(models.TextChoices):
    PERT = "pert", _("PERT")
    TRIANGULAR = "triangular", _("Triangular")
