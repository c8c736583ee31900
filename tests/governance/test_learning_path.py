"""Step 5 after a real decision (step 4's services): the decided proposal's initiative is
measured, falls behind plan, is revisited and reviewed, and its lesson reaches a new similar
proposal; the proposer is told and follows the realisation; metrics and the status report
see it."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.urls import reverse

from nytte.benefits.services.measurements import measurement_create
from nytte.core.models import hash_token
from nytte.governance import services
from nytte.governance.choices import Outcome, RevisitKind
from nytte.governance.learning import lessons, metrics, reviews
from nytte.governance.learning.status_report import report_create
from nytte.governance.models import RevisitItem
from nytte.portfolio.models import Initiative
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    IndicatorFactory,
    ProposalFactory,
    TargetFactory,
)


def test_from_decision_to_lesson_on_a_similar_proposal(
    ready_proposal,
    facilitator,
    forum_member,
    board,
    programme,
    client_for,
    django_capture_on_commit_callbacks,
):
    ready_proposal.proposer_email = "innsender@example.no"
    ready_proposal.need = "Varsler fra staten kommer i mange kanaler og blir oversett."
    ready_proposal.save()
    case = services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decide(
            case,
            option=case.options.get(do_nothing=False),
            outcome=Outcome.APPROVED,
            rationale="Felles varsling gir størst nytte for innbyggerne.",
            forum=board,
            decided_on=dt.date(2026, 1, 10),
            review_date=dt.date(2026, 9, 1),
            acting_user=forum_member,
        )
    # decide() tells the proposer, once.
    assert sum("innsender@example.no" in m.to for m in mail.outbox) == 1
    initiative = Initiative.objects.get(programme=programme, code="F-1")

    # The benefit register follows the new initiative; a measurement behind plan.
    benefit = BenefitFactory(programme=programme, title="Færre oversette varsler")
    ContributionFactory(benefit=benefit, initiative=initiative, share=100)
    BenefitAmountFactory(benefit=benefit, year=2026, likely=800_000, low=600_000, high=900_000)
    indicator = IndicatorFactory(benefit=benefit)
    TargetFactory(indicator=indicator, date=dt.date(2027, 1, 1), value=600)
    measurement_create(
        indicator=indicator, date=dt.date(2026, 7, 1), value=900, acting_user=facilitator
    )
    item = RevisitItem.objects.get(kind=RevisitKind.BENEFIT_BEHIND)
    assert item.decision == decision

    # The review: realised against expected benefits and the decided costs.
    review = reviews.review_record(
        decision=decision,
        learned="Varslene må samordnes med kommunene tidlig.",
        reviewed_on=dt.date(2026, 9, 1),
        acting_user=facilitator,
    )
    (row,) = review.figures["benefits"]
    assert row["realised_percent"] == 25.0 and row["behind"]
    assert review.figures["costs"]["expected"] == 6_000_000
    assert review.figures["costs"]["actual"] == 6_000_000  # the adopted cost lines
    lesson = lessons.lesson_create(
        programme=programme,
        title="Samordne varsling med kommunene",
        text=review.learned,
        tags="varsling, kommuner",
        review=review,
        acting_user=facilitator,
    )
    assert lesson.case == case

    # A new, similar proposal shows the lesson on its harmonisation tab.
    newcomer = ProposalFactory(
        programme=programme,
        title="Felles varsling til innbyggere",
        need="Innbyggere overser varsler fra staten.",
    )
    assert [m.lesson for m in lessons.lessons_for(newcomer, user=facilitator)] == [lesson]
    tab = client_for(facilitator).get(newcomer.get_absolute_url(), {"tab": "harmonisation"})
    assert "Samordne varsling med kommunene" in tab.content.decode()

    # The proposer follows the realisation on the status page.
    ready_proposal.refresh_from_db()
    ready_proposal.status_token_hash = hash_token("lenke")
    ready_proposal.save()
    page = client_for(facilitator).get(reverse("proposals:status", args=["lenke"]))
    html = page.content.decode()
    assert "F-1" in html and "Færre oversette varsler" in html and "25 %" in html

    # The process metrics and the forum's status report see the adopted proposal.
    data = metrics.process_metrics(programme, today=dt.date(2026, 9, 1))
    decided_row = next(r for r in data["stage_times"] if r["step"] == "decision")
    assert decided_row["count"] == 1
    assert data["adopted"]["rows"][0]["initiative"] == "F-1"
    report = report_create(programme=programme, acting_user=facilitator, today=dt.date(2026, 9, 1))
    (status,) = [r for r in report.content["initiatives"] if r["code"] == "F-1"]
    assert status["benefits"] == "red" and status["cost_ratio"] == 1.0
