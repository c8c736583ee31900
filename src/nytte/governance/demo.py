"""Demo data for step 4 in Framtidens innkreving: the programme board (with the demo forum
member as chair) and the governance dialogue between AID and NAV, a meeting next month, the
portfolio baseline as loaded, a case prepared from the proposal that is ready for governance
(on the meeting's agenda, for a forum member to decide), one decided case — FI-17's new
timeline, approved by the board, which froze a second baseline — and an item for the
governance dialogue.

Idempotent: if the programme board exists, nothing is done.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from nytte.core.actors import System
from nytte.core.models import Organisation, Programme, User
from nytte.portfolio.models import Initiative
from nytte.proposals.choices import Stage
from nytte.proposals.models import Proposal

from . import services
from .models import Forum

DEMO = System("demo")
BOARD = "Programstyret for Framtidens innkreving"
DIALOGUE = "Etatsstyring AID–NAV"


@transaction.atomic
def load_governance_demo(*, today: dt.date | None = None) -> int:
    """Load the governance demo if it is missing; return the number of main objects made."""
    programme = Programme.objects.filter(slug="framtidens-innkreving").first()
    users = {u.username: u for u in User.objects.filter(username__in=("fasilitator", "forum"))}
    if (
        programme is None
        or len(users) < 2
        or Forum.objects.filter(programme=programme, name=BOARD).exists()
    ):
        return 0
    today = today or timezone.localdate()
    facilitator, member = users["fasilitator"], users["forum"]
    orgs = {
        o.short_name: o for o in Organisation.objects.filter(short_name__in=("AID", "NAV", "SKE"))
    }
    board = services.forum_create(
        programme=programme,
        data={
            "name": BOARD,
            "kind": "programme_board",
            "mandate": "Prioriterer programmets portefølje, vedtar nye tiltak og endringer i "
            "omfang, budsjett og tidsplan.",
        },
        acting_user=DEMO,
    )
    services.member_add(forum=board, user=member, chair=True, acting_user=DEMO)
    created = 2
    if "AID" in orgs:
        dialogue = services.forum_create(
            programme=programme,
            data={"name": DIALOGUE, "kind": "ministry_dialogue", "organisation": orgs["AID"]},
            acting_user=DEMO,
        )
        services.member_add(forum=dialogue, user=member, acting_user=DEMO)
        created += 1
    past = services.meeting_create(
        forum=board,
        data={"date": today - dt.timedelta(days=14), "title": "Styremøte 3", "location": "Oslo"},
        acting_user=DEMO,
    )
    upcoming = services.meeting_create(
        forum=board,
        data={"date": today + dt.timedelta(days=30), "title": "Styremøte 4", "location": "Oslo"},
        acting_user=DEMO,
    )
    services.freeze_baseline(programme, "Utgangspunkt", DEMO)
    created += 3
    proposal = (
        Proposal.objects.filter(programme=programme, stage=Stage.READY).order_by("number").first()
    )
    if proposal is not None:
        case = services.prepare_case_from_proposal(proposal, facilitator)
        services.case_update(
            case=case,
            data={
                "assessment": "Høyt potensial og moderat kompleksitet; gevinstene oppstår i NAV "
                "og hos innbyggerne, mens NAV og Skatteetaten bærer kostnadene.",
                "recommendation": "Fasilitator tilrår å gjennomføre forslaget som et nytt tiltak "
                "eid av NAV, med kostnadene fordelt etter hvor gevinstene oppstår.",
                "proposed_decision": "Programstyret vedtar å gjennomføre forslaget.",
                "status": "ready",
            },
            acting_user=facilitator,
        )
        carry = case.options.get(do_nothing=False)
        services.option_update(
            option=carry, data={"new_code": _free_code(programme)}, acting_user=facilitator
        )
        services.agenda_add(meeting=upcoming, case=case, acting_user=facilitator)
        created += 1
    initiative = Initiative.objects.filter(programme=programme, code="FI-17").first()
    if initiative is not None and initiative.planned_end:
        change = services.prepare_change_request(
            initiative,
            "timeline",
            facilitator,
            reason="Lanseringen er flyttet fra oktober til november; integrasjonen mot NAV "
            "trenger ett kvartal til.",
        )
        option = change.options.get(do_nothing=False)
        services.option_update(
            option=option,
            data={
                "new_end": initiative.planned_end + dt.timedelta(days=90),
                "portfolio_consequences": "Ingen andre tiltak må flyttes.",
            },
            acting_user=facilitator,
        )
        services.case_update(
            case=change,
            data={
                "recommended_option": option,
                "recommendation": "Tilrår ny sluttdato.",
                "status": "ready",
            },
            acting_user=facilitator,
        )
        services.agenda_add(meeting=past, case=change, acting_user=facilitator)
        services.decide(
            change,
            option=option,
            outcome="approved",
            rationale="Forsinkelsen er liten og gevinstene står seg.",
            forum=board,
            meeting=past,
            decided_on=past.date,
            review_date=past.date + dt.timedelta(days=365),
            present=[member],
            acting_user=member,
        )
        created += 2
    if "AID" in orgs and "NAV" in orgs:
        services.dialogue_item_create(
            programme=programme,
            data={
                "kind": "allocation_letter",
                "ministry": orgs["AID"],
                "agency": orgs["NAV"],
                "text": "NAV skal bidra til felles gjeldsoversikt og rapportere på realiserte "
                "gevinster i programmet.",
                "budget_year": today.year + 1,
            },
            acting_user=DEMO,
        )
        created += 1
    return created


def _free_code(programme: Programme) -> str:
    n = 1
    codes = set(Initiative.objects.filter(programme=programme).values_list("code", flat=True))
    while f"FI-{n}" in codes:
        n += 1
    return f"FI-{n}"
