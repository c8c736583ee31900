from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    """Steps 4–5: forums, decision cases, decisions, portfolio baselines and the learning
    loop that follows decisions up."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "nytte.governance"
    verbose_name = _("Governance")
