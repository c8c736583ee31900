"""The benefits realisation plan as data: where each krone lands (budget effect, freed
capacity, elsewhere in the public sector, outside it, non-priced), the initiative's share
applied and a shared benefit counted once for the programme, every field §5 asks for, kept
versions that do not move when the register does, the DOCX and the workbook, and a fixed
number of queries. Every figure below is worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from nytte.benefits import services
from nytte.benefits.models import Benefit, BenefitAmount, RealisationPlan
from nytte.benefits.plan import (
    BUDGET,
    CAPACITY,
    ELSEWHERE_PUBLIC,
    NON_PRICED,
    OUTSIDE,
    OUTSIDE_PUBLIC,
    OWN,
    PUBLIC,
    UNKNOWN,
    UNPLACED,
    attributed_amount,
    budget_effect,
    build_plan,
    own_agency_ids,
    plan_fraction,
    sector_of,
    split_amount,
    whole_kroner,
)
from nytte.benefits.plan.docx import render_docx
from nytte.benefits.plan.xlsx import render_xlsx
from nytte.benefits.plan.xlsx_book import Sheets
from nytte.core.actors import SYSTEM
from nytte.core.choices import OrganisationKind
from nytte.portfolio.models import InitiativeGoal
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

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 8, 1)


@pytest.fixture
def register(programme):
    """Two agencies, two initiatives and six benefits that exercise every rule.

    FI-1 is Skatteetaten's (SKE), FI-2 NAV's.
    G-1 efficiency in SKE, cut 25 %, 1 m (2026) and 2 m (2027) most likely; FI-1 60 %, FI-2 40 %.
    G-2 efficiency in NAV, cut 50 %, 300 000 (2026); FI-1 50 %.
    G-3 a gain for citizens, priced, 500 000 (2027); FI-1 100 %.
    G-4 a quality gain in SKE, not priced, +2; FI-1 100 %.
    G-5 efficiency in SKE, 200 000 (2026); FI-2 100 % (not in FI-1's plan).
    """
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    nav = OrganisationFactory(name="NAV", short_name="NAV")
    societal = GoalFactory(programme=programme, code="S1", title="Innkreving som bare skjer")
    impact = GoalFactory(
        programme=programme, code="E1", level="impact", parent=societal, title="Færre feil"
    )
    fi1 = InitiativeFactory(programme=programme, code="FI-1", owner_organisation=ske)
    fi2 = InitiativeFactory(programme=programme, code="FI-2", owner_organisation=nav)
    InitiativeGoal.objects.create(initiative=fi1, goal=impact)

    g1 = BenefitFactory(
        programme=programme,
        code="G-1",
        title="Færre manuelle krav",
        owner_organisation=ske,
        arises_in_organisation=ske,
        budget_cut_share=25,
        impact_goal=impact,
        preconditions="Ny saksflyt tas i bruk.",
    )
    ContributionFactory(benefit=g1, initiative=fi1, share=60)
    ContributionFactory(benefit=g1, initiative=fi2, share=40)
    BenefitAmountFactory(benefit=g1, year=2026, low=800_000, likely=1_000_000, high=1_200_000)
    BenefitAmountFactory(benefit=g1, year=2027, low=1_600_000, likely=2_000_000, high=2_400_000)
    indicator = IndicatorFactory(
        benefit=g1,
        name="Manuelle saker",
        unit="saker per måned",
        measuring_cost=20_000,
        baseline_value=1000,
        baseline_date=dt.date(2026, 1, 1),
    )
    TargetFactory(indicator=indicator, date=dt.date(2027, 1, 1), value=600)
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 7, 1), value=800)
    g1.risks.add(RiskFactory(initiative=fi1, title="Leverandør forsinket"))

    g2 = BenefitFactory(
        programme=programme,
        code="G-2",
        owner_organisation=nav,
        arises_in_organisation=nav,
        budget_cut_share=50,
    )
    ContributionFactory(benefit=g2, initiative=fi1, share=50)
    BenefitAmountFactory(benefit=g2, year=2026, low=300_000, likely=300_000, high=300_000)

    g3 = BenefitFactory(
        programme=programme,
        code="G-3",
        kind="others",
        owner_organisation=ske,
        arises_in_organisation=None,
        arises_in_group="citizens",
    )
    ContributionFactory(benefit=g3, initiative=fi1, share=100)
    BenefitAmountFactory(benefit=g3, year=2027, low=500_000, likely=500_000, high=500_000)

    g4 = BenefitFactory(
        programme=programme,
        code="G-4",
        kind="quality",
        priced=False,
        owner_organisation=ske,
        arises_in_organisation=ske,
        plus_minus=2,
        plus_minus_reasoning="Færre feil i vedtak.",
    )
    ContributionFactory(benefit=g4, initiative=fi1, share=100)

    g5 = BenefitFactory(
        programme=programme, code="G-5", owner_organisation=ske, arises_in_organisation=ske
    )
    ContributionFactory(benefit=g5, initiative=fi2, share=100)
    BenefitAmountFactory(benefit=g5, year=2026, low=200_000, likely=200_000, high=200_000)
    return {"ske": ske, "nav": nav, "fi1": fi1, "fi2": fi2, "g1": g1}


def _part(plan, key):
    return next((p for p in plan["overview"]["parts"] if p["key"] == key), None)


def _rows(plan, key):
    return {r["code"]: r["cells"] for r in _part(plan, key)["rows"]}


def _benefit(plan, code):
    return next(b for b in plan["benefits"] if b["code"] == code)


# The rules, one by one


def test_whole_kroner_rounds_halves_up_and_shares_are_applied():
    assert whole_kroner(Decimal("2.5")) == 3
    assert whole_kroner(Decimal("2.4999")) == 2
    # 33.33 % of 100 kroner is 33.33 kroner, counted as 33.
    assert attributed_amount(100, Decimal("0.3333")) == 33
    # 60 % of 1 000 000 is 600 000.
    assert attributed_amount(1_000_000, Decimal("0.6")) == 600_000
    # 25 % of 600 000 is 150 000; 50 % of 5 is 2.5, rounded to 3.
    assert budget_effect(600_000, Decimal(25)) == 150_000
    assert budget_effect(5, 50) == 3


def test_split_puts_each_krone_in_exactly_one_part():
    own = split_amount(
        600_000, sector=OWN, kind="efficiency", priced=True, budget_cut_share=Decimal(25)
    )
    assert own == {BUDGET: 150_000, CAPACITY: 450_000}
    # An odd krone: 25 % of 7 is 1.75, cut 2; the other 5 are freed capacity, 7 in all.
    assert split_amount(7, sector=OWN, kind="efficiency", priced=True, budget_cut_share=25) == {
        BUDGET: 2,
        CAPACITY: 5,
    }
    assert split_amount(
        9, sector=ELSEWHERE_PUBLIC, kind="efficiency", priced=True, budget_cut_share=50
    ) == {PUBLIC: 9}
    assert split_amount(
        9, sector=OUTSIDE_PUBLIC, kind="others", priced=True, budget_cut_share=0
    ) == {OUTSIDE: 9}
    assert split_amount(9, sector=OWN, kind="quality", priced=False, budget_cut_share=0) == {}
    # What the rules cannot place is shown as such, never guessed.
    assert split_amount(9, sector=UNKNOWN, kind="efficiency", priced=True, budget_cut_share=0) == {
        UNPLACED: 9
    }
    assert split_amount(9, sector=OWN, kind="others", priced=True, budget_cut_share=0) == {
        UNPLACED: 9
    }


def test_where_a_benefit_arises_seen_from_the_own_agency(programme):
    ske = OrganisationFactory()
    bank = OrganisationFactory(kind=OrganisationKind.PRIVATE)
    kommune = OrganisationFactory(kind=OrganisationKind.MUNICIPALITY)
    own = {ske.pk}
    assert sector_of(BenefitFactory.build(arises_in_organisation=ske), own) == OWN
    assert sector_of(BenefitFactory.build(arises_in_organisation=kommune), own) == (
        ELSEWHERE_PUBLIC
    )
    assert sector_of(BenefitFactory.build(arises_in_organisation=bank), own) == OUTSIDE_PUBLIC
    for group, sector in [
        ("municipalities", ELSEWHERE_PUBLIC),
        ("citizens", OUTSIDE_PUBLIC),
        ("businesses", OUTSIDE_PUBLIC),
        ("private_sector", OUTSIDE_PUBLIC),
    ]:
        benefit = BenefitFactory.build(arises_in_organisation=None, arises_in_group=group)
        assert sector_of(benefit, own) == sector, group
    nowhere = BenefitFactory.build(arises_in_organisation=None, arises_in_group="")
    assert sector_of(nowhere, own) == UNKNOWN


def test_own_agency_and_fraction_for_initiative_and_programme(register):
    g1 = Benefit.objects.prefetch_related("contributions__initiative").get(pk=register["g1"].pk)
    fi1, fi2 = register["fi1"], register["fi2"]
    assert own_agency_ids(g1, fi1) == {register["ske"].pk}
    assert own_agency_ids(g1, fi2) == {register["nav"].pk}
    assert own_agency_ids(g1, None) == {register["ske"].pk, register["nav"].pk}
    assert plan_fraction(g1, fi1) == Decimal("0.6")
    assert plan_fraction(g1, fi2) == Decimal("0.4")
    assert plan_fraction(g1, None) == 1


# The initiative's plan


def test_initiative_plan_splits_the_overview_with_the_initiative_share(register, programme):
    plan = build_plan(user=SYSTEM, programme=programme, initiative=register["fi1"], today=TODAY)
    assert plan["scope"] == "initiative"
    assert plan["years"] == [2026, 2027]
    assert [b["code"] for b in plan["benefits"]] == ["G-1", "G-2", "G-3", "G-4"]
    # G-1: 60 % of 1 m and 2 m = 600 000 and 1 200 000 in SKE, FI-1's own agency;
    # 25 % cut = 150 000 and 300 000, the rest 450 000 and 900 000 freed capacity.
    assert _rows(plan, BUDGET) == {"G-1": [150_000, 300_000]}
    assert _rows(plan, CAPACITY) == {"G-1": [450_000, 900_000]}
    # G-2 arises in NAV, not FI-1's agency: 50 % of 300 000 elsewhere in the public sector.
    assert _rows(plan, PUBLIC) == {"G-2": [150_000, 0]}
    # G-3 is for citizens: outside the public sector, 100 % of 500 000 in 2027.
    assert _rows(plan, OUTSIDE) == {"G-3": [0, 500_000]}
    assert [r["code"] for r in _part(plan, NON_PRICED)["rows"]] == ["G-4"]
    assert _part(plan, UNPLACED) is None
    assert _part(plan, BUDGET)["total"] == 450_000
    assert _part(plan, CAPACITY)["total"] == 1_350_000
    # 600 000 + 1 200 000 + 150 000 + 500 000: the whole of what FI-1 is attributed.
    assert plan["overview"]["year_totals"] == [750_000, 1_700_000]
    assert plan["overview"]["total"] == 2_450_000

    g1 = _benefit(plan, "G-1")
    assert g1["share"] == 60.0
    assert g1["own_agencies"] == ["Skatteetaten"]
    assert g1["parts"] == [BUDGET, CAPACITY]
    assert [(r["year"], r["low"], r["likely"], r["high"]) for r in g1["profile"]] == [
        (2026, 480_000, 600_000, 720_000),
        (2027, 960_000, 1_200_000, 1_440_000),
    ]
    assert g1["total"] == {
        "low": 1_440_000,
        "likely": 1_800_000,
        "high": 2_160_000,
        "budget_effect": 450_000,
        "freed_capacity": 1_350_000,
    }
    assert g1["budget_cut_share"] == 25.0
    assert [(c["initiative"], c["share"]) for c in g1["contributions"]] == [
        ("FI-1", 60.0),
        ("FI-2", 40.0),
    ]


def test_the_plan_holds_every_field_section_5_asks_for(register, programme):
    plan = build_plan(user=SYSTEM, programme=programme, initiative=register["fi1"], today=TODAY)
    g1 = _benefit(plan, "G-1")
    assert g1["kind"] == "efficiency" and g1["priced"] is True
    assert g1["arises_in_organisation"] == "Skatteetaten"
    assert g1["owner_organisation"] == "Skatteetaten"
    assert g1["preconditions"] == "Ny saksflyt tas i bruk."
    assert g1["impact_goal"]["code"] == "E1"
    assert g1["societal_goal"]["code"] == "S1"
    assert g1["status"] == "planned"
    assert [r["title"] for r in g1["risks"]] == ["Leverandør forsinket"]
    [indicator] = g1["indicators"]
    assert indicator["unit"] == "saker per måned"
    assert indicator["method"] and indicator["data_source"]
    assert indicator["measuring_cost"] == 20_000
    assert (indicator["baseline_value"], indicator["baseline_date"]) == (1000.0, "2026-01-01")
    assert indicator["targets"] == [{"date": "2027-01-01", "value": 600.0}]
    assert [(m["date"], m["value"]) for m in indicator["measurements"]] == [("2026-07-01", 800.0)]
    # From 1000 towards 600, measured 800: half the way, 50 %. The plan on 1 July (181 of
    # 365 days) is at 49.6 %, so the benefit is not behind; next due one quarter later.
    progress = indicator["progress"]
    assert progress["realised_percent"] == 50.0
    assert progress["planned_percent"] == 49.6
    assert progress["behind"] is False
    assert progress["next_due"] == "2026-10-01"
    assert g1["realised_percent"] == 50.0

    g4 = _benefit(plan, "G-4")
    assert (g4["priced"], g4["plus_minus"], g4["profile"]) == (False, 2, [])

    # Owners and what they answer for: SKE answers for G-1, G-3, G-4 (1 800 000 + 500 000).
    ske = next(o for o in plan["owners"] if o["organisation"] == "Skatteetaten")
    assert [b["code"] for b in ske["benefits"]] == ["G-1", "G-3", "G-4"]
    assert (ske["likely"], ske["budget_effect"]) == (2_300_000, 450_000)
    # Measures and follow-up: preconditions and the linked risk, the risk once.
    followup = {r["code"]: r for r in plan["followup"]["rows"]}
    assert followup["G-1"]["preconditions"] == "Ny saksflyt tas i bruk."
    assert followup["G-1"]["risks"] == ["FI-1: Leverandør forsinket"]
    assert [(r["title"], r["benefits"]) for r in plan["followup"]["risks"]] == [
        ("Leverandør forsinket", ["G-1"])
    ]
    # The benefits map, benefit → impact goal → societal goal.
    first = plan["benefits_map"][0]
    assert (first["code"], first["impact_goal"]["code"], first["societal_goal"]["code"]) == (
        "G-1",
        "E1",
        "S1",
    )
    assert first["initiatives"] == ["FI-1", "FI-2"]
    # The initiative's goals and description (its justification).
    assert plan["initiative"]["code"] == "FI-1"
    assert [g["code"] for g in plan["initiative"]["goals"]] == ["E1"]
    assert plan["initiative"]["goals"][0]["parent"]["code"] == "S1"
    assert [(g["code"], g["parent"]["code"], g["benefits"]) for g in plan["benefit_goals"]] == [
        ("E1", "S1", ["G-1"])
    ]
    # Only plain JSON: it survives a round trip unchanged.
    assert json.loads(json.dumps(plan)) == plan


def test_a_benefit_arising_elsewhere_for_one_initiative_is_own_for_the_other(register, programme):
    # G-1 arises in SKE: for NAV's FI-2 it lies elsewhere in the public sector, at 40 %.
    plan = build_plan(user=SYSTEM, programme=programme, initiative=register["fi2"], today=TODAY)
    assert _rows(plan, PUBLIC) == {"G-1": [400_000, 800_000], "G-5": [200_000, 0]}
    assert _rows(plan, BUDGET) == {}


def test_a_priced_gain_for_others_in_the_own_agency_is_not_guessed(register, programme):
    odd = BenefitFactory(
        programme=programme, code="G-9", kind="others", arises_in_organisation=register["ske"]
    )
    ContributionFactory(benefit=odd, initiative=register["fi1"], share=10)
    BenefitAmountFactory(benefit=odd, year=2026, low=100, likely=100, high=100)
    plan = build_plan(user=SYSTEM, programme=programme, initiative=register["fi1"], today=TODAY)
    assert _rows(plan, UNPLACED) == {"G-9": [10, 0]}
    assert _part(plan, UNPLACED)["rows"][0]["reason"] == "others_in_own"
    # It still counts in the total, once: 2 450 000 + 10.
    assert plan["overview"]["total"] == 2_450_010


# The programme's plan


def test_the_programme_plan_counts_a_shared_benefit_once(register, programme):
    plan = build_plan(user=SYSTEM, programme=programme, today=TODAY)
    assert plan["scope"] == "programme"
    # G-1's own agencies are SKE and NAV (both contribute) and it arises in SKE: all of
    # 1 m and 2 m, once, cut 25 %: 250 000 and 500 000; freed 750 000 and 1 500 000.
    assert _rows(plan, BUDGET) == {"G-1": [250_000, 500_000]}
    assert _rows(plan, CAPACITY) == {"G-1": [750_000, 1_500_000]}
    # G-2 arises in NAV but only SKE's FI-1 contributes; G-5 arises in SKE but only NAV's
    # FI-2 contributes: both elsewhere in the public sector, at their full amounts.
    assert _rows(plan, PUBLIC) == {"G-2": [300_000, 0], "G-5": [200_000, 0]}
    assert _rows(plan, OUTSIDE) == {"G-3": [0, 500_000]}
    # 3 m + 300 000 + 500 000 + 200 000: never 3 m counted twice for G-1's two initiatives.
    assert plan["overview"]["total"] == 4_000_000
    assert _benefit(plan, "G-1")["share"] == 100.0
    assert _benefit(plan, "G-1")["own_agencies"] == ["NAV", "Skatteetaten"]
    # The initiatives (main products) with what each is attributed: FI-1 1 800 000 +
    # 150 000 + 500 000; FI-2 1 200 000 + 200 000.
    initiatives = {i["code"]: i for i in plan["initiatives"]}
    assert initiatives["FI-1"]["attributed_likely"] == 2_450_000
    assert initiatives["FI-2"]["attributed_likely"] == 1_400_000
    assert initiatives["FI-1"]["benefits"] == ["G-1", "G-2", "G-3", "G-4"]
    # The other half of G-2 is no initiative's: 4 000 000 − 2 450 000 − 1 400 000 = 150 000.
    assert plan["unattributed_likely"] == 150_000
    assert _benefit(plan, "G-2")["unattributed_share"] == 50.0
    assert [g["code"] for g in plan["goal_tree"]] == ["S1"]
    assert [g["code"] for g in plan["goal_tree"][0]["children"]] == ["E1"]
    assert plan["programme"]["vision"] == programme.vision
    assert json.loads(json.dumps(plan)) == plan


# Versions


def test_saved_versions_keep_their_figures_when_the_register_changes(
    register, programme, facilitator
):
    fi1 = register["fi1"]
    first = services.realisation_plan_save(
        programme=programme, initiative=fi1, note="Ved BP2", acting_user=facilitator
    )
    line = BenefitAmount.objects.get(benefit=register["g1"], year=2026)
    services.amount_update(
        amount=line,
        data={"low": 2_000_000, "likely": 3_000_000, "high": 4_000_000},
        acting_user=SYSTEM,
    )
    second = services.realisation_plan_save(programme=programme, initiative=fi1, acting_user=SYSTEM)
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    # v1 still says 60 % of 1 m; v2 says 60 % of 3 m: each benefit kept in a row of its own,
    # the totals in the version's summary.
    assert first.benefit_rows.get(code="G-1").content["profile"][0]["likely"] == 600_000
    assert second.benefit_rows.get(code="G-1").content["profile"][0]["likely"] == 1_800_000
    assert second.content["overview"]["total"] - first.content["overview"]["total"] == 1_200_000
    assert "benefits" not in first.content
    assert first.content["codes"] == list(first.benefit_rows.values_list("code", flat=True))
    assert RealisationPlan.objects.filter(programme=programme, initiative=fi1).count() == 2
    # The programme's own plan numbers its versions separately.
    whole = services.realisation_plan_save(programme=programme, acting_user=facilitator)
    assert whole.version == 1 and whole.initiative is None


# Documents


def _docx_text(data: bytes) -> tuple[list[tuple[str, str]], str]:
    document = Document(io.BytesIO(data))
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    body = "\n".join([p.text for p in document.paragraphs] + cells)
    return headings, body


def test_the_docx_opens_with_headings_and_the_figures(register, programme, english):
    plan = build_plan(user=SYSTEM, programme=programme, initiative=register["fi1"], today=TODAY)
    headings, body = _docx_text(render_docx(plan))
    names = [text for _style, text in headings]
    assert headings[0][0] == "Title"
    for expected in [
        "Justification",
        "Goals and main products",
        "Benefit owners and what they answer for",
        "Benefit overview",
        "Measures and follow-up, with risk",
        "The benefits one by one",
        "Benefits map",
    ]:
        assert any(name.endswith(expected) for name in names), expected
    assert ("Heading 2", "G-1 Færre manuelle krav") in headings
    assert any("Budget effect in own agency" in name for name in names)
    # Figures as written in English: 150,000 budget effect, 1,800,000 in all for G-1.
    assert "150,000" in body and "1,800,000" in body and "2,450,000" in body
    assert "Manuelle saker" in body and "saker per måned" in body


def test_the_workbook_opens_with_a_sheet_per_part_and_the_figures(register, programme, english):
    plan = build_plan(user=SYSTEM, programme=programme, initiative=register["fi1"], today=TODAY)
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(plan)))
    assert len(workbook.sheetnames) >= 7
    overview = workbook["Benefit overview"]
    rows = [list(r) for r in overview.iter_rows(values_only=True)]
    g1_budget = next(r for r in rows if r[1] == "G-1" and r[0] and "Budget" in r[0])
    assert 150_000 in g1_budget and 300_000 in g1_budget
    assert any(2_450_000 in r for r in rows)
    profile = [list(r) for r in workbook["Yearly profile"].iter_rows(values_only=True)]
    assert any(r[0] == "G-1" and 2026 in r and 600_000 in r for r in profile)
    measured = [list(r) for r in workbook["Measurements"].iter_rows(values_only=True)]
    assert any("Manuelle saker" in r and 800 in r for r in measured)


def test_sheet_names_excel_cannot_take_are_cut_and_made_unique():
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheets = Sheets(workbook)
    long = "Gevinster/oversikt: " + "x" * 40
    names = [sheets.sheet(long, [10]).get_name(), sheets.sheet(long, [10]).get_name()]
    workbook.close()
    assert names[0] == "Gevinster oversikt  " + "x" * 11
    assert names[1].endswith(" (2)") and len(names[1]) == 31
    assert openpyxl.load_workbook(out).sheetnames == names


# Queries


def _bulk(programme, initiative, n: int) -> None:
    organisation = initiative.owner_organisation
    for k in range(n):
        benefit = BenefitFactory(
            programme=programme, owner_organisation=organisation, budget_cut_share=10
        )
        ContributionFactory(benefit=benefit, initiative=initiative, share=50)
        BenefitAmountFactory(benefit=benefit, year=2026 + k % 3)
        indicator = IndicatorFactory(benefit=benefit)
        TargetFactory(indicator=indicator)
        MeasurementFactory(indicator=indicator)
        benefit.risks.add(RiskFactory(initiative=initiative))


@pytest.mark.parametrize("scope", ["initiative", "programme"])
def test_building_a_plan_takes_the_same_queries_for_3_and_30_benefits(programme, scope):
    counts = []
    for n in (3, 30):
        initiative = InitiativeFactory(programme=programme)
        _bulk(programme, initiative, n)
        with CaptureQueriesContext(connection) as queries:
            build_plan(
                user=SYSTEM,
                programme=programme,
                initiative=initiative if scope == "initiative" else None,
                today=TODAY,
            )
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 10


def test_lines_read_along_as_json_keep_their_order_and_digits(programme):
    """Amounts, targets, measurements, participants and goals come with their parents' rows
    (core.jsonrows): in the order and with the values the register has, whatever order they
    were written in."""
    organisation = OrganisationFactory()
    initiative = InitiativeFactory(programme=programme, owner_organisation=organisation)
    initiative.participants.add(
        OrganisationFactory(name="Østre"),
        OrganisationFactory(name="Aa"),
        OrganisationFactory(name="b"),
    )
    parent = GoalFactory(programme=programme, code="S1")
    for code in ("E-10", "E-2", "E-1"):
        goal = GoalFactory(programme=programme, code=code, parent=parent)
        InitiativeGoal.objects.create(
            initiative=initiative, goal=goal, contribution=Decimal("1.25")
        )
    benefit = BenefitFactory(programme=programme, owner_organisation=organisation)
    ContributionFactory(benefit=benefit, initiative=initiative, share=100)
    for year in (2029, 2027, 2028):
        BenefitAmountFactory(benefit=benefit, year=year, low=0, likely=year * 1000, high=10**7)
    indicator = IndicatorFactory(benefit=benefit)
    for day, value in ((dt.date(2028, 1, 1), "2.5000"), (dt.date(2027, 1, 1), "1234567.1234")):
        TargetFactory(indicator=indicator, date=day, value=Decimal(value))
        MeasurementFactory(indicator=indicator, date=day, value=Decimal(value), comment=value)

    plan = build_plan(user=SYSTEM, programme=programme, initiative=initiative, today=TODAY)

    names = list(initiative.participants.order_by("name").values_list("name", flat=True))
    assert plan["initiative"]["participants"] == names
    assert [g["code"] for g in plan["initiative"]["goals"]] == ["E-1", "E-2", "E-10"]
    assert plan["initiative"]["goals"][0]["parent"]["code"] == "S1"
    assert plan["initiative"]["goals"][0]["contribution"] == 1.25
    (line,) = plan["benefits"]
    assert [(r["year"], r["whole_likely"]) for r in line["profile"]] == [
        (2027, 2_027_000),
        (2028, 2_028_000),
        (2029, 2_029_000),
    ]
    (shown,) = line["indicators"]
    expected = [{"date": "2027-01-01", "value": 1234567.1234}, {"date": "2028-01-01", "value": 2.5}]
    assert shown["targets"] == expected
    assert [(m["date"], m["value"], m["comment"]) for m in shown["measurements"]] == [
        (e["date"], e["value"], c)
        for e, c in zip(expected, ("1234567.1234", "2.5000"), strict=True)
    ]
    assert shown["progress"]["latest_date"] == "2028-01-01"
