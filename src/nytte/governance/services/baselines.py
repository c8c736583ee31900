"""Freezing portfolio baselines: by hand, from a decision that changed the portfolio, or
from a scenario run's chosen plan ("make this scenario the new baseline").

Facilitators and programme admins freeze by hand or from a scenario (``FACILITATE``); a
decision's baseline is frozen inside ``decide`` with the deciding forum member as actor.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from nytte.core.actors import Actor, actor_user, require_actor
from nytte.core.models import Programme
from nytte.core.permissions import Action, require
from nytte.core.services import object_create
from nytte.optimise import OptimiseError, Problem
from nytte.proposals.choices import Stage
from nytte.proposals.models import Proposal
from nytte.scenarios.choices import RunStatus
from nytte.scenarios.models import Scenario, ScenarioRun

from ..baselines import CONTENT_VERSION, BaselineComparison, compare_baselines, portfolio_content
from ..models import Baseline, Decision


def _create(
    programme: Programme,
    label: str,
    content: dict[str, Any],
    acting_user: Actor,
    *,
    decision: Decision | None = None,
    scenario: Scenario | None = None,
) -> Baseline:
    # Lock the programme row so two baselines frozen at once get different numbers.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    latest = Baseline.objects.filter(programme=programme).aggregate(n=Max("number"))["n"]
    baseline = Baseline(
        programme=programme,
        number=(latest or 0) + 1,
        label=label,
        decision=decision,
        scenario=scenario,
        content=content,
        created_by=actor_user(acting_user),
    )
    return object_create(baseline, acting_user=acting_user)


@transaction.atomic
def freeze_baseline(
    programme: Programme,
    label: str,
    actor: Actor,
    decision: Decision | None = None,
    scenario: Scenario | None = None,
) -> Baseline:
    """Freeze the portfolio as it stands now. With ``decision`` the caller (``decide``) has
    checked the actor's right to decide; otherwise it takes ``FACILITATE``."""
    require_actor(actor)
    if decision is None:
        require(actor, Action.FACILITATE, programme)
    elif decision.case.programme_id != programme.pk:
        raise ValidationError(_("The decision belongs to another programme."))
    if scenario is not None and scenario.programme_id != programme.pk:
        raise ValidationError(_("The scenario belongs to another programme."))
    if not label.strip():
        raise ValidationError({"label": _("Give the baseline a label.")})
    return _create(
        programme, label, portfolio_content(programme), actor, decision=decision, scenario=scenario
    )


def _shift(value: str | None, years: int) -> str | None:
    if not value or not years:
        return value
    day = dt.date.fromisoformat(value)
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28).isoformat()


def _candidate_costs(problem: Problem, key: str, start: int) -> dict[str, dict[str, int]]:
    costs: dict[str, dict[str, int]] = {}
    for line in problem.candidate(key).costs:
        years = costs.setdefault(line.organisation, {})
        for k, amount in enumerate(line.amounts):
            if amount:
                years[str(start + k)] = years.get(str(start + k), 0) + round(amount)
    return costs


def plan_content(run: ScenarioRun) -> dict[str, Any]:
    """The portfolio as the run's chosen plan would make it: initiatives the plan leaves
    out are left out, those it moves start (and end) later or earlier with their costs,
    and the proposals it starts come in under their reference (F-12)."""
    plan = (run.result or {}).get("plan")
    if run.status != RunStatus.DONE or not plan:
        raise ValidationError(_("Only a finished run with a plan can become a baseline."))
    try:
        problem = Problem.from_dict(run.input)
    except OptimiseError as exc:
        raise ValidationError(_("The run's input cannot be read: %s") % exc) from exc
    programme = run.scenario.programme
    content = portfolio_content(programme)
    items = content["initiatives"]
    chosen = {c["id"]: c for c in plan.get("chosen", [])}
    base_starts = dict(run.baseline.get("starts", {}))
    known = {c.id for c in problem.candidates}
    for code in list(items):
        key = f"initiative:{code}"
        if key not in known:
            continue
        if key not in chosen:
            del items[code]
            continue
        start, before = chosen[key]["start"], base_starts.get(key)
        if before is not None and start != before:
            item = items[code]
            item["start"], item["end"] = (
                _shift(item["start"], start - before),
                _shift(item["end"], start - before),
            )
            item["costs"] = _candidate_costs(problem, key, start)
            item["cost_total"] = sum(sum(y.values()) for y in item["costs"].values())
    numbers = [int(k.split(":", 1)[1]) for k in chosen if k.startswith("proposal:")]
    # An adopted proposal is in the portfolio already, as the initiative its decision made.
    planned = Proposal.objects.filter(programme=programme, number__in=numbers).exclude(
        stage=Stage.ADOPTED
    )
    for proposal in planned:
        key = f"proposal:{proposal.number}"
        costs = _candidate_costs(problem, key, chosen[key]["start"])
        items[proposal.reference] = {
            "title": proposal.title,
            "phase": "idea",
            "status": "green",
            "start": f"{chosen[key]['start']}-01-01",
            "end": None,
            "owner": "",
            "costs": costs,
            "cost_total": sum(sum(y.values()) for y in costs.values()),
            "benefits": 0,
            "nnv": round(problem.candidate(key).nnv),
            "stopped": False,
        }
    content["initiatives"] = dict(sorted(items.items()))
    content["version"] = CONTENT_VERSION
    content["from_run"] = run.pk
    return content


@transaction.atomic
def baseline_from_run(*, run: ScenarioRun, label: str, acting_user: Actor) -> Baseline:
    """Make a scenario run's chosen plan the new baseline."""
    require(require_actor(acting_user), Action.FACILITATE, run)
    if not label.strip():
        raise ValidationError({"label": _("Give the baseline a label.")})
    return _create(
        run.scenario.programme, label, plan_content(run), acting_user, scenario=run.scenario
    )


def decided_plan_baseline(decision: Decision, label: str, acting_user: Actor) -> Baseline | None:
    """The baseline a decision freezes when its case carries a finished scenario run: the
    run's plan ("once decided, the scenario becomes the new baseline"), linked to both. None
    when the case has no run with a plan (the caller freezes the portfolio instead). The
    caller (``decide``) has checked the right to decide."""
    run = decision.case.scenario_run
    if run is None or run.status != RunStatus.DONE or not (run.result or {}).get("plan"):
        return None
    return _create(
        decision.case.programme,
        label,
        plan_content(run),
        acting_user,
        decision=decision,
        scenario=run.scenario,
    )


__all__ = ["baseline_from_run", "decided_plan_baseline", "freeze_baseline", "plan_content"]


def compared_with_run(
    run: ScenarioRun, baseline: Baseline | None
) -> tuple[Baseline | None, BaselineComparison | None]:
    """A run's plan as the "after" of a comparison with ``baseline``, or else with the
    programme's latest baseline; (None, None) when there is none. Raises
    ``ValidationError`` when the run has no plan to compare."""
    if baseline is None:
        baseline = Baseline.objects.filter(programme=run.scenario.programme).order_by("-number")
        baseline = baseline.first()
    if baseline is None:
        return None, None
    return baseline, compare_baselines(baseline, plan_content(run))
