"""Tornado sensitivity and break-even values (DFØ: "følsomhetsanalyse", "break-even").

Both exploit that NNV is linear in every line's amounts: moving one line from
its expected value to its low or high changes NNV by that line's coefficient
(sign and tax financing cost) times the change in its present value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import optimize

from .errors import CBAInputError
from .model import Analysis
from .prepare import PreparedAlternative, PreparedAnalysis, PreparedLine, point_values, prepare


@dataclass(frozen=True)
class TornadoBar:
    """NNV with one line at its low and at its high, all others at expected values."""

    alternative: str
    line: str
    kind: str
    organisation: str
    nnv_at_low: float
    nnv_at_high: float
    swing: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BreakEvenValue:
    """How much an input must change for NNV to reach 0.

    ``multiplier`` scales the input's amounts (1.0 = as estimated); ``None``
    when the input cannot move NNV or would have to change sign.
    """

    alternative: str
    input: str
    pv_contribution: float  # the input's contribution to NNV at expected values
    multiplier: float | None
    change_pct: float | None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BreakEvenResult:
    alternative: str
    nnv: float
    values: tuple[BreakEvenValue, ...]
    discount_rate: float | None
    discount_rate_note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "alternative": self.alternative,
            "nnv": self.nnv,
            "values": [v.to_dict() for v in self.values],
            "discount_rate": self.discount_rate,
            "discount_rate_note": self.discount_rate_note,
        }


def _prepared(analysis: Analysis | PreparedAnalysis) -> PreparedAnalysis:
    return analysis if isinstance(analysis, PreparedAnalysis) else prepare(analysis)


def _select(prepared: PreparedAnalysis, alternative: str | None) -> list[PreparedAlternative]:
    alts = [a for a in prepared.alternatives if not a.alternative.zero]
    if alternative is None:
        return alts
    chosen = [a for a in alts if a.alternative.name == alternative]
    if not chosen:
        names = ", ".join(a.alternative.name for a in alts)
        raise CBAInputError(
            f"no non-zero alternative {alternative!r} (have: {names})", "alternative"
        )
    return chosen


def line_contribution(pl: PreparedLine, point: str = "expected") -> float:
    """The line's contribution to NNV (flows with TFC, plus residual value)."""
    values, residual = point_values(pl, point)
    return (
        pl.coef * float(np.dot(values, pl.weights))
        + pl.residual_coef * residual * pl.residual_weight
    )


def tornado(
    analysis: Analysis | PreparedAnalysis, alternative: str | None = None
) -> list[TornadoBar]:
    """One bar per uncertain line, widest swing first."""
    prepared = _prepared(analysis)
    bars: list[TornadoBar] = []
    for alt in _select(prepared, alternative):
        expected = [line_contribution(pl) for pl in alt.lines]
        nnv = sum(expected)
        for pl, contribution in zip(alt.lines, expected, strict=True):
            if not pl.uncertain:
                continue
            at_low = nnv - contribution + line_contribution(pl, "low")
            at_high = nnv - contribution + line_contribution(pl, "high")
            bars.append(
                TornadoBar(
                    alternative=alt.alternative.name,
                    line=pl.line.name,
                    kind=pl.line.kind,
                    organisation=pl.line.organisation,
                    nnv_at_low=at_low,
                    nnv_at_high=at_high,
                    swing=abs(at_high - at_low),
                )
            )
    bars.sort(key=lambda b: (-b.swing, b.alternative, b.line))
    return bars


def _break_even_value(alt_name: str, name: str, contribution: float, nnv: float) -> BreakEvenValue:
    if abs(contribution) < 0.5:
        return BreakEvenValue(alt_name, name, contribution, None, None, "does not affect NNV")
    multiplier = 1.0 - nnv / contribution
    note = None
    if multiplier < 0:
        note = "NNV keeps its sign even if this input is removed"
    return BreakEvenValue(
        alt_name, name, contribution, multiplier, (multiplier - 1.0) * 100.0, note
    )


def break_even(
    analysis: Analysis | PreparedAnalysis, alternative: str | None = None
) -> list[BreakEvenResult]:
    """Break-even multipliers for each line and for benefit/cost totals, plus the
    flat discount rate at which NNV is 0 (an internal rate of return, with TFC)."""
    prepared = _prepared(analysis)
    out: list[BreakEvenResult] = []
    for alt in _select(prepared, alternative):
        name = alt.alternative.name
        contributions = [line_contribution(pl) for pl in alt.lines]
        nnv = sum(contributions)
        groups: dict[str, float] = {"all benefits": 0.0, "all costs": 0.0}
        for pl, c in zip(alt.lines, contributions, strict=True):
            if pl.line.kind == "benefit":
                groups["all benefits"] += c
            else:
                groups["all costs"] += c
                key = f"{pl.line.category} costs"
                groups[key] = groups.get(key, 0.0) + c
        values = [_break_even_value(name, g, c, nnv) for g, c in groups.items()]
        ranked = sorted(zip(alt.lines, contributions, strict=True), key=lambda t: -abs(t[1]))
        values += [_break_even_value(name, pl.line.name, c, nnv) for pl, c in ranked]
        rate, note = _break_even_rate(prepared, alt)
        out.append(BreakEvenResult(name, nnv, tuple(values), rate, note))
    return out


def _break_even_rate(
    prepared: PreparedAnalysis, alt: PreparedAlternative
) -> tuple[float | None, str | None]:
    base = prepared.analysis.base_year
    last_t = prepared.analysis.last_year - base
    banded = prepared.discount

    def nnv_at(rate: float) -> float:
        total = 0.0
        for pl in alt.lines:
            values, residual = point_values(pl, "expected")
            t = pl.years - base
            flat = (1.0 + rate) ** -t.astype(np.float64)
            total += pl.coef * float(np.dot(values, pl.weights / banded[t] * flat))
            total += pl.residual_coef * residual * (1.0 + rate) ** -last_t
        return total

    grid = [-0.5, -0.2, -0.05, 0.0, 0.01, 0.02, 0.04, 0.07, 0.1, 0.15, 0.25, 0.5, 1.0, 2.0, 5.0]
    values = [nnv_at(r) for r in grid]
    roots = []
    for (r0, v0), (r1, v1) in zip(
        zip(grid, values, strict=True), zip(grid[1:], values[1:], strict=True), strict=False
    ):
        if v0 == 0:
            roots.append(r0)
        elif v0 * v1 < 0:
            roots.append(optimize.brentq(nnv_at, r0, r1, xtol=1e-10))
    if not roots:
        return None, "NNV does not change sign for flat rates between -50 % and 500 %"
    if len(roots) > 1:
        listed = ", ".join(f"{r:.4f}" for r in roots)
        return (
            None,
            f"several break-even rates ({listed}): the cash flow changes sign more than once",
        )
    return float(roots[0]), None
