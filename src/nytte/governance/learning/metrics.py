"""Process metrics: how the process itself performs, so that it can be improved — days from
received to each stage and to the decision, outcomes per source and channel, and realised
against expected benefit of the proposals that became initiatives."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from nytte.core.models import Programme
from nytte.proposals.choices import Channel, EventKind, Source, Stage
from nytte.proposals.models import Proposal, ProposalEvent

from ..choices import Outcome
from ..models import Decision
from . import realised
from .status_report import benefits_by_initiative

STAGES = (Stage.HARMONISATION, Stage.ASSESSMENT, Stage.READY, Stage.ADOPTED)
# Outcome of a proposal: the decision's outcome, else where it stopped, else still open.
OPEN = "open"


def _summary(days: list[float]) -> dict[str, Any]:
    if not days:
        return {"count": 0, "median": None, "mean": None}
    return {
        "count": len(days),
        "median": round(statistics.median(days), 1),
        "mean": round(statistics.fmean(days), 1),
    }


def stage_times(programme: Programme) -> list[dict[str, Any]]:
    """Days from received to first reaching each stage, and to the decision."""
    received = dict(Proposal.objects.filter(programme=programme).values_list("pk", "created_at"))
    reached: dict[str, dict[int, dt.datetime]] = defaultdict(dict)
    events = (
        ProposalEvent.objects.filter(
            proposal__programme=programme,
            kind__in=(EventKind.STAGE_CHANGED, EventKind.ATTACHED),
            to_stage__in=STAGES,
        )
        .order_by("created_at")
        .values_list("proposal_id", "to_stage", "created_at")
    )
    for proposal_id, stage, at in events:
        reached[stage].setdefault(proposal_id, at)
    labels = dict(Stage.choices)
    rows = []
    for stage in STAGES:
        days = [
            (at - received[pk]).total_seconds() / 86400
            for pk, at in reached[stage].items()
            if pk in received
        ]
        rows.append({"step": stage, "label": str(labels[stage]), **_summary(days)})
    decided: dict[int, dt.date] = {}
    for proposal_id, on in (
        Decision.objects.filter(case__programme=programme, case__proposal__isnull=False)
        .order_by("decided_on")
        .values_list("case__proposal_id", "decided_on")
    ):
        decided.setdefault(proposal_id, on)
    days = [
        (on - timezone.localdate(received[pk])).days for pk, on in decided.items() if pk in received
    ]
    rows.append({"step": "decision", "label": _("Decision"), **_summary(days)})
    return rows


def outcomes(programme: Programme) -> dict[str, Any]:
    """Counts of outcomes per source and per channel."""
    decided = dict(
        Decision.objects.filter(
            case__programme=programme, case__proposal__isnull=False, amended_by__isnull=True
        )
        .order_by("decided_on", "pk")
        .values_list("case__proposal_id", "outcome")
    )
    stopped = {Stage.PARKED, Stage.REJECTED, Stage.MERGED}
    by_source: Counter = Counter()
    by_channel: Counter = Counter()
    for pk, source, channel, stage in Proposal.objects.filter(programme=programme).values_list(
        "pk", "source", "channel", "stage"
    ):
        outcome = decided.get(pk) or (stage if stage in stopped else OPEN)
        by_source[(source, outcome)] += 1
        by_channel[(channel, outcome)] += 1
    labels = {**dict(Outcome.choices), **dict(Stage.choices)}
    labels[OPEN] = _("Still open")
    # A forum's "parked" and "rejected" and the pipeline's are one column each.
    keys = list(dict.fromkeys([*Outcome.values, Stage.PARKED, Stage.REJECTED, Stage.MERGED, OPEN]))

    def table(counter: Counter, choices: Any) -> list[dict[str, Any]]:
        return [
            {
                "key": value,
                "label": str(label),
                "counts": [counter[(value, k)] for k in keys],
                "total": sum(counter[(value, k)] for k in keys),
            }
            for value, label in choices
            if any(counter[(value, k)] for k in keys)
        ]

    return {
        "outcomes": [{"key": k, "label": str(labels[k])} for k in keys],
        "by_source": table(by_source, Source.choices),
        "by_channel": table(by_channel, Channel.choices),
    }


def adopted_realisation(programme: Programme, *, today: dt.date | None = None) -> dict[str, Any]:
    """Realised against expected benefit of the proposals that became initiatives."""
    today = today or timezone.localdate()
    adopted = list(
        Proposal.objects.filter(
            programme=programme, stage=Stage.ADOPTED, attached_to__isnull=False
        ).select_related("attached_to")
    )
    per_initiative = benefits_by_initiative([p.attached_to_id for p in adopted], today=today)
    rows, everything = [], []
    for proposal in adopted:
        benefits = per_initiative.get(proposal.attached_to_id, [])
        everything += benefits
        rows.append(
            {
                "reference": proposal.reference,
                "title": proposal.title,
                "initiative": proposal.attached_to.code,
                **realised.totals(benefits),
            }
        )
    return {"rows": rows, "totals": realised.totals(everything)}


def process_metrics(programme: Programme, *, today: dt.date | None = None) -> dict[str, Any]:
    return {
        "stage_times": stage_times(programme),
        **outcomes(programme),
        "adopted": adopted_realisation(programme, today=today),
    }
