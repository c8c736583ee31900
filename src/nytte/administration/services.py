"""Writes of the administration pages that no other app owns: invitations to a programme and
the first site administrator. Memberships, programmes and organisations are changed through
``nytte.core.services``, goals and life events through ``nytte.portfolio.services``.

Each function is atomic, checks the actor's rights and writes the change log.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nytte.core import history
from nytte.core.actors import Actor, System, actor_user, is_system, require_actor
from nytte.core.choices import Role
from nytte.core.models import Programme, ProgrammeMembership, User, hash_token
from nytte.core.permissions import Action, check, check_site_admin
from nytte.core.services import (
    object_create,
    object_delete,
    object_update,
    programme_membership_add,
)

from .models import Invitation

INVITATION_LIFETIME = dt.timedelta(days=14)
# The membership an invitation grants is added by the system on the invitee's behalf: the
# invitee holds no right to add members, the admin who invited them already decided.
INVITATION_ACTOR = System("invitation")


def invitation_url(token: str) -> str:
    return settings.BASE_URL + reverse("administration:invitation", kwargs={"token": token})


def _send_invitation(invitation: Invitation, token: str) -> None:
    """The e-mail with the link, sent after the transaction commits (never for a rollback)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Invitation to %(programme)s in Nytte") % {
            "programme": invitation.programme.name
        }
        body = _(
            "You are invited to take part in %(programme)s in Nytte as %(role)s.\n\n"
            "Open this link to accept (it works once, until %(expires)s):\n%(url)s\n\n"
            "If you did not expect this invitation, ignore this e-mail."
        ) % {
            "programme": invitation.programme.name,
            "role": Role(invitation.role).label.lower(),
            "expires": timezone.localtime(invitation.expires_at).strftime("%d.%m.%Y %H:%M"),
            "url": invitation_url(token),
        }
    recipient = invitation.email
    transaction.on_commit(
        lambda: send_mail(
            subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=True
        )
    )


@transaction.atomic
def invitation_create(
    *, programme: Programme, email: str, role: str, acting_user: Actor
) -> tuple[Invitation, str]:
    """Invite someone by e-mail to take a role; returns the invitation and the link's secret
    (shown to nobody but the e-mail). A newer invitation to the same address replaces an
    open one."""
    check(acting_user, Action.ADMINISTER, programme)
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if ProgrammeMembership.objects.filter(
        programme=programme, role=role, user__email__iexact=email, user__is_active=True
    ).exists():
        raise ValidationError(
            {"email": _("Someone with this e-mail address already has this role.")},
            code="already_member",
        )
    for old in Invitation.objects.filter(
        programme=programme, email__iexact=email, accepted_at__isnull=True
    ):
        object_delete(old, acting_user=acting_user)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        programme=programme,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by=actor_user(acting_user),
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    object_create(invitation, acting_user=acting_user)
    _send_invitation(invitation, token)
    return invitation, token


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, acting_user: Actor) -> None:
    """Withdraw an invitation that has not been accepted; its link stops working."""
    check(acting_user, Action.ADMINISTER, invitation.programme)
    if invitation.accepted_at is not None:
        raise ValidationError(_("The invitation has already been accepted."), code="accepted")
    object_delete(invitation, acting_user=acting_user)


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's secret belongs to, open or not; None for an unknown one."""
    if not token:
        return None
    return (
        Invitation.objects.select_related("programme").filter(token_hash=hash_token(token)).first()
    )


def _open_invitation(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("programme")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or invitation.accepted_at is not None:
        raise ValidationError(
            _("This invitation link has already been used or withdrawn."), code="used"
        )
    if not invitation.is_open:
        raise ValidationError(
            _("This invitation link has expired. Ask the programme admin for a new one."),
            code="expired",
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User, acting_user: Actor) -> ProgrammeMembership:
    """The invitee (logged in as ``user``) accepts: they get the role, the link is spent."""
    require_actor(acting_user)
    if not is_system(acting_user) and getattr(acting_user, "pk", None) != user.pk:
        raise PermissionDenied
    invitation = _open_invitation(token)
    membership = programme_membership_add(
        programme=invitation.programme,
        user=user,
        role=invitation.role,
        acting_user=INVITATION_ACTOR,
    )
    object_update(
        invitation,
        acting_user=acting_user,
        data={"accepted_at": timezone.now(), "accepted_by": user},
    )
    return membership


@transaction.atomic
def invitation_accept_with_new_account(
    *, token: str, username: str, full_name: str, password: str, acting_user: Actor
) -> User:
    """Someone without an account accepts: an account with the invitation's e-mail address
    and the password they chose, then the role. All or nothing."""
    require_actor(acting_user)
    invitation = _open_invitation(token)
    user = User(username=username.strip(), full_name=full_name.strip(), email=invitation.email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    history.log_create(user, acting_user=user)
    invitation_accept(token=token, user=user, acting_user=user)
    return user


@transaction.atomic
def site_admin_create(*, username: str, email: str, password: str, acting_user: Actor) -> User:
    """A site administrator (Django superuser): creates programmes and organisations, and
    may act in every programme. The first is made with ``nytte createadmin``."""
    check_site_admin(acting_user)
    user = User(username=username.strip(), email=email.strip(), is_staff=True, is_superuser=True)
    if email:
        try:
            validate_email(user.email)
        except ValidationError as exc:
            raise ValidationError({"email": exc.messages}) from exc
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    history.log_create(user, acting_user=acting_user)
    return user
