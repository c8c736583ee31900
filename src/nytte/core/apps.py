from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "nytte.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .naturalsort import register_sqlite_collation
        from .session_timeout import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="nytte-session-stamp")

        connection_created.connect(register_sqlite_collation, dispatch_uid="nytte-natural-sort")

        from django.db.models.signals import post_migrate

        from .records import install_after_migrate, register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="nytte-records-purge")
        # After every migrate (re-creating is idempotent; missing tables are skipped).
        post_migrate.connect(install_after_migrate, dispatch_uid="nytte-records-triggers")
