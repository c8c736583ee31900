"""The co-funding check (medfinansieringsordningen, Digdir) for one initiative: the facts
``nytte.economics.check_cofunding`` looks at, gathered from the registers and the stored
application facts, with where each came from, and the one write (the stored facts).

How each fact is found (the page says the same):

- **project cost**: the initiative's cost lines for investment and other costs, most likely
  amounts, every paying organisation, internal salaries included (cost lines are the
  register's figures). Operating costs after the project are not project costs: the scheme
  funds the project, so they are shown but not counted;
- **budget years**: the years with project costs;
- **NNV**: the initiative's own alternative (named by its code) in its cost-benefit analysis,
  at expected values (R-109), exactly as the cost-benefit page computes it;
- **concept phase finished / execution started**: from the initiative's phase in the project
  model (finished from Plan on; started from Execute on);
- **applicant**: the owning organisation is a state agency when it is a ministry or agency;
- **internal net gains**: the priced efficiency gains attributed to the initiative that arise
  in its own (owning) organisation, most likely amounts times the initiative's share, summed
  over the years in fixed prices and not discounted; the **planned budget cuts** are each
  gain times its budget cut share. The engine compares the two, so they only need the same
  basis;
- **amount requested, category, rules**: stored by a person (``CoFundingFacts``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nytte.benefits.choices import BenefitKind
from nytte.benefits.models import Contribution
from nytte.core.choices import OrganisationKind
from nytte.economics import (
    CURRENT_RULES,
    CBAInputError,
    CoFundingApplication,
    CoFundingCheck,
    CoFundingRules,
    Result,
    check_cofunding,
    compute,
)
from nytte.economics.cofunding import RuleCheck
from nytte.portfolio.choices import Phase
from nytte.portfolio.models import CostLine, Initiative

from ..build import build_analysis, read_registers
from .models import CoFundingFacts
from .report import (
    CONCEPT_FINISHED,
    EXECUTION_STARTED,
    PROJECT_CATEGORIES,
    RULES,
    STATE_KINDS,
    CoFundingReport,
    Fact,
    RuleRow,
    kroner,
    millions,
    percent,
    rule_label,
    year_span,
)

# ---------------------------------------------------------------------------------------------
# Gathering the facts


def stored_facts(initiative: Initiative) -> CoFundingFacts:
    """The stored facts, or unsaved defaults (nothing requested yet, current rules)."""
    try:
        return initiative.cofunding_facts
    except CoFundingFacts.DoesNotExist:
        return CoFundingFacts(initiative=initiative)


def cost_by_year(cost_lines: Iterable[CostLine]) -> tuple[dict[int, int], int]:
    """Most likely project cost per year (investment and other), and the operating cost
    left out, from the initiative's cost lines (``build.Registers``)."""
    project: dict[int, int] = defaultdict(int)
    operating = 0
    for line in cost_lines:
        if line.category in PROJECT_CATEGORIES:
            project[line.year] += line.likely or 0
        else:
            operating += line.likely or 0
    return dict(project), operating


def internal_gains(
    initiative: Initiative, contributions: Iterable[Contribution]
) -> list[dict[str, Any]]:
    """The initiative's share of the priced efficiency gains arising in its own organisation,
    each with its planned budget cut (most likely, summed over the years, not discounted),
    from its contributions by benefit code with their amounts (``build.Registers``)."""
    gains = []
    for contribution in contributions:
        benefit = contribution.benefit
        if not (
            benefit.kind == BenefitKind.EFFICIENCY
            and benefit.priced
            and benefit.arises_in_organisation_id == initiative.owner_organisation_id
        ):
            continue
        total = sum(amount.likely for amount in benefit.amounts.all())
        gain = Decimal(total) * contribution.share / 100
        cut = gain * benefit.budget_cut_share / 100
        gains.append(
            {
                "code": benefit.code,
                "title": benefit.title,
                "share": float(contribution.share),
                "budget_cut_share": float(benefit.budget_cut_share),
                "gain": float(gain),
                "cut": float(cut),
            }
        )
    return gains


def gather(initiative: Initiative, *, result: Result | None = None) -> CoFundingReport:
    """Everything the check needs, and the check. ``result`` is the initiative's computed
    analysis when the caller has it already; otherwise it is computed here. The registers
    are read once, for the facts and the analysis both."""
    stored = stored_facts(initiative)
    rules = RULES.get(stored.rules, CURRENT_RULES)
    registers = read_registers(initiative)
    by_year, operating = cost_by_year(registers.cost_lines)
    years = sorted(year for year, amount in by_year.items() if amount > 0)
    total_cost = sum(by_year.values())
    nnv: int | None = None
    analysis_error = ""
    try:
        result = result or compute(build_analysis(initiative, registers))
        nnv = result.alternative(initiative.code).nnv
    except CBAInputError as exc:
        analysis_error = str(exc)
    except KeyError:
        analysis_error = _("The analysis has no alternative named %(code)s.") % {
            "code": initiative.code
        }
    gains = internal_gains(initiative, registers.contributions)
    gain_total = sum(g["gain"] for g in gains)
    cut_total = sum(g["cut"] for g in gains)
    organisation = initiative.owner_organisation
    application = CoFundingApplication(
        total_cost=float(total_cost),
        requested=float(stored.requested or 0),
        budget_years=tuple(years),
        nnv=None if nnv is None else float(nnv),
        concept_phase_finished=initiative.phase in CONCEPT_FINISHED,
        execution_started=initiative.phase in EXECUTION_STARTED,
        applicant_is_state_agency=organisation.kind in STATE_KINDS,
        category=stored.category,
        internal_net_gains=gain_total,
        planned_budget_cuts=cut_total,
    )
    engine = check_cofunding(application, rules)
    checks = _unassessed(engine, total_cost=total_cost, requested=stored.requested)
    context = {
        "initiative": initiative,
        "application": application,
        "rules": rules,
        "analysis_error": analysis_error,
        "requested": stored.requested,
    }
    rows = [
        RuleRow(c.rule, rule_label(c.rule, rules), c.passed, _reason(c, context)) for c in checks
    ]
    report = CoFundingReport(
        initiative=initiative,
        stored=stored,
        rules=rules,
        application=application,
        check=CoFundingCheck(engine.rules_name, tuple(checks)),
        rows=rows,
        facts=[],
        analysis_error=analysis_error,
        operating_cost=operating,
        gains_by_benefit=gains,
    )
    report.facts.extend(_facts(report, years, total_cost, nnv))
    return report


def _unassessed(
    engine: CoFundingCheck, *, total_cost: int, requested: int | None
) -> list[RuleCheck]:
    """A missing fact makes a rule "not assessed", never failed: no project costs yet, or no
    amount requested yet."""
    checks = []
    for c in engine.checks:
        if c.rule in {"cost band", "funded share"} and total_cost <= 0:
            c = RuleCheck(c.rule, None, "no project costs in the register")
        elif c.rule == "funded share" and requested is None:
            c = RuleCheck(c.rule, None, "the amount requested is not stated")
        checks.append(c)
    return checks


def _reason(c: RuleCheck, ctx: dict[str, Any]) -> str:
    """The engine's verdict explained with the facts, in the user's language."""
    app: CoFundingApplication = ctx["application"]
    rules: CoFundingRules = ctx["rules"]
    initiative: Initiative = ctx["initiative"]
    phase = Phase(initiative.phase).label
    organisation = initiative.owner_organisation
    if c.rule == "applicant":
        values = {
            "organisation": organisation.name,
            "kind": OrganisationKind(organisation.kind).label.lower(),
        }
        if c.passed:
            return _("%(organisation)s, the owning organisation, is a state body (%(kind)s).") % (
                values
            )
        return (
            _(
                "%(organisation)s, the owning organisation, is not a state agency (%(kind)s): "
                "only state agencies may apply; municipalities, KS and businesses can only be "
                "partners."
            )
            % values
        )
    if c.rule == "cost band":
        if c.passed is None:
            return _("No project costs in the register yet.")
        category = rules.category(app.category)
        values = {
            "cost": millions(app.total_cost),
            "min": millions(category.min_cost),
            "max": millions(category.max_cost),
        }
        if c.passed:
            return _("The project cost of %(cost)s is within %(min)s to %(max)s.") % values
        return _("The project cost of %(cost)s is outside %(min)s to %(max)s.") % values
    if c.rule == "funded share":
        if app.total_cost <= 0:
            return _("No project costs in the register yet.")
        if ctx["requested"] is None:
            return _("The amount to request from the scheme is not stated yet.")
        category = rules.category(app.category)
        return _(
            "%(requested)s requested is %(share)s of the project cost; at most %(max)s may be "
            "funded."
        ) % {
            "requested": millions(app.requested),
            "share": percent(app.requested / app.total_cost),
            "max": percent(category.max_share),
        }
    if c.rule == "budget years":
        years = sorted(set(app.budget_years))
        if not years:
            return _("No project costs in the register yet, so no budget years.")
        return ngettext(
            "The project costs fall in %(count)d budget year (%(span)s); at most %(max)d.",
            "The project costs fall in %(count)d budget years (%(span)s); at most %(max)d.",
            len(years),
        ) % {"count": len(years), "span": year_span(years), "max": rules.max_budget_years}
    if c.rule == "profitable (NNV > 0)":
        if c.passed is None:
            return _("The analysis cannot be computed: %(error)s") % {
                "error": ctx["analysis_error"]
            }
        values = {"nnv": millions(app.nnv or 0)}
        if c.passed:
            return _("NNV is %(nnv)s: the initiative is socio-economically profitable.") % values
        return _("NNV is %(nnv)s: the initiative must be socio-economically profitable.") % values
    if c.rule == "concept phase finished":
        text = (
            _("The initiative is in the phase “%(phase)s”: the concept phase is finished.")
            if c.passed
            else _("The initiative is in the phase “%(phase)s”: the concept phase is not finished.")
        )
        return text % {"phase": phase}
    if c.rule == "execution not started":
        text = (
            _("The initiative is in the phase “%(phase)s”: execution has not started.")
            if c.passed
            else _("The initiative is in the phase “%(phase)s”: execution has already started.")
        )
        return text % {"phase": phase}
    if c.rule == "budget cuts":
        gains = app.internal_net_gains or 0.0
        return _(
            "Planned budget cuts are %(cuts)s; %(share)s of the internal net gains of "
            "%(gains)s is %(needed)s."
        ) % {
            "cuts": millions(app.planned_budget_cuts or 0.0),
            "share": percent(rules.budget_cut_share),
            "gains": millions(gains),
            "needed": millions(rules.budget_cut_share * max(gains, 0.0)),
        }
    return c.reason


def _facts(
    report: CoFundingReport, years: list[int], total_cost: int, nnv: int | None
) -> list[Fact]:
    initiative = report.initiative
    app = report.application
    stored = report.stored
    organisation = initiative.owner_organisation
    register = _("From the registers")
    person = _("Stated on this page")
    requested_share = (
        percent(app.requested / total_cost)
        if stored.requested is not None and total_cost > 0
        else "–"
    )
    return [
        Fact(
            "project_cost",
            _("Project cost (incl. internal salaries)"),
            total_cost,
            kroner(total_cost),
            _(
                "%(register)s: the sum of the initiative's cost lines for investment and other "
                "costs, most likely amounts, all paying organisations. Operating costs "
                "(%(operating)s) are not project costs and are not counted."
            )
            % {"register": register, "operating": kroner(report.operating_cost)},
        ),
        Fact(
            "budget_years",
            _("Budget years"),
            years,
            ", ".join(str(year) for year in years) or "–",
            _("%(register)s: the years with project costs.") % {"register": register},
        ),
        Fact(
            "requested",
            _("Amount requested from the scheme"),
            stored.requested,
            kroner(stored.requested) if stored.requested is not None else _("Not stated"),
            person,
        ),
        Fact(
            "requested_share",
            _("Share of the project cost requested"),
            None if requested_share == "–" else app.requested / total_cost,
            requested_share,
            _("The amount requested divided by the project cost."),
        ),
        Fact(
            "nnv",
            _("Net present value (NNV)"),
            nnv,
            kroner(nnv) if nnv is not None else _("Cannot be computed"),
            _(
                "The cost-benefit analysis of the initiative (alternative %(code)s), expected "
                "values in fixed prices, discounted by the analysis settings."
            )
            % {"code": initiative.code},
        ),
        Fact(
            "phase",
            _("Phase"),
            initiative.phase,
            str(Phase(initiative.phase).label),
            _(
                "%(register)s: the initiative's phase. The concept phase is finished from Plan "
                "on; execution has started from Execute on."
            )
            % {"register": register},
        ),
        Fact(
            "applicant",
            _("Applicant"),
            organisation.kind,
            f"{organisation.name} ({OrganisationKind(organisation.kind).label.lower()})",
            _("%(register)s: the owning organisation; a ministry or an agency is a state agency.")
            % {"register": register},
        ),
        Fact(
            "internal_net_gains",
            _("Internal net gains"),
            app.internal_net_gains,
            kroner(app.internal_net_gains),
            ngettext(
                "%(register)s: the initiative's share of priced efficiency gains arising in "
                "the owning organisation; most likely amounts summed over the years in fixed "
                "prices, not discounted (%(count)s benefit).",
                "%(register)s: the initiative's share of priced efficiency gains arising in "
                "the owning organisation; most likely amounts summed over the years in fixed "
                "prices, not discounted (%(count)s benefits).",
                len(report.gains_by_benefit),
            )
            % {"register": register, "count": len(report.gains_by_benefit)},
        ),
        Fact(
            "planned_budget_cuts",
            _("Planned budget cuts"),
            app.planned_budget_cuts,
            kroner(app.planned_budget_cuts),
            _(
                "%(register)s: each of those gains times the share to be cut from budgets, on "
                "the same basis."
            )
            % {"register": register},
        ),
        Fact(
            "category",
            _("Category"),
            stored.category,
            str(stored.get_category_display()),
            person,
        ),
        Fact(
            "rules",
            _("Rules"),
            stored.rules,
            str(stored.get_rules_display()),
            person,
        ),
    ]
