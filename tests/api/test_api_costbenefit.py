"""The cost-benefit API: the live analysis, its settings, frozen snapshots and the co-funding
check; who may read and write; the engine's input errors as 422 problems."""

from __future__ import annotations

import pytest
from django.test import Client

from nytte.costbenefit import selectors
from nytte.costbenefit.models import AnalysisSettings, CoFundingFacts, Snapshot
from tests.api.test_api_core import bearer
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    CostLineFactory,
    InitiativeFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/programmes/framtidens-innkreving/initiatives/FI-1"
M = 1_000_000


@pytest.fixture
def initiative(programme, owner):
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE", kind="agency")
    initiative = InitiativeFactory(
        programme=programme, code="FI-1", owner=owner, owner_organisation=ske, phase="plan"
    )
    CostLineFactory(initiative=initiative, organisation=ske, year=2026, likely=30 * M, high=40 * M)
    gain = BenefitFactory(
        programme=programme, owner_organisation=ske, arises_in_organisation=ske, budget_cut_share=50
    )
    for year in (2027, 2028):
        BenefitAmountFactory(benefit=gain, year=year, low=15 * M, likely=20 * M, high=25 * M)
    ContributionFactory(benefit=gain, initiative=initiative, share=100)
    return initiative


def api(user) -> Client:
    return Client(**bearer(user))


def send(client: Client, method: str, url: str, body: dict | None = None):
    return getattr(client, method)(url, body or {}, content_type="application/json")


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    return body


# -- the live analysis ----------------------------------------------------------------------


def test_a_viewer_reads_the_live_analysis(initiative, viewer):
    response = api(viewer).get(f"{BASE}/analysis")
    assert response.status_code == 200
    body = response.json()
    expected = selectors.evaluate(initiative)
    assert body["result"] == expected["result"].to_dict()
    names = [alt["name"] for alt in body["result"]["alternatives"]]
    assert names[1] == "FI-1"
    simulated = body["simulation"]["alternatives"][0]
    assert simulated["p50"] == expected["simulation"].alternative("FI-1").p50
    # The big arrays only on request.
    assert "histogram" not in simulated and "s_curve" not in simulated
    assert body["tornado"][0]["alternative"] == "FI-1"
    assert body["break_even"][0]["alternative"] == "FI-1"
    assert body["settings"] == {
        "base_year": None,
        "price_year": None,
        "period_years": None,
        "parameter_set": "R-109:2021",
        "iterations": 10_000,
        "seed": 1,
        "assumptions": "",
        "saved": False,
    }


def test_details_add_the_histogram_and_s_curve(initiative, viewer):
    body = api(viewer).get(f"{BASE}/analysis?details=1").json()
    simulated = body["simulation"]["alternatives"][0]
    assert sum(simulated["histogram"]["counts"]) == 10_000
    assert len(simulated["s_curve"]) == 101


def test_an_outsider_learns_nothing(initiative, outsider):
    client = api(outsider)
    for path in ("/analysis", "/analysis/settings", "/analysis/snapshots", "/co-funding"):
        assert_problem(client.get(BASE + path), 404)
    assert_problem(send(client, "post", f"{BASE}/analysis/snapshots"), 404)
    assert_problem(send(client, "put", f"{BASE}/analysis/settings", {"seed": 2}), 404)


def test_an_unknown_initiative_is_404(initiative, viewer):
    other = BASE.replace("FI-1", "FI-404")
    assert_problem(api(viewer).get(f"{other}/analysis"), 404)


def test_inputs_that_make_no_analysis_are_a_422_with_the_engines_message(initiative, facilitator):
    client = api(facilitator)
    assert send(client, "put", f"{BASE}/analysis/settings", {"base_year": 2027}).status_code == 200
    body = assert_problem(client.get(f"{BASE}/analysis"), 422)
    assert "base year" in body["detail"]
    assert body["title"] == "The analysis cannot be computed"
    body = assert_problem(send(client, "post", f"{BASE}/analysis/snapshots"), 422)
    assert "base year" in body["detail"]
    assert not Snapshot.objects.exists()
    # The co-funding check still answers, with NNV not assessed.
    check = client.get(f"{BASE}/co-funding").json()
    nnv = next(c for c in check["checks"] if c["rule"] == "profitable (NNV > 0)")
    assert nnv["passed"] is None
    assert "base year" in check["analysis_error"]


# -- settings -------------------------------------------------------------------------------


def test_settings_are_replaced_by_editors_only(initiative, viewer, owner):
    payload = {"base_year": 2026, "period_years": 10, "seed": 7, "assumptions": "Lønn 2026."}
    assert_problem(send(api(viewer), "put", f"{BASE}/analysis/settings", payload), 403)
    assert not AnalysisSettings.objects.exists()
    response = send(api(owner), "put", f"{BASE}/analysis/settings", payload)
    assert response.status_code == 200
    assert response.json()["saved"] is True
    body = api(viewer).get(f"{BASE}/analysis/settings").json()
    assert (body["period_years"], body["seed"], body["iterations"]) == (10, 7, 10_000)
    # PUT replaces: what is left out goes back to its default.
    send(api(owner), "put", f"{BASE}/analysis/settings", {"seed": 3})
    body = api(viewer).get(f"{BASE}/analysis/settings").json()
    assert (body["period_years"], body["seed"], body["assumptions"]) == (None, 3, "")
    analysis = api(viewer).get(f"{BASE}/analysis").json()
    assert analysis["simulation"]["seed"] == 3


def test_invalid_settings_are_a_422_naming_the_field(initiative, facilitator):
    response = send(api(facilitator), "put", f"{BASE}/analysis/settings", {"iterations": 10})
    body = assert_problem(response, 422)
    assert body["errors"][0]["loc"] == ["iterations"]
    response = send(api(facilitator), "put", f"{BASE}/analysis/settings", {"parameter_set": "X"})
    assert assert_problem(response, 422)["errors"][0]["loc"] == ["parameter_set"]


# -- snapshots ------------------------------------------------------------------------------


def test_snapshots_are_frozen_by_editors_and_read_by_viewers(initiative, viewer, facilitator):
    assert_problem(send(api(viewer), "post", f"{BASE}/analysis/snapshots", {"note": "x"}), 403)
    response = send(api(facilitator), "post", f"{BASE}/analysis/snapshots", {"note": "BP2"})
    assert response.status_code == 201
    first = response.json()
    assert (first["version"], first["note"], first["created_by"]) == (1, "BP2", "fasilitator")
    nnv = {a["name"]: a["nnv"] for a in first["results"]["alternatives"]}["FI-1"]
    assert nnv == selectors.evaluate(initiative)["result"].alternative("FI-1").nnv
    assert first["inputs"]["alternatives"][1]["name"] == "FI-1"
    send(api(facilitator), "post", f"{BASE}/analysis/snapshots")
    listing = api(viewer).get(f"{BASE}/analysis/snapshots").json()
    assert [(s["version"], s["note"]) for s in listing] == [(2, ""), (1, "BP2")]
    assert "results" not in listing[0]
    detail = api(viewer).get(f"{BASE}/analysis/snapshots/1").json()
    assert detail["results"] == first["results"]
    assert detail["simulation"]["iterations"] == 10_000
    assert_problem(api(viewer).get(f"{BASE}/analysis/snapshots/9"), 404)


# -- co-funding -----------------------------------------------------------------------------


def test_the_co_funding_check(initiative, viewer):
    client = api(viewer)
    body = client.get(f"{BASE}/co-funding").json()
    assert body["initiative"] == "FI-1"
    assert body["eligible"] is False  # nothing requested yet
    share = next(c for c in body["checks"] if c["rule"] == "funded share")
    assert (share["passed"], share["state"]) == (None, "not_assessed")
    CoFundingFacts.objects.create(initiative=initiative, requested=15 * M)
    body = client.get(f"{BASE}/co-funding").json()
    facts = {f["key"]: f["value"] for f in body["facts"]}
    assert facts["project_cost"] == 30 * M
    assert facts["requested_share"] == pytest.approx(0.5)
    assert facts["budget_years"] == [2026]
    assert body["eligible"] is True
    assert {c["state"] for c in body["checks"]} == {"pass"}
    assert body["stored"]["requested"] == 15 * M


def test_the_routes_are_in_the_openapi_schema(viewer):
    paths = api(viewer).get("/api/v1/openapi.json").json()["paths"]
    prefix = "/api/v1/programmes/{slug}/initiatives/{code}"
    for path in ("/analysis", "/analysis/settings", "/analysis/snapshots", "/co-funding"):
        assert prefix + path in paths
    assert "put" in paths[prefix + "/analysis/settings"]
