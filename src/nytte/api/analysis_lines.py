"""The lines and alternatives of a cost-benefit analysis over REST: what the registers do not
hold for an initiative, and everything a proposal's analysis has.

Listed and created under the subject (``…/initiatives/{code}/analysis/lines``,
``…/proposals/{number}/analysis/lines``, and ``…/alternatives``); read, changed and deleted
by id (``/analysis-lines/{id}``, ``/analysis-alternatives/{id}``), like the register's cost
lines. Writes go through ``nytte.costbenefit.services``, which checks the subject's edit
right and validates the model (low ≤ most likely ≤ high, an organisation or a group, a
category that fits the kind); its errors become 422 problems with the field named.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from nytte.core.permissions import Action, check
from nytte.costbenefit import services
from nytte.costbenefit import subject as subjects
from nytte.costbenefit.choices import DistributionChoice
from nytte.costbenefit.models import ExtraAlternative, ExtraLine, Subject

from .common import analysis_initiative, analysis_proposal, find_organisation, org_out
from .costbenefit import A, F
from .portfolio_schemas import OrganisationRef
from .schemas import ERRORS

router = Router(tags=["cost-benefit"])


class LineIn(Schema):
    name: str
    alternative: str | None = Field(
        None, description="The name of one of the analysis' alternatives; null: the subject."
    )
    kind: str = Field(description="cost or benefit.")
    category: str = Field(
        description="Costs: investment, operation, other. Benefits: efficiency, quality, "
        "external, other."
    )
    organisation: str | None = Field(
        None, description="Organisation number of the organisation it falls on."
    )
    group: str = Field(
        "", description="Or the group it falls on: citizens, businesses, municipalities, …"
    )
    public_budget: bool = Field(False, description="Whether it changes public budgets.")
    first_year: int
    last_year: int
    low: int = Field(description="NOK per year, each year from first to last.")
    likely: int
    high: int
    real_growth: Decimal | None = Field(None, description="Real price growth, % per year.")
    distribution: str = DistributionChoice.PERT
    note: str = ""


class LinePatch(Schema):
    name: str | None = None
    alternative: str | None = None
    kind: str | None = None
    category: str | None = None
    organisation: str | None = None
    group: str | None = None
    public_budget: bool | None = None
    first_year: int | None = None
    last_year: int | None = None
    low: int | None = None
    likely: int | None = None
    high: int | None = None
    real_growth: Decimal | None = None
    distribution: str | None = None
    note: str | None = None


class LineOut(Schema):
    id: int
    subject: str = Field(description="The initiative's code or the proposal's reference.")
    name: str
    alternative: str | None
    kind: str
    category: str
    organisation: OrganisationRef | None
    group: str
    public_budget: bool
    first_year: int
    last_year: int
    low: int
    likely: int
    high: int
    real_growth: Decimal | None
    distribution: str
    note: str


class AlternativeIn(Schema):
    name: str
    description: str = ""


class AlternativePatch(Schema):
    name: str | None = None
    description: str | None = None


class AlternativeOut(AlternativeIn):
    id: int
    subject: str


# Read as they are from the line; the others are named or looked up.
LINE_FIELDS = tuple(set(LineOut.model_fields) - {"id", "subject", "alternative", "organisation"})


def _line_out(line: ExtraLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "subject": line.subject_code,
        "alternative": line.alternative.name if line.alternative_id else None,
        "organisation": org_out(line.organisation),
        **{name: getattr(line, name) for name in LINE_FIELDS},
    }


def _alternative_out(alternative: ExtraAlternative) -> dict[str, Any]:
    return {
        "id": alternative.pk,
        "subject": alternative.subject_code,
        "name": alternative.name,
        "description": alternative.description,
    }


def _line_data(subject: Subject, payload: LineIn | LinePatch) -> dict[str, Any]:
    """The payload as model values: organisation by number, alternative by name."""
    data = payload.dict(exclude_unset=True)
    if "organisation" in data:
        orgnr = data["organisation"]
        data["organisation"] = find_organisation(orgnr, "organisation") if orgnr else None
    if "alternative" in data:
        name = data["alternative"]
        data["alternative"] = None
        if name:
            found = ExtraAlternative.objects.filter(
                name=name, **subjects.owner_filter(subject)
            ).first()
            if found is None:
                message = _("The analysis has no alternative called “%(name)s”.")
                raise ValidationError({"alternative": message % {"name": name}})
            data["alternative"] = found
    if data.get("group") is None:
        data.pop("group", None)
    return data


def _by_id(request: HttpRequest, model: type[ExtraLine | ExtraAlternative], pk: int) -> Any:
    """A line or alternative by id, for the subject's viewers only (404 for others)."""
    found = (
        model.objects.select_related("initiative__programme", "proposal__programme")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    check(request.user, Action.VIEW, found)
    return found


# -- lines --


def _lines(subject: Subject) -> list[dict[str, Any]]:
    rows = ExtraLine.objects.filter(**subjects.owner_filter(subject)).select_related(
        "organisation", "alternative", "initiative", "proposal"
    )
    return [_line_out(line) for line in rows]


def _line_create(request: HttpRequest, subject: Subject, payload: LineIn) -> Status:
    line = ExtraLine(**subjects.owner_filter(subject), **_line_data(subject, payload))
    services.line_create(line, acting_user=request.user)
    return Status(201, _line_out(line))


@router.get(A + "/lines", response={200: list[LineOut], **ERRORS})
def line_list(request: HttpRequest, slug: str, code: str) -> list[dict[str, Any]]:
    """The initiative's extra lines (its cost lines and benefits are in their registers)."""
    return _lines(analysis_initiative(request, slug, code))


@router.post(A + "/lines", response={201: LineOut, **ERRORS})
def line_create(request: HttpRequest, slug: str, code: str, payload: LineIn) -> Status:
    return _line_create(request, analysis_initiative(request, slug, code), payload)


@router.get(F + "/lines", response={200: list[LineOut], **ERRORS})
def proposal_line_list(request: HttpRequest, slug: str, number: int) -> list[dict[str, Any]]:
    """Every line of the proposal's analysis."""
    return _lines(analysis_proposal(request, slug, number))


@router.post(F + "/lines", response={201: LineOut, **ERRORS})
def proposal_line_create(request: HttpRequest, slug: str, number: int, payload: LineIn) -> Status:
    return _line_create(request, analysis_proposal(request, slug, number), payload)


@router.get("/analysis-lines/{int:line_id}", response={200: LineOut, **ERRORS})
def line_detail(request: HttpRequest, line_id: int) -> dict[str, Any]:
    return _line_out(_by_id(request, ExtraLine, line_id))


@router.patch("/analysis-lines/{int:line_id}", response={200: LineOut, **ERRORS})
def line_update(request: HttpRequest, line_id: int, payload: LinePatch) -> dict[str, Any]:
    line = _by_id(request, ExtraLine, line_id)
    services.line_update(line, data=_line_data(line.subject, payload), acting_user=request.user)
    return _line_out(line)


@router.delete("/analysis-lines/{int:line_id}", response={204: None, **ERRORS})
def line_delete(request: HttpRequest, line_id: int) -> Status:
    services.line_delete(_by_id(request, ExtraLine, line_id), acting_user=request.user)
    return Status(204, None)


# -- alternatives --


def _alternatives(subject: Subject) -> list[dict[str, Any]]:
    rows = ExtraAlternative.objects.filter(**subjects.owner_filter(subject)).select_related(
        "initiative", "proposal"
    )
    return [_alternative_out(alternative) for alternative in rows]


def _alternative_create(request: HttpRequest, subject: Subject, payload: AlternativeIn) -> Status:
    alternative = ExtraAlternative(**subjects.owner_filter(subject), **payload.dict())
    services.line_create(alternative, acting_user=request.user)
    return Status(201, _alternative_out(alternative))


@router.get(A + "/alternatives", response={200: list[AlternativeOut], **ERRORS})
def alternative_list(request: HttpRequest, slug: str, code: str) -> list[dict[str, Any]]:
    """Alternatives beside the initiative itself (the zero alternative is never stored)."""
    return _alternatives(analysis_initiative(request, slug, code))


@router.post(A + "/alternatives", response={201: AlternativeOut, **ERRORS})
def alternative_create(
    request: HttpRequest, slug: str, code: str, payload: AlternativeIn
) -> Status:
    return _alternative_create(request, analysis_initiative(request, slug, code), payload)


@router.get(F + "/alternatives", response={200: list[AlternativeOut], **ERRORS})
def proposal_alternative_list(request: HttpRequest, slug: str, number: int) -> list[dict[str, Any]]:
    return _alternatives(analysis_proposal(request, slug, number))


@router.post(F + "/alternatives", response={201: AlternativeOut, **ERRORS})
def proposal_alternative_create(
    request: HttpRequest, slug: str, number: int, payload: AlternativeIn
) -> Status:
    return _alternative_create(request, analysis_proposal(request, slug, number), payload)


@router.get("/analysis-alternatives/{int:alternative_id}", response={200: AlternativeOut, **ERRORS})
def alternative_detail(request: HttpRequest, alternative_id: int) -> dict[str, Any]:
    return _alternative_out(_by_id(request, ExtraAlternative, alternative_id))


@router.patch(
    "/analysis-alternatives/{int:alternative_id}", response={200: AlternativeOut, **ERRORS}
)
def alternative_update(
    request: HttpRequest, alternative_id: int, payload: AlternativePatch
) -> dict[str, Any]:
    alternative = _by_id(request, ExtraAlternative, alternative_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    services.line_update(alternative, data=data, acting_user=request.user)
    return _alternative_out(alternative)


@router.delete("/analysis-alternatives/{int:alternative_id}", response={204: None, **ERRORS})
def alternative_delete(request: HttpRequest, alternative_id: int) -> Status:
    """Delete the alternative and its lines."""
    services.line_delete(
        _by_id(request, ExtraAlternative, alternative_id), acting_user=request.user
    )
    return Status(204, None)
