from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .permissions import member_programmes
from .selectors import programme_list


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The programmes a user can switch between, for the header."""
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"oidc_enabled": settings.OIDC_ENABLED, "nav_programmes": []}
    if user is not None and user.is_authenticated:
        # A site administrator sees every programme; everyone else the ones they have a
        # role in, already read with their roles (every role may view its programme).
        superuser = user.is_superuser and user.is_active
        context["nav_programmes"] = (
            programme_list(user=user) if superuser else member_programmes(user)
        )
    return context
