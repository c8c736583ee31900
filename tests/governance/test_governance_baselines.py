"""Baselines: what one holds and what changed between two."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from nytte.costbenefit.models import ExtraLine
from nytte.governance.baselines import compare_baselines
from nytte.governance.services import freeze_baseline
from tests.factories import CostLineFactory, InitiativeFactory, OrganisationFactory


def test_a_baseline_holds_each_initiative_with_costs_per_organisation_and_year(
    programme, facilitator
):
    nav = OrganisationFactory(short_name="NAV")
    a = InitiativeFactory(
        programme=programme, code="A", phase="plan", planned_start=datetime.date(2027, 1, 1)
    )
    CostLineFactory(initiative=a, organisation=nav, year=2027, likely=1000, low=900, high=1100)
    CostLineFactory(initiative=a, organisation=nav, year=2028, likely=500, low=500, high=600)
    ExtraLine.objects.create(
        initiative=a,
        name="Gevinst",
        kind="benefit",
        category="efficiency",
        organisation=nav,
        first_year=2028,
        last_year=2030,
        low=2000,
        likely=2000,
        high=2000,
    )
    baseline = freeze_baseline(programme, "Start", facilitator)
    item = baseline.content["initiatives"]["A"]
    assert item["costs"] == {"NAV": {"2027": 1000, "2028": 500}}
    assert item["cost_total"] == 1500 and item["start"] == "2027-01-01"
    assert item["nnv"] is not None and item["nnv"] > 0
    assert baseline.number == 1 and baseline.created_by == facilitator


def test_only_facilitators_freeze_by_hand(programme, viewer, forum_member):
    for user in (viewer, forum_member):
        with pytest.raises(PermissionDenied):
            freeze_baseline(programme, "x", user)


def _item(costs, **extra):
    return {
        "title": "T",
        "phase": "plan",
        "status": "green",
        "start": None,
        "end": None,
        "owner": "NAV",
        "costs": costs,
        "cost_total": sum(sum(y.values()) for y in costs.values()),
        "benefits": 0,
        "nnv": None,
        "stopped": False,
        **extra,
    }


def test_the_comparison_shows_in_out_changed_and_cost_deltas_per_organisation_and_year():
    a = {
        "initiatives": {
            "A": _item({"NAV": {"2027": 100}}, nnv=50, benefits=10),
            "B": _item({"SKE": {"2027": 40}}),
        }
    }
    b = {
        "initiatives": {
            "A": _item({"NAV": {"2027": 70, "2028": 60}}, phase="execute", nnv=20, benefits=10),
            "C": _item({"SKE": {"2028": 5}}, nnv=7),
        }
    }
    result = compare_baselines(a, b)
    assert [x["code"] for x in result.added] == ["C"]
    assert [x["code"] for x in result.removed] == ["B"]
    (changed,) = result.changed
    assert changed.code == "A" and changed.fields == {"phase": ("plan", "execute")}
    assert changed.cost.change == 30 and changed.nnv.change == -30
    assert result.years == ["2027", "2028"]
    rows = {r.organisation: r for r in result.costs}
    assert rows["NAV"].years["2027"].change == -30 and rows["NAV"].years["2028"].change == 60
    assert rows["SKE"].total.before == 40 and rows["SKE"].total.after == 5
    assert (result.cost.before, result.cost.after) == (140, 135)
    assert (result.nnv.before, result.nnv.after) == (50, 27)
    assert compare_baselines(a, a).empty
