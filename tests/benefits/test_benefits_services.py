"""Benefit writes: shares never add up past 100 %, the owner's confirmation means something,
rights follow the benefit's owner across agencies, and bulk measurements are all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from nytte.benefits import selectors, services
from nytte.benefits.models import Benefit, Contribution, Measurement
from nytte.core.actors import SYSTEM
from nytte.core.choices import ChangeAction, Role
from nytte.core.models import ChangeLogEntry, OrganisationMembership
from nytte.portfolio import services as portfolio_services
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    IndicatorFactory,
    InitiativeFactory,
    MeasurementFactory,
    OrganisationFactory,
    ProgrammeFactory,
    RiskFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def ske(db):
    return OrganisationFactory(name="Skatteetaten", short_name="SKE")


@pytest.fixture
def nav(db):
    return OrganisationFactory(name="NAV", short_name="NAV")


@pytest.fixture
def nav_owner(owner, nav):
    """The demo's story: a NAV manager owns a benefit of an initiative Skatteetaten runs."""
    OrganisationMembership.objects.create(user=owner, organisation=nav, role=Role.OWNER)
    return owner


@pytest.fixture
def initiative(programme, ske):
    return InitiativeFactory(programme=programme, code="FI-1", owner_organisation=ske)


@pytest.fixture
def benefit(programme, nav, initiative):
    benefit = BenefitFactory(
        programme=programme, code="G-1", owner_organisation=nav, arises_in_organisation=nav
    )
    ContributionFactory(benefit=benefit, initiative=initiative, share=60)
    return benefit


def data(**overrides):
    return {"code": "G-9", "title": "Færre manuelle saker", "kind": "efficiency"} | overrides


# Creating and changing benefits


def test_a_facilitator_creates_a_benefit_with_shares_and_the_log_names_them(
    programme, facilitator, initiative, nav
):
    other = InitiativeFactory(programme=programme, code="FI-2")
    benefit = services.benefit_create(
        programme=programme,
        data=data(arises_in_organisation=nav, owner_organisation=nav),
        contributions={initiative: 60, other: Decimal("40")},
        acting_user=facilitator,
    )
    assert dict(benefit.contributions.values_list("initiative__code", "share")) == {
        "FI-1": Decimal("60.00"),
        "FI-2": Decimal("40.00"),
    }
    entry = ChangeLogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Benefit), object_id=str(benefit.pk)
    )
    assert (entry.action, entry.actor) == (ChangeAction.CREATE, facilitator)


def test_shares_over_100_percent_are_refused_and_nothing_is_saved(
    programme, facilitator, initiative, english
):
    other = InitiativeFactory(programme=programme, code="FI-2")
    with pytest.raises(ValidationError) as refused:
        services.benefit_create(
            programme=programme,
            data=data(arises_in_group="citizens"),
            contributions={initiative: 60, other: 50},
            acting_user=facilitator,
        )
    assert "110 %" in str(refused.value)
    assert not Benefit.objects.filter(code="G-9").exists()


def test_a_new_or_changed_share_that_passes_100_percent_is_refused(
    benefit, programme, facilitator, english
):
    other = InitiativeFactory(programme=programme, code="FI-2")
    with pytest.raises(ValidationError, match="100"):
        services.contribution_create(
            benefit=benefit, initiative=other, share=41, acting_user=facilitator
        )
    exactly = services.contribution_create(
        benefit=benefit, initiative=other, share=40, acting_user=facilitator
    )
    first = benefit.contributions.get(initiative__code="FI-1")
    with pytest.raises(ValidationError, match="100"):
        services.contribution_update(
            contribution=first, data={"share": Decimal("61")}, acting_user=facilitator
        )
    services.contribution_update(
        contribution=exactly, data={"share": Decimal("10")}, acting_user=facilitator
    )
    services.contribution_update(
        contribution=first, data={"share": Decimal("90")}, acting_user=facilitator
    )
    assert sum(Contribution.objects.filter(benefit=benefit).values_list("share", flat=True)) == 100


def test_an_initiative_from_another_programme_cannot_contribute(benefit, facilitator):
    stranger = InitiativeFactory(programme=ProgrammeFactory(), code="X-1")
    with pytest.raises(ValidationError):
        services.contribution_create(
            benefit=benefit, initiative=stranger, share=10, acting_user=facilitator
        )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"arises_in_group": "citizens"}, "arises_in_group"),  # and an organisation
        ({"kind": "quality", "priced": True}, "priced"),
        ({"priced": False, "budget_cut_share": Decimal("20")}, "budget_cut_share"),
        ({"priced": False, "plus_minus": 2}, "plus_minus_reasoning"),
        ({"plus_minus": 5, "plus_minus_reasoning": "Mye"}, "plus_minus"),
    ],
)
def test_broken_rules_are_refused_with_the_field_named(programme, facilitator, nav, fields, field):
    with pytest.raises(ValidationError) as refused:
        services.benefit_create(
            programme=programme,
            data=data(arises_in_organisation=nav) | fields,
            acting_user=facilitator,
        )
    assert field in refused.value.error_dict


def test_an_impact_goal_of_another_programme_is_refused(programme, facilitator):
    from tests.factories import GoalFactory

    foreign = GoalFactory(programme=ProgrammeFactory(), level="societal")
    with pytest.raises(ValidationError) as refused:
        services.benefit_create(
            programme=programme,
            data=data(arises_in_group="citizens", impact_goal=foreign),
            acting_user=facilitator,
        )
    assert "impact_goal" in refused.value.error_dict


def test_a_linked_risk_must_belong_to_the_programme(benefit, facilitator, initiative):
    own = RiskFactory(initiative=initiative)
    services.benefit_update(benefit=benefit, data={}, risks=[own], acting_user=facilitator)
    assert list(benefit.risks.all()) == [own]
    with pytest.raises(ValidationError):
        services.benefit_update(
            benefit=benefit,
            data={},
            risks=[RiskFactory(initiative=InitiativeFactory())],
            acting_user=facilitator,
        )


# Totals and confirmation


def test_amounts_keep_the_totals_and_clear_the_owners_confirmation(benefit, nav_owner):
    services.benefit_confirm(benefit=benefit, acting_user=nav_owner)
    assert benefit.confirmed
    services.amount_create(
        benefit=benefit, year=2027, low=1, likely=2, high=3, acting_user=nav_owner
    )
    benefit.refresh_from_db()
    assert (benefit.total_likely, benefit.confirmed) == (2, False)
    line = services.amount_create(
        benefit=benefit, year=2028, low=10, likely=20, high=30, acting_user=nav_owner
    )
    benefit.refresh_from_db()
    assert (benefit.total_low, benefit.total_likely, benefit.total_high) == (11, 22, 33)
    services.amount_delete(amount=line, acting_user=nav_owner)
    benefit.refresh_from_db()
    assert benefit.total_likely == 2


def test_an_update_through_an_object_read_before_new_amounts_keeps_the_totals(benefit, facilitator):
    stale = Benefit.objects.get(pk=benefit.pk)
    services.amount_create(
        benefit=benefit, year=2027, low=1, likely=2, high=3, acting_user=facilitator
    )
    services.benefit_update(benefit=stale, data={"title": "Nytt navn"}, acting_user=facilitator)
    assert Benefit.objects.get(pk=benefit.pk).total_likely == 2


def test_a_changed_estimate_needs_a_new_confirmation_but_a_new_description_does_not(
    benefit, nav_owner
):
    services.benefit_confirm(benefit=benefit, acting_user=nav_owner)
    services.benefit_update(
        benefit=benefit, data={"description": "Bedre tekst."}, acting_user=nav_owner
    )
    assert Benefit.objects.get(pk=benefit.pk).confirmed_by == nav_owner
    services.benefit_update(
        benefit=benefit, data={"budget_cut_share": Decimal("30")}, acting_user=nav_owner
    )
    assert not Benefit.objects.get(pk=benefit.pk).confirmed


def test_only_the_owner_confirms_the_estimate(benefit, facilitator, nav_owner):
    with pytest.raises(PermissionDenied):
        services.benefit_confirm(benefit=benefit, acting_user=facilitator)
    services.benefit_confirm(benefit=benefit, acting_user=nav_owner)
    benefit.refresh_from_db()
    assert benefit.confirmed_by == nav_owner
    assert benefit.confirmed_on is not None


def test_an_estimate_without_an_owning_organisation_cannot_be_confirmed(programme, facilitator):
    loose = BenefitFactory(programme=programme, owner_organisation=None, owner=facilitator)
    with pytest.raises(ValidationError):
        services.benefit_confirm(benefit=loose, acting_user=facilitator)


# Rights across agencies


def test_a_benefit_owner_in_another_agency_records_measurements_but_cannot_edit_the_initiative(
    benefit, nav_owner, initiative
):
    indicator = IndicatorFactory(benefit=benefit)
    measurement = services.measurement_create(
        indicator=indicator, date=D(2026, 4, 1), value=Decimal("950"), acting_user=nav_owner
    )
    assert measurement.recorded_by == nav_owner
    with pytest.raises(PermissionDenied):
        portfolio_services.initiative_update(
            initiative=initiative, data={"title": "Nytt navn"}, acting_user=nav_owner
        )
    with pytest.raises(PermissionDenied):  # the initiative's share is not the owner's to set
        services.benefit_update(
            benefit=BenefitFactory(programme=benefit.programme),
            data={"title": "Ikke min"},
            acting_user=nav_owner,
        )


def test_viewers_and_outsiders_cannot_write(benefit, viewer, outsider):
    indicator = IndicatorFactory(benefit=benefit)
    with pytest.raises(PermissionDenied):
        services.measurement_create(
            indicator=indicator, date=D(2026, 4, 1), value=1, acting_user=viewer
        )
    with pytest.raises(Http404):
        services.measurement_create(
            indicator=indicator, date=D(2026, 4, 1), value=1, acting_user=outsider
        )
    with pytest.raises(PermissionDenied):
        services.benefit_create(
            programme=benefit.programme, data=data(arises_in_group="citizens"), acting_user=viewer
        )


# Bulk measurements


def rows(indicator, *dates_and_values, where="Målinger"):
    return [
        services.MeasurementRow(
            indicator=indicator, date=day, value=Decimal(value), where=f"{where}, rad {n}"
        )
        for n, (day, value) in enumerate(dates_and_values, start=2)
    ]


def test_bulk_measurements_are_saved_with_who_recorded_them(benefit, nav_owner):
    indicator = IndicatorFactory(benefit=benefit)
    created = services.measurements_append(
        rows(indicator, (D(2026, 4, 1), "950"), (D(2026, 7, 1), "880")), acting_user=nav_owner
    )
    assert len(created) == 2
    assert set(Measurement.objects.values_list("recorded_by", flat=True)) == {nav_owner.pk}
    assert (
        ChangeLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Measurement)
        ).count()
        == 2
    )


def test_one_bad_row_and_no_measurement_is_saved_but_every_error_is_listed(
    benefit, nav_owner, programme, english
):
    indicator = IndicatorFactory(benefit=benefit)
    MeasurementFactory(indicator=indicator, date=D(2026, 4, 1))
    not_hers = IndicatorFactory(benefit=BenefitFactory(programme=programme))
    batch = [
        *rows(indicator, (D(2026, 7, 1), "880"), (D(2026, 4, 1), "950"), (D(2026, 7, 1), "870")),
        *rows(not_hers, (D(2026, 7, 1), "1"), where="Ark 2"),
    ]
    with pytest.raises(services.BulkError) as refused:
        services.measurements_append(batch, acting_user=nav_owner)
    refusals = refused.value.refusals
    assert [r.where for r in refusals] == ["Målinger, rad 3", "Målinger, rad 4", "Ark 2, rad 2"]
    # Each refusal names the field it concerns, whichever face sent the row.
    assert [r.field for r in refusals] == ["date", "date", "benefit"]
    assert "already has a measurement" in refusals[0].message
    assert "two measurements" in refusals[1].message
    assert "may not record" in refusals[2].message
    assert Measurement.objects.count() == 1


def test_a_baseline_needs_value_and_date_and_targets_come_after_it(benefit, facilitator):
    with pytest.raises(ValidationError):
        services.indicator_create(
            benefit=benefit, name="Saker", unit="stk", baseline_value=10, acting_user=facilitator
        )
    indicator = IndicatorFactory(benefit=benefit, baseline_date=D(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.target_create(
            indicator=indicator, date=D(2025, 12, 31), value=5, acting_user=facilitator
        )


# Reading: realisation flags and attributed shares


def _objects(programme, **when):
    """Progress from the indicators read as objects, with all their lines."""
    return selectors.attach_progress(
        selectors.with_indicators(selectors.benefit_list(programme=programme, user=SYSTEM)),
        **when,
    )


def _summary(programme, **when):
    """Progress from the one query of plain rows that the register and the API read."""
    return selectors.attach_progress_summary(
        selectors.benefit_list(programme=programme, user=SYSTEM), **when
    )


@pytest.mark.parametrize("read", [_objects, _summary], ids=["objects", "summary"])
def test_progress_flags_on_benefits(programme, benefit, read):
    on_track = IndicatorFactory(benefit=benefit, baseline_value=1000, baseline_date=D(2026, 1, 1))
    TargetFactory(indicator=on_track, date=D(2027, 1, 1), value=600)
    MeasurementFactory(indicator=on_track, date=D(2026, 7, 2), value=800)
    lagging = BenefitFactory(programme=programme, code="G-2", status="realising")
    behind = IndicatorFactory(benefit=lagging, baseline_value=1000, baseline_date=D(2026, 1, 1))
    TargetFactory(indicator=behind, date=D(2027, 1, 1), value=600)
    MeasurementFactory(indicator=behind, date=D(2026, 7, 2), value=950)
    bare = BenefitFactory(programme=programme, code="G-3", status="identified")
    IndicatorFactory(benefit=bare, baseline_value=None, baseline_date=None)

    found = read(programme, today=D(2026, 7, 3))
    by_code = {b.code: b for b in found}
    assert not by_code["G-1"].behind
    assert by_code["G-1"].realised_percent == pytest.approx(50)
    assert by_code[lagging.code].behind  # 12.5 % realised against 49.9 % planned
    assert not by_code[bare.code].has_baseline
    assert by_code["G-1"].has_baseline
    # Overdue counts for benefits under way, not for ones merely identified.
    later = read(programme, today=D(2026, 12, 1))
    assert {b.code for b in later if b.overdue} == {"G-1", lagging.code}
    # A looser tolerance takes the lagging benefit off the list.
    loose = read(programme, today=D(2026, 7, 3), tolerance=40)
    assert not any(b.behind for b in loose)


def test_the_summary_reads_progress_in_one_query_and_agrees_with_the_objects(programme, benefit):
    """The one query of plain rows (indicators joined to their targets, with the latest
    measurement) gives every flag the objects give: bent plans, measurements recorded out of
    date order, indicators without targets, measurements or baseline, benefits without
    indicators."""
    bent = IndicatorFactory(benefit=benefit, baseline_value=100, baseline_date=D(2026, 1, 1))
    for day, value in ((D(2026, 6, 1), 110), (D(2027, 1, 1), 200), (D(2028, 1, 1), 400)):
        TargetFactory(indicator=bent, date=day, value=value)
    for day, value in ((D(2026, 9, 1), 160), (D(2026, 3, 1), 101), (D(2026, 6, 1), 108)):
        MeasurementFactory(indicator=bent, date=day, value=value)  # the latest is first
    IndicatorFactory(benefit=benefit, baseline_value=5, baseline_date=D(2026, 2, 1))  # no lines
    falling = BenefitFactory(programme=programme, code="G-2", status="realising")
    slow = IndicatorFactory(benefit=falling, baseline_value=1000, baseline_date=D(2026, 1, 1))
    TargetFactory(indicator=slow, date=D(2027, 1, 1), value=600)
    MeasurementFactory(indicator=slow, date=D(2026, 4, 1), value=990)
    unmeasured = IndicatorFactory(benefit=falling, baseline_value=None, baseline_date=None)
    TargetFactory(indicator=unmeasured, date=D(2027, 1, 1), value=3)
    BenefitFactory(programme=programme, code="G-3", status="planned")  # no indicators at all

    def flags(benefits):
        return sorted(
            (b.code, b.behind, b.overdue, b.has_baseline, b.realised_percent) for b in benefits
        )

    for when in (
        {"today": D(2026, 7, 3)},
        {"today": D(2027, 3, 1)},
        {"today": D(2026, 7, 3), "tolerance": 60},
    ):
        benefits = list(selectors.benefit_list(programme=programme, user=SYSTEM))
        with CaptureQueriesContext(connection) as queries:
            summed = selectors.attach_progress_summary(benefits, **when)
        assert len(queries) == 1
        assert flags(summed) == flags(_objects(programme, **when))
    # Not a comparison of blanks: the register reads as varied as it was built.
    seen = flags(_summary(programme, today=D(2027, 3, 1)))
    assert {row[1] for row in seen} == {True, False}  # behind, and not
    assert {row[2] for row in seen} == {True, False}  # overdue, and not
    assert {row[3] for row in seen} == {True, False}  # with and without baselines
    assert any(row[4] is None for row in seen) and any(row[4] is not None for row in seen)


def test_a_benefit_shared_by_two_initiatives_is_split_by_share(benefit, programme, initiative):
    other = InitiativeFactory(programme=programme, code="FI-2")
    ContributionFactory(benefit=benefit, initiative=other, share=30)
    BenefitAmountFactory(benefit=benefit, year=2027, low=0, likely=1_000_000, high=2_000_000)
    fetched = selectors.benefit_list(programme=programme, user=SYSTEM).get(pk=benefit.pk)
    assert selectors.attributed_share(fetched) == Decimal("0.9")
    assert selectors.attributed_share(fetched, [initiative.pk]) == Decimal("0.6")
    assert selectors.attributed_share(fetched, [other.pk]) == Decimal("0.3")
    fetched.refresh_from_db()
    assert fetched.total_likely == 1_000_000  # the benefit itself is one amount


def test_bulk_measurements_cost_the_same_queries_for_3_or_30_rows(benefit, nav_owner):
    indicator = IndicatorFactory(benefit=benefit)
    few = rows(indicator, *((D(2026, 1, 1) + dt.timedelta(days=n), "1") for n in range(3)))
    many = rows(indicator, *((D(2027, 1, 1) + dt.timedelta(days=n), "1") for n in range(30)))
    with CaptureQueriesContext(connection) as small:
        services.measurements_append(few, acting_user=nav_owner)
    with CaptureQueriesContext(connection) as large:
        services.measurements_append(many, acting_user=nav_owner)
    assert len(large) <= len(small)  # the first call also reads the roles and content type
    logged = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Measurement)
    )
    assert logged.count() == 33
    assert set(logged.values_list("object_id", flat=True)) == {
        str(pk) for pk in Measurement.objects.values_list("pk", flat=True)
    }


def test_the_queryset_gate_starts_every_list(benefit, programme, viewer, outsider, nav_owner):
    """Lists start from ``for_user``: a viewer sees the programme's benefits, someone with no
    role in it sees none; EDIT lists what the named owner owns (and no more)."""
    from nytte.core.permissions import Action

    assert list(selectors.benefit_list(programme=programme, user=viewer)) == [benefit]
    assert list(selectors.benefit_list(programme=programme, user=outsider)) == []
    editable = selectors.benefit_list(programme=programme, user=viewer, action=Action.EDIT)
    assert list(editable) == []
    Benefit.objects.filter(pk=benefit.pk).update(owner=nav_owner)
    owned = selectors.benefit_list(programme=programme, user=nav_owner, action=Action.EDIT)
    assert list(owned) == [benefit]
    assert list(Measurement.objects.for_user(outsider)) == []
