from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Sign-in beyond the password: single sign-on identities and the second factor."""

    name = "nytte.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_save

        from nytte.core.models import User

        from .mfa import mark_login
        from .services import end_access_of_disabled_user

        pre_save.connect(end_access_of_disabled_user, sender=User, dispatch_uid="nytte-disable")
        user_logged_in.connect(mark_login, dispatch_uid="nytte-second-factor")
