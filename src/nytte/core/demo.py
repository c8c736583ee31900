"""Demo data a public-sector user recognises: real agencies, two programmes, a user per role.

Loading is idempotent: everything is looked up by its natural key (organisation number,
slug, username) and only created when missing, so a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from .actors import System
from .choices import OrganisationKind as K
from .choices import Role
from .models import Organisation, Programme, ProgrammeMembership, User
from .services import (
    organisation_create,
    organisation_membership_add,
    programme_create,
    programme_membership_add,
)

DEMO_PASSWORD = "nytte-demo"
DEMO = System("demo")

# (orgnr, name, short name, kind, parent orgnr) — real organisation numbers.
ORGANISATIONS = [
    ("972417807", "Finansdepartementet", "FIN", K.MINISTRY, None),
    ("983887457", "Arbeids- og inkluderingsdepartementet", "AID", K.MINISTRY, None),
    ("912660680", "Nærings- og fiskeridepartementet", "NFD", K.MINISTRY, None),
    ("972417858", "Kommunal- og distriktsdepartementet", "KDD", K.MINISTRY, None),
    ("974761076", "Skatteetaten", "SKE", K.AGENCY, "972417807"),
    ("889640782", "Arbeids- og velferdsetaten", "NAV", K.AGENCY, "983887457"),
    ("974760673", "Brønnøysundregistrene", "BRREG", K.AGENCY, "912660680"),
    ("991825827", "Digitaliseringsdirektoratet", "Digdir", K.AGENCY, "972417858"),
    ("986252932", "Direktoratet for forvaltning og økonomistyring", "DFØ", K.AGENCY, "972417807"),
    ("971032146", "KS - Kommunesektorens organisasjon", "KS", K.OTHER, None),
    ("958935420", "Oslo kommune", "Oslo", K.MUNICIPALITY, None),
    ("984851006", "DNB Bank ASA", "DNB", K.PRIVATE, None),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    organisation: str  # orgnr
    roles: dict[str, list[str]]  # programme slug -> roles
    description: str


DEMO_USERS = [
    DemoUser(
        "fasilitator",
        "Ingrid Berg",
        "974761076",
        {
            "framtidens-innkreving": [Role.FACILITATOR],
            "starte-og-drive-bedrift": [Role.FACILITATOR],
        },
        "facilitator (innovation capacity) in both programmes",
    ),
    DemoUser(
        "eier",
        "Ola Hansen",
        "974761076",
        {"framtidens-innkreving": [Role.OWNER]},
        "initiative owner, Skatteetaten",
    ),
    DemoUser(
        "bidragsyter",
        "Jonas Bakke",
        "889640782",
        {"framtidens-innkreving": [Role.CONTRIBUTOR]},
        "contributor, NAV",
    ),
    DemoUser(
        "forum",
        "Marte Lie",
        "889640782",
        {"framtidens-innkreving": [Role.FORUM_MEMBER]},
        "steering forum member, NAV",
    ),
    DemoUser(
        "leser",
        "Per Olsen",
        "974760673",
        {"framtidens-innkreving": [Role.VIEWER]},
        "viewer, Brønnøysundregistrene",
    ),
    DemoUser(
        "programadmin",
        "Siri Dahl",
        "974761076",
        {"framtidens-innkreving": [Role.PROGRAMME_ADMIN]},
        "programme admin, Framtidens innkreving",
    ),
    DemoUser(
        "bedrift",
        "Lars Moe",
        "974760673",
        {"starte-og-drive-bedrift": [Role.OWNER]},
        "initiative owner in Starte og drive bedrift only",
    ),
]

PROGRAMMES = [
    {
        "slug": "framtidens-innkreving",
        "name": "Framtidens innkreving",
        "owner": "974761076",
        "participants": ["889640782", "974760673", "972417807", "983887457", "912660680"],
        "vision": (
            "Innkrevingen skjer bare: betaling av krav til staten skjer som en naturlig del av "
            "brukerens egne prosesser, innen 2028."
        ),
    },
    {
        "slug": "starte-og-drive-bedrift",
        "name": "Starte og drive bedrift",
        "owner": "974760673",
        "participants": ["974761076", "889640782", "991825827", "971032146", "912660680"],
        "vision": (
            "Det skal være enkelt å starte, drive og avvikle en bedrift: én sammenhengende "
            "tjeneste på tvers av etatene, der opplysninger gis én gang."
        ),
    },
]


def _organisations() -> int:
    created = 0
    by_orgnr = {o.orgnr: o for o in Organisation.objects.all()}
    for orgnr, name, short, kind, parent in ORGANISATIONS:
        if orgnr in by_orgnr:
            continue
        by_orgnr[orgnr] = organisation_create(
            name=name,
            orgnr=orgnr,
            kind=kind,
            short_name=short,
            parent=by_orgnr.get(parent) if parent else None,
            acting_user=DEMO,
        )
        created += 1
    return created


def _programmes() -> int:
    created = 0
    for spec in PROGRAMMES:
        if Programme.objects.filter(slug=spec["slug"]).exists():
            continue
        programme_create(
            name=spec["name"],
            slug=spec["slug"],
            owner=Organisation.objects.get(orgnr=spec["owner"]),
            participants=Organisation.objects.filter(orgnr__in=spec["participants"]),
            vision=spec["vision"],
            acting_user=DEMO,
        )
        created += 1
    return created


def _users() -> int:
    created = 0
    # One hash for every demo login: they share a password that the README prints, and a
    # salted hash per user costs a second of key stretching each for nothing.
    hashed: str | None = None
    for spec in DEMO_USERS:
        user, is_new = User.objects.get_or_create(
            username=spec.username, defaults={"full_name": spec.full_name}
        )
        if is_new:
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
            user.save(update_fields=["password"])
            created += 1
        organisation = Organisation.objects.get(orgnr=spec.organisation)
        organisation_membership_add(
            organisation=organisation, user=user, role=Role.CONTRIBUTOR, acting_user=DEMO
        )
        for slug, roles in spec.roles.items():
            programme = Programme.objects.get(slug=slug)
            for role in roles:
                if not ProgrammeMembership.objects.filter(
                    programme=programme, user=user, role=role
                ).exists():
                    programme_membership_add(
                        programme=programme, user=user, role=role, acting_user=DEMO
                    )
                    created += 1
    return created


@transaction.atomic
def load_core_demo() -> int:
    """Load the organisations, programmes and users that are missing; return how many objects
    were created. The apps' demos build on these (``nytte.demo`` loads them all)."""
    return _organisations() + _programmes() + _users()


def demo_user(username: str) -> Any:
    """A demo user by username."""
    return User.objects.get(username=username)
