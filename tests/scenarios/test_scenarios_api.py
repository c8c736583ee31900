"""The scenario API: create, read, queue runs, see results; and the inline optimiser."""

import json
from pathlib import Path

import pytest
from django.test import Client

from nytte.scenarios import services
from nytte.scenarios.models import Scenario, ScenarioRun
from tests.api.test_api_core import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/programmes/framtidens-innkreving/scenarios"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "optimise" / "example.json"


def api(user) -> Client:
    return Client(**bearer(user))


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_create_list_get_run(programme, register, facilitator, viewer):
    nav = register["nav"]
    created = post(
        api(facilitator),
        BASE,
        {
            "name": "API",
            "first_year": 2027,
            "years": 3,
            "proposals": [1],
            "budgets": {nav.orgnr: [30_000_000, 30_000_000, 0]},
            "time_limit": 5,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["budgets"] == {nav.orgnr: [30_000_000, 30_000_000, 0]}
    assert body["proposals"] == [1] and body["baseline"] is None
    listed = api(viewer).get(BASE).json()
    assert [s["name"] for s in listed] == ["API"]
    pk = body["id"]
    assert api(viewer).get(f"{BASE}/{pk}").json()["name"] == "API"
    queued = post(api(facilitator), f"{BASE}/{pk}/runs", {})
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    run_id = queued.json()["id"]
    services.run_execute(run_id)
    done = api(viewer).get(f"{BASE}/{pk}/runs/{run_id}").json()
    assert done["status"] == "done"
    assert done["result"]["plan"]["status"] in ("optimal", "feasible")
    assert done["comparison"]["plan_value"] == pytest.approx(done["result"]["plan"]["value"])
    assert done["input"] is None
    detailed = api(viewer).get(f"{BASE}/{pk}/runs/{run_id}?details=true").json()
    assert detailed["input"]["format"] == "nytte-optimise/1"


def test_displacement_through_the_api(programme, register, facilitator):
    pk = post(
        api(facilitator), BASE, {"name": "D", "first_year": 2027, "years": 3, "time_limit": 4}
    ).json()["id"]
    queued = post(api(facilitator), f"{BASE}/{pk}/runs", {"proposal": 1})
    assert queued.json()["mode"] == "displacement" and queued.json()["proposal"] == 1
    services.run_execute(queued.json()["id"])
    run = ScenarioRun.objects.get()
    assert run.result["displacement"]["proposal"] == "proposal:1"


def test_permissions_and_errors(programme, register, facilitator, viewer, outsider):
    denied = post(api(viewer), BASE, {"name": "x"})
    assert denied.status_code == 403
    assert denied["Content-Type"] == "application/problem+json"
    assert post(api(outsider), BASE, {"name": "x"}).status_code == 404
    assert api(outsider).get(BASE).status_code == 404
    bad = post(api(facilitator), BASE, {"name": "x", "budgets": {"123": [1]}})
    assert bad.status_code == 422
    assert post(api(facilitator), BASE, {"name": "x", "proposals": [99]}).status_code == 422
    scenario = services.scenario_create(programme=programme, name="S", acting_user=facilitator)
    assert post(api(viewer), f"{BASE}/{scenario.pk}/runs", {}).status_code == 403
    assert api(outsider).get(f"{BASE}/{scenario.pk}").status_code == 404
    assert Scenario.objects.count() == 1


def test_inline_optimise(viewer):
    data = json.loads(EXAMPLE.read_text())
    data.pop("options", None)
    response = post(api(viewer), "/api/v1/optimise", data)
    assert response.status_code == 200, response.content
    plan = response.json()["plan"]
    assert plan["status"] in ("optimal", "feasible") and plan["chosen"]
    bad = post(api(viewer), "/api/v1/optimise", {"format": "nytte-optimise/1"})
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert "first_year" in bad.json()["detail"]


def test_patch_a_scenario(programme, register, facilitator, viewer):
    scenario = services.scenario_create(
        programme=programme, name="S", first_year=2027, years=3, acting_user=facilitator
    )
    nav = register["nav"]
    url = f"{BASE}/{scenario.pk}"
    body = {"name": "T", "budgets": {nav.orgnr: [1, 2, 3]}, "proposals": [1], "forced_in": ["x"]}
    assert (
        api(viewer).patch(url, json.dumps(body), content_type="application/json").status_code == 403
    )
    response = api(facilitator).patch(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["name"] == "T" and out["budgets"] == {nav.orgnr: [1, 2, 3]}
    assert out["proposals"] == [1] and out["forced_in"] == ["x"]
    bad = api(facilitator).patch(
        url, json.dumps({"budgets": {nav.orgnr: [1]}}), content_type="application/json"
    )
    assert bad.status_code == 422
