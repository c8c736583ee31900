"""The lines and alternatives of an analysis over REST: a proposal's analysis built entirely
through the API, refused input as 422 problems naming the field, and who may write."""

from __future__ import annotations

import pytest
from django.test import Client

from nytte.costbenefit import selectors
from nytte.costbenefit.models import ExtraAlternative, ExtraLine
from tests.api.test_api_core import bearer
from tests.factories import InitiativeFactory, OrganisationFactory, ProposalFactory

pytestmark = pytest.mark.django_db
M = 1_000_000


@pytest.fixture
def proposal(programme):
    return ProposalFactory(programme=programme, number=5, title="Felles betalingsavtale")


@pytest.fixture
def ske(db):
    return OrganisationFactory(name="Skatteetaten", short_name="SKE", kind="agency")


def api(user) -> Client:
    return Client(**bearer(user))


def send(client: Client, method: str, url: str, body: dict | None = None):
    return getattr(client, method)(url, body or {}, content_type="application/json")


def base(proposal) -> str:
    return f"/api/v1/programmes/{proposal.programme.slug}/proposals/{proposal.number}/analysis"


def cost(ske, **overrides) -> dict:
    return {
        "name": "Utvikling",
        "kind": "cost",
        "category": "investment",
        "organisation": ske.orgnr,
        "public_budget": True,
        "first_year": 2026,
        "last_year": 2026,
        "low": 1 * M,
        "likely": 1 * M,
        "high": 1 * M,
        **overrides,
    }


def test_a_facilitator_builds_a_proposals_analysis_through_the_api(proposal, ske, facilitator):
    client = api(facilitator)
    created = send(client, "post", f"{base(proposal)}/lines", cost(ske))
    assert created.status_code == 201
    line = created.json()
    assert (line["subject"], line["alternative"], line["organisation"]["orgnr"]) == (
        "F-5",
        None,
        ske.orgnr,
    )
    alternative = send(client, "post", f"{base(proposal)}/alternatives", {"name": "Manuelt"})
    assert alternative.status_code == 201
    benefit = {
        **cost(ske),
        "name": "Spart tid",
        "kind": "benefit",
        "category": "external",
        "organisation": None,
        "group": "citizens",
        "public_budget": False,
        "first_year": 2027,
        "last_year": 2028,
        "alternative": "Manuelt",
    }
    assert send(client, "post", f"{base(proposal)}/lines", benefit).status_code == 201
    listed = client.get(f"{base(proposal)}/lines").json()
    assert [(row["name"], row["alternative"]) for row in listed] == [
        ("Utvikling", None),
        ("Spart tid", "Manuelt"),
    ]
    # The analysis has the lines: F-5 pays 1 m plus 20 % tax financing cost; the manual
    # alternative gains 1 m in 2027 and 2028: 1/1.04 + 1/1.04² = 1.886095 m.
    result = client.get(base(proposal)).json()["result"]["alternatives"]
    assert [a["name"] for a in result][1:] == ["F-5", "Manuelt"]
    assert result[1]["nnv"] == -1_200_000
    assert result[2]["nnv"] == 1_886_095
    # Patch and delete by id.
    patched = send(client, "patch", f"/api/v1/analysis-lines/{line['id']}", {"likely": 2 * M})
    assert patched.status_code == 422  # most likely above high
    assert patched.json()["errors"]
    patched = send(
        client, "patch", f"/api/v1/analysis-lines/{line['id']}", {"likely": 2 * M, "high": 3 * M}
    )
    assert patched.status_code == 200 and patched.json()["likely"] == 2 * M
    gone = client.delete(f"/api/v1/analysis-alternatives/{alternative.json()['id']}")
    assert gone.status_code == 204
    assert list(ExtraLine.objects.values_list("name", flat=True)) == ["Utvikling"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"low": 3 * M}, "high"),
        ({"category": "efficiency"}, "category"),
        ({"group": "citizens"}, "group"),
        ({"alternative": "Finnes ikke"}, "alternative"),
        ({"organisation": "999999999"}, "organisation"),
        ({"kind": "gift"}, "kind"),
    ],
)
def test_refused_lines_are_problems_naming_the_field(proposal, ske, facilitator, overrides, field):
    response = send(api(facilitator), "post", f"{base(proposal)}/lines", cost(ske, **overrides))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert any(field in error["loc"] for error in response.json()["errors"])
    assert not ExtraLine.objects.exists()


def test_only_facilitators_write_a_proposals_lines_and_outsiders_see_nothing(
    proposal, ske, contributor, viewer, outsider, facilitator
):
    for user in (contributor, viewer):
        assert send(api(user), "post", f"{base(proposal)}/lines", cost(ske)).status_code == 403
    line = send(api(facilitator), "post", f"{base(proposal)}/lines", cost(ske)).json()
    assert api(viewer).get(f"/api/v1/analysis-lines/{line['id']}").status_code == 200
    assert api(viewer).delete(f"/api/v1/analysis-lines/{line['id']}").status_code == 403
    assert api(outsider).get(f"/api/v1/analysis-lines/{line['id']}").status_code == 404
    assert api(outsider).get(f"{base(proposal)}/lines").status_code == 404


def test_an_initiatives_owner_adds_extra_lines_to_its_analysis(programme, owner, ske):
    initiative = InitiativeFactory(programme=programme, code="FI-9", owner=owner)
    url = f"/api/v1/programmes/{programme.slug}/initiatives/FI-9/analysis"
    response = send(api(owner), "post", f"{url}/lines", cost(ske, name="Engangsgevinst"))
    assert response.status_code == 201 and response.json()["subject"] == "FI-9"
    assert ExtraLine.objects.get().initiative == initiative
    assert send(api(owner), "post", f"{url}/alternatives", {"name": "B"}).status_code == 201
    assert ExtraAlternative.objects.get().initiative == initiative
    nnv = selectors.evaluate(initiative)["result"].alternative("FI-9").nnv
    assert nnv == -1_200_000
