"""Portfolio baselines: what a baseline holds, and what changed between two.

A baseline's ``content`` is compact JSON, keyed by initiative code::

    {"version": 1,
     "initiatives": {"FI-3": {"title": ..., "phase": "execute", "status": "green",
                              "start": "2026-01-01", "end": null, "owner": "Skatteetaten",
                              "costs": {"Skatteetaten": {"2026": 1000000}},
                              "cost_total": 1000000, "benefits": 2500000, "nnv": 310000,
                              "stopped": false}}}

Costs are most-likely amounts per paying organisation (by its short name) and year;
``benefits`` is the initiative's attributed share of its priced benefits (most likely,
whole profile); ``nnv`` is the net present value of its cost-benefit analysis where one can
be computed (else null). A stopped initiative (``stopped``) stays in the baseline in phase
*close* until a later baseline leaves it out.

This module only reads; ``services.baselines`` freezes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from nytte.benefits.models import Contribution
from nytte.core.models import Programme
from nytte.costbenefit.build import build_analysis
from nytte.costbenefit.models import ExtraLine
from nytte.economics import compute
from nytte.portfolio.models import Initiative

from .choices import APPLYING_OUTCOMES, ChangeKind
from .models import Baseline, Decision

CONTENT_VERSION = 1
COMPARED_FIELDS = ("title", "phase", "status", "start", "end", "owner", "stopped")


def _nnv(initiative: Initiative) -> int | None:
    try:
        result = compute(build_analysis(initiative))
        alternative = result.alternative(initiative.code)
    except Exception:  # no analysis can be computed: the baseline says so with null
        return None
    if not alternative.pv_costs and not alternative.pv_benefits:
        return None
    return int(alternative.nnv)


def stopped_codes(programme: Programme) -> set[str]:
    """Initiatives a forum decided to stop (an applied stop option)."""
    return set(
        Decision.objects.filter(
            case__programme=programme,
            case__change_kind=ChangeKind.STOP,
            outcome__in=list(APPLYING_OUTCOMES),
            option__do_nothing=False,
        ).values_list("case__initiative__code", flat=True)
    )


def portfolio_content(programme: Programme) -> dict[str, Any]:
    """The portfolio as it stands now, as a baseline's content."""
    initiatives = list(
        Initiative.objects.filter(programme=programme)
        .select_related("owner_organisation")
        .prefetch_related("costs__organisation")
        .order_by("code")
    )
    benefits: dict[int, Decimal] = defaultdict(Decimal)
    for initiative_id, total, share in Contribution.objects.filter(
        initiative__programme=programme, benefit__priced=True
    ).values_list("initiative_id", "benefit__total_likely", "share"):
        benefits[initiative_id] += Decimal(total) * share / 100
    with_extra = set(
        ExtraLine.objects.filter(initiative__programme=programme).values_list(
            "initiative_id", flat=True
        )
    )
    stopped = stopped_codes(programme)
    out: dict[str, Any] = {}
    for initiative in initiatives:
        costs: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for line in initiative.costs.all():
            costs[line.organisation.label][str(line.year)] += line.likely
        has_analysis = bool(costs) or initiative.pk in benefits or initiative.pk in with_extra
        out[initiative.code] = {
            "title": initiative.title,
            "phase": initiative.phase,
            "status": initiative.status,
            "start": initiative.planned_start.isoformat() if initiative.planned_start else None,
            "end": initiative.planned_end.isoformat() if initiative.planned_end else None,
            "owner": initiative.owner_organisation.label,
            "costs": {org: dict(sorted(years.items())) for org, years in sorted(costs.items())},
            "cost_total": sum(sum(y.values()) for y in costs.values()),
            "benefits": int(benefits.get(initiative.pk, 0)),
            "nnv": _nnv(initiative) if has_analysis else None,
            "stopped": initiative.code in stopped,
        }
    return {"version": CONTENT_VERSION, "initiatives": out}


# ---------------------------------------------------------------------------------------------
# Comparison


@dataclass(frozen=True)
class Delta:
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass
class InitiativeChange:
    code: str
    title: str
    fields: dict[str, tuple[Any, Any]]
    cost: Delta
    benefits: Delta
    nnv: Delta | None


@dataclass
class CostRow:
    organisation: str
    years: dict[str, Delta]

    @property
    def total(self) -> Delta:
        return Delta(
            sum(d.before for d in self.years.values()), sum(d.after for d in self.years.values())
        )


@dataclass
class BaselineComparison:
    """What changed from baseline ``a`` to baseline ``b``."""

    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[InitiativeChange] = field(default_factory=list)
    costs: list[CostRow] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    cost: Delta = Delta(0, 0)
    benefits: Delta = Delta(0, 0)
    nnv: Delta = Delta(0, 0)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _content(baseline: Baseline | dict[str, Any]) -> dict[str, Any]:
    content = baseline.content if isinstance(baseline, Baseline) else baseline
    return content.get("initiatives", {})


def _org_years(items: dict[str, Any]) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for item in items.values():
        for org, years in item.get("costs", {}).items():
            for year, amount in years.items():
                totals[org][year] += amount
    return totals


def _sum(items: dict[str, Any], key: str) -> int:
    return sum(item.get(key) or 0 for item in items.values())


def compare_baselines(
    a: Baseline | dict[str, Any], b: Baseline | dict[str, Any]
) -> BaselineComparison:
    """Initiatives in and out, what changed in those in both, costs per organisation and
    year, benefits and NNV, from ``a`` (before) to ``b`` (after)."""
    before, after = _content(a), _content(b)
    result = BaselineComparison()
    for code in sorted(set(after) - set(before)):
        result.added.append({"code": code, **after[code]})
    for code in sorted(set(before) - set(after)):
        result.removed.append({"code": code, **before[code]})
    for code in sorted(set(before) & set(after)):
        x, y = before[code], after[code]
        fields = {
            name: (x.get(name), y.get(name))
            for name in COMPARED_FIELDS
            if x.get(name) != y.get(name)
        }
        costs_changed = x.get("costs") != y.get("costs")
        nnv = None
        if x.get("nnv") is not None or y.get("nnv") is not None:
            nnv = Delta(x.get("nnv") or 0, y.get("nnv") or 0)
        if (
            fields
            or costs_changed
            or x.get("benefits") != y.get("benefits")
            or (nnv and nnv.change)
        ):
            result.changed.append(
                InitiativeChange(
                    code=code,
                    title=y.get("title", ""),
                    fields=fields,
                    cost=Delta(x.get("cost_total", 0), y.get("cost_total", 0)),
                    benefits=Delta(x.get("benefits", 0), y.get("benefits", 0)),
                    nnv=nnv,
                )
            )
    costs_a, costs_b = _org_years(before), _org_years(after)
    years = sorted({y for c in (costs_a, costs_b) for org in c.values() for y in org})
    result.years = years
    for org in sorted(set(costs_a) | set(costs_b)):
        result.costs.append(
            CostRow(
                organisation=org,
                years={
                    year: Delta(
                        costs_a.get(org, {}).get(year, 0), costs_b.get(org, {}).get(year, 0)
                    )
                    for year in years
                },
            )
        )
    result.cost = Delta(_sum(before, "cost_total"), _sum(after, "cost_total"))
    result.benefits = Delta(_sum(before, "benefits"), _sum(after, "benefits"))
    result.nnv = Delta(_sum(before, "nnv"), _sum(after, "nnv"))
    return result
