"""The portfolio status for the forum, half-yearly or on demand: traffic lights on time,
cost and benefits for every initiative — closed ones too, until every benefit they
contribute to is realised or written off (lost) — with the change since the last report.
A report's content is frozen when it is made.

The lights (green, yellow, red; empty when nothing tells):

- **time**: red when the planned end has passed and the initiative is not yet closing or
  realising benefits; yellow when it ends within ``SOON_DAYS``; the latest status report of
  the initiative (portfolio register) wins when it says worse.
- **cost**: the register's most likely cost against the costs of the option its latest
  decision chose: red above ``COST_RED``, yellow above 1.0; without a decision, the latest
  status report's cost colour.
- **benefits**: the amount-weighted realisation ratio of its measured benefits: red below
  ``BENEFIT_RED``, yellow when below 1.0 by more than the tolerance or any benefit is behind
  plan; empty when nothing is measured.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from nytte.benefits.choices import BenefitStatus
from nytte.benefits.models import Benefit
from nytte.core.actors import Actor, actor_user
from nytte.core.models import Programme
from nytte.core.permissions import Action, require
from nytte.core.services import object_create
from nytte.portfolio.choices import Phase
from nytte.portfolio.models import Initiative
from nytte.portfolio.models import StatusReport as InitiativeReport

from ..models import Forum, StatusReport
from . import realised
from .common import decisions_by_initiative
from .reviews import option_costs

SOON_DAYS = 90
COST_RED = 1.10
BENEFIT_RED = 0.80
CLOSED_PHASES = (Phase.CLOSE, Phase.REALISE)
DONE_BENEFITS = (BenefitStatus.REALISED, BenefitStatus.LOST)
ORDER = {"": 0, "green": 1, "yellow": 2, "red": 3}


def worst(*colours: str) -> str:
    return max(colours, key=lambda c: ORDER.get(c, 0))


def time_light(initiative: Initiative, today: dt.date, reported: str) -> str:
    light = "green" if initiative.planned_end else ""
    if initiative.planned_end and initiative.phase not in CLOSED_PHASES:
        if initiative.planned_end < today:
            light = "red"
        elif initiative.planned_end <= today + dt.timedelta(days=SOON_DAYS):
            light = "yellow"
    return worst(light, reported)


def cost_light(ratio: float | None, reported: str) -> str:
    if ratio is None:
        return reported
    return "red" if ratio > COST_RED else "yellow" if ratio > 1.0 else "green"


def benefit_light(rows: list[realised.BenefitRealisation]) -> tuple[str, float | None]:
    totals = realised.totals(rows)
    ratio = totals["ratio"]
    if ratio is None:
        return "", None
    light = "red" if ratio < BENEFIT_RED else "green"
    if light == "green" and (ratio < 1.0 and any(r.behind for r in rows)):
        light = "yellow"
    return light, float(ratio)


def followed_initiatives(programme: Programme) -> list[Initiative]:
    """Every initiative, but a closed one only while some benefit is still to realise."""
    initiatives = (
        Initiative.objects.filter(programme=programme)
        .prefetch_related(
            "benefit_contributions__benefit",
            Prefetch("status_reports", queryset=InitiativeReport.objects.order_by("-period")),
        )
        .order_by("code")
    )
    kept = []
    for initiative in initiatives:
        if initiative.phase in CLOSED_PHASES:
            statuses = [c.benefit.status for c in initiative.benefit_contributions.all()]
            if statuses and all(s in DONE_BENEFITS for s in statuses):
                continue
        kept.append(initiative)
    return kept


def benefits_by_initiative(
    ids: list[int], *, today: dt.date
) -> dict[int, list[realised.BenefitRealisation]]:
    """Each initiative's benefits, realised against expected, read once for all of them."""
    benefits = realised.prefetched_benefits(
        Benefit.objects.filter(contributions__initiative__in=ids).distinct()
    ).order_by("code")
    found: dict[int, list[realised.BenefitRealisation]] = {}
    for benefit in realised.benefits_with_progress(benefits, today=today):
        for contribution in benefit.contributions.all():
            found.setdefault(contribution.initiative_id, []).append(
                realised.realisation_of(benefit, [contribution.initiative_id], today=today)
            )
    return found


def report_content(programme: Programme, *, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    initiatives = followed_initiatives(programme)
    decisions = decisions_by_initiative([i.pk for i in initiatives])
    per_initiative = benefits_by_initiative([i.pk for i in initiatives], today=today)
    rows = []
    for initiative in initiatives:
        latest = next(iter(initiative.status_reports.all()), None)
        decision = decisions.get(initiative.pk)
        expected = sum(option_costs(decision).values()) if decision else 0
        cost_ratio = initiative.cost_likely / expected if expected else None
        benefits = per_initiative.get(initiative.pk, [])
        light, benefit_ratio = benefit_light(benefits)
        rows.append(
            {
                "id": initiative.pk,
                "code": initiative.code,
                "title": initiative.title,
                "phase": initiative.phase,
                "closed": initiative.phase in CLOSED_PHASES,
                "time": time_light(initiative, today, latest.plan if latest else ""),
                "cost": cost_light(cost_ratio, latest.cost if latest else ""),
                "benefits": light,
                "cost_ratio": None if cost_ratio is None else round(cost_ratio, 3),
                "benefit_ratio": None if benefit_ratio is None else round(benefit_ratio, 3),
                "decision": decision.pk if decision else None,
            }
        )
    return {"as_of": today.isoformat(), "initiatives": rows}


LIGHTS = ("time", "cost", "benefits")


def changes(content: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """What moved since ``previous``: lights per initiative, and initiatives in and out."""
    if previous is None:
        return {"since": None, "changed": [], "added": [], "removed": []}
    before = {row["code"]: row for row in previous.get("initiatives", [])}
    now = {row["code"]: row for row in content.get("initiatives", [])}
    changed = []
    for code, row in now.items():
        old = before.get(code)
        if old is None:
            continue
        moves = {k: {"before": old.get(k, ""), "after": row[k]} for k in LIGHTS}
        moves = {k: v for k, v in moves.items() if v["before"] != v["after"]}
        if moves:
            changed.append({"code": code, "title": row["title"], "lights": moves})
    return {
        "since": previous.get("as_of"),
        "changed": changed,
        "added": sorted(set(now) - set(before)),
        "removed": sorted(set(before) - set(now)),
    }


def previous_report(programme: Programme, before: StatusReport | None = None) -> Any:
    reports = StatusReport.objects.filter(programme=programme)
    if before is not None:
        reports = reports.filter(created_at__lte=before.created_at).exclude(pk=before.pk)
    return reports.order_by("-created_at", "-pk").first()


@transaction.atomic
def report_create(
    *,
    programme: Programme,
    title: str = "",
    forum: Forum | None = None,
    today: dt.date | None = None,
    acting_user: Actor,
) -> StatusReport:
    """Freeze the portfolio status now, with the change since the last report inside."""
    require(acting_user, Action.FACILITATE, programme)
    today = today or timezone.localdate()
    content = report_content(programme, today=today)
    previous = previous_report(programme)
    content["changes"] = changes(content, previous.content if previous else None)
    report = StatusReport(
        programme=programme,
        forum=forum,
        title=title or _("Portfolio status %(date)s") % {"date": today.strftime("%d.%m.%Y")},
        content=content,
        created_by=actor_user(acting_user),
    )
    return object_create(report, acting_user=acting_user)


HALF_YEAR = dt.timedelta(days=182)


def half_yearly(*, acting_user: Actor, today: dt.date | None = None) -> int:
    """Make the next report of every programme whose latest report is half a year old (the
    first report of a programme is made on demand); returns how many were made."""
    today = today or timezone.localdate()
    made = 0
    for programme in Programme.objects.filter(portfolio_reports__isnull=False).distinct():
        latest = previous_report(programme)
        if latest is not None and timezone.localdate(latest.created_at) <= today - HALF_YEAR:
            report_create(programme=programme, acting_user=acting_user, today=today)
            made += 1
    return made
