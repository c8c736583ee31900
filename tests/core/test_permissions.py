"""The permission module as a matrix: each role × each action × own or other programme."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from nytte.core.choices import Role
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, check, restrict, visible_programmes
from tests.factories import MembershipFactory, ProgrammeFactory, UserFactory

A = Action
EXPECTED: dict[str, set[Action]] = {
    Role.VIEWER: {A.VIEW},
    Role.CONTRIBUTOR: {A.VIEW, A.CONTRIBUTE},
    Role.OWNER: {A.VIEW, A.CONTRIBUTE},
    Role.FORUM_MEMBER: {A.VIEW, A.DECIDE},
    Role.FACILITATOR: {A.VIEW, A.CONTRIBUTE, A.EDIT, A.FACILITATE},
    Role.PROGRAMME_ADMIN: {A.VIEW, A.CONTRIBUTE, A.EDIT, A.FACILITATE, A.ADMINISTER},
}


class Thing:
    """A programme-scoped object with an owner, as register objects will be."""

    def __init__(self, programme, owner=None):
        self.programme = programme
        self.owner = owner

    def get_permission_programme(self):
        return self.programme

    def is_owned_by(self, user) -> bool:
        return self.owner is not None and self.owner.pk == user.pk


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("action", list(Action))
def test_role_grants_exactly_its_actions_in_its_own_programme_only(role, action):
    own, other = ProgrammeFactory(), ProgrammeFactory()
    user = UserFactory()
    MembershipFactory(user=user, programme=own, role=role)

    assert can(user, action, own) is (action in EXPECTED[role])
    assert can(user, action, Thing(own)) is (action in EXPECTED[role])
    assert can(user, action, other) is False
    assert can(user, action, Thing(other)) is False


@pytest.mark.django_db
def test_facilitator_does_not_decide():
    # The facilitator runs the process with no ownership and leaves the decision to the forum.
    programme = ProgrammeFactory()
    user = UserFactory()
    MembershipFactory(user=user, programme=programme, role=Role.FACILITATOR)
    assert not can(user, Action.DECIDE, programme)


@pytest.mark.django_db
def test_owner_edits_what_they_own_and_nothing_else():
    programme = ProgrammeFactory()
    owner, other_owner = UserFactory(), UserFactory()
    for user in (owner, other_owner):
        MembershipFactory(user=user, programme=programme, role=Role.OWNER)

    assert can(owner, Action.EDIT, Thing(programme, owner=owner))
    assert not can(owner, Action.EDIT, Thing(programme, owner=other_owner))
    assert not can(owner, Action.EDIT, programme)


@pytest.mark.django_db
def test_ownership_without_an_owner_role_gives_no_edit_right():
    programme = ProgrammeFactory()
    viewer = UserFactory()
    MembershipFactory(user=viewer, programme=programme, role=Role.VIEWER)
    assert not can(viewer, Action.EDIT, Thing(programme, owner=viewer))


@pytest.mark.django_db
def test_roles_add_up():
    programme = ProgrammeFactory()
    user = UserFactory()
    MembershipFactory(user=user, programme=programme, role=Role.VIEWER)
    MembershipFactory(user=user, programme=programme, role=Role.FORUM_MEMBER)
    assert can(user, Action.DECIDE, programme)
    assert not can(user, Action.EDIT, programme)


@pytest.mark.django_db
def test_anonymous_and_inactive_users_can_do_nothing():
    programme = ProgrammeFactory()
    inactive = UserFactory(is_active=False)
    MembershipFactory(user=inactive, programme=programme, role=Role.PROGRAMME_ADMIN)
    for action in Action:
        assert not can(AnonymousUser(), action, programme)
        assert not can(inactive, action, programme)


@pytest.mark.django_db
def test_superuser_can_do_everything_everywhere():
    programme = ProgrammeFactory()
    admin = UserFactory(is_superuser=True)
    assert all(can(admin, action, programme) for action in Action)
    assert programme in visible_programmes(admin)


@pytest.mark.django_db
def test_check_hides_other_programmes_with_404_and_refuses_actions_with_403():
    own, other = ProgrammeFactory(), ProgrammeFactory()
    user = UserFactory()
    MembershipFactory(user=user, programme=own, role=Role.VIEWER)

    check(user, Action.VIEW, own)
    with pytest.raises(PermissionDenied):
        check(user, Action.EDIT, own)
    with pytest.raises(Http404):
        check(user, Action.VIEW, other)
    with pytest.raises(Http404):
        check(user, Action.EDIT, other)


@pytest.mark.django_db
def test_restrict_filters_querysets_to_visible_programmes():
    own, other = ProgrammeFactory(), ProgrammeFactory()
    user = UserFactory()
    MembershipFactory(user=user, programme=own, role=Role.VIEWER)

    assert list(visible_programmes(user)) == [own]
    assert list(restrict(Programme.objects.all(), user, Action.VIEW, field="")) == [own]
    assert list(restrict(Programme.objects.all(), user, Action.EDIT, field="")) == []
    assert list(visible_programmes(AnonymousUser())) == []
    assert other not in visible_programmes(user)


@pytest.mark.django_db
def test_the_header_lists_member_programmes_from_the_roles_read_and_all_for_a_superuser(
    django_assert_num_queries,
):
    from django.test import RequestFactory

    from nytte.core.context_processors import navigation
    from nytte.core.lookups import programme_or_404
    from nytte.core.permissions import forget_roles, member_programmes

    ours, theirs, third = (ProgrammeFactory(name=n) for n in ("Bravo", "Alfa", "Charlie"))
    user = UserFactory()
    MembershipFactory(user=user, programme=ours, role=Role.VIEWER)
    MembershipFactory(user=user, programme=theirs, role=Role.FACILITATOR)
    request = RequestFactory().get("/")
    request.user = user
    with django_assert_num_queries(1):  # roles and programmes in one read
        assert [p.name for p in navigation(request)["nav_programmes"]] == ["Alfa", "Bravo"]
        assert programme_or_404(request, ours.slug) == ours
        assert can(user, A.EDIT, theirs) and not can(user, A.EDIT, ours)
    with pytest.raises(Http404):  # not a member: looked up, then hidden
        programme_or_404(request, third.slug)

    MembershipFactory(user=user, programme=third, role=Role.VIEWER)
    forget_roles(user)  # as the membership services do
    assert [p.name for p in member_programmes(user)] == ["Alfa", "Bravo", "Charlie"]

    admin = UserFactory(is_superuser=True)
    request.user = admin
    assert {p.name for p in navigation(request)["nav_programmes"]} == {"Alfa", "Bravo", "Charlie"}
    assert programme_or_404(request, third.slug) == third
