"""Plain-text result table in the layout of DFØ's standard table.

One column per alternative; rows: priced benefits by actor, costs
(investment, operation), tax financing cost, NNV, NNB, non-priced effects,
ranking, and (when simulated) key uncertainty figures. Costs are shown with a
minus sign, as in DFØ's tables; figures are NOK in the price year.
"""

from __future__ import annotations

from .compute import Result
from .montecarlo import SimulationResult
from .plusminus import symbol
from .sensitivity import BreakEvenResult, TornadoBar


def _money(value: float) -> str:
    return f"{round(value):,}".replace(",", " ")


def render_table(
    result: Result,
    simulation: SimulationResult | None = None,
    tornado: list[TornadoBar] | None = None,
    break_even: list[BreakEvenResult] | None = None,
) -> str:
    alts = result.alternatives
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, values: list[str]) -> None:
        rows.append((label, values))

    def section(label: str) -> None:
        rows.append((label, [""] * len(alts)))

    orgs = sorted({o for a in alts for o in a.pv_benefits_by_organisation})
    section("Priced benefits (PV)")
    for org in orgs:
        row(f"  {org}", [_money(a.pv_benefits_by_organisation.get(org, 0)) for a in alts])
    row("Sum benefits", [_money(a.pv_benefits) for a in alts])
    section("Priced costs (PV)")
    row("  Investment", [_money(-a.pv_costs_investment) for a in alts])
    row("  Operation and maintenance", [_money(-a.pv_costs_operation) for a in alts])
    if any(a.pv_costs_other for a in alts):
        row("  Other costs", [_money(-a.pv_costs_other) for a in alts])
    row("Sum costs", [_money(-a.pv_costs) for a in alts])
    row("Tax financing cost", [_money(-a.tax_financing_cost) for a in alts])
    row("Net present value (NNV)", [_money(a.nnv) for a in alts])
    row("Net public budget outlay (PV)", [_money(a.pv_public_budget) for a in alts])
    row("NNV per budget krone (NNB)", [("-" if a.nnb is None else f"{a.nnb:.2f}") for a in alts])
    row("Payback year", [("-" if a.payback_year is None else str(a.payback_year)) for a in alts])
    if result.residual_from_year is not None:
        # flows after year 75, already in the figures above, shown as a residual value.
        section(f"Of which after year 75 ({result.residual_from_year}-{result.last_year})")
        year75 = result.residual_from_year - 1
        row(f"  Residual value in {year75}", [_money(a.residual_value) for a in alts])
        row("  Residual value (PV)", [_money(a.pv_residual_value) for a in alts])
        row("  Its tax financing cost", [_money(-a.residual_tax_financing_cost) for a in alts])
    effects = sorted({e.name for a in alts for e in a.effects})
    if effects:
        section("Non-priced effects")
        for name in effects:
            cells = []
            for a in alts:
                match = [e for e in a.effects if e.name == name]
                cells.append(match[0].symbol if match else symbol(0))
            row(f"  {name}", cells)
    row("Ranking (by NNV)", [str(a.rank) for a in alts])
    if simulation is not None:
        by_name = {s.name: s for s in simulation.alternatives}
        iterations = f"{simulation.iterations:,}".replace(",", " ")
        section(f"Monte Carlo ({iterations} iterations, seed {simulation.seed})")
        for label, attr in (
            ("  P10", "p10"),
            ("  P50", "p50"),
            ("  P90", "p90"),
            ("  Mean", "mean"),
        ):
            row(
                label,
                [
                    (_money(getattr(by_name[a.name], attr)) if a.name in by_name else "-")
                    for a in alts
                ],
            )
        row(
            "  P(NNV < 0)",
            [(f"{by_name[a.name].prob_negative:.1%}" if a.name in by_name else "-") for a in alts],
        )

    labels = [label for label, _ in rows]
    width0 = max(len(label) for label in [*labels, "NOK"])
    widths = [max(len(a.name), *(len(values[i]) for _, values in rows)) for i, a in enumerate(alts)]
    header = "NOK".ljust(width0) + "".join(
        "  " + a.name.rjust(w) for a, w in zip(alts, widths, strict=True)
    )
    lines = [
        f"{result.analysis_name}: cost-benefit analysis (samfunnsøkonomisk analyse)",
        f"Price year {result.price_year}, discounted to {result.base_year}, period "
        f"{result.first_year}-{result.last_year}, parameters {result.parameters.name}, "
        f"values at {result.point}",
        "",
        header,
        "-" * len(header),
    ]
    for label, values in rows:
        lines.append(
            label.ljust(width0)
            + "".join("  " + v.rjust(w) for v, w in zip(values, widths, strict=True))
        )
    notes = [
        f"NNB {a.name}: {a.nnb_note}" for a in alts if a.nnb is None and not a.zero and a.nnb_note
    ]
    if tornado:
        lines += ["", "Key sensitivities (NNV with one line at low / high):"]
        for bar in tornado[:8]:
            lines.append(
                f"  {bar.alternative} / {bar.line}: "
                f"{_money(bar.nnv_at_low)} .. {_money(bar.nnv_at_high)}"
            )
    if break_even:
        lines += ["", "Break-even (multiplier on the input that gives NNV = 0):"]
        for be in break_even:
            for value in be.values[:6]:
                shown = "-" if value.multiplier is None else f"x {value.multiplier:.2f}"
                extra = f" ({value.note})" if value.note else ""
                lines.append(f"  {be.alternative} / {value.input}: {shown}{extra}")
            rate = "-" if be.discount_rate is None else f"{be.discount_rate:.2%}"
            lines.append(f"  {be.alternative} / flat discount rate: {rate}")
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"
