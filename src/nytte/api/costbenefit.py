"""Cost-benefit analyses over REST, for initiatives (``/initiatives/{code}/analysis``) and
proposals (``/proposals/{number}/analysis``): the live result (result table, Monte Carlo
summary, tornado, break-even), its settings, frozen snapshots, and an initiative's co-funding
check. Each route is a thin wrapper that finds the subject and calls the shared handler.

Thin like the other routers: reads through ``nytte.costbenefit.selectors`` and the co-funding
gatherer, writes through ``nytte.costbenefit.services`` with ``acting_user``; 404 where the
caller has no role in the programme, 403 where the role may not write (an initiative's
analysis: those who may edit it; a proposal's: facilitators). When the inputs do
not make an analysis, the engine's ``CBAInputError`` becomes a 422 problem with its message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from nytte.costbenefit import results, selectors, services
from nytte.costbenefit.build import settings_for
from nytte.costbenefit.cofunding.gather import gather
from nytte.costbenefit.models import AnalysisSettings, Snapshot, Subject
from nytte.economics import DEFAULT_PARAMETER_SET, CBAInputError

from . import errors
from .common import analysis_initiative, analysis_proposal
from .schemas import ERRORS

router = Router(tags=["cost-benefit"])
P = "/programmes/{slug}"
I = P + "/initiatives/{code}"  # noqa: E741
A = I + "/analysis"
F = P + "/proposals/{number}/analysis"


# -- schemas --


class SettingsIn(Schema):
    """The whole settings (PUT): a field left out takes its default."""

    base_year: int | None = Field(
        None, description="Discounted to this year; null: the first year with amounts."
    )
    price_year: int | None = Field(None, description="Price year (kroneår); null: the base year.")
    period_years: int | None = Field(
        None, description="Analysis period; null: first to last year with amounts."
    )
    parameter_set: str = Field(DEFAULT_PARAMETER_SET, description="A named R-109 parameter set.")
    iterations: int = Field(10_000, description="Monte Carlo iterations (1,000–100,000).")
    seed: int = Field(1, description="The same seed gives the same numbers.")
    assumptions: str = ""


class SettingsOut(SettingsIn):
    saved: bool = Field(description="False while the defaults have never been saved.")


class AnalysisOut(Schema):
    result: dict[str, Any] = Field(description="The result table (Result.to_dict()).")
    simulation: dict[str, Any] = Field(
        description="Monte Carlo summary; histogram and S-curve only with ?details=1."
    )
    tornado: list[dict[str, Any]]
    break_even: list[dict[str, Any]]
    settings: SettingsOut
    computed_at: dt.datetime = Field(description="When this result was computed.")
    computing: bool = Field(
        description="The inputs have changed since: a newer result is being computed in the "
        "background; ask again shortly."
    )


class SnapshotIn(Schema):
    note: str = Field("", description="What the snapshot is for, e.g. the decision case.")


class SnapshotSummary(Schema):
    version: int
    note: str
    parameter_set: str
    created_by: str | None
    created_at: dt.datetime


class SnapshotOut(SnapshotSummary):
    inputs: dict[str, Any] = Field(description="The analysis as frozen (Analysis.to_dict()).")
    results: dict[str, Any]
    simulation: dict[str, Any] | None


class CoFundingCheckOut(Schema):
    rule: str
    label: str
    passed: bool | None = Field(description="null: not assessed (a fact is missing).")
    state: str
    reason: str


class CoFundingFactOut(Schema):
    key: str
    label: str
    value: Any
    display: str
    source: str


class CoFundingOut(Schema):
    initiative: str
    rules: str
    rules_name: str
    category: str
    eligible: bool
    checks: list[CoFundingCheckOut]
    facts: list[CoFundingFactOut]
    stored: dict[str, Any]
    analysis_error: str | None


# -- helpers --


def _unprocessable(request: HttpRequest, exc: CBAInputError) -> HttpResponse:
    return errors.problem(
        request,
        422,
        "The analysis cannot be computed",
        str(exc),
        errors=[{"loc": [exc.where] if exc.where else [], "msg": exc.reason}],
    )


def _settings_out(config: AnalysisSettings) -> dict[str, Any]:
    return {
        **{name: getattr(config, name) for name in SettingsIn.model_fields},
        "saved": config.pk is not None,
    }


def _snapshot_summary(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "version": snapshot.version,
        "note": snapshot.note,
        "parameter_set": snapshot.parameter_set,
        "created_by": snapshot.created_by.username if snapshot.created_by else None,
        "created_at": snapshot.created_at,
    }


def _snapshot_out(snapshot: Snapshot) -> dict[str, Any]:
    return {
        **_snapshot_summary(snapshot),
        "inputs": snapshot.inputs,
        "results": snapshot.results,
        "simulation": snapshot.simulation,
    }


def _simulation(data: dict[str, Any], details: bool) -> dict[str, Any]:
    if details:
        return data
    return {
        **data,
        "alternatives": [
            {k: v for k, v in alt.items() if k not in {"histogram", "s_curve"}}
            for alt in data["alternatives"]
        ],
    }


# -- the live analysis, its settings and snapshots (shared handlers) --


def _analysis(
    request: HttpRequest, subject: Subject, details: bool
) -> dict[str, Any] | HttpResponse:
    """The last computed result for the current inputs (no simulation on a cache hit)."""
    try:
        current = results.current(subject)
    except CBAInputError as exc:
        return _unprocessable(request, exc)
    ev = current.evaluated
    return {
        "result": ev.results,
        "simulation": _simulation(ev.simulation or {"alternatives": []}, details),
        "tornado": ev.tornado,
        "break_even": ev.break_even,
        "settings": _settings_out(settings_for(subject)),
        "computed_at": current.computed_at,
        "computing": current.stale,
    }


def _settings_replace(
    request: HttpRequest, subject: Subject, payload: SettingsIn
) -> dict[str, Any]:
    saved = services.settings_save(subject=subject, data=payload.dict(), acting_user=request.user)
    return _settings_out(saved)


def _snapshot_create(
    request: HttpRequest, subject: Subject, payload: SnapshotIn
) -> Status | HttpResponse:
    try:
        snapshot = services.snapshot_freeze(
            subject=subject, note=payload.note, acting_user=request.user
        )
    except CBAInputError as exc:
        return _unprocessable(request, exc)
    return Status(201, _snapshot_out(snapshot))


def _snapshot_detail(subject: Subject, version: int) -> dict[str, Any]:
    try:
        return _snapshot_out(selectors.snapshot_get(subject=subject, version=version))
    except Snapshot.DoesNotExist:
        raise Http404 from None


# -- an initiative's analysis --


@router.get(A, response={200: AnalysisOut, **ERRORS})
def analysis_detail(
    request: HttpRequest, slug: str, code: str, details: bool = False
) -> dict[str, Any] | HttpResponse:
    """The analysis as the registers stand now. ``details=1`` adds each alternative's
    histogram and S-curve to the simulation."""
    return _analysis(request, analysis_initiative(request, slug, code, with_result=True), details)


@router.get(A + "/settings", response={200: SettingsOut, **ERRORS})
def settings_detail(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    return _settings_out(settings_for(analysis_initiative(request, slug, code)))


@router.put(A + "/settings", response={200: SettingsOut, **ERRORS})
def settings_replace(
    request: HttpRequest, slug: str, code: str, payload: SettingsIn
) -> dict[str, Any]:
    """Replace the settings; a field left out goes back to its default."""
    return _settings_replace(request, analysis_initiative(request, slug, code), payload)


@router.get(A + "/snapshots", response={200: list[SnapshotSummary], **ERRORS})
def snapshot_list(request: HttpRequest, slug: str, code: str) -> list[dict[str, Any]]:
    """Frozen versions, newest first (without their contents)."""
    subject = analysis_initiative(request, slug, code)
    return [_snapshot_summary(s) for s in selectors.snapshots(subject=subject)]


@router.post(A + "/snapshots", response={201: SnapshotOut, **ERRORS})
def snapshot_create(
    request: HttpRequest, slug: str, code: str, payload: SnapshotIn
) -> Status | HttpResponse:
    """Freeze the analysis as it stands: inputs, parameter set, results and simulation."""
    return _snapshot_create(request, analysis_initiative(request, slug, code), payload)


@router.get(A + "/snapshots/{version}", response={200: SnapshotOut, **ERRORS})
def snapshot_detail(request: HttpRequest, slug: str, code: str, version: int) -> dict[str, Any]:
    return _snapshot_detail(analysis_initiative(request, slug, code), version)


# -- a proposal's analysis (its extra lines and alternatives; see the pages) --


@router.get(F, response={200: AnalysisOut, **ERRORS})
def proposal_analysis_detail(
    request: HttpRequest, slug: str, number: int, details: bool = False
) -> dict[str, Any] | HttpResponse:
    """A proposal's analysis, computed from its extra lines and alternatives."""
    subject = analysis_proposal(request, slug, number, with_result=True)
    return _analysis(request, subject, details)


@router.get(F + "/settings", response={200: SettingsOut, **ERRORS})
def proposal_settings_detail(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    return _settings_out(settings_for(analysis_proposal(request, slug, number)))


@router.put(F + "/settings", response={200: SettingsOut, **ERRORS})
def proposal_settings_replace(
    request: HttpRequest, slug: str, number: int, payload: SettingsIn
) -> dict[str, Any]:
    return _settings_replace(request, analysis_proposal(request, slug, number), payload)


@router.get(F + "/snapshots", response={200: list[SnapshotSummary], **ERRORS})
def proposal_snapshot_list(request: HttpRequest, slug: str, number: int) -> list[dict[str, Any]]:
    subject = analysis_proposal(request, slug, number)
    return [_snapshot_summary(s) for s in selectors.snapshots(subject=subject)]


@router.post(F + "/snapshots", response={201: SnapshotOut, **ERRORS})
def proposal_snapshot_create(
    request: HttpRequest, slug: str, number: int, payload: SnapshotIn
) -> Status | HttpResponse:
    return _snapshot_create(request, analysis_proposal(request, slug, number), payload)


@router.get(F + "/snapshots/{version}", response={200: SnapshotOut, **ERRORS})
def proposal_snapshot_detail(
    request: HttpRequest, slug: str, number: int, version: int
) -> dict[str, Any]:
    return _snapshot_detail(analysis_proposal(request, slug, number), version)


# -- co-funding --


@router.get(I + "/co-funding", response={200: CoFundingOut, **ERRORS})
def cofunding_detail(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    """The co-funding scheme's rules, each passed, failed or not assessed (``passed`` null)
    with its reason, and the facts used with where each came from."""
    return gather(analysis_initiative(request, slug, code)).to_dict()
