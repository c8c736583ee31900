"""The two appendices of a co-funding application as an editable Word document (python-docx):
Appendix 1 "Assumptions" and Appendix 2 "NPV calculation" (a simplified cost-benefit
analysis), from the initiative's live evaluation (``selectors.evaluate``).

Built-in heading styles (Title, Heading 1–3) so Word's navigation pane and screen readers can
move through it; table header rows repeat on each page; the document's language is set.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentType

from nytte.benefits.choices import BeneficiaryGroup, BenefitKind
from nytte.benefits.models import Contribution
from nytte.core.docx import CONTENT_TYPE as CONTENT_TYPE
from nytte.core.docx import add_table, clean, set_language
from nytte.economics import Analysis, Result, SimulationResult
from nytte.economics.params import ParameterSet
from nytte.portfolio.choices import CostCategory
from nytte.portfolio.models import Initiative

from ..choices import LineCategory, LineKind
from ..models import AnalysisSettings, ExtraLine

# ---------------------------------------------------------------------------------------------
# Formatting


def nok(value: float | int | Decimal | None) -> str:
    """Whole kroner with the language's thousands separator (no currency: headers say NOK)."""
    if value is None:
        return "–"
    return formats.number_format(round(value), 0, use_l10n=True, force_grouping=True)


def decimal(value: float | None, places: int) -> str:
    if value is None:
        return "–"
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def percent(share: float) -> str:
    """A share (0.04) as a percentage ("4 %")."""
    value = share * 100
    places = 0 if round(value, 2).is_integer() else 2
    return f"{formats.number_format(value, places, use_l10n=True)} %"


def filename(initiative: Initiative) -> str:
    return f"co-funding-appendices-{initiative.code}.docx"


def discount_rates(parameters: ParameterSet) -> str:
    """The discount bands in words: "4 % in years 1–40; 3 % in years 41–75; 2 % from 76"."""
    parts = []
    for band in parameters.discount_bands:
        if band.last_step is None:
            parts.append(
                _("%(rate)s from year %(first)s")
                % {"rate": percent(band.rate), "first": band.first_step}
            )
        else:
            parts.append(
                _("%(rate)s in years %(first)s–%(last)s")
                % {"rate": percent(band.rate), "first": band.first_step, "last": band.last_step}
            )
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------------
# Document helpers


def _pairs(doc: DocumentType, pairs: Sequence[tuple[str, Any]]) -> None:
    """A two-column table of labels and values."""
    add_table(doc, [_("Item"), _("Value")], [(label, value) for label, value in pairs])


def _text(doc: DocumentType, text: str) -> None:
    for block in re.split(r"\n\s*\n", clean(text).strip()):
        if block.strip():
            doc.add_paragraph(block.strip())


# ---------------------------------------------------------------------------------------------
# The document


def render_docx(initiative: Initiative, evaluation: dict[str, Any]) -> bytes:
    """Both appendices for ``evaluation`` (``selectors.evaluate(initiative)``), in the
    current language."""
    analysis: Analysis = evaluation["analysis"]
    result: Result = evaluation["result"]
    simulation: SimulationResult = evaluation["simulation"]
    config: AnalysisSettings = evaluation["settings"]
    language = translation.get_language() or "nb"
    doc = Document()
    set_language(doc, "nb-NO" if language.startswith("nb") else language)
    title = _("Appendices to the application for co-funding: %(code)s %(title)s") % {
        "code": initiative.code,
        "title": initiative.title,
    }
    doc.core_properties.title = clean(title)
    doc.add_heading(clean(title), level=0)
    doc.add_paragraph(
        _(
            "The assumptions behind the profitability calculation (appendix 1) and the net "
            "present value calculation (appendix 2), as the co-funding scheme "
            "(medfinansieringsordningen) asks. Made by Nytte from the programme's registers."
        )
    )
    _appendix_assumptions(doc, initiative, analysis, result, simulation, config)
    _appendix_npv(doc, initiative, result, simulation)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _appendix_assumptions(
    doc: DocumentType,
    initiative: Initiative,
    analysis: Analysis,
    result: Result,
    simulation: SimulationResult,
    config: AnalysisSettings,
) -> None:
    parameters = result.parameters
    doc.add_heading(_("Appendix 1: Assumptions"), level=1)

    doc.add_heading(_("Basis of the analysis"), level=2)
    _pairs(
        doc,
        [
            (_("Initiative"), f"{initiative.code} {initiative.title}"),
            (_("Owning organisation"), initiative.owner_organisation.name),
            (_("Base year (discounted to)"), result.base_year),
            (_("Price year (kroneår)"), result.price_year),
            (
                _("Analysis period"),
                _("%(first)s–%(last)s (%(years)s years)")
                % {
                    "first": result.first_year,
                    "last": result.last_year,
                    "years": analysis.period_years,
                },
            ),
            (_("Parameter set"), f"{parameters.name}: {parameters.description}"),
            (_("Discount rates (real, risk-adjusted)"), discount_rates(parameters)),
            (_("Tax financing cost"), percent(parameters.tax_financing_rate)),
            (
                _("Amounts"),
                _(
                    "Changes compared with the zero alternative, in fixed prices; expected "
                    "values (PERT mean of low, most likely and high)."
                ),
            ),
            (
                _("Monte Carlo simulation"),
                _("%(iterations)s iterations, seed %(seed)s")
                % {"iterations": nok(simulation.iterations), "seed": simulation.seed},
            ),
        ],
    )

    doc.add_heading(_("Costs"), level=2)
    doc.add_paragraph(
        _(
            "The initiative's cost lines by paying organisation, category and year, in NOK, "
            "internal salaries included."
        )
    )
    lines = list(
        initiative.costs.select_related("organisation").order_by(
            "organisation__name", "category", "year"
        )
    )
    if lines:
        add_table(
            doc,
            [_("Organisation"), _("Category"), _("Year"), _("Low"), _("Most likely"), _("High")],
            [
                (
                    line.organisation.label,
                    CostCategory(line.category).label,
                    line.year,
                    nok(line.low),
                    nok(line.likely),
                    nok(line.high),
                )
                for line in lines
            ],
            numeric=(2, 3, 4, 5),
            footer=(
                _("Total"),
                "",
                "",
                nok(sum(line.low for line in lines)),
                nok(sum(line.likely for line in lines)),
                nok(sum(line.high for line in lines)),
            ),
        )
    else:
        doc.add_paragraph(_("No cost lines."))

    _benefits(doc, initiative)
    _extra_lines(doc, initiative)

    doc.add_heading(_("Non-priced effects"), level=2)
    main = result.alternative(initiative.code)
    if main.effects:
        add_table(
            doc,
            [_("Effect"), _("Consequence"), _("Reasoning")],
            [(e.name, e.symbol, e.description) for e in main.effects],
        )
    else:
        doc.add_paragraph(_("No non-priced effects."))

    doc.add_heading(_("Other assumptions"), level=2)
    if (config.assumptions or "").strip():
        _text(doc, config.assumptions)
    else:
        doc.add_paragraph(_("None written."))


def _benefits(doc: DocumentType, initiative: Initiative) -> None:
    doc.add_heading(_("Benefits"), level=2)
    contributions = list(
        Contribution.objects.filter(initiative=initiative, benefit__priced=True)
        .select_related("benefit__arises_in_organisation")
        .prefetch_related("benefit__amounts")
        .order_by("benefit__code")
    )
    if not contributions:
        doc.add_paragraph(_("No priced benefits are attributed to the initiative."))
        return
    doc.add_paragraph(
        _(
            "The priced benefits the initiative contributes to. The amounts are the "
            "initiative's attributed share of each benefit, in NOK; the budget cut share of an "
            "efficiency gain in a public organisation is a public budget saving."
        )
    )
    for contribution in contributions:
        benefit = contribution.benefit
        share = contribution.share / Decimal(100)
        doc.add_heading(clean(f"{benefit.code} {benefit.title}"), level=3)
        place = benefit.arises_in_organisation
        where = (
            place.name
            if place
            else str(BeneficiaryGroup(benefit.arises_in_group).label)
            if benefit.arises_in_group
            else _("Not stated")
        )
        _pairs(
            doc,
            [
                (_("Kind"), BenefitKind(benefit.kind).label),
                (_("Arises in"), where),
                (_("Attributed share"), percent(float(share))),
                (_("Share cut from budgets"), percent(float(benefit.budget_cut_share) / 100)),
            ],
        )
        amounts = list(benefit.amounts.all())
        if amounts:
            doc.add_paragraph()
            add_table(
                doc,
                [_("Year"), _("Low"), _("Most likely"), _("High")],
                [
                    (a.year, nok(a.low * share), nok(a.likely * share), nok(a.high * share))
                    for a in amounts
                ],
                numeric=(0, 1, 2, 3),
            )
        else:
            doc.add_paragraph(_("No yearly amounts yet."))


def _extra_lines(doc: DocumentType, initiative: Initiative) -> None:
    doc.add_heading(_("Extra lines"), level=2)
    extras = list(
        ExtraLine.objects.filter(initiative=initiative)
        .select_related("organisation", "alternative")
        .order_by("alternative__name", "kind", "name")
    )
    if not extras:
        doc.add_paragraph(_("No extra lines beside the registers."))
        return
    doc.add_paragraph(
        _("Costs and benefits the registers do not hold; the same amount each year, in NOK.")
    )
    add_table(
        doc,
        [
            _("Alternative"),
            _("Line"),
            _("Kind"),
            _("Category"),
            _("Falls on"),
            _("Years"),
            _("Low"),
            _("Most likely"),
            _("High"),
            _("Note"),
        ],
        [
            (
                line.alternative.name if line.alternative else initiative.code,
                line.name,
                LineKind(line.kind).label,
                LineCategory(line.category).label,
                line.falls_on,
                f"{line.first_year}–{line.last_year}",
                nok(line.low),
                nok(line.likely),
                nok(line.high),
                line.note,
            )
            for line in extras
        ],
        numeric=(6, 7, 8),
    )


def _appendix_npv(
    doc: DocumentType, initiative: Initiative, result: Result, simulation: SimulationResult
) -> None:
    main = result.alternative(initiative.code)
    doc.add_heading(_("Appendix 2: NPV calculation"), level=1)
    doc.add_paragraph(
        _(
            "Alternative %(code)s compared with the zero alternative: expected values in NOK, "
            "fixed prices of %(price_year)s, discounted to %(base_year)s. The tax financing "
            "cost is %(rate)s of the net effect on public budgets."
        )
        % {
            "code": initiative.code,
            "price_year": result.price_year,
            "base_year": result.base_year,
            "rate": percent(result.parameters.tax_financing_rate),
        }
    )

    doc.add_heading(_("Per year"), level=2)
    add_table(
        doc,
        [
            _("Year"),
            _("Benefits"),
            _("Costs"),
            _("Tax financing cost"),
            _("Discount factor"),
            _("Discounted net"),
            _("Cumulative"),
        ],
        [
            (
                row.year,
                nok(row.benefits),
                nok(row.costs),
                nok(row.tax_financing_cost),
                decimal(row.discount_factor, 4),
                nok(row.net_discounted),
                nok(row.cumulative_discounted),
            )
            for row in main.years
        ],
        numeric=(0, 1, 2, 3, 4, 5, 6),
    )

    doc.add_heading(_("Present values and result"), level=2)
    add_table(
        doc,
        [_("Item"), _("NOK")],
        [
            (_("Present value of benefits"), nok(main.pv_benefits)),
            (_("Present value of costs"), nok(main.pv_costs)),
            (_("– of which investment"), nok(main.pv_costs_investment)),
            (_("– of which operation"), nok(main.pv_costs_operation)),
            (_("– of which other"), nok(main.pv_costs_other)),
            (_("Net public budget outlay (present value)"), nok(main.pv_public_budget)),
            (_("Tax financing cost"), nok(main.tax_financing_cost)),
            (_("Net present value (NNV)"), nok(main.nnv)),
            (
                _("NNV per budget krone (NNB)"),
                decimal(main.nnb, 2) if main.nnb is not None else _("Not defined"),
            ),
            (
                _("Payback year"),
                main.payback_year
                if main.payback_year is not None
                else _("Not paid back within the period"),
            ),
        ],
        numeric=(1,),
    )

    doc.add_heading(_("Uncertainty (Monte Carlo simulation)"), level=2)
    try:
        simulated = simulation.alternative(initiative.code)
    except KeyError:
        doc.add_paragraph(_("Not simulated."))
        return
    doc.add_paragraph(
        _(
            "NNV simulated %(iterations)s times (seed %(seed)s), each line drawn from its "
            "low, most likely and high estimate."
        )
        % {"iterations": nok(simulation.iterations), "seed": simulation.seed}
    )
    add_table(
        doc,
        [_("Item"), _("NOK")],
        [
            (_("Mean"), nok(simulated.mean)),
            (_("P10"), nok(simulated.p10)),
            (_("P50 (median)"), nok(simulated.p50)),
            (_("P90"), nok(simulated.p90)),
            (_("Probability that NNV < 0"), percent(simulated.prob_negative)),
        ],
        numeric=(1,),
    )
