"""A programme's front page, which every app links to (the home page, which reads every
domain app, is ``nytte.home``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format

from . import selectors
from .choices import Role
from .lookups import programme_or_404
from .permissions import programme_actions, roles_in

# When the accessibility statement's text was last checked against the service.
ACCESSIBILITY_REVIEWED = dt.date(2026, 12, 6)


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (tilgjengelighetserklæring): public, linked from every
    page's footer. ``NYTTE_ACCESSIBILITY_CONTACT`` is where people report problems."""
    return render(
        request,
        "core/accessibility.html",
        {
            "contact": settings.ACCESSIBILITY_CONTACT,
            "reviewed": date_format(ACCESSIBILITY_REVIEWED, "DATE_FORMAT"),
        },
    )


@login_required
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug)
    return render(
        request,
        "core/programme_detail.html",
        {
            "programme": programme,
            "participants": programme.participants.order_by("name"),
            "my_roles": [Role(r).label for r in sorted(roles_in(request.user, programme))],
            "my_actions": programme_actions(request.user, programme),
            "members": selectors.programme_members(programme=programme),
            "recent_changes": selectors.programme_history(programme=programme, limit=10),
        },
    )
