"""Step 4 of the whole path, through the services as every face calls them: a proposal from
the public form is harmonised and assessed, becomes a case with options, is approved by a
forum member, and the portfolio gets a new initiative and a new baseline."""

from __future__ import annotations

import datetime

from nytte.core.actors import PublicProposer
from nytte.costbenefit import services as costbenefit
from nytte.costbenefit.models import ExtraLine
from nytte.governance import services as governance
from nytte.governance.baselines import compare_baselines
from nytte.governance.funding import funding_split
from nytte.portfolio.models import Initiative
from nytte.proposals import assessment, services
from nytte.proposals.defaults import programme_defaults_create
from tests.factories import InitiativeFactory


def test_a_public_proposal_becomes_an_initiative_by_a_forum_decision(
    programme, facilitator, contributor, forum_member, board, meeting, orgs
):
    programme.public_form_open = True
    programme.save()
    programme_defaults_create(programme=programme)
    existing = InitiativeFactory(programme=programme, code="FI-2", owner_organisation=orgs["skatt"])
    start = governance.freeze_baseline(programme, "Før", facilitator)

    # Step 1: received from the public form.
    proposal, _token = services.proposal_submit(
        programme=programme,
        data={
            "title": "Varsel før inkasso",
            "need": "Folk får inkasso uten å vite om kravet.",
            "idea": "Varsle i appen før kravet går til inkasso.",
            "proposer_name": "Kari Nordmann",
            "proposer_email": "kari@example.no",
        },
        channel="public",
        affected_organisations=[orgs["nav"], orgs["skatt"]],
        consent=True,
        acting_user=PublicProposer(programme_id=programme.pk),
    )
    # Step 2: harmonised, with a dependency on a running initiative.
    services.proposal_move(proposal=proposal, to="harmonisation", acting_user=facilitator)
    services.link_create(
        proposal=proposal, kind="depends_on", target_initiative=existing, acting_user=facilitator
    )
    services.proposal_move(proposal=proposal, to="assessment", acting_user=facilitator)
    # Step 3: assessed by a contributor, given a track, ready for governance.
    request = assessment.assessor_request(
        proposal=proposal, assessor=contributor, acting_user=facilitator
    )
    criteria = assessment.criteria_for(programme=programme)
    assessment.assessment_save(
        assessment=request,
        scores={c.pk: max(step["value"] for step in c.scale) for c in criteria},
        submit=True,
        acting_user=contributor,
    )
    services.track_set(
        proposal=proposal, track="strategic", reason="Stort", acting_user=facilitator
    )
    for kind, org, amount, first, last in (
        ("cost", orgs["nav"], 2_000_000, 2027, 2027),
        ("benefit", orgs["nav"], 900_000, 2028, 2035),
        ("benefit", orgs["skatt"], 300_000, 2028, 2035),
    ):
        costbenefit.line_create(
            ExtraLine(
                proposal=proposal,
                name=f"{kind} {org.short_name}",
                kind=kind,
                category="investment" if kind == "cost" else "efficiency",
                organisation=org,
                public_budget=kind == "cost",
                first_year=first,
                last_year=last,
                low=amount,
                likely=amount,
                high=amount,
            ),
            acting_user=facilitator,
        )
    services.proposal_move(proposal=proposal, to="ready", acting_user=facilitator)

    # Step 4: a case with options, on the agenda, decided by a member of the board.
    case = governance.prepare_case_from_proposal(proposal, facilitator)
    governance.agenda_add(meeting=meeting, case=case, acting_user=facilitator)
    carry = case.options.get(do_nothing=False)
    governance.option_update(option=carry, data={"new_code": "FI-9"}, acting_user=facilitator)
    assert [r.amount for r in funding_split(carry)] == [1_500_000, 500_000]
    decision = governance.decide(
        case,
        option=carry,
        outcome="approved",
        rationale="Stor nytte for innbyggerne.",
        forum=board,
        meeting=meeting,
        decided_on=datetime.date(2026, 10, 1),
        review_date=datetime.date(2027, 10, 1),
        present=[forum_member],
        acting_user=forum_member,
    )

    initiative = Initiative.objects.get(programme=programme, code="FI-9")
    proposal.refresh_from_db()
    assert proposal.stage == "adopted" and proposal.attached_to == initiative
    assert initiative.dependencies_out.get().target == existing
    assert initiative.cost_likely == 2_000_000
    assert decision.inputs["assessment"]["potential"] == 100.0
    assert decision.inputs["options"][1]["cost_benefit"]["nnv"] is not None
    comparison = compare_baselines(start, decision.baseline)
    assert [i["code"] for i in comparison.added] == ["FI-9"]
    assert comparison.cost.change == 2_000_000
    assert comparison.nnv.change != 0
