"""Indicators, their targets and measurements (one by one or in bulk) over REST."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from nytte.benefits import services
from nytte.benefits.excel import bulk
from nytte.benefits.models import Indicator, Measurement, Target
from nytte.core.lookups import programme_or_404

from .. import errors
from ..benefits_schemas import (
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
from ..common import Pagination
from ..schemas import ERRORS
from .helpers import (
    B,
    P,
    benefit_or_404,
    indicator_or_404,
    indicator_out,
    indicators_with_lines,
    line_or_404,
    measurement_out,
    target_out,
)

router = Router(tags=["benefits"])

# -- indicators --


@router.get(B + "/indicators", response={200: list[IndicatorOut], **ERRORS})
@paginate(Pagination)
def indicator_list(request: HttpRequest, slug: str, code: str) -> list[dict[str, Any]]:
    """Each indicator with its progress towards its targets."""
    benefit = benefit_or_404(request, slug, code)
    return [
        indicator_out(i) for i in indicators_with_lines(Indicator.objects.filter(benefit=benefit))
    ]


@router.post(B + "/indicators", response={201: IndicatorOut, **ERRORS})
def indicator_create(request: HttpRequest, slug: str, code: str, payload: IndicatorIn) -> Status:
    benefit = benefit_or_404(request, slug, code)
    indicator = services.indicator_create(
        benefit=benefit, acting_user=request.user, **payload.dict()
    )
    return Status(201, indicator_out(indicator_or_404(request, indicator.pk)))


@router.get("/indicators/{int:indicator_id}", response={200: IndicatorOut, **ERRORS})
def indicator_detail(request: HttpRequest, indicator_id: int) -> dict[str, Any]:
    return indicator_out(indicator_or_404(request, indicator_id))


@router.patch("/indicators/{int:indicator_id}", response={200: IndicatorOut, **ERRORS})
def indicator_update(
    request: HttpRequest, indicator_id: int, payload: IndicatorPatch
) -> dict[str, Any]:
    indicator = line_or_404(request, Indicator, indicator_id)
    services.indicator_update(
        indicator=indicator, data=payload.dict(exclude_unset=True), acting_user=request.user
    )
    return indicator_out(indicator_or_404(request, indicator_id))


@router.delete("/indicators/{int:indicator_id}", response={204: None, **ERRORS})
def indicator_delete(request: HttpRequest, indicator_id: int) -> Status:
    services.indicator_delete(
        indicator=line_or_404(request, Indicator, indicator_id), acting_user=request.user
    )
    return Status(204, None)


# -- targets --


@router.get("/indicators/{int:indicator_id}/targets", response={200: list[TargetOut], **ERRORS})
@paginate(Pagination)
def target_list(request: HttpRequest, indicator_id: int) -> list[dict[str, Any]]:
    indicator = line_or_404(request, Indicator, indicator_id)
    return [target_out(t) for t in indicator.targets.order_by("date")]


@router.post("/indicators/{int:indicator_id}/targets", response={201: TargetOut, **ERRORS})
def target_create(request: HttpRequest, indicator_id: int, payload: TargetIn) -> Status:
    indicator = line_or_404(request, Indicator, indicator_id)
    target = services.target_create(indicator=indicator, acting_user=request.user, **payload.dict())
    return Status(201, target_out(target))


@router.get("/targets/{int:target_id}", response={200: TargetOut, **ERRORS})
def target_detail(request: HttpRequest, target_id: int) -> dict[str, Any]:
    return target_out(line_or_404(request, Target, target_id))


@router.patch("/targets/{int:target_id}", response={200: TargetOut, **ERRORS})
def target_update(request: HttpRequest, target_id: int, payload: TargetPatch) -> dict[str, Any]:
    target = line_or_404(request, Target, target_id)
    services.target_update(
        target=target, data=payload.dict(exclude_unset=True), acting_user=request.user
    )
    return target_out(target)


@router.delete("/targets/{int:target_id}", response={204: None, **ERRORS})
def target_delete(request: HttpRequest, target_id: int) -> Status:
    services.target_delete(target=line_or_404(request, Target, target_id), acting_user=request.user)
    return Status(204, None)


# -- measurements --


@router.get(
    "/indicators/{int:indicator_id}/measurements", response={200: list[MeasurementOut], **ERRORS}
)
@paginate(Pagination)
def measurement_list(request: HttpRequest, indicator_id: int) -> list[dict[str, Any]]:
    indicator = line_or_404(request, Indicator, indicator_id)
    measurements = indicator.measurements.select_related("recorded_by").order_by("date")
    for measurement in measurements:
        measurement.indicator = indicator
    return [measurement_out(m) for m in measurements]


@router.post(
    "/indicators/{int:indicator_id}/measurements", response={201: MeasurementOut, **ERRORS}
)
def measurement_create(request: HttpRequest, indicator_id: int, payload: MeasurementIn) -> Status:
    """The benefit's owner records measurements, even when another agency runs the work."""
    indicator = line_or_404(request, Indicator, indicator_id)
    measurement = services.measurement_create(
        indicator=indicator, acting_user=request.user, **payload.dict()
    )
    return Status(201, measurement_out(measurement))


@router.get("/measurements/{int:measurement_id}", response={200: MeasurementOut, **ERRORS})
def measurement_detail(request: HttpRequest, measurement_id: int) -> dict[str, Any]:
    return measurement_out(line_or_404(request, Measurement, measurement_id))


@router.patch("/measurements/{int:measurement_id}", response={200: MeasurementOut, **ERRORS})
def measurement_update(
    request: HttpRequest, measurement_id: int, payload: MeasurementPatch
) -> dict[str, Any]:
    measurement = line_or_404(request, Measurement, measurement_id)
    services.measurement_update(
        measurement=measurement, data=payload.dict(exclude_unset=True), acting_user=request.user
    )
    return measurement_out(measurement)


@router.delete("/measurements/{int:measurement_id}", response={204: None, **ERRORS})
def measurement_delete(request: HttpRequest, measurement_id: int) -> Status:
    services.measurement_delete(
        measurement=line_or_404(request, Measurement, measurement_id), acting_user=request.user
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
        {"created": len(result.created), "items": [measurement_out(m) for m in result.created]},
    )
