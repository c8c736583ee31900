"""The forum's status report (closed initiatives, change since last) and process metrics."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from nytte.governance.choices import Outcome
from nytte.governance.learning import metrics
from nytte.governance.learning.status_report import changes, report_content
from nytte.proposals.choices import Channel, EventKind, Stage
from nytte.proposals.models import ProposalEvent
from tests.factories import BenefitFactory, ContributionFactory, InitiativeFactory, ProposalFactory
from tests.governance.factories import DecisionCaseFactory, DecisionFactory


def test_closed_initiatives_stay_until_their_benefits_are_realised_or_written_off(programme):
    closing = InitiativeFactory(programme=programme, code="A", phase="close")
    done = InitiativeFactory(programme=programme, code="B", phase="realise")
    InitiativeFactory(programme=programme, code="C", planned_end=dt.date(2020, 1, 1))
    ContributionFactory(
        benefit=BenefitFactory(programme=programme, status="realising"), initiative=closing
    )
    ContributionFactory(
        benefit=BenefitFactory(programme=programme, status="realised"), initiative=done
    )
    ContributionFactory(benefit=BenefitFactory(programme=programme, status="lost"), initiative=done)
    content = report_content(programme, today=dt.date(2026, 6, 1))
    rows = {r["code"]: r for r in content["initiatives"]}
    assert set(rows) == {"A", "C"}
    assert rows["A"]["closed"] and rows["A"]["time"] == ""  # no planned end to judge by
    assert rows["C"]["time"] == "red"  # past its planned end and not closing


def test_the_change_since_the_last_report_names_moved_lights_and_initiatives():
    before = {
        "as_of": "2026-01-01",
        "initiatives": [
            {"code": "A", "title": "a", "time": "green", "cost": "", "benefits": "green"},
            {"code": "B", "title": "b", "time": "green", "cost": "", "benefits": ""},
        ],
    }
    now = {
        "initiatives": [
            {"code": "A", "title": "a", "time": "yellow", "cost": "", "benefits": "green"},
            {"code": "C", "title": "c", "time": "green", "cost": "", "benefits": ""},
        ]
    }
    moved = changes(now, before)
    assert moved["since"] == "2026-01-01"
    assert moved["changed"] == [
        {"code": "A", "title": "a", "lights": {"time": {"before": "green", "after": "yellow"}}}
    ]
    assert moved["added"] == ["C"] and moved["removed"] == ["B"]
    assert changes(now, None)["since"] is None


@pytest.fixture
def timeline(programme):
    """Two proposals: F-1 (staff, form) reached harmonisation after 2 days and assessment after
    10, and was approved on day 30; F-2 (public) was rejected."""
    start = timezone.make_aware(dt.datetime(2026, 1, 1, 12))
    first = ProposalFactory(programme=programme, source="staff", channel=Channel.FORM)
    second = ProposalFactory(
        programme=programme, source="user_insight", channel=Channel.PUBLIC, stage=Stage.REJECTED
    )
    for proposal in (first, second):
        type(proposal).objects.filter(pk=proposal.pk).update(created_at=start)
    for days, stage in ((2, Stage.HARMONISATION), (10, Stage.ASSESSMENT)):
        # Events are append-only: each is written at the moment it happened.
        with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(days=days)):
            ProposalEvent.objects.create(
                proposal=first, kind=EventKind.STAGE_CHANGED, to_stage=stage
            )
    case = DecisionCaseFactory(programme=programme, proposal=first)
    DecisionFactory(case=case, outcome=Outcome.APPROVED, decided_on=dt.date(2026, 1, 31))
    return first, second


def test_metrics_count_days_to_each_stage_and_outcomes_per_source_and_channel(programme, timeline):
    data = metrics.process_metrics(programme)
    times = {r["step"]: r for r in data["stage_times"]}
    assert times["harmonisation"]["median"] == 2.0 and times["harmonisation"]["count"] == 1
    assert times["assessment"]["median"] == 10.0
    assert times["decision"]["median"] == 30 and times["decision"]["count"] == 1
    keys = [o["key"] for o in data["outcomes"]]
    by_source = {
        row["key"]: dict(zip(keys, row["counts"], strict=True)) for row in data["by_source"]
    }
    assert by_source["staff"]["approved"] == 1 and by_source["user_insight"]["rejected"] == 1
    by_channel = {row["key"]: row["total"] for row in data["by_channel"]}
    assert by_channel == {"form": 1, "public": 1}


def test_the_next_report_is_made_when_the_last_is_half_a_year_old(programme, facilitator):
    from nytte.core.actors import SYSTEM
    from nytte.governance.learning.status_report import half_yearly, report_create
    from nytte.governance.models import StatusReport

    today = timezone.localdate()
    assert half_yearly(acting_user=SYSTEM, today=today) == 0  # the first is made on demand
    report_create(programme=programme, acting_user=facilitator)
    assert half_yearly(acting_user=SYSTEM, today=today + dt.timedelta(days=100)) == 0
    assert half_yearly(acting_user=SYSTEM, today=today + dt.timedelta(days=190)) == 1
    latest = StatusReport.objects.order_by("-pk").first()
    assert latest.content["changes"]["since"] == today.isoformat()
