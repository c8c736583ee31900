"""A user's single sign-on identities: the issuer and the subject, never an e-mail address
and never a national identity number."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExternalIdentity(models.Model):
    """That a user is ``subject`` at the identity provider ``issuer`` (the ID token's ``iss``
    and ``sub``). A user is found by this pair only: e-mail addresses change and are not
    verified the same way by every provider."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="external_identities",
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="unique_issuer_subject")
        ]

    def __str__(self) -> str:
        return f"{self.issuer} · {self.subject}"
