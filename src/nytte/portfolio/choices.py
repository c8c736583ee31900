from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    """The phases of the common Norwegian project model (Prosjektveiviseren)."""

    IDEA = "idea", _("Idea")
    CONCEPT = "concept", _("Concept")
    PLAN = "plan", _("Plan")
    EXECUTE = "execute", _("Execute")
    CLOSE = "close", _("Close")
    REALISE = "realise", _("Realise benefits")


# The decision point passed on entering each phase (BP1 mandate for the concept phase, …).
DECISION_POINT_INTO: dict[str, str] = {
    Phase.IDEA: "",
    Phase.CONCEPT: "BP1",
    Phase.PLAN: "BP2",
    Phase.EXECUTE: "BP3",
    Phase.CLOSE: "BP4",
    Phase.REALISE: "BP5",
}


class StatusColour(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class CostCategory(models.TextChoices):
    INVESTMENT = "investment", _("Investment")
    OPERATION = "operation", _("Operation")
    OTHER = "other", _("Other")


class DependencyKind(models.TextChoices):
    REQUIRES = "requires", _("Requires")
    ENABLES = "enables", _("Enables")
    CONFLICTS = "conflicts", _("Conflicts with")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MITIGATING = "mitigating", _("Being mitigated")
    # It happened: opens a revisit item on the decision behind the initiative (governance).
    MATERIALISED = "materialised", _("Materialised")
    CLOSED = "closed", _("Closed")


class GoalLevel(models.TextChoices):
    SOCIETAL = "societal", _("Societal goal")
    IMPACT = "impact", _("Impact goal")


class SizeBand(models.TextChoices):
    """The Digitalisation Council's size bands."""

    SMALL = "small", _("Small (up to NOK 25 m)")
    MEDIUM = "medium", _("Medium (NOK 26–200 m)")
    LARGE = "large", _("Large (over NOK 200 m)")
