"""The benefit forms and the register's FilterSet on their own: what they offer, what they
refuse and with which message next to which field, and what they hand to the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import QueryDict

from nytte.benefits import selectors
from nytte.benefits.filtersets import BenefitFilterSet
from nytte.benefits.forms import (
    BenefitAmountForm,
    BenefitForm,
    ContributionForm,
    IndicatorForm,
    MeasurementForm,
    TargetForm,
)
from nytte.benefits.models import (
    Benefit,
    BenefitAmount,
    Contribution,
    Indicator,
    Measurement,
    Target,
)
from nytte.core.actors import SYSTEM
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


@pytest.fixture
def initiatives(programme):
    return [InitiativeFactory(programme=programme, code=f"FI-{n}") for n in (1, 2)]


def _data(**overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "G-1",
        "title": "Færre purringer",
        "kind": "efficiency",
        "priced": "on",
        "status": "identified",
        "budget_cut_share": "0",
        "contribution-TOTAL_FORMS": "3",
        "contribution-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def _form(programme, **overrides) -> BenefitForm:
    return BenefitForm(
        _data(**overrides), instance=Benefit(programme=programme), programme=programme
    )


def _choices(field) -> list[str]:
    return [str(value) for value, _label in field.choices if value != ""]


def test_only_the_programmes_impact_goals_and_risks_are_offered(
    programme, other_programme, initiatives
):
    societal = GoalFactory(programme=programme, code="S1")
    impact = GoalFactory(programme=programme, code="E1", level="impact", parent=societal)
    foreign_goal = GoalFactory(programme=other_programme, code="E9", level="impact")
    risk = RiskFactory(initiative=initiatives[0], title="Sen leveranse")
    foreign_risk = RiskFactory(initiative=InitiativeFactory(programme=other_programme))
    form = BenefitForm(instance=Benefit(programme=programme), programme=programme)

    assert _choices(form.fields["impact_goal"]) == [str(impact.pk)]
    assert _choices(form.fields["risks"]) == [str(risk.pk)]
    assert "FI-1: Sen leveranse" in [label for _value, label in form.fields["risks"].choices]

    refused = _form(programme, impact_goal=str(foreign_goal.pk), risks=[str(foreign_risk.pk)])
    assert not refused.is_valid()
    assert set(refused.errors) == {"impact_goal", "risks"}
    assert not _form(programme, impact_goal=str(societal.pk)).is_valid()


def test_in_a_programme_with_many_risks_only_the_benefits_own_are_offered(
    programme, initiatives, monkeypatch
):
    """Past ``RISKS_LISTED`` risks the form lists those of the contributing initiatives
    (saved or typed in the rows being sent) and those already linked, not the programme's
    every risk; a risk outside them is refused, not silently dropped."""
    from nytte.benefits import risk_choices

    monkeypatch.setattr(risk_choices, "RISKS_LISTED", 2)
    third = InitiativeFactory(programme=programme, code="FI-3")
    own, typed, linked, unrelated = (
        RiskFactory(initiative=initiative, title=title)
        for initiative, title in (
            (initiatives[0], "Egen"),
            (initiatives[1], "Skrevet inn"),
            (third, "Koblet"),
            (InitiativeFactory(programme=programme, code="FI-4"), "Uten kobling"),
        )
    )
    assert (
        _choices(
            BenefitForm(instance=Benefit(programme=programme), programme=programme).fields["risks"]
        )
        == []
    )
    benefit = BenefitFactory(programme=programme, code="G-1")
    ContributionFactory(benefit=benefit, initiative=initiatives[0])
    benefit.risks.add(linked)
    edit = BenefitForm(instance=benefit, programme=programme)
    assert set(_choices(edit.fields["risks"])) == {str(own.pk), str(linked.pk)}
    assert edit.risks_narrowed
    # The rows sent name FI-2 by code: its risk may be chosen; FI-4's may not.
    sent = {
        "contribution-0-initiative": "FI-1",
        "contribution-0-share": "40",
        "contribution-1-initiative": "FI-2",
        "contribution-1-share": "20",
        "contribution-INITIAL_FORMS": "0",
    }
    ok = BenefitForm(
        _data(risks=[str(typed.pk), str(own.pk)], **sent), instance=benefit, programme=programme
    )
    assert ok.is_valid(), ok.errors
    assert set(ok.cleaned_data["risks"]) == {typed, own}
    refused = BenefitForm(
        _data(risks=[str(unrelated.pk)], **sent), instance=benefit, programme=programme
    )
    assert not refused.is_valid() and set(refused.errors) == {"risks"}


def test_a_benefit_arises_in_an_organisation_or_a_group_not_both(programme, english):
    organisation = OrganisationFactory()
    form = _form(programme, arises_in_organisation=str(organisation.pk), arises_in_group="citizens")
    assert not form.is_valid()
    assert form.errors["arises_in_group"] == [
        "A benefit arises either in one organisation or in a group, not both."
    ]
    assert _form(programme, arises_in_group="businesses").is_valid()
    assert _form(programme, arises_in_organisation=str(organisation.pk)).is_valid()


def test_the_models_rules_show_next_to_their_fields(programme, english):
    quality = _form(programme, kind="quality", priced="on")
    assert not quality.is_valid()
    assert "not in NOK" in quality.errors["priced"][0]
    unreasoned = _form(programme, plus_minus="2", plus_minus_reasoning="")
    assert not unreasoned.is_valid()
    assert "reasoning" in unreasoned.errors["plus_minus_reasoning"][0]


def test_a_code_in_use_in_the_programme_is_refused_but_free_in_another(
    programme, other_programme, english
):
    BenefitFactory(programme=programme, code="G-1")
    assert "already has this code" in _form(programme).errors["code"][0]
    assert BenefitForm(
        _data(), instance=Benefit(programme=other_programme), programme=other_programme
    ).is_valid()


def test_contribution_rows_give_the_service_initiative_and_share(programme, initiatives):
    form = _form(
        programme,
        **{
            "contribution-0-initiative": str(initiatives[0].pk),
            "contribution-0-share": "12.5",
            "contribution-2-initiative": str(initiatives[1].pk),
            "contribution-2-share": "30",
        },
    )
    assert form.is_valid(), (form.errors, form.contributions.errors)
    assert form.shares() == {initiatives[0]: Decimal("12.5"), initiatives[1]: Decimal(30)}
    assert "risks" not in form.model_data()


def test_incomplete_or_repeated_rows_are_refused_row_by_row(programme, initiatives, english):
    form = _form(
        programme,
        **{
            "contribution-0-initiative": str(initiatives[0].pk),
            "contribution-1-share": "10",
            "contribution-2-initiative": str(initiatives[0].pk),
            "contribution-2-share": "5",
        },
    )
    assert not form.is_valid()
    rows = form.contributions.forms
    assert rows[0].errors["share"] == ["Give the initiative's share."]
    assert rows[1].errors["initiative"] == ["Choose the initiative this share belongs to."]
    assert rows[2].errors["initiative"] == ["This initiative is already listed above."]
    assert form.has_contribution_errors


def test_a_share_must_be_above_zero_and_at_most_100(programme, initiatives):
    for share in ("0", "100.01", "-5"):
        form = _form(
            programme,
            **{"contribution-0-initiative": str(initiatives[0].pk), "contribution-0-share": share},
        )
        assert not form.is_valid(), share
        assert "share" in form.contributions.forms[0].errors


def test_an_initiative_of_another_programme_cannot_be_given_a_share(programme, other_programme):
    foreign = InitiativeFactory(programme=other_programme)
    form = _form(
        programme, **{"contribution-0-initiative": str(foreign.pk), "contribution-0-share": "10"}
    )
    assert not form.is_valid()
    assert "initiative" in form.contributions.forms[0].errors


def test_editing_starts_from_the_current_shares_and_risks(programme, initiatives):
    benefit = BenefitFactory(programme=programme)
    ContributionFactory(benefit=benefit, initiative=initiatives[1], share=35)
    risk = RiskFactory(initiative=initiatives[0])
    RiskFactory(initiative=initiatives[1])
    benefit.risks.add(risk)
    benefit = selectors.benefit_list(programme=programme, user=SYSTEM).get(pk=benefit.pk)
    form = BenefitForm(instance=benefit, programme=programme)
    assert form.initial["risks"] == [risk]
    assert form.contributions.forms[0].initial == {
        "initiative": initiatives[1],
        "share": Decimal(35),
    }
    assert len(form.contributions.forms) == 4  # the share and three blank rows


# ---------------------------------------------------------------------------------------------
# Line forms


def test_a_year_an_indicator_name_or_a_date_is_taken_once(programme, english):
    benefit = BenefitFactory(programme=programme)
    BenefitAmountFactory(benefit=benefit, year=2027)
    indicator = IndicatorFactory(benefit=benefit, name="Klager")
    TargetFactory(indicator=indicator, date=dt.date(2027, 1, 1))
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 7, 1))

    amount = BenefitAmountForm(
        {"year": 2027, "low": 1, "likely": 1, "high": 1},
        instance=BenefitAmount(benefit=benefit),
        programme=programme,
    )
    assert amount.errors["year"] == ["This year already has an amount."]
    named = IndicatorForm(
        {"name": "Klager", "unit": "stk", "direction": "increase", "frequency": "yearly"},
        instance=Indicator(benefit=benefit),
        programme=programme,
    )
    assert "already has an indicator with this name" in named.errors["name"][0]
    target = TargetForm(
        {"date": "2027-01-01", "value": 1},
        instance=Target(indicator=indicator),
        programme=programme,
    )
    assert "already has a target on this date" in target.errors["date"][0]
    measured = MeasurementForm(
        {"date": "2026-07-01", "value": 1},
        instance=Measurement(indicator=indicator),
        programme=programme,
    )
    # A measured date is the service's refusal (one path for page, API, sheet and command;
    # see test_benefits_parity), not the form's.
    assert measured.is_valid(), measured.errors

    # The line itself, edited, keeps its own year and date.
    existing = benefit.amounts.get()
    same = BenefitAmountForm(
        {"year": 2027, "low": 1, "likely": 2, "high": 3}, instance=existing, programme=programme
    )
    assert same.is_valid(), same.errors


def test_a_target_comes_after_the_baseline(programme, english):
    indicator = IndicatorFactory(
        benefit=BenefitFactory(programme=programme), baseline_date=dt.date(2026, 1, 1)
    )
    form = TargetForm(
        {"date": "2025-12-31", "value": 5},
        instance=Target(indicator=indicator),
        programme=programme,
    )
    assert form.errors["date"] == ["A target comes after the baseline date."]


def test_a_share_form_offers_the_programmes_initiatives_once_each(
    programme, other_programme, initiatives, english
):
    InitiativeFactory(programme=other_programme)
    benefit = BenefitFactory(programme=programme)
    ContributionFactory(benefit=benefit, initiative=initiatives[0], share=10)
    form = ContributionForm(instance=Contribution(benefit=benefit), programme=programme)
    # Typed by code, with the programme's codes suggested in the field's own datalist.
    suggested = [code for code, _title in form.fields["initiative"].widget.suggestions]
    assert suggested == sorted(i.code for i in initiatives)
    html = str(form["initiative"])
    assert 'list="id_initiative-codes"' in html and '<datalist id="id_initiative-codes">' in html
    assert "hx-get=" in html
    elsewhere = ContributionForm(
        {"initiative": InitiativeFactory(programme=other_programme).code, "share": 5},
        instance=Contribution(benefit=benefit),
        programme=programme,
    )
    assert elsewhere.errors["initiative"] == ["No initiative in this programme has this code."]
    taken = ContributionForm(
        {"initiative": initiatives[0].code, "share": 5},
        instance=Contribution(benefit=benefit),
        programme=programme,
    )
    assert taken.errors["initiative"] == ["This initiative already has a share of the benefit."]


# ---------------------------------------------------------------------------------------------
# The register's FilterSet, as the API uses it


def test_filterset_takes_natural_keys_and_names_the_initiative_to_attribute(
    programme, other_programme, initiatives
):
    goal = GoalFactory(programme=programme, code="E1", level="impact")
    owner = OrganisationFactory()
    mine = BenefitFactory(
        programme=programme,
        code="G-1",
        impact_goal=goal,
        owner_organisation=owner,
        arises_in_organisation=owner,
    )
    ContributionFactory(benefit=mine, initiative=initiatives[0], share=25)
    BenefitFactory(programme=programme, code="G-2")
    queryset = selectors.benefit_list(programme=programme, user=SYSTEM)

    params = QueryDict(mutable=True)
    params.update(
        {
            "initiative": "FI-1",
            "goal": "E1",
            "owner_organisation": owner.orgnr,
            "arises_in": owner.orgnr,
        }
    )
    filterset = BenefitFilterSet(params, queryset=queryset, programme=programme)
    assert filterset.is_valid(), filterset.errors
    assert [b.code for b in filterset.qs] == ["G-1"]
    assert filterset.initiative_ids() == [initiatives[0].pk]

    everything = BenefitFilterSet(None, queryset=queryset, programme=programme)
    assert everything.initiative_ids() is None
    assert [b.code for b in everything.qs] == ["G-1", "G-2"]

    foreign = InitiativeFactory(programme=other_programme, code="X-1")
    refused = BenefitFilterSet(
        QueryDict(f"initiative={foreign.code}&arises_in=mars"),
        queryset=queryset,
        programme=programme,
    )
    assert not refused.is_valid()
    assert set(refused.errors) == {"initiative", "arises_in"}
    assert refused.initiative_ids() is None


def test_arises_in_offers_groups_and_organisations_in_one_select(programme, english):
    organisation = OrganisationFactory(name="Brønnøysundregistrene")
    filterset = BenefitFilterSet(None, queryset=Benefit.objects.none(), programme=programme)
    groups, organisations = filterset.form.fields["arises_in"].choices[1:]
    assert ("citizens", "Citizens") in [(v, str(label)) for v, label in groups[1]]
    assert (organisation.orgnr, str(organisation)) in organisations[1]
