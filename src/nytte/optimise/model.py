"""Input of a portfolio optimisation: candidates, budgets, funds and rules.

Plain, JSON-friendly data (the format is in docs/optimise.md). Amounts are NOK in
fixed prices; years are calendar years. A candidate's cost profile is relative to its
start: ``amounts[k]`` falls in year ``start + k``. ``Problem.from_dict`` checks
everything and raises ``OptimiseInputError`` naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

FORMAT = "nytte-optimise/1"
STATUSES = ("proposal", "planned", "running")
DEPENDENCY_KINDS = ("finish", "start")
#: Real discount rate of R-109 for years 0-40 (the plan horizon is far shorter).
DEFAULT_DISCOUNT_RATE = 0.04


@dataclass(frozen=True)
class CostLine:
    """What one organisation pays for a candidate, per year from its start."""

    organisation: str
    amounts: tuple[float, ...]
    kind: str = "investment"


@dataclass(frozen=True)
class Candidate:
    """An initiative (running or planned) or a proposal that the plan may include.

    ``nnv`` is the net present value of the candidate as of its own start year; the
    objective discounts it to the plan's first year by the start year chosen. For a
    running item it is the value of continuing rather than stopping, as of the first
    plan year. ``score`` is a goal-weighted score (not discounted).
    """

    id: str
    costs: tuple[CostLine, ...]
    name: str = ""
    status: str = "proposal"
    nnv: float = 0.0
    score: float = 0.0
    earliest_start: int | None = None
    latest_start: int | None = None
    #: The actual start year of a running item (may lie before the plan's first year).
    start: int | None = None
    stoppable: bool = False
    #: Paid from the first plan year if a running item is stopped.
    stop_costs: tuple[CostLine, ...] = ()
    mandatory: bool = False
    #: Years from start to finish, for "finish" dependencies; default: the cost profile.
    duration: int | None = None
    #: Joint NNV samples (scenario k of every candidate drawn together), as of its start.
    nnv_samples: tuple[float, ...] | None = None

    @property
    def profile_years(self) -> int:
        return max((len(line.amounts) for line in self.costs), default=0)

    @property
    def length(self) -> int:
        return self.duration if self.duration is not None else max(1, self.profile_years)

    @property
    def total_cost(self) -> float:
        return float(sum(sum(line.amounts) for line in self.costs))

    @property
    def expected_nnv(self) -> float:
        if self.nnv_samples:
            return float(sum(self.nnv_samples) / len(self.nnv_samples))
        return self.nnv


@dataclass(frozen=True)
class Fund:
    """A pot that pays part of some candidates' costs, under rules.

    The state's co-funding scheme (medfinansieringsordningen) is a fund with
    ``max_share=0.5``, ``max_amount=50e6``, ``max_budget_years=3``, project cost
    10-100 m and ``include_running=False`` (execution must not have started).
    """

    id: str
    name: str = ""
    #: What the fund can pay out per plan year; ``None``: no limit.
    budget: tuple[float, ...] | None = None
    max_share: float = 1.0
    max_amount: float | None = None
    max_budget_years: int | None = None
    organisations: tuple[str, ...] | None = None
    cost_kinds: tuple[str, ...] | None = None
    years: tuple[int, ...] | None = None
    candidates: tuple[str, ...] | None = None
    min_project_cost: float = 0.0
    max_project_cost: float | None = None
    include_running: bool = False
    require_positive_nnv: bool = False

    def pays_for(self, candidate: Candidate) -> bool:
        if self.candidates is not None and candidate.id not in self.candidates:
            return False
        if candidate.status == "running" and not self.include_running:
            return False
        if self.require_positive_nnv and candidate.expected_nnv <= 0:
            return False
        total = candidate.total_cost
        if total < self.min_project_cost:
            return False
        return not (self.max_project_cost is not None and total > self.max_project_cost)

    def covers(self, line: CostLine) -> bool:
        if self.organisations is not None and line.organisation not in self.organisations:
            return False
        return self.cost_kinds is None or line.kind in self.cost_kinds


@dataclass(frozen=True)
class Dependency:
    """``candidate`` requires ``requires``: it is chosen only if that one is, and starts
    no earlier than ``lag`` years after it finishes (``kind="finish"``) or starts."""

    candidate: str
    requires: str
    kind: str = "finish"
    lag: int = 0


@dataclass(frozen=True)
class Exclusion:
    """At most one of ``candidates`` may be chosen (alternative solutions)."""

    candidates: tuple[str, ...]
    name: str = ""


@dataclass(frozen=True)
class Problem:
    """Everything the optimiser needs; ``budgets[org][t]`` is year ``first_year + t``."""

    first_year: int
    n_years: int
    budgets: dict[str, tuple[float, ...]]
    candidates: tuple[Candidate, ...]
    name: str = ""
    discount_rate: float = DEFAULT_DISCOUNT_RATE
    nnv_weight: float = 1.0
    score_weight: float = 0.0
    #: Share of each year's budget that may move to an adjacent year, per organisation.
    flexibility: dict[str, float] = field(default_factory=dict)
    funds: tuple[Fund, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    forced_in: tuple[str, ...] = ()
    forced_out: tuple[str, ...] = ()
    #: Chance constraint: P(portfolio NNV < 0) <= this (needs ``nnv_samples``).
    max_probability_negative: float | None = None

    @property
    def years(self) -> range:
        return range(self.first_year, self.first_year + self.n_years)

    @property
    def last_year(self) -> int:
        return self.first_year + self.n_years - 1

    def candidate(self, cid: str) -> Candidate:
        for c in self.candidates:
            if c.id == cid:
                return c
        raise KeyError(cid)

    def with_changes(self, **changes: Any) -> Problem:
        return replace(self, **changes)

    def discount(self, year: int) -> float:
        """Factor that takes an NNV as of ``year`` to the plan's first year."""
        return (1.0 + self.discount_rate) ** -max(0, year - self.first_year)

    def window(self, c: Candidate) -> list[int]:
        """The start years the optimiser may choose for ``c`` (empty: cannot be chosen)."""
        if c.status == "running":
            return [c.start if c.start is not None else self.first_year]
        lo = self.first_year if c.earliest_start is None else max(c.earliest_start, self.first_year)
        hi = self.last_year if c.latest_start is None else min(c.latest_start, self.last_year)
        return list(range(lo, hi + 1))

    def value(self, c: Candidate, start: int) -> float:
        """The candidate's contribution to the objective if it starts in ``start``."""
        return self.nnv_weight * c.expected_nnv * self.discount(start) + (
            self.score_weight * c.score
        )

    # ------------------------------------------------------------------ JSON

    @classmethod
    def from_dict(cls, data: Any) -> Problem:
        """The problem the JSON ``data`` describes; raises ``OptimiseInputError``."""
        from .parse import problem_from_dict  # parse builds on this module's types

        return problem_from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        def lines(ls: tuple[CostLine, ...]) -> list[dict[str, Any]]:
            return [
                {"organisation": x.organisation, "kind": x.kind, "amounts": list(x.amounts)}
                for x in ls
            ]

        out: dict[str, Any] = {
            "format": FORMAT,
            "name": self.name,
            "first_year": self.first_year,
            "years": self.n_years,
            "discount_rate": self.discount_rate,
            "objective": {"nnv_weight": self.nnv_weight, "score_weight": self.score_weight},
            "budgets": {org: list(b) for org, b in self.budgets.items()},
            "flexibility": dict(self.flexibility),
            "candidates": [],
        }
        for c in self.candidates:
            item: dict[str, Any] = {"id": c.id, "costs": lines(c.costs)}
            for key in (
                "name",
                "status",
                "nnv",
                "score",
                "earliest_start",
                "latest_start",
                "start",
                "stoppable",
                "mandatory",
                "duration",
            ):
                item[key] = getattr(c, key)
            if c.stop_costs:
                item["stop_costs"] = lines(c.stop_costs)
            if c.nnv_samples is not None:
                item["nnv_samples"] = list(c.nnv_samples)
            out["candidates"].append({k: v for k, v in item.items() if v is not None})
        out["funds"] = []
        for f in self.funds:
            item = {k: getattr(f, k) for k in f.__dataclass_fields__}
            out["funds"].append(
                {
                    k: list(v) if isinstance(v, tuple) else v
                    for k, v in item.items()
                    if v is not None
                }
            )
        out["dependencies"] = [
            {"candidate": d.candidate, "requires": d.requires, "kind": d.kind, "lag": d.lag}
            for d in self.dependencies
        ]
        out["exclusions"] = [
            {"name": e.name, "candidates": list(e.candidates)} for e in self.exclusions
        ]
        out["forced_in"] = list(self.forced_in)
        out["forced_out"] = list(self.forced_out)
        if self.max_probability_negative is not None:
            out["risk"] = {"max_probability_negative": self.max_probability_negative}
        return out


__all__ = [
    "DEFAULT_DISCOUNT_RATE",
    "FORMAT",
    "Candidate",
    "CostLine",
    "Dependency",
    "Exclusion",
    "Fund",
    "Problem",
]
