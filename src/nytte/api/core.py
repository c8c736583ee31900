"""Organisations, programmes (read, and their frame changed) and the caller's own roles."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from nytte.core import selectors, services
from nytte.core.lookups import programme_or_404
from nytte.core.models import Organisation, Programme

from .common import Pagination
from .schemas import ERRORS, MeOut, OrganisationOut, ProgrammeOut, ProgrammePatch

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
@paginate(Pagination)
def organisation_list(request: HttpRequest):
    return selectors.organisation_list()


@router.get("/organisations/{int:organisation_id}", response=OrganisationOut)
def organisation_detail(request: HttpRequest, organisation_id: int) -> Organisation:
    return get_object_or_404(Organisation, pk=organisation_id)


@router.get("/programmes", response=list[ProgrammeOut])
@paginate(Pagination)
def programme_list(request: HttpRequest):
    return selectors.programme_list(user=request.user).prefetch_related("participants")


@router.get("/programmes/{slug}", response={200: ProgrammeOut, **ERRORS})
def programme_detail(request: HttpRequest, slug: str) -> Programme:
    return programme_or_404(request, slug)


@router.patch("/programmes/{slug}", response={200: ProgrammeOut, **ERRORS})
def programme_update(request: HttpRequest, slug: str, payload: ProgrammePatch) -> Programme:
    """Change vision, target picture or period (programme admins and facilitators), or
    whether the programme publishes and is compared with others (programme admins)."""
    programme = programme_or_404(request, slug)
    services.programme_update(
        programme=programme, data=payload.dict(exclude_unset=True), acting_user=request.user
    )
    return programme
