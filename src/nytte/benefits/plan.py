"""The benefits realisation plan (gevinstrealiseringsplan) of an initiative or a programme,
as plain data in the structure of domain.md §5.

``build_plan`` reads the register in a fixed number of queries and returns a dict of plain
JSON values (str, int, float, bool, None, list, dict; dates as ISO strings). A saved version
is that dict frozen in ``RealisationPlan.content``, and the page, the DOCX and the Excel
workbook all render from the dict alone, so an old version renders as it was even after the
register has changed. Labels of choices are looked up when rendering (``display``), so a
version saved in one language reads in the other.

The rules that decide where a krone lands are small functions below, each tested on its own:

- the plan counts each benefit at ``plan_fraction``: the initiative's share for an initiative
  plan (never the whole benefit when it is shared), the whole benefit once for the programme;
- the "own agency" (``own_agency_ids``) is the initiative's owner organisation for an
  initiative plan, and for a programme plan the owner organisations of the initiatives that
  contribute to the benefit in question;
- ``split_amount`` puts a priced amount into the overview's parts: an efficiency gain arising
  in the own agency is budget effect (the share to be cut from budgets) and freed capacity
  (the rest); priced benefits in other public bodies (municipalities included) are "elsewhere
  in the public sector"; priced gains for citizens, businesses and the private sector are
  shown in a part of their own, since they are outside the public sector; non-priced benefits
  are "non-priced effects" wherever they arise. A priced benefit the rules cannot place (it
  arises nowhere, or a gain for others is said to arise in the own agency) is listed as such
  rather than guessed.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from nytte.core.actors import Actor
from nytte.core.choices import OrganisationKind
from nytte.core.models import Programme
from nytte.portfolio import selectors as portfolio_selectors
from nytte.portfolio.choices import GoalLevel, Phase, RiskStatus, StatusColour
from nytte.portfolio.models import Initiative, InitiativeGoal, Risk

from . import selectors
from .choices import BeneficiaryGroup, BenefitKind, BenefitStatus, Direction, Frequency
from .models import Benefit, BenefitAmount, Contribution

# The shape of the dict; a renderer meeting a newer format knows it is out of date.
PLAN_FORMAT = 1

HUNDRED = Decimal(100)

# The parts of the benefit overview, in the order the plan shows them.
BUDGET = "budget"  # (a) budget effect in own agency
CAPACITY = "capacity"  # (b) other use of freed capacity in own agency
PUBLIC = "public"  # (c) priced benefits elsewhere in the public sector
OUTSIDE = "outside"  # priced gains outside the public sector (citizens, businesses, …)
NON_PRICED = "non_priced"  # (d) non-priced effects, wherever they arise
UNPLACED = "unplaced"  # priced benefits the rules cannot place: shown, never guessed
PART_ORDER = (BUDGET, CAPACITY, PUBLIC, OUTSIDE, NON_PRICED, UNPLACED)

PARTS: dict[str, dict[str, Any]] = {
    BUDGET: {
        "letter": "a",
        "title": _("Budget effect in own agency"),
        "description": _(
            "Priced efficiency gains arising in the own agency, times the share to be cut "
            "from budgets."
        ),
    },
    CAPACITY: {
        "letter": "b",
        "title": _("Other use of freed capacity in own agency"),
        "description": _(
            "The rest of the priced efficiency gains arising in the own agency: capacity "
            "freed for other tasks."
        ),
    },
    PUBLIC: {
        "letter": "c",
        "title": _("Priced benefits elsewhere in the public sector"),
        "description": _(
            "Priced benefits arising in other agencies, ministries or municipalities."
        ),
    },
    OUTSIDE: {
        "letter": "",
        "title": _("Priced gains outside the public sector"),
        "description": _(
            "Priced gains for citizens, businesses and the private sector. They are not part "
            "of the public sector's budgets, so they are shown here on their own, between "
            "the priced benefits in the public sector and the non-priced effects."
        ),
    },
    NON_PRICED: {
        "letter": "d",
        "title": _("Non-priced effects"),
        "description": _(
            "Benefits counted in physical units or judged on the plus-minus scale, wherever "
            "they arise; gains for citizens, businesses and the private sector that are not "
            "priced are here too."
        ),
    },
    UNPLACED: {
        "letter": "",
        "title": _("Priced benefits the plan cannot place"),
        "description": _(
            "Correct these in the register: the plan does not guess where they belong."
        ),
    },
}

# Where a benefit arises, seen from the plan's own agency.
OWN = "own"
ELSEWHERE_PUBLIC = "public"
OUTSIDE_PUBLIC = "outside"
UNKNOWN = "unknown"
SECTORS = {
    OWN: _("Own agency"),
    ELSEWHERE_PUBLIC: _("Elsewhere in the public sector"),
    OUTSIDE_PUBLIC: _("Outside the public sector"),
    UNKNOWN: _("Not given"),
}
OUTSIDE_GROUPS = frozenset(
    {BeneficiaryGroup.CITIZENS, BeneficiaryGroup.BUSINESSES, BeneficiaryGroup.PRIVATE_SECTOR}
)
OUTSIDE_ORGANISATION_KINDS = frozenset({OrganisationKind.PRIVATE})

# Why a priced benefit is in the "cannot place" part.
UNPLACED_REASONS = {
    "no_place": _("It has no organisation or group where it arises."),
    "others_in_own": _(
        "It is a gain for others, yet it arises in the own agency: make it an efficiency "
        "gain, or say where the others are."
    ),
}


# ---------------------------------------------------------------------------------------------
# The rules


def plan_fraction(benefit: Benefit, initiative: Initiative | None) -> Decimal:
    """The fraction (0–1) of a benefit this plan counts: the initiative's attributed share in
    an initiative plan, and the whole benefit, once, in the programme plan. Contributions
    must be prefetched."""
    if initiative is None:
        return Decimal(1)
    return selectors.attributed_share(benefit, [initiative.pk])


def own_agency_ids(benefit: Benefit, initiative: Initiative | None) -> frozenset[int]:
    """The organisations that are the "own agency" for this benefit: the initiative's owner
    organisation in an initiative plan; in the programme plan, the owner organisations of
    the initiatives that contribute to the benefit (contributions prefetched with their
    initiatives)."""
    if initiative is not None:
        return frozenset({initiative.owner_organisation_id})
    return frozenset(c.initiative.owner_organisation_id for c in benefit.contributions.all())


def sector_of(benefit: Benefit, own_ids: Iterable[int]) -> str:
    """Where the benefit arises seen from the own agency: ``OWN``, ``ELSEWHERE_PUBLIC``
    (another public body, or municipalities), ``OUTSIDE_PUBLIC`` (a private organisation, or
    citizens, businesses, the private sector) or ``UNKNOWN`` (no place given)."""
    if benefit.arises_in_organisation_id is not None:
        if benefit.arises_in_organisation_id in set(own_ids):
            return OWN
        if benefit.arises_in_organisation.kind in OUTSIDE_ORGANISATION_KINDS:
            return OUTSIDE_PUBLIC
        return ELSEWHERE_PUBLIC
    if benefit.arises_in_group:
        return OUTSIDE_PUBLIC if benefit.arises_in_group in OUTSIDE_GROUPS else ELSEWHERE_PUBLIC
    return UNKNOWN


def whole_kroner(value: Decimal | int) -> int:
    """Round to whole kroner, halves away from zero (as accountants do)."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def attributed_amount(amount: int, fraction: Decimal) -> int:
    """The part of a yearly amount this plan counts (``plan_fraction``), in whole kroner."""
    return whole_kroner(Decimal(amount) * fraction)


def budget_effect(amount: int, budget_cut_share: Decimal | int | float) -> int:
    """The part of an own-agency efficiency gain to be cut from budgets: amount × share %."""
    return whole_kroner(Decimal(amount) * Decimal(str(budget_cut_share)) / HUNDRED)


def unplaced_reason(*, sector: str, kind: str, priced: bool) -> str:
    """Why a priced benefit fits none of the overview's parts, or "" when it fits one."""
    if not priced:
        return ""
    if sector == UNKNOWN:
        return "no_place"
    if sector == OWN and kind != BenefitKind.EFFICIENCY:
        return "others_in_own"
    return ""


def split_amount(
    amount: int,
    *,
    sector: str,
    kind: str,
    priced: bool,
    budget_cut_share: Decimal | int | float,
) -> dict[str, int]:
    """Which parts of the benefit overview an attributed yearly amount goes to.

    An efficiency gain arising in the own agency splits into budget effect (amount × the
    share cut from budgets) and freed capacity (the rest, so the two add up to the amount).
    Elsewhere in the public sector and outside it, the amount goes whole to that part.
    Non-priced benefits have no amount; priced ones the rules cannot place go to
    ``UNPLACED``.
    """
    if not priced:
        return {}
    if unplaced_reason(sector=sector, kind=kind, priced=priced):
        return {UNPLACED: amount}
    if sector == OWN:
        cut = budget_effect(amount, budget_cut_share)
        return {BUDGET: cut, CAPACITY: amount - cut}
    if sector == ELSEWHERE_PUBLIC:
        return {PUBLIC: amount}
    return {OUTSIDE: amount}


def parts_of(*, sector: str, kind: str, priced: bool) -> list[str]:
    """The overview parts a benefit is listed in (an own-agency efficiency gain is in two)."""
    if not priced:
        return [NON_PRICED]
    return list(split_amount(1, sector=sector, kind=kind, priced=priced, budget_cut_share=0))


# ---------------------------------------------------------------------------------------------
# Reading the register


def _benefits(
    programme: Programme, initiative: Initiative | None, user: Actor
) -> QuerySet[Benefit]:
    """The plan's benefits with everything it shows (seven queries however many)."""
    benefits = (
        Benefit.objects.for_user(user)
        .in_programme(programme)
        .select_related(
            "programme",
            "impact_goal__parent",
            "arises_in_organisation",
            "owner_organisation",
            "owner",
            "confirmed_by",
        )
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=Contribution.objects.select_related(
                    "initiative__owner_organisation"
                ).order_by("initiative__code"),
            ),
            Prefetch("amounts", queryset=BenefitAmount.objects.order_by("year")),
            Prefetch(
                "risks",
                queryset=Risk.objects.select_related("initiative").order_by(
                    "initiative__code", "-probability", "-consequence", "title"
                ),
            ),
        )
        .order_by("code")
    )
    if initiative is not None:
        benefits = benefits.filter(contributions__initiative=initiative)
    return selectors.with_indicators(benefits)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _number(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


def _rounded(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def _person(user: Any) -> str:
    return user.display_name if user is not None else ""


def _goal(goal: Any) -> dict[str, Any] | None:
    if goal is None:
        return None
    return {"code": goal.code, "title": goal.title, "level": goal.level}


def _organisation(organisation: Any) -> str:
    return organisation.name if organisation is not None else ""


def _programme_data(programme: Programme) -> dict[str, Any]:
    return {
        "name": programme.name,
        "slug": programme.slug,
        "owner": _organisation(programme.owner),
        "vision": programme.vision,
        "target_picture": programme.target_picture,
        "start_year": programme.start_year,
        "end_year": programme.end_year,
    }


def _initiative_data(initiative: Initiative) -> dict[str, Any]:
    """The initiative as its plan presents it: what it is, who owns it, the goals it serves
    (owner organisation and owner selected with it)."""
    links = (
        InitiativeGoal.objects.filter(initiative=initiative)
        .select_related("goal__parent")
        .order_by("goal__code")
    )
    return {
        "code": initiative.code,
        "title": initiative.title,
        "description": initiative.description,
        "owner_organisation": _organisation(initiative.owner_organisation),
        "owner": _person(initiative.owner),
        "participants": [o.name for o in initiative.participants.order_by("name")],
        "phase": initiative.phase,
        "status": initiative.status,
        "status_reason": initiative.status_reason,
        "planned_start": _iso(initiative.planned_start),
        "planned_end": _iso(initiative.planned_end),
        "goals": [
            {
                **_goal(link.goal),
                "parent": _goal(link.goal.parent),
                "contribution": _number(link.contribution),
            }
            for link in links
        ],
    }


def _goal_tree(programme: Programme) -> list[dict[str, Any]]:
    return [
        {
            **_goal(node["goal"]),
            "description": node["goal"].description,
            "children": [
                {**_goal(child), "description": child.description} for child in node["children"]
            ],
        }
        for node in portfolio_selectors.goal_tree(programme=programme)
    ]


def _indicator_data(indicator: Any) -> dict[str, Any]:
    progress = indicator.progress
    latest = progress.latest
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "method": indicator.method,
        "data_source": indicator.data_source,
        "measuring_cost": indicator.measuring_cost,
        "direction": indicator.direction,
        "frequency": indicator.frequency,
        "baseline_value": _number(indicator.baseline_value),
        "baseline_date": _iso(indicator.baseline_date),
        "targets": [
            {"date": _iso(t.date), "value": _number(t.value)} for t in indicator.targets.all()
        ],
        "measurements": [
            {
                "date": _iso(m.date),
                "value": _number(m.value),
                "source": m.source,
                "comment": m.comment,
            }
            for m in indicator.measurements.all()
        ],
        "progress": {
            "latest_date": _iso(latest.date) if latest else None,
            "latest_value": latest.value if latest else None,
            "planned_value": _rounded(progress.planned_value, 4),
            "realised_percent": _rounded(progress.realised_percent),
            "planned_percent": _rounded(
                None if progress.planned_share is None else progress.planned_share * 100
            ),
            "gap": _rounded(progress.gap),
            "behind": progress.behind,
            "next_due": _iso(progress.next_due),
            "overdue": progress.overdue,
        },
    }


def _risk_data(risk: Risk) -> dict[str, Any]:
    return {
        "id": risk.pk,
        "initiative": risk.initiative.code,
        "title": risk.title,
        "description": risk.description,
        "probability": risk.probability,
        "consequence": risk.consequence,
        "score": risk.score,
        "owner": risk.owner,
        "mitigation": risk.mitigation,
        "status": risk.status,
    }


def _benefit_data(
    benefit: Benefit, initiative: Initiative | None, years: list[int]
) -> dict[str, Any]:
    """One benefit with its figures as this plan counts them."""
    fraction = plan_fraction(benefit, initiative)
    own_ids = own_agency_ids(benefit, initiative)
    sector = sector_of(benefit, own_ids)
    rule = {"sector": sector, "kind": benefit.kind, "priced": benefit.priced}
    cut = benefit.budget_cut_share
    contributions = list(benefit.contributions.all())
    profile = []
    by_part: dict[str, dict[int, int]] = defaultdict(dict)
    for line in benefit.amounts.all():
        row = {
            "year": line.year,
            "low": attributed_amount(line.low, fraction),
            "likely": attributed_amount(line.likely, fraction),
            "high": attributed_amount(line.high, fraction),
            "whole_likely": line.likely,
        }
        split = split_amount(row["likely"], budget_cut_share=cut, **rule)
        row["budget_effect"] = split.get(BUDGET, 0)
        row["freed_capacity"] = split.get(CAPACITY, 0)
        for part, amount in split.items():
            by_part[part][line.year] = amount
        profile.append(row)
    if initiative is not None:
        own_names = [initiative.owner_organisation.name]
    else:
        own_names = sorted({c.initiative.owner_organisation.name for c in contributions})
    impact = benefit.impact_goal
    return {
        "code": benefit.code,
        "title": benefit.title,
        "description": benefit.description,
        "kind": benefit.kind,
        "priced": benefit.priced,
        "status": benefit.status,
        "arises_in_organisation": _organisation(benefit.arises_in_organisation),
        "arises_in_group": benefit.arises_in_group,
        "sector": sector,
        "own_agencies": own_names,
        "parts": parts_of(**rule),
        "unplaced_reason": unplaced_reason(**rule),
        "owner_organisation": _organisation(benefit.owner_organisation),
        "owner": _person(benefit.owner),
        "confirmed_by": _person(benefit.confirmed_by),
        "confirmed_on": _iso(benefit.confirmed_on),
        "share": _number(fraction * HUNDRED),
        "contributions": [
            {
                "initiative": c.initiative.code,
                "title": c.initiative.title,
                "owner_organisation": c.initiative.owner_organisation.name,
                "share": _number(c.share),
            }
            for c in contributions
        ],
        "unattributed_share": _number(HUNDRED - sum((c.share for c in contributions), Decimal(0))),
        "budget_cut_share": _number(cut),
        "plus_minus": benefit.plus_minus,
        "plus_minus_reasoning": benefit.plus_minus_reasoning,
        "preconditions": benefit.preconditions,
        "impact_goal": _goal(impact),
        "societal_goal": _goal(impact.parent if impact else None),
        "profile": profile,
        "by_part": {part: [amounts.get(y, 0) for y in years] for part, amounts in by_part.items()},
        "total": {
            "low": sum(r["low"] for r in profile),
            "likely": sum(r["likely"] for r in profile),
            "high": sum(r["high"] for r in profile),
            "budget_effect": sum(r["budget_effect"] for r in profile),
            "freed_capacity": sum(r["freed_capacity"] for r in profile),
        },
        "risks": [_risk_data(r) for r in benefit.risks.all()],
        "indicators": [_indicator_data(i) for i in benefit.indicators.all()],
        "realised_percent": _rounded(benefit.realised_percent),
        "behind": benefit.behind,
        "overdue": benefit.overdue,
        "has_baseline": benefit.has_baseline,
    }


def _overview(benefits: list[dict[str, Any]], years: list[int]) -> dict[str, Any]:
    """The benefit overview: each part's benefits with the amounts per year it counts there,
    and the totals of the priced parts (each krone in exactly one part)."""
    parts = []
    for key in PART_ORDER:
        members = [b for b in benefits if key in b["parts"]]
        if key == UNPLACED and not members:
            continue  # only shown when the register needs correcting
        priced = key != NON_PRICED
        rows = []
        for b in members:
            row: dict[str, Any] = {
                "code": b["code"],
                "title": b["title"],
                "kind": b["kind"],
                "arises_in_organisation": b["arises_in_organisation"],
                "arises_in_group": b["arises_in_group"],
                "sector": b["sector"],
                "owner_organisation": b["owner_organisation"],
            }
            if priced:
                cells = b["by_part"].get(key, [0] * len(years))
                row.update(cells=cells, total=sum(cells), reason=b["unplaced_reason"])
            else:
                row.update(
                    plus_minus=b["plus_minus"],
                    indicators=[f"{i['name']} ({i['unit']})" for i in b["indicators"]],
                )
            rows.append(row)
        part: dict[str, Any] = {"key": key, "priced": priced, "rows": rows}
        if priced:
            part["year_totals"] = [sum(r["cells"][i] for r in rows) for i in range(len(years))]
            part["total"] = sum(part["year_totals"])
        parts.append(part)
    priced_parts = [p for p in parts if p["priced"]]
    year_totals = [sum(p["year_totals"][i] for p in priced_parts) for i in range(len(years))]
    return {
        "parts": parts,
        "year_totals": year_totals,
        "total": sum(year_totals),
        "summary": [
            {"key": p["key"], "year_totals": p["year_totals"], "total": p["total"]}
            for p in priced_parts
        ],
    }


def _owners(benefits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Benefit owners and what each answers for: their benefits, and the priced amount and
    budget cut they must take out."""
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for b in benefits:
        grouped[(b["owner_organisation"], b["owner"])].append(b)
    owners = []
    for (organisation, person), owned in sorted(grouped.items()):
        owners.append(
            {
                "organisation": organisation,
                "person": person,
                "benefits": [
                    {
                        "code": b["code"],
                        "title": b["title"],
                        "status": b["status"],
                        "priced": b["priced"],
                        "likely": b["total"]["likely"],
                        "budget_effect": b["total"]["budget_effect"],
                        "confirmed_on": b["confirmed_on"],
                        "indicators": len(b["indicators"]),
                    }
                    for b in owned
                ],
                "likely": sum(b["total"]["likely"] for b in owned),
                "budget_effect": sum(b["total"]["budget_effect"] for b in owned),
            }
        )
    return owners


def _followup(benefits: list[dict[str, Any]]) -> dict[str, Any]:
    """Measures and follow-up with risk: each benefit's preconditions, measures, progress and
    the risks linked to it; and every linked risk once, with the benefits it threatens."""
    rows = []
    risks: dict[int, dict[str, Any]] = {}
    for b in benefits:
        dues = [i["progress"]["next_due"] for i in b["indicators"] if i["progress"]["next_due"]]
        rows.append(
            {
                "code": b["code"],
                "title": b["title"],
                "owner_organisation": b["owner_organisation"],
                "owner": b["owner"],
                "status": b["status"],
                "preconditions": b["preconditions"],
                "realised_percent": b["realised_percent"],
                "behind": b["behind"],
                "overdue": b["overdue"],
                "has_baseline": b["has_baseline"],
                "next_due": min(dues) if dues else None,
                "risks": [f"{r['initiative']}: {r['title']}" for r in b["risks"]],
            }
        )
        for r in b["risks"]:
            entry = risks.setdefault(r["id"], {**r, "benefits": []})
            entry["benefits"].append(b["code"])
    ordered = sorted(risks.values(), key=lambda r: (-r["score"], r["initiative"], r["title"]))
    return {"rows": rows, "risks": ordered}


def _benefits_map(benefits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The updated benefits map as a list: initiatives → benefit → impact goal → societal
    goal, ordered by the goals so each goal's benefits stand together."""
    rows = [
        {
            "code": b["code"],
            "title": b["title"],
            "initiatives": [c["initiative"] for c in b["contributions"]],
            "arises_in_organisation": b["arises_in_organisation"],
            "arises_in_group": b["arises_in_group"],
            "impact_goal": b["impact_goal"],
            "societal_goal": b["societal_goal"],
        }
        for b in benefits
    ]
    return sorted(
        rows,
        key=lambda r: (
            r["societal_goal"] is None,
            (r["societal_goal"] or {}).get("code", ""),
            (r["impact_goal"] or {}).get("code", ""),
            r["code"],
        ),
    )


def _benefit_goals(benefits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The impact goals the plan's benefits serve, each once, with its societal goal and the
    benefits serving it."""
    goals: dict[str, dict[str, Any]] = {}
    for b in benefits:
        if b["impact_goal"]:
            goal = goals.setdefault(
                b["impact_goal"]["code"],
                {**b["impact_goal"], "parent": b["societal_goal"], "benefits": []},
            )
            goal["benefits"].append(b["code"])
    return [goals[code] for code in sorted(goals)]


def _programme_initiatives(
    programme: Programme, benefit_objects: list[Benefit]
) -> list[dict[str, Any]]:
    """The programme's initiatives (its main products), each with the benefits it contributes
    to and the most likely amount attributed to it (amount × its share)."""
    attributed: dict[int, int] = defaultdict(int)
    codes: dict[int, list[str]] = defaultdict(list)
    for benefit in benefit_objects:
        for c in benefit.contributions.all():
            codes[c.initiative_id].append(benefit.code)
            if benefit.priced:
                # Year by year, as the initiative's own plan rounds it.
                attributed[c.initiative_id] += sum(
                    attributed_amount(a.likely, c.share / HUNDRED) for a in benefit.amounts.all()
                )
    initiatives = Initiative.objects.filter(programme=programme).select_related(
        "owner_organisation"
    )
    return [
        {
            "code": i.code,
            "title": i.title,
            "description": i.description,
            "owner_organisation": i.owner_organisation.name,
            "phase": i.phase,
            "status": i.status,
            "planned_start": _iso(i.planned_start),
            "planned_end": _iso(i.planned_end),
            "benefits": codes[i.pk],
            "attributed_likely": attributed[i.pk],
        }
        for i in initiatives.order_by("code")
    ]


def build_plan(
    *,
    programme: Programme,
    user: Actor,
    initiative: Initiative | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The realisation plan of ``initiative``, or of the whole programme when it is None, as
    plain JSON data (see the module docstring for the rules). ``today`` dates the progress."""
    today = today or timezone.localdate()
    benefit_objects = selectors.attach_progress(
        list(_benefits(programme, initiative, user)), today=today
    )
    years = sorted({a.year for b in benefit_objects for a in b.amounts.all()})
    scope_initiative = None
    if initiative is not None:
        scope_initiative = Initiative.objects.select_related("owner_organisation", "owner").get(
            pk=initiative.pk
        )
    benefits = [_benefit_data(b, scope_initiative, years) for b in benefit_objects]
    overview = _overview(benefits, years)
    initiatives = _programme_initiatives(programme, benefit_objects) if initiative is None else []
    plan: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "scope": "initiative" if initiative is not None else "programme",
        "built_on": today.isoformat(),
        "programme": _programme_data(programme),
        "initiative": _initiative_data(scope_initiative) if scope_initiative else None,
        "goal_tree": _goal_tree(programme) if initiative is None else [],
        "benefit_goals": _benefit_goals(benefits),
        "initiatives": initiatives,
        "years": years,
        "owners": _owners(benefits),
        "overview": overview,
        # What no initiative is attributed (programme plan): the whole, once, less each
        # initiative's share as its own plan counts it.
        "unattributed_likely": (
            overview["total"] - sum(i["attributed_likely"] for i in initiatives)
            if initiative is None
            else 0
        ),
        "followup": _followup(benefits),
        "benefits": benefits,
        "benefits_map": _benefits_map(benefits),
        "counts": {
            "benefits": len(benefits),
            "priced": sum(1 for b in benefits if b["priced"]),
            "indicators": sum(len(b["indicators"]) for b in benefits),
            "without_baseline": sum(1 for b in benefits if not b["has_baseline"]),
        },
    }
    return plan


# ---------------------------------------------------------------------------------------------
# Rendering helpers shared by the page, the DOCX and the workbook

# Keys whose values are ISO dates in the plan; ``display`` turns them into dates.
DATE_KEYS = frozenset(
    {
        "built_on",
        "planned_start",
        "planned_end",
        "baseline_date",
        "date",
        "confirmed_on",
        "latest_date",
        "next_due",
    }
)


def label(choices: type[Any], value: Any) -> str:
    """A choice's label in the current language, or the stored value itself when the choice
    no longer exists (an old version may hold values since renamed)."""
    if value in (None, ""):
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def number_text(value: float | int | None) -> str:
    """A measured or target value in the current language: whole numbers without decimals,
    others with as many as they have (at most four)."""
    if value is None:
        return ""
    value = float(value)
    places = 0 if value.is_integer() else len(f"{value:.4f}".rstrip("0").split(".")[1])
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def arises_in(row: dict[str, Any]) -> str:
    """Where a benefit arises: the organisation's name or the group's label."""
    if row.get("arises_in_organisation"):
        return str(row["arises_in_organisation"])
    return label(BeneficiaryGroup, row.get("arises_in_group"))


def _parse_dates(node: Any) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in DATE_KEYS and isinstance(value, str):
                with contextlib.suppress(ValueError):  # not a date after all: leave it
                    node[key] = dt.date.fromisoformat(value)
            else:
                _parse_dates(value)
    elif isinstance(node, list):
        for item in node:
            _parse_dates(item)


def _part_texts(key: str) -> dict[str, str]:
    spec = PARTS.get(key, {"letter": "", "title": key, "description": ""})
    return {
        "letter": spec["letter"],
        "title": str(spec["title"]),
        "description": str(spec["description"]),
    }


def _goal_labels(goal: dict[str, Any] | None) -> None:
    if goal:
        goal["level_label"] = label(GoalLevel, goal.get("level"))
        if goal.get("parent"):
            _goal_labels(goal["parent"])
        for child in goal.get("children", []):
            _goal_labels(child)


def _risk_labels(risk: dict[str, Any]) -> None:
    risk["status_label"] = label(RiskStatus, risk.get("status"))


def display(plan: dict[str, Any]) -> dict[str, Any]:
    """A copy of a plan, live or frozen, ready to render in the current language: dates as
    ``datetime.date``, each choice with its ``…_label``, each overview part with its letter,
    title and description. The plan itself is left as it was."""
    shown = copy.deepcopy(plan)
    _parse_dates(shown)
    for goal in shown.get("benefit_goals", []):
        _goal_labels(goal)
    if shown.get("initiative"):
        initiative = shown["initiative"]
        initiative["phase_label"] = label(Phase, initiative.get("phase"))
        initiative["status_label"] = label(StatusColour, initiative.get("status"))
        for goal in initiative.get("goals", []):
            _goal_labels(goal)
    for goal in shown.get("goal_tree", []):
        _goal_labels(goal)
    for initiative in shown.get("initiatives", []):
        initiative["phase_label"] = label(Phase, initiative.get("phase"))
        initiative["status_label"] = label(StatusColour, initiative.get("status"))
    for owner in shown.get("owners", []):
        for b in owner["benefits"]:
            b["status_label"] = label(BenefitStatus, b.get("status"))
    overview = shown.get("overview", {})
    for part in overview.get("parts", []):
        part.update(_part_texts(part["key"]))
        for row in part["rows"]:
            row["kind_label"] = label(BenefitKind, row.get("kind"))
            row["arises_in"] = arises_in(row)
            row["sector_label"] = str(SECTORS.get(row.get("sector"), ""))
            row["reason_label"] = str(UNPLACED_REASONS.get(row.get("reason") or "", ""))
    for summary in overview.get("summary", []):
        summary.update(_part_texts(summary["key"]))
    # The summary turned round, a row per year, as a table shows it.
    overview["by_year"] = [
        {
            "year": year,
            "cells": [s["year_totals"][index] for s in overview.get("summary", [])],
            "total": overview["year_totals"][index],
        }
        for index, year in enumerate(shown.get("years", []))
    ]
    followup = shown.get("followup", {})
    for row in followup.get("rows", []):
        row["status_label"] = label(BenefitStatus, row.get("status"))
    for risk in followup.get("risks", []):
        _risk_labels(risk)
    for b in shown.get("benefits", []):
        b["kind_label"] = label(BenefitKind, b.get("kind"))
        b["status_label"] = label(BenefitStatus, b.get("status"))
        b["arises_in"] = arises_in(b)
        b["sector_label"] = str(SECTORS.get(b.get("sector"), ""))
        b["reason_label"] = str(UNPLACED_REASONS.get(b.get("unplaced_reason") or "", ""))
        b["part_titles"] = [_part_texts(key)["title"] for key in b.get("parts", [])]
        for risk in b.get("risks", []):
            _risk_labels(risk)
        for indicator in b.get("indicators", []):
            indicator["direction_label"] = label(Direction, indicator.get("direction"))
            indicator["frequency_label"] = label(Frequency, indicator.get("frequency"))
            indicator["baseline_text"] = number_text(indicator.get("baseline_value"))
            progress = indicator.get("progress", {})
            progress["latest_text"] = number_text(progress.get("latest_value"))
            for point in indicator.get("targets", []) + indicator.get("measurements", []):
                point["value_text"] = number_text(point.get("value"))
    for row in shown.get("benefits_map", []):
        row["arises_in"] = arises_in(row)
    return shown
