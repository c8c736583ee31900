"""Single sign-on: map OpenID Connect claims onto local users."""

from __future__ import annotations

from typing import Any

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class OIDCBackend(OIDCAuthenticationBackend):
    """Match users by the stable subject claim, falling back to e-mail for existing accounts."""

    def filter_users_by_claims(self, claims: dict[str, Any]):  # type: ignore[override]
        users = self.UserModel.objects.filter(username=self._username(claims))
        if not users.exists() and claims.get("email"):
            users = self.UserModel.objects.filter(email__iexact=claims["email"])
        return users

    def _username(self, claims: dict[str, Any]) -> str:
        return f"oidc:{claims.get('sub', '')}"[:150]

    def create_user(self, claims: dict[str, Any]):  # type: ignore[override]
        return self.UserModel.objects.create_user(
            username=self._username(claims),
            email=claims.get("email", ""),
            full_name=claims.get("name", ""),
        )

    def update_user(self, user, claims: dict[str, Any]):  # type: ignore[override]
        if claims.get("name") and user.full_name != claims["name"]:
            user.full_name = claims["name"]
            user.save(update_fields=["full_name"])
        return user
