"""The rules behind the administration pages, in the services: memberships (the last
programme admin stays), invitations (hashed, single use, expiry, e-mail on commit), the
programme's settings, participants, life events, site administrators."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nytte.administration import services
from nytte.administration.models import Invitation
from nytte.core import services as core_services
from nytte.core.actors import SYSTEM
from nytte.core.choices import ChangeAction, Role
from nytte.core.models import ChangeLogEntry, ProgrammeMembership, User, hash_token
from nytte.core.permissions import roles_in
from nytte.portfolio import services as portfolio_services
from tests.factories import (
    InitiativeFactory,
    LifeEventFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def admin_membership(programme, user):
    return ProgrammeMembership.objects.get(
        programme=programme, user=user, role=Role.PROGRAMME_ADMIN
    )


# -- memberships --------------------------------------------------------------------------


def test_an_admin_adds_a_member_and_the_change_is_logged(programme, programme_admin):
    person = UserFactory(username="ny")
    membership = core_services.programme_membership_add(
        programme=programme, user=person, role=Role.VIEWER, acting_user=programme_admin
    )
    entry = ChangeLogEntry.objects.filter(object_id=str(membership.pk)).get()
    assert (entry.action, entry.actor, entry.programme) == (
        ChangeAction.CREATE,
        programme_admin,
        programme,
    )
    assert roles_in(person, programme) == {Role.VIEWER}


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.VIEWER, Role.OWNER])
def test_only_a_programme_admin_adds_members(programme, role):
    actor = MembershipFactory(programme=programme, role=role).user
    with pytest.raises(PermissionDenied):
        core_services.programme_membership_add(
            programme=programme, user=UserFactory(), role=Role.VIEWER, acting_user=actor
        )


def test_an_admin_of_another_programme_cannot_add_members_here(programme, outsider):
    from django.http import Http404

    with pytest.raises(Http404):
        core_services.programme_membership_add(
            programme=programme, user=UserFactory(), role=Role.VIEWER, acting_user=outsider
        )


def test_the_last_programme_admin_cannot_be_removed(programme, programme_admin):
    with pytest.raises(ValidationError) as caught:
        core_services.programme_membership_remove(
            membership=admin_membership(programme, programme_admin), acting_user=programme_admin
        )
    assert caught.value.code == "last_programme_admin"
    assert roles_in(programme_admin, programme) == {Role.PROGRAMME_ADMIN}


def test_the_last_programme_admin_keeps_the_role(programme, programme_admin):
    with pytest.raises(ValidationError):
        core_services.programme_membership_change_role(
            membership=admin_membership(programme, programme_admin),
            role=Role.VIEWER,
            acting_user=programme_admin,
        )


def test_an_admin_with_an_active_colleague_may_go(programme, programme_admin):
    colleague = MembershipFactory(programme=programme, role=Role.PROGRAMME_ADMIN).user
    core_services.programme_membership_remove(
        membership=admin_membership(programme, programme_admin), acting_user=colleague
    )
    assert not roles_in(programme_admin, programme)


def test_a_closed_account_does_not_count_as_the_other_admin(programme, programme_admin):
    MembershipFactory(
        programme=programme, role=Role.PROGRAMME_ADMIN, user=UserFactory(is_active=False)
    )
    with pytest.raises(ValidationError):
        core_services.programme_membership_remove(
            membership=admin_membership(programme, programme_admin), acting_user=programme_admin
        )


def test_changing_to_a_role_already_held_merges(programme, programme_admin):
    person = UserFactory()
    viewer = MembershipFactory(programme=programme, user=person, role=Role.VIEWER)
    MembershipFactory(programme=programme, user=person, role=Role.FACILITATOR)
    kept = core_services.programme_membership_change_role(
        membership=viewer, role=Role.FACILITATOR, acting_user=programme_admin
    )
    assert kept.role == Role.FACILITATOR
    assert list(ProgrammeMembership.objects.filter(programme=programme, user=person)) == [kept]


def test_role_change_is_logged(programme, programme_admin, viewer):
    membership = ProgrammeMembership.objects.get(programme=programme, user=viewer)
    core_services.programme_membership_change_role(
        membership=membership, role=Role.CONTRIBUTOR, acting_user=programme_admin
    )
    entry = ChangeLogEntry.objects.filter(object_id=str(membership.pk)).first()
    assert entry.action == ChangeAction.UPDATE
    assert entry.changes["role"] == {"before": "viewer", "after": "contributor"}


# -- the programme's settings ---------------------------------------------------------------


def test_a_facilitator_changes_the_vision_but_not_the_settings(programme, facilitator):
    core_services.programme_update(
        programme=programme, data={"vision": "Ny visjon"}, acting_user=facilitator
    )
    for data in ({"name": "Nytt navn"}, {"public_form_open": False}):
        with pytest.raises(PermissionDenied):
            core_services.programme_update(programme=programme, data=data, acting_user=facilitator)


def test_an_admin_closes_the_public_form_and_it_is_logged(programme, programme_admin):
    core_services.programme_update(
        programme=programme,
        data={"public_form_open": False, "public_form_intro": "Hei"},
        acting_user=programme_admin,
    )
    programme.refresh_from_db()
    assert programme.public_form_open is False
    entry = ChangeLogEntry.objects.filter(programme=programme).first()
    assert entry.changes["public_form_open"] == {"before": True, "after": False}


def test_the_owner_organisation_cannot_leave(programme, programme_admin):
    with pytest.raises(ValidationError):
        core_services.programme_participant_remove(
            programme=programme, organisation=programme.owner, acting_user=programme_admin
        )


def test_participants_are_added_and_removed_with_the_log(programme, programme_admin):
    nav = OrganisationFactory(name="NAV")
    core_services.programme_participant_add(
        programme=programme, organisation=nav, acting_user=programme_admin
    )
    assert nav in programme.participants.all()
    core_services.programme_participant_remove(
        programme=programme, organisation=nav, acting_user=programme_admin
    )
    assert nav not in programme.participants.all()
    changes = [e.changes for e in ChangeLogEntry.objects.filter(programme=programme)]
    assert {"before": [], "after": ["NAV"]} in [c.get("participants") for c in changes]


# -- invitations ----------------------------------------------------------------------------


def test_an_invitation_stores_only_the_hash_and_mails_the_link_on_commit(
    programme, programme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invitation_create(
            programme=programme,
            email="kari@example.no",
            role=Role.CONTRIBUTOR,
            acting_user=programme_admin,
        )
    assert invitation.token_hash == hash_token(token) != token
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["kari@example.no"]
    assert services.invitation_url(token) in mailoutbox[0].body
    entry = ChangeLogEntry.objects.filter(object_id=str(invitation.pk)).get()
    assert entry.changes["token_hash"]["after"] == "•••"


def test_no_mail_when_the_invitation_is_rolled_back(
    programme, programme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        suppress(RuntimeError),
        transaction.atomic(),
    ):
        services.invitation_create(
            programme=programme,
            email="kari@example.no",
            role=Role.VIEWER,
            acting_user=programme_admin,
        )
        raise RuntimeError("something later failed")
    assert callbacks == [] and mailoutbox == []
    assert not Invitation.objects.exists()


def test_only_an_admin_invites(programme, facilitator):
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            programme=programme, email="a@example.no", role=Role.VIEWER, acting_user=facilitator
        )


def test_an_invitee_with_an_account_accepts_once(programme, programme_admin):
    person = UserFactory(email="kari@example.no")
    _, token = services.invitation_create(
        programme=programme, email=person.email, role=Role.OWNER, acting_user=programme_admin
    )
    membership = services.invitation_accept(token=token, user=person, acting_user=person)
    assert (membership.user, membership.role) == (person, Role.OWNER)
    entry = ChangeLogEntry.objects.filter(object_id=str(membership.pk)).get()
    assert entry.actor_label == "system:invitation"
    with pytest.raises(ValidationError) as caught:
        services.invitation_accept(token=token, user=UserFactory(), acting_user=SYSTEM)
    assert caught.value.code == "used"


def test_an_expired_invitation_is_refused(programme, programme_admin):
    invitation, token = services.invitation_create(
        programme=programme, email="a@example.no", role=Role.VIEWER, acting_user=programme_admin
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    person = UserFactory()
    with pytest.raises(ValidationError) as caught:
        services.invitation_accept(token=token, user=person, acting_user=person)
    assert caught.value.code == "expired"
    assert not roles_in(person, programme)


def test_one_cannot_accept_on_someone_elses_behalf(programme, programme_admin):
    _, token = services.invitation_create(
        programme=programme, email="a@example.no", role=Role.VIEWER, acting_user=programme_admin
    )
    with pytest.raises(PermissionDenied):
        services.invitation_accept(token=token, user=UserFactory(), acting_user=programme_admin)


def test_a_new_invitation_replaces_the_open_one(programme, programme_admin):
    _, old = services.invitation_create(
        programme=programme, email="a@example.no", role=Role.VIEWER, acting_user=programme_admin
    )
    services.invitation_create(
        programme=programme, email="A@example.no", role=Role.OWNER, acting_user=programme_admin
    )
    assert services.invitation_for_token(old) is None
    assert programme.invitations.count() == 1


def test_accepting_with_a_new_account_sets_the_password(programme, programme_admin):
    _, token = services.invitation_create(
        programme=programme, email="ny@example.no", role=Role.VIEWER, acting_user=programme_admin
    )
    from django.contrib.auth.models import AnonymousUser

    user = services.invitation_accept_with_new_account(
        token=token,
        username="nyperson",
        full_name="Ny Person",
        password="et-langt-passord-42",
        acting_user=AnonymousUser(),
    )
    assert user.email == "ny@example.no" and user.check_password("et-langt-passord-42")
    assert roles_in(user, programme) == {Role.VIEWER}


def test_a_weak_password_refuses_everything(programme, programme_admin):
    _, token = services.invitation_create(
        programme=programme, email="ny@example.no", role=Role.VIEWER, acting_user=programme_admin
    )
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValidationError) as caught:
        services.invitation_accept_with_new_account(
            token=token,
            username="nyperson",
            full_name="Ny Person",
            password="123",
            acting_user=AnonymousUser(),
        )
    assert "password" in caught.value.message_dict
    assert not User.objects.filter(username="nyperson").exists()
    assert services.invitation_for_token(token).is_open


# -- site administration ----------------------------------------------------------------------


def test_only_a_site_admin_creates_programmes_and_organisations(programme_admin):
    with pytest.raises(PermissionDenied):
        core_services.organisation_create(
            name="X", orgnr="974761076", kind="agency", acting_user=programme_admin
        )
    with pytest.raises(PermissionDenied):
        core_services.programme_create(
            name="X", slug="x", owner=OrganisationFactory(), acting_user=programme_admin
        )


def test_site_admin_create_checks_the_password():
    with pytest.raises(ValidationError):
        services.site_admin_create(
            username="admin", email="", password="password", acting_user=SYSTEM
        )
    user = services.site_admin_create(
        username="admin",
        email="admin@example.no",
        password="Sterkt-passord-2026",
        acting_user=SYSTEM,
    )
    assert user.is_superuser and user.is_staff and user.check_password("Sterkt-passord-2026")


# -- life events --------------------------------------------------------------------------------


def test_a_programme_admin_adds_a_life_event_but_a_facilitator_does_not(
    programme_admin, facilitator
):
    data = {"name": "Få barn", "slug": "fa-barn"}
    with pytest.raises(PermissionDenied):
        portfolio_services.life_event_create(data=data, acting_user=facilitator)
    event = portfolio_services.life_event_create(data=data, acting_user=programme_admin)
    assert ChangeLogEntry.objects.filter(object_id=str(event.pk), action="create").exists()


def test_a_life_event_used_elsewhere_is_for_the_site_admin(
    programme, other_programme, programme_admin
):
    event = LifeEventFactory()
    initiative = InitiativeFactory(programme=other_programme)
    initiative.life_events.add(event)
    with pytest.raises(ValidationError) as caught:
        portfolio_services.life_event_update(
            event=event, data={"name": "Nytt"}, acting_user=programme_admin
        )
    assert caught.value.code == "life_event_shared"
    site_admin = UserFactory(is_superuser=True)
    portfolio_services.life_event_update(event=event, data={"name": "Nytt"}, acting_user=site_admin)
    with pytest.raises(ValidationError) as caught:
        portfolio_services.life_event_delete(event=event, acting_user=site_admin)
    assert caught.value.code == "life_event_in_use"


def test_a_closed_programme_refuses_public_proposals_in_the_service(programme, contributor):
    from nytte.proposals import services as proposal_services
    from nytte.proposals.choices import Channel

    programme.public_form_open = False
    programme.save(update_fields=["public_form_open"])
    public = {"title": "Idé", "need": "Behov", "idea": "Idé", "proposer_email": "a@example.no"}
    with pytest.raises(ValidationError) as caught:
        proposal_services.proposal_submit(
            programme=programme, data=public, channel=Channel.PUBLIC, consent=True, acting_user=None
        )
    assert caught.value.code == "public_form_closed"
    # Colleagues with an account still propose through their own form.
    proposal, _token = proposal_services.proposal_submit(
        programme=programme,
        data={"title": "Idé", "need": "Behov", "idea": "Idé"},
        acting_user=contributor,
    )
    assert proposal.pk


def test_the_new_services_refuse_a_missing_actor(programme, viewer):
    membership = ProgrammeMembership.objects.get(programme=programme, user=viewer)
    calls = [
        lambda: core_services.programme_membership_add(
            programme=programme, user=UserFactory(), role=Role.VIEWER, acting_user=None
        ),
        lambda: core_services.programme_membership_remove(membership=membership, acting_user=None),
        lambda: core_services.programme_membership_change_role(
            membership=membership, role=Role.OWNER, acting_user=None
        ),
        lambda: core_services.organisation_create(
            name="X", orgnr="974761076", kind="agency", acting_user=None
        ),
        lambda: services.invitation_create(
            programme=programme, email="a@example.no", role=Role.VIEWER, acting_user=None
        ),
        lambda: portfolio_services.life_event_create(data={"name": "X"}, acting_user=None),
    ]
    for call in calls:
        with pytest.raises(TypeError):
            call()
