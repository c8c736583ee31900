"""The benefits register over REST: benefits with their initiatives' shares, yearly amounts,
indicators, targets and measurements, and measurements in bulk (how agencies feed real data).

Thin on purpose, like the portfolio API: reads go through the benefits selectors and
``permissions.check`` (404 where the caller has no role in the programme, 403 where the role
does not allow the action); writes go through ``nytte.benefits.services`` with
``acting_user``, which check rights (a benefit's owner edits that benefit and its lines, even
in another agency), validate and log history. References are natural keys as in the Excel
format; indicators and their lines, which have none that lasts, go by id.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from nytte.benefits import selectors, services
from nytte.benefits.excel import bulk
from nytte.benefits.filtersets import BenefitFilterSet
from nytte.benefits.models import Benefit, BenefitAmount, Indicator, Measurement, Target
from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action, check
from nytte.portfolio.models import Goal, Initiative, Risk

from . import errors
from .benefits_schemas import (
    AmountIn,
    AmountOut,
    AmountPatch,
    BenefitFilters,
    BenefitIn,
    BenefitOut,
    BenefitPatch,
    BulkMeasurementIn,
    BulkMeasurementsOut,
    BulkProblem,
    IndicatorIn,
    IndicatorOut,
    IndicatorPatch,
    MeasurementIn,
    MeasurementOut,
    MeasurementPatch,
    TargetIn,
    TargetOut,
    TargetPatch,
)
from .common import find_organisation, find_user, org_out
from .schemas import ERRORS

router = Router(tags=["benefits"])
FOUR_PLACES = Decimal("0.0001")
P = "/programmes/{slug}"
B = P + "/benefits/{code}"


# -- lookups --


def _with_lines(benefits: QuerySet[Benefit]) -> QuerySet[Benefit]:
    """What a benefit's output needs besides the list's own joins: fixed number of queries."""
    return selectors.with_indicators(
        benefits.select_related("confirmed_by").prefetch_related(
            Prefetch("risks", queryset=Risk.objects.only("pk").order_by("pk"))
        )
    )


def _benefit(request: HttpRequest, slug: str, code: str) -> Benefit:
    programme = programme_or_404(request, slug)
    benefit = (
        _with_lines(selectors.benefit_list(programme=programme, user=request.user))
        .filter(code=code)
        .first()
    )
    if benefit is None:
        raise Http404
    return benefit


def _line(request: HttpRequest, model: type[Model], pk: int) -> Any:
    """An indicator, target or measurement by id, visible only to the programme's roles."""
    via = "benefit" if model is Indicator else "indicator__benefit"
    try:
        # The queryset gate: an object in a programme the caller has no role in is not found.
        obj = model.objects.for_user(request.user).select_related(f"{via}__programme").get(pk=pk)
    except model.DoesNotExist as exc:
        raise Http404 from exc
    check(request.user, Action.VIEW, obj)
    return obj


def _indicator(request: HttpRequest, pk: int) -> Indicator:
    """An indicator with its targets and measurements, for its progress."""
    indicator = _line(request, Indicator, pk)
    return _indicators(Indicator.objects.filter(pk=indicator.pk))[0]


def _indicators(indicators: QuerySet[Indicator]) -> list[Indicator]:
    return list(
        indicators.select_related("benefit__programme").prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("date")),
            Prefetch("measurements", queryset=Measurement.objects.order_by("date")),
        )
    )


def _amount(request: HttpRequest, slug: str, code: str, year: int) -> BenefitAmount:
    benefit = _benefit(request, slug, code)
    amount = BenefitAmount.objects.filter(benefit=benefit, year=year).first()
    if amount is None:
        raise Http404
    amount.benefit = benefit
    return amount


def _goal(programme: Programme, code: str) -> Goal:
    goal = Goal.objects.filter(programme=programme, code=code).first()
    if goal is None:
        raise ValidationError(
            {"impact_goal": _("No goal has the code “%(code)s”.") % {"code": code}}
        )
    return goal


def _shares(programme: Programme, links: list[dict[str, Any]]) -> dict[Initiative, Any]:
    codes = [link["initiative"] for link in links]
    found = {i.code: i for i in Initiative.objects.filter(programme=programme, code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError(
            {
                "contributions": _("No initiative has the code “%(code)s” in this programme.")
                % {"code": missing[0]}
            }
        )
    if len(set(codes)) < len(codes):
        raise ValidationError({"contributions": _("An initiative is listed twice.")})
    return {found[link["initiative"]]: link["share"] for link in links}


def _risks(programme: Programme, ids: list[int]) -> list[Risk]:
    found = {
        r.pk: r
        for r in Risk.objects.filter(pk__in=ids, initiative__programme=programme).select_related(
            "initiative"
        )
    }
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError(
            {"risks": _("No risk in this programme has the ID %(id)s.") % {"id": missing[0]}}
        )
    return [found[pk] for pk in dict.fromkeys(ids)]


def _benefit_data(programme: Programme, data: dict[str, Any]) -> dict[str, Any]:
    """Turn the natural keys of a payload into objects; returns the relations apart."""
    relations: dict[str, Any] = {}
    if "arises_in_group" in data and data["arises_in_group"] is None:
        data["arises_in_group"] = ""  # no group: the benefit arises in an organisation
    for name in ("arises_in_organisation", "owner_organisation"):
        if name in data:
            data[name] = find_organisation(data[name], name) if data[name] else None
    if "owner" in data:
        data["owner"] = find_user(data["owner"])
    if "impact_goal" in data:
        data["impact_goal"] = _goal(programme, data["impact_goal"]) if data["impact_goal"] else None
    if data.get("contributions") is not None:
        relations["contributions"] = _shares(programme, data["contributions"])
    if data.get("risks") is not None:
        relations["risks"] = _risks(programme, data["risks"])
    data.pop("contributions", None)
    data.pop("risks", None)
    return relations


# -- output --


def _benefit_out(benefit: Benefit) -> dict[str, Any]:
    """A benefit whose progress is attached (``selectors.attach_progress``)."""
    return {
        **{
            name: getattr(benefit, name)
            for name in (
                "code",
                "title",
                "description",
                "kind",
                "priced",
                "arises_in_group",
                "budget_cut_share",
                "plus_minus",
                "plus_minus_reasoning",
                "preconditions",
                "status",
                "confirmed_on",
                "total_low",
                "total_likely",
                "total_high",
                "behind",
                "overdue",
                "has_baseline",
                "realised_percent",
            )
        },
        "impact_goal": benefit.impact_goal.code if benefit.impact_goal else None,
        "arises_in_organisation": org_out(benefit.arises_in_organisation),
        "owner_organisation": org_out(benefit.owner_organisation),
        "owner": benefit.owner.username if benefit.owner else None,
        "confirmed_by": benefit.confirmed_by.username if benefit.confirmed_by else None,
        "contributions": [
            {"initiative": c.initiative.code, "share": c.share} for c in benefit.contributions.all()
        ],
        "risks": [r.pk for r in benefit.risks.all()],
    }


def _detail(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    return _benefit_out(selectors.attach_progress([_benefit(request, slug, code)])[0])


def _amount_out(amount: BenefitAmount) -> dict[str, Any]:
    return {
        "benefit": amount.benefit.code,
        **{f: getattr(amount, f) for f in ("year", "low", "likely", "high")},
    }


def _indicator_out(indicator: Indicator) -> dict[str, Any]:
    """An indicator with targets and measurements prefetched."""
    benefit = indicator.benefit
    progress = selectors.indicator_progress(
        indicator,
        today=timezone.localdate(),
        tolerance=float(benefit.programme.behind_plan_tolerance),
    )
    fields = (
        "name",
        "unit",
        "method",
        "data_source",
        "measuring_cost",
        "direction",
        "frequency",
        "baseline_value",
        "baseline_date",
    )
    return {
        "id": indicator.pk,
        "benefit": benefit.code,
        **{f: getattr(indicator, f) for f in fields},
        "realised_percent": progress.realised_percent,
        "behind": progress.behind,
        # As on the benefit: only benefits on their way have measurements due.
        "overdue": progress.overdue and benefit.status in selectors.MEASURED_STATUSES,
        "next_due": progress.next_due,
    }


def _stored(value: Decimal) -> Decimal:
    """A value as the database keeps it (four decimals), so a write answers as a read does."""
    return value.quantize(FOUR_PLACES)


def _target_out(target: Target) -> dict[str, Any]:
    return {
        "id": target.pk,
        "indicator": target.indicator_id,
        "date": target.date,
        "value": _stored(Decimal(target.value)),
    }


def _measurement_out(measurement: Measurement) -> dict[str, Any]:
    return {
        "id": measurement.pk,
        "indicator": measurement.indicator_id,
        "benefit": measurement.indicator.benefit.code,
        **{f: getattr(measurement, f) for f in ("date", "source", "comment")},
        "value": _stored(Decimal(measurement.value)),
        "recorded_by": measurement.recorded_by.username if measurement.recorded_by else None,
    }


# -- benefits --


class _Lazy:
    """A sliceable view of a queryset that serialises only the page asked for."""

    def __init__(self, queryset: QuerySet[Benefit]) -> None:
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        benefits = selectors.attach_progress(self.queryset[page])
        return [_benefit_out(b) for b in benefits]


@router.get(P + "/benefits", response={200: list[BenefitOut], **ERRORS})
@paginate(LimitOffsetPagination)
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
    return _Lazy(_with_lines(filterset.qs))


@router.post(P + "/benefits", response={201: BenefitOut, **ERRORS})
def benefit_create(request: HttpRequest, slug: str, payload: BenefitIn) -> Status:
    programme = programme_or_404(request, slug)
    data = payload.dict()
    if data.get("priced") is None:
        data.pop("priced", None)  # the service's default for the kind
    relations = _benefit_data(programme, data)
    benefit = services.benefit_create(
        programme=programme, data=data, acting_user=request.user, **relations
    )
    return Status(201, _detail(request, slug, benefit.code))


@router.get(B, response={200: BenefitOut, **ERRORS})
def benefit_detail(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    return _detail(request, slug, code)


@router.patch(B, response={200: BenefitOut, **ERRORS})
def benefit_update(
    request: HttpRequest, slug: str, code: str, payload: BenefitPatch
) -> dict[str, Any]:
    """Editors of the programme change any benefit; the benefit's owner changes theirs."""
    benefit = _benefit(request, slug, code)
    data = payload.dict(exclude_unset=True)
    relations = _benefit_data(benefit.programme, data)
    services.benefit_update(benefit=benefit, data=data, acting_user=request.user, **relations)
    return _detail(request, slug, benefit.code)


@router.delete(B, response={204: None, **ERRORS})
def benefit_delete(request: HttpRequest, slug: str, code: str) -> Status:
    services.benefit_delete(benefit=_benefit(request, slug, code), acting_user=request.user)
    return Status(204, None)


@router.post(B + "/confirm", response={200: BenefitOut, **ERRORS})
def benefit_confirm(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    """The owner confirms that the estimate is theirs; nobody else can (403)."""
    services.benefit_confirm(benefit=_benefit(request, slug, code), acting_user=request.user)
    return _detail(request, slug, code)


# -- yearly amounts --


@router.get(B + "/amounts", response={200: list[AmountOut], **ERRORS})
@paginate(LimitOffsetPagination)
def amount_list(request: HttpRequest, slug: str, code: str) -> list[dict[str, Any]]:
    benefit = _benefit(request, slug, code)
    return [_amount_out(a) for a in BenefitAmount.objects.filter(benefit=benefit).order_by("year")]


@router.post(B + "/amounts", response={201: AmountOut, **ERRORS})
def amount_create(request: HttpRequest, slug: str, code: str, payload: AmountIn) -> Status:
    """Changing the amounts clears the owner's confirmation of the estimate."""
    benefit = _benefit(request, slug, code)
    amount = services.amount_create(benefit=benefit, acting_user=request.user, **payload.dict())
    return Status(201, _amount_out(amount))


@router.get(B + "/amounts/{int:year}", response={200: AmountOut, **ERRORS})
def amount_detail(request: HttpRequest, slug: str, code: str, year: int) -> dict[str, Any]:
    return _amount_out(_amount(request, slug, code, year))


@router.patch(B + "/amounts/{int:year}", response={200: AmountOut, **ERRORS})
def amount_update(
    request: HttpRequest, slug: str, code: str, year: int, payload: AmountPatch
) -> dict[str, Any]:
    amount = _amount(request, slug, code, year)
    services.amount_update(
        amount=amount, data=payload.dict(exclude_unset=True), acting_user=request.user
    )
    return _amount_out(amount)


@router.delete(B + "/amounts/{int:year}", response={204: None, **ERRORS})
def amount_delete(request: HttpRequest, slug: str, code: str, year: int) -> Status:
    services.amount_delete(amount=_amount(request, slug, code, year), acting_user=request.user)
    return Status(204, None)


# -- indicators --


@router.get(B + "/indicators", response={200: list[IndicatorOut], **ERRORS})
@paginate(LimitOffsetPagination)
def indicator_list(request: HttpRequest, slug: str, code: str) -> list[dict[str, Any]]:
    """Each indicator with its progress towards its targets."""
    benefit = _benefit(request, slug, code)
    return [_indicator_out(i) for i in _indicators(Indicator.objects.filter(benefit=benefit))]


@router.post(B + "/indicators", response={201: IndicatorOut, **ERRORS})
def indicator_create(request: HttpRequest, slug: str, code: str, payload: IndicatorIn) -> Status:
    benefit = _benefit(request, slug, code)
    indicator = services.indicator_create(
        benefit=benefit, acting_user=request.user, **payload.dict()
    )
    return Status(201, _indicator_out(_indicator(request, indicator.pk)))


@router.get("/indicators/{int:indicator_id}", response={200: IndicatorOut, **ERRORS})
def indicator_detail(request: HttpRequest, indicator_id: int) -> dict[str, Any]:
    return _indicator_out(_indicator(request, indicator_id))


@router.patch("/indicators/{int:indicator_id}", response={200: IndicatorOut, **ERRORS})
def indicator_update(
    request: HttpRequest, indicator_id: int, payload: IndicatorPatch
) -> dict[str, Any]:
    indicator = _line(request, Indicator, indicator_id)
    services.indicator_update(
        indicator=indicator, data=payload.dict(exclude_unset=True), acting_user=request.user
    )
    return _indicator_out(_indicator(request, indicator_id))


@router.delete("/indicators/{int:indicator_id}", response={204: None, **ERRORS})
def indicator_delete(request: HttpRequest, indicator_id: int) -> Status:
    services.indicator_delete(
        indicator=_line(request, Indicator, indicator_id), acting_user=request.user
    )
    return Status(204, None)


# -- targets --


@router.get("/indicators/{int:indicator_id}/targets", response={200: list[TargetOut], **ERRORS})
@paginate(LimitOffsetPagination)
def target_list(request: HttpRequest, indicator_id: int) -> list[dict[str, Any]]:
    indicator = _line(request, Indicator, indicator_id)
    return [_target_out(t) for t in indicator.targets.order_by("date")]


@router.post("/indicators/{int:indicator_id}/targets", response={201: TargetOut, **ERRORS})
def target_create(request: HttpRequest, indicator_id: int, payload: TargetIn) -> Status:
    indicator = _line(request, Indicator, indicator_id)
    target = services.target_create(indicator=indicator, acting_user=request.user, **payload.dict())
    return Status(201, _target_out(target))


@router.get("/targets/{int:target_id}", response={200: TargetOut, **ERRORS})
def target_detail(request: HttpRequest, target_id: int) -> dict[str, Any]:
    return _target_out(_line(request, Target, target_id))


@router.patch("/targets/{int:target_id}", response={200: TargetOut, **ERRORS})
def target_update(request: HttpRequest, target_id: int, payload: TargetPatch) -> dict[str, Any]:
    target = _line(request, Target, target_id)
    services.target_update(
        target=target, data=payload.dict(exclude_unset=True), acting_user=request.user
    )
    return _target_out(target)


@router.delete("/targets/{int:target_id}", response={204: None, **ERRORS})
def target_delete(request: HttpRequest, target_id: int) -> Status:
    services.target_delete(target=_line(request, Target, target_id), acting_user=request.user)
    return Status(204, None)


# -- measurements --


@router.get(
    "/indicators/{int:indicator_id}/measurements", response={200: list[MeasurementOut], **ERRORS}
)
@paginate(LimitOffsetPagination)
def measurement_list(request: HttpRequest, indicator_id: int) -> list[dict[str, Any]]:
    indicator = _line(request, Indicator, indicator_id)
    measurements = indicator.measurements.select_related("recorded_by").order_by("date")
    for measurement in measurements:
        measurement.indicator = indicator
    return [_measurement_out(m) for m in measurements]


@router.post(
    "/indicators/{int:indicator_id}/measurements", response={201: MeasurementOut, **ERRORS}
)
def measurement_create(request: HttpRequest, indicator_id: int, payload: MeasurementIn) -> Status:
    """The benefit's owner records measurements, even when another agency runs the work."""
    indicator = _line(request, Indicator, indicator_id)
    measurement = services.measurement_create(
        indicator=indicator, acting_user=request.user, **payload.dict()
    )
    return Status(201, _measurement_out(measurement))


@router.get("/measurements/{int:measurement_id}", response={200: MeasurementOut, **ERRORS})
def measurement_detail(request: HttpRequest, measurement_id: int) -> dict[str, Any]:
    return _measurement_out(_line(request, Measurement, measurement_id))


@router.patch("/measurements/{int:measurement_id}", response={200: MeasurementOut, **ERRORS})
def measurement_update(
    request: HttpRequest, measurement_id: int, payload: MeasurementPatch
) -> dict[str, Any]:
    measurement = _line(request, Measurement, measurement_id)
    services.measurement_update(
        measurement=measurement, data=payload.dict(exclude_unset=True), acting_user=request.user
    )
    return _measurement_out(measurement)


@router.delete("/measurements/{int:measurement_id}", response={204: None, **ERRORS})
def measurement_delete(request: HttpRequest, measurement_id: int) -> Status:
    services.measurement_delete(
        measurement=_line(request, Measurement, measurement_id), acting_user=request.user
    )
    return Status(204, None)


@router.post(
    P + "/measurements",
    response={201: BulkMeasurementsOut, **ERRORS, 422: BulkProblem},
)
def measurements_bulk(
    request: HttpRequest, slug: str, payload: list[BulkMeasurementIn]
) -> Status | HttpResponse:
    """Append many measurements at once, all or nothing.

    Each row names its benefit by code and its indicator by name or id. If any row is
    refused (unknown benefit or indicator, no right to record for that benefit, a date that
    already has a measurement, the same date twice), nothing is saved and the answer is a
    422 problem listing every refused row by its index in the list.
    """
    programme = programme_or_404(request, slug)
    if not bulk.may_record_some(request.user, programme):
        raise PermissionDenied
    rows = [bulk.RawMeasurement(where=index, **row.dict()) for index, row in enumerate(payload)]
    result = bulk.append(programme, rows, acting_user=request.user)
    if not result.ok:
        return errors.problem(
            request,
            422,
            "Invalid input",
            _("%(count)s row(s) refused; nothing was saved.") % {"count": len(result.refusals)},
            errors=[
                {
                    "index": r.where,
                    "loc": [r.where, r.field] if r.field else [r.where],
                    "msg": r.message,
                }
                for r in result.refusals
            ],
        )
    user = request.user
    for measurement in result.created:
        measurement.recorded_by = user
    return Status(
        201,
        {"created": len(result.created), "items": [_measurement_out(m) for m in result.created]},
    )
