"""Reading a problem from its JSON form (docs/optimise.md): every field is checked and an
``OptimiseInputError`` names the one at fault. ``Problem.from_dict`` calls this.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import OptimiseInputError
from .model import (
    DEFAULT_DISCOUNT_RATE,
    DEPENDENCY_KINDS,
    FORMAT,
    STATUSES,
    Candidate,
    CostLine,
    Dependency,
    Exclusion,
    Fund,
    Problem,
)


def _number(value: Any, where: str, *, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OptimiseInputError(f"expected a number, got {value!r}", where)
    number = float(value)
    if not math.isfinite(number):
        raise OptimiseInputError(f"expected a finite number, got {value!r}", where)
    if minimum is not None and number < minimum:
        raise OptimiseInputError(f"must be at least {minimum:g}, got {number:g}", where)
    return number


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptimiseInputError(f"expected a whole number, got {value!r}", where)
    return value


def _share(value: Any, where: str) -> float:
    number = _number(value, where, minimum=0.0)
    if number > 1:
        raise OptimiseInputError(f"a share must be between 0 and 1, got {number:g}", where)
    return number


def _amounts(value: Any, where: str) -> tuple[float, ...]:
    if not isinstance(value, list):
        raise OptimiseInputError("expected a list of yearly amounts", where)
    return tuple(_number(v, f"{where}[{k}]", minimum=0.0) for k, v in enumerate(value))


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise OptimiseInputError("expected a list of names", where)
    return tuple(value)


def _keys(data: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise OptimiseInputError(f"unknown field(s) {', '.join(unknown)}", where)


def problem_from_dict(data: Any) -> Problem:
    """The problem ``data`` describes, checked."""
    if not isinstance(data, dict):
        raise OptimiseInputError("expected a JSON object at the top level")
    _keys(
        data,
        {
            "format",
            "name",
            "description",
            "first_year",
            "years",
            "discount_rate",
            "objective",
            "budgets",
            "flexibility",
            "funds",
            "candidates",
            "dependencies",
            "exclusions",
            "forced_in",
            "forced_out",
            "risk",
            "options",
        },
        "input",
    )
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        raise OptimiseInputError(f"unsupported format {fmt!r} (expected {FORMAT!r})", "format")
    first_year = _int(data.get("first_year"), "first_year")
    n_years = _int(data.get("years"), "years")
    if not 1 <= n_years <= 60:
        raise OptimiseInputError("must be between 1 and 60", "years")
    rate = _number(data.get("discount_rate", DEFAULT_DISCOUNT_RATE), "discount_rate")
    if not -0.5 < rate < 1:
        raise OptimiseInputError("must be a yearly rate such as 0.04", "discount_rate")
    objective = data.get("objective", {})
    if not isinstance(objective, dict):
        raise OptimiseInputError("expected an object", "objective")
    _keys(objective, {"nnv_weight", "score_weight"}, "objective")
    nnv_weight = _number(objective.get("nnv_weight", 1.0), "objective.nnv_weight", minimum=0)
    score_weight = _number(objective.get("score_weight", 0.0), "objective.score_weight", minimum=0)

    raw_budgets = data.get("budgets")
    if not isinstance(raw_budgets, dict) or not raw_budgets:
        raise OptimiseInputError("expected an object: organisation -> yearly budgets", "budgets")
    budgets = {}
    for org, amounts in raw_budgets.items():
        budgets[org] = _yearly(amounts, f"budgets.{org}", first_year, n_years)

    flexibility = _flexibility(data.get("flexibility"), budgets)
    funds = tuple(
        _fund(f, f"funds[{k}]", first_year, n_years) for k, f in enumerate(_list(data, "funds"))
    )
    candidates = tuple(
        _candidate(c, f"candidates[{k}]") for k, c in enumerate(_list(data, "candidates"))
    )
    if not candidates:
        raise OptimiseInputError("at least one candidate is needed", "candidates")
    ids = [c.id for c in candidates]
    seen: set[str] = set()
    for k, cid in enumerate(ids):
        if cid in seen:
            raise OptimiseInputError(f"duplicate id {cid!r}", f"candidates[{k}].id")
        seen.add(cid)
    for fund in funds:
        if fund.candidates is not None:
            _known(fund.candidates, seen, f"funds.{fund.id}.candidates")
    dependencies = []
    for k, d in enumerate(_list(data, "dependencies")):
        where = f"dependencies[{k}]"
        if not isinstance(d, dict):
            raise OptimiseInputError("expected an object", where)
        _keys(d, {"candidate", "requires", "kind", "lag"}, where)
        dep = Dependency(
            candidate=_id(d.get("candidate"), f"{where}.candidate"),
            requires=_id(d.get("requires"), f"{where}.requires"),
            kind=d.get("kind", "finish"),
            lag=_int(d.get("lag", 0), f"{where}.lag"),
        )
        if dep.kind not in DEPENDENCY_KINDS:
            raise OptimiseInputError(
                f"must be one of {', '.join(DEPENDENCY_KINDS)}", f"{where}.kind"
            )
        _known((dep.candidate, dep.requires), seen, where)
        if dep.candidate == dep.requires:
            raise OptimiseInputError("a candidate cannot require itself", where)
        dependencies.append(dep)
    exclusions = []
    for k, e in enumerate(_list(data, "exclusions")):
        where = f"exclusions[{k}]"
        if isinstance(e, list):
            e = {"candidates": e}
        if not isinstance(e, dict):
            raise OptimiseInputError("expected a list of candidate ids or an object", where)
        _keys(e, {"name", "candidates"}, where)
        members = _strings(e.get("candidates"), f"{where}.candidates")
        _known(members, seen, where)
        exclusions.append(Exclusion(candidates=members, name=str(e.get("name", ""))))
    forced_in = _strings(data.get("forced_in", []), "forced_in")
    forced_out = _strings(data.get("forced_out", []), "forced_out")
    _known(forced_in, seen, "forced_in")
    _known(forced_out, seen, "forced_out")

    risk = data.get("risk")
    level = None
    if risk is not None:
        if not isinstance(risk, dict):
            raise OptimiseInputError("expected an object", "risk")
        _keys(risk, {"max_probability_negative"}, "risk")
        level = _share(risk.get("max_probability_negative"), "risk.max_probability_negative")
        sizes = {len(c.nnv_samples) for c in candidates if c.nnv_samples}
        if not sizes:
            raise OptimiseInputError(
                "the chance constraint needs nnv_samples on candidates", "risk"
            )
        if len(sizes) > 1:
            raise OptimiseInputError(
                "every candidate's nnv_samples must have the same length (joint draws)",
                "candidates",
            )
    return Problem(
        first_year=first_year,
        n_years=n_years,
        budgets=budgets,
        candidates=candidates,
        name=str(data.get("name", "")),
        discount_rate=rate,
        nnv_weight=nnv_weight,
        score_weight=score_weight,
        flexibility=flexibility,
        funds=funds,
        dependencies=tuple(dependencies),
        exclusions=tuple(exclusions),
        forced_in=forced_in,
        forced_out=forced_out,
        max_probability_negative=level,
    )


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise OptimiseInputError("expected a list", key)
    return value


def _id(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise OptimiseInputError("expected a non-empty id", where)
    return value


def _known(ids: tuple[str, ...], known: set[str], where: str) -> None:
    missing = [i for i in ids if i not in known]
    if missing:
        raise OptimiseInputError(f"unknown candidate(s) {', '.join(map(repr, missing))}", where)


def _yearly(value: Any, where: str, first_year: int, n_years: int) -> tuple[float, ...]:
    """Yearly amounts as a list from the first year, a number for every year, or
    ``{"2027": ...}`` (missing years are 0)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (_number(value, where, minimum=0.0),) * n_years
    if isinstance(value, list):
        if len(value) != n_years:
            raise OptimiseInputError(f"expected {n_years} yearly amounts, got {len(value)}", where)
        return _amounts(value, where)
    if isinstance(value, dict):
        out = [0.0] * n_years
        for key, amount in value.items():
            try:
                year = int(key)
            except ValueError:
                raise OptimiseInputError(f"{key!r} is not a year", where) from None
            if not first_year <= year < first_year + n_years:
                raise OptimiseInputError(f"year {year} is outside the plan", where)
            out[year - first_year] = _number(amount, f"{where}.{key}", minimum=0.0)
        return tuple(out)
    raise OptimiseInputError("expected a list, a number or an object of yearly amounts", where)


def _flexibility(value: Any, budgets: dict[str, tuple[float, ...]]) -> dict[str, float]:
    if value is None:
        return {}
    if isinstance(value, int | float) and not isinstance(value, bool):
        share = _share(value, "flexibility")
        return {org: share for org in budgets} if share else {}
    if not isinstance(value, dict):
        raise OptimiseInputError(
            "expected a share or an object organisation -> share", "flexibility"
        )
    out = {}
    for org, share in value.items():
        if org not in budgets:
            raise OptimiseInputError(f"{org!r} has no budget", "flexibility")
        out[org] = _share(share, f"flexibility.{org}")
    return out


def _cost_lines(value: Any, where: str) -> tuple[CostLine, ...]:
    if not isinstance(value, list):
        raise OptimiseInputError("expected a list of cost lines", where)
    out = []
    for k, line in enumerate(value):
        w = f"{where}[{k}]"
        if not isinstance(line, dict):
            raise OptimiseInputError("expected an object", w)
        _keys(line, {"organisation", "kind", "amounts"}, w)
        org = _id(line.get("organisation"), f"{w}.organisation")
        out.append(
            CostLine(
                organisation=org,
                amounts=_amounts(line.get("amounts"), f"{w}.amounts"),
                kind=str(line.get("kind", "investment")),
            )
        )
    return tuple(out)


def _candidate(data: Any, where: str) -> Candidate:
    if not isinstance(data, dict):
        raise OptimiseInputError("expected an object", where)
    _keys(
        data,
        {
            "id",
            "name",
            "status",
            "costs",
            "nnv",
            "score",
            "earliest_start",
            "latest_start",
            "start",
            "stoppable",
            "stop_costs",
            "mandatory",
            "duration",
            "nnv_samples",
        },
        where,
    )
    cid = _id(data.get("id"), f"{where}.id")
    where = f"{where} ({cid!r})"
    status = data.get("status", "proposal")
    if status not in STATUSES:
        raise OptimiseInputError(f"must be one of {', '.join(STATUSES)}", f"{where}.status")
    opt_int = {
        k: (None if data.get(k) is None else _int(data[k], f"{where}.{k}"))
        for k in ("earliest_start", "latest_start", "start", "duration")
    }
    if status == "running" and opt_int["start"] is None:
        raise OptimiseInputError("a running item needs its start year", f"{where}.start")
    if opt_int["duration"] is not None and opt_int["duration"] < 1:
        raise OptimiseInputError("must be at least 1", f"{where}.duration")
    samples = data.get("nnv_samples")
    if samples is not None:
        if not isinstance(samples, list) or len(samples) < 2:
            raise OptimiseInputError(
                "expected a list of at least 2 numbers", f"{where}.nnv_samples"
            )
        samples = tuple(_number(s, f"{where}.nnv_samples[{k}]") for k, s in enumerate(samples))
    for flag in ("stoppable", "mandatory"):
        if not isinstance(data.get(flag, False), bool):
            raise OptimiseInputError("expected true or false", f"{where}.{flag}")
    return Candidate(
        id=cid,
        costs=_cost_lines(data.get("costs", []), f"{where}.costs"),
        name=str(data.get("name", "")),
        status=status,
        nnv=_number(data.get("nnv", 0.0), f"{where}.nnv"),
        score=_number(data.get("score", 0.0), f"{where}.score"),
        stoppable=data.get("stoppable", False),
        stop_costs=_cost_lines(data.get("stop_costs", []), f"{where}.stop_costs"),
        mandatory=data.get("mandatory", False),
        nnv_samples=samples,
        **opt_int,
    )


def _years(value: Any, where: str) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise OptimiseInputError("expected a list of years", where)
    return tuple(_int(y, where) for y in value)


def fund_from_dict(data: Any, first_year: int, n_years: int) -> Fund:
    """One fund in the JSON format, checked alone (for forms that edit funds one at a
    time); candidate ids are checked only when a whole problem is read."""
    return _fund(data, "funds", first_year, n_years)


def _fund(data: Any, where: str, first_year: int, n_years: int) -> Fund:
    if not isinstance(data, dict):
        raise OptimiseInputError("expected an object", where)
    _keys(
        data,
        {
            "id",
            "name",
            "budget",
            "max_share",
            "max_amount",
            "max_budget_years",
            "organisations",
            "cost_kinds",
            "years",
            "candidates",
            "min_project_cost",
            "max_project_cost",
            "include_running",
            "require_positive_nnv",
        },
        where,
    )
    fid = _id(data.get("id"), f"{where}.id")
    where = f"funds.{fid}"

    def optional(key: str, parse: Any) -> Any:
        return None if data.get(key) is None else parse(data[key], f"{where}.{key}")

    years = optional("years", _years)
    max_years = optional("max_budget_years", _int)
    if max_years is not None and max_years < 1:
        raise OptimiseInputError("must be at least 1", f"{where}.max_budget_years")
    return Fund(
        id=fid,
        name=str(data.get("name", "")),
        budget=optional("budget", lambda v, w: _yearly(v, w, first_year, n_years)),
        max_share=_share(data.get("max_share", 1.0), f"{where}.max_share"),
        max_amount=optional("max_amount", lambda v, w: _number(v, w, minimum=0.0)),
        max_budget_years=max_years,
        organisations=optional("organisations", _strings),
        cost_kinds=optional("cost_kinds", _strings),
        years=years,
        candidates=optional("candidates", _strings),
        min_project_cost=_number(data.get("min_project_cost", 0.0), f"{where}.min_project_cost"),
        max_project_cost=optional("max_project_cost", lambda v, w: _number(v, w, minimum=0.0)),
        include_running=bool(data.get("include_running", False)),
        require_positive_nnv=bool(data.get("require_positive_nnv", False)),
    )
