"""The portfolio API as its users meet it: who may read and write what, filters, errors, schema."""

from __future__ import annotations

import pytest
from django.test import Client

from nytte.core.models import ChangeLogEntry
from nytte.portfolio.models import CostLine, Dependency, Initiative, Risk, StatusReport
from tests.api.test_api_core import bearer
from tests.factories import (
    CostLineFactory,
    GoalFactory,
    InitiativeFactory,
    LifeEventFactory,
    OrganisationFactory,
    RiskFactory,
    StatusReportFactory,
)

BASE = "/api/v1/programmes/framtidens-innkreving"


@pytest.fixture
def portfolio(programme, owner):
    """Two initiatives: FI-1 is the owner's, FI-2 someone else's."""
    skatt, nav = OrganisationFactory(name="Skatteetaten"), OrganisationFactory(name="NAV")
    programme.participants.add(skatt, nav)
    goal = GoalFactory(programme=programme, code="S1")
    event = LifeEventFactory(slug="miste-og-finne-jobb")
    mine = InitiativeFactory(
        programme=programme, code="FI-1", owner=owner, owner_organisation=skatt, phase="plan"
    )
    mine.life_events.add(event)
    mine.goal_links.create(goal=goal, contribution=2)
    theirs = InitiativeFactory(
        programme=programme, code="FI-2", owner_organisation=nav, phase="idea", title="Annet"
    )
    CostLineFactory(initiative=mine, organisation=skatt, year=2026, likely=1_000_000)
    CostLineFactory(initiative=theirs, organisation=nav, year=2026)
    RiskFactory(initiative=mine)
    StatusReportFactory(initiative=mine, period="2026-09")
    Dependency.objects.create(source=theirs, target=mine, kind="requires")
    return {"mine": mine, "theirs": theirs, "skatt": skatt, "nav": nav, "goal": goal}


def api(user) -> Client:
    client = Client(**bearer(user)) if user is not None else Client()
    return client


def send(client: Client, method: str, url: str, body: dict | None = None):
    return getattr(client, method)(url, body or {}, content_type="application/json")


def new_initiative(portfolio, code="FI-9") -> dict:
    return {
        "code": code,
        "title": "Nytt tiltak",
        "owner_organisation": portfolio["skatt"].orgnr,
        "participants": [portfolio["nav"].orgnr],
        "goals": [{"goal": "S1", "contribution": 1.5}],
        "life_events": ["miste-og-finne-jobb"],
    }


# -- reading --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_viewer_reads_the_initiatives_with_totals_and_natural_keys(viewer, portfolio):
    response = api(viewer).get(f"{BASE}/initiatives")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first["code"] == "FI-1"
    assert first["owner_organisation"]["orgnr"] == portfolio["skatt"].orgnr
    assert first["total_likely"] == 1_000_000
    assert first["goals"] == [{"goal": "S1", "contribution": "2.00"}]
    assert first["life_events"] == ["miste-og-finne-jobb"]
    assert first["size_band"] == "small"


@pytest.mark.django_db
def test_the_list_takes_the_pages_filters_and_paginates(viewer, portfolio):
    client = api(viewer)
    codes = lambda url: [i["code"] for i in client.get(url).json()["items"]]  # noqa: E731
    assert codes(f"{BASE}/initiatives?phase=idea") == ["FI-2"]
    assert codes(f"{BASE}/initiatives?phase=idea&phase=plan") == ["FI-1", "FI-2"]
    assert codes(f"{BASE}/initiatives?organisation={portfolio['skatt'].orgnr}") == ["FI-1"]
    assert codes(f"{BASE}/initiatives?goal=S1") == ["FI-1"]
    assert codes(f"{BASE}/initiatives?life_event=miste-og-finne-jobb") == ["FI-1"]
    assert codes(f"{BASE}/initiatives?q=annet") == ["FI-2"]
    assert codes(f"{BASE}/initiatives?sort=-code") == ["FI-2", "FI-1"]
    page = client.get(f"{BASE}/initiatives?limit=1&offset=1").json()
    assert page["count"] == 2 and [i["code"] for i in page["items"]] == ["FI-2"]


@pytest.mark.django_db
def test_a_bad_filter_value_is_a_422_problem(viewer, portfolio):
    response = api(viewer).get(f"{BASE}/initiatives?phase=dream")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == ["phase"]


@pytest.mark.django_db
def test_the_list_takes_a_fixed_number_of_queries(
    viewer, portfolio, django_assert_max_num_queries, pinned_queries
):
    for n in range(10):
        InitiativeFactory(programme=portfolio["mine"].programme, code=f"X-{n}")
    client = api(viewer)
    with django_assert_max_num_queries(12), pinned_queries("initiative list"):
        assert client.get(f"{BASE}/initiatives").json()["count"] == 12


@pytest.mark.django_db
def test_a_viewer_reads_every_kind_of_line(viewer, portfolio):
    client = api(viewer)
    for part in ("costs", "dependencies", "risks", "status-reports"):
        response = client.get(f"{BASE}/initiatives/FI-1/{part}")
        assert response.status_code == 200, part
        assert response.json()["count"] == 1, part
    line = CostLine.objects.filter(initiative__code="FI-1").get()
    assert client.get(f"/api/v1/costs/{line.pk}").json()["likely"] == 1_000_000
    assert client.get(f"{BASE}/goals").json()["items"][0]["code"] == "S1"
    assert client.get(f"{BASE}/goals/S1").json()["level"] == "societal"
    assert client.get("/api/v1/life-events").json()["count"] == 1
    assert client.get(BASE).json()["slug"] == "framtidens-innkreving"


@pytest.mark.django_db
def test_an_outsider_gets_404_for_everything_in_the_programme(outsider, portfolio):
    client = api(outsider)
    line = CostLine.objects.first()
    risk, report = Risk.objects.first(), StatusReport.objects.first()
    dependency = Dependency.objects.first()
    for url in (
        BASE,
        f"{BASE}/goals",
        f"{BASE}/initiatives",
        f"{BASE}/initiatives/FI-1",
        f"{BASE}/initiatives/FI-1/costs",
        f"/api/v1/costs/{line.pk}",
        f"/api/v1/risks/{risk.pk}",
        f"/api/v1/status-reports/{report.pk}",
        f"/api/v1/dependencies/{dependency.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"
    assert send(client, "patch", f"/api/v1/costs/{line.pk}", {"note": "x"}).status_code == 404
    assert send(client, "delete", f"{BASE}/initiatives/FI-1").status_code == 404


@pytest.mark.django_db
def test_anonymous_callers_get_401(portfolio):
    client = Client()
    assert client.get(f"{BASE}/initiatives").status_code == 401
    response = send(client, "post", f"{BASE}/initiatives", new_initiative(portfolio))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_an_unknown_initiative_is_404(viewer, portfolio):
    assert api(viewer).get(f"{BASE}/initiatives/NOPE").status_code == 404


# -- writing: who may -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["viewer", "contributor", "forum_member"])
def test_readers_cannot_write_anything(persona, request, portfolio):
    client = api(request.getfixturevalue(persona))
    line = CostLine.objects.filter(initiative__code="FI-1").get()
    attempts = [
        ("post", f"{BASE}/initiatives", new_initiative(portfolio)),
        ("patch", f"{BASE}/initiatives/FI-1", {"title": "Nei"}),
        ("delete", f"{BASE}/initiatives/FI-1", None),
        ("post", f"{BASE}/goals", {"code": "S2", "level": "societal", "title": "Mål"}),
        ("patch", BASE, {"vision": "Ny visjon"}),
        ("patch", f"/api/v1/costs/{line.pk}", {"note": "Nei"}),
        ("delete", f"/api/v1/costs/{line.pk}", None),
        (
            "post",
            f"{BASE}/initiatives/FI-1/risks",
            {"title": "R", "probability": 1, "consequence": 1},
        ),
    ]
    before = ChangeLogEntry.objects.count()
    for method, url, body in attempts:
        response = send(client, method, url, body)
        assert response.status_code == 403, (method, url)
        assert response.json()["title"] == "Forbidden"
    assert ChangeLogEntry.objects.count() == before


@pytest.mark.django_db
def test_an_owner_edits_their_own_initiative_and_its_lines(owner, portfolio):
    client = api(owner)
    response = send(client, "patch", f"{BASE}/initiatives/FI-1", {"title": "Bedre tittel"})
    assert response.status_code == 200
    assert response.json()["title"] == "Bedre tittel"
    cost = {
        "organisation": portfolio["nav"].orgnr,
        "year": 2027,
        "category": "operation",
        "low": 1,
        "likely": 2,
        "high": 3,
    }
    created = send(client, "post", f"{BASE}/initiatives/FI-1/costs", cost)
    assert created.status_code == 201
    line_id = created.json()["id"]
    assert send(client, "patch", f"/api/v1/costs/{line_id}", {"note": "Drift"}).status_code == 200
    assert send(client, "delete", f"/api/v1/costs/{line_id}").status_code == 204
    entry = ChangeLogEntry.objects.filter(object_id=str(portfolio["mine"].pk)).first()
    assert entry.actor == owner


@pytest.mark.django_db
def test_an_owner_cannot_edit_others_or_create_or_delete_initiatives(owner, portfolio):
    client = api(owner)
    assert send(client, "patch", f"{BASE}/initiatives/FI-2", {"title": "X"}).status_code == 403
    theirs = CostLine.objects.filter(initiative__code="FI-2").get()
    assert send(client, "patch", f"/api/v1/costs/{theirs.pk}", {"note": "X"}).status_code == 403
    response = send(client, "post", f"{BASE}/initiatives", new_initiative(portfolio))
    assert response.status_code == 403
    assert send(client, "delete", f"{BASE}/initiatives/FI-1").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["facilitator", "programme_admin"])
def test_editors_create_change_and_delete_the_whole_register(persona, request, portfolio):
    client = api(request.getfixturevalue(persona))
    created = send(client, "post", f"{BASE}/initiatives", new_initiative(portfolio))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["participants"] == [{"orgnr": portfolio["nav"].orgnr, "name": "NAV"}]
    assert body["goals"] == [{"goal": "S1", "contribution": "1.50"}]

    changed = send(client, "patch", f"{BASE}/initiatives/FI-9", {"phase": "execute"})
    assert changed.json()["phase"] == "execute"
    assert changed.json()["participants"]  # untouched lists stay

    dependency = send(
        client,
        "post",
        f"{BASE}/initiatives/FI-9/dependencies",
        {"kind": "enables", "target": "FI-2"},
    )
    assert dependency.status_code == 201
    risk = send(
        client,
        "post",
        f"{BASE}/initiatives/FI-9/risks",
        {"title": "Sen leveranse", "probability": 4, "consequence": 3},
    )
    assert risk.json()["score"] == 12
    report = send(
        client,
        "post",
        f"{BASE}/initiatives/FI-9/status-reports",
        {"period": "2026-10", **dict.fromkeys(["overall", "plan", "cost", "benefits",
                                               "stakeholders", "risk"], "green")},
    )  # fmt: skip
    assert report.json()["reported_by"] == request.getfixturevalue(persona).username
    goal = send(client, "post", f"{BASE}/goals", {"code": "E1", "level": "impact", "parent": "S1",
                                                  "title": "Effekt"})  # fmt: skip
    assert goal.status_code == 201 and goal.json()["parent"] == "S1"
    period = {"vision": "Innkreving skjer bare", "start_year": 2024, "end_year": 2028}
    frame = send(client, "patch", BASE, period)
    assert frame.json()["end_year"] == 2028

    assert send(client, "delete", f"{BASE}/goals/E1").status_code == 204
    assert send(client, "delete", f"/api/v1/risks/{risk.json()['id']}").status_code == 204
    assert send(client, "delete", f"{BASE}/initiatives/FI-9").status_code == 204
    assert not Initiative.objects.filter(code="FI-9").exists()


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_model_rules_come_back_as_422_problems_with_the_field(facilitator, portfolio):
    client = api(facilitator)
    response = send(client, "patch", f"{BASE}/initiatives/FI-1", {"status": "red"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == ["status_reason"]

    duplicate = send(client, "post", f"{BASE}/initiatives", new_initiative(portfolio, "FI-1"))
    assert duplicate.status_code == 422

    unknown = {**new_initiative(portfolio), "owner_organisation": "974760673"}
    response = send(client, "post", f"{BASE}/initiatives", unknown)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["owner_organisation"]


@pytest.mark.django_db
def test_costs_must_be_ordered_and_whole_kroner(facilitator, portfolio):
    url = f"{BASE}/initiatives/FI-1/costs"
    cost = {"organisation": portfolio["nav"].orgnr, "year": 2030, "category": "investment"}
    client = api(facilitator)
    assert send(client, "post", url, {**cost, "low": 3, "likely": 2, "high": 1}).status_code == 422
    response = send(client, "post", url, {**cost, "low": 1.5, "likely": 2, "high": 3})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_a_requires_cycle_is_refused(facilitator, portfolio):
    # FI-2 requires FI-1 already; FI-1 requiring FI-2 would close the loop.
    response = send(
        api(facilitator),
        "post",
        f"{BASE}/initiatives/FI-1/dependencies",
        {"kind": "requires", "target": "FI-2"},
    )
    assert response.status_code == 422
    assert "FI-1 → FI-2 → FI-1" in response.json()["errors"][0]["msg"]


@pytest.mark.django_db
def test_a_societal_goal_with_impact_goals_is_not_deleted(facilitator, portfolio):
    GoalFactory(programme=portfolio["goal"].programme, code="E1", level="impact",
                parent=portfolio["goal"])  # fmt: skip
    response = send(api(facilitator), "delete", f"{BASE}/goals/S1")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert ": E1." in response.json()["errors"][0]["msg"]  # names the impact goal
    assert send(api(facilitator), "delete", f"{BASE}/goals/E1").status_code == 204
    assert send(api(facilitator), "delete", f"{BASE}/goals/S1").status_code == 204


# -- schema ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_portfolio_path_is_in_the_openapi_schema_with_its_errors():
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    expected = {
        "/api/v1/programmes/{slug}": {"get", "patch"},
        "/api/v1/life-events": {"get"},
        "/api/v1/life-events/{event_slug}": {"get"},
        "/api/v1/programmes/{slug}/goals": {"get", "post"},
        "/api/v1/programmes/{slug}/goals/{goal_code}": {"get", "patch", "delete"},
        "/api/v1/programmes/{slug}/initiatives": {"get", "post"},
        "/api/v1/programmes/{slug}/initiatives/{code}": {"get", "patch", "delete"},
        "/api/v1/costs/{line_id}": {"get", "patch", "delete"},
        "/api/v1/dependencies/{dependency_id}": {"get", "patch", "delete"},
        "/api/v1/risks/{risk_id}": {"get", "patch", "delete"},
        "/api/v1/status-reports/{report_id}": {"get", "patch", "delete"},
    }
    for part in ("costs", "dependencies", "risks", "status-reports"):
        expected[f"/api/v1/programmes/{{slug}}/initiatives/{{code}}/{part}"] = {"get", "post"}
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            assert {"401", "403", "404", "422"} <= set(paths[path][method]["responses"]), path
    params = {
        p["name"] for p in paths["/api/v1/programmes/{slug}/initiatives"]["get"]["parameters"]
    }
    assert {"q", "organisation", "phase", "status", "goal", "life_event", "sort"} <= params
    assert {"limit", "offset"} <= params
    assert (
        "orgnr"
        in schema["components"]["schemas"]["InitiativeIn"]["properties"]["owner_organisation"][
            "description"
        ]
    )


@pytest.mark.django_db
def test_responses_match_their_schema(viewer, portfolio):
    """Each field the schema promises is there, and nothing else (a light OpenAPI check)."""
    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    body = api(viewer).get(f"{BASE}/initiatives/FI-1").json()
    assert set(body) == set(schema["InitiativeOut"]["properties"])
    assert set(schema["InitiativeOut"]["required"]) <= set(body)
    cost = api(viewer).get(f"{BASE}/initiatives/FI-1/costs").json()["items"][0]
    assert set(cost) == set(schema["CostOut"]["properties"])
