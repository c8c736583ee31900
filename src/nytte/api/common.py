"""What the API's routers share: natural-key lookups (organisations, users, life events),
the organisation reference they write and the subject of a cost-benefit analysis, so that
every router resolves and answers alike without importing another router."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

from nytte.core.lookups import programme_or_404
from nytte.core.models import Organisation, User
from nytte.costbenefit import selectors as costbenefit_selectors
from nytte.portfolio.models import Initiative, LifeEvent
from nytte.proposals.models import Proposal

MAX_OFFSET = 10**9  # far past any list, well inside every database's 64-bit range
MAX_LIMIT = min(ninja_settings.PAGINATION_MAX_LIMIT, 10**6)


class Pagination(LimitOffsetPagination):
    """Every paged list's ``limit`` and ``offset``, bounded in one place: a value beyond the
    bounds (or beyond 64 bits) is a 422 problem, never a database overflow."""

    class Input(Schema):
        limit: int = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


def find_organisation(orgnr: str, field: str) -> Organisation:
    """The organisation with this orgnr (spaces allowed); a 422 on ``field`` otherwise."""
    organisation = Organisation.objects.filter(orgnr=orgnr.replace(" ", "")).first()
    if organisation is None:
        raise ValidationError(
            {field: _("No organisation has the organisation number %(orgnr)s.") % {"orgnr": orgnr}}
        )
    return organisation


def find_user(username: str | None) -> User | None:
    """The user with this username, None for none; a 422 on ``owner`` for an unknown one."""
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"owner": _("No user is called “%(name)s”.") % {"name": username}})
    return user


def find_life_events(slugs: list[str]) -> list[LifeEvent]:
    """The life events with these short names, in order; a 422 naming the first unknown."""
    events = {e.slug: e for e in LifeEvent.objects.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in events]
    if missing:
        raise ValidationError(
            {
                "life_events": _("No life event has the short name “%(slug)s”.")
                % {"slug": missing[0]}
            }
        )
    return [events[slug] for slug in slugs]


def org_out(organisation: Organisation | None) -> dict[str, str] | None:
    """An organisation as every router writes it: orgnr and name (or null)."""
    if organisation is None:
        return None
    return {"orgnr": organisation.orgnr, "name": organisation.name}


def analysis_initiative(
    request: HttpRequest, slug: str, code: str, *, with_result: bool = False
) -> Initiative:
    """The initiative whose cost-benefit analysis a request is about; 404 if not visible.
    ``with_result`` joins the stored result, for a read of the live analysis."""
    try:
        return costbenefit_selectors.subject_get(
            programme_or_404(request, slug), code=code, with_result=with_result
        )
    except Initiative.DoesNotExist as exc:
        raise Http404 from exc


def analysis_proposal(
    request: HttpRequest, slug: str, number: int, *, with_result: bool = False
) -> Proposal:
    """The proposal whose cost-benefit analysis a request is about; 404 if not visible.
    ``with_result`` joins the stored result, for a read of the live analysis."""
    try:
        return costbenefit_selectors.subject_get(
            programme_or_404(request, slug), number=number, with_result=with_result
        )
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc
