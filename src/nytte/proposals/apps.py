from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "nytte.proposals"
    label = "proposals"
    verbose_name = _("Proposals")

    def ready(self) -> None:
        from nytte.core.signals import programme_created

        from .defaults import on_programme_created

        # A new programme gets its default criteria and qualification questions.
        programme_created.connect(on_programme_created, dispatch_uid="proposals-defaults")
