from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import selectors
from .choices import Role
from .models import Programme
from .permissions import Action, check, programme_actions, roles_in


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/welcome.html")
    programmes = list(selectors.programme_list(user=request.user))
    if len(programmes) == 1:
        return redirect(programmes[0])
    return render(request, "core/programme_list.html", {"programmes": programmes})


@login_required
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        programme = selectors.programme_get(slug=slug)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc
    check(request.user, Action.VIEW, programme)
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
