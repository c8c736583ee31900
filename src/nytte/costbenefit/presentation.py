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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models.fields.json import KT
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nytte.benefits.models import Contribution
from nytte.economics import Analysis, CBAInputError, break_even, tornado
from nytte.economics.money import kroner
from nytte.economics.prepare import prepare
from nytte.portfolio.models import Initiative

from . import selectors
from . import subject as subjects
from .choices import LineCategory
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


# ---------------------------------------------------------------------------------------------
# Basis, cash flows, simulation, sensitivities, inputs


def basis(ev: Evaluated) -> list[tuple[str, str, Any]]:
    """(label, text, raw value) for the analysis' basis: years, period, parameters, runs."""
    r = ev.results
    params = r.get("parameters") or {}
    bands = []
    for band in params.get("discount_bands", []):
        rate = percent(band["rate"], 1)
        if band["last_step"] is None:
            bands.append(
                _("%(rate)s from year %(first)s") % {"rate": rate, "first": band["first_step"]}
            )
        else:
            bands.append(
                _("%(rate)s in years %(first)s–%(last)s")
                % {"rate": rate, "first": band["first_step"], "last": band["last_step"]}
            )
    point = {
        "expected": _("expected values (the mean of each PERT or triangular estimate)"),
        "likely": _("most likely values"),
    }.get(r.get("point", ""), r.get("point", ""))
    period = r["last_year"] - r["first_year"] + 1
    facts: list[tuple[str, str, Any]] = [
        (_("Analysis"), r["analysis"], r["analysis"]),
        (_("Base year (discounted to)"), str(r["base_year"]), r["base_year"]),
        (_("Price year (kroneår)"), str(r["price_year"]), r["price_year"]),
        (
            _("Analysis period"),
            _("%(first)s–%(last)s (%(years)s years)")
            % {"first": r["first_year"], "last": r["last_year"], "years": period},
            f"{r['first_year']}-{r['last_year']}",
        ),
        (_("Parameter set"), r["parameter_set"], r["parameter_set"]),
        (_("Discount rates"), "; ".join(bands), "; ".join(bands)),
        (
            _("Tax financing cost"),
            percent(params.get("tax_financing_rate"), 0),
            params.get("tax_financing_rate"),
        ),
        (
            _("Default real price growth"),
            percent(params.get("default_real_growth"), 1),
            params.get("default_real_growth"),
        ),
        (_("Values"), point, r.get("point", "")),
    ]
    if ev.simulation:
        facts += [
            (
                _("Monte Carlo iterations"),
                money(ev.simulation["iterations"]),
                ev.simulation["iterations"],
            ),
            (_("Random seed"), str(ev.simulation["seed"]), ev.simulation["seed"]),
        ]
    if ev.inputs.get("description"):
        facts.append((_("Assumptions"), ev.inputs["description"], ev.inputs["description"]))
    return facts


def cash_flows(ev: Evaluated) -> list[dict[str, Any]]:
    """Per non-zero alternative and year: undiscounted flows, discount factor, discounted
    net flow and its running sum (from the result's year rows)."""
    out = []
    for a in ev.alternatives:
        if a["zero"]:
            continue
        years = []
        for y in a.get("years", []):
            net = y["benefits"] - y["costs"] - y["tax_financing_cost"]
            years.append(
                {
                    "year": y["year"],
                    "benefits": y["benefits"],
                    "costs": y["costs"],
                    "tax_financing_cost": y["tax_financing_cost"],
                    "net": net,
                    "discount_factor": y["discount_factor"],
                    "net_discounted": y["net_discounted"],
                    "cumulative_discounted": y["cumulative_discounted"],
                    "texts": {
                        "benefits": money(y["benefits"]),
                        "costs": money(y["costs"]),
                        "tax_financing_cost": money(y["tax_financing_cost"]),
                        "net": money(net),
                        "discount_factor": decimal(y["discount_factor"], 4),
                        "net_discounted": money(y["net_discounted"]),
                        "cumulative_discounted": money(y["cumulative_discounted"]),
                    },
                }
            )
        total = sum(y["net_discounted"] for y in years)
        out.append({"name": a["name"], "years": years, "total": total, "total_text": money(total)})
    return out


def simulation_summary(ev: Evaluated) -> list[dict[str, Any]]:
    """Per simulated alternative: expected NNV, mean, spread, percentiles, P(NNV < 0), and
    the histogram as bins (the charts' table alternative)."""
    if not ev.simulation:
        return []
    out = []
    for s in ev.simulation["alternatives"]:
        histogram = s.get("histogram") or {"edges": [], "counts": []}
        total = sum(histogram["counts"]) or 1
        bins = [
            {
                "low": low,
                "high": high,
                "count": int(count),
                "share": count / total,
                "texts": {
                    "low": money(low),
                    "high": money(high),
                    "share": percent(count / total),
                },
            }
            for low, high, count in zip(
                histogram["edges"], histogram["edges"][1:], histogram["counts"], strict=False
            )
            if count
        ]
        curve = [{"probability": p["probability"], "nnv": p["nnv"]} for p in s.get("s_curve") or []]
        out.append(
            {
                "name": s["name"],
                "figures": [
                    (
                        _("NNV at expected values"),
                        s["deterministic_nnv"],
                        money(s["deterministic_nnv"]),
                    ),
                    (_("Mean"), s["mean"], money(s["mean"])),
                    (_("Standard deviation"), s["std"], money(s["std"])),
                    ("P10", s["p10"], money(s["p10"])),
                    ("P50", s["p50"], money(s["p50"])),
                    ("P90", s["p90"], money(s["p90"])),
                    (
                        _("Probability that NNV < 0"),
                        s["prob_negative"],
                        percent(s["prob_negative"]),
                    ),
                ],
                "stats": s,
                "bins": bins,
                "s_curve": curve,
            }
        )
    return out


def simulation_rows(summary: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The summary as table rows: one figure per row, one alternative per column."""
    if not summary:
        return []
    return [
        {"label": label, "texts": [item["figures"][i][2] for item in summary]}
        for i, (label, _value, _text) in enumerate(summary[0]["figures"])
    ]


def s_curve_rows(summary: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The S-curves at every tenth percentile: the table beside the chart."""
    rows = []
    for step in range(0, 101, 10):
        texts = []
        for item in summary:
            point = next(
                (p for p in item["s_curve"] if round(p["probability"] * 100) == step), None
            )
            texts.append(money(point["nnv"]) if point else "–")
        rows.append({"label": percent(step / 100, 0), "texts": texts})
    return rows


def tornado_rows(ev: Evaluated) -> list[dict[str, Any]]:
    return [
        {
            **bar,
            "kind_label": str(KIND_LABELS.get(bar["kind"], bar["kind"])),
            "texts": {
                "nnv_at_low": money(bar["nnv_at_low"]),
                "nnv_at_high": money(bar["nnv_at_high"]),
                "swing": money(bar["swing"]),
            },
        }
        for bar in ev.tornado
    ]


def break_even_rows(ev: Evaluated) -> list[dict[str, Any]]:
    out = []
    for result in ev.break_even:
        values = [
            {
                **v,
                "input_label": str(BREAK_EVEN_INPUTS.get(v["input"], v["input"])),
                "note_label": engine_note(v["note"]),
                "texts": {
                    "pv_contribution": money(v["pv_contribution"]),
                    "multiplier": "–"
                    if v["multiplier"] is None
                    else f"× {decimal(v['multiplier'])}",
                    "change_pct": _change(v["change_pct"]),
                },
            }
            for v in result["values"]
        ]
        out.append(
            {
                "alternative": result["alternative"],
                "nnv": result["nnv"],
                "values": values,
                "discount_rate": result["discount_rate"],
                "discount_rate_text": percent(result["discount_rate"], 2),
                "discount_rate_note": engine_note(result["discount_rate_note"]),
            }
        )
    return out


def _change(pct: float | None) -> str:
    if pct is None:
        return "–"
    return f"{'+' if pct > 0 else ''}{decimal(pct, 1)}\u00a0%"


def _mean(estimate: Any, distribution: str) -> tuple[float, float, float, float]:
    if isinstance(estimate, Mapping):
        low, likely, high = estimate["low"], estimate["likely"], estimate["high"]
    else:
        low = likely = high = float(estimate)
    mean = (
        (low + likely + high) / 3 if distribution == "triangular" else (low + 4 * likely + high) / 6
    )
    return low, likely, high, mean


def inputs(data: Mapping[str, Any], links: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The lines and effects of each non-zero alternative as they went into the analysis
    (``Analysis.to_dict()``), with their amounts summed over the years (NOK, undiscounted,
    price year). ``links`` maps a benefit's "code title" to its page (live pages only)."""
    links = links or {}
    categories = dict(LineCategory.choices)

    def link_for(name: str) -> str:
        for key, url in links.items():
            if name == key or name.startswith(key + " "):
                return url
        return ""

    out = []
    for alt in data.get("alternatives", []):
        if alt.get("zero"):
            continue
        lines: dict[str, list[dict[str, Any]]] = {"cost": [], "benefit": []}
        for line in alt.get("lines", []):
            distribution = line.get("distribution", "pert")
            sums = [0.0, 0.0, 0.0, 0.0]
            years: list[int] = []
            for key, estimate in line.get("amounts", {}).items():
                first, _sep, last = str(key).partition("-")
                span = range(int(first), int(last or first) + 1)
                years += list(span)
                for i, value in enumerate(_mean(estimate, distribution)):
                    sums[i] += value * len(span)
            growth = line.get("real_growth")
            lines[line["kind"]].append(
                {
                    "name": line["name"],
                    "url": link_for(line["name"]),
                    "organisation": line.get("organisation", ""),
                    "category": str(categories.get(line.get("category"), line.get("category", ""))),
                    "public_budget": bool(line.get("public_budget")),
                    "years": (
                        ""
                        if not years
                        else str(min(years))
                        if min(years) == max(years)
                        else f"{min(years)}–{max(years)}"
                    ),
                    "low": sums[0],
                    "likely": sums[1],
                    "high": sums[2],
                    "expected": sums[3],
                    "texts": {
                        k: money(v)
                        for k, v in zip(("low", "likely", "high", "expected"), sums, strict=True)
                    },
                    "distribution": str(DISTRIBUTION_LABELS.get(distribution, distribution)),
                    "real_growth": (
                        ""
                        if growth is None
                        else _("default")
                        if growth == "default"
                        else percent(float(growth), 1)
                    ),
                    "description": line.get("description", ""),
                }
            )
        out.append(
            {
                "name": alt["name"],
                "description": alt.get("description", ""),
                "costs": lines["cost"],
                "benefits": lines["benefit"],
                "effects": [
                    {
                        "name": e["name"],
                        "url": link_for(e["name"]),
                        "description": e.get("description", ""),
                    }
                    for e in alt.get("effects", [])
                ],
            }
        )
    return out


# ---------------------------------------------------------------------------------------------
# Reads for the live page that the registers' selectors do not offer


def contributions(initiative: Initiative) -> list[Contribution]:
    """The benefits this initiative contributes to, with their share and how each enters the
    analysis (priced line, non-priced effect, or left out and why). Two queries."""
    rows = list(
        Contribution.objects.filter(initiative=initiative)
        .select_related("benefit__arises_in_organisation")
        .prefetch_related("benefit__amounts")
        .order_by("benefit__code")
    )
    for row in rows:
        benefit = row.benefit
        benefit.programme = initiative.programme  # for get_absolute_url, without a query
        amounts = list(benefit.amounts.all())
        factor = float(row.share) / 100
        row.attributed_likely = sum(a.likely for a in amounts) * factor
        if benefit.priced:
            row.enters = _("Priced line") if amounts else ""
            row.left_out = "" if amounts else _("Left out: no amounts yet.")
        else:
            row.enters = _("Non-priced effect") if benefit.plus_minus is not None else ""
            row.left_out = (
                "" if benefit.plus_minus is not None else _("Left out: no plus-minus score yet.")
            )
        if benefit.plus_minus is not None and not benefit.priced:
            row.symbol = effect_symbol(benefit.plus_minus)
    return rows


def benefit_links(rows: Iterable[Contribution]) -> dict[str, str]:
    return {f"{c.benefit.code} {c.benefit.title}": c.benefit.get_absolute_url() for c in rows}


def snapshot_list(subject: Subject) -> list[Snapshot]:
    """The subject's snapshots, newest first, each with the NNV of the subject's own
    alternative read inside the database (the frozen JSON is not loaded)."""
    rows = list(
        Snapshot.objects.filter(**subjects.owner_filter(subject))
        .select_related("created_by")
        .defer("inputs", "results", "simulation")
        .annotate(
            main_name=KT("results__alternatives__1__name"),
            main_nnv=KT("results__alternatives__1__nnv"),
        )
        .order_by("-version")
    )
    for row in rows:
        try:
            row.nnv = int(float(row.main_nnv))
        except (TypeError, ValueError):
            row.nnv = None
        row.nnv_text = money(row.nnv)
        row.url = subjects.url(subject, "snapshot", version=row.version)
    return rows
