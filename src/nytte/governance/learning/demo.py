"""Demo data for step 5 in Framtidens innkreving, on the decision the governance demo made
(FI-17's new timeline): two follow-up actions (one overdue), a recorded review with the
lesson drawn from it, and a first portfolio status report for the board.

Idempotent: if the demo lesson exists, nothing is done."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from nytte.core.actors import System
from nytte.core.models import Programme, User

from ..models import Decision, Lesson
from . import actions, lessons, reviews, status_report

DEMO = System("demo")
LESSON = "Meld små forsinkelser som endringsanmodning tidlig"


@transaction.atomic
def load_learning_demo(*, today: dt.date | None = None) -> int:
    """Load the learning-loop demo if it is missing; return the number of objects made."""
    programme = Programme.objects.filter(slug="framtidens-innkreving").first()
    facilitator = User.objects.filter(username="fasilitator").first()
    if programme is None or facilitator is None:
        return 0
    if Lesson.objects.filter(programme=programme, title=LESSON).exists():
        return 0
    decision = (
        Decision.objects.filter(case__programme=programme)
        .select_related("case")
        .order_by("-decided_on", "-pk")
        .first()
    )
    if decision is None:
        return 0
    today = today or timezone.localdate()
    actions.action_create(
        decision=decision,
        title="Oppdater gevinstrealiseringsplanen med den nye sluttdatoen",
        due_date=today - dt.timedelta(days=14),
        owner=facilitator,
        acting_user=DEMO,
    )
    actions.action_create(
        decision=decision,
        title="Rapporter framdrift til programstyret",
        due_date=today + dt.timedelta(days=60),
        owner=facilitator,
        acting_user=DEMO,
    )
    review = reviews.review_record(
        decision=decision,
        learned="Forsinkelsen ble meldt tidlig, og styret kunne vedta ny tidsplan uten at "
        "andre tiltak måtte flyttes.",
        next_review=decision.review_date,
        acting_user=facilitator,  # a review has a named reviewer
    )
    lessons.lesson_create(
        programme=programme,
        title=LESSON,
        text="En forsinkelse som meldes tidlig, kan styres som en liten endring; meldt sent "
        "rammer den andre tiltak og gevinstene deres.",
        tags="tidsplan, endring, styring",
        review=review,
        acting_user=DEMO,
    )
    status_report.report_create(
        programme=programme, title="Porteføljestatus for programstyret", acting_user=DEMO
    )
    return 5
