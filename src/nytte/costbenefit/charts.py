"""What the cost-benefit pages draw: Vega-Lite specs built from the dicts of
``presentation`` (so a snapshot draws from its frozen JSON alone).

The page embeds each spec as JSON text in a hidden element that ``static/nytte/charts.js``
draws (not in a ``<script type="application/json">``: the page's content is swapped by HTMX,
which is configured to drop every script tag it receives); every chart has a table with the
same figures next to it. Amounts are in NOK million, and numbers
on the axes follow the page's language (bokmål: decimal comma, space between thousands).
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from nytte.core.charts import VEGA_LITE

MILLION = 1_000_000
TORNADO_BARS = 15  # the chart shows the widest bars; the table lists them all

# d3-format's locale for bokmål: "1 234,5".
NORWEGIAN_NUMBERS = {
    "decimal": ",",
    "thousands": "\u00a0",
    "grouping": [3],
    "currency": ["", "\u00a0kr"],
    "minus": "\u2212",
}


def to_json(spec: dict[str, Any]) -> str:
    """The spec as text for the page (the template escapes it; the browser decodes it)."""
    return json.dumps(spec, ensure_ascii=False, separators=(",", ":"))


def _config() -> dict[str, Any]:
    config: dict[str, Any] = {"view": {"stroke": None}}
    if (get_language() or "nb").startswith(("nb", "no", "nn")):
        config["locale"] = {"number": NORWEGIAN_NUMBERS}
    return config


def _mnok(value: float) -> float:
    return round(value / MILLION, 4)


def histogram_chart(stats: dict[str, Any]) -> dict[str, Any]:
    """The simulated NNV of one alternative as a histogram, with P10, P50, P90 and the mean
    marked, and NNV = 0 drawn solid so the share below zero can be seen."""
    histogram = stats.get("histogram") or {"edges": [], "counts": []}
    edges, counts = histogram["edges"], histogram["counts"]
    bins = [
        {"from": _mnok(low), "to": _mnok(high), "count": int(count)}
        for low, high, count in zip(edges, edges[1:], counts, strict=False)
    ]
    # The mean's label sits a line lower, so it stays readable when it is close to P50.
    marks = [
        {"label": "P10", "value": _mnok(stats["p10"]), "offset": 0},
        {"label": "P50", "value": _mnok(stats["p50"]), "offset": 0},
        {"label": "P90", "value": _mnok(stats["p90"]), "offset": 0},
        {"label": _("Mean"), "value": _mnok(stats["mean"]), "offset": 14},
    ]
    x_title = _("NNV, NOK million")
    return {
        "$schema": VEGA_LITE,
        "description": _("Distribution of the simulated net present value of %(name)s")
        % {"name": stats["name"]},
        "width": "container",
        "height": 240,
        "config": _config(),
        "layer": [
            {
                "data": {"values": bins},
                "mark": {"type": "bar", "binSpacing": 0},
                "encoding": {
                    "x": {
                        "field": "from",
                        "type": "quantitative",
                        "bin": "binned",
                        "title": x_title,
                        "axis": {"format": ",.1f"},
                    },
                    "x2": {"field": "to"},
                    "y": {
                        "field": "count",
                        "type": "quantitative",
                        "title": _("Iterations"),
                        "axis": {"format": ",d"},
                    },
                },
            },
            {
                "data": {"values": marks},
                "mark": {"type": "rule", "strokeDash": [4, 3], "strokeWidth": 1.5},
                "encoding": {"x": {"field": "value", "type": "quantitative"}},
            },
            {
                "data": {"values": marks},
                "mark": {
                    "type": "text",
                    "dy": -4,
                    "dx": 3,
                    "align": "left",
                    "baseline": "bottom",
                    "fontSize": 11,
                },
                "encoding": {
                    "x": {"field": "value", "type": "quantitative"},
                    "y": {"field": "offset", "type": "quantitative", "scale": None},
                    "text": {"field": "label"},
                },
            },
            {
                "data": {"values": [{"value": 0}]},
                "mark": {"type": "rule", "strokeWidth": 2, "color": "#c22020"},
                "encoding": {"x": {"field": "value", "type": "quantitative"}},
            },
        ],
    }


def s_curve_chart(simulation: dict[str, Any]) -> dict[str, Any]:
    """The cumulative distribution (S-curve) of NNV for every simulated alternative: the
    probability that NNV is at most a given value. Alternatives differ by dash, not only
    by colour."""
    values = [
        {"alternative": s["name"], "nnv": _mnok(p["nnv"]), "probability": p["probability"]}
        for s in simulation["alternatives"]
        for p in s.get("s_curve") or []
    ]
    names = [s["name"] for s in simulation["alternatives"]]
    dashes = [[1, 0], [6, 4], [2, 3], [8, 3, 2, 3]]
    return {
        "$schema": VEGA_LITE,
        "description": _("Probability that NNV is at most a given value (S-curve)"),
        "width": "container",
        "height": 240,
        "config": _config(),
        "layer": [
            {
                "data": {"values": values},
                "mark": {"type": "line", "strokeWidth": 2},
                "encoding": {
                    "x": {
                        "field": "nnv",
                        "type": "quantitative",
                        "title": _("NNV, NOK million"),
                        "axis": {"format": ",.1f"},
                    },
                    "y": {
                        "field": "probability",
                        "type": "quantitative",
                        "title": _("Cumulative probability"),
                        "axis": {"format": ".0%"},
                        "scale": {"domain": [0, 1]},
                    },
                    "color": {
                        "field": "alternative",
                        "type": "nominal",
                        "title": _("Alternative"),
                        "scale": {"domain": names},
                        "legend": {"orient": "bottom"},
                    },
                    "strokeDash": {
                        "field": "alternative",
                        "type": "nominal",
                        "scale": {
                            "domain": names,
                            "range": [dashes[i % len(dashes)] for i in range(len(names))],
                        },
                        "legend": None,
                    },
                },
            },
            {
                "data": {"values": [{"value": 0}]},
                "mark": {"type": "rule", "strokeWidth": 2, "color": "#c22020"},
                "encoding": {"x": {"field": "value", "type": "quantitative"}},
            },
        ],
    }


def tornado_chart(bars: list[dict[str, Any]], base_nnv: float) -> dict[str, Any]:
    """NNV with one input at its low and at its high estimate, all others at expected
    values: one bar per input, widest swing on top, drawn from the expected NNV."""
    low_label, high_label = _("Input at low estimate"), _("Input at high estimate")
    shown = bars[:TORNADO_BARS]
    labels: list[str] = []
    for bar in shown:
        label = bar["line"] if len(bar["line"]) <= 48 else bar["line"][:47] + "…"
        while label in labels:  # two long names may cut to the same text
            label += "\u200b"
        labels.append(label)
    values = [
        {
            "input": label,
            "end": name,
            "from": _mnok(base_nnv),
            "to": _mnok(bar[key]),
            "nnv": _mnok(bar[key]),
        }
        for bar, label in zip(shown, labels, strict=True)
        for name, key in ((low_label, "nnv_at_low"), (high_label, "nnv_at_high"))
    ]
    return {
        "$schema": VEGA_LITE,
        "description": _("Tornado: how NNV changes when one input is at its low or high estimate"),
        "width": "container",
        "height": {"step": 26},
        "config": _config(),
        "layer": [
            {
                "data": {"values": values},
                "mark": {"type": "bar", "height": {"band": 0.7}},
                "encoding": {
                    "y": {
                        "field": "input",
                        "type": "nominal",
                        "sort": labels,
                        "title": None,
                        "axis": {"labelLimit": 260},
                    },
                    "x": {
                        "field": "from",
                        "type": "quantitative",
                        "title": _("NNV, NOK million"),
                        "axis": {"format": ",.1f"},
                    },
                    "x2": {"field": "to"},
                    "color": {
                        "field": "end",
                        "type": "nominal",
                        "title": None,
                        "scale": {"domain": [low_label, high_label]},
                        "legend": {"orient": "bottom"},
                    },
                },
            },
            {
                "data": {"values": [{"value": _mnok(base_nnv)}]},
                "mark": {"type": "rule", "strokeWidth": 2},
                "encoding": {"x": {"field": "value", "type": "quantitative"}},
            },
        ],
    }
