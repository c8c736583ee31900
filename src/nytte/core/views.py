"""A programme's front page, which every app links to (the home page, which reads every
domain app, is ``nytte.home``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .choices import Role
from .lookups import programme_or_404
from .permissions import programme_actions, roles_in


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
