"""Factories for test data; organisation numbers are generated with a valid check digit."""

from __future__ import annotations

import factory

from nytte.core.choices import OrganisationKind, Role
from nytte.core.models import Organisation, Programme, ProgrammeMembership, User
from nytte.core.validators import orgnr_check_digit


def valid_orgnr(n: int) -> str:
    """The n-th valid organisation number in a deterministic sequence."""
    for k in range(10):  # each n owns ten candidates, so numbers never collide
        first_eight = f"{91000000 + 10 * n + k:08d}"
        digit = orgnr_check_digit(first_eight)
        if digit is not None:
            return first_eight + str(digit)
    raise AssertionError("unreachable: one in ten candidates always has a check digit")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="no_NO")
    password = factory.django.Password("pass-word-123")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Etat {n}")
    short_name = factory.Sequence(lambda n: f"E{n}")
    orgnr = factory.Sequence(valid_orgnr)
    kind = OrganisationKind.AGENCY


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    owner = factory.SubFactory(OrganisationFactory)
    vision = "En felles visjon."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeMembership

    user = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    role = Role.VIEWER
