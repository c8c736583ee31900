"""The plan's tables from its benefits' data, and the plan as a summary and its benefits.

A programme's plan at national size has some 20,000 benefits: far too many to build, keep or
show in one piece on every request. So a plan is two things:

- its **summary** (``summarise``): everything that is one per plan, or a total over all its
  benefits (the frame, the initiatives with what is attributed to each, each owner's and
  each overview part's totals, the goals, the counts) and the benefit codes in plan order,
  with the codes of each initiative's, owner's and goal's benefits to filter by;
- its **benefits**, each the dict ``data.benefit_data`` gives, read a page at a time.

``assemble`` puts a summary and any run of its benefits (a page, or all of them) back into
the plan dict the page, the DOCX and the workbook render: the tables that list benefits
(owners, overview parts, follow-up, risks, map) list the benefits given, the totals are the
whole plan's. With all the benefits it is the whole plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from .rules import HUNDRED, NON_PRICED, PART_ORDER, UNPLACED, attributed_amount

LEADING = 50  # the initiatives a page lists: those with the most attributed (files: all)
# What a whole plan dict holds beyond its frame: what ``summarise`` and ``assemble`` derive.
DERIVED = (
    "benefits",
    "owners",
    "overview",
    "followup",
    "benefits_map",
    "benefit_goals",
    "unattributed_likely",
    "counts",
)


def _part_totals(figures: list[dict[str, Any]], years: list[int]) -> dict[str, Any]:
    """The benefit overview's totals: each part with how many benefits it counts and, for
    the priced parts, its amounts per year (each krone in exactly one part)."""
    parts = []
    for key in PART_ORDER:
        members = [b for b in figures if key in b["parts"]]
        if key == UNPLACED and not members:
            continue  # only shown when the register needs correcting
        part: dict[str, Any] = {"key": key, "priced": key != NON_PRICED, "count": len(members)}
        if part["priced"]:
            cells = [b["by_part"].get(key, [0] * len(years)) for b in members]
            part["year_totals"] = [sum(c[i] for c in cells) for i in range(len(years))]
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


def _part_row(b: dict[str, Any], key: str, years: list[int]) -> dict[str, Any]:
    """A benefit's row in an overview part: its amounts per year there, or for the
    non-priced part its consequence and indicators."""
    row: dict[str, Any] = {
        "code": b["code"],
        "title": b["title"],
        "kind": b["kind"],
        "arises_in_organisation": b["arises_in_organisation"],
        "arises_in_group": b["arises_in_group"],
        "sector": b["sector"],
        "owner_organisation": b["owner_organisation"],
    }
    if key == NON_PRICED:
        row.update(
            plus_minus=b["plus_minus"],
            indicators=[f"{i['name']} ({i['unit']})" for i in b["indicators"]],
        )
    else:
        cells = b["by_part"].get(key, [0] * len(years))
        row.update(cells=cells, total=sum(cells), reason=b["unplaced_reason"])
    return row


def _by_owner(benefits: list[dict[str, Any]]) -> list[tuple[tuple[str, str], list[Any]]]:
    """The benefits grouped by owner (organisation and person), owners in order."""
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for b in benefits:
        grouped[(b["owner_organisation"], b["owner"])].append(b)
    return sorted(grouped.items())


def _owner_totals(owned: list[dict[str, Any]]) -> dict[str, int]:
    """The priced amount and the budget cut an owner must take out."""
    return {
        "likely": sum(b["total"]["likely"] for b in owned),
        "budget_effect": sum(b["total"]["budget_effect"] for b in owned),
    }


def _owners(benefits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Benefit owners and what each answers for: their benefits, and the priced amount and
    budget cut they must take out."""
    return [
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
            **_owner_totals(owned),
        }
        for (organisation, person), owned in _by_owner(benefits)
    ]


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


def owner_key(organisation: str, person: str) -> str:
    """An owner as the page's filter names them: organisation and person (either may be
    empty: no owner named)."""
    return f"{organisation}|{person}"


def initiative_totals(
    initiatives: Iterable[dict[str, Any]], figures: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The programme's initiatives (its main products, in code order), each with the codes of
    the benefits it contributes to and the most likely amount attributed to it (amount ×
    its share, year by year, as the initiative's own plan rounds it)."""
    attributed: dict[str, int] = defaultdict(int)
    codes: dict[str, list[str]] = defaultdict(list)
    for b in figures:
        for c in b["contributions"]:
            codes[c["initiative"]].append(b["code"])
            if b["priced"]:
                fraction = Decimal(str(c["share"])) / HUNDRED
                attributed[c["initiative"]] += sum(
                    attributed_amount(r["whole_likely"], fraction) for r in b["profile"]
                )
    return [
        {**i, "benefits": codes[i["code"]], "attributed_likely": attributed[i["code"]]}
        for i in initiatives
    ]


def summarise(frame: dict[str, Any], figures: list[dict[str, Any]]) -> dict[str, Any]:
    """The plan's summary: ``frame`` (format, scope, programme, initiative, goal tree,
    initiatives and years) with the totals over ``figures``, the plan's benefits in order
    (``data.benefit_figures`` or more)."""
    years = frame["years"]
    overview = _part_totals(figures, years)
    owners = [
        {
            "organisation": organisation,
            "person": person,
            "key": owner_key(organisation, person),
            "benefits": [b["code"] for b in owned],
            **_owner_totals(owned),
        }
        for (organisation, person), owned in _by_owner(figures)
    ]
    initiatives = frame["initiatives"]
    programme_scope = frame["scope"] == "programme"
    return {
        **frame,
        "codes": [b["code"] for b in figures],
        # The initiatives a page lists when there are more: those with the most attributed.
        "leading": [
            i["code"]
            for i in sorted(initiatives, key=lambda i: (-i["attributed_likely"], i["code"]))
        ][:LEADING],
        "owners": owners,
        "overview": overview,
        # What no initiative is attributed (programme plan): the whole, once, less each
        # initiative's share as its own plan counts it.
        "unattributed_likely": (
            overview["total"] - sum(i["attributed_likely"] for i in initiatives)
            if programme_scope
            else 0
        ),
        "benefit_goals": _benefit_goals(figures),
        "counts": {
            "benefits": len(figures),
            "priced": sum(1 for b in figures if b["priced"]),
        },
    }


def split(plan: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A whole plan dict (as versions saved before plans were kept in pieces hold it) as
    its summary and its benefits."""
    benefits = plan.get("benefits", [])
    frame = {k: v for k, v in plan.items() if k not in DERIVED}
    return summarise(frame, benefits), benefits


def assemble(
    summary: dict[str, Any], benefits: list[dict[str, Any]], *, page: bool = False
) -> dict[str, Any]:
    """The plan dict to render from ``summary`` and ``benefits`` (all of the plan's, or a
    page of them): the tables that list benefits list these, with the whole plan's totals.
    A ``page`` lists the ``LEADING`` initiatives (all when there are no more), and names
    only its own benefits under each goal."""
    years = summary["years"]
    whole = {(o["organisation"], o["person"]): o for o in summary["owners"]}
    listed, goals = summary["initiatives"], summary["benefit_goals"]
    if page:
        if len(listed) > LEADING:
            leading = set(summary["leading"])
            listed = [i for i in listed if i["code"] in leading]
        served = {g["code"]: g["benefits"] for g in _benefit_goals(benefits)}
        goals = [{**g, "benefits": served.get(g["code"], [])} for g in goals]
    owners = []
    for owner in _owners(benefits):
        totals = whole[(owner["organisation"], owner["person"])]
        owners.append({**owner, **{k: totals[k] for k in ("key", "likely", "budget_effect")}})
    return {
        **{k: v for k, v in summary.items() if k not in ("codes", "leading", "owners", "overview")},
        "initiatives": listed,
        "benefit_goals": goals,
        "owners": owners,
        "overview": {
            **summary["overview"],
            "parts": [
                {
                    **part,
                    "rows": [
                        _part_row(b, part["key"], years)
                        for b in benefits
                        if part["key"] in b["parts"]
                    ],
                }
                for part in summary["overview"]["parts"]
            ],
        },
        "followup": _followup(benefits),
        "benefits": benefits,
        "benefits_map": _benefits_map(benefits),
    }
