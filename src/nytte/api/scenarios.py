"""Scenarios and optimiser runs over REST, and ``POST /optimise`` for the optimiser's own
JSON format (docs/optimise.md).

Runs are queued as background tasks (``nytte worker``); ``GET .../runs/{id}`` shows their
progress and, when done, the result and its comparison with the portfolio as planned.
``POST /optimise`` solves *inline* because it reads no register: it is capped at
``INLINE_MAX_CANDIDATES`` candidates and ``INLINE_MAX_SECONDS`` seconds of solving in all
(a larger or longer problem belongs in a scenario run). Budgets are keyed by organisation
number (orgnr) and proposals by number, as elsewhere in the API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Router, Schema, Status

from nytte.core.lookups import programme_or_404
from nytte.core.models import Organisation, Programme
from nytte.optimise import OptimiseError, Problem, optimise
from nytte.optimise.displacement import displacement
from nytte.optimise.frontier import frontier
from nytte.optimise.io import parse_options
from nytte.proposals.models import Proposal
from nytte.scenarios import selectors, services
from nytte.scenarios.models import Scenario, ScenarioRun

from .errors import problem
from .schemas import ERRORS

router = Router(tags=["scenarios"])
P = "/programmes/{slug}/scenarios"
#: Limits of an inline ``POST /optimise``.
INLINE_MAX_CANDIDATES = 300
INLINE_MAX_SECONDS = 10.0


class ScenarioIn(Schema):
    name: str
    description: str = ""
    first_year: int | None = None
    years: int = 5
    #: orgnr -> one amount per plan year; omitted: the planned most-likely costs.
    budgets: dict[str, list[int]] | None = None
    proposals: list[int] = []
    excluded: list[str] = []
    forced_in: list[str] = []
    forced_out: list[str] = []
    mandatory: list[str] = []
    #: Funds in the optimiser's format (docs/optimise.md); ``organisations`` by orgnr.
    funds: list[dict[str, Any]] = []
    #: Running initiatives the plan may stop: key -> stop cost (NOK, owner, first year).
    stop_costs: dict[str, int] = {}
    flexibility: float = 0
    score_weight: float = 0
    #: Percent; the plan keeps P(total NNV < 0) at most this (Monte Carlo draws).
    max_probability_negative: float | None = None
    time_limit: int = 30


class ScenarioPatch(Schema):
    name: str | None = None
    description: str | None = None
    budgets: dict[str, list[int]] | None = None
    proposals: list[int] | None = None
    excluded: list[str] | None = None
    forced_in: list[str] | None = None
    forced_out: list[str] | None = None
    mandatory: list[str] | None = None
    funds: list[dict[str, Any]] | None = None
    stop_costs: dict[str, int] | None = None
    flexibility: float | None = None
    score_weight: float | None = None
    max_probability_negative: float | None = None
    time_limit: int | None = None


class RunSummary(Schema):
    id: int
    mode: str
    proposal: int | None
    status: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


class ScenarioOut(Schema):
    id: int
    name: str
    description: str
    first_year: int
    years: int
    budgets: dict[str, list[float]]
    proposals: list[int]
    excluded: list[str]
    forced_in: list[str]
    forced_out: list[str]
    mandatory: list[str]
    funds: list[dict[str, Any]]
    stop_costs: dict[str, int]
    flexibility: float
    score_weight: float
    max_probability_negative: float | None
    time_limit: int
    baseline: int | None
    created_at: dt.datetime
    runs: list[RunSummary]


class RunIn(Schema):
    #: A proposal number: what it would displace; omitted: plan the scenario.
    proposal: int | None = None
    #: Budget multiples for the efficient frontier (``[]``: 0.5, 0.75, 1, 1.25, 1.5).
    frontier: list[float] | None = None


class RunOut(RunSummary):
    levels: list[float]
    scenario: int
    progress: dict[str, Any]
    error: str
    started_at: dt.datetime | None
    result: dict[str, Any] | None
    comparison: dict[str, Any] | None
    input: dict[str, Any] | None


def _budgets_in(budgets: dict[str, list[int]]) -> dict[str, list[int]]:
    orgs = {o.orgnr: o.pk for o in Organisation.objects.filter(orgnr__in=list(budgets))}
    unknown = [k for k in budgets if k not in orgs]
    if unknown:
        raise ValidationError(
            {
                "budgets": _("No organisation has the organisation number %(orgnr)s.")
                % {"orgnr": unknown[0]}
            }
        )
    return {str(orgs[k]): v for k, v in budgets.items()}


def _funds_in(funds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Funds with ``organisations`` as orgnr, stored by organisation id."""
    wanted = {o for f in funds for o in (f.get("organisations") or []) if isinstance(o, str)}
    ids = dict(Organisation.objects.filter(orgnr__in=wanted).values_list("orgnr", "pk"))
    out = []
    for f in funds:
        f = dict(f)
        if f.get("organisations") is not None:
            if not isinstance(f["organisations"], list):
                raise ValidationError({"funds": _("A fund's organisations must be a list.")})
            unknown = [o for o in f["organisations"] if o not in ids]
            if unknown:
                raise ValidationError(
                    {
                        "funds": _("No organisation has the organisation number %(orgnr)s.")
                        % {"orgnr": unknown[0]}
                    }
                )
            f["organisations"] = [str(ids[o]) for o in f["organisations"]]
        out.append(f)
    return out


def _funds_out(funds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = {int(o) for f in funds for o in (f.get("organisations") or [])}
    orgnr = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "orgnr"))
    return [
        {**f, "organisations": [orgnr.get(int(o), str(o)) for o in f["organisations"]]}
        if f.get("organisations") is not None
        else f
        for f in funds
    ]


def _proposals(programme: Programme, numbers: list[int]) -> list[Proposal]:
    found = {p.number: p for p in Proposal.objects.filter(programme=programme, number__in=numbers)}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise ValidationError(
            {"proposals": _("The programme has no proposal %(n)s.") % {"n": missing[0]}}
        )
    return [found[n] for n in numbers]


def _run_summary(run: ScenarioRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "mode": run.mode,
        "proposal": run.proposal.number if run.proposal else None,
        "status": run.status,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
    }


def _scenario_out(scenario: Scenario) -> dict[str, Any]:
    orgnr = dict(
        Organisation.objects.filter(pk__in=[int(k) for k in scenario.budgets]).values_list(
            "pk", "orgnr"
        )
    )
    return {
        "id": scenario.pk,
        "name": scenario.name,
        "description": scenario.description,
        "first_year": scenario.first_year,
        "years": scenario.years,
        "budgets": {orgnr[int(k)]: v for k, v in scenario.budgets.items() if int(k) in orgnr},
        "proposals": sorted(p.number for p in scenario.proposals.all()),
        "excluded": scenario.excluded,
        "forced_in": scenario.forced_in,
        "forced_out": scenario.forced_out,
        "mandatory": scenario.mandatory,
        "funds": _funds_out(scenario.funds),
        "stop_costs": scenario.stop_costs,
        "flexibility": float(scenario.flexibility),
        "score_weight": float(scenario.score_weight),
        "max_probability_negative": (
            None
            if scenario.max_probability_negative is None
            else float(scenario.max_probability_negative)
        ),
        "time_limit": scenario.time_limit,
        "baseline": scenario.baseline_ref,
        "created_at": scenario.created_at,
        "runs": [_run_summary(r) for r in scenario.runs.select_related("proposal")],
    }


def _comparison(run: ScenarioRun) -> dict[str, Any] | None:
    comparison = selectors.compare(run)
    if comparison is None:
        return None
    return {
        "baseline_value": comparison.baseline_value,
        "plan_value": comparison.plan_value,
        "value_change": comparison.value_change,
        "baseline_fits_budgets": comparison.baseline_feasible,
        "changes": [{**asdict(c), "value_change": c.value_change} for c in comparison.changes],
        "budget_use": [{**asdict(r), "left": r.left} for r in comparison.budget_rows],
    }


def _run_out(run: ScenarioRun, details: bool = False) -> dict[str, Any]:
    return {
        **_run_summary(run),
        "scenario": run.scenario_id,
        "levels": run.levels,
        "progress": run.progress or {},
        "error": run.error,
        "started_at": run.started_at,
        "result": run.result,
        "comparison": _comparison(run) if run.result else None,
        "input": run.input if details else None,
    }


def _scenario(request: HttpRequest, slug: str, pk: int) -> Scenario:
    programme = programme_or_404(request, slug)
    try:
        return selectors.scenario_get(user=request.user, programme=programme, pk=pk)
    except Scenario.DoesNotExist as exc:
        raise Http404 from exc


@router.get(P, response={200: list[ScenarioOut], **ERRORS})
def scenario_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = programme_or_404(request, slug)
    scenarios = selectors.scenario_list(user=request.user, programme=programme).prefetch_related(
        "proposals"
    )
    return [_scenario_out(s) for s in scenarios]


@router.post(P, response={201: ScenarioOut, **ERRORS})
def scenario_create(request: HttpRequest, slug: str, payload: ScenarioIn) -> Status:
    """Create a scenario (facilitators and programme admins)."""
    programme = programme_or_404(request, slug)
    data = payload.dict()
    budgets = data.pop("budgets")
    proposals = _proposals(programme, data.pop("proposals"))
    data["funds"] = _funds_in(data["funds"])
    scenario = services.scenario_create(
        programme=programme,
        budgets=_budgets_in(budgets) if budgets is not None else None,
        proposals=proposals,
        acting_user=request.user,
        **data,
    )
    return Status(201, _scenario_out(scenario))


@router.get(P + "/{pk}", response={200: ScenarioOut, **ERRORS})
def scenario_detail(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    return _scenario_out(_scenario(request, slug, pk))


@router.patch(P + "/{pk}", response={200: ScenarioOut, **ERRORS})
def scenario_update(
    request: HttpRequest, slug: str, pk: int, payload: ScenarioPatch
) -> dict[str, Any]:
    """Change the fields given (budgets replace the whole table; the plan years are fixed
    once created)."""
    scenario = _scenario(request, slug, pk)
    data = payload.dict(exclude_unset=True)
    proposals = data.pop("proposals", None)
    if data.get("budgets") is not None:
        data["budgets"] = _budgets_in(data["budgets"])
    if data.get("funds") is not None:
        data["funds"] = _funds_in(data["funds"])
    scenario = services.scenario_update(
        scenario=scenario,
        data={k: v for k, v in data.items() if v is not None},
        proposals=None if proposals is None else _proposals(scenario.programme, proposals),
        acting_user=request.user,
    )
    return _scenario_out(scenario)


@router.post(P + "/{pk}/runs", response={202: RunOut, **ERRORS})
def run_create(request: HttpRequest, slug: str, pk: int, payload: RunIn) -> Status:
    """Queue a run (a background task): the plan; with ``proposal``, what it would
    displace; with ``frontier``, the efficient frontier at those budget multiples. Poll
    ``GET .../runs/{id}`` for progress."""
    scenario = _scenario(request, slug, pk)
    proposal = None
    if payload.proposal is not None:
        proposal = _proposals(scenario.programme, [payload.proposal])[0]
    run = services.run_create(
        scenario=scenario, proposal=proposal, levels=payload.frontier, acting_user=request.user
    )
    return Status(202, _run_out(run))


@router.get(P + "/{pk}/runs/{run_id}", response={200: RunOut, **ERRORS})
def run_detail(
    request: HttpRequest, slug: str, pk: int, run_id: int, details: bool = False
) -> dict[str, Any]:
    """Status, progress, the result and its comparison; ``details=true`` adds the input."""
    scenario = _scenario(request, slug, pk)
    try:
        run = selectors.run_get(user=request.user, scenario=scenario, pk=run_id)
    except ScenarioRun.DoesNotExist as exc:
        raise Http404 from exc
    return _run_out(run, details)


@router.post("/optimise", response={200: dict[str, Any], **ERRORS})
def optimise_inline(
    request: HttpRequest,
    payload: dict[str, Any] = Body(...),  # noqa: B008
) -> Any:
    """Solve a problem in the optimiser's JSON format (``nytte-optimise/1``) and answer
    ``{"plan": …, "frontier": […], "displacement": {…}}`` as ``nytte optimise --format
    json`` does. Inline, so small: at most 300 candidates and about 10 seconds of solving
    in all (``options.time_limit`` is capped). Errors name the field or the conflicting
    constraints (422)."""
    try:
        parsed = Problem.from_dict(payload)
        options = parse_options(payload.get("options"))
        if len(parsed.candidates) > INLINE_MAX_CANDIDATES:
            return problem(
                request,
                422,
                "Too large to solve inline",
                f"{len(parsed.candidates)} candidates; at most {INLINE_MAX_CANDIDATES} here. "
                "Create a scenario and queue a run for larger problems.",
            )
        parts = 1 + (1 if options.frontier else 0) + (2 if options.displace else 0)
        limit = min(options.time_limit or INLINE_MAX_SECONDS, INLINE_MAX_SECONDS / parts)
        gap = options.mip_gap if options.mip_gap is not None else 1e-6
        plan = optimise(parsed, time_limit=limit, mip_gap=gap)
        out: dict[str, Any] = {"plan": services.finite_json(plan.to_dict())}
        if options.frontier:
            points = frontier(parsed, options.frontier, time_limit=limit, mip_gap=gap)
            out["frontier"] = services.finite_json([asdict(p) for p in points])
        if options.displace:
            moved = displacement(
                parsed,
                options.displace,
                options.current_plan,
                mode=options.displacement_mode,
                time_limit=limit / 2,
                mip_gap=gap,
            )
            out["displacement"] = services.finite_json(moved.to_dict())
    except OptimiseError as exc:
        return problem(request, 422, "Cannot optimise", str(exc))
    return out


__all__ = ["router"]
