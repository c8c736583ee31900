"""Build a cost-benefit analysis (``nytte.economics.Analysis``) from the registers: an
initiative's cost lines, its share of priced benefits, non-priced benefits as plus-minus
effects, and the extra lines and alternatives kept for the analysis. A proposal has no cost
lines or benefits in the registers yet, so its analysis is its extra lines and alternatives.

The rules, in one place (docs/economics.md, "From the registers"):

- cost lines of one organisation and category become one cost line; a cost changes public
  budgets when the paying organisation is public (ministry, agency, municipality);
- a priced benefit counts with the initiative's attributed share only, so a benefit shared
  by several initiatives is never counted twice across their analyses;
- the part of an efficiency gain to be cut from budgets (budget cut share) arising in a
  public organisation is a public budget saving, which lowers the tax financing cost; the
  rest (freed capacity used otherwise) and all gains outside the state change no budget;
- a non-priced benefit with a plus-minus consequence becomes a non-priced effect;
- the zero alternative is always there, with nothing in it.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nytte.benefits import selectors as benefit_selectors
from nytte.benefits.choices import BeneficiaryGroup, BenefitKind
from nytte.benefits.models import Contribution
from nytte.core.choices import OrganisationKind
from nytte.core.models import Organisation
from nytte.economics import Alternative, Analysis, CashFlowLine, Estimate, NonPricedEffect
from nytte.economics.plusminus import SCOPE_LABELS, SIGNIFICANCE_LABELS
from nytte.portfolio.choices import CostCategory
from nytte.portfolio.models import CostLine, Initiative

from . import subject as subjects
from .models import AnalysisSettings, ExtraAlternative, ExtraLine, Subject

PUBLIC_KINDS = frozenset(
    {OrganisationKind.MINISTRY, OrganisationKind.AGENCY, OrganisationKind.MUNICIPALITY}
)
BENEFIT_CATEGORY = {BenefitKind.EFFICIENCY: "efficiency", BenefitKind.OTHERS: "external"}


def is_public(organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.kind in PUBLIC_KINDS


def organisation_label(organisation: Organisation) -> str:
    return organisation.short_name or organisation.name


def effect_scale(consequence: int) -> tuple[str, str]:
    """A significance and scope whose plus-minus matrix value is exactly ``consequence``:
    medium significance gives 0 … ±3, large significance with large scope gives ±4."""
    size = min(abs(consequence), 3)
    scope = size if consequence >= 0 else -size
    significance = 3 if abs(consequence) == 4 else 2
    return SIGNIFICANCE_LABELS[significance], SCOPE_LABELS[scope]


def settings_for(subject: Subject) -> AnalysisSettings:
    """The stored settings, or unsaved defaults."""
    try:
        return subject.analysis_settings
    except AnalysisSettings.DoesNotExist:
        return AnalysisSettings(**subjects.owner_filter(subject))


def _estimate(low: float, likely: float, high: float) -> Estimate:
    return Estimate(float(low), float(likely), float(high))


@dataclass(frozen=True)
class Registers:
    """The rows an analysis is built from, read once so that a page (the analysis, the
    co-funding check) shows the same rows without reading them again: the initiative's cost
    lines by year, its contributions with their benefits and amounts by benefit code (none
    for a proposal), and the extra lines (with organisation and alternative) and
    alternatives in their model order."""

    cost_lines: list[CostLine]
    contributions: list[Contribution]
    lines: list[ExtraLine]
    alternatives: list[ExtraAlternative]

    def own_lines(self) -> list[ExtraLine]:
        return [line for line in self.lines if line.alternative_id is None]

    def lines_of(self, alternative: ExtraAlternative) -> list[ExtraLine]:
        return [line for line in self.lines if line.alternative_id == alternative.pk]


def read_registers(subject: Subject) -> Registers:
    """Four queries for an initiative (cost lines, contributions with their benefits' amounts
    as JSON, extra lines, alternatives), two for a proposal, whatever their size."""
    owner = subjects.owner_filter(subject)
    cost_lines: list[CostLine] = []
    contributions: list[Contribution] = []
    if isinstance(subject, Initiative):
        cost_lines = list(subject.costs.select_related("organisation").order_by("year"))
        contributions = list(
            Contribution.objects.filter(initiative=subject)
            .select_related("benefit__arises_in_organisation")
            .annotate(amount_rows=benefit_selectors.amount_rows("benefit_id"))
            .order_by("benefit__code")
        )
        for contribution in contributions:
            benefit_selectors.remember_amounts(contribution.benefit, contribution.amount_rows)
    lines = list(ExtraLine.objects.filter(**owner).select_related("organisation", "alternative"))
    alternatives = list(ExtraAlternative.objects.filter(**owner))
    return Registers(cost_lines, contributions, lines, alternatives)


def _cost_lines(cost_lines: list[CostLine]) -> list[CashFlowLine]:
    grouped: dict[tuple[int, str], dict[int, list[float]]] = defaultdict(dict)
    payers: dict[int, Organisation] = {}
    for line in cost_lines:
        payers[line.organisation_id] = line.organisation
        grouped[(line.organisation_id, line.category)][line.year] = [
            line.low,
            line.likely,
            line.high,
        ]
    lines = []
    for (org_id, category), years in sorted(
        grouped.items(), key=lambda item: (organisation_label(payers[item[0][0]]), item[0][1])
    ):
        payer = payers[org_id]
        lines.append(
            CashFlowLine(
                name=f"{organisation_label(payer)}: {CostCategory(category).label}",
                kind="cost",
                category=category,
                organisation=organisation_label(payer),
                public_budget=is_public(payer),
                amounts={year: _estimate(*values) for year, values in years.items()},
            )
        )
    return lines


def _benefit_lines(
    initiative: Initiative, contributions: list[Contribution]
) -> tuple[list[CashFlowLine], list[NonPricedEffect]]:
    lines: list[CashFlowLine] = []
    effects: list[NonPricedEffect] = []
    for contribution in contributions:
        benefit = contribution.benefit
        share = contribution.share / Decimal(100)
        if not benefit.priced:
            if benefit.plus_minus is not None:
                significance, scope = effect_scale(benefit.plus_minus)
                effects.append(
                    NonPricedEffect(
                        name=f"{benefit.code} {benefit.title}",
                        significance=significance,
                        scope=scope,
                        consequence=benefit.plus_minus,
                        description=benefit.plus_minus_reasoning,
                    )
                )
            continue
        amounts = list(benefit.amounts.all())
        if not amounts:
            continue
        place = benefit.arises_in_organisation
        where = (
            organisation_label(place)
            if place
            else str(BeneficiaryGroup(benefit.arises_in_group).label)
            if benefit.arises_in_group
            else _("Not stated")
        )
        category = BENEFIT_CATEGORY.get(benefit.kind, "other")
        cut = benefit.budget_cut_share / Decimal(100)
        budget_part = cut if benefit.kind == BenefitKind.EFFICIENCY and is_public(place) else 0
        parts = [(Decimal(1) - budget_part, False, "")]
        if budget_part:
            parts.insert(0, (budget_part, True, " " + _("(budget cut)")))
        for fraction, public, suffix in parts:
            if not fraction:
                continue
            factor = share * fraction
            lines.append(
                CashFlowLine(
                    name=f"{benefit.code} {benefit.title}{suffix}",
                    kind="benefit",
                    category=category,
                    organisation=where,
                    public_budget=public,
                    amounts={
                        a.year: _estimate(a.low * factor, a.likely * factor, a.high * factor)
                        for a in amounts
                    },
                    # Both parts of one benefit move together in the simulation.
                    factor=f"benefit {benefit.code}" if budget_part else None,
                    description=_("%(share)s %% of the benefit is attributed to %(code)s.")
                    % {"share": f"{contribution.share.normalize():f}", "code": initiative.code},
                )
            )
    return lines, effects


def _extra_line(line: ExtraLine) -> CashFlowLine:
    return CashFlowLine(
        name=line.name,
        kind=line.kind,  # type: ignore[arg-type]
        category=line.category,
        organisation=line.falls_on,
        public_budget=line.public_budget,
        amounts={
            year: _estimate(line.low, line.likely, line.high)
            for year in range(line.first_year, line.last_year + 1)
        },
        real_growth=None if line.real_growth is None else float(line.real_growth) / 100,
        distribution=line.distribution,  # type: ignore[arg-type]
        description=line.note,
    )


def adjusted(alternative: Alternative, ratio: float) -> Alternative:
    """The alternative with every benefit line's estimates multiplied by ``ratio``: the
    reference-class adjustment chosen from the programme's calibration."""

    def scaled(line: CashFlowLine) -> CashFlowLine:
        if line.kind != "benefit":
            return line
        amounts = {
            year: Estimate(e.low * ratio, e.likely * ratio, e.high * ratio)
            for year, e in line.amounts.items()
        }
        return dataclasses.replace(line, amounts=amounts)

    return dataclasses.replace(alternative, lines=tuple(scaled(line) for line in alternative.lines))


def build_analysis(subject: Subject, registers: Registers | None = None) -> Analysis:
    """The analysis as the registers stand now (``registers`` when the caller has read them
    already). Alternative names are in the site's language, so a snapshot reads the same
    whoever froze it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build(subject, registers or read_registers(subject))


def _build(subject: Subject, registers: Registers) -> Analysis:
    config = settings_for(subject)
    costs: list[CashFlowLine] = []
    benefits: list[CashFlowLine] = []
    effects: list[NonPricedEffect] = []
    if isinstance(subject, Initiative):
        costs = _cost_lines(registers.cost_lines)
        benefits, effects = _benefit_lines(subject, registers.contributions)
    own_extra = [_extra_line(line) for line in registers.own_lines()]
    code = subjects.code(subject)
    main = Alternative(
        name=code,
        lines=tuple(costs + benefits + own_extra),
        effects=tuple(effects),
        description=subject.title,
    )
    others = [
        Alternative(
            name=alt.name,
            lines=tuple(_extra_line(line) for line in registers.lines_of(alt)),
            description=alt.description,
        )
        for alt in registers.alternatives
    ]
    if config.benefit_adjustment is not None:
        main = adjusted(main, float(config.benefit_adjustment))
        others = [adjusted(alt, float(config.benefit_adjustment)) for alt in others]
    zero = Alternative(name=_("Zero alternative"), zero=True)
    years = [year for alt in (main, *others) for line in alt.lines for year in line.amounts]
    first = min(years) if years else timezone.localdate().year
    last = max(years) if years else first
    base = config.base_year or first
    start = min(first, base)
    period = config.period_years or (last - start + 1)
    return Analysis(
        name=f"{code} {subject.title}",
        base_year=base,
        price_year=config.price_year or base,
        period_years=period,
        first_year=start,
        alternatives=(zero, main, *others),
        parameter_set=config.parameter_set,
        description=config.assumptions,
    )


def analysis_facts(initiative: Initiative) -> dict[str, Any]:
    """What the page says about where the numbers came from."""
    return {
        "cost_lines": initiative.costs.count(),
        "benefits": Contribution.objects.filter(initiative=initiative).count(),
    }
