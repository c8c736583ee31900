from __future__ import annotations

from ninja import Field, Schema

from nytte.core.models import Programme


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str


class Problem(Schema):
    """An RFC 9457 problem; ``errors`` lists field problems on 422."""

    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[ErrorItem] | None = None


# The problems every endpoint can answer, for the OpenAPI schema.
ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
# What an update guarded by If-Match can answer besides (``nytte.api.concurrency``).
PRECONDITION = {412: Problem, 428: Problem}


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
    target_picture: str = Field(description="The målbilde, in Markdown.")
    start_year: int | None
    end_year: int | None
    participants: list[str] = Field(
        description="Organisation numbers (orgnr) of the participating organisations."
    )
    publish_overview: bool = Field(
        description="Whether its published initiatives are on /open/ and in the open data."
    )
    match_across: bool = Field(
        description="Whether it is compared with other programmes (docs/proposals.md)."
    )

    @staticmethod
    def resolve_participants(obj: Programme) -> list[str]:
        return sorted(o.orgnr for o in obj.participants.all())


class ProgrammePatch(Schema):
    """Only the fields sent are changed."""

    vision: str | None = None
    target_picture: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    publish_overview: bool | None = Field(None, description="Programme admins only.")
    match_across: bool | None = Field(None, description="Programme admins only.")


class MembershipOut(Schema):
    programme: str
    role: str


class MeOut(Schema):
    username: str
    display_name: str
    memberships: list[MembershipOut]
