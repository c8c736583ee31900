"""Benefits and their yearly amounts over REST."""

from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from ninja import Query, Router, Status
from ninja.pagination import paginate

from nytte.benefits import selectors, services
from nytte.benefits.filtersets import BenefitFilterSet
from nytte.benefits.models import Benefit, BenefitAmount
from nytte.benefits.totals import register_count
from nytte.core.lookups import programme_or_404

from ..benefits_schemas import (
    AmountIn,
    AmountOut,
    AmountPatch,
    BenefitFilters,
    BenefitIn,
    BenefitOut,
    BenefitPatch,
)
from ..common import Pagination
from ..concurrency import expected_version, send_etag
from ..schemas import ERRORS, PRECONDITION
from .helpers import (
    B,
    P,
    amount_or_404,
    amount_out,
    benefit_data,
    benefit_detail_out,
    benefit_or_404,
    benefit_out,
    with_lines,
)

router = Router(tags=["benefits"])

# -- benefits --


class _Lazy:
    """A sliceable view of a queryset that serialises only the page asked for; ``count``
    says how many it holds."""

    def __init__(self, queryset: QuerySet[Benefit], count: Callable[[], int]) -> None:
        self.queryset = queryset
        self.count = count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        benefits = selectors.attach_progress_summary(self.queryset[page])
        return [benefit_out(b) for b in benefits]


@router.get(P + "/benefits", response={200: list[BenefitOut], **ERRORS})
@paginate(Pagination)
def benefit_list(request: HttpRequest, slug: str, filters: Query[BenefitFilters]) -> _Lazy:
    """Benefits with the register page's filters and sort order, with their realisation."""
    programme = programme_or_404(request, slug)
    params = QueryDict(mutable=True)
    for name, value in filters.dict(exclude_none=True).items():
        if isinstance(value, list):
            params.setlist(name, value)
        else:
            params[name] = str(value)
    filterset = BenefitFilterSet(
        params,
        queryset=selectors.benefit_list(programme=programme, user=request.user),
        programme=programme,
    )
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    matches = filterset.qs
    # The whole programme's count is kept as the register's totals are.
    count = partial(register_count, programme, matches, filtered=filterset.narrows())
    return _Lazy(with_lines(matches, listed=True), count)


@router.post(P + "/benefits", response={201: BenefitOut, **ERRORS})
def benefit_create(request: HttpRequest, slug: str, payload: BenefitIn) -> Status:
    programme = programme_or_404(request, slug)
    data = payload.dict()
    if data.get("priced") is None:
        data.pop("priced", None)  # the service's default for the kind
    relations = benefit_data(programme, data)
    benefit = services.benefit_create(
        programme=programme, data=data, acting_user=request.user, **relations
    )
    return Status(201, benefit_detail_out(request, slug, benefit.code))


@router.get(B, response={200: BenefitOut, **ERRORS})
def benefit_detail(
    request: HttpRequest, slug: str, code: str, response: HttpResponse
) -> dict[str, Any]:
    """The benefit, with its version as ``ETag`` (send it back in ``If-Match``)."""
    benefit = benefit_or_404(request, slug, code)
    send_etag(response, benefit)
    return benefit_out(selectors.attach_progress_summary([benefit])[0])


@router.patch(B, response={200: BenefitOut, **ERRORS, **PRECONDITION})
def benefit_update(
    request: HttpRequest, slug: str, code: str, payload: BenefitPatch, response: HttpResponse
) -> dict[str, Any]:
    """Editors of the programme change any benefit; the benefit's owner changes theirs. With
    ``If-Match``, a stale ETag is a 412 and nothing changes."""
    benefit = benefit_or_404(request, slug, code)
    data = payload.dict(exclude_unset=True)
    relations = benefit_data(benefit.programme, data)
    services.benefit_update(
        benefit=benefit,
        data=data,
        acting_user=request.user,
        expected_version=expected_version(request, benefit),
        **relations,
    )
    send_etag(response, benefit)
    return benefit_detail_out(request, slug, benefit.code)


@router.delete(B, response={204: None, **ERRORS})
def benefit_delete(request: HttpRequest, slug: str, code: str) -> Status:
    services.benefit_delete(benefit=benefit_or_404(request, slug, code), acting_user=request.user)
    return Status(204, None)


@router.post(B + "/confirm", response={200: BenefitOut, **ERRORS})
def benefit_confirm(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    """The owner confirms that the estimate is theirs; nobody else can (403)."""
    services.benefit_confirm(benefit=benefit_or_404(request, slug, code), acting_user=request.user)
    return benefit_detail_out(request, slug, code)


# -- yearly amounts --


@router.get(B + "/amounts", response={200: list[AmountOut], **ERRORS})
@paginate(Pagination)
def amount_list(request: HttpRequest, slug: str, code: str) -> list[dict[str, Any]]:
    benefit = benefit_or_404(request, slug, code)
    return [amount_out(a) for a in BenefitAmount.objects.filter(benefit=benefit).order_by("year")]


@router.post(B + "/amounts", response={201: AmountOut, **ERRORS})
def amount_create(request: HttpRequest, slug: str, code: str, payload: AmountIn) -> Status:
    """Changing the amounts clears the owner's confirmation of the estimate."""
    benefit = benefit_or_404(request, slug, code)
    amount = services.amount_create(benefit=benefit, acting_user=request.user, **payload.dict())
    return Status(201, amount_out(amount))


@router.get(B + "/amounts/{int:year}", response={200: AmountOut, **ERRORS})
def amount_detail(request: HttpRequest, slug: str, code: str, year: int) -> dict[str, Any]:
    return amount_out(amount_or_404(request, slug, code, year))


@router.patch(B + "/amounts/{int:year}", response={200: AmountOut, **ERRORS})
def amount_update(
    request: HttpRequest, slug: str, code: str, year: int, payload: AmountPatch
) -> dict[str, Any]:
    amount = amount_or_404(request, slug, code, year)
    services.amount_update(
        amount=amount, data=payload.dict(exclude_unset=True), acting_user=request.user
    )
    return amount_out(amount)


@router.delete(B + "/amounts/{int:year}", response={204: None, **ERRORS})
def amount_delete(request: HttpRequest, slug: str, code: str, year: int) -> Status:
    services.amount_delete(
        amount=amount_or_404(request, slug, code, year), acting_user=request.user
    )
    return Status(204, None)
