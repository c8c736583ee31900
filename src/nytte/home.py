"""The home page: one overview card per programme the user may see.

It lives outside ``nytte.core`` because it reads every domain app (portfolio, benefits,
proposals) and core imports none of them. Each figure is one grouped query over all the
user's programmes, so the page costs the same number of queries however many programmes
there are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from nytte.benefits.choices import BenefitStatus
from nytte.benefits.models import BenefitAmount
from nytte.core import selectors
from nytte.portfolio.choices import Phase, StatusColour
from nytte.portfolio.models import Initiative
from nytte.proposals.choices import OPEN_STAGES, Stage
from nytte.proposals.models import Proposal
from nytte.proposals.queue import work_queue


def _initiatives(ids: list[int]) -> dict[int, dict[str, Any]]:
    counts: dict[int, Counter] = defaultdict(Counter)
    for row in (
        Initiative.objects.filter(programme_id__in=ids)
        .values("programme_id", "phase", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["programme_id"]][(row["phase"], row["status"])] += row["n"]
    out = {}
    for pk in ids:
        c = counts[pk]
        out[pk] = {
            "total": sum(c.values()),
            "by_status": [
                {"value": s, "label": label, "n": sum(n for (_p, st), n in c.items() if st == s)}
                for s, label in StatusColour.choices
            ],
            "by_phase": [
                {"value": p, "label": label, "n": sum(n for (ph, _s), n in c.items() if ph == p)}
                for p, label in Phase.choices
            ],
        }
    return out


def _benefits(ids: list[int], year: int) -> dict[int, dict[str, Any]]:
    """This year's most likely amounts, each benefit counted once: planned in all, and in
    the benefits whose owner has marked them realised."""
    rows = (
        BenefitAmount.objects.filter(benefit__programme_id__in=ids, year=year)
        .values("benefit__programme_id")
        .annotate(
            planned=Sum("likely"),
            realised=Sum("likely", filter=Q(benefit__status=BenefitStatus.REALISED)),
            n=Count("benefit", distinct=True),
        )
        .order_by()
    )
    found = {r["benefit__programme_id"]: r for r in rows}
    out = {}
    for pk in ids:
        r = found.get(pk) or {"planned": 0, "realised": 0, "n": 0}
        planned, realised = r["planned"] or 0, r["realised"] or 0
        out[pk] = {
            "planned": planned,
            "realised": realised,
            "n": r["n"],
            "percent": round(100 * realised / planned) if planned else None,
        }
    return out


def _proposals(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    counts = {
        (r["programme_id"], r["stage"]): r["n"]
        for r in Proposal.objects.filter(programme_id__in=ids, stage__in=OPEN_STAGES)
        .values("programme_id", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    }
    labels = dict(Stage.choices)
    return {
        pk: [
            {"value": stage, "label": labels[stage], "n": counts.get((pk, stage), 0)}
            for stage in OPEN_STAGES
        ]
        for pk in ids
    }


def _queue(user: Any) -> dict[int, int]:
    """How many things wait for ``user`` in each programme (the work queue, counted)."""
    queue = work_queue(user)
    waiting: Counter = Counter()
    for section in (queue.to_harmonise, queue.to_prepare):
        waiting.update(p.programme_id for p in section)
    for section in (queue.overdue, queue.to_assess):
        waiting.update(a.proposal.programme_id for a in section)
    waiting.update(a.decision.case.programme_id for a in queue.overdue_actions)
    waiting.update(item.programme_id for item in queue.revisits)
    return dict(waiting)


def overview(
    user: Any, programmes: list[Any] | None = None, *, year: int | None = None
) -> list[dict[str, Any]]:
    """One card per programme ``user`` may see, in a fixed number of queries."""
    if programmes is None:
        programmes = list(selectors.programme_list(user=user))
    ids = [p.pk for p in programmes]
    year = year or timezone.localdate().year
    initiatives, benefits = _initiatives(ids), _benefits(ids, year)
    proposals, queue = _proposals(ids), _queue(user)
    return [
        {
            "programme": p,
            "initiatives": initiatives[p.pk],
            "benefits": benefits[p.pk],
            "proposals": proposals[p.pk],
            "proposals_open": sum(s["n"] for s in proposals[p.pk]),
            "waiting": queue.get(p.pk, 0),
        }
        for p in programmes
    ]


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/welcome.html")
    programmes = list(selectors.programme_list(user=request.user))
    if len(programmes) == 1:  # one programme: its own page is the start
        return redirect(programmes[0])
    cards = overview(request.user, programmes)
    return render(request, "home.html", {"cards": cards, "year": timezone.localdate().year})
