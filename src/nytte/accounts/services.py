"""Account hygiene: a disabled user's sessions and API tokens end at once.

The rule sits on the user model's save (``pre_save``), so it holds however the account is
disabled: ``user_disable``, the Django admin, a command or the shell."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from nytte.core import history
from nytte.core.actors import Actor, System
from nytte.core.models import ApiToken, User
from nytte.core.permissions import check_site_admin

logger = logging.getLogger("nytte.security")
DISABLING = System("account-disabled")


def end_sessions_of(user: User) -> int:
    """Delete every unexpired session logged in as ``user``; return how many."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def end_access_of(user: User) -> None:
    """End all of a user's sessions and delete their API tokens (each deletion logged)."""
    sessions = end_sessions_of(user)
    tokens = list(ApiToken.objects.filter(user=user))
    for token in tokens:
        history.log_delete(token, acting_user=DISABLING)
    ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).delete()
    logger.info("Disabled user: %s sessions and %s API tokens ended", sessions, len(tokens))


def end_access_of_disabled_user(sender: Any, instance: User, **kwargs: Any) -> None:
    """``pre_save`` of a user: when ``is_active`` turns false, end the user's access (in the
    save's transaction, so a failed save leaves it as it was)."""
    if instance.pk is None or instance.is_active or kwargs.get("raw"):
        return
    was_active = User.objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        end_access_of(instance)


@transaction.atomic
def user_disable(*, user: User, acting_user: Actor) -> User:
    """Disable an account (site administrators only); its sessions and tokens end."""
    check_site_admin(acting_user)
    if user.is_active:
        before = history.snapshot(user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        history.log_update(user, acting_user=acting_user, before=before)
    return user
