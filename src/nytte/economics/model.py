"""Input dataclasses for a cost-benefit analysis (samfunnsøkonomisk analyse).

Plain, JSON-friendly data: the Django app builds these from initiative cost
lines and priced benefits; the CLI builds them from JSON or Excel. Amounts are
NOK in fixed real prices of the analysis' price year (kroneår), entered as
changes relative to the zero alternative.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from .errors import CBAInputError

Kind = Literal["cost", "benefit"]
Distribution = Literal["pert", "triangular"]

COST_CATEGORIES = ("investment", "operation", "other")
BENEFIT_CATEGORIES = ("efficiency", "quality", "external", "other")
DISTRIBUTIONS = ("pert", "triangular")
DEFAULT_GROWTH = "default"


def to_number(value: Any, where: str) -> float:
    """Accept int, float, Decimal or a numeric string; reject bools and NaN/inf."""
    if isinstance(value, bool) or value is None:
        raise CBAInputError(f"expected a number, got {value!r}", where)
    if isinstance(value, int | float | Decimal):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.replace(" ", "").replace("\u00a0", "").replace(",", "."))
        except ValueError:
            raise CBAInputError(f"expected a number, got {value!r}", where) from None
    else:
        raise CBAInputError(f"expected a number, got {type(value).__name__}", where)
    if not math.isfinite(number):
        raise CBAInputError(f"expected a finite number, got {value!r}", where)
    return number


@dataclass(frozen=True)
class Estimate:
    """An amount as low / most likely / high (a point value has all three equal)."""

    low: float
    likely: float
    high: float

    @classmethod
    def point(cls, value: float) -> Estimate:
        v = float(value)
        return cls(v, v, v)

    @property
    def is_uncertain(self) -> bool:
        return self.low != self.high

    def check(self, where: str) -> None:
        if self.high < self.low:
            raise CBAInputError(f"high ({self.high:g}) is below low ({self.low:g})", where)
        if not self.low <= self.likely <= self.high:
            raise CBAInputError(
                f"most likely ({self.likely:g}) must lie between low ({self.low:g}) "
                f"and high ({self.high:g})",
                where,
            )

    def scaled(self, factor: float) -> Estimate:
        values = sorted((self.low * factor, self.likely * factor, self.high * factor))
        return Estimate(*values)

    def to_json(self) -> float | dict[str, float]:
        if self.low == self.likely == self.high:
            return _compact(self.likely)
        return {
            "low": _compact(self.low),
            "likely": _compact(self.likely),
            "high": _compact(self.high),
        }

    @classmethod
    def from_json(cls, data: Any, where: str) -> Estimate:
        if isinstance(data, dict):
            unknown = set(data) - {"low", "likely", "high", "most_likely"}
            if unknown:
                raise CBAInputError(f"unknown keys {sorted(unknown)}", where)
            likely_raw = data.get("likely", data.get("most_likely"))
            if likely_raw is None:
                raise CBAInputError("missing 'likely' (most likely value)", where)
            likely = to_number(likely_raw, f"{where}.likely")
            low = to_number(data["low"], f"{where}.low") if "low" in data else likely
            high = to_number(data["high"], f"{where}.high") if "high" in data else likely
            estimate = cls(low, likely, high)
        else:
            estimate = cls.point(to_number(data, where))
        estimate.check(where)
        return estimate


def _compact(value: float) -> float | int:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


@dataclass(frozen=True)
class CashFlowLine:
    """One priced cost or benefit stream of an alternative.

    ``public_budget`` says whether the line changes public budgets: a public cost
    adds tax financing cost, a public saving or revenue (benefit) reduces it.
    ``residual_value`` is a value entered by hand for what lies beyond the analysis
    period, booked as a benefit in its last year; ``residual_public_budget`` states
    its budget nature (default: not public, e.g. value to users; true for e.g. the
    resale value of a public asset, which then lowers the tax financing cost, or a
    negative residual value for public running costs, which raises it).
    ``real_growth`` is a yearly real price growth rate, ``"default"`` for the
    parameter set's default, or ``None`` for none. ``factor`` names a shared
    uncertainty factor: lines with the same factor are drawn together.
    """

    name: str
    kind: Kind
    organisation: str
    amounts: dict[int, Estimate]
    category: str = "other"
    public_budget: bool = False
    real_growth: float | str | None = None
    residual_value: Estimate | None = None
    residual_public_budget: bool = False
    distribution: Distribution = "pert"
    factor: str | None = None
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "category": self.category,
            "organisation": self.organisation,
            "public_budget": self.public_budget,
            "amounts": {str(y): e.to_json() for y, e in sorted(self.amounts.items())},
            "distribution": self.distribution,
        }
        if self.real_growth is not None:
            data["real_growth"] = self.real_growth
        if self.residual_value is not None:
            data["residual_value"] = self.residual_value.to_json()
            data["residual_public_budget"] = self.residual_public_budget
        if self.factor:
            data["factor"] = self.factor
        if self.description:
            data["description"] = self.description
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str) -> CashFlowLine:
        _require_mapping(data, where)
        name = _require_str(data, "name", where)
        where = f"{where} {name!r}"
        kind = data.get("kind")
        if kind not in ("cost", "benefit"):
            raise CBAInputError(f"kind must be 'cost' or 'benefit', got {kind!r}", where)
        category = str(data.get("category") or "other")
        distribution = str(data.get("distribution") or "pert").lower()
        amounts_raw = data.get("amounts", {})
        if not isinstance(amounts_raw, dict):
            raise CBAInputError("amounts must be a mapping of year -> amount", where)
        amounts: dict[int, Estimate] = {}
        for key, value in amounts_raw.items():
            for year in _parse_years(key, f"{where} amounts"):
                if year in amounts:
                    raise CBAInputError(f"year {year} is given twice", f"{where} amounts")
                amounts[year] = Estimate.from_json(value, f"{where} amounts[{year}]")
        growth = data.get("real_growth")
        if growth is not None and growth != DEFAULT_GROWTH:
            growth = to_number(growth, f"{where} real_growth")
        residual = data.get("residual_value")
        public = data.get("public_budget", False)
        if not isinstance(public, bool):
            raise CBAInputError(f"public_budget must be true or false, got {public!r}", where)
        residual_public = data.get("residual_public_budget", False)
        if not isinstance(residual_public, bool):
            raise CBAInputError(
                f"residual_public_budget must be true or false, got {residual_public!r}", where
            )
        line = cls(
            name=name,
            kind=kind,
            organisation=str(data.get("organisation") or ""),
            amounts=amounts,
            category=category,
            public_budget=public,
            real_growth=growth,
            residual_value=(
                None
                if residual is None
                else Estimate.from_json(residual, f"{where} residual_value")
            ),
            residual_public_budget=residual_public,
            distribution=distribution,  # type: ignore[arg-type]
            factor=(str(data["factor"]) if data.get("factor") else None),
            description=str(data.get("description") or ""),
        )
        line.check(where)
        return line

    def check(self, where: str, *, amounts: bool = True) -> None:
        """Line-level checks that need no analysis context."""
        if self.kind not in ("cost", "benefit"):
            raise CBAInputError(f"kind must be 'cost' or 'benefit', got {self.kind!r}", where)
        allowed = COST_CATEGORIES if self.kind == "cost" else BENEFIT_CATEGORIES
        if self.category not in allowed:
            raise CBAInputError(
                f"category {self.category!r} is not valid for a {self.kind} "
                f"(use one of {', '.join(allowed)})",
                where,
            )
        if self.distribution not in DISTRIBUTIONS:
            raise CBAInputError(
                f"distribution must be 'pert' or 'triangular', got {self.distribution!r}", where
            )
        if not self.organisation.strip():
            raise CBAInputError("organisation (who the line falls on) is required", where)
        if amounts:
            for year, estimate in self.amounts.items():
                estimate.check(f"{where} amounts[{year}]")
        if self.residual_value is not None:
            self.residual_value.check(f"{where} residual_value")
        if isinstance(self.real_growth, float | int) and self.real_growth <= -1:
            raise CBAInputError("real_growth must be above -100 %", where)
        if isinstance(self.real_growth, str) and self.real_growth != DEFAULT_GROWTH:
            raise CBAInputError("real_growth must be a number, 'default' or null", where)


_SIGNIFICANCE_DEFAULT = "middels"


@dataclass(frozen=True)
class NonPricedEffect:
    """A non-priced effect scored with the plus-minus method.

    ``consequence`` overrides the matrix value when the assessor has reasons
    (documented in ``description``); it must stay on the same side as the scope.
    """

    name: str
    significance: str
    scope: str
    consequence: int | None = None
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "significance": self.significance,
            "scope": self.scope,
        }
        if self.consequence is not None:
            data["consequence"] = self.consequence
        if self.description:
            data["description"] = self.description
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str) -> NonPricedEffect:
        _require_mapping(data, where)
        name = _require_str(data, "name", where)
        consequence = data.get("consequence")
        if consequence is not None and not isinstance(consequence, int | str):
            raise CBAInputError("consequence must be an integer -4..4 or +/- symbols", where)
        from .plusminus import parse_consequence

        return cls(
            name=name,
            significance=str(data.get("significance") or _SIGNIFICANCE_DEFAULT),
            scope=str(data.get("scope", "")),
            consequence=(
                None
                if consequence in (None, "")
                else parse_consequence(consequence, f"{where} {name!r} consequence")
            ),
            description=str(data.get("description") or ""),
        )


@dataclass(frozen=True)
class Alternative:
    """A measure being compared; ``zero`` marks the zero alternative (nullalternativet)."""

    name: str
    lines: tuple[CashFlowLine, ...] = ()
    effects: tuple[NonPricedEffect, ...] = ()
    zero: bool = False
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name}
        if self.zero:
            data["zero"] = True
        if self.description:
            data["description"] = self.description
        data["lines"] = [line.to_dict() for line in self.lines]
        data["effects"] = [effect.to_dict() for effect in self.effects]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str) -> Alternative:
        _require_mapping(data, where)
        name = _require_str(data, "name", where)
        where = f"{where} {name!r}"
        lines_raw = data.get("lines") or []
        effects_raw = data.get("effects") or []
        if not isinstance(lines_raw, list) or not isinstance(effects_raw, list):
            raise CBAInputError("lines and effects must be lists", where)
        zero = data.get("zero", False)
        if not isinstance(zero, bool):
            raise CBAInputError(f"zero must be true or false, got {zero!r}", where)
        return cls(
            name=name,
            lines=tuple(
                CashFlowLine.from_dict(item, f"{where} lines[{i}]")
                for i, item in enumerate(lines_raw)
            ),
            effects=tuple(
                NonPricedEffect.from_dict(item, f"{where} effects[{i}]")
                for i, item in enumerate(effects_raw)
            ),
            zero=zero,
            description=str(data.get("description") or ""),
        )


FORMAT_TAG = "nytte-cba/1"


@dataclass(frozen=True)
class Analysis:
    """A cost-benefit analysis: period, price basis, parameter set and alternatives.

    Cash flows are discounted to ``base_year`` and must fall in the analysis
    period ``first_year`` .. ``first_year + period_years - 1`` (``first_year``
    defaults to the base year). The period is the lifetime of the measure; when
    it is longer than the parameter set's ``max_analysis_period`` (75 years), the
    flows after that are reported as a computed residual value (R-109).
    ``parameters`` embeds a custom parameter set; otherwise ``parameter_set``
    names one in the registry.
    """

    name: str
    base_year: int
    price_year: int
    period_years: int
    alternatives: tuple[Alternative, ...]
    first_year: int | None = None
    parameter_set: str = "R-109:2021"
    parameters: Any = None  # ParameterSet | None; Any keeps the import graph flat
    factors: dict[str, float] = field(default_factory=dict)
    description: str = ""

    @property
    def start_year(self) -> int:
        return self.base_year if self.first_year is None else self.first_year

    @property
    def last_year(self) -> int:
        return self.start_year + self.period_years - 1

    @property
    def is_empty(self) -> bool:
        """No alternative has a cost or benefit yet: nothing to compute but zeros."""
        return not any(alt.lines or alt.effects for alt in self.alternatives)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT_TAG,
            "name": self.name,
            "base_year": self.base_year,
            "price_year": self.price_year,
            "first_year": self.start_year,
            "period_years": self.period_years,
            "parameter_set": self.parameter_set,
        }
        if self.parameters is not None:
            data["parameters"] = self.parameters.to_dict()
        if self.description:
            data["description"] = self.description
        if self.factors:
            data["factors"] = dict(self.factors)
        data["alternatives"] = [alt.to_dict() for alt in self.alternatives]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        _require_mapping(data, "analysis")
        tag = data.get("format", FORMAT_TAG)
        if tag != FORMAT_TAG:
            raise CBAInputError(f"unsupported format {tag!r} (expected {FORMAT_TAG!r})", "format")
        from .params import DEFAULT_PARAMETER_SET, ParameterSet

        parameters = None
        if data.get("parameters") is not None:
            parameters = ParameterSet.from_dict(data["parameters"])
        alternatives_raw = data.get("alternatives")
        if not isinstance(alternatives_raw, list) or not alternatives_raw:
            raise CBAInputError("at least the zero alternative is required", "alternatives")
        factors_raw = data.get("factors") or {}
        if not isinstance(factors_raw, dict):
            raise CBAInputError("factors must map factor name -> correlation", "factors")
        first = data.get("first_year")
        analysis = cls(
            name=str(data.get("name") or "Analysis"),
            base_year=_require_int(data, "base_year", "analysis"),
            price_year=_require_int(data, "price_year", "analysis"),
            period_years=_require_int(data, "period_years", "analysis"),
            first_year=None if first is None else _require_int(data, "first_year", "analysis"),
            parameter_set=str(
                data.get("parameter_set")
                or (parameters.name if parameters else None)
                or DEFAULT_PARAMETER_SET
            ),
            parameters=parameters,
            factors={str(k): to_number(v, f"factors[{k!r}]") for k, v in factors_raw.items()},
            alternatives=tuple(
                Alternative.from_dict(item, f"alternatives[{i}]")
                for i, item in enumerate(alternatives_raw)
            ),
            description=str(data.get("description") or ""),
        )
        return analysis


def _require_mapping(data: Any, where: str) -> None:
    if not isinstance(data, dict):
        raise CBAInputError(f"expected an object, got {type(data).__name__}", where)


def _require_str(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CBAInputError(f"{key} is required", where)
    return value.strip()


def _require_int(data: dict[str, Any], key: str, where: str) -> int:
    value = data.get(key)
    if value is None:
        raise CBAInputError(f"{key} is required", where)
    number = to_number(value, f"{where}.{key}")
    if not number.is_integer():
        raise CBAInputError(f"{key} must be a whole number, got {value!r}", where)
    return int(number)


_YEAR_RANGE = re.compile(r"^\s*(-?\d+)\s*(?:[-–]|\.\.)\s*(-?\d+)\s*$")


def _parse_years(key: Any, where: str) -> range:
    """A year key is ``2026`` or an inclusive range ``"2026-2035"``."""
    if isinstance(key, int) and not isinstance(key, bool):
        return range(key, key + 1)
    text = str(key).strip()
    match = _YEAR_RANGE.match(text)
    if match:
        first, last = int(match.group(1)), int(match.group(2))
        if last < first:
            raise CBAInputError(f"year range {text!r} ends before it starts", where)
        return range(first, last + 1)
    try:
        year = int(float(text))
    except ValueError:
        raise CBAInputError(f"{text!r} is not a year or year range", where) from None
    return range(year, year + 1)
