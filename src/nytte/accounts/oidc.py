"""Single sign-on with OpenID Connect (ID-porten, Ansattporten, Entra ID, Keycloak), through
mozilla-django-oidc: the authorization code flow with PKCE (S256), state and nonce.

The library checks the state, the nonce, the signature against the provider's JWKS (only
``OIDC_RP_SIGN_ALGO``, so ``alg=none`` is refused) and the expiry; this module adds what it
leaves to the application: the issuer, the audience (and ``azp``), a required ``acr`` level,
that userinfo speaks of the same subject, and finding the user by issuer and subject (never
by e-mail). No claim but the name and the e-mail address is kept: the national identity
number (ID-porten's ``pid``) is never stored, and neither are the tokens.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)
from requests import RequestException

from .models import ExternalIdentity

logger = logging.getLogger("nytte.security")
LEEWAY_SECONDS = 60  # clock skew allowed on iat/exp


def _refuse(reason: str) -> None:
    raise SuspiciousOperation(f"OIDC: {reason}")


def check_id_token_claims(payload: dict[str, Any]) -> None:
    """What the library leaves to us (OpenID Connect Core 3.1.3.7): issuer, audience, the
    authorised party, expiry present and not past, and the ``acr`` level when required."""
    if payload.get("iss") != settings.OIDC_ISSUER:
        _refuse("wrong issuer")
    audience = payload.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    client_id = settings.OIDC_RP_CLIENT_ID
    if client_id not in audiences:
        _refuse("wrong audience")
    if len(audiences) > 1 and payload.get("azp") != client_id:
        _refuse("wrong authorised party")
    expires = payload.get("exp")
    if not isinstance(expires, int | float) or expires + LEEWAY_SECONDS < time.time():
        _refuse("expired")
    if not payload.get("sub"):
        _refuse("no subject")
    required = settings.OIDC_ACR_VALUES
    if required and payload.get("acr") not in required:
        _refuse("authentication level too low")


def username_for(issuer: str, subject: str) -> str:
    """A stable, opaque user name for a new single sign-on user (the pair itself is kept in
    ``ExternalIdentity``; a subject may be longer than a user name)."""
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:24]
    return f"sso-{digest}"


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with the checks above and users keyed by
    (issuer, subject). A refused login is logged (without tokens or claims) and gives no
    session."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, RequestException, jwt.PyJWTError) as exc:
            # RequestException: the provider refused the code (e.g. a wrong PKCE verifier);
            # PyJWTError: e.g. an expired token, which the library lets through as is.
            logger.warning("Single sign-on refused: %s", type(exc).__name__)
            logger.info("Single sign-on refused because: %s", str(exc).split("(url")[0][:200])
            return None

    def retrieve_matching_jwk(self, token: str) -> Any:
        """The library's lookup by ``kid``; a token without one (allowed when the provider
        publishes a single key) is checked against that one key, else refused."""
        if "kid" in jwt.get_unverified_header(token):
            return super().retrieve_matching_jwk(token)
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT, timeout=self.get_settings("OIDC_TIMEOUT", None)
        )
        response.raise_for_status()
        keys = response.json().get("keys", [])
        if len(keys) != 1:
            _refuse("no key id")
        return jwt.PyJWK(keys[0])

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature, alg, expiry and nonce; then ours."""
        payload = super().verify_token(token, **kwargs)
        check_id_token_claims(payload)
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]):
        user_info = self.get_userinfo(access_token, id_token, payload)
        if user_info.get("sub") != payload["sub"]:
            _refuse("userinfo speaks of another subject")
        issuer, subject = payload["iss"], payload["sub"]
        with transaction.atomic():
            identity = (
                ExternalIdentity.objects.select_related("user")
                .filter(issuer=issuer, subject=subject)
                .first()
            )
            if identity is None:
                if not self.get_settings("OIDC_CREATE_USER", True):
                    return None
                user = self.UserModel.objects.create_user(
                    username=username_for(issuer, subject),
                    email=str(user_info.get("email", ""))[:254],
                    full_name=str(user_info.get("name", ""))[:200],
                )
                identity = ExternalIdentity.objects.create(
                    user=user, issuer=issuer, subject=subject
                )
                logger.info("Single sign-on created a user")
            ExternalIdentity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now())
        return self.update_user(identity.user, user_info)

    def update_user(self, user, claims: dict[str, Any]):  # type: ignore[override]
        name = str(claims.get("name", ""))[:200]
        if name and user.full_name != name:
            user.full_name = name
            user.save(update_fields=["full_name"])
        return user

    def filter_users_by_claims(self, claims: dict[str, Any]):  # type: ignore[override]
        # Never by e-mail: get_or_create_user finds users by (issuer, subject).
        return self.UserModel.objects.none()


class EnabledOnly:
    """The single sign-on pages exist only when it is configured (else 404)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class AuthenticationRequestView(EnabledOnly, OIDCAuthenticationRequestView):
    pass


class CallbackView(EnabledOnly, OIDCAuthenticationCallbackView):
    """An unknown state (a forged or replayed answer) is a failed login, not a 400 page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except SuspiciousOperation:
            logger.warning("Single sign-on refused: unknown state")
            if request.user.is_authenticated:
                logout(request)
            return self.login_failure()


class LogoutView(EnabledOnly, OIDCLogoutView):
    pass
