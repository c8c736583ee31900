"""Organisations, programmes and the caller's own roles."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from nytte.core import selectors
from nytte.core.models import Organisation, Programme
from nytte.core.permissions import Action, check

from .schemas import MeOut, OrganisationOut, ProgrammeOut

router = Router(tags=["core"])


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict:
    memberships = request.user.programme_memberships.select_related("programme").order_by(
        "programme__slug", "role"
    )
    return {
        "username": request.user.username,
        "display_name": request.user.display_name,
        "memberships": [{"programme": m.programme.slug, "role": m.role} for m in memberships],
    }


@router.get("/organisations", response=list[OrganisationOut])
@paginate(LimitOffsetPagination)
def organisation_list(request: HttpRequest):
    return selectors.organisation_list()


@router.get("/organisations/{int:organisation_id}", response=OrganisationOut)
def organisation_detail(request: HttpRequest, organisation_id: int) -> Organisation:
    return get_object_or_404(Organisation, pk=organisation_id)


@router.get("/programmes", response=list[ProgrammeOut])
@paginate(LimitOffsetPagination)
def programme_list(request: HttpRequest):
    return selectors.programme_list(user=request.user)


@router.get("/programmes/{slug}", response=ProgrammeOut)
def programme_detail(request: HttpRequest, slug: str) -> Programme:
    try:
        programme = selectors.programme_get(slug=slug)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc
    check(request.user, Action.VIEW, programme)
    return programme
