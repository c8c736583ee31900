"""What the cost-benefit pages and the workbook show, built from plain dicts.

A live analysis and a frozen snapshot reach the pages in the same shape (an ``Evaluated``
holding ``Analysis.to_dict()``, ``Result.to_dict()``, ``SimulationResult.to_dict()`` and the
tornado and break-even as dicts), so one set of functions lays out both, and the page and the
Excel workbook draw on the same rows. The standard result table mirrors
``nytte.economics.table`` (DFØ's table: one column per alternative, zero alternative first).

Texts are translated when these functions run, in whatever language is active; numbers are
kept raw in ``Cell.value`` (for Excel) and formatted the Norwegian way in ``Cell.text``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nytte.economics import Analysis, CBAInputError, break_even, tornado
from nytte.economics.money import kroner
from nytte.economics.prepare import prepare

from . import selectors
from .models import Snapshot, Subject

MINUS = "\u2212"  # the typographic minus sign, as Norwegian tables print it

# Texts the engine writes in English, in the words of the page.
ENGINE_NOTES: dict[str, Any] = {
    "zero alternative (reference)": gettext_lazy("zero alternative (reference)"),
    "not paid back within the analysis period": gettext_lazy(
        "not paid back within the analysis period"
    ),
    "undefined: no net public budget outlay (the alternative saves public money or does "
    "not touch public budgets)": gettext_lazy(
        "not defined: the alternative has no net public budget outlay (it saves public money "
        "or does not touch public budgets)"
    ),
    "does not affect NNV": gettext_lazy("does not affect NNV"),
    "NNV keeps its sign even if this input is removed": gettext_lazy(
        "NNV keeps its sign even if this input is removed"
    ),
    "NNV does not change sign for flat rates between -50 % and 500 %": gettext_lazy(
        "NNV does not change sign for flat rates between −50 % and 500 %"
    ),
}
BREAK_EVEN_INPUTS: dict[str, Any] = {
    "all benefits": gettext_lazy("All benefits"),
    "all costs": gettext_lazy("All costs"),
    "investment costs": gettext_lazy("Investment costs"),
    "operation costs": gettext_lazy("Operation costs"),
    "other costs": gettext_lazy("Other costs"),
}
KIND_LABELS: dict[str, Any] = {"cost": gettext_lazy("Cost"), "benefit": gettext_lazy("Benefit")}
DISTRIBUTION_LABELS: dict[str, Any] = {
    "pert": gettext_lazy("PERT"),
    "triangular": gettext_lazy("Triangular"),
}


def engine_note(note: str | None) -> str:
    if not note:
        return ""
    if note.startswith("several break-even rates"):
        return _("several break-even rates: the cash flow changes sign more than once")
    return str(ENGINE_NOTES.get(note, note))


# ---------------------------------------------------------------------------------------------
# Formatting


def money(value: float | None) -> str:
    """Whole kroner with thousand separators of the active language (bokmål: spaces)."""
    if value is None:
        return "–"
    text = number_format(kroner(value), 0, force_grouping=True)
    return text.replace("-", MINUS)


def decimal(value: float | None, places: int = 2) -> str:
    if value is None:
        return "–"
    return number_format(round(value, places), places, force_grouping=True).replace("-", MINUS)


def percent(share: float | None, places: int = 1) -> str:
    """A share (0.25) as a percentage ("25,0 %")."""
    if share is None:
        return "–"
    return f"{decimal(share * 100, places)}\u00a0%"


def effect_symbol(consequence: int) -> str:
    if consequence == 0:
        return "0"
    return ("+" if consequence > 0 else MINUS) * abs(consequence)


@dataclass(frozen=True)
class Cell:
    """One figure: ``value`` raw (for Excel), ``text`` as the page prints it, ``kind`` says
    how to format it (money, ratio, percent, year, rank, symbol, text), ``spoken`` is what a
    screen reader should hear where the text is only signs."""

    value: Any
    kind: str
    text: str
    spoken: str = ""


def money_cell(value: float | None) -> Cell:
    return Cell(None if value is None else kroner(value), "money", money(value))


def text_cell(text: str) -> Cell:
    return Cell(text, "text", text)


@dataclass(frozen=True)
class Row:
    """One row of a table: ``kind`` is section (a heading across the table), row, or sum
    (a total, printed bold); ``level`` indents the label."""

    label: str
    cells: tuple[Cell, ...] = ()
    kind: str = "row"
    level: int = 0
    key: str = ""  # a stable name for tests and the workbook (e.g. "nnv")


# ---------------------------------------------------------------------------------------------
# The evaluation, live or frozen


@dataclass(frozen=True)
class Evaluated:
    """Everything a cost-benefit page shows, as plain dicts."""

    inputs: dict[str, Any]
    results: dict[str, Any]
    simulation: dict[str, Any] | None
    tornado: list[dict[str, Any]] = field(default_factory=list)
    break_even: list[dict[str, Any]] = field(default_factory=list)

    @property
    def alternatives(self) -> list[dict[str, Any]]:
        return list(self.results["alternatives"])

    @property
    def main(self) -> dict[str, Any]:
        """The subject's own alternative: the first that is not the zero alternative."""
        return next(
            (a for a in self.results["alternatives"] if not a["zero"]),
            self.results["alternatives"][0],
        )


def live(subject: Subject, analysis: Analysis | None = None) -> Evaluated:
    """The analysis as the registers stand now (or ``analysis``, built from them).
    Raises ``CBAInputError`` when the inputs do not make an analysis."""
    evaluation = selectors.evaluate(subject, analysis)
    return Evaluated(
        inputs=evaluation["analysis"].to_dict(),
        results=evaluation["result"].to_dict(),
        simulation=evaluation["simulation"].to_dict(),
        tornado=[bar.to_dict() for bar in evaluation["tornado"]],
        break_even=[be.to_dict() for be in evaluation["break_even"]],
    )


def frozen(snapshot: Snapshot) -> Evaluated:
    """A snapshot, from its frozen JSON only. The tornado and break-even values were not
    stored, so they are recomputed from the frozen inputs with the frozen parameter values
    (not the registry's), which the pure engine turns into the same numbers every time."""
    results = snapshot.results
    bars: list[dict[str, Any]] = []
    breaks: list[dict[str, Any]] = []
    main = next((a["name"] for a in results["alternatives"] if not a["zero"]), None)
    if main is not None:
        try:
            data = dict(snapshot.inputs)
            if results.get("parameters"):
                data["parameters"] = results["parameters"]
            prepared = prepare(Analysis.from_dict(data))
            bars = [bar.to_dict() for bar in tornado(prepared, main)]
            breaks = [be.to_dict() for be in break_even(prepared, main)]
        except CBAInputError:
            pass  # the table and the simulation are frozen; the sensitivities are left out
    return Evaluated(
        inputs=snapshot.inputs,
        results=results,
        simulation=snapshot.simulation,
        tornado=bars,
        break_even=breaks,
    )


# ---------------------------------------------------------------------------------------------
# The standard result table (DFØ), one column per alternative


def result_table(ev: Evaluated) -> list[Row]:
    """The rows of ``nytte.economics.table.render_table``, as cells."""
    alts = ev.alternatives
    rows: list[Row] = []

    def money_row(label: str, values: Iterable[float], *, kind: str = "row", key: str = "") -> None:
        rows.append(
            Row(label, tuple(money_cell(v) for v in values), kind, 1 if kind == "row" else 0, key)
        )

    def section(label: str, key: str = "") -> None:
        rows.append(Row(label, (), "section", 0, key))

    organisations = sorted({o for a in alts for o in a["pv_benefits_by_organisation"]})
    section(_("Priced benefits (present value)"), "benefits")
    for org in organisations:
        money_row(org, (a["pv_benefits_by_organisation"].get(org, 0) for a in alts))
    money_row(_("Sum benefits"), (a["pv_benefits"] for a in alts), kind="sum", key="pv_benefits")
    section(_("Priced costs (present value)"), "costs")
    money_row(_("Investment"), (-a["pv_costs_investment"] for a in alts), key="investment")
    money_row(
        _("Operation and maintenance"), (-a["pv_costs_operation"] for a in alts), key="operation"
    )
    if any(a["pv_costs_other"] for a in alts):
        money_row(_("Other costs"), (-a["pv_costs_other"] for a in alts), key="other")
    money_row(_("Sum costs"), (-a["pv_costs"] for a in alts), kind="sum", key="pv_costs")
    money_row(
        _("Tax financing cost"),
        (-a["tax_financing_cost"] for a in alts),
        kind="sum",
        key="tax_financing_cost",
    )
    money_row(_("Net present value (NNV)"), (a["nnv"] for a in alts), kind="sum", key="nnv")
    money_row(
        _("Net public budget outlay (present value)"),
        (a["pv_public_budget"] for a in alts),
        kind="sum",
        key="pv_public_budget",
    )
    rows.append(
        Row(
            _("NNV per budget krone (NNB)"),
            tuple(Cell(a["nnb"], "ratio", decimal(a["nnb"])) for a in alts),
            "sum",
            key="nnb",
        )
    )
    rows.append(
        Row(
            _("Payback year"),
            tuple(
                Cell(
                    a["payback_year"],
                    "year",
                    "–" if a["payback_year"] is None else str(a["payback_year"]),
                )
                for a in alts
            ),
            "sum",
            key="payback_year",
        )
    )
    effects = sorted({e["name"] for a in alts for e in a["effects"]})
    if effects:
        section(_("Non-priced effects (plus-minus method)"), "effects")
        for name in effects:
            cells = []
            for a in alts:
                found = next((e for e in a["effects"] if e["name"] == name), None)
                value = found["consequence"] if found else 0
                cells.append(
                    Cell(
                        effect_symbol(value),
                        "symbol",
                        effect_symbol(value),
                        spoken=_("consequence %(value)s")
                        % {"value": f"{value:+d}" if value else "0"},
                    )
                )
            rows.append(Row(name, tuple(cells), "row", 1))
    rows.append(
        Row(
            _("Ranking (by NNV)"),
            tuple(Cell(a["rank"], "rank", str(a["rank"])) for a in alts),
            "sum",
            key="rank",
        )
    )
    simulation = ev.simulation
    if simulation:
        by_name = {s["name"]: s for s in simulation["alternatives"]}
        section(
            _("Monte Carlo simulation (%(iterations)s iterations, seed %(seed)s)")
            % {"iterations": money(simulation["iterations"]), "seed": simulation["seed"]},
            "simulation",
        )
        for label, attr in (("P10", "p10"), ("P50", "p50"), ("P90", "p90"), (_("Mean"), "mean")):
            money_row(
                label,
                (by_name[a["name"]][attr] if a["name"] in by_name else None for a in alts),
                key=attr,
            )
        rows.append(
            Row(
                _("Probability that NNV < 0"),
                tuple(
                    Cell(
                        by_name[a["name"]]["prob_negative"],
                        "percent",
                        percent(by_name[a["name"]]["prob_negative"]),
                    )
                    if a["name"] in by_name
                    else Cell(None, "percent", "–")
                    for a in alts
                ),
                "row",
                1,
                key="prob_negative",
            )
        )
    return rows


def table_notes(ev: Evaluated) -> list[str]:
    """Why a cell shows a dash: NNB and payback notes of the non-zero alternatives."""
    notes = []
    for a in ev.alternatives:
        if a["zero"]:
            continue
        if a["nnb"] is None and a["nnb_note"]:
            notes.append(_("NNB") + f" {a['name']}: {engine_note(a['nnb_note'])}")
        if a["payback_year"] is None and a["payback_note"]:
            notes.append(f"{_('Payback year')} {a['name']}: {engine_note(a['payback_note'])}")
    return notes


def effect_details(ev: Evaluated) -> list[dict[str, Any]]:
    """Each non-priced effect of each alternative with its reasoning (below the table)."""
    out = []
    for a in ev.alternatives:
        for e in a["effects"]:
            out.append(
                {
                    "alternative": a["name"],
                    "name": e["name"],
                    "symbol": effect_symbol(e["consequence"]),
                    "consequence": e["consequence"],
                    "significance": e["significance"],
                    "scope": e["scope"],
                    "description": e.get("description", ""),
                }
            )
    return out
