from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnchoringConfig(AppConfig):
    name = "nytte.anchoring"
    label = "anchoring"
    verbose_name = _("Anchoring")

    def ready(self) -> None:
        from nytte.core.signals import programme_created

        from .defaults import on_programme_created

        # A new programme gets the default anchoring checklist.
        programme_created.connect(on_programme_created, dispatch_uid="anchoring-defaults")
