from __future__ import annotations

from ninja import Schema


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str | None = None


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    orgnr: str
    kind: str
    parent_id: int | None


class ProgrammeOut(Schema):
    id: int
    name: str
    slug: str
    owner_id: int
    vision: str


class MembershipOut(Schema):
    programme: str
    role: str


class MeOut(Schema):
    username: str
    display_name: str
    memberships: list[MembershipOut]
