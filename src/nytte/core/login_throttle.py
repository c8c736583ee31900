"""Brute-force protection for local accounts, on every password login (/accounts/login/,
/admin/login/, anything that calls ``authenticate``): failed attempts are counted per
account and per client address in the database (``nytte.core.throttle``, shared by every
worker process). Past ``LOGIN_MAX_FAILURES_PER_ACCOUNT`` failures for an account, or
``LOGIN_MAX_FAILURES_PER_ADDRESS`` from an address, within ``LOGIN_LOCKOUT_MINUTES``, no
password is accepted, the right one included, until the window has passed; the account's
owner is e-mailed when their account is locked. Attempts are logged without secrets.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import throttle
from .models import User

logger = logging.getLogger("nytte.security")
ACCOUNT = "login-account"
ADDRESS = "login-address"


def _window() -> int:
    return settings.LOGIN_LOCKOUT_MINUTES * 60


def _account(username: str | None) -> str:
    return (username or "").strip().casefold()


def locked(request: HttpRequest | None, username: str | None) -> bool:
    """Whether a login for ``username`` from this request's address is refused now."""
    window = _window()
    if throttle.exceeded(
        ACCOUNT,
        _account(username),
        limit=settings.LOGIN_MAX_FAILURES_PER_ACCOUNT,
        window=window,
    ):
        return True
    return request is not None and throttle.exceeded(
        ADDRESS,
        throttle.client_address(request),
        limit=settings.LOGIN_MAX_FAILURES_PER_ADDRESS,
        window=window,
    )


def _tell_owner(username: str) -> None:
    user = User.objects.filter(username__iexact=username).first()
    if user is None or not user.email:
        return
    send_mail(
        _("Your Nytte account is locked for a while"),
        _(
            "Someone tried to log in to your Nytte account (%(username)s) with a wrong "
            "password %(count)s times. To protect it, no login is accepted for "
            "%(minutes)s minutes. If this was not you, tell your administrator and change "
            "your password when the lock ends."
        )
        % {
            "username": user.username,
            "count": settings.LOGIN_MAX_FAILURES_PER_ACCOUNT,
            "minutes": settings.LOGIN_LOCKOUT_MINUTES,
        },
        None,
        [user.email],
        fail_silently=True,
    )


def record_failure(request: HttpRequest | None, username: str | None) -> None:
    """Count a failed attempt for the account and the address; tell the owner once, when
    the account's count reaches the limit."""
    window = _window()
    account = _account(username)
    failures = throttle.hit(ACCOUNT, account, window=window)
    address = throttle.client_address(request) if request is not None else "unknown"
    throttle.hit(ADDRESS, address, window=window)
    logger.warning("Failed login (attempt %s for this account in the window)", failures)
    if failures == settings.LOGIN_MAX_FAILURES_PER_ACCOUNT:
        logger.warning("Account locked for %s minutes", settings.LOGIN_LOCKOUT_MINUTES)
        _tell_owner(account)


class ThrottledModelBackend(ModelBackend):
    """Django's password check, refused while the account or the address is locked."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        if locked(request, username):
            logger.warning("Login refused: too many failed attempts")
            if request is not None:
                request.login_locked = True  # type: ignore[attr-defined]
            # PermissionDenied stops ``authenticate`` trying other backends.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(request, username)
        else:
            throttle.reset(ACCOUNT, _account(username), window=_window())
        return user


class LockoutMessage:
    """Login forms say so when the login was refused for too many failed attempts."""

    request: HttpRequest | None

    def get_invalid_login_error(self) -> forms.ValidationError:
        if getattr(self.request, "login_locked", False):
            return forms.ValidationError(
                _("Too many failed logins. Try again in %(minutes)s minutes."),
                code="locked",
                params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            )
        return super().get_invalid_login_error()  # type: ignore[misc]


class LoginForm(LockoutMessage, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMessage, AdminAuthenticationForm):
    pass
