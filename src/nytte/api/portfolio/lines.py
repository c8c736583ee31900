"""An initiative's lines over REST: costs, dependencies, risks and status reports."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from nytte.portfolio import selectors, services
from nytte.portfolio.models import (
    CostLine,
    Dependency,
    Risk,
    StatusReport,
)

from ..common import Pagination, find_organisation
from ..portfolio_schemas import (
    CostIn,
    CostOut,
    CostPatch,
    DependencyIn,
    DependencyOut,
    DependencyPatch,
    RiskIn,
    RiskOut,
    RiskPatch,
    StatusReportIn,
    StatusReportOut,
    StatusReportPatch,
)
from ..schemas import ERRORS
from .helpers import (
    I,
    cost_out,
    dependency_out,
    initiative_or_404,
    line_or_404,
    other_initiative,
    report_out,
    risk_out,
)

router = Router(tags=["portfolio"])


def _cost_data(payload: CostIn | CostPatch) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    if "organisation" in data:
        data["organisation"] = find_organisation(data["organisation"], "organisation")
    return data


@router.get(I + "/costs", response={200: list[CostOut], **ERRORS})
@paginate(Pagination)
def cost_list(request: HttpRequest, slug: str, code: str) -> list[dict[str, Any]]:
    initiative = initiative_or_404(request, slug, code)
    return [cost_out(line) for line in selectors.cost_lines(initiative=initiative)]


@router.post(I + "/costs", response={201: CostOut, **ERRORS})
def cost_create(request: HttpRequest, slug: str, code: str, payload: CostIn) -> Status:
    initiative = initiative_or_404(request, slug, code)
    line = services.cost_line_create(
        initiative=initiative, acting_user=request.user, **_cost_data(payload)
    )
    return Status(201, cost_out(line))


@router.get("/costs/{int:line_id}", response={200: CostOut, **ERRORS})
def cost_detail(request: HttpRequest, line_id: int) -> dict[str, Any]:
    return cost_out(line_or_404(request, CostLine, line_id))


@router.patch("/costs/{int:line_id}", response={200: CostOut, **ERRORS})
def cost_update(request: HttpRequest, line_id: int, payload: CostPatch) -> dict[str, Any]:
    line = line_or_404(request, CostLine, line_id)
    services.cost_line_update(line, data=_cost_data(payload), acting_user=request.user)
    return cost_out(line)


@router.delete("/costs/{int:line_id}", response={204: None, **ERRORS})
def cost_delete(request: HttpRequest, line_id: int) -> Status:
    services.cost_line_delete(line_or_404(request, CostLine, line_id), acting_user=request.user)
    return Status(204, None)


# -- dependencies --


@router.get(I + "/dependencies", response={200: list[DependencyOut], **ERRORS})
@paginate(Pagination)
def dependency_list(request: HttpRequest, slug: str, code: str) -> list[dict[str, Any]]:
    """Both directions: what this initiative depends on, and what depends on it."""
    found = selectors.dependencies(initiative=initiative_or_404(request, slug, code))
    return [dependency_out(d) for d in found["outgoing"] + found["incoming"]]


@router.post(I + "/dependencies", response={201: DependencyOut, **ERRORS})
def dependency_create(request: HttpRequest, slug: str, code: str, payload: DependencyIn) -> Status:
    source = initiative_or_404(request, slug, code)
    dependency = services.dependency_create(
        source=source,
        target=other_initiative(source.programme, payload.target),
        kind=payload.kind,
        note=payload.note,
        acting_user=request.user,
    )
    return Status(201, dependency_out(dependency))


@router.get("/dependencies/{int:dependency_id}", response={200: DependencyOut, **ERRORS})
def dependency_detail(request: HttpRequest, dependency_id: int) -> dict[str, Any]:
    return dependency_out(line_or_404(request, Dependency, dependency_id, via="source"))


@router.patch("/dependencies/{int:dependency_id}", response={200: DependencyOut, **ERRORS})
def dependency_update(
    request: HttpRequest, dependency_id: int, payload: DependencyPatch
) -> dict[str, Any]:
    dependency = line_or_404(request, Dependency, dependency_id, via="source")
    data = payload.dict(exclude_unset=True)
    if "target" in data:
        data["target"] = other_initiative(dependency.source.programme, data["target"])
    services.dependency_update(dependency, data=data, acting_user=request.user)
    return dependency_out(dependency)


@router.delete("/dependencies/{int:dependency_id}", response={204: None, **ERRORS})
def dependency_delete(request: HttpRequest, dependency_id: int) -> Status:
    dependency = line_or_404(request, Dependency, dependency_id, via="source")
    services.dependency_delete(dependency, acting_user=request.user)
    return Status(204, None)


# -- risks --


@router.get(I + "/risks", response={200: list[RiskOut], **ERRORS})
@paginate(Pagination)
def risk_list(request: HttpRequest, slug: str, code: str) -> list[dict[str, Any]]:
    return [risk_out(r) for r in selectors.risks(initiative=initiative_or_404(request, slug, code))]


@router.post(I + "/risks", response={201: RiskOut, **ERRORS})
def risk_create(request: HttpRequest, slug: str, code: str, payload: RiskIn) -> Status:
    initiative = initiative_or_404(request, slug, code)
    risk = services.risk_create(initiative=initiative, acting_user=request.user, **payload.dict())
    return Status(201, risk_out(risk))


@router.get("/risks/{int:risk_id}", response={200: RiskOut, **ERRORS})
def risk_detail(request: HttpRequest, risk_id: int) -> dict[str, Any]:
    return risk_out(line_or_404(request, Risk, risk_id))


@router.patch("/risks/{int:risk_id}", response={200: RiskOut, **ERRORS})
def risk_update(request: HttpRequest, risk_id: int, payload: RiskPatch) -> dict[str, Any]:
    risk = line_or_404(request, Risk, risk_id)
    services.risk_update(risk, data=payload.dict(exclude_unset=True), acting_user=request.user)
    return risk_out(risk)


@router.delete("/risks/{int:risk_id}", response={204: None, **ERRORS})
def risk_delete(request: HttpRequest, risk_id: int) -> Status:
    services.risk_delete(line_or_404(request, Risk, risk_id), acting_user=request.user)
    return Status(204, None)


# -- status reports --


@router.get(I + "/status-reports", response={200: list[StatusReportOut], **ERRORS})
@paginate(Pagination)
def status_report_list(request: HttpRequest, slug: str, code: str) -> list[dict[str, Any]]:
    initiative = initiative_or_404(request, slug, code)
    return [report_out(r) for r in selectors.status_reports(initiative=initiative)]


@router.post(I + "/status-reports", response={201: StatusReportOut, **ERRORS})
def status_report_create(
    request: HttpRequest, slug: str, code: str, payload: StatusReportIn
) -> Status:
    initiative = initiative_or_404(request, slug, code)
    report = services.status_report_create(
        initiative=initiative, acting_user=request.user, **payload.dict()
    )
    return Status(201, report_out(report))


@router.get("/status-reports/{int:report_id}", response={200: StatusReportOut, **ERRORS})
def status_report_detail(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return report_out(line_or_404(request, StatusReport, report_id))


@router.patch("/status-reports/{int:report_id}", response={200: StatusReportOut, **ERRORS})
def status_report_update(
    request: HttpRequest, report_id: int, payload: StatusReportPatch
) -> dict[str, Any]:
    report = line_or_404(request, StatusReport, report_id)
    services.status_report_update(
        report, data=payload.dict(exclude_unset=True), acting_user=request.user
    )
    return report_out(report)


@router.delete("/status-reports/{int:report_id}", response={204: None, **ERRORS})
def status_report_delete(request: HttpRequest, report_id: int) -> Status:
    services.status_report_delete(
        line_or_404(request, StatusReport, report_id), acting_user=request.user
    )
    return Status(204, None)
