"""Building the plan as plain data: the overview's parts, the owners, the follow-up, the
benefits map, and ``build_plan`` itself."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone

from nytte.core.actors import Actor
from nytte.core.models import Programme
from nytte.portfolio.models import Initiative

from .. import selectors
from ..models import Benefit
from .data import (
    benefit_data,
    initiative_data,
    iso,
    plan_benefits,
    plan_initiatives,
    programme_data,
    programme_goal_tree,
)
from .rules import (
    HUNDRED,
    NON_PRICED,
    PART_ORDER,
    PLAN_FORMAT,
    UNPLACED,
    attributed_amount,
)


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
            "planned_start": iso(i.planned_start),
            "planned_end": iso(i.planned_end),
            "benefits": codes[i.pk],
            "attributed_likely": attributed[i.pk],
        }
        for i in initiatives.order_by("code")
    ]


def _for_plan(initiative: Initiative) -> Initiative:
    """The initiative as ``plan_initiatives`` reads it, read again only when the caller did
    not read it so."""
    if hasattr(initiative, "goal_rows"):
        return initiative
    return plan_initiatives().get(pk=initiative.pk)


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
        plan_benefits(programme, initiative, user), today=today
    )
    years = sorted({a.year for b in benefit_objects for a in b.amounts.all()})
    scope_initiative = None if initiative is None else _for_plan(initiative)
    benefits = [benefit_data(b, scope_initiative, years) for b in benefit_objects]
    overview = _overview(benefits, years)
    initiatives = _programme_initiatives(programme, benefit_objects) if initiative is None else []
    plan: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "scope": "initiative" if initiative is not None else "programme",
        "built_on": today.isoformat(),
        "programme": programme_data(programme),
        "initiative": initiative_data(scope_initiative) if scope_initiative else None,
        "goal_tree": programme_goal_tree(programme) if initiative is None else [],
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
