"""The sections of a cost-benefit page and workbook below the result table: the basis, cash
flows, the simulation, sensitivities and inputs, and the reads for the live page that the
registers' selectors do not offer. Laid out from the same ``Evaluated`` as the table
(``presentation``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models.fields.json import KT
from django.utils.translation import gettext as _

from nytte.benefits.models import Contribution
from nytte.portfolio.models import Initiative

from . import subject as subjects
from .build import read_registers
from .choices import LineCategory
from .models import Snapshot, Subject
from .presentation import (
    BREAK_EVEN_INPUTS,
    DISTRIBUTION_LABELS,
    KIND_LABELS,
    Evaluated,
    decimal,
    effect_symbol,
    engine_note,
    money,
    percent,
)

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


def contributions(
    initiative: Initiative, rows: list[Contribution] | None = None
) -> list[Contribution]:
    """The benefits this initiative contributes to, with their share and how each enters the
    analysis (priced line, non-priced effect, or left out and why). ``rows`` are the
    contributions the analysis was built from (``build.Registers``), else two queries."""
    if rows is None:
        rows = read_registers(initiative).contributions
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
