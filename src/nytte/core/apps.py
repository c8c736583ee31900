from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "nytte.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .naturalsort import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="nytte-natural-sort")
