"""The benefits API as its users meet it: who may read and write what, the benefit owner in
another agency, measurements in bulk (all or nothing), errors, query counts and the schema."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from nytte.benefits.models import Benefit, BenefitAmount, Contribution, Indicator, Measurement
from nytte.core.choices import Role
from nytte.core.models import ChangeLogEntry, OrganisationMembership
from tests.api.test_api_core import bearer
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    GoalFactory,
    IndicatorFactory,
    InitiativeFactory,
    MeasurementFactory,
    OrganisationFactory,
    RiskFactory,
    TargetFactory,
)

BASE = "/api/v1/programmes/framtidens-innkreving"
D = dt.date


@pytest.fixture
def register(programme):
    """G-1: NAV's benefit of Skatteetaten's initiative FI-1 (60 %), measured against a
    baseline; G-2: Skatteetaten's own."""
    ske, nav = OrganisationFactory(name="Skatteetaten"), OrganisationFactory(name="NAV")
    programme.participants.add(ske, nav)
    societal = GoalFactory(programme=programme, code="S1", level="societal")
    impact = GoalFactory(programme=programme, code="E1", level="impact", parent=societal)
    fi1 = InitiativeFactory(programme=programme, code="FI-1", owner_organisation=ske)
    fi2 = InitiativeFactory(programme=programme, code="FI-2", owner_organisation=ske)
    risk = RiskFactory(initiative=fi1)
    g1 = BenefitFactory(
        programme=programme,
        code="G-1",
        title="Færre manuelle saker",
        owner_organisation=nav,
        arises_in_organisation=nav,
        impact_goal=impact,
    )
    g1.risks.add(risk)
    ContributionFactory(benefit=g1, initiative=fi1, share=60)
    BenefitAmountFactory(benefit=g1, year=2026)
    indicator = IndicatorFactory(
        benefit=g1, name="Manuelle saker", baseline_value=1000, baseline_date=D(2026, 1, 1)
    )
    TargetFactory(indicator=indicator, date=D(2027, 1, 1), value=600)
    MeasurementFactory(indicator=indicator, date=D(2026, 7, 1), value=800)
    g2 = BenefitFactory(
        programme=programme, code="G-2", owner_organisation=ske, arises_in_organisation=ske
    )
    other = IndicatorFactory(benefit=g2, name="Svartid")
    return {
        "ske": ske,
        "nav": nav,
        "fi1": fi1,
        "fi2": fi2,
        "risk": risk,
        "g1": g1,
        "indicator": indicator,
        "other_indicator": other,
    }


@pytest.fixture
def nav_owner(owner, register):
    """The demo's story: a NAV manager owns a benefit of an initiative Skatteetaten runs."""
    OrganisationMembership.objects.create(user=owner, organisation=register["nav"], role=Role.OWNER)
    return owner


def api(user, language: str | None = None) -> Client:
    client = Client(**bearer(user))
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def send(client: Client, method: str, url: str, body=None):
    return getattr(client, method)(
        url, body if body is not None else {}, content_type="application/json"
    )


def new_benefit(register, code: str = "G-9") -> dict:
    return {
        "code": code,
        "title": "Mindre papir",
        "kind": "efficiency",
        "owner_organisation": register["nav"].orgnr,
        "arises_in_organisation": register["nav"].orgnr,
        "impact_goal": "E1",
        "contributions": [
            {"initiative": "FI-1", "share": 30},
            {"initiative": "FI-2", "share": 70},
        ],
        "risks": [register["risk"].pk],
    }


# -- reading --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_viewer_reads_benefits_with_natural_keys_and_realisation(viewer, register):
    response = api(viewer).get(f"{BASE}/benefits")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    g1 = body["items"][0]
    assert g1["code"] == "G-1"
    assert g1["owner_organisation"] == {"orgnr": register["nav"].orgnr, "name": "NAV"}
    assert g1["impact_goal"] == "E1"
    assert g1["contributions"] == [{"initiative": "FI-1", "share": "60.00"}]
    assert g1["risks"] == [register["risk"].pk]
    assert g1["total_likely"] == 500_000
    # From 1000 towards 600, measured 800: half of the way.
    assert g1["realised_percent"] == pytest.approx(50.0)
    assert g1["has_baseline"] is True
    assert {"behind", "overdue"} <= set(g1)
    assert api(viewer).get(f"{BASE}/benefits/G-1").json() == g1


@pytest.mark.django_db
def test_a_viewer_reads_every_line_of_a_benefit(viewer, register):
    client = api(viewer)
    indicator = register["indicator"]
    amounts = client.get(f"{BASE}/benefits/G-1/amounts").json()
    assert [(a["year"], a["likely"]) for a in amounts["items"]] == [(2026, 500_000)]
    assert client.get(f"{BASE}/benefits/G-1/amounts/2026").json()["high"] == 700_000
    indicators = client.get(f"{BASE}/benefits/G-1/indicators").json()["items"]
    assert [(i["id"], i["name"]) for i in indicators] == [(indicator.pk, "Manuelle saker")]
    assert indicators[0]["realised_percent"] == pytest.approx(50.0)
    detail = client.get(f"/api/v1/indicators/{indicator.pk}").json()
    assert detail["baseline_value"] == "1000.0000" and detail["benefit"] == "G-1"
    targets = client.get(f"/api/v1/indicators/{indicator.pk}/targets").json()["items"]
    assert [(t["date"], t["value"]) for t in targets] == [("2027-01-01", "600.0000")]
    measured = client.get(f"/api/v1/indicators/{indicator.pk}/measurements").json()["items"]
    assert [(m["date"], m["benefit"]) for m in measured] == [("2026-07-01", "G-1")]
    target_id, measurement_id = targets[0]["id"], measured[0]["id"]
    assert client.get(f"/api/v1/targets/{target_id}").json()["indicator"] == indicator.pk
    assert client.get(f"/api/v1/measurements/{measurement_id}").json()["value"] == "800.0000"


@pytest.mark.django_db
def test_the_list_takes_the_register_pages_filters(viewer, register, programme):
    BenefitFactory(
        programme=programme,
        code="G-3",
        kind="others",
        arises_in_organisation=None,
        arises_in_group="citizens",
        status="realised",
        title="Borgere",
    )
    client = api(viewer)

    def codes(query: str) -> list[str]:
        items = client.get(f"{BASE}/benefits?{query}").json()["items"]
        return [b["code"] for b in items]

    assert codes("kind=others") == ["G-3"]
    assert codes("status=realised&status=planned") == ["G-1", "G-2", "G-3"]
    assert codes("arises_in=citizens") == ["G-3"]
    assert codes(f"arises_in={register['nav'].orgnr}") == ["G-1"]
    assert codes(f"owner_organisation={register['ske'].orgnr}") == ["G-2"]
    assert codes("initiative=FI-1") == ["G-1"]
    assert codes("goal=S1") == ["G-1"]  # through its impact goal
    assert codes("q=borgere") == ["G-3"]
    assert codes("sort=-code") == ["G-3", "G-2", "G-1"]
    page = client.get(f"{BASE}/benefits?limit=1&offset=1").json()
    assert page["count"] == 3 and [b["code"] for b in page["items"]] == ["G-2"]
    bad = client.get(f"{BASE}/benefits?kind=magic")
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"][0]["loc"] == ["kind"]
    # The organisations are read only for this filter, and still checked against.
    unknown = client.get(f"{BASE}/benefits?arises_in=999999999")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["loc"] == ["arises_in"]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_the_list_takes_a_fixed_number_of_queries(
    count, viewer, programme, django_assert_max_num_queries, pinned_queries
):
    initiative = InitiativeFactory(programme=programme)
    goal = GoalFactory(programme=programme, level="impact")
    risk = RiskFactory(initiative=initiative)
    for _ in range(count):
        benefit = BenefitFactory(programme=programme, impact_goal=goal)
        benefit.risks.add(risk)
        ContributionFactory(benefit=benefit, initiative=initiative, share=50)
        indicator = IndicatorFactory(benefit=benefit)
        TargetFactory(indicator=indicator)
        MeasurementFactory(indicator=indicator, recorded_by=viewer)
    client = api(viewer)
    # Token, its last use, programme, roles, benefits, contributions, risks, the indicators'
    # progress, count — the same for 3 benefits as for 30.
    with django_assert_max_num_queries(10), pinned_queries("benefit list"):
        body = client.get(f"{BASE}/benefits?limit=100").json()
    assert body["count"] == count
    assert all(b["realised_percent"] is not None for b in body["items"])
    # The whole programme's count is kept until the benefits change: one query less.
    with pinned_queries("benefit list, the programme's count kept"):
        again = client.get(f"{BASE}/benefits?limit=100&offset=1").json()
    assert again["count"] == count and len(again["items"]) == count - 1


@pytest.mark.django_db
def test_the_lists_count_kept_for_the_programme_follows_every_change(facilitator, register):
    client = api(facilitator)

    def count(query: str = "") -> int:
        return client.get(f"{BASE}/benefits?limit=1{query}").json()["count"]

    assert count() == 2 and count("&sort=-code") == 2
    assert send(client, "post", f"{BASE}/benefits", new_benefit(register)).status_code == 201
    assert count() == 3
    assert count("&q=papir") == 1  # a filter is counted, never taken from the kept count
    assert send(client, "delete", f"{BASE}/benefits/G-9").status_code == 204
    assert count() == 2 and count("&q=papir") == 0


@pytest.mark.django_db
def test_an_outsider_gets_404_for_everything_in_the_programme(outsider, register):
    client = api(outsider)
    indicator = register["indicator"]
    measurement = Measurement.objects.get()
    for url in (
        f"{BASE}/benefits",
        f"{BASE}/benefits/G-1",
        f"{BASE}/benefits/G-1/amounts",
        f"/api/v1/indicators/{indicator.pk}",
        f"/api/v1/indicators/{indicator.pk}/measurements",
        f"/api/v1/measurements/{measurement.pk}",
        f"/api/v1/targets/{indicator.targets.get().pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"
    rows = [{"benefit": "G-1", "indicator": "Manuelle saker", "date": "2026-10-01", "value": 1}]
    assert send(client, "post", f"{BASE}/measurements", rows).status_code == 404
    assert send(client, "patch", f"{BASE}/benefits/G-1", {"title": "x"}).status_code == 404
    assert Measurement.objects.count() == 1


@pytest.mark.django_db
def test_anonymous_callers_get_401(register):
    response = Client().get(f"{BASE}/benefits")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


# -- writing: who may -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["viewer", "contributor", "forum_member"])
def test_readers_cannot_write_anything(persona, request, register):
    client = api(request.getfixturevalue(persona))
    indicator = register["indicator"]
    attempts = [
        ("post", f"{BASE}/benefits", new_benefit(register)),
        ("patch", f"{BASE}/benefits/G-1", {"title": "Nei"}),
        ("delete", f"{BASE}/benefits/G-1", None),
        ("post", f"{BASE}/benefits/G-1/amounts", {"year": 2030, "low": 1, "likely": 1, "high": 1}),
        ("patch", f"/api/v1/indicators/{indicator.pk}", {"unit": "x"}),
        (
            "post",
            f"/api/v1/indicators/{indicator.pk}/measurements",
            {"date": "2026-10-01", "value": 1},
        ),
        (
            "post",
            f"{BASE}/measurements",
            [{"benefit": "G-1", "indicator": "Manuelle saker", "date": "2026-10-01", "value": 1}],
        ),
    ]
    before = ChangeLogEntry.objects.count()
    for method, url, body in attempts:
        response = send(client, method, url, body)
        assert response.status_code == 403, (method, url)
        assert response.json()["title"] == "Forbidden"
    assert ChangeLogEntry.objects.count() == before


@pytest.mark.django_db
def test_the_benefit_owner_in_another_agency_records_and_edits_their_benefit_only(
    nav_owner, register
):
    client = api(nav_owner)
    indicator = register["indicator"]
    created = send(
        client,
        "post",
        f"/api/v1/indicators/{indicator.pk}/measurements",
        {"date": "2026-10-01", "value": "700", "source": "NAV-statistikk"},
    )
    assert created.status_code == 201, created.json()
    assert created.json()["recorded_by"] == nav_owner.username
    bulk = send(
        client,
        "post",
        f"{BASE}/measurements",
        [
            {"benefit": "G-1", "indicator": "Manuelle saker", "date": "2027-01-01", "value": 600},
        ],
    )
    assert bulk.status_code == 201
    assert (
        send(client, "patch", f"{BASE}/benefits/G-1", {"preconditions": "Ny rutine"}).status_code
        == 200
    )
    assert (
        send(
            client,
            "post",
            f"{BASE}/benefits/G-1/amounts",
            {"year": 2027, "low": 1, "likely": 2, "high": 3},
        ).status_code
        == 201
    )
    # Not the initiative behind it, which Skatteetaten runs, nor another agency's benefit.
    assert send(client, "patch", f"{BASE}/initiatives/FI-1", {"title": "Nei"}).status_code == 403
    assert send(client, "patch", f"{BASE}/benefits/G-2", {"title": "Nei"}).status_code == 403
    other = register["other_indicator"]
    refused = send(
        client,
        "post",
        f"/api/v1/indicators/{other.pk}/measurements",
        {"date": "2026-10-01", "value": 1},
    )
    assert refused.status_code == 403
    # Nor create or delete benefits: that is the programme's editors' work.
    assert send(client, "post", f"{BASE}/benefits", new_benefit(register)).status_code == 403
    assert send(client, "delete", f"{BASE}/benefits/G-1").status_code == 403
    assert Measurement.objects.filter(indicator=indicator).count() == 3


@pytest.mark.django_db
def test_only_the_owner_confirms_and_new_amounts_clear_the_confirmation(
    nav_owner, facilitator, register
):
    url = f"{BASE}/benefits/G-1/confirm"
    assert send(api(facilitator), "post", url).status_code == 403
    confirmed = send(api(nav_owner), "post", url)
    assert confirmed.status_code == 200
    assert confirmed.json()["confirmed_by"] == nav_owner.username
    assert confirmed.json()["confirmed_on"] is not None
    changed = send(
        api(facilitator), "patch", f"{BASE}/benefits/G-1/amounts/2026", {"high": 800_000}
    )
    assert changed.status_code == 200
    assert api(facilitator).get(f"{BASE}/benefits/G-1").json()["confirmed_on"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["facilitator", "programme_admin"])
def test_editors_create_change_and_delete_benefits_and_their_lines(persona, request, register):
    user = request.getfixturevalue(persona)
    client = api(user)
    created = send(client, "post", f"{BASE}/benefits", new_benefit(register))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["contributions"] == [
        {"initiative": "FI-1", "share": "30.00"},
        {"initiative": "FI-2", "share": "70.00"},
    ]
    assert body["risks"] == [register["risk"].pk]
    assert body["realised_percent"] is None and body["has_baseline"] is False

    changed = send(
        client,
        "patch",
        f"{BASE}/benefits/G-9",
        {"status": "planned", "contributions": [{"initiative": "FI-2", "share": 50}]},
    )
    assert changed.json()["status"] == "planned"
    assert changed.json()["contributions"] == [{"initiative": "FI-2", "share": "50.00"}]
    assert changed.json()["risks"] == [register["risk"].pk]  # untouched lists stay

    amount = send(
        client,
        "post",
        f"{BASE}/benefits/G-9/amounts",
        {"year": 2027, "low": 10, "likely": 20, "high": 30},
    )
    assert amount.status_code == 201
    assert client.get(f"{BASE}/benefits/G-9").json()["total_likely"] == 20
    indicator = send(
        client,
        "post",
        f"{BASE}/benefits/G-9/indicators",
        {
            "name": "Ark",
            "unit": "ark",
            "direction": "decrease",
            "baseline_value": 100,
            "baseline_date": "2026-01-01",
        },
    )
    assert indicator.status_code == 201, indicator.json()
    indicator_id = indicator.json()["id"]
    target = send(
        client,
        "post",
        f"/api/v1/indicators/{indicator_id}/targets",
        {"date": "2028-01-01", "value": 20},
    )
    assert target.status_code == 201
    measurement = send(
        client,
        "post",
        f"/api/v1/indicators/{indicator_id}/measurements",
        {"date": "2027-01-01", "value": 60},
    )
    assert measurement.json()["recorded_by"] == user.username
    progress = client.get(f"/api/v1/indicators/{indicator_id}").json()
    assert progress["realised_percent"] == pytest.approx(50.0)
    m_id, t_id = measurement.json()["id"], target.json()["id"]
    patched = send(client, "patch", f"/api/v1/measurements/{m_id}", {"comment": "Rettet"})
    assert patched.json()["comment"] == "Rettet"
    assert (
        send(client, "patch", f"/api/v1/targets/{t_id}", {"value": 10}).json()["value"] == "10.0000"
    )
    assert (
        send(client, "patch", f"/api/v1/indicators/{indicator_id}", {"unit": "sider"}).json()[
            "unit"
        ]
        == "sider"
    )

    assert send(client, "delete", f"/api/v1/measurements/{m_id}").status_code == 204
    assert send(client, "delete", f"/api/v1/targets/{t_id}").status_code == 204
    assert send(client, "delete", f"/api/v1/indicators/{indicator_id}").status_code == 204
    assert send(client, "delete", f"{BASE}/benefits/G-9/amounts/2027").status_code == 204
    assert client.get(f"{BASE}/benefits/G-9").json()["total_likely"] == 0
    assert send(client, "delete", f"{BASE}/benefits/G-9").status_code == 204
    assert not Benefit.objects.filter(code="G-9").exists()
    entries = ChangeLogEntry.objects.filter(actor=user)
    assert entries.filter(action="create").count() >= 5 and entries.filter(action="delete").exists()


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_model_rules_come_back_as_422_problems_with_the_field(facilitator, register):
    client = api(facilitator)
    cases = [
        ({**new_benefit(register), "kind": "quality", "priced": True}, "priced"),
        ({**new_benefit(register), "owner_organisation": "974760673"}, "owner_organisation"),
        ({**new_benefit(register), "impact_goal": "S1"}, "impact_goal"),
        ({**new_benefit(register), "risks": [99999]}, "risks"),
        (
            {**new_benefit(register), "contributions": [{"initiative": "FI-7", "share": 1}]},
            "contributions",
        ),
        ({**new_benefit(register), "arises_in_group": "citizens"}, "arises_in_group"),
        (new_benefit(register, code="G-1"), "__all__"),
    ]
    for payload, field in cases:
        response = send(client, "post", f"{BASE}/benefits", payload)
        assert response.status_code == 422, (field, response.json())
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["errors"][0]["loc"] == [field], field
    assert not Benefit.objects.filter(code="G-9").exists()


@pytest.mark.django_db
def test_shares_over_100_percent_and_unordered_amounts_are_refused(facilitator, register):
    client = api(facilitator, language="en")
    over = {
        "contributions": [{"initiative": "FI-1", "share": 60}, {"initiative": "FI-2", "share": 50}]
    }
    response = send(client, "patch", f"{BASE}/benefits/G-1", over)
    assert response.status_code == 422
    assert "add up to 110 %" in response.json()["errors"][0]["msg"]
    assert Contribution.objects.filter(benefit__code="G-1").count() == 1
    amounts = {"year": 2030, "low": 3, "likely": 2, "high": 1}
    response = send(client, "post", f"{BASE}/benefits/G-1/amounts", amounts)
    assert response.status_code == 422
    assert "low ≤ most likely ≤ high" in response.json()["errors"][0]["msg"]
    assert not BenefitAmount.objects.filter(year=2030).exists()
    target = send(
        client,
        "post",
        f"/api/v1/indicators/{register['indicator'].pk}/targets",
        {"date": "2025-01-01", "value": 1},
    )
    assert target.status_code == 422 and target.json()["errors"][0]["loc"] == ["date"]


@pytest.mark.django_db
def test_unknown_benefits_and_lines_are_404(viewer, register):
    client = api(viewer)
    assert client.get(f"{BASE}/benefits/NOPE").status_code == 404
    assert client.get(f"{BASE}/benefits/G-1/amounts/1999").status_code == 404
    assert client.get("/api/v1/indicators/999999").status_code == 404


# -- measurements in bulk -------------------------------------------------------------------


def row(date: str, value, benefit: str = "G-1", indicator="Manuelle saker", **extra) -> dict:
    return {"benefit": benefit, "indicator": indicator, "date": date, "value": value, **extra}


@pytest.mark.django_db
def test_bulk_measurements_are_appended_by_name_or_id(nav_owner, register):
    indicator = register["indicator"]
    rows = [
        row("2026-10-01", 750, source="NAV-statistikk"),
        row("2027-01-01", "600.5", indicator=indicator.pk, comment="Per kvartal"),
    ]
    response = send(api(nav_owner), "post", f"{BASE}/measurements", rows)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created"] == 2
    assert [(m["date"], m["value"], m["recorded_by"]) for m in body["items"]] == [
        ("2026-10-01", "750.0000", nav_owner.username),
        ("2027-01-01", "600.5000", nav_owner.username),
    ]
    stored = Measurement.objects.filter(indicator=indicator).order_by("date")
    assert [m.value for m in stored] == [800, 750, Decimal("600.5")]
    assert stored.last().recorded_by == nav_owner


@pytest.mark.django_db
def test_one_bad_bulk_row_and_nothing_is_saved_but_every_error_is_listed(nav_owner, register):
    rows = [
        row("2026-10-01", 750),  # fine on its own
        row("2026-10-01", 3, benefit="G-2", indicator="Svartid"),  # not the owner's benefit
        row("2026-11-01", 3, indicator="Ukjent"),  # no such indicator
        row("2026-11-01", 3, benefit="G-8"),  # no such benefit
        row("2026-07-01", 799),  # that date has a measurement already
        row("2026-10-01", 751),  # twice in the batch
    ]
    client = api(nav_owner, language="en")  # its token is logged as it is made
    log_before = ChangeLogEntry.objects.count()
    response = send(client, "post", f"{BASE}/measurements", rows)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [(e["index"], e["loc"]) for e in errors] == [
        (1, [1, "benefit"]),
        (2, [2, "indicator"]),
        (3, [3, "benefit"]),
        (4, [4, "date"]),
        (5, [5, "date"]),
    ]
    assert "may not record measurements for G-2" in errors[0]["msg"]
    assert "already has a measurement on 2026-07-01" in errors[3]["msg"]
    assert Measurement.objects.count() == 1
    assert ChangeLogEntry.objects.count() == log_before


@pytest.mark.django_db
def test_a_malformed_bulk_row_is_a_422_naming_its_index(facilitator, register):
    rows = [row("2026-10-01", 750), row("neste uke", "mye")]
    response = send(api(facilitator), "post", f"{BASE}/measurements", rows)
    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["errors"]]
    assert ["body", "payload", 1, "date"] in locs and ["body", "payload", 1, "value"] in locs
    assert Measurement.objects.count() == 1


# -- schema ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_benefits_path_is_in_the_openapi_schema_with_its_errors():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    b = "/api/v1/programmes/{slug}/benefits/{code}"
    expected = {
        "/api/v1/programmes/{slug}/benefits": {"get", "post"},
        b: {"get", "patch", "delete"},
        b + "/confirm": {"post"},
        b + "/amounts": {"get", "post"},
        b + "/amounts/{year}": {"get", "patch", "delete"},
        b + "/indicators": {"get", "post"},
        "/api/v1/indicators/{indicator_id}": {"get", "patch", "delete"},
        "/api/v1/indicators/{indicator_id}/targets": {"get", "post"},
        "/api/v1/indicators/{indicator_id}/measurements": {"get", "post"},
        "/api/v1/targets/{target_id}": {"get", "patch", "delete"},
        "/api/v1/measurements/{measurement_id}": {"get", "patch", "delete"},
        "/api/v1/programmes/{slug}/measurements": {"post"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            assert {"401", "403", "404", "422"} <= set(paths[path][method]["responses"]), path
    params = {p["name"] for p in paths["/api/v1/programmes/{slug}/benefits"]["get"]["parameters"]}
    assert {
        "q",
        "kind",
        "status",
        "arises_in",
        "owner_organisation",
        "initiative",
        "goal",
    } <= params


@pytest.mark.django_db
def test_responses_match_their_schema(viewer, register):
    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    client = api(viewer)
    benefit = client.get(f"{BASE}/benefits/G-1").json()
    assert set(benefit) == set(schemas["BenefitOut"]["properties"])
    indicator = client.get(f"/api/v1/indicators/{register['indicator'].pk}").json()
    assert set(indicator) == set(schemas["IndicatorOut"]["properties"])
    assert Indicator.objects.count() == 2
