from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CostBenefitConfig(AppConfig):
    name = "nytte.costbenefit"
    label = "costbenefit"
    verbose_name = _("Cost-benefit analysis")
