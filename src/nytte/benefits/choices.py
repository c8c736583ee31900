from django.db import models
from django.utils.translation import gettext_lazy as _


class BenefitKind(models.TextChoices):
    """The three kinds the state tells apart (domain §5)."""

    EFFICIENCY = "efficiency", _("Efficiency gain for the state")
    QUALITY = "quality", _("Quality gain for the state")
    OTHERS = "others", _("Gain for others")


class BeneficiaryGroup(models.TextChoices):
    """Where a benefit arises when it is not in one organisation."""

    CITIZENS = "citizens", _("Citizens")
    BUSINESSES = "businesses", _("Businesses")
    MUNICIPALITIES = "municipalities", _("Municipalities")
    PRIVATE_SECTOR = "private_sector", _("Private sector")


class BenefitStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    PLANNED = "planned", _("Planned")
    REALISING = "realising", _("Being realised")
    REALISED = "realised", _("Realised")
    LOST = "lost", _("Lost")


class Direction(models.TextChoices):
    """Whether the indicator should go up or down for the benefit to be realised."""

    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every half year")
    YEARLY = "yearly", _("Yearly")


# Months between measurements, for finding overdue ones.
FREQUENCY_MONTHS: dict[str, int] = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.HALF_YEARLY: 6,
    Frequency.YEARLY: 12,
}


class PlanStatus(models.TextChoices):
    """A saved realisation plan version: a large one is saved by ``nytte worker``."""

    SAVING = "saving", _("Being saved")
    SAVED = "saved", _("Saved")
    FAILED = "failed", _("Could not be saved")
