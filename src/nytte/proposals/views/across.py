"""Step 2 across programmes: telling the facilitators of another programme that one of
their items resembles a proposal here (the rows themselves are on the harmonisation tab)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from nytte.core.permissions import Action

from .. import services
from .harmonise import done, proposal_checked, tab_page


@login_required
@require_POST
def cross_notice(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """E-mail the facilitators of the programme holding a similar item (``target``)."""
    proposal = proposal_checked(request, slug, number, Action.FACILITATE)
    try:
        sent = services.cross_notice_send(
            proposal=proposal, target=request.POST.get("target", ""), acting_user=request.user
        )
    except ValidationError as exc:
        return tab_page(request, proposal, notice=" ".join(exc.messages))
    return done(
        request,
        proposal,
        ngettext(
            "%(n)d facilitator of %(programme)s has been told.",
            "%(n)d facilitators of %(programme)s have been told.",
            sent.recipients,
        )
        % {"n": sent.recipients, "programme": sent.suggestion.programme.name},
        "harmonise-across",
    )
