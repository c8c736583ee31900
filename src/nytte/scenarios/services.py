"""Writes for scenarios and their runs.

Every service takes ``acting_user`` (``nytte.core.actors``) and checks it: facilitators and
programme admins (``Action.FACILITATE``) create, change and run scenarios; anyone who may see
the programme reads them. Runs are queued as background tasks (``tasks.py``, ``nytte worker``)
and never solved in a web request; the optimiser's input is built in ``inputs.py``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nytte.core.actors import actor_user, require_actor
from nytte.core.models import Programme
from nytte.core.permissions import Action, check
from nytte.core.services import object_create, object_delete, object_update
from nytte.economics.cofunding import CURRENT_RULES as CURRENT_COFUNDING_RULES
from nytte.optimise import OptimiseError, Problem, Progress, optimise
from nytte.optimise.displacement import displacement
from nytte.optimise.frontier import DEFAULT_LEVELS as FRONTIER_LEVELS
from nytte.optimise.frontier import frontier
from nytte.proposals.models import Proposal

from .choices import RunMode, RunStatus
from .inputs import default_budgets, proposal_key, scenario_input
from .models import Scenario, ScenarioRun

logger = logging.getLogger(__name__)

#: Seconds between two progress writes to a run's row.
PROGRESS_EVERY = 1.0
#: A run still "running" this long after its time limit has lost its worker (killed,
#: out of memory, machine restarted): ``run_fail_stale`` marks it failed.
STALE_GRACE = timedelta(minutes=10)
#: Most budget levels one frontier run solves (they share the scenario's time limit).
MAX_FRONTIER_LEVELS = 10


# ---------------------------------------------------------------------------------------------
# Scenarios


@transaction.atomic
def scenario_create(
    *,
    programme: Programme,
    name: str,
    acting_user: Any,
    description: str = "",
    first_year: int | None = None,
    years: int = 5,
    budgets: Mapping[str, list[int | float]] | None = None,
    proposals: Iterable[Proposal] = (),
    **fields: Any,
) -> Scenario:
    """A new scenario; without ``budgets`` each organisation's planned most-likely cost per
    plan year (the portfolio as planned just fits)."""
    require_actor(acting_user)
    check(acting_user, Action.FACILITATE, programme)
    first_year = first_year or timezone.localdate().year
    if budgets is None:
        budgets = default_budgets(programme, first_year, years)
    scenario = Scenario(
        programme=programme,
        name=name,
        description=description,
        first_year=first_year,
        years=years,
        budgets={str(k): list(v) for k, v in budgets.items()},
        created_by=actor_user(acting_user),
        **fields,
    )
    proposals = list(proposals)
    _check_proposals(programme, proposals)
    return object_create(scenario, acting_user=acting_user, m2m={"proposals": proposals})


def _check_proposals(programme: Programme, proposals: list[Proposal]) -> None:
    if any(p.programme_id != programme.pk for p in proposals):
        raise ValidationError({"proposals": _("A proposal belongs to another programme.")})


@transaction.atomic
def scenario_update(
    *,
    scenario: Scenario,
    data: Mapping[str, Any],
    acting_user: Any,
    proposals: Iterable[Proposal] | None = None,
) -> Scenario:
    require_actor(acting_user)
    check(acting_user, Action.FACILITATE, scenario)
    data = dict(data)
    if "budgets" in data:
        data["budgets"] = {str(k): list(v) for k, v in data["budgets"].items()}
    m2m = None
    if proposals is not None:
        proposals = list(proposals)
        _check_proposals(scenario.programme, proposals)
        m2m = {"proposals": proposals}
    return object_update(scenario, acting_user=acting_user, data=data, m2m=m2m)


def cofunding_fund(*, budget: float | None = None) -> dict[str, Any]:
    """The state's co-funding scheme (medfinansieringsordningen, domain.md §7) as a fund,
    from the cost-benefit engine's current rules: at most 50 % of a project's cost and
    NOK 50 m, in at most three budget years, projects of NOK 10-100 m that have not started
    execution and are profitable. ``budget``: what the scheme can pay out per year."""
    rules = CURRENT_COFUNDING_RULES
    band = rules.categories[0]
    fund: dict[str, Any] = {
        "id": "medfinansiering",
        "name": "Medfinansieringsordningen (Digdir)",
        "max_share": band.max_share,
        "max_amount": band.max_share * band.max_cost,
        "max_budget_years": rules.max_budget_years,
        "min_project_cost": band.min_cost,
        "max_project_cost": band.max_cost,
        "include_running": not rules.require_execution_not_started,
        "require_positive_nnv": rules.require_positive_nnv,
    }
    if budget is not None:
        fund["budget"] = budget
    return fund


@transaction.atomic
def scenario_fund_save(
    *, scenario: Scenario, fund: Mapping[str, Any], acting_user: Any
) -> Scenario:
    """Add ``fund`` to the scenario, or replace the one with the same id."""
    funds = [f for f in scenario.funds if f.get("id") != fund.get("id")]
    funds.append({k: v for k, v in fund.items() if v is not None})
    return scenario_update(scenario=scenario, data={"funds": funds}, acting_user=acting_user)


@transaction.atomic
def scenario_fund_remove(*, scenario: Scenario, fund_id: str, acting_user: Any) -> Scenario:
    funds = [f for f in scenario.funds if f.get("id") != fund_id]
    return scenario_update(scenario=scenario, data={"funds": funds}, acting_user=acting_user)


@transaction.atomic
def scenario_delete(*, scenario: Scenario, acting_user: Any) -> None:
    require_actor(acting_user)
    check(acting_user, Action.FACILITATE, scenario)
    object_delete(scenario, acting_user=acting_user)


# ---------------------------------------------------------------------------------------------
# Runs


@transaction.atomic
def run_create(
    *,
    scenario: Scenario,
    acting_user: Any,
    proposal: Proposal | None = None,
    levels: Iterable[float] | None = None,
) -> ScenarioRun:
    """Queue a run of ``scenario`` (with ``proposal``: what it would displace; with
    ``levels``: the efficient frontier at those multiples of the budgets, ``()`` for the
    default levels). The input is built and solved by the background task; the run row
    holds its progress."""
    from .tasks import run_scenario

    require_actor(acting_user)
    check(acting_user, Action.FACILITATE, scenario)
    if proposal is not None and proposal.programme_id != scenario.programme_id:
        raise ValidationError({"proposal": _("The proposal belongs to another programme.")})
    if proposal is not None and levels is not None:
        raise ValidationError(_("A run answers either a displacement or a frontier."))
    mode = RunMode.PLAN
    if proposal is not None:
        mode = RunMode.DISPLACEMENT
    elif levels is not None:
        mode = RunMode.FRONTIER
        levels = sorted({float(x) for x in levels} or FRONTIER_LEVELS)
        if len(levels) > MAX_FRONTIER_LEVELS or any(not 0 <= x <= 10 for x in levels):
            raise ValidationError(
                {
                    "levels": _("Give at most %(n)s levels between 0 and 10.")
                    % {"n": MAX_FRONTIER_LEVELS}
                }
            )
    run = ScenarioRun(
        scenario=scenario,
        mode=mode,
        proposal=proposal,
        levels=list(levels) if mode == RunMode.FRONTIER else [],
        created_by=actor_user(acting_user),
    )
    run = object_create(run, acting_user=acting_user)
    transaction.on_commit(lambda: run_scenario.enqueue(run.pk))
    return run


def finite_json(value: Any) -> Any:
    """JSON without NaN or infinities (PostgreSQL's jsonb refuses them)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_json(v) for v in value]
    return value


def run_execute(run_id: int) -> ScenarioRun:
    """Build the run's input, solve it and store the answer; the background task's body.

    Progress (stage, seconds, best value, bound) is written to the run's row at most once
    a second. An input or infeasibility error ends the run as *failed* with the message."""
    run_fail_stale()  # a worker that starts a run also tidies up after dead ones
    run = ScenarioRun.objects.select_related("scenario__programme", "proposal").get(pk=run_id)
    if run.finished:
        return run
    now = timezone.now()
    ScenarioRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=now)
    run.status, run.started_at = RunStatus.RUNNING, now
    last = [0.0]

    def report(event: Progress) -> bool:
        if time.monotonic() - last[0] >= PROGRESS_EVERY:
            last[0] = time.monotonic()
            ScenarioRun.objects.filter(pk=run.pk).update(
                progress=finite_json(
                    {
                        "stage": event.stage,
                        "elapsed": round(event.elapsed, 2),
                        "value": event.value,
                        "bound": event.bound,
                    }
                )
            )
        return False

    scenario = run.scenario
    try:
        data, baseline = scenario_input(scenario, displace=run.proposal)
        run.input, run.baseline = data, baseline
        problem = Problem.from_dict(data)
        limit = float(scenario.time_limit)
        if run.mode == RunMode.DISPLACEMENT and run.proposal is not None:
            key = proposal_key(run.proposal)
            window = {c.id: problem.window(c) for c in problem.candidates}
            current = {
                k: min(max(s, window[k][0]), window[k][-1])
                for k, s in baseline["starts"].items()
                if window.get(k)
            }
            answer = displacement(
                problem, key, current, mode="keep", time_limit=limit / 2, progress=report
            )
            result = {"displacement": answer.to_dict()}
        elif run.mode == RunMode.FRONTIER:
            points = frontier(
                problem, run.levels or FRONTIER_LEVELS, time_limit=limit, progress=report
            )
            result = {"frontier": [asdict(p) for p in points]}
        else:
            plan = optimise(problem, time_limit=limit, progress=report)
            result = {"plan": plan.to_dict()}
    except OptimiseError as exc:
        run.status, run.error, run.result = RunStatus.FAILED, str(exc), None
    except Exception as exc:  # a worker must record any failure on the row
        logger.exception("Scenario run %s failed", run.pk)
        run.status, run.error, run.result = RunStatus.FAILED, _("Internal error: %s") % exc, None
    else:
        run.status, run.error, run.result = RunStatus.DONE, "", finite_json(result)
    run.input = finite_json(run.input)
    run.finished_at = timezone.now()
    run.progress = {**(run.progress or {}), "stage": "finished"}
    run.save(
        update_fields=[
            "status",
            "error",
            "result",
            "input",
            "baseline",
            "finished_at",
            "progress",
            "started_at",
        ]
    )
    return run


def run_fail_stale(*, now: datetime | None = None, grace: timedelta = STALE_GRACE) -> int:
    """Mark failed every run left "running" longer than its time limit plus ``grace``:
    its worker died, and the page would otherwise poll it for ever. Returns how many.

    The update is conditional on the status, so a run that finishes meanwhile keeps its
    answer. Called when a worker starts a run and by ``nytte scenario_sweep``."""
    now = now or timezone.now()
    failed = 0
    for pk, started, limit in ScenarioRun.objects.filter(
        status=RunStatus.RUNNING, started_at__lt=now - grace
    ).values_list("pk", "started_at", "scenario__time_limit"):
        if started + timedelta(seconds=limit) + grace > now:
            continue
        failed += ScenarioRun.objects.filter(pk=pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED,
            finished_at=now,
            error=_(
                "The run stopped without an answer (its worker ended); run the scenario again."
            ),
        )
    if failed:
        logger.warning("Marked %s stale scenario runs as failed", failed)
    return failed


def run_delete(*, run: ScenarioRun, acting_user: Any) -> None:
    require_actor(acting_user)
    check(acting_user, Action.FACILITATE, run)
    object_delete(run, acting_user=acting_user)


__all__ = [
    "default_budgets",
    "run_create",
    "run_execute",
    "run_fail_stale",
    "scenario_create",
    "scenario_input",
    "scenario_update",
]
