"""Funds (the co-funding scheme), stoppable running initiatives and the efficient frontier
from a scenario: model, input, run, comparison, pages, API and the Excel export."""

import json
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from nytte.scenarios import selectors, services
from nytte.scenarios.choices import RunMode, RunStatus
from nytte.scenarios.excel import export_run
from nytte.scenarios.tasks import run_scenario
from tests.api.test_api_core import bearer

pytestmark = pytest.mark.django_db


def solve(scenario, acting_user, **kw):
    run = services.run_create(scenario=scenario, acting_user=acting_user, **kw)
    run_scenario.call(run.pk)
    run.refresh_from_db()
    return run


def scenario_with(programme, register, facilitator, **kw):
    return services.scenario_create(
        programme=programme,
        name="Fond",
        first_year=2027,
        years=3,
        time_limit=5,
        proposals=[register["proposal"]],
        acting_user=facilitator,
        **kw,
    )


def test_the_cofunding_scheme_lets_the_proposal_in_beside_the_plan(
    programme, register, facilitator
):
    # Budgets are the planned costs (30 m in 2027 and 2028, nothing in 2029): without a
    # fund the 20 m proposal only fits by pushing A or B out.
    scenario = scenario_with(programme, register, facilitator)
    without = solve(scenario, facilitator)
    assert without.status == RunStatus.DONE, without.error
    chosen = {c["id"] for c in without.result["plan"]["chosen"]}
    assert not {"initiative:A", "initiative:B", "proposal:1"} <= chosen

    services.scenario_fund_save(
        scenario=scenario, fund=services.cofunding_fund(), acting_user=facilitator
    )
    scenario.refresh_from_db()
    assert scenario.funds[0]["max_share"] == 0.5
    assert scenario.funds[0]["max_amount"] == 50_000_000
    assert scenario.funds[0]["max_budget_years"] == 3
    data, _ = services.scenario_input(scenario)
    assert data["funds"][0]["id"] == "medfinansiering"
    run = solve(scenario, facilitator)
    assert run.status == RunStatus.DONE, run.error
    plan = run.result["plan"]
    assert {c["id"] for c in plan["chosen"]} >= {"initiative:A", "initiative:B", "proposal:1"}
    paid: dict[str, float] = {}
    for p in plan["fund_payments"]:
        paid[p["candidate"]] = paid.get(p["candidate"], 0) + p["amount"]
    assert "initiative:R" not in paid  # running: execution has started
    assert 0 < paid["proposal:1"] <= 10_000_000 + 1  # at most half its 20 m
    comparison = selectors.compare(run)
    assert comparison.plan_value > selectors.compare(without).plan_value
    rows = {(r.organisation, r.year): r for r in comparison.budget_rows}
    assert rows[("NAV", 2027)].funded > 0
    assert all(r.plan_net <= r.budget + r.moved_in + 1 for r in comparison.budget_rows)
    assert {p["name"] for p in comparison.fund_payments} >= {"F-1 " + register["proposal"].title}
    with translation.override("en"):
        sheets = load_workbook(BytesIO(export_run(run))).sheetnames
    assert "Fund payments" in sheets


def test_funds_are_checked_by_the_optimisers_rules(programme, register, facilitator):
    scenario = scenario_with(programme, register, facilitator)
    with pytest.raises(ValidationError) as exc:
        services.scenario_fund_save(
            scenario=scenario, fund={"id": "x", "max_share": 1.5}, acting_user=facilitator
        )
    assert "max_share" in str(exc.value)


def test_a_stoppable_running_initiative_is_stopped_when_nothing_else_fits(
    programme, register, facilitator
):
    nav = str(register["nav"].pk)
    tight = {nav: [1_000_000, 0, 0]}
    scenario = scenario_with(programme, register, facilitator, budgets=tight)
    failed = solve(scenario, facilitator)
    # R runs and cannot be stopped: the error names the budgets in conflict.
    assert failed.status == RunStatus.FAILED
    assert "'initiative:R' (running and cannot be stopped)" in failed.error
    assert "NAV in 2027" in failed.error
    services.scenario_update(
        scenario=scenario, data={"stop_costs": {"initiative:R": 1_000_000}}, acting_user=facilitator
    )
    scenario.refresh_from_db()
    run = solve(scenario, facilitator)
    assert run.status == RunStatus.DONE, run.error
    assert run.result["plan"]["stopped"] == ["initiative:R"]
    comparison = selectors.compare(run)
    assert {c.id: c.change for c in comparison.changes}["initiative:R"] == "stops"
    rows = {(r.organisation, r.year): r for r in comparison.budget_rows}
    assert rows[("NAV", 2027)].plan_net == pytest.approx(1_000_000)  # the stop cost


def test_the_efficient_frontier_run(programme, register, facilitator):
    scenario = scenario_with(programme, register, facilitator)
    run = solve(scenario, facilitator, levels=[1.5, 0.5, 1])
    assert run.mode == RunMode.FRONTIER and run.levels == [0.5, 1.0, 1.5]
    assert run.status == RunStatus.DONE, run.error
    points = selectors.frontier_view(run)
    assert [p["level"] for p in points] == [0.5, 1.0, 1.5]
    values = [p["value"] for p in points]
    assert values == sorted(values) and values[0] < values[-1]
    assert all(p["bound"] >= p["value"] - 1 for p in points)
    assert any(p["added"] for p in points[1:])  # more money buys more
    with translation.override("en"):
        assert load_workbook(BytesIO(export_run(run))).sheetnames == ["Efficient frontier"]
    with pytest.raises(ValidationError):
        services.run_create(scenario=scenario, acting_user=facilitator, levels=[0.5] * 0 + [11])


def test_pages_add_and_remove_funds_set_stop_costs_and_show_the_frontier(
    client_for, programme, register, facilitator, viewer
):
    scenario = scenario_with(programme, register, facilitator)
    client = client_for(facilitator, "en")
    detail = scenario.get_absolute_url()
    page = client.get(detail)
    assert b"Add the co-funding scheme" in page.content and b"Stop cost of R" in page.content
    add = reverse("scenarios:fund_add", args=[programme.slug, scenario.pk])
    client.post(add, {"preset": "cofunding", "cofunding-budget": "8000000"})
    client.post(
        add,
        {
            "fund-name": "Innovasjonspott",
            "fund-max_share": "30",
            "fund-cost_kinds": ["investment"],
            "fund-organisations": [str(register["nav"].pk)],
            "fund-first_year": "2028",
        },
    )
    scenario.refresh_from_db()
    assert [f["id"] for f in scenario.funds] == ["medfinansiering", "innovasjonspott"]
    assert scenario.funds[0]["budget"] == 8_000_000
    own = scenario.funds[1]
    assert own["max_share"] == 0.3 and own["years"] == [2028, 2029]
    assert own["cost_kinds"] == ["investment"] and own["organisations"] == [str(register["nav"].pk)]
    page = client.get(detail).content.decode()
    assert "at most 30 % of an item" in page and "only for NAV" in page
    bad = client.post(add, {"fund-name": "", "fund-max_share": "300"})
    assert bad.status_code == 422
    assert client_for(viewer).post(add, {"preset": "cofunding"}).status_code == 403
    client.post(
        reverse("scenarios:fund_remove", args=[programme.slug, scenario.pk, "innovasjonspott"])
    )
    scenario.refresh_from_db()
    assert [f["id"] for f in scenario.funds] == ["medfinansiering"]
    # stop costs are saved with the rest of the scenario
    nav = register["nav"].pk
    form = {
        "name": "Fond",
        "first_year": 2027,
        "years": 3,
        "flexibility": 0,
        "time_limit": 5,
        "proposals": [register["proposal"].pk],
        "stop-0": "2500000",
        **{f"budget-{nav}-{t}": v for t, v in enumerate((30_000_000, 30_000_000, 0))},
    }
    assert client.post(detail, form).status_code == 302
    scenario.refresh_from_db()
    assert scenario.stop_costs == {"initiative:R": 2_500_000}
    # the frontier button queues a frontier run, whose page has a table beside the chart
    response = client.post(
        reverse("scenarios:run_create", args=[programme.slug, scenario.pk]), {"mode": "frontier"}
    )
    run = scenario.runs.get()
    assert response.url == run.get_absolute_url() and run.mode == RunMode.FRONTIER
    run_scenario.call(run.pk)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Best value at each budget level" in page and "frontier-chart-spec" in page


def test_api_funds_by_orgnr_stop_costs_and_a_frontier_run(programme, register, facilitator):
    nav = register["nav"]
    client = Client(**bearer(facilitator))
    base = f"/api/v1/programmes/{programme.slug}/scenarios"
    fund = {"id": "pott", "max_share": 0.5, "organisations": [nav.orgnr], "budget": 5_000_000}
    created = client.post(
        base,
        json.dumps(
            {
                "name": "API",
                "first_year": 2027,
                "years": 3,
                "funds": [fund],
                "stop_costs": {"initiative:R": 0},
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["funds"] == [fund] and body["stop_costs"] == {"initiative:R": 0}
    scenario = programme.scenarios.get(pk=body["id"])
    assert scenario.funds[0]["organisations"] == [str(nav.pk)]
    wrong = client.patch(
        f"{base}/{body['id']}",
        json.dumps({"funds": [{**fund, "organisations": ["999999999"]}]}),
        content_type="application/json",
    )
    assert wrong.status_code == 422
    queued = client.post(
        f"{base}/{body['id']}/runs", json.dumps({"frontier": []}), content_type="application/json"
    )
    assert queued.status_code == 202
    assert queued.json()["mode"] == "frontier"
    assert queued.json()["levels"] == [0.5, 0.75, 1.0, 1.25, 1.5]


def test_the_risk_limit_uses_monte_carlo_draws_of_every_candidate(programme, register, facilitator):
    from nytte.costbenefit.models import ExtraLine
    from nytte.optimise import Problem

    # An uncertain proposal: a benefit between nothing and 12 m a year.
    line = ExtraLine.objects.get(proposal=register["proposal"], kind="benefit")
    line.low, line.likely, line.high = 0, 4_000_000, 12_000_000
    line.save()
    scenario = scenario_with(programme, register, facilitator, max_probability_negative=5)
    data, _ = services.scenario_input(scenario)
    assert data["risk"] == {"max_probability_negative": 0.05}
    problem = Problem.from_dict(data)
    draws = {c.id: c.nnv_samples for c in problem.candidates}
    assert all(len(d) == 200 for d in draws.values())
    assert len(set(draws["proposal:1"])) > 100  # uncertain
    assert len(set(draws["initiative:A"])) == 1  # certain: every draw is its NNV
    assert draws["initiative:A"][0] == pytest.approx(problem.candidate("initiative:A").nnv)
    assert services.scenario_input(scenario)[0] == data  # same register, same draws
    run = solve(scenario, facilitator)
    assert run.status == RunStatus.DONE, run.error
    chosen = {c["id"]: c["start"] for c in run.result["plan"]["chosen"]}
    totals = [
        sum(
            problem.candidate(cid).nnv_samples[k] * problem.discount(start)
            for cid, start in chosen.items()
        )
        for k in range(200)
    ]
    assert sum(t < 0 for t in totals) <= 0.05 * 200


def test_a_fund_the_service_refuses_comes_back_as_typed(
    client_for, programme, register, facilitator, monkeypatch
):
    """A refusal by the service (a rule the form does not hold) keeps what was typed on the
    fund form, with the reason, instead of a redirect that drops it."""
    scenario = scenario_with(programme, register, facilitator)

    def refuse(**kwargs):
        raise ValidationError({"max_share": "Fondet kan ikke betale så mye."})

    monkeypatch.setattr(services, "scenario_fund_save", refuse)
    add = reverse("scenarios:fund_add", args=[programme.slug, scenario.pk])
    page = client_for(facilitator).post(
        add, {"fund-name": "Innovasjonspott", "fund-max_share": "30"}
    )
    assert page.status_code == 422
    html = page.content.decode()
    assert 'value="Innovasjonspott"' in html and "Fondet kan ikke betale så mye." in html
