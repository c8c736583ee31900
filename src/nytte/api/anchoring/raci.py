"""RACI roles over REST: who is responsible, accountable, consulted and informed in each
organisation, for an initiative or a benefit, with the warning where a benefit arises in an
organisation that has nobody accountable there."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from nytte.anchoring import selectors, services
from nytte.anchoring.models import RaciAssignment
from nytte.benefits.models import Benefit
from nytte.core.lookups import programme_or_404
from nytte.portfolio.models import Initiative

from ..common import find_organisation, org_out
from ..schemas import ERRORS
from .records import OrgRef

router = Router(tags=["anchoring"])
P = "/programmes/{slug}"


class RaciIn(Schema):
    organisation: str  # orgnr
    person: str
    letter: str  # R, A, C or I


class RaciOut(Schema):
    id: int
    organisation: OrgRef
    person: str
    letter: str


class RaciListOut(Schema):
    roles: list[RaciOut]
    #: For a benefit: it arises in an organisation where nobody is accountable (A).
    warning: bool


def _out(a: RaciAssignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "organisation": org_out(a.organisation),
        "person": a.person,
        "letter": a.letter,
    }


def _subject(request: HttpRequest, slug: str, kind: str, code: str) -> Initiative | Benefit:
    programme = programme_or_404(request, slug)
    model = Initiative if kind == "initiatives" else Benefit
    subject = model.objects.for_user(request.user).in_programme(programme).filter(code=code).first()
    if subject is None:
        raise Http404
    return subject


def _list(subject: Initiative | Benefit) -> dict[str, Any]:
    roles = selectors.raci_for(subject)
    warning = isinstance(subject, Benefit) and selectors.benefit_warning(subject, roles)
    return {"roles": [_out(a) for a in roles], "warning": warning}


def _create(request: HttpRequest, subject: Initiative | Benefit, payload: RaciIn) -> Status:
    assignment = services.raci_create(
        subject=subject,
        organisation=find_organisation(payload.organisation, "organisation"),
        person=payload.person,
        letter=payload.letter,
        acting_user=request.user,
    )
    return Status(201, _out(assignment))


def _delete(request: HttpRequest, subject: Initiative | Benefit, role_id: int) -> Status:
    key = "initiative" if isinstance(subject, Initiative) else "benefit"
    assignment = RaciAssignment.objects.filter(pk=role_id, **{key: subject}).first()
    if assignment is None:
        raise Http404
    services.raci_delete(assignment=assignment, acting_user=request.user)
    return Status(204, None)


@router.get(P + "/initiatives/{code}/raci", response={200: RaciListOut, **ERRORS})
def initiative_raci(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    return _list(_subject(request, slug, "initiatives", code))


@router.post(P + "/initiatives/{code}/raci", response={201: RaciOut, **ERRORS})
def initiative_raci_create(request: HttpRequest, slug: str, code: str, payload: RaciIn) -> Status:
    return _create(request, _subject(request, slug, "initiatives", code), payload)


@router.delete(P + "/initiatives/{code}/raci/{int:role_id}", response={204: None, **ERRORS})
def initiative_raci_delete(request: HttpRequest, slug: str, code: str, role_id: int) -> Status:
    return _delete(request, _subject(request, slug, "initiatives", code), role_id)


@router.get(P + "/benefits/{code}/raci", response={200: RaciListOut, **ERRORS})
def benefit_raci(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    return _list(_subject(request, slug, "benefits", code))


@router.post(P + "/benefits/{code}/raci", response={201: RaciOut, **ERRORS})
def benefit_raci_create(request: HttpRequest, slug: str, code: str, payload: RaciIn) -> Status:
    return _create(request, _subject(request, slug, "benefits", code), payload)


@router.delete(P + "/benefits/{code}/raci/{int:role_id}", response={204: None, **ERRORS})
def benefit_raci_delete(request: HttpRequest, slug: str, code: str, role_id: int) -> Status:
    return _delete(request, _subject(request, slug, "benefits", code), role_id)
