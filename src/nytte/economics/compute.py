"""The deterministic result: the standard result table per alternative.

Follows R-109 / DFØ: NNV = PV(benefits) - PV(costs) - tax financing cost, where
the tax financing cost is the TFC rate times the PV of the net effect on public
budgets (negative, i.e. a gain, when the alternative saves public money).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .model import Analysis
from .money import kroner
from .params import ParameterSet
from .plusminus import ScoredEffect
from .prepare import PreparedAlternative, PreparedAnalysis, point_values, prepare


@dataclass(frozen=True)
class Breakdown:
    """Exact (unrounded) present values for one alternative, in NOK."""

    pv_benefits: float
    pv_costs: float
    pv_costs_by_category: dict[str, float]
    pv_benefits_by_organisation: dict[str, float]
    pv_benefits_by_category: dict[str, float]
    pv_costs_by_organisation: dict[str, float]
    pv_public_budget: float  # net public outlay: public costs - public savings
    tax_financing_cost: float
    nnv: float
    #: Computed residual value (R-109): PV of benefits - costs after year 75 ...
    pv_residual_value: float = 0.0
    #: ... and PV of their net public budget outlay (TFC on it is in tax_financing_cost).
    pv_residual_public_budget: float = 0.0


@dataclass(frozen=True)
class YearRow:
    """Undiscounted and discounted flows in one year (for charts and payback)."""

    year: int
    discount_factor: float
    benefits: float
    costs: float
    public_budget: float
    tax_financing_cost: float
    net_discounted: float
    cumulative_discounted: float

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class AlternativeResult:
    """One column of the result table. Money fields are whole kroner."""

    name: str
    zero: bool
    pv_benefits: int
    pv_benefits_by_organisation: dict[str, int]
    pv_benefits_by_category: dict[str, int]
    pv_costs: int
    pv_costs_investment: int
    pv_costs_operation: int
    pv_costs_other: int
    pv_costs_by_organisation: dict[str, int]
    pv_public_budget: int
    tax_financing_cost: int
    nnv: int
    nnb: float | None
    nnb_note: str | None
    payback_year: int | None
    payback_note: str | None
    effects: tuple[ScoredEffect, ...]
    rank: int
    exact: Breakdown
    years: tuple[YearRow, ...] = field(repr=False, default=())
    #: Flows after year 75 of a longer lifetime (R-109), already included in the
    #: figures above: their value at year 75, its PV, and the PV of the tax financing
    #: cost on their public budget part. All 0 when the period ends by year 75.
    residual_value: int = 0
    pv_residual_value: int = 0
    residual_tax_financing_cost: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "zero": self.zero,
            "pv_benefits": self.pv_benefits,
            "pv_benefits_by_organisation": dict(self.pv_benefits_by_organisation),
            "pv_benefits_by_category": dict(self.pv_benefits_by_category),
            "pv_costs": self.pv_costs,
            "pv_costs_investment": self.pv_costs_investment,
            "pv_costs_operation": self.pv_costs_operation,
            "pv_costs_other": self.pv_costs_other,
            "pv_costs_by_organisation": dict(self.pv_costs_by_organisation),
            "pv_public_budget": self.pv_public_budget,
            "tax_financing_cost": self.tax_financing_cost,
            "nnv": self.nnv,
            "nnb": self.nnb,
            "nnb_note": self.nnb_note,
            "payback_year": self.payback_year,
            "payback_note": self.payback_note,
            "effects": [e.to_dict() for e in self.effects],
            "rank": self.rank,
            "residual_value": self.residual_value,
            "pv_residual_value": self.pv_residual_value,
            "residual_tax_financing_cost": self.residual_tax_financing_cost,
            "years": [row.to_dict() for row in self.years],
        }


@dataclass(frozen=True)
class Result:
    """The result of ``compute``: every alternative plus the basis used."""

    analysis_name: str
    base_year: int
    price_year: int
    first_year: int
    last_year: int
    parameters: ParameterSet
    point: str
    alternatives: tuple[AlternativeResult, ...]
    #: First year whose flows form the computed residual value (None: period ends by year 75).
    residual_from_year: int | None = None

    @property
    def ranking(self) -> list[str]:
        """Alternative names, best NNV first."""
        return [a.name for a in sorted(self.alternatives, key=lambda a: (a.rank, a.name))]

    def alternative(self, name: str) -> AlternativeResult:
        for alt in self.alternatives:
            if alt.name == name:
                return alt
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "analysis": self.analysis_name,
            "base_year": self.base_year,
            "price_year": self.price_year,
            "first_year": self.first_year,
            "last_year": self.last_year,
            "parameter_set": self.parameters.name,
            "parameters": self.parameters.to_dict(),
            "point": self.point,
            "residual_from_year": self.residual_from_year,
            "ranking": self.ranking,
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


def compute(analysis: Analysis, *, point: str = "expected") -> Result:
    """Compute the result table.

    ``point="expected"`` values each uncertain amount at its distribution's mean
    (R-109 asks for expected values); ``"likely"``, ``"low"`` or ``"high"`` use
    that column instead.
    """
    prepared = prepare(analysis)
    return compute_prepared(prepared, point=point)


def compute_prepared(prepared: PreparedAnalysis, *, point: str = "expected") -> Result:
    rows = [_evaluate(prepared, alt, point) for alt in prepared.alternatives]
    ranks = _competition_ranks([breakdown.nnv for breakdown, _ in rows])
    analysis = prepared.analysis
    from_year = prepared.residual_from_year
    horizon_df = (
        None if from_year is None else float(prepared.discount[from_year - 1 - analysis.base_year])
    )
    results = tuple(
        _to_result(alt, breakdown, years, rank, prepared.params, horizon_df)
        for alt, (breakdown, years), rank in zip(prepared.alternatives, rows, ranks, strict=True)
    )
    return Result(
        analysis_name=analysis.name,
        base_year=analysis.base_year,
        price_year=analysis.price_year,
        first_year=analysis.start_year,
        last_year=analysis.last_year,
        parameters=prepared.params,
        point=point,
        alternatives=results,
        residual_from_year=from_year,
    )


def _evaluate(
    prepared: PreparedAnalysis, alt: PreparedAlternative, point: str
) -> tuple[Breakdown, tuple[YearRow, ...]]:
    analysis = prepared.analysis
    tfc_rate = prepared.params.tax_financing_rate
    n = analysis.period_years
    offset = analysis.start_year
    ben_y = np.zeros(n)
    cost_y = np.zeros(n)
    budget_y = np.zeros(n)
    benefits = 0.0
    costs = 0.0
    budget = 0.0
    by_cat: dict[str, float] = defaultdict(float)
    ben_org: dict[str, float] = defaultdict(float)
    ben_cat: dict[str, float] = defaultdict(float)
    cost_org: dict[str, float] = defaultdict(float)
    for pl in alt.lines:
        values, residual = point_values(pl, point)
        pv = float(np.dot(values, pl.weights))
        real = values * (pl.weights / prepared.discount[pl.years - analysis.base_year])
        idx = pl.years - offset
        line = pl.line
        if line.kind == "benefit":
            benefits += pv
            ben_org[line.organisation] += pv
            ben_cat[line.category] += pv
            np.add.at(ben_y, idx, real)
        else:
            costs += pv
            by_cat[line.category] += pv
            cost_org[line.organisation] += pv
            np.add.at(cost_y, idx, real)
        if line.public_budget:
            budget += pl.budget_coef * pv
            np.add.at(budget_y, idx, pl.budget_coef * real)
        if pl.residual is not None:
            # Residual value: a benefit in the final year, to the line's organisation;
            # a public one (residual_public_budget) also lowers the net public outlay.
            res_pv = residual * pl.residual_weight
            benefits += res_pv
            ben_org[line.organisation] += res_pv
            ben_cat["residual value"] += res_pv
            ben_y[n - 1] += residual
            budget += pl.residual_budget_coef * res_pv
            budget_y[n - 1] += pl.residual_budget_coef * residual
    tfc = tfc_rate * budget
    nnv = benefits - costs - tfc
    dfs = prepared.discount[offset - analysis.base_year :]
    tfc_y = tfc_rate * budget_y
    net = (ben_y - cost_y - tfc_y) * dfs
    cumulative = np.cumsum(net)
    from_year = prepared.residual_from_year
    later = slice(0, 0) if from_year is None else slice(max(0, from_year - offset), n)
    residual_pv = float(np.dot(ben_y[later] - cost_y[later], dfs[later]))
    residual_budget = float(np.dot(budget_y[later], dfs[later]))
    breakdown = Breakdown(
        pv_benefits=benefits,
        pv_costs=costs,
        pv_costs_by_category={c: by_cat.get(c, 0.0) for c in ("investment", "operation", "other")},
        pv_benefits_by_organisation=dict(ben_org),
        pv_benefits_by_category=dict(ben_cat),
        pv_costs_by_organisation=dict(cost_org),
        pv_public_budget=budget,
        tax_financing_cost=tfc,
        nnv=nnv,
        pv_residual_value=residual_pv,
        pv_residual_public_budget=residual_budget,
    )
    rows = tuple(
        YearRow(
            year=offset + i,
            discount_factor=float(dfs[i]),
            benefits=float(ben_y[i]),
            costs=float(cost_y[i]),
            public_budget=float(budget_y[i]),
            tax_financing_cost=float(tfc_y[i]),
            net_discounted=float(net[i]),
            cumulative_discounted=float(cumulative[i]),
        )
        for i in range(n)
    )
    return breakdown, rows


def _competition_ranks(values: list[float]) -> list[int]:
    """1 for the highest NNV; ties (within half a krone) share a rank."""
    ranks = []
    for v in values:
        ranks.append(1 + sum(1 for other in values if other > v + 0.5))
    return ranks


def _payback(alt: PreparedAlternative, rows: tuple[YearRow, ...]) -> tuple[int | None, str | None]:
    """First year from which the cumulative discounted net flow stays >= 0."""
    if alt.alternative.zero:
        return None, "zero alternative (reference)"
    if not rows or rows[-1].cumulative_discounted < -0.5:
        return None, "not paid back within the analysis period"
    year = rows[0].year
    for row in rows:
        if row.cumulative_discounted < -0.5:
            year = row.year + 1
    return year, None


def _to_result(
    alt: PreparedAlternative,
    b: Breakdown,
    years: tuple[YearRow, ...],
    rank: int,
    params: ParameterSet,
    horizon_df: float | None,
) -> AlternativeResult:
    if alt.alternative.zero:
        nnb, nnb_note = None, "zero alternative (reference)"
    elif b.pv_public_budget > 0.5:
        nnb, nnb_note = b.nnv / b.pv_public_budget, None
    else:
        nnb = None
        nnb_note = (
            "undefined: no net public budget outlay (the alternative saves public money or "
            "does not touch public budgets)"
        )
    payback_year, payback_note = _payback(alt, years)
    return AlternativeResult(
        name=alt.alternative.name,
        zero=alt.alternative.zero,
        pv_benefits=kroner(b.pv_benefits),
        pv_benefits_by_organisation={
            k: kroner(v) for k, v in sorted(b.pv_benefits_by_organisation.items())
        },
        pv_benefits_by_category={
            k: kroner(v) for k, v in sorted(b.pv_benefits_by_category.items())
        },
        pv_costs=kroner(b.pv_costs),
        pv_costs_investment=kroner(b.pv_costs_by_category["investment"]),
        pv_costs_operation=kroner(b.pv_costs_by_category["operation"]),
        pv_costs_other=kroner(b.pv_costs_by_category["other"]),
        pv_costs_by_organisation={
            k: kroner(v) for k, v in sorted(b.pv_costs_by_organisation.items())
        },
        pv_public_budget=kroner(b.pv_public_budget),
        tax_financing_cost=kroner(b.tax_financing_cost),
        nnv=kroner(b.nnv),
        nnb=nnb,
        nnb_note=nnb_note,
        payback_year=payback_year,
        payback_note=payback_note,
        effects=alt.effects,
        rank=rank,
        exact=b,
        years=years,
        residual_value=0 if horizon_df is None else kroner(b.pv_residual_value / horizon_df),
        pv_residual_value=kroner(b.pv_residual_value),
        residual_tax_financing_cost=kroner(params.tax_financing_rate * b.pv_residual_public_budget),
    )
