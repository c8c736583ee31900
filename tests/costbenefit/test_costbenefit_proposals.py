"""A proposal's cost-benefit page: built from its own lines (a proposal has no cost lines or
benefits in the registers), changed by facilitators only, frozen as its own snapshots, and
the same over the API and in Excel."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from nytte.costbenefit import results, services
from nytte.costbenefit.build import build_analysis
from nytte.costbenefit.models import AnalysisSettings, ExtraAlternative, ExtraLine, Snapshot
from nytte.costbenefit.presentation import money
from nytte.economics import compute
from tests.api.test_api_core import bearer
from tests.costbenefit.test_costbenefit_pages import row_cells
from tests.factories import InitiativeFactory, OrganisationFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(programme, contributor):
    return ProposalFactory(
        programme=programme, number=12, title="Felles betalingsavtale", proposer=contributor
    )


@pytest.fixture
def ske(db):
    return OrganisationFactory(name="Skatteetaten", short_name="SKE", kind="agency")


def url(proposal, name="analysis", **kwargs):
    return reverse(
        f"costbenefit:proposal_{name}",
        kwargs={"slug": proposal.programme.slug, "number": proposal.number, **kwargs},
    )


def cost_data(ske) -> dict[str, str]:
    """One investment of 1 m paid by SKE in 2026 (a public budget)."""
    return {
        "line-add-name": "Utvikling",
        "line-add-alternative": "",
        "line-add-kind": "cost",
        "line-add-category": "investment",
        "line-add-organisation": str(ske.pk),
        "line-add-group": "",
        "line-add-public_budget": "on",
        "line-add-first_year": "2026",
        "line-add-last_year": "2026",
        "line-add-low": "800000",
        "line-add-likely": "1000000",
        "line-add-high": "1500000",
        "line-add-real_growth": "",
        "line-add-distribution": "pert",
        "line-add-note": "",
    }


def benefit_data() -> dict[str, str]:
    """Citizens save 200,000 a year from 2027 to 2036 (no public budget)."""
    return {
        **{k: v for k, v in cost_data(OrganisationFactory.build(pk=0)).items()},
        "line-add-name": "Spart tid for innbyggere",
        "line-add-kind": "benefit",
        "line-add-category": "external",
        "line-add-organisation": "",
        "line-add-group": "citizens",
        "line-add-public_budget": "",
        "line-add-first_year": "2027",
        "line-add-last_year": "2036",
        "line-add-low": "100000",
        "line-add-likely": "200000",
        "line-add-high": "250000",
    }


def test_a_new_proposal_says_what_to_enter_instead_of_failing(proposal, facilitator, client_for):
    client = client_for(facilitator, language="en")
    detail = client.get(proposal.get_absolute_url()).content.decode()
    assert url(proposal) in detail  # the proposal page links to its analysis
    response = client.get(url(proposal))
    assert response.status_code == 200
    html = response.content.decode()
    assert "F-12 Felles betalingsavtale" in html
    assert "A proposal has no cost lines or benefits in the registers yet" in html
    assert "Nothing to compute yet" in html
    assert 'id="result-table"' not in html
    assert 'name="line-add-name"' in html  # the facilitator can start at once
    assert "Benefits the initiative contributes to" not in html
    assert "The proposal itself" in html


def test_lines_typed_by_the_facilitator_give_the_hand_worked_nnv(
    proposal, ske, facilitator, client_for
):
    client = client_for(facilitator, language="en")
    assert client.post(url(proposal), {"action": "line-add", **cost_data(ske)}).status_code == 302
    response = client.post(
        url(proposal),
        {"action": "line-add", **benefit_data()},
        headers={"HX-Request": "true", "HX-Target": "cost-benefit"},
    )
    assert response.status_code == 200
    assert set(ExtraLine.objects.values_list("proposal", "initiative")) == {(proposal.pk, None)}
    # Base year 2026 (the first year with amounts), R-109: 4 % in years 0-40. Each line counts
    # with its expected value, for PERT (low + 4 × most likely + high) / 6.
    # Cost: (800,000 + 4 × 1,000,000 + 1,500,000) / 6 = 1,050,000 in 2026, not discounted.
    # Tax financing cost: 20 % of the public cost               = 210,000.
    # Benefit: (100,000 + 4 × 200,000 + 250,000) / 6            = 191,666.67 a year, 2027-2036,
    #   PV = 191,666.67 × Σ 1.04^-t (t = 1..10) = 191,666.67 × (1 − 1.04^-10) / 0.04
    #      = 191,666.67 × 8.1108958                             = 1,554,588.36.
    # NNV = 1,554,588.36 − 1,050,000 − 210,000                  = 294,588.36, in whole kroner
    # 294,588.
    result = compute(build_analysis(proposal)).alternative("F-12")
    assert result.pv_costs == 1_050_000
    assert result.tax_financing_cost == 210_000
    assert result.pv_benefits == 1_554_588
    assert result.nnv == 294_588
    with translation.override("en"):
        assert row_cells(response.content.decode(), "nnv") == ["0", money(result.nnv)]


def test_an_alternative_of_a_proposal_gets_its_own_column_and_stays_its_own(
    programme, proposal, facilitator, client_for
):
    other = ProposalFactory(programme=programme, number=13)
    mine = services.line_create(
        ExtraAlternative(proposal=proposal, name="Manuell rutine"), acting_user=facilitator
    )
    line = ExtraLine(
        proposal=other,
        alternative=mine,
        name="Feil",
        kind="cost",
        category="other",
        group="citizens",
        first_year=2026,
        last_year=2026,
        low=1,
        likely=1,
        high=1,
    )
    with pytest.raises(ValidationError) as refused:
        services.line_create(line, acting_user=facilitator)
    assert "alternative" in refused.value.error_dict
    html = client_for(facilitator, language="en").get(url(proposal)).content.decode()
    assert "Manuell rutine" in html
    names = [a.name for a in build_analysis(proposal).alternatives]
    assert names[1:] == ["F-12", "Manuell rutine"]
    assert [a.name for a in build_analysis(other).alternatives][1:] == ["F-13"]


@pytest.mark.parametrize("persona", ["contributor", "owner", "viewer", "forum_member"])
def test_only_facilitators_change_a_proposals_analysis(proposal, ske, persona, request, client_for):
    """The proposer (contributor) and initiative owners see the numbers but may not change
    them: the facilitator prepares the analysis the decision will rest on."""
    user = request.getfixturevalue(persona)
    client = client_for(user, language="en")
    html = client.get(url(proposal)).content.decode()
    assert 'name="line-add-name"' not in html
    assert "The programme's facilitators enter them." in html
    response = client.post(url(proposal), {"action": "line-add", **cost_data(ske)})
    assert response.status_code == 403
    assert not ExtraLine.objects.exists()
    with pytest.raises(Exception) as denied:
        services.settings_save(subject=proposal, data={"seed": 2}, acting_user=user)
    assert denied.type.__name__ == "PermissionDenied"


def test_programme_admins_change_it_and_outsiders_do_not_see_it(
    proposal, programme_admin, outsider, client_for
):
    html = client_for(programme_admin).get(url(proposal)).content.decode()
    assert 'name="line-add-name"' in html
    assert client_for(outsider).get(url(proposal)).status_code == 404
    missing = reverse("costbenefit:proposal_analysis", kwargs={"slug": "x", "number": 999})
    assert client_for(programme_admin).get(missing).status_code == 404


def test_proposal_and_initiative_snapshots_are_numbered_apart(
    programme, proposal, ske, facilitator, client_for
):
    client = client_for(facilitator, language="en")
    client.post(url(proposal), {"action": "line-add", **cost_data(ske)})
    response = client.post(url(proposal), {"action": "freeze", "freeze-note": "Sak BP1"})
    assert response.status_code == 302
    assert response["Location"] == url(proposal, "snapshot", version=1)
    initiative = InitiativeFactory(programme=programme)
    ExtraLine.objects.create(
        initiative=initiative,
        name="Drift",
        kind="cost",
        category="operation",
        organisation=ske,
        first_year=2026,
        last_year=2027,
        low=1,
        likely=2,
        high=3,
    )
    services.snapshot_freeze(subject=initiative, acting_user=facilitator)
    frozen = Snapshot.objects.get(proposal=proposal)
    assert (frozen.version, frozen.note, str(frozen)) == (1, "Sak BP1", "F-12 v1")
    assert Snapshot.objects.get(initiative=initiative).version == 1
    # Later lines do not change the frozen numbers.
    client.post(url(proposal), {"action": "line-add", **benefit_data()})
    page = client.get(url(proposal, "snapshot", version=1)).content.decode()
    with translation.override("en"):
        assert row_cells(page, "nnv") == ["0", money(-1_260_000)]
    assert url(proposal, "snapshot_export", version=1) in page
    live = client.get(url(proposal)).content.decode()
    assert url(proposal, "snapshot", version=1) in live


def test_a_line_belongs_to_exactly_one_initiative_or_proposal(programme, proposal, ske):
    initiative = InitiativeFactory(programme=programme)
    common = {
        "name": "X",
        "kind": "cost",
        "category": "other",
        "organisation": ske,
        "first_year": 2026,
        "last_year": 2026,
        "low": 1,
        "likely": 1,
        "high": 1,
    }
    for owners in ({}, {"initiative": initiative, "proposal": proposal}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ExtraLine.objects.create(**owners, **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnalysisSettings.objects.create()


def test_the_excel_export_is_named_for_the_proposal(proposal, ske, facilitator, client_for):
    client = client_for(facilitator, language="en")
    client.post(url(proposal), {"action": "line-add", **cost_data(ske)})
    response = client.get(url(proposal, "export"))
    assert response.status_code == 200
    assert 'filename="' in response["Content-Disposition"]
    assert "F-12" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert "F-12" in cells


# -- API --------------------------------------------------------------------------------------


def api(user) -> Client:
    return Client(**bearer(user))


def test_the_api_serves_a_proposals_analysis_settings_and_snapshots(
    proposal, ske, facilitator, contributor
):
    base = f"/api/v1/programmes/{proposal.programme.slug}/proposals/12/analysis"
    empty = api(contributor).get(base)
    assert empty.status_code == 200  # nothing entered yet: every figure is zero
    assert empty.json()["result"]["alternatives"][1]["nnv"] == 0
    ExtraLine.objects.create(
        proposal=proposal,
        name="Utvikling",
        kind="cost",
        category="investment",
        organisation=ske,
        public_budget=True,
        first_year=2026,
        last_year=2026,
        low=800_000,
        likely=1_000_000,
        high=1_500_000,
    )
    # The API serves the stored result while the worker recomputes for the new inputs.
    assert api(contributor).get(base).json()["computing"] is True
    results.refresh(proposal)
    body = api(contributor).get(base).json()
    assert body["computing"] is False
    main = body["result"]["alternatives"][1]
    assert main["name"] == "F-12"
    assert main["nnv"] == -1_260_000  # (0.8 + 4 × 1 + 1.5) / 6 m, plus 20 %
    denied = api(contributor).put(f"{base}/settings", {"seed": 7}, content_type="application/json")
    assert denied.status_code == 403
    saved = api(facilitator).put(f"{base}/settings", {"seed": 7}, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["seed"] == 7
    assert AnalysisSettings.objects.get(proposal=proposal).seed == 7
    created = api(facilitator).post(
        f"{base}/snapshots", {"note": "BP1"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["version"] == 1
    listed = api(contributor).get(f"{base}/snapshots").json()
    assert [s["version"] for s in listed] == [1]
    frozen = api(contributor).get(f"{base}/snapshots/1").json()
    assert frozen["results"]["alternatives"][1]["name"] == "F-12"
    assert api(contributor).get(f"{base}/snapshots/2").status_code == 404
    schema = api(contributor).get("/api/v1/openapi.json").json()
    assert any(re.search(r"/proposals/\{number\}/analysis$", path) for path in schema["paths"])
