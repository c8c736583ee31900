"""Check an initiative against the co-funding scheme (medfinansieringsordningen, Digdir).

A pure function: the app gathers the facts (cost, requested amount, budget
years, NNV, phase) and shows each rule with pass/fail and a reason. Limits live
in a ``CoFundingRules`` object so changed rules are a new object, not new code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import CBAInputError


@dataclass(frozen=True)
class CoFundingCategory:
    """A cost band with its maximum funded share."""

    name: str
    min_cost: float
    max_cost: float
    max_share: float


@dataclass(frozen=True)
class CoFundingRules:
    """The limits of one version of the scheme (domain.md §7)."""

    name: str
    categories: tuple[CoFundingCategory, ...]
    max_budget_years: int = 3
    require_positive_nnv: bool = True
    require_concept_phase_finished: bool = True
    require_execution_not_started: bool = True
    require_state_agency: bool = True
    #: Share of the applicant's internal net gains to be taken out as budget cuts.
    budget_cut_share: float = 0.5

    def category(self, name: str) -> CoFundingCategory:
        for category in self.categories:
            if category.name == name:
                return category
        known = ", ".join(c.name for c in self.categories)
        raise CBAInputError(f"unknown co-funding category {name!r} (known: {known})", "category")


CURRENT_RULES = CoFundingRules(
    name="Digdir medfinansiering (current)",
    categories=(CoFundingCategory("standard", 10_000_000, 100_000_000, 0.50),),
)

#: Earlier rules: a second category for joined-up services and life events.
EARLIER_RULES = CoFundingRules(
    name="Digdir medfinansiering (earlier, with joined-up services)",
    categories=(
        CoFundingCategory("standard", 10_000_000, 100_000_000, 0.50),
        CoFundingCategory("joined_up_services", 10_000_000, 100_000_000, 0.85),
    ),
)


@dataclass(frozen=True)
class CoFundingApplication:
    """The facts about an initiative that the rules look at.

    ``total_cost`` includes internal salaries. ``None`` means "not known yet":
    the rule is then reported as not assessed rather than failed.
    """

    total_cost: float
    requested: float
    budget_years: tuple[int, ...]
    nnv: float | None
    concept_phase_finished: bool | None = None
    execution_started: bool | None = None
    applicant_is_state_agency: bool | None = True
    category: str = "standard"
    internal_net_gains: float | None = None
    planned_budget_cuts: float | None = None


@dataclass(frozen=True)
class RuleCheck:
    rule: str
    passed: bool | None  # None: could not be assessed from the facts given
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CoFundingCheck:
    rules_name: str
    checks: tuple[RuleCheck, ...] = field(default_factory=tuple)

    @property
    def eligible(self) -> bool:
        """True only when every rule passed (an unassessed rule is not a pass)."""
        return all(c.passed is True for c in self.checks)

    @property
    def failed(self) -> list[RuleCheck]:
        return [c for c in self.checks if c.passed is False]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": self.rules_name,
            "eligible": self.eligible,
            "checks": [c.to_dict() for c in self.checks],
        }


def _nok(value: float) -> str:
    return f"NOK {value / 1e6:,.1f} m"


def check_cofunding(
    application: CoFundingApplication, rules: CoFundingRules = CURRENT_RULES
) -> CoFundingCheck:
    """Each rule of the scheme with pass/fail and a reason."""
    app = application
    if app.total_cost < 0 or app.requested < 0:
        raise CBAInputError("cost and requested amount must not be negative", "co-funding")
    category = rules.category(app.category)
    checks: list[RuleCheck] = []

    if rules.require_state_agency:
        if app.applicant_is_state_agency is None:
            checks.append(
                RuleCheck("applicant", None, "unknown whether the applicant is a state agency")
            )
        elif app.applicant_is_state_agency:
            checks.append(RuleCheck("applicant", True, "the applicant is a state agency"))
        else:
            checks.append(
                RuleCheck(
                    "applicant",
                    False,
                    "only state agencies may apply; municipalities, KS and businesses "
                    "can only be partners",
                )
            )

    in_band = category.min_cost <= app.total_cost <= category.max_cost
    checks.append(
        RuleCheck(
            "cost band",
            in_band,
            f"total cost incl. internal salaries {_nok(app.total_cost)} is "
            f"{'within' if in_band else 'outside'} "
            f"{_nok(category.min_cost)}-{_nok(category.max_cost)}",
        )
    )

    share = app.requested / app.total_cost if app.total_cost else float("inf")
    ok_share = share <= category.max_share + 1e-12
    checks.append(
        RuleCheck(
            "funded share",
            ok_share,
            f"requested {_nok(app.requested)} is {share:.0%} of the cost; "
            f"the limit is {category.max_share:.0%}",
        )
    )

    years = sorted(set(app.budget_years))
    if not years:
        checks.append(RuleCheck("budget years", None, "no budget years given"))
    else:
        ok_years = len(years) <= rules.max_budget_years
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
        checks.append(
            RuleCheck(
                "budget years",
                ok_years,
                f"paid over {len(years)} budget year(s) ({span}); at most {rules.max_budget_years}",
            )
        )

    if rules.require_positive_nnv:
        if app.nnv is None:
            checks.append(RuleCheck("profitable (NNV > 0)", None, "no NNV calculated yet"))
        else:
            checks.append(
                RuleCheck(
                    "profitable (NNV > 0)",
                    app.nnv > 0,
                    f"NNV is {_nok(app.nnv)}; the project must be socio-economically profitable",
                )
            )

    if rules.require_concept_phase_finished:
        checks.append(
            _flag(
                "concept phase finished",
                app.concept_phase_finished,
                True,
                "the concept phase is finished",
                "the concept phase is not finished",
            )
        )
    if rules.require_execution_not_started:
        checks.append(
            _flag(
                "execution not started",
                app.execution_started,
                False,
                "execution has not started",
                "execution has already started",
            )
        )

    if app.internal_net_gains is not None and app.planned_budget_cuts is not None:
        needed = rules.budget_cut_share * max(app.internal_net_gains, 0.0)
        checks.append(
            RuleCheck(
                "budget cuts",
                app.planned_budget_cuts >= needed - 0.5,
                f"planned budget cuts {_nok(app.planned_budget_cuts)}; "
                f"{rules.budget_cut_share:.0%} of internal net gains is {_nok(needed)}",
            )
        )
    return CoFundingCheck(rules.name, tuple(checks))


def _flag(rule: str, value: bool | None, wanted: bool, yes: str, no: str) -> RuleCheck:
    if value is None:
        return RuleCheck(rule, None, "not stated")
    return RuleCheck(rule, value == wanted, yes if value == wanted else no)
