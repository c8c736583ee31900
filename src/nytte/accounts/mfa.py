"""A second factor for local accounts: a time-based one-time code (TOTP, RFC 6238) from an
authenticator app, through django-otp.

Optional for everyone; required for programme administrators and site administrators when
``MFA_REQUIRED_FOR_ADMINS`` is set. A user who has a confirmed device (or must have one)
reaches no page until the code is given: ``SecondFactorMiddleware`` sends them to the
verify (or enrol) page, and their session is no login at all for the API. Giving the code
rotates the session key. Wrong codes are throttled by django-otp (growing delays)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from nytte.core.choices import Role
from nytte.core.models import ProgrammeMembership

logger = logging.getLogger("nytte.security")
# Paths a half-logged-in user may still reach: the second-factor pages themselves, logging
# out, static files and the language switch.
OPEN_PREFIXES = ("/accounts/otp/", "/logout/", "/static/", "/i18n/", "/oidc/logout/")
PENDING = "_nytte_second_factor_owed"


def must_use_second_factor(user: Any) -> bool:
    """Whether the setting requires this user to have a second factor."""
    if not settings.MFA_REQUIRED_FOR_ADMINS:
        return False
    return bool(
        user.is_superuser
        or ProgrammeMembership.objects.filter(user=user, role=Role.PROGRAMME_ADMIN).exists()
    )


def owes_second_factor(user: Any) -> bool:
    """Whether a user who logs in must give a code (has a device, or must have one)."""
    return user_has_device(user) or must_use_second_factor(user)


def mark_login(
    sender: Any, request: HttpRequest | None = None, user: Any = None, **kw: Any
) -> None:
    """At login (``user_logged_in``): note in the session whether the second step is owed,
    so that later requests need no query to know."""
    if request is not None and hasattr(request, "session") and user is not None:
        # Single sign-on brings its own factors (the provider's, required by acr): the
        # second factor here is for local accounts.
        single_sign_on = getattr(user, "backend", "").endswith(".OIDCBackend")
        request.session[PENDING] = not single_sign_on and owes_second_factor(user)


def needs_second_step(request: HttpRequest) -> bool:
    """A logged-in session that owes the second step and has not given it."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False) or not hasattr(request, "session"):
        return False
    if not request.session.get(PENDING):
        return False
    return not getattr(user, "is_verified", lambda: False)()


class SecondFactorMiddleware:
    """After django-otp's ``OTPMiddleware``: pages send a user who still owes the second
    step to it; the API treats such a session as no login (a bearer token is unaffected)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if needs_second_step(request):
            path = request.path
            if path.startswith("/api/"):
                request.user = AnonymousUser()
            elif not path.startswith(OPEN_PREFIXES):
                target = "otp_verify" if user_has_device(request.user) else "otp_setup"
                return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, device: TOTPDevice | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().replace(" ", "")
        allowed, _info = self.device.verify_is_allowed() if self.device else (False, None)
        if not allowed:
            raise forms.ValidationError(_("Too many wrong codes. Wait a little and try again."))
        if self.device is None or not self.device.verify_token(code):
            logger.warning("Wrong second-factor code")
            raise forms.ValidationError(_("The code is wrong or too old."))
        return code


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _complete(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    request.session.cycle_key()  # a new session key once the second factor is given
    otp_login(request, device)
    request.session[PENDING] = False
    return redirect(_next(request))


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of a login: the current code from the user's app."""
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse('otp_setup')}?next={_next(request)}")
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        return _complete(request, device)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Turn the second factor on (scan the key, give a code) or off (give a code, unless it
    is required)."""
    user = request.user
    confirmed = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if confirmed is not None:
        if needs_second_step(request):
            return redirect(f"{reverse('otp_verify')}?next={request.path}")
        form = CodeForm(request.POST or None, device=confirmed)
        required = must_use_second_factor(user)
        if request.method == "POST" and not required and form.is_valid():
            TOTPDevice.objects.filter(user=user).delete()
            logger.info("Second factor turned off")
            return redirect("otp_setup")
        return render(
            request,
            "accounts/otp_setup.html",
            {"form": form, "enabled": True, "required": required},
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Nytte", confirmed=False)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        logger.info("Second factor turned on")
        return _complete(request, device)
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "enabled": False,
            "required": must_use_second_factor(user),
            "secret": _base32(device),
            "config_url": device.config_url,
            "qr_code": qr_svg(device.config_url),
            "next": _next(request),
        },
    )


def qr_svg(url: str) -> SafeString:
    """The key as a QR code for a phone's camera, drawn inline as SVG by segno: no image
    request, no third party, and the secret never leaves the page."""
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff", omitsize=False)
    label = escape(_("QR code with the key for your authenticator app"))
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))


def _base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
