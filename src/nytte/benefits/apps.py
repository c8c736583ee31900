from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "nytte.benefits"
    label = "benefits"
    verbose_name = _("Benefits")

    def ready(self) -> None:
        # After a change commits, the worker computes what the pages' first views would.
        from nytte.core import registercache

        from . import warm

        registercache.register_warmer(
            warm.warm_portfolio, reads=registercache.PORTFOLIO, each_language=False
        )
        registercache.register_warmer(warm.warm_follow_up, reads=registercache.REALISATION)
        registercache.register_warmer(
            warm.warm_plan, reads=registercache.PORTFOLIO, each_language=False
        )
