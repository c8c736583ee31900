"""The programme pages every app links to: the home page (the programmes one may see) and a
programme's front page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import selectors
from .choices import Role
from .lookups import programme_or_404
from .permissions import programme_actions, roles_in


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/welcome.html")
    programmes = list(selectors.programme_list(user=request.user))
    if len(programmes) == 1:
        return redirect(programmes[0])
    return render(request, "core/programme_list.html", {"programmes": programmes})


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
