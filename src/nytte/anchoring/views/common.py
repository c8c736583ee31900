"""What the anchoring pages share: looking up a subject through the queryset gate and the
breadcrumbs."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nytte.benefits.models import Benefit
from nytte.core.models import Programme
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal

from .. import selectors, subject_rows


def initiative_or_404(request: HttpRequest, programme: Programme, code: str) -> Initiative:
    """The initiative, knowing whether a stakeholder makes it touch municipal services, with
    its participants, leadership commitments and RACI lines (one query)."""
    try:
        initiative = subject_rows.with_page_lines(
            selectors.with_municipal_stakeholders(
                Initiative.objects.for_user(request.user)
                .in_programme(programme)
                .select_related("programme", "owner_organisation")
            )
        ).get(code=code)
    except Initiative.DoesNotExist as exc:
        raise Http404 from exc
    subject_rows.remember_page_lines(initiative)
    return initiative


def proposal_or_404(request: HttpRequest, programme: Programme, number: int) -> Proposal:
    """The proposal with its affected organisations and leadership commitments (one query)."""
    try:
        proposal = subject_rows.with_page_lines(
            Proposal.objects.for_user(request.user)
            .in_programme(programme)
            .select_related("programme")
        ).get(number=number)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc
    subject_rows.remember_page_lines(proposal)
    return proposal


def benefit_or_404(request: HttpRequest, programme: Programme, code: str) -> Benefit:
    try:
        return (
            Benefit.objects.for_user(request.user)
            .in_programme(programme)
            .select_related("programme", "arises_in_organisation")
            .get(code=code)
        )
    except Benefit.DoesNotExist as exc:
        raise Http404 from exc


def crumbs(programme: Programme, *more: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "label": _("Anchoring"),
            "url": reverse("anchoring:overview", kwargs={"slug": programme.slug}),
        },
        *more,
    ]
