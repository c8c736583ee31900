"""What the optimiser returns: a plan with its bound, and the answers built on plans."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

DUAL_NOTE = (
    "Estimate from the LP relaxation (every yes/no choice relaxed to a fraction): the value "
    "one more krone in that organisation's budget for that year would add if projects were "
    "divisible. Real projects are not; read it as a guide to where money is scarcest, not a "
    "price. Valid for small changes only."
)


@dataclass(frozen=True)
class Chosen:
    id: str
    name: str
    status: str
    start: int
    finish: int  # last year of the cost profile (start + duration - 1)
    value: float  # contribution to the objective, discounted to the first plan year


@dataclass(frozen=True)
class BudgetUse:
    organisation: str
    year: int
    budget: float
    moved_in: float  # net budget moved in from adjacent years (negative: moved out)
    cost: float  # gross cost of the chosen items (and stop costs)
    funded: float  # paid by funds
    net: float  # cost - funded
    left: float  # budget + moved_in - net


@dataclass(frozen=True)
class FundPayment:
    fund: str
    candidate: str
    organisation: str
    year: int
    amount: float


@dataclass(frozen=True)
class Binding:
    kind: str
    label: str
    organisation: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class MarginalValue:
    organisation: str  # or the fund id
    year: int
    value_per_krone: float


@dataclass(frozen=True)
class Progress:
    """Passed to the progress callback; return True from the callback to stop early."""

    stage: str  # "greedy", "lp", "mip"
    elapsed: float
    value: float | None
    bound: float | None


@dataclass
class Plan:
    """One solve's answer. ``status`` is "optimal" only when the gap proves it."""

    status: str  # optimal | feasible | no_plan_found
    value: float
    bound: float | None
    gap: float | None
    solve_time: float
    first_answer_time: float | None
    first_answer_value: float | None
    first_answer_method: str | None
    baseline_value: float | None  # greedy benefit/cost ranking on the same instance
    chosen: list[Chosen] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    not_chosen: list[str] = field(default_factory=list)
    budget_use: list[BudgetUse] = field(default_factory=list)
    fund_payments: list[FundPayment] = field(default_factory=list)
    binding: list[Binding] = field(default_factory=list)
    marginal_values: list[MarginalValue] = field(default_factory=list)
    fund_marginal_values: list[MarginalValue] = field(default_factory=list)
    lp_bound: float | None = None
    unconstrained_organisations: list[str] = field(default_factory=list)
    trace: list[tuple[float, float | None, float | None]] = field(default_factory=list)
    mip_gap_target: float = 0.0
    #: The model's full column vector (a warm start for a solve of the same structure).
    solution: Any = field(default=None, repr=False, compare=False)

    @property
    def starts(self) -> dict[str, int]:
        return {c.id: c.start for c in self.chosen}

    @property
    def proven_optimal(self) -> bool:
        return self.status == "optimal"

    @property
    def gain_over_baseline(self) -> float | None:
        if self.baseline_value is None or self.baseline_value <= 0:
            return None
        return self.value / self.baseline_value - 1.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("solution", None)
        out["proven_optimal"] = self.proven_optimal
        out["gain_over_baseline"] = self.gain_over_baseline
        out["marginal_values_note"] = DUAL_NOTE
        out["trace"] = [list(t) for t in self.trace]
        return out


@dataclass
class FrontierPoint:
    level: float  # multiple of the given budgets
    total_budget: float
    status: str
    value: float | None
    bound: float | None
    gap: float | None
    chosen: list[str]
    message: str = ""


@dataclass
class Move:
    id: str
    change: str  # "out", "later", "in", "earlier"
    start_before: int | None
    start_after: int | None
    value_change: float


@dataclass
class Displacement:
    """The best plan with and without one new proposal, and what it pushes out or later.

    ``value_change`` = ``with_proposal.value`` - ``without_proposal.value``: exactly the
    difference of the two solves (trustworthy as far as both gaps allow).
    """

    proposal: str
    mode: str
    current_value: float | None
    without_proposal: Plan
    with_proposal: Plan
    moves: list[Move]
    value_lost: float  # by what is pushed out or later
    value_gained: float  # the proposal's own value (and anything that comes in)

    @property
    def value_change(self) -> float:
        return self.with_proposal.value - self.without_proposal.value

    def to_dict(self) -> dict[str, Any]:
        return {
            "proposal": self.proposal,
            "mode": self.mode,
            "current_value": self.current_value,
            "value_change": self.value_change,
            "value_lost": self.value_lost,
            "value_gained": self.value_gained,
            "moves": [asdict(m) for m in self.moves],
            "without_proposal": self.without_proposal.to_dict(),
            "with_proposal": self.with_proposal.to_dict(),
        }
