"""Finding a programme by its slug for a page or an API call, with the permission check, so
that every app answers a missing programme and a missing right the same way."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from nytte.core import selectors
from nytte.core.models import Programme
from nytte.core.permissions import Action, check, member_programmes


def programme_or_404(request: HttpRequest, slug: str, action: Action = Action.VIEW) -> Programme:
    """The programme, or 404 for a missing one or one the user has no role in. A programme
    the user is a member of comes from the roles already read for the request."""
    programme = next((p for p in member_programmes(request.user) if p.slug == slug), None)
    if programme is None:
        try:
            programme = selectors.programme_get(slug=slug)
        except Programme.DoesNotExist as exc:
            raise Http404 from exc
    check(request.user, action, programme)
    return programme
