"""What the co-funding page and API show: the facts, each rule's row, the report, and the
formatting of amounts in the user's language (see ``gather`` for how the facts are found)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nytte.core.choices import OrganisationKind
from nytte.economics import (
    CURRENT_RULES,
    EARLIER_RULES,
    CoFundingApplication,
    CoFundingCheck,
    CoFundingRules,
)
from nytte.portfolio.choices import CostCategory, Phase
from nytte.portfolio.models import Initiative

from .models import CoFundingFacts, CoFundingRulesVersion

RULES: dict[str, CoFundingRules] = {
    CoFundingRulesVersion.CURRENT: CURRENT_RULES,
    CoFundingRulesVersion.EARLIER: EARLIER_RULES,
}
STATE_KINDS = frozenset({OrganisationKind.MINISTRY, OrganisationKind.AGENCY})
CONCEPT_FINISHED = frozenset({Phase.PLAN, Phase.EXECUTE, Phase.CLOSE, Phase.REALISE})
EXECUTION_STARTED = frozenset({Phase.EXECUTE, Phase.CLOSE, Phase.REALISE})
PROJECT_CATEGORIES = frozenset({CostCategory.INVESTMENT, CostCategory.OTHER})


# ---------------------------------------------------------------------------------------------
# What the page and API show


@dataclass(frozen=True)
class Fact:
    """One fact the check used: its value (raw for the API, ``display`` for people) and
    where it came from."""

    key: str
    label: str
    value: Any
    display: str
    source: str

    @property
    def numeric(self) -> bool:
        """Amounts and shares are right-aligned on the page; words and lists are not."""
        return isinstance(self.value, int | float) and not isinstance(self.value, bool)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "display": self.display,
            "source": self.source,
        }


@dataclass(frozen=True)
class RuleRow:
    """A rule of the scheme with the engine's verdict and a reason in the user's language."""

    rule: str
    label: str
    passed: bool | None
    reason: str

    @property
    def state(self) -> str:
        return {True: "pass", False: "fail", None: "not_assessed"}[self.passed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "label": self.label,
            "passed": self.passed,
            "state": self.state,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class CoFundingReport:
    initiative: Initiative
    stored: CoFundingFacts
    rules: CoFundingRules
    application: CoFundingApplication
    check: CoFundingCheck
    rows: list[RuleRow]
    facts: list[Fact]
    analysis_error: str = ""
    operating_cost: int = 0
    gains_by_benefit: list[dict[str, Any]] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.check.eligible

    @property
    def counts(self) -> dict[str, int]:
        states = [row.state for row in self.rows]
        return {s: states.count(s) for s in ("pass", "fail", "not_assessed")}

    def to_dict(self) -> dict[str, Any]:
        return {
            "initiative": self.initiative.code,
            "rules": self.stored.rules,
            "rules_name": self.rules.name,
            "category": self.stored.category,
            "eligible": self.eligible,
            "checks": [row.to_dict() for row in self.rows],
            "facts": [fact.to_dict() for fact in self.facts],
            "stored": {
                "requested": self.stored.requested,
                "category": self.stored.category,
                "rules": self.stored.rules,
                "note": self.stored.note,
                "updated_at": self.stored.updated_at,
            },
            "analysis_error": self.analysis_error or None,
        }


# ---------------------------------------------------------------------------------------------
# Formatting in the user's language


def kroner(value: float | int | None) -> str:
    """Whole kroner with the language's thousands separator, e.g. "NOK 40,000,000"."""
    if value is None:
        return "–"
    amount = formats.number_format(round(value), 0, use_l10n=True, force_grouping=True)
    return _("NOK %(amount)s") % {"amount": amount}


def millions(value: float) -> str:
    amount = formats.number_format(value / 1e6, 1, use_l10n=True, force_grouping=True)
    return _("NOK %(amount)s m") % {"amount": amount}


def percent(share: float) -> str:
    places = 0 if round(share * 100, 1).is_integer() else 1
    return f"{formats.number_format(share * 100, places, use_l10n=True)} %"


def year_span(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])


def rule_label(rule: str, rules: CoFundingRules) -> str:
    labels = {
        "applicant": _("The applicant is a state agency"),
        "cost band": _("Project cost within the cost band"),
        "funded share": _("Share funded by the scheme"),
        "budget years": ngettext(
            "Paid over at most %(count)d budget year",
            "Paid over at most %(count)d budget years",
            rules.max_budget_years,
        )
        % {"count": rules.max_budget_years},
        "profitable (NNV > 0)": _("Socio-economically profitable (NNV > 0)"),
        "concept phase finished": _("Concept phase finished"),
        "execution not started": _("Execution not started"),
        "budget cuts": _("%(share)s of internal net gains taken out as budget cuts")
        % {"share": percent(rules.budget_cut_share)},
    }
    return labels.get(rule, rule)
