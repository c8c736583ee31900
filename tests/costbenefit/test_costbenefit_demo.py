"""The demo's proposal analysis: the proposal on its way to the governance dialogue has a
positive analysis with an alternative and a frozen snapshot, and loading again adds nothing."""

from __future__ import annotations

import pytest

from nytte.costbenefit.build import build_analysis
from nytte.costbenefit.demo import ALTERNATIVE, TITLE, load_costbenefit_demo
from nytte.costbenefit.models import ExtraLine, Snapshot
from nytte.economics import compute
from nytte.proposals.choices import Stage
from nytte.proposals.models import Proposal


@pytest.fixture
def proposal(demo_loaded, db) -> Proposal:
    return Proposal.objects.get(title=TITLE)


def test_the_proposal_ready_for_governance_has_an_analysis_worth_deciding_on(proposal):
    assert proposal.stage == Stage.READY
    result = compute(build_analysis(proposal))
    own = result.alternative(proposal.reference)
    manual = result.alternative(ALTERNATIVE)
    # Both agencies pay, NAV and citizens benefit; the measure beats the manual alternative.
    assert own.pv_costs_by_organisation.keys() == {"NAV", "SKE"}
    assert set(own.pv_benefits_by_organisation) == {"NAV", "Innbyggere"}
    assert own.nnv > manual.nnv > 0
    assert own.rank == 1
    # Version 1 is the cost-benefit demo's; preparing the governance demo's case froze the
    # next one for its option.
    snapshot = Snapshot.objects.get(proposal=proposal, version=1)
    assert snapshot.results["alternatives"][1]["nnv"] == own.nnv
    # Prepared and frozen by the facilitator, whose act it is (not by the system).
    assert snapshot.created_by.username == "fasilitator"


def test_loading_again_leaves_an_edited_analysis_alone(proposal):
    line = ExtraLine.objects.filter(proposal=proposal).first()
    line.note = "Endret av fasilitator"
    line.save()
    before = ExtraLine.objects.filter(proposal=proposal).count()
    assert load_costbenefit_demo() == 0
    assert ExtraLine.objects.filter(proposal=proposal).count() == before
    line.refresh_from_db()
    assert line.note == "Endret av fasilitator"
