"""A scenario run's chosen plan as the new baseline ("make a scenario the new baseline"), and
a case that carries the run to show what in the portfolio must move, shrink or stop."""

from __future__ import annotations

from nytte.governance import services
from nytte.governance.baselines import compare_baselines
from nytte.governance.selectors import case_context
from nytte.scenarios import services as scenarios
from nytte.scenarios.tasks import run_scenario
from tests.scenarios.conftest import register  # noqa: F401  (the scenarios' small register)


def test_a_runs_plan_becomes_a_baseline_and_informs_a_case(programme, register, facilitator):  # noqa: F811
    scenario = scenarios.scenario_create(
        programme=programme,
        name="Plan",
        first_year=2027,
        years=3,
        time_limit=5,
        proposals=[register["proposal"]],
        acting_user=facilitator,
    )
    run = scenarios.run_create(scenario=scenario, acting_user=facilitator)
    run_scenario.call(run.pk)
    run.refresh_from_db()
    assert run.status == "done", run.error
    before = services.freeze_baseline(programme, "Før", facilitator)
    after = services.baseline_from_run(run=run, label="Planen", acting_user=facilitator)
    assert after.scenario == scenario and after.content["from_run"] == run.pk
    chosen = {c["id"] for c in run.result["plan"]["chosen"]}
    comparison = compare_baselines(before, after)
    if "proposal:1" in chosen:
        assert "F-1" in [i["code"] for i in comparison.added]
        assert after.content["initiatives"]["F-1"]["cost_total"] == 20_000_000
    for code in ("R", "A", "B"):
        assert (code in after.content["initiatives"]) == (f"initiative:{code}" in chosen)

    case = services.prepare_case_from_proposal(
        register["proposal"], facilitator, freeze_snapshot=False
    )
    services.case_update(
        case=case, data={"scenario": scenario, "scenario_run": run}, acting_user=facilitator
    )
    context = case_context(case, facilitator)
    assert context.comparison is not None
    assert {c.id for c in context.comparison.changes} >= {"initiative:R", "proposal:1"}
