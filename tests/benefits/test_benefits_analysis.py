"""The arithmetic behind the benefits analysis pages, checked by hand: present values, the
allocation of benefits to the organisations that pay, the map's groups and layout, and what
the follow-up dashboard picks out."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from nytte.benefits import analysis
from nytte.benefits.analysis import UNTIED, PricedBenefit, allocate, flow_cells
from nytte.benefits.analysis import charts as analysis_charts
from nytte.core.actors import SYSTEM
from nytte.economics import get_parameter_set
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    CostLineFactory,
    GoalFactory,
    IndicatorFactory,
    InitiativeFactory,
    MeasurementFactory,
    OrganisationFactory,
    TargetFactory,
    UserFactory,
)

R109 = get_parameter_set("R-109:2021")


# ---------------------------------------------------------------------------------------------
# Present values


def test_years_before_the_base_year_count_in_full():
    assert analysis.year_factor(2020, 2026, R109) == 1.0
    assert analysis.year_factor(2026, 2026, R109) == 1.0
    assert analysis.year_factor(2027, 2026, R109) == pytest.approx(1 / 1.04)
    assert analysis.year_factor(2028, 2026, R109) == pytest.approx(1 / 1.04**2)


def test_present_value_is_the_discounted_sum():
    # 100 in 2025 (before the base year: ×1) + 100 in 2026 (×1) + 104 in 2027 (×1/1.04 = 100)
    # + 108.16 in 2028 (×1/1.04² = 100) = 400.
    amounts = [(2025, 100), (2026, 100), (2027, 104), (2028, 108.16)]
    assert analysis.present_value(amounts, base=2026, params=R109) == pytest.approx(400)


def test_base_year_is_the_programme_start_or_this_year(programme):
    assert analysis.base_year(programme, dt.date(2031, 5, 1)) == 2031
    programme.start_year = 2026
    assert analysis.base_year(programme, dt.date(2031, 5, 1)) == 2026


# ---------------------------------------------------------------------------------------------
# Allocation (pure)

SKE, NAV = "org-1", "org-2"


def test_allocate_splits_by_share_then_by_payers_cost():
    # Initiative 1 is paid 60/40 by SKE and NAV; initiative 2 has no costs.
    costs = {1: {SKE: 600.0, NAV: 400.0}}
    # A benefit worth 1,000 attributed 50 % to each: 500 → SKE 300, NAV 200; 500 untied.
    result = allocate(1000.0, {1: 0.5, 2: 0.5}, costs)
    assert result == pytest.approx({SKE: 300.0, NAV: 200.0, UNTIED: 500.0})
    assert sum(result.values()) == pytest.approx(1000.0)


def test_allocate_puts_the_unattributed_rest_in_the_untied_row():
    # 30 % attributed to initiative 1 (paid by SKE alone): 300 to SKE, the other 700 untied.
    result = allocate(1000.0, {1: 0.3}, {1: {SKE: 5.0}})
    assert result == pytest.approx({SKE: 300.0, UNTIED: 700.0})
    assert allocate(1000.0, {}, {}) == pytest.approx({UNTIED: 1000.0})


def test_allocate_for_one_initiative_keeps_only_its_part():
    # Only initiative 2's 50 %: paid by NAV alone, so NAV gets 500; nothing else counts.
    costs = {1: {SKE: 600.0, NAV: 400.0}, 2: {NAV: 1.0}}
    assert allocate(1000.0, {1: 0.5, 2: 0.5}, costs, only={2}) == pytest.approx({NAV: 500.0})


def test_a_benefit_shared_by_two_initiatives_counts_once():
    # Both initiatives are paid by SKE alone: SKE gets 50 % + 50 % = the benefit once.
    costs = {1: {SKE: 10.0}, 2: {SKE: 99.0}}
    cells = flow_cells([PricedBenefit("group-citizens", 1000.0, {1: 0.5, 2: 0.5})], costs)
    assert cells == pytest.approx({(SKE, "group-citizens"): 1000.0})


# ---------------------------------------------------------------------------------------------
# The matrix from the database, computed by hand


@pytest.fixture
def money(programme):
    """Two payers 60/40 on initiative A; B has no costs; X is shared 50/50 by A and B."""
    programme.start_year = 2026
    programme.save()
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    nav = OrganisationFactory(name="Arbeids- og velferdsetaten", short_name="NAV")
    brreg = OrganisationFactory(name="Brønnøysundregistrene", short_name="BRREG")
    a = InitiativeFactory(programme=programme, code="A", owner_organisation=ske)
    b = InitiativeFactory(programme=programme, code="B", owner_organisation=nav)

    def cost(org, year, likely):
        CostLineFactory(
            initiative=a, organisation=org, year=year, low=likely, likely=likely, high=likely
        )

    # SKE pays 300,000 in 2026 (×1) and 312,000 in 2027 (×1/1.04 = 300,000): 600,000.
    cost(ske, 2026, 300_000)
    cost(ske, 2027, 312_000)
    # NAV pays 400,000 in 2025, before the base year (×1): 400,000. So A is paid 60/40.
    cost(nav, 2025, 400_000)

    def benefit(code, *, years, shares, **fields):
        item = BenefitFactory(programme=programme, code=code, **fields)
        for year, likely in years:
            BenefitAmountFactory(benefit=item, year=year, low=likely, likely=likely, high=likely)
        for initiative, share in shares:
            ContributionFactory(benefit=item, initiative=initiative, share=share)
        return item

    # X arises among citizens: 1,040,000 in 2027 (×1/1.04) = PV 1,000,000; A 50 %, B 50 %.
    x = benefit(
        "X",
        years=[(2027, 1_040_000)],
        shares=[(a, 50), (b, 50)],
        owner_organisation=nav,
        arises_in_organisation=None,
        arises_in_group="citizens",
    )
    # Y arises in BRREG: 100,000 in 2025 (×1) + 100,000 in 2026 (×1) = PV 200,000; A 60 %.
    y = benefit(
        "Y",
        years=[(2025, 100_000), (2026, 100_000)],
        shares=[(a, 60)],
        owner_organisation=brreg,
    )
    # Z is a quality gain: never priced, so never in the money picture.
    z = benefit(
        "Z", years=[], shares=[(a, 100)], kind="quality", priced=False, owner_organisation=ske
    )
    return {"ske": ske, "nav": nav, "brreg": brreg, "a": a, "b": b, "x": x, "y": y, "z": z}


def _cells(flows) -> dict[tuple[str, str], float]:
    return {k: v for k, v in flows.cells.items() if v}


def test_matrix_by_hand(programme, money):
    flows = analysis.flows(user=SYSTEM, programme=programme)
    ske = f"org-{money['ske'].pk}"
    nav = f"org-{money['nav'].pk}"
    brreg = f"org-{money['brreg'].pk}"
    assert flows.base_year == 2026
    assert _cells(flows) == pytest.approx(
        {
            # X: A's 500,000 split 60/40 → SKE 300,000, NAV 200,000; B's 500,000 untied.
            (ske, "group-citizens"): 300_000,
            (nav, "group-citizens"): 200_000,
            (UNTIED, "group-citizens"): 500_000,
            # Y: A's 60 % = 120,000 split 60/40 → 72,000 and 48,000; the other 40 % untied.
            (ske, brreg): 72_000,
            (nav, brreg): 48_000,
            (UNTIED, brreg): 80_000,
        }
    )
    # Sum of cells = PV of the priced benefits, 1,000,000 + 200,000; Z is not in it.
    assert sum(flows.cells.values()) == pytest.approx(1_200_000)
    assert flows.total == pytest.approx(1_200_000)
    columns = {c.key: c.total for c in flows.columns}
    assert columns == pytest.approx({brreg: 200_000, "group-citizens": 1_000_000})
    rows = {r.key: (r.total, r.cost_pv) for r in flows.rows}
    assert rows[ske] == pytest.approx((372_000, 600_000))
    assert rows[nav] == pytest.approx((248_000, 400_000))
    assert rows[UNTIED][0] == pytest.approx(580_000)
    assert rows[UNTIED][1] is None
    assert [r.key for r in flows.rows][-1] == UNTIED  # the untied row comes last
    assert flows.cost_total == pytest.approx(1_000_000)
    assert [b.code for b in flows.unpriced] == ["Z"]
    assert {b.code: b.pv for b in flows.priced} == pytest.approx({"X": 1e6, "Y": 2e5})


def test_matrix_for_one_initiative(programme, money):
    flows = analysis.flows(user=SYSTEM, programme=programme, initiative=money["b"].pk)
    # B has no costs: its 50 % of X (500,000) is untied; Y and Z have nothing from B.
    assert _cells(flows) == pytest.approx({(UNTIED, "group-citizens"): 500_000})
    assert [b.code for b in flows.priced] == ["X"]
    assert flows.unpriced == []


def test_matrix_for_one_organisation(programme, money):
    nav = f"org-{money['nav'].pk}"
    flows = analysis.flows(user=SYSTEM, programme=programme, organisation=money["nav"].pk)
    # Only what NAV pays for; nothing arises in NAV.
    assert _cells(flows) == pytest.approx(
        {(nav, "group-citizens"): 200_000, (nav, f"org-{money['brreg'].pk}"): 48_000}
    )
    brreg = analysis.flows(user=SYSTEM, programme=programme, organisation=money["brreg"].pk)
    # BRREG pays nothing, but Y arises there: every flow into BRREG, 200,000 in all.
    assert brreg.total == pytest.approx(200_000)
    assert [b.code for b in brreg.priced] == ["Y"]


def test_a_benefit_without_a_place_has_a_column_of_its_own(programme, english):
    benefit = BenefitFactory(programme=programme, arises_in_organisation=None, arises_in_group="")
    BenefitAmountFactory(benefit=benefit, year=2020, low=0, likely=700, high=900)
    flows = analysis.flows(user=SYSTEM, programme=programme, today=dt.date(2026, 1, 1))
    assert [(c.key, c.label, c.total) for c in flows.columns] == [
        ("unknown", "Place not recorded", pytest.approx(700))
    ]
    assert flows.cells == pytest.approx({(UNTIED, "unknown"): 700})


def test_a_priced_benefit_shared_by_two_paid_initiatives_counts_once(programme):
    ske = OrganisationFactory()
    first, second = (InitiativeFactory(programme=programme, owner_organisation=ske) for _ in "12")
    for initiative in (first, second):
        CostLineFactory(initiative=initiative, organisation=ske)
    benefit = BenefitFactory(programme=programme)
    BenefitAmountFactory(benefit=benefit, year=2020, low=0, likely=1_000_000, high=2_000_000)
    ContributionFactory(benefit=benefit, initiative=first, share=50)
    ContributionFactory(benefit=benefit, initiative=second, share=50)
    flows = analysis.flows(user=SYSTEM, programme=programme, today=dt.date(2026, 1, 1))
    # 2020 is before the base year (2026), so the PV is 1,000,000, counted once, all to SKE.
    assert flows.total == pytest.approx(1_000_000)
    assert [(r.key, r.total) for r in flows.rows] == [(f"org-{ske.pk}", pytest.approx(1e6))]


# ---------------------------------------------------------------------------------------------
# The benefits map


@pytest.fixture
def goals(programme):
    societal = GoalFactory(programme=programme, code="S1")
    first = GoalFactory(programme=programme, code="E1", level="impact", parent=societal)
    second = GoalFactory(programme=programme, code="E2", level="impact", parent=societal)
    return societal, first, second


def test_map_groups_benefits_by_goal_and_keeps_loose_ends(programme, goals):
    societal, first, second = goals
    ske, nav = OrganisationFactory(), OrganisationFactory()
    linked = BenefitFactory(programme=programme, code="B1", impact_goal=first)
    loose = BenefitFactory(programme=programme, code="B2", impact_goal=None)
    busy = InitiativeFactory(programme=programme, code="I1", owner_organisation=ske)
    idle = InitiativeFactory(programme=programme, code="I2", owner_organisation=nav)
    ContributionFactory(benefit=linked, initiative=busy, share=40)
    ContributionFactory(benefit=loose, initiative=busy, share=100)

    data = analysis.benefits_map(user=SYSTEM, programme=programme)
    assert [b.goal for b in data.branches] == [societal]
    assert [(i.goal, i.benefits) for i in data.branches[0].impacts] == [
        (first, [linked]),
        (second, []),  # an impact goal no benefit serves yet is still shown
    ]
    assert data.unlinked == [loose]
    assert data.idle == [idle]
    assert (data.benefit_count, data.initiative_count) == (2, 2)


def test_map_for_one_organisation(programme, goals):
    _societal, first, second = goals
    ske, nav, other = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    arising = BenefitFactory(
        programme=programme, impact_goal=first, owner_organisation=other, arises_in_organisation=nav
    )
    owned = BenefitFactory(programme=programme, impact_goal=None, owner_organisation=nav)
    via_initiative = BenefitFactory(programme=programme, impact_goal=second, owner_organisation=ske)
    unrelated = BenefitFactory(programme=programme, impact_goal=second, owner_organisation=ske)
    navs = InitiativeFactory(programme=programme, owner_organisation=nav)
    skes = InitiativeFactory(programme=programme, owner_organisation=ske)
    navs_idle = InitiativeFactory(programme=programme, owner_organisation=nav)
    ContributionFactory(benefit=arising, initiative=skes, share=100)
    ContributionFactory(benefit=via_initiative, initiative=navs, share=100)
    ContributionFactory(benefit=unrelated, initiative=skes, share=100)

    data = analysis.benefits_map(user=SYSTEM, programme=programme, organisation=nav.pk)
    shown = {b.pk for impact in data.impact_branches for b in impact.benefits}
    assert shown == {arising.pk, via_initiative.pk}
    assert data.unlinked == [owned]
    assert unrelated.pk not in shown
    # SKE's initiative stays: it is on the path to a benefit arising in NAV.
    assert data.initiative_count == 3
    assert data.idle == [navs_idle]


def test_map_layout_draws_every_box_and_link_without_overlap(programme, goals):
    _societal, first, second = goals
    initiatives = [InitiativeFactory(programme=programme) for _ in range(3)]
    benefits = [
        BenefitFactory(programme=programme, impact_goal=goal) for goal in (first, second, None)
    ]
    for benefit, initiative in zip(benefits, initiatives, strict=True):
        ContributionFactory(benefit=benefit, initiative=initiative, share=50)
    ContributionFactory(benefit=benefits[0], initiative=initiatives[1], share=25)
    idle = InitiativeFactory(programme=programme)

    layout = analysis_charts.map_layout(
        analysis.benefits_map(user=SYSTEM, programme=programme), slug=programme.slug
    )
    nodes = {n["key"]: n for n in layout["nodes"]}
    assert set(nodes) == (
        {f"i-{i.pk}" for i in [*initiatives, idle]}
        | {f"b-{b.pk}" for b in benefits}
        | {f"g-{g.pk}" for g in goals}
        | {"g-none"}
    )
    assert nodes[f"i-{idle.pk}"]["kind"] == "idle"
    edges = {(e["source"], e["target"]): e for e in layout["edges"]}
    # 4 contributions, 3 benefits to their goal (or "no impact goal"), 2 impact goals up.
    assert len(edges) == 9
    assert edges[(f"b-{benefits[2].pk}", "g-none")]["unlinked"]
    # A link is as thick as its share: 25 % is thinner than 50 %.
    share_25 = edges[(f"i-{initiatives[1].pk}", f"b-{benefits[0].pk}")]["stroke_width"]
    share_50 = edges[(f"i-{initiatives[0].pk}", f"b-{benefits[0].pk}")]["stroke_width"]
    assert share_25 < share_50
    for column in {n["x"] for n in layout["nodes"]}:
        ys = sorted(n["y"] for n in layout["nodes"] if n["x"] == column)
        gaps = [b - a for a, b in itertools.pairwise(ys)]
        assert all(gap >= layout["node_height"] for gap in gaps), (column, ys)
        assert ys[-1] + layout["node_height"] <= layout["height"]


def test_map_layout_with_goals_and_idle_initiatives_only(programme, goals):
    idle = InitiativeFactory(programme=programme)
    layout = analysis_charts.map_layout(
        analysis.benefits_map(user=SYSTEM, programme=programme), slug=programme.slug
    )
    kinds = sorted(n["kind"] for n in layout["nodes"])
    assert kinds == ["idle", "impact", "impact", "societal"]
    assert f"i-{idle.pk}" in {n["key"] for n in layout["nodes"]}
    assert len(layout["edges"]) == 2  # the impact goals up to the societal goal


def test_nothing_to_draw_without_benefits_or_initiatives(programme, goals):
    assert (
        analysis_charts.map_layout(
            analysis.benefits_map(user=SYSTEM, programme=programme), slug="x"
        )
        is None
    )


def test_spread_keeps_order_and_distance():
    assert analysis_charts.spread([0, 0, 100], 10, 0, 200) == [0, 10, 100]
    # Crowded at the bottom: 95, 105 are pulled back up to 80, 90 so the last still fits;
    # 50 is far enough above them to stay.
    assert analysis_charts.spread([50, 95, 95], 10, 0, 100) == [50, 80, 90]
    assert analysis_charts.spread([75, 95, 95], 10, 0, 100) == [70, 80, 90]


# ---------------------------------------------------------------------------------------------
# The flow chart


def test_sankey_bands_are_as_wide_as_the_flows(programme, money):
    flows = analysis.flows(user=SYSTEM, programme=programme)
    chart = analysis_charts.sankey(flows)
    assert len(chart["left"]) == 3  # SKE, NAV and the untied row
    assert len(chart["right"]) == 2
    assert len(chart["links"]) == 6
    heights = {n["key"]: n["height"] for n in chart["left"] + chart["right"]}
    # Bars are proportional to their totals: citizens 1,000,000 vs BRREG 200,000.
    brreg = f"org-{money['brreg'].pk}"
    assert heights["group-citizens"] / heights[brreg] == pytest.approx(5, rel=0.01)
    assert chart["left"][-1]["colour"] == "untied"


def test_sankey_needs_something_to_draw(programme):
    assert analysis_charts.sankey(analysis.flows(user=SYSTEM, programme=programme)) is None


# ---------------------------------------------------------------------------------------------
# Follow-up

TODAY = dt.date(2026, 11, 23)


def _indicator(benefit, *, measured_on, value, frequency="quarterly", **fields):
    """Baseline 1,000 on 1 January 2026, target 600 on 1 January 2027, one measurement."""
    indicator = IndicatorFactory(benefit=benefit, frequency=frequency, **fields)
    TargetFactory(indicator=indicator, date=dt.date(2027, 1, 1), value=600)
    MeasurementFactory(indicator=indicator, date=measured_on, value=value)
    return indicator


@pytest.fixture
def followed(programme):
    owner = UserFactory()
    confirmed = {"owner": owner, "confirmed_by": owner, "confirmed_on": dt.date(2026, 3, 1)}
    benefits = {
        # On 1 October the plan is 273/365 = 74.8 % of the way; 780 is 55 % (gap 19.8 points).
        "behind": BenefitFactory(programme=programme, code="BEHIND", **confirmed),
        # 700 is 75 %: on plan.
        "on_track": BenefitFactory(programme=programme, code="ON-TRACK", **confirmed),
        # Last measured 1 May, quarterly: due 1 August, overdue on 23 November.
        "overdue": BenefitFactory(
            programme=programme, code="OVERDUE", status="realising", **confirmed
        ),
        # The same, but only identified: measurements are not due yet.
        "identified": BenefitFactory(
            programme=programme, code="IDENTIFIED", status="identified", **confirmed
        ),
        "no_indicator": BenefitFactory(programme=programme, code="NO-INDICATOR", owner=owner),
        "no_baseline": BenefitFactory(programme=programme, code="NO-BASELINE", **confirmed),
        "lost": BenefitFactory(programme=programme, code="LOST", status="lost"),
    }
    _indicator(benefits["behind"], measured_on=dt.date(2026, 10, 1), value=780)
    _indicator(benefits["on_track"], measured_on=dt.date(2026, 10, 1), value=700)
    _indicator(benefits["overdue"], measured_on=dt.date(2026, 5, 1), value=860)
    _indicator(benefits["identified"], measured_on=dt.date(2026, 5, 1), value=860)
    IndicatorFactory(benefit=benefits["no_baseline"], baseline_value=None, baseline_date=None)
    _indicator(benefits["lost"], measured_on=dt.date(2026, 3, 1), value=1000)
    return benefits


def _codes(benefits) -> list[str]:
    return [b.code for b in benefits]


def test_behind_plan_depends_on_the_tolerance(programme, followed):
    strict = analysis.follow_up(
        user=SYSTEM, programme=programme, tolerance=Decimal(10), today=TODAY
    )
    lenient = analysis.follow_up(
        user=SYSTEM, programme=programme, tolerance=Decimal(30), today=TODAY
    )
    assert _codes(strict.behind) == ["BEHIND"]
    assert strict.behind[0].worst_gap == pytest.approx((273 / 365 - 0.55) * 100)
    assert lenient.behind == []
    # Without a tolerance given, the programme's own (10 by default) applies.
    assert _codes(analysis.follow_up(user=SYSTEM, programme=programme, today=TODAY).behind) == [
        "BEHIND"
    ]


def test_overdue_only_for_planned_or_ongoing_benefits(programme, followed):
    report = analysis.follow_up(user=SYSTEM, programme=programme, today=TODAY)
    assert _codes(report.overdue) == ["OVERDUE"]
    assert report.overdue[0].first_due == dt.date(2026, 8, 1)


def test_unconfirmed_without_baseline_and_without_owner(programme, followed):
    report = analysis.follow_up(user=SYSTEM, programme=programme, today=TODAY)
    assert _codes(report.unconfirmed) == ["NO-INDICATOR"]
    assert _codes(report.no_baseline) == ["NO-BASELINE", "NO-INDICATOR"]
    missing = {b.code: [i.name for i in b.missing_baseline] for b in report.no_baseline}
    assert missing["NO-INDICATOR"] == []
    assert len(missing["NO-BASELINE"]) == 1
    assert report.no_owner == []
    # Lost benefits are not followed up at all.
    assert report.count == len(followed) - 1


def test_benefit_without_owner(programme, followed):
    followed["on_track"].owner = None
    followed["on_track"].save()
    report = analysis.follow_up(user=SYSTEM, programme=programme, today=TODAY)
    assert _codes(report.no_owner) == ["ON-TRACK"]
    assert report.counts == {
        "behind": 1,
        "overdue": 1,
        "unconfirmed": 1,
        "no_baseline": 2,
        "no_owner": 1,
    }


def test_a_summary_brought_up_to_date_equals_one_computed_anew(programme, followed):
    """After changes to the realisation data through the services, the summary recomputed
    from the last one (the changed benefits only) is the one computed from scratch, and the
    benefits nothing changed for are taken over as they were."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nytte.benefits.services.lines import indicator_delete, target_update
    from nytte.benefits.services.measurements import measurement_create, measurement_delete

    def summary(previous=None):
        programme.refresh_from_db()
        return analysis.summarise(
            programme=programme,
            user=SYSTEM,
            tolerance=Decimal(10),
            today=TODAY,
            previous=previous,
        )

    before = summary()
    on_track, overdue = followed["on_track"], followed["overdue"]
    # ON-TRACK falls behind, OVERDUE is measured again, BEHIND's target moves, and
    # NO-BASELINE loses its only indicator.
    measurement_create(
        indicator=on_track.indicators.get(),
        date=dt.date(2026, 11, 1),
        value=Decimal(950),
        acting_user=SYSTEM,
    )
    measurement_create(
        indicator=overdue.indicators.get(),
        date=dt.date(2026, 11, 20),
        value=Decimal(640),
        acting_user=SYSTEM,
    )
    target_update(
        target=followed["behind"].indicators.get().targets.get(),
        data={"value": Decimal(900)},
        acting_user=SYSTEM,
    )
    indicator_delete(indicator=followed["no_baseline"].indicators.get(), acting_user=SYSTEM)
    with CaptureQueriesContext(connection) as queries:
        updated = summary(before)
    assert len(queries) == 1 + 1 + 3  # the programme, the changed benefits, their indicators
    assert updated == summary()
    assert list(updated.rows) == list(before.rows)  # still in code order
    changed = {pk for pk, row in before.rows.items() if updated.rows[pk] != row}
    assert changed == {followed[key].pk for key in ("on_track", "overdue", "behind", "no_baseline")}
    assert updated.rows[followed["identified"].pk] is before.rows[followed["identified"].pk]
    assert updated.get(on_track.pk).behind and not updated.get(overdue.pk).overdue
    # A deleted measurement is a change too; with nothing changed the summary is kept.
    measurement_delete(
        measurement=on_track.indicators.get().measurements.latest("date"), acting_user=SYSTEM
    )
    again = summary(updated)
    assert again == summary() and not again.get(on_track.pk).behind
    assert summary(again) is again
    # Plain tuples of plain values: once collected, the garbage collector no longer tracks
    # them (a worker keeps the summary all day; its full collections would scan them).
    import gc

    for _ in range(3):  # a tuple is let go in the collection after its inner ones are
        gc.collect()
    tracked = [row for row in again.rows.values() if gc.is_tracked(row)]
    assert not tracked
