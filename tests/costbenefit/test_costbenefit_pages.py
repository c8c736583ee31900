"""The cost-benefit page of an initiative: the result table, charts and sources from the
registers; the basis and extra lines edited inline; engine errors shown, never a 500;
snapshots frozen and drawn from their JSON only; who may see and who may change."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from nytte.core.actors import SYSTEM
from nytte.costbenefit import services
from nytte.costbenefit.build import build_analysis
from nytte.costbenefit.models import AnalysisSettings, ExtraAlternative, ExtraLine, Snapshot
from nytte.costbenefit.presentation import money
from nytte.economics import compute
from nytte.portfolio.models import CostLine
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    CostLineFactory,
    InitiativeFactory,
    OrganisationFactory,
)


def _zero_name() -> str:
    """The zero alternative is named in the site's language (bokmål), whatever the reader's."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return str(translation.gettext("Zero alternative"))


ZERO = _zero_name()
pytestmark = pytest.mark.django_db


@pytest.fixture
def case(programme, owner):
    """FI-1: SKE pays 1.05 m (expected) in 2026; 60 % of NAV's efficiency gain in 2027, half
    of it cut from budgets; a non-priced quality benefit scored −2. The owner persona owns it."""
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE", kind="agency")
    nav = OrganisationFactory(name="Arbeids- og velferdsetaten", short_name="NAV", kind="agency")
    initiative = InitiativeFactory(
        programme=programme,
        code="FI-1",
        title="Samordnet innkreving",
        owner_organisation=ske,
        owner=owner,
    )
    CostLineFactory(
        initiative=initiative,
        organisation=ske,
        year=2026,
        low=800_000,
        likely=1_000_000,
        high=1_500_000,
    )
    benefit = BenefitFactory(
        programme=programme,
        code="G-1",
        title="Færre manuelle saker",
        owner_organisation=nav,
        arises_in_organisation=nav,
        budget_cut_share=50,
    )
    BenefitAmountFactory(benefit=benefit, year=2027, low=400_000, likely=500_000, high=600_000)
    ContributionFactory(benefit=benefit, initiative=initiative, share=60)
    quality = BenefitFactory(
        programme=programme,
        code="G-2",
        title="Mer kontroll",
        kind="quality",
        priced=False,
        plus_minus=-2,
        plus_minus_reasoning="Mer kontroll gir ulempe.",
    )
    ContributionFactory(benefit=quality, initiative=initiative, share=100)
    return initiative


def url(initiative, name="analysis", **kwargs):
    return reverse(
        f"costbenefit:{name}",
        kwargs={"slug": initiative.programme.slug, "code": initiative.code, **kwargs},
    )


def engine_nnv(initiative) -> int:
    return compute(build_analysis(initiative)).alternative(initiative.code).nnv


def text_of(response) -> str:
    return response.content.decode()


def chart_specs(html: str) -> dict[str, dict]:
    """The Vega-Lite specs on a page, by the id its chart element names."""
    found = re.findall(r'<div class="cba-chart-spec" hidden id="([^"]+)">(.*?)</div>', html, re.S)
    return {spec_id: json.loads(unescape(text)) for spec_id, text in found}


def row_cells(html: str, key: str) -> list[str]:
    """The cell texts of the result-table row with data-row=key."""
    match = re.search(rf'<tr class="[^"]*" data-row="{key}">(.*?)</tr>', html, re.S)
    assert match, f"no row {key}"
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    ]


# ---------------------------------------------------------------------------------------------
# What the page shows


def test_the_result_table_has_the_engines_numbers_one_column_per_alternative(
    case, facilitator, client_for
):
    result = compute(build_analysis(case))
    main = result.alternative("FI-1")
    response = client_for(facilitator, language="en").get(url(case))
    assert response.status_code == 200
    html = text_of(response)
    with translation.override("en"):
        assert row_cells(html, "nnv") == ["0", money(main.nnv)]
        assert row_cells(html, "pv_benefits") == ["0", money(main.pv_benefits)]
        assert row_cells(html, "pv_costs") == ["0", money(-main.pv_costs)]
        assert row_cells(html, "tax_financing_cost") == ["0", money(-main.tax_financing_cost)]
        assert row_cells(html, "investment") == ["0", money(-main.pv_costs_investment)]
    assert row_cells(html, "rank") == [str(a.rank) for a in result.alternatives]
    # The zero alternative is the first column, the initiative's own the second.
    header = re.search(r'<table[^>]*id="result-table".*?<thead>(.*?)</thead>', html, re.S).group(1)
    assert header.index(ZERO) < header.index("FI-1")
    # The non-priced effect shows its symbol, with words for screen readers.
    assert (
        '<span aria-hidden="true">−−</span><span class="visually-hidden">consequence -2</span>'
        in html
    )
    # Payback and NNB notes explain a dash.
    assert "not paid back within the analysis period" in html


def test_numbers_are_formatted_the_norwegian_way(case, facilitator, client_for):
    nnv = engine_nnv(case)
    html = text_of(client_for(facilitator).get(url(case)))  # bokmål by default
    expected = f"−{abs(nnv) // 1000}\u00a0{abs(nnv) % 1000:03d}"
    assert expected in html
    assert row_cells(html, "nnv")[1] == expected


def test_the_basis_and_where_the_numbers_come_from(case, facilitator, client_for):
    html = text_of(client_for(facilitator, language="en").get(url(case)))
    basis = re.search(r'<dl class="facts cba-basis">(.*?)</dl>', html, re.S).group(1)
    for text in (
        "R-109:2021",
        "2026–2027 (2 years)",
        "20\u00a0%",
        "10,000",
        "4.0\u00a0% in years 1–40",
    ):
        assert text in basis
    # The benefit links back to its page, with the initiative's share.
    benefit_url = reverse("benefits:benefit", kwargs={"slug": case.programme.slug, "code": "G-1"})
    assert html.count(f'href="{benefit_url}"') >= 2  # the benefits table and its analysis lines
    assert "60&nbsp;%" in html
    # The lines as they went in: costs per paying organisation and category, the benefit's
    # attributed part split into the budget cut and the rest, each saying the share.
    lines = build_analysis(case).alternatives[1].lines
    assert [line.kind for line in lines] == ["cost", "benefit", "benefit"]
    for line in lines:
        assert f">{line.name}<" in html
    assert lines[1].description in html


def test_every_chart_is_a_vega_lite_spec_with_a_table_beside_it(case, facilitator, client_for):
    html = text_of(client_for(facilitator, language="en").get(url(case)))
    specs = chart_specs(html)
    assert {"cba-histogram-1", "cba-s-curve", "cba-tornado"} <= set(specs)
    for spec_id, spec in specs.items():
        assert spec["$schema"].endswith("vega-lite/v5.json")
        assert f'data-chart="{spec_id}"' in html
    # Table alternatives: the simulation summary, the histogram bins, the S-curve, the tornado.
    for table_id in ("simulation-table", "tornado-table"):
        assert f'id="{table_id}"' in html
    assert "Histogram of FI-1 as a table" in html
    assert "S-curve as a table" in html
    tornado = specs["cba-tornado"]
    assert tornado["layer"][0]["encoding"]["y"]["sort"][0].startswith("SKE")


def test_the_histogram_marks_the_simulated_percentiles(case, facilitator, client_for):
    from nytte.costbenefit import selectors

    simulated = selectors.evaluate(case)["simulation"].alternative("FI-1")
    html = text_of(client_for(facilitator, language="en").get(url(case)))
    spec = chart_specs(html)["cba-histogram-1"]
    marks = {m["label"]: m["value"] for m in spec["layer"][1]["data"]["values"]}
    assert marks["P50"] == pytest.approx(simulated.p50 / 1e6, abs=1e-4)
    # The axis is framed on P1-P99 of the iterations: the bins hold 98 % of them, and the
    # domain runs from P1 to P99.
    bins = spec["layer"][0]["data"]["values"]
    assert sum(b["share"] for b in bins) == pytest.approx(0.98, abs=0.005)
    curve = {round(p["probability"], 2): p["nnv"] for p in simulated.to_dict()["s_curve"]}
    domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert domain == [
        pytest.approx(curve[0.01] / 1e6, abs=1e-3),
        pytest.approx(curve[0.99] / 1e6, abs=1e-3),
    ]
    # Each label on a line of its own: no two can overlap.
    rows = [m["row"] for layer in spec["layer"][2:4] for m in layer["data"]["values"]]
    assert len(rows) == 4 and len(set(rows)) == 4


# ---------------------------------------------------------------------------------------------
# Permissions


def test_an_outsider_gets_404_everywhere(case, outsider, client_for):
    client = client_for(outsider)
    services.snapshot_freeze(subject=case, acting_user=SYSTEM)
    for address in (
        url(case),
        url(case, "export"),
        url(case, "snapshot", version=1),
        url(case, "snapshot_export", version=1),
    ):
        assert client.get(address).status_code == 404
    assert client.post(url(case), {"action": "freeze"}).status_code == 404


def test_a_viewer_sees_the_analysis_but_no_forms_and_may_not_post(case, viewer, client_for):
    client = client_for(viewer, language="en")
    response = client.get(url(case))
    assert response.status_code == 200
    html = text_of(response)
    assert 'id="result-table"' in html
    assert 'name="action"' not in html
    assert client.post(url(case), {"action": "freeze", "freeze-note": "x"}).status_code == 403
    assert (
        client.post(
            url(case), {"action": "settings", "settings-parameter_set": "R-109:2021"}
        ).status_code
        == 403
    )
    assert not Snapshot.objects.exists()


@pytest.mark.parametrize("persona", ["owner", "facilitator", "programme_admin"])
def test_the_owner_and_facilitators_may_edit(case, persona, request, client_for):
    user = request.getfixturevalue(persona)
    html = text_of(client_for(user, language="en").get(url(case)))
    assert 'value="settings"' in html
    assert 'value="freeze"' in html
    assert 'value="line-add"' in html


def test_an_owner_of_another_initiative_may_only_look(case, programme, owner, client_for):
    other = InitiativeFactory(programme=programme, code="FI-2")
    client = client_for(owner, language="en")
    assert 'value="settings"' not in text_of(client.get(url(other)))
    assert client.post(url(other), {"action": "freeze"}).status_code == 403


def test_unknown_initiative_snapshot_or_action_is_404(case, facilitator, client_for):
    client = client_for(facilitator)
    missing = reverse("costbenefit:analysis", kwargs={"slug": case.programme.slug, "code": "NOPE"})
    assert client.get(missing).status_code == 404
    assert client.get(url(case, "snapshot", version=9)).status_code == 404
    assert client.post(url(case), {"action": "explode"}).status_code == 404


# ---------------------------------------------------------------------------------------------
# The basis, and an analysis the engine refuses


def test_saving_the_basis_recomputes(case, owner, client_for):
    client = client_for(owner, language="en")
    data = {
        "action": "settings",
        "settings-base_year": "2026",
        "settings-price_year": "2026",
        "settings-period_years": "5",
        "settings-parameter_set": "R-109:2014",
        "settings-iterations": "2000",
        "settings-seed": "7",
        "settings-assumptions": "Lønnsnivå 2026.",
    }
    response = client.post(url(case), data)
    assert response.status_code == 302
    assert response["Location"].endswith("#basis")
    stored = AnalysisSettings.objects.get(initiative=case)
    assert (stored.period_years, stored.parameter_set, stored.iterations, stored.seed) == (
        5,
        "R-109:2014",
        2000,
        7,
    )
    html = text_of(client.get(url(case)))
    basis = re.search(r'<dl class="facts cba-basis">(.*?)</dl>', html, re.S).group(1)
    for text in (
        "2026–2030 (5 years)",
        "Lønnsnivå 2026.",
        "R-109:2014",
        "<dd>2,000</dd>",
        "<dd>7</dd>",
    ):
        assert text in basis


def test_a_base_year_after_the_first_cost_is_a_message_with_the_form_to_fix_it(
    case, facilitator, client_for
):
    client = client_for(facilitator, language="en")
    response = client.post(
        url(case),
        {
            "action": "settings",
            "settings-base_year": "2027",
            "settings-parameter_set": "R-109:2021",
            "settings-iterations": "10000",
            "settings-seed": "1",
        },
        headers={"HX-Request": "true", "HX-Target": "cost-benefit"},
    )
    assert response.status_code == 200
    html = text_of(response)
    assert html.lstrip().startswith('<div id="cost-benefit"')  # the HTMX partial
    assert "The analysis cannot be computed" in html
    assert "base year" in html
    assert 'role="alert"' in html
    # The form is there, open, with what was saved, so the base year can be fixed.
    assert re.search(r'<details class="ds-details cba-settings" open>', html)
    assert 'name="settings-base_year" value="2027"' in html
    assert 'id="result-table"' not in html
    # A full page load shows the same, never a 500.
    page = client.get(url(case))
    assert page.status_code == 200
    assert "The analysis cannot be computed" in text_of(page)
    # The export says why instead of failing.
    export = client.get(url(case, "export"))
    assert export.status_code == 302
    # And freezing is refused with the engine's message.
    response = client.post(url(case), {"action": "freeze", "freeze-note": "BP2"})
    assert response.status_code == 200
    assert "The analysis cannot be frozen" in text_of(response)
    assert not Snapshot.objects.exists()


def test_an_invalid_basis_keeps_what_was_typed_and_says_what_is_wrong(
    case, facilitator, client_for
):
    response = client_for(facilitator, language="en").post(
        url(case),
        {
            "action": "settings",
            "settings-base_year": "2026",
            "settings-parameter_set": "R-109:2021",
            "settings-iterations": "10",
            "settings-seed": "1",
        },
    )
    assert response.status_code == 200
    html = text_of(response)
    assert 'name="settings-iterations" value="10"' in html
    assert 'id="id_settings-iterations-error"' in html
    assert 'aria-invalid="true"' in html
    assert not AnalysisSettings.objects.exists()


# ---------------------------------------------------------------------------------------------
# Extra lines and alternatives, inline


def line_data(prefix: str = "line-add", **overrides: str) -> dict[str, str]:
    data = {
        "name": "Opplæring",
        "alternative": "",
        "kind": "cost",
        "category": "operation",
        "organisation": "",
        "group": "citizens",
        "public_budget": "",
        "first_year": "2026",
        "last_year": "2027",
        "low": "100000",
        "likely": "100000",
        "high": "100000",
        "real_growth": "",
        "distribution": "pert",
        "note": "",
        **overrides,
    }
    return {f"{prefix}-{k}": v for k, v in data.items()}


def test_an_extra_line_added_with_htmx_changes_the_numbers_at_once(case, owner, client_for):
    before = engine_nnv(case)
    client = client_for(owner, language="en")
    response = client.post(
        url(case),
        {"action": "line-add", **line_data()},
        headers={"HX-Request": "true", "HX-Target": "cost-benefit"},
    )
    assert response.status_code == 200
    html = text_of(response)
    assert html.lstrip().startswith('<div id="cost-benefit"')
    assert "The line was added." in html
    line = ExtraLine.objects.get()
    assert (line.initiative, line.group, line.likely) == (case, "citizens", 100_000)
    after = engine_nnv(case)
    assert after == pytest.approx(before - 100_000 - 100_000 / 1.04, abs=1)
    with translation.override("en"):
        assert row_cells(html, "nnv")[1] == money(after)
    # The partial carries the charts, which charts.js draws after the swap.
    assert 'data-chart="cba-tornado"' in html


def test_without_javascript_a_line_is_added_by_post_redirect_get(case, owner, client_for):
    response = client_for(owner, language="en").post(
        url(case), {"action": "line-add", **line_data()}
    )
    assert response.status_code == 302
    assert response["Location"] == url(case) + "#extra-lines"
    assert ExtraLine.objects.count() == 1


def test_a_refused_line_keeps_what_was_typed_with_errors_next_to_the_fields(
    case, owner, client_for
):
    data = line_data(name="Feil linje", category="efficiency", low="500", likely="100", high="900")
    response = client_for(owner, language="en").post(url(case), {"action": "line-add", **data})
    assert response.status_code == 200
    html = text_of(response)
    assert 'name="line-add-name" value="Feil linje"' in html
    assert 'id="id_line-add-category-error"' in html  # a cost cannot be an efficiency gain
    assert 'id="id_line-add-high-error"' in html  # low ≤ most likely ≤ high
    assert '<details class="ds-details cba-add" open>' in html
    assert not ExtraLine.objects.exists()


def test_both_an_organisation_and_a_group_is_refused(case, owner, client_for):
    data = line_data(organisation=str(case.owner_organisation_id), group="citizens")
    html = text_of(client_for(owner, language="en").post(url(case), {"action": "line-add", **data}))
    assert 'id="id_line-add-group-error"' in html
    assert not ExtraLine.objects.exists()


def test_a_line_is_edited_in_place_and_deleted(case, owner, client_for):
    line = services.line_create(
        ExtraLine(
            initiative=case,
            name="Opplæring",
            kind="cost",
            category="operation",
            group="citizens",
            first_year=2026,
            last_year=2026,
            low=10,
            likely=10,
            high=10,
        ),
        acting_user=owner,
    )
    client = client_for(owner, language="en")
    # Opening the form: with ?edit= (no JS) or the same via HTMX.
    html = text_of(client.get(url(case) + f"?edit=line-{line.pk}"))
    assert 'value="line-update"' in html
    assert 'name="line-edit-name" value="Opplæring"' in html and "autofocus" in html
    response = client.post(
        url(case),
        {
            "action": "line-update",
            "pk": str(line.pk),
            **line_data("line-edit", name="Kurs", likely="20", high="30", low="10"),
        },
        headers={"HX-Request": "true", "HX-Target": "cost-benefit"},
    )
    assert "The line was saved." in text_of(response)
    line.refresh_from_db()
    assert (line.name, line.likely, line.last_year) == ("Kurs", 20, 2027)
    # A refused edit stays open in place with what was typed.
    response = client.post(
        url(case),
        {"action": "line-update", "pk": str(line.pk), **line_data("line-edit", last_year="2020")},
    )
    html = text_of(response)
    assert 'id="id_line-edit-last_year-error"' in html
    assert 'name="line-edit-last_year" value="2020"' in html
    response = client.post(url(case), {"action": "line-delete", "pk": str(line.pk)})
    assert response.status_code == 302
    assert not ExtraLine.objects.exists()


def test_a_line_of_another_initiative_cannot_be_reached(case, programme, owner, client_for):
    other = InitiativeFactory(programme=programme, code="FI-2")
    stranger = ExtraLine.objects.create(
        initiative=other,
        name="X",
        kind="cost",
        category="other",
        group="citizens",
        first_year=2026,
        last_year=2026,
        low=1,
        likely=1,
        high=1,
    )
    response = client_for(owner).post(url(case), {"action": "line-delete", "pk": str(stranger.pk)})
    assert response.status_code == 404
    assert ExtraLine.objects.filter(pk=stranger.pk).exists()


def test_an_alternative_gets_its_own_column(case, owner, client_for):
    client = client_for(owner, language="en")
    client.post(
        url(case),
        {
            "action": "alternative-add",
            "alternative-add-name": "Manuell løsning",
            "alternative-add-description": "",
        },
    )
    alternative = ExtraAlternative.objects.get()
    client.post(
        url(case),
        {
            "action": "line-add",
            **line_data(
                alternative=str(alternative.pk),
                kind="benefit",
                category="external",
                likely="500000",
                high="500000",
                low="500000",
            ),
        },
    )
    result = compute(build_analysis(case))
    html = text_of(client.get(url(case)))
    header = re.search(r'id="result-table".*?<thead>(.*?)</thead>', html, re.S).group(1)
    assert header.index(ZERO) < header.index("FI-1") < header.index("Manuell løsning")
    with translation.override("en"):
        assert row_cells(html, "nnv") == [money(a.nnv) for a in result.alternatives]
    # A second alternative with the same name is refused next to the name.
    html = text_of(
        client.post(
            url(case), {"action": "alternative-add", "alternative-add-name": "Manuell løsning"}
        )
    )
    assert 'id="id_alternative-add-name-error"' in html
    assert ExtraAlternative.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Snapshots


def test_freezing_goes_to_the_snapshot_and_lists_it(case, owner, client_for):
    client = client_for(owner, language="en")
    nnv = engine_nnv(case)
    response = client.post(url(case), {"action": "freeze", "freeze-note": "Beslutningssak BP2"})
    assert response.status_code == 302
    assert response["Location"] == url(case, "snapshot", version=1)
    snapshot = Snapshot.objects.get()
    assert (snapshot.note, snapshot.created_by, snapshot.version) == (
        "Beslutningssak BP2",
        owner,
        1,
    )
    html = text_of(client.get(url(case)))
    listing = re.search(r'id="snapshot-table".*?</table>', html, re.S).group(0)
    assert "Beslutningssak BP2" in listing
    assert owner.display_name in listing
    assert "R-109:2021" in listing
    with translation.override("en"):
        assert money(nnv) in listing
    assert url(case, "snapshot", version=1) in listing


def test_a_snapshot_keeps_its_numbers_when_the_register_changes(case, owner, client_for):
    client = client_for(owner, language="en")
    old_nnv = engine_nnv(case)
    client.post(url(case), {"action": "freeze", "freeze-note": "BP2"})
    line = CostLine.objects.get(initiative=case)
    line.likely = 2_000_000
    line.high = 2_500_000
    line.save()
    services.line_create(
        ExtraAlternative(initiative=case, name="Senere alternativ"), acting_user=owner
    )
    new_nnv = engine_nnv(case)
    assert new_nnv < old_nnv
    snapshot_html = text_of(client.get(url(case, "snapshot", version=1)))
    live_html = text_of(client.get(url(case)))
    with translation.override("en"):
        assert row_cells(snapshot_html, "nnv") == ["0", money(old_nnv)]
        assert row_cells(live_html, "nnv")[1] == money(new_nnv)
    assert "Senere alternativ" not in snapshot_html
    assert "Senere alternativ" in live_html
    # The snapshot's charts and tornado come from the frozen inputs too.
    tornado = chart_specs(snapshot_html)["cba-tornado"]
    base = tornado["layer"][1]["data"]["values"][0]["value"]
    assert base == pytest.approx(old_nnv / 1e6, abs=1e-3)
    assert "BP2" in snapshot_html
    assert "A frozen snapshot" in snapshot_html


def test_a_snapshot_page_is_read_only_for_everyone(case, owner, viewer, client_for):
    services.snapshot_freeze(subject=case, note="BP2", acting_user=owner)
    html = text_of(client_for(viewer, language="en").get(url(case, "snapshot", version=1)))
    assert 'id="result-table"' in html
    assert '<form method="post" action="' + url(case) not in html
    assert client_for(viewer).post(url(case, "snapshot", version=1)).status_code == 405
