import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from nytte.core.actors import SYSTEM
from nytte.optimise import Problem
from nytte.scenarios import selectors, services
from nytte.scenarios.choices import RunMode, RunStatus
from nytte.scenarios.models import ScenarioRun
from nytte.scenarios.tasks import run_scenario

pytestmark = pytest.mark.django_db


def make(programme, register, acting_user, **kw):
    return services.scenario_create(
        programme=programme,
        name="Med forslag",
        first_year=2027,
        years=3,
        acting_user=acting_user,
        **kw,
    )


def test_default_budgets_are_the_planned_costs(programme, register, facilitator):
    scenario = make(programme, register, facilitator)
    nav = str(register["nav"].pk)
    assert scenario.budgets == {nav: [30_000_000, 30_000_000, 0]}


def test_input_from_the_register(programme, register, facilitator):
    scenario = make(programme, register, facilitator, proposals=[register["proposal"]])
    data, baseline = services.scenario_input(scenario)
    problem = Problem.from_dict(data)  # valid optimiser input
    by_id = {c.id: c for c in problem.candidates}
    assert set(by_id) == {"initiative:A", "initiative:B", "initiative:R", "proposal:1"}
    running = by_id["initiative:R"]
    assert running.status == "running" and running.start == 2026
    assert running.costs[0].amounts == (10e6, 10e6, 10e6)  # relative to its start
    assert by_id["initiative:A"].costs[0].amounts == (20e6,)
    assert by_id["initiative:A"].earliest_start == 2027
    assert by_id["proposal:1"].status == "proposal"
    assert by_id["proposal:1"].costs[0].amounts == (20e6,)
    assert by_id["proposal:1"].nnv > 0  # from the cost-benefit engine
    assert data["budgets"] == {"NAV": [30e6, 30e6, 0.0]}
    assert data["dependencies"] == [
        {"candidate": "initiative:B", "requires": "initiative:A", "kind": "finish"}
    ]
    assert baseline["starts"] == {"initiative:R": 2026, "initiative:A": 2027, "initiative:B": 2028}
    assert baseline["costs"]["NAV"] == {"2027": 30_000_000, "2028": 30_000_000}


def test_a_run_through_the_task_and_the_comparison(programme, register, facilitator):
    scenario = make(
        programme, register, facilitator, proposals=[register["proposal"]], time_limit=5
    )
    run = services.run_create(scenario=scenario, acting_user=facilitator)
    assert run.status == RunStatus.QUEUED
    run_scenario.call(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.result["plan"]["status"] in ("optimal", "feasible")
    assert run.finished_at and run.started_at
    comparison = selectors.compare(run)
    assert comparison.plan_value == pytest.approx(run.result["plan"]["value"])
    # The plan is never worse than the portfolio as planned, which fits the budgets.
    assert comparison.baseline_feasible
    assert comparison.plan_value >= comparison.baseline_value - 1
    kinds = {c.id: c.change for c in comparison.changes}
    assert kinds["initiative:R"] == "kept"
    rows = {(r.organisation, r.year): r for r in comparison.budget_rows}
    assert rows[("NAV", 2027)].budget == 30e6
    assert rows[("NAV", 2027)].baseline_cost == 30e6
    assert rows[("NAV", 2027)].plan_net <= 30e6 + 1


def test_displacement_run(programme, register, facilitator):
    scenario = make(programme, register, facilitator, time_limit=5)
    run = services.run_create(
        scenario=scenario, proposal=register["proposal"], acting_user=facilitator
    )
    assert run.mode == RunMode.DISPLACEMENT
    services.run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    view = selectors.displacement_view(run)
    assert view["proposal"] == "proposal:1"
    # The proposal needs 20 m in a year where the budget is full: something gives way.
    assert view["moves"]
    assert view["value_change"] == pytest.approx(view["value_gained"] - view["value_lost"])


def test_permissions(programme, register, viewer, outsider, facilitator):
    with pytest.raises(PermissionDenied):
        make(programme, register, viewer)
    with pytest.raises(Http404):
        make(programme, register, outsider)
    scenario = make(programme, register, SYSTEM)
    with pytest.raises(PermissionDenied):
        services.run_create(scenario=scenario, acting_user=viewer)
    assert list(selectors.scenario_list(user=viewer, programme=programme)) == [scenario]
    assert not selectors.scenario_list(user=outsider, programme=programme).exists()
    assert ScenarioRun.objects.for_user(outsider).count() == 0


def test_infeasible_input_fails_the_run_with_the_message(programme, register, facilitator):
    scenario = make(programme, register, facilitator)
    scenario.budgets = {str(register["nav"].pk): [1, 1, 1]}
    scenario.save()
    run = services.run_create(scenario=scenario, acting_user=facilitator)
    services.run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "infeasible" in run.error


def test_assessed_potential_is_the_score_of_a_proposal(programme, register, facilitator):
    from django.utils import timezone

    from nytte.proposals.models import Score
    from tests.factories import AssessmentFactory, CriterionFactory

    criterion = CriterionFactory(programme=programme, dimension="potential")
    CriterionFactory(programme=programme, dimension="complexity")
    assessment = AssessmentFactory(
        proposal=register["proposal"], assessor=facilitator, submitted_at=timezone.now()
    )
    Score.objects.create(
        assessment=assessment, criterion=criterion, value=criterion.scale_values[-1]
    )
    scenario = make(
        programme, register, facilitator, proposals=[register["proposal"]], score_weight=1_000_000
    )
    data, _baseline = services.scenario_input(scenario)
    assert data["objective"] == {"nnv_weight": 1.0, "score_weight": 1_000_000.0}
    proposal = next(c for c in data["candidates"] if c["id"] == "proposal:1")
    assert proposal["score"] == pytest.approx(100.0)
    assert all(c.get("score", 0) == 0 for c in data["candidates"] if c["id"] != "proposal:1")


def test_dependencies_wait_for_the_planned_end_and_running_ones_are_history(
    programme, register, facilitator
):
    import datetime

    from nytte.portfolio.models import Dependency

    a, running = register["a"], register["running"]
    a.planned_end = datetime.date(2027, 6, 30)
    a.save()
    Dependency.objects.create(source=running, target=a, kind="requires")
    scenario = make(programme, register, facilitator)
    data, _baseline = services.scenario_input(scenario)
    by_id = {c["id"]: c for c in data["candidates"]}
    assert by_id["initiative:A"]["duration"] == 1
    assert data["dependencies"] == [
        {"candidate": "initiative:B", "requires": "initiative:A", "kind": "finish"}
    ]


def test_runs_whose_worker_died_are_marked_failed(programme, register, facilitator):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone, translation

    scenario = make(programme, register, facilitator, time_limit=60)
    now = timezone.now()
    dead = services.run_create(scenario=scenario, acting_user=facilitator)
    alive = services.run_create(scenario=scenario, acting_user=facilitator)
    queued = services.run_create(scenario=scenario, acting_user=facilitator)
    started = {
        dead.pk: now - services.STALE_GRACE - datetime.timedelta(seconds=61),
        alive.pk: now - services.STALE_GRACE - datetime.timedelta(seconds=59),
    }
    for pk, at in started.items():
        ScenarioRun.objects.filter(pk=pk).update(status=RunStatus.RUNNING, started_at=at)
    with translation.override("en"):
        assert services.run_fail_stale(now=now) == 1
    statuses = dict(ScenarioRun.objects.values_list("pk", "status"))
    assert statuses == {dead.pk: "failed", alive.pk: "running", queued.pk: "queued"}
    dead.refresh_from_db()
    assert dead.finished and "worker" in dead.error and dead.finished_at == now
    # Later the other one is dead too; the command finds it (and the done one stays done).
    ScenarioRun.objects.filter(pk=alive.pk).update(started_at=now - datetime.timedelta(hours=1))
    call_command("scenario_sweep")
    assert ScenarioRun.objects.get(pk=alive.pk).status == RunStatus.FAILED
    assert services.run_fail_stale() == 0
