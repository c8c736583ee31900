"""Each person's work queue across every programme they have a role in.

A facilitator sees proposals waiting for harmonisation, assessments past their due date and
proposals ready for the governance dialogue (cases to prepare); an assessor sees the
assessments that wait for their scores; a proposer sees their own proposals and where they
are. Each list is one query (the proposals to harmonise and to prepare share one), whatever
the number of programmes or proposals, and at most ``LIMIT`` long (the page says when there
are more).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, Max, Q, QuerySet, When
from django.utils import timezone

from nytte.core.actors import Actor
from nytte.core.permissions import Action, programme_ids_for

from .assessment import assessments_awaiting
from .choices import OPEN_STAGES, Stage
from .models import Assessment, Proposal, supporter_count

LIMIT = 50


@dataclass
class Section:
    """One list of the queue: at most ``LIMIT`` items, and whether there are more."""

    items: list[Any] = field(default_factory=list)
    more: bool = False

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)


@dataclass
class WorkQueue:
    facilitates: bool
    to_harmonise: Section
    overdue: Section
    to_prepare: Section
    to_assess: Section
    mine: Section
    # The learning loop (governance): overdue follow-up actions and revisit items.
    overdue_actions: Section = field(default_factory=Section)
    revisits: Section = field(default_factory=Section)

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.to_harmonise,
                self.overdue,
                self.to_prepare,
                self.to_assess,
                self.mine,
                self.overdue_actions,
                self.revisits,
            )
        )


def _section(queryset: QuerySet[Any], limit: int = LIMIT) -> Section:
    rows = list(queryset[: limit + 1])
    return Section(items=rows[:limit], more=len(rows) > limit)


# What the queue's rows show of a proposal (and of its programme): the only columns read.
SHOWN = ("programme__name", "programme__slug", "number", "title", "stage", "stage_reason")
SHOWN_AT = ("created_at", "updated_at")


def _proposals(user: Actor, action: Action) -> QuerySet[Proposal]:
    return (
        Proposal.objects.for_user(user, action)
        .select_related("programme")
        .only(*SHOWN, *SHOWN_AT)
        .annotate(n_supports=supporter_count())
    )


def _overdue(user: Actor, today: dt.date) -> QuerySet[Assessment]:
    """Unsubmitted assessments past their due date in every programme ``user`` facilitates
    (who and when only: nothing the blind rule hides)."""
    return (
        Assessment.objects.for_user(user, Action.FACILITATE)
        .filter(submitted_at__isnull=True, due__lt=today, proposal__stage__in=OPEN_STAGES)
        .select_related("proposal__programme", "assessor")
        .only(
            "due",
            *(f"proposal__{name}" for name in SHOWN),
            "assessor__username",
            "assessor__full_name",
            "assessor__first_name",
            "assessor__last_name",
        )
    )


def _waiting_for_facilitator(
    user: Actor, open_case_statuses: Iterable[str], limit: int
) -> tuple[Section, Section]:
    """Proposals waiting for harmonisation (oldest first) and those ready for governance
    (longest unchanged first), in one query: at most ``limit`` + 1 rows of each stage read."""
    waiting_since = Case(When(stage=Stage.RECEIVED, then=F("created_at")), default=F("updated_at"))
    # The first ids of each stage from the stage index, a subquery with a limit each (which
    # PostgreSQL hashes once whatever its statistics); only those proposals are read whole,
    # with their supporters and open case.
    waiting = Proposal.objects.for_user(user, Action.FACILITATE)
    first = Q()
    for stage, since in ((Stage.RECEIVED, "created_at"), (Stage.READY, "updated_at")):
        ids = waiting.filter(stage=stage).order_by(since, "pk").values("pk")
        first |= Q(pk__in=ids[: limit + 1])
    rows = (
        _proposals(user, Action.FACILITATE)
        .filter(first)
        # A case already in preparation is linked, not offered again.
        .annotate(
            open_case=Max(
                "decision_cases__number",
                filter=Q(decision_cases__status__in=list(open_case_statuses)),
            ),
        )
        .order_by(waiting_since.asc(), "pk")
    )
    by_stage: dict[str, list[Proposal]] = {Stage.RECEIVED: [], Stage.READY: []}
    for proposal in rows:
        by_stage[proposal.stage].append(proposal)
    received, ready = by_stage[Stage.RECEIVED], by_stage[Stage.READY]
    return (
        Section(items=received[:limit], more=len(received) > limit),
        Section(items=ready[:limit], more=len(ready) > limit),
    )


def work_queue(user: Actor, *, today: dt.date | None = None, limit: int = LIMIT) -> WorkQueue:
    """What waits for ``user``, read in a fixed number of queries."""
    # Governance's part of the queue (cases in preparation, the learning loop's sections):
    # imported here, as governance builds on this app.
    from nytte.governance.choices import OPEN_CASE_STATUSES
    from nytte.governance.learning.queue import overdue_actions, revisits

    today = today or timezone.localdate()
    facilitated = programme_ids_for(user, Action.FACILITATE)
    facilitates = facilitated is None or bool(facilitated)
    empty = Section()
    if facilitates:
        to_harmonise, to_prepare = _waiting_for_facilitator(user, OPEN_CASE_STATUSES, limit)
        overdue = _section(
            _overdue(user, today).order_by(
                "due", "proposal__programme__name", "proposal__number", "pk"
            ),
            limit,
        )
    else:
        to_harmonise = overdue = to_prepare = empty
    to_assess = _section(
        assessments_awaiting(user=user).order_by(F("due").asc(nulls_last=True), "created_at", "pk"),
        limit,
    )
    mine = _section(
        _proposals(user, Action.VIEW).filter(proposer=user).order_by("-created_at", "-pk"),
        limit,
    )
    for assessment in to_assess:
        assessment.overdue = assessment.due is not None and assessment.due < today
    return WorkQueue(
        facilitates=facilitates,
        to_harmonise=to_harmonise,
        overdue=overdue,
        to_prepare=to_prepare,
        to_assess=to_assess,
        mine=mine,
        overdue_actions=_section(overdue_actions(user, today=today), limit),
        revisits=_section(revisits(user), limit) if facilitates else empty,
    )
