"""Validate an analysis and flatten it into discounted terms.

Everything downstream (deterministic result, Monte Carlo, tornado, break-even)
works on the same flattened form, so the rules of R-109 live in one place:
weights are ``DF(year - base_year) * (1 + g) ** (year - price_year)`` and each
line carries its coefficient in the NNV (tax financing cost folded in).

The analysis period is the lifetime of the measure, also when it is longer than
the parameter set's ``max_analysis_period`` (R-109: 75 years). The flows after year
75 (counted from the base year) are the computed residual value: the banded factors
discount them at 2 % from year 75, so the residual value at year 75 is
``sum_{t>75} F_t * DF(t) / DF(75) = sum_{t>75} F_t / 1.02**(t-75)``, and each flow
keeps its line's budget nature, so public running costs after year 75 still carry
the tax financing cost. ``compute`` reports that part separately.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .discounting import discount_factors
from .errors import CBAInputError
from .model import DEFAULT_GROWTH, Alternative, Analysis, CashFlowLine
from .params import ParameterSet, get_parameter_set
from .plusminus import ScoredEffect, score_effect

#: A guard against typing a year for a number of years, not a rule of R-109: lifetimes
#: beyond the explicit 75 years are analysed with a computed residual value.
MAX_LIFETIME_YEARS = 200


@dataclass(frozen=True)
class PreparedLine:
    """One line as arrays over its years, plus its residual value term."""

    line: CashFlowLine
    where: str
    years: np.ndarray  # int years that carry an amount
    weights: np.ndarray  # DF * real growth factor per year (no sign)
    low: np.ndarray
    likely: np.ndarray
    high: np.ndarray
    #: d NNV / d PV of the line's flows: +1 benefit, -1 cost, times (1 + TFC) if public.
    coef: float
    #: d (net public budget outlay) / d PV: +1 public cost, -1 public saving, 0 otherwise.
    budget_coef: float
    residual_weight: float  # DF of the final year (residual value is never grown)
    residual: tuple[float, float, float] | None
    #: The entered residual value's coefficient in the NNV: +1, or 1 + TFC if public.
    residual_coef: float = 1.0
    #: Its effect on the net public budget outlay: -1 if public (a public asset), else 0.
    residual_budget_coef: float = 0.0

    @property
    def uncertain(self) -> bool:
        spread = bool(np.any(self.high != self.low))
        if self.residual is not None:
            spread = spread or self.residual[0] != self.residual[2]
        return spread


@dataclass(frozen=True)
class PreparedAlternative:
    alternative: Alternative
    where: str
    lines: tuple[PreparedLine, ...]
    effects: tuple[ScoredEffect, ...]


@dataclass(frozen=True)
class PreparedAnalysis:
    analysis: Analysis
    params: ParameterSet
    discount: np.ndarray  # DF for t = 0 .. last_year - base_year
    alternatives: tuple[PreparedAlternative, ...]

    @property
    def years(self) -> range:
        return range(self.analysis.start_year, self.analysis.last_year + 1)

    @property
    def residual_from_year(self) -> int | None:
        """First year whose flows form the computed residual value (None: no such year)."""
        return residual_from_year(self.analysis, self.params)


def residual_from_year(analysis: Analysis, params: ParameterSet) -> int | None:
    """First year after the horizon, base year + 75 (R-109), if the period reaches it.

    Flows from that year on are discounted at the last band's rate (2 %) from the
    horizon year, so they form the residual value at the horizon year.
    """
    first = analysis.base_year + params.max_analysis_period + 1
    return first if analysis.last_year >= first else None


def resolve_parameters(analysis: Analysis) -> ParameterSet:
    """The embedded set if any, else the named set from the registry."""
    if analysis.parameters is not None:
        return analysis.parameters
    return get_parameter_set(analysis.parameter_set)


def prepare(analysis: Analysis) -> PreparedAnalysis:
    """Check the whole analysis and return its flattened, discounted form."""
    params = resolve_parameters(analysis)
    _check_frame(analysis, params)
    n_years = analysis.last_year - analysis.base_year + 1
    discount = discount_factors(n_years, params)
    for name, rho in analysis.factors.items():
        if not 0.0 <= rho <= 1.0:
            raise CBAInputError(
                f"correlation {rho:g} must be between 0 and 1", f"factors[{name!r}]"
            )

    zero = [alt for alt in analysis.alternatives if alt.zero]
    if len(zero) != 1:
        raise CBAInputError(
            'exactly one alternative must be the zero alternative ("zero": true); '
            f"found {len(zero)}",
            "alternatives",
        )
    names = [alt.name for alt in analysis.alternatives]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise CBAInputError(f"alternative names must be unique: {duplicates}", "alternatives")
    if len(analysis.alternatives) < 2:
        raise CBAInputError(
            "add at least one alternative besides the zero alternative", "alternatives"
        )

    prepared = tuple(
        _prepare_alternative(analysis, params, discount, alt, f"alternatives[{i}] {alt.name!r}")
        for i, alt in enumerate(analysis.alternatives)
    )
    return PreparedAnalysis(analysis, params, discount, prepared)


def _check_frame(analysis: Analysis, params: ParameterSet) -> None:
    for field_name in ("base_year", "price_year"):
        value = getattr(analysis, field_name)
        if value < 0:
            raise CBAInputError(f"{field_name} {value} is negative", field_name)
    if analysis.first_year is not None and analysis.first_year < 0:
        raise CBAInputError(f"first_year {analysis.first_year} is negative", "first_year")
    if analysis.start_year < analysis.base_year:
        raise CBAInputError(
            f"the analysis period starts in {analysis.start_year}, before the base year "
            f"{analysis.base_year}; flows are discounted to the base year, not compounded",
            "first_year",
        )
    if analysis.period_years < 1:
        raise CBAInputError(
            f"period_years must be at least 1, got {analysis.period_years}", "period_years"
        )
    if analysis.period_years > MAX_LIFETIME_YEARS:
        raise CBAInputError(
            f"period_years {analysis.period_years} exceeds {MAX_LIFETIME_YEARS} years; "
            "the analysis period is the lifetime of the measure (in years, not a year)",
            "period_years",
        )


def _prepare_alternative(
    analysis: Analysis,
    params: ParameterSet,
    discount: np.ndarray,
    alt: Alternative,
    where: str,
) -> PreparedAlternative:
    if alt.zero and (alt.lines or alt.effects):
        raise CBAInputError(
            "the zero alternative is the reference: enter the other alternatives' flows and "
            "effects as changes from it and leave it empty",
            where,
        )
    line_names = [line.name for line in alt.lines]
    duplicates = sorted({n for n in line_names if line_names.count(n) > 1})
    if duplicates:
        raise CBAInputError(f"line names must be unique within an alternative: {duplicates}", where)
    lines = tuple(
        _prepare_line(analysis, params, discount, line, f"{where} lines[{j}] {line.name!r}")
        for j, line in enumerate(alt.lines)
    )
    effects = tuple(
        score_effect(
            e.name, e.significance, e.scope, e.consequence, e.description,
            f"{where} effects[{k}] {e.name!r}",
        )
        for k, e in enumerate(alt.effects)
    )  # fmt: skip
    return PreparedAlternative(alt, where, lines, effects)


def _prepare_line(
    analysis: Analysis,
    params: ParameterSet,
    discount: np.ndarray,
    line: CashFlowLine,
    where: str,
) -> PreparedLine:
    line.check(where, amounts=False)  # amounts are checked below, vectorised
    if line.factor is not None and not line.factor.strip():
        raise CBAInputError("factor name is empty", where)
    start, last = analysis.start_year, analysis.last_year
    years = sorted(line.amounts)
    for year in years:
        if year < 0:
            raise CBAInputError(f"year {year} is negative", f"{where} amounts[{year}]")
        if not start <= year <= last:
            raise CBAInputError(
                f"year {year} is outside the analysis period {start}-{last}",
                f"{where} amounts[{year}]",
            )
    growth = line.real_growth
    if growth is None:
        g = 0.0
    elif growth == DEFAULT_GROWTH:
        g = params.default_real_growth
    else:
        g = float(growth)
    year_arr = np.array(years, dtype=np.int64)
    weights = discount[year_arr - analysis.base_year] * (1.0 + g) ** (
        year_arr - analysis.price_year
    ).astype(np.float64)
    est = [line.amounts[y] for y in years]
    low = np.array([e.low for e in est], dtype=np.float64)
    likely = np.array([e.likely for e in est], dtype=np.float64)
    high = np.array([e.high for e in est], dtype=np.float64)
    bad = np.flatnonzero((low > likely) | (likely > high))
    if bad.size:
        year = years[int(bad[0])]
        line.amounts[year].check(f"{where} amounts[{year}]")
    sign = 1.0 if line.kind == "benefit" else -1.0
    tfc = params.tax_financing_rate if line.public_budget else 0.0
    residual = None
    if line.residual_value is not None:
        r = line.residual_value
        residual = (r.low, r.likely, r.high)
    residual_public = line.residual_value is not None and line.residual_public_budget
    return PreparedLine(
        line=line,
        where=where,
        years=year_arr,
        weights=weights,
        low=low,
        likely=likely,
        high=high,
        coef=sign * (1.0 + tfc),
        budget_coef=(-sign if line.public_budget else 0.0),
        residual_weight=float(discount[last - analysis.base_year]),
        residual=residual,
        residual_coef=1.0 + params.tax_financing_rate if residual_public else 1.0,
        residual_budget_coef=-1.0 if residual_public else 0.0,
    )


def expected_value(
    low: np.ndarray, likely: np.ndarray, high: np.ndarray, distribution: str
) -> np.ndarray:
    """Mean of the line's distribution: PERT (l+4m+h)/6, triangular (l+m+h)/3."""
    if distribution == "triangular":
        return (low + likely + high) / 3.0
    return (low + 4.0 * likely + high) / 6.0


def point_values(pl: PreparedLine, point: str) -> tuple[np.ndarray, float]:
    """Yearly amounts and residual value at ``point`` (expected/likely/low/high)."""
    dist = pl.line.distribution
    if point == "expected":
        values = expected_value(pl.low, pl.likely, pl.high, dist)
        res = 0.0
        if pl.residual is not None:
            res = float(expected_value(*(np.array([v]) for v in pl.residual), dist)[0])
        return values, res
    index = {"low": 0, "likely": 1, "high": 2}.get(point)
    if index is None:
        raise CBAInputError(f"point must be expected, likely, low or high, got {point!r}", "point")
    values = (pl.low, pl.likely, pl.high)[index]
    res = 0.0 if pl.residual is None else pl.residual[index]
    return values, res
