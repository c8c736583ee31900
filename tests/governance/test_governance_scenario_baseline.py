"""A scenario run's chosen plan as the new baseline ("make a scenario the new baseline"), and
a case that carries the run to show what in the portfolio must move, shrink or stop."""

from __future__ import annotations

from nytte.governance import services
from nytte.governance.baselines import compare_baselines
from nytte.governance.selectors import case_context
from nytte.scenarios import services as scenarios
from nytte.scenarios.tasks import run_scenario
from tests.scenarios.conftest import register  # noqa: F401  (the scenarios' small register)


def planned(programme, register, facilitator, **options):  # noqa: F811
    """A three-year scenario with the register's proposal, run to its end."""
    scenario = scenarios.scenario_create(
        programme=programme,
        name="Plan",
        first_year=2027,
        years=3,
        time_limit=5,
        proposals=[register["proposal"]],
        acting_user=facilitator,
        **options,
    )
    run = scenarios.run_create(scenario=scenario, acting_user=facilitator)
    run_scenario.call(run.pk)
    run.refresh_from_db()
    return scenario, run


def test_a_runs_plan_becomes_a_baseline_and_informs_a_case(programme, register, facilitator):  # noqa: F811
    scenario, run = planned(programme, register, facilitator)
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


def test_a_run_is_compared_with_the_latest_baseline_on_a_page_and_in_excel(
    programme,
    register,  # noqa: F811
    facilitator,
    viewer,
    client_for,
):
    """The run page links to the comparison of its plan with the latest frozen baseline
    (not only with the portfolio as planned now): what comes in, goes out, and the costs."""
    from django.urls import reverse

    _scenario, run = planned(programme, register, facilitator)
    url = reverse("governance:baseline_compare", args=[programme.slug])
    client = client_for(viewer)
    assert "Ingen baselines ennå." in client.get(url, {"run": run.pk}).content.decode()
    services.freeze_baseline(programme, "Første", facilitator)
    latest = services.freeze_baseline(programme, "Andre", facilitator)
    assert f"{url}?run={run.pk}" in client.get(run.get_absolute_url()).content.decode()
    page = client.get(url, {"run": run.pk}).content.decode()
    from nytte.governance.services.baselines import plan_content

    expected = compare_baselines(latest, plan_content(run))
    assert str(latest) in page and f"Plan i Plan (kjøring {run.pk})" in page
    for item in expected.added + expected.removed:
        assert item["code"] in page
    assert expected.added or expected.removed or expected.changed  # the plan changes things
    export = client.get(
        reverse("governance:baseline_compare_export", args=[programme.slug]),
        {"a": latest.number, "run": run.pk},
    )
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    # Another programme's run is not found through this programme's page.
    from nytte.scenarios.models import ScenarioRun

    other = ScenarioRun.objects.exclude(scenario__programme=programme).first()
    if other is not None:
        assert client.get(url, {"run": other.pk}).status_code == 404
    assert client.get(url, {"run": run.pk + 999}).status_code == 404


def test_a_case_decided_on_a_scenario_run_makes_the_runs_plan_the_baseline(
    programme,
    register,  # noqa: F811
    facilitator,
    forum_member,
    board,
):
    """ "Once decided, it becomes the new baseline": the decision's baseline is the attached
    run's plan (what it leaves out is out), linked to the decision and the scenario, and the
    adopted proposal is there once, as its new initiative."""
    import datetime

    from nytte.governance.models import Baseline

    scenario, run = planned(programme, register, facilitator, forced_in=["proposal:1"])
    assert run.status == "done", run.error
    chosen = {c["id"] for c in run.result["plan"]["chosen"]}
    case = services.prepare_case_from_proposal(
        register["proposal"], facilitator, freeze_snapshot=False
    )
    services.case_update(
        case=case, data={"scenario": scenario, "scenario_run": run}, acting_user=facilitator
    )
    decision = services.decide(
        case,
        option=case.options.get(do_nothing=False),
        outcome="approved",
        rationale="Planen",
        forum=board,
        decided_on=datetime.date(2026, 12, 1),
        review_date=datetime.date(2027, 12, 1),
        acting_user=forum_member,
    )
    baseline = Baseline.objects.get(decision=decision)
    assert baseline.scenario == scenario and baseline.content["from_run"] == run.pk
    items = baseline.content["initiatives"]
    for code in ("R", "A", "B"):
        assert (code in items) == (f"initiative:{code}" in chosen)
    register["proposal"].refresh_from_db()
    assert register["proposal"].stage == "adopted"
    # The adopted proposal is there as the initiative the decision made (with its owner),
    # not as the plan's proposal item (phase idea, no owner) in its place or beside it.
    from nytte.portfolio.models import Initiative

    made = Initiative.objects.filter(programme=programme).order_by("-pk").first()
    assert items[made.code]["owner"] and items[made.code]["title"] == made.title
    assert [k for k, v in items.items() if v["title"] == made.title] == [made.code]
