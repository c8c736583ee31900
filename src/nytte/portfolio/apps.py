from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "nytte.portfolio"
    label = "portfolio"
    verbose_name = _("Portfolio")

    def ready(self) -> None:
        # After a change commits, the worker computes what the overview's first view would.
        from nytte.core import registercache

        from .selectors import warm_overview

        registercache.register_warmer(warm_overview, reads=registercache.PORTFOLIO)
