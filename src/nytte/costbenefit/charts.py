"""What the cost-benefit pages draw: Vega-Lite specs built from the dicts of
``presentation`` (so a snapshot draws from its frozen JSON alone).

The page embeds each spec as JSON text in a hidden element that ``static/nytte/charts.js``
draws (not in a ``<script type="application/json">``: the page's content is swapped by HTMX,
which is configured to drop every script tag it receives); every chart has a table with the
same figures next to it. Amounts are in NOK million, and numbers
on the axes follow the page's language (bokmål: decimal comma, space between thousands).
"""

from __future__ import annotations

import itertools
import json
import textwrap
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from nytte.core.charts import VEGA_LITE, WRAPPED_LABELS, label_step, wrapped

MILLION = 1_000_000
TORNADO_BARS = 15  # the chart shows the widest bars; the table lists them all

# d3-format's locale for bokmål: "1 234,5" with a thin space and a true minus (the same as
# static/nytte/charts.js gives every chart on a bokmål page).
NORWEGIAN_NUMBERS = {
    "decimal": ",",
    "thousands": "\u202f",
    "grouping": [3],
    "currency": ["", "\u00a0kr"],
    "minus": "\u2212",
}
HISTOGRAM_BINS = 30


def to_json(spec: dict[str, Any]) -> str:
    """The spec as text for the page (the template escapes it; the browser decodes it)."""
    return json.dumps(spec, ensure_ascii=False, separators=(",", ":"))


def _norwegian() -> bool:
    return (get_language() or "nb").startswith(("nb", "no", "nn"))


def _config() -> dict[str, Any]:
    config: dict[str, Any] = {"view": {"stroke": None}}
    if _norwegian():
        config["locale"] = {"number": NORWEGIAN_NUMBERS}
    return config


def _mnok(value: float) -> float:
    return round(value / MILLION, 4)


def _axis_format(low: float, high: float) -> str:
    """Whole millions when the axis spans ten million or more, else as many decimals as the
    ticks need (never a trailing ",0")."""
    return ",.0f" if high - low >= 10 else ",~f"


def _number(value: float) -> str:
    """A number of millions as text in the page's language (for the notes above a chart)."""
    text = f"{abs(value):,.0f}" if abs(value) >= 10 else f"{abs(value):,.1f}"
    if _norwegian():
        text = text.replace(",", "\u202f").replace(".", ",")
        return ("\u2212" if value < 0 else "") + text
    return ("-" if value < 0 else "") + text


def _percentile(curve: list[dict[str, float]], probability: float) -> float | None:
    for point in curve:
        if round(point["probability"], 4) >= probability:
            return point["nnv"]
    return None


def _frame(curves: list[list[dict[str, float]]]) -> tuple[float, float, float, float] | None:
    """The axis from P1 to P99 (over all alternatives), and the lowest and highest value,
    all in NOK million; None when there is no curve or no spread."""
    lows = [_percentile(c, 0.01) for c in curves if c]
    highs = [_percentile(c, 0.99) for c in curves if c]
    if not lows or None in lows or None in highs:
        return None
    low, high = _mnok(min(lows)), _mnok(max(highs))
    if high <= low:
        return None
    lowest = _mnok(min(c[0]["nnv"] for c in curves if c))
    highest = _mnok(max(c[-1]["nnv"] for c in curves if c))
    return low, high, lowest, highest


def _outlier_note(frame: tuple[float, float, float, float]) -> str:
    low, high, lowest, highest = frame
    if lowest >= low and highest <= high:
        return ""
    return _(
        "The axis shows P1–P99; the most extreme iterations, down to %(lowest)s and up to "
        "%(highest)s million, lie outside it."
    ) % {"lowest": _number(lowest), "highest": _number(highest)}


def _note_title(note: str) -> dict[str, Any]:
    # Short lines, so the note fits a phone's width too.
    lines = textwrap.wrap(note, 46)
    return {"text": lines, "anchor": "start", "fontWeight": "normal", "limit": 0, "offset": 8}


def _rebinned(curve: list[dict[str, float]], low: float, high: float) -> list[dict[str, Any]]:
    """Equal-width bins from P1 to P99 (NOK million), each with its share of the iterations,
    read off the percentile curve: the iterations between two percentiles spread evenly
    between their values. A frozen snapshot has the curve, so it draws the same."""
    width = (high - low) / HISTOGRAM_BINS
    shares = [0.0] * HISTOGRAM_BINS
    for a, b in itertools.pairwise(curve):
        start, stop = _mnok(a["nnv"]), _mnok(b["nnv"])
        mass = b["probability"] - a["probability"]
        if stop < low or start > high or mass <= 0:
            continue
        if stop == start:
            index = min(max(int((start - low) / width), 0), HISTOGRAM_BINS - 1)
            shares[index] += mass
            continue
        for index in range(HISTOGRAM_BINS):
            left, right = low + index * width, low + (index + 1) * width
            overlap = min(right, stop) - max(left, start)
            if overlap > 0:
                shares[index] += mass * overlap / (stop - start)
    return [
        {"from": round(low + i * width, 4), "to": round(low + (i + 1) * width, 4), "share": share}
        for i, share in enumerate(shares)
    ]


def _staggered_labels(marks: list[dict[str, Any]], low: float, high: float) -> list[dict]:
    """P10, P50, P90 and the mean, each label on a line of its own (so no two can overlap),
    and on the side of its rule that has room (so none is cut at the chart's edge)."""
    middle = (low + high) / 2
    return [
        {**mark, "row": 4 + index * 18, "side": "left" if mark["value"] <= middle else "right"}
        for index, mark in enumerate(marks)
    ]


def _mark_layers(labels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    layers = [
        {
            "data": {"values": labels},
            "mark": {"type": "rule", "strokeDash": [4, 3], "strokeWidth": 1.5, "clip": True},
            "encoding": {"x": {"field": "value", "type": "quantitative"}},
        }
    ]
    for side, align, dx in (("left", "left", 4), ("right", "right", -4)):
        layers.append(
            {
                "data": {"values": [m for m in labels if m["side"] == side]},
                "mark": {"type": "text", "align": align, "baseline": "top", "dx": dx},
                "encoding": {
                    "x": {"field": "value", "type": "quantitative"},
                    "y": {"field": "row", "type": "quantitative", "scale": None},
                    "text": {"field": "label"},
                },
            }
        )
    return layers


def histogram_chart(stats: dict[str, Any]) -> dict[str, Any]:
    """The simulated NNV of one alternative as a histogram framed on P1–P99 (the extremes
    are noted above the chart, not allowed to squeeze it), with P10, P50, P90 and the mean
    marked, and NNV = 0 drawn solid so the share below zero can be seen."""
    curve = stats.get("s_curve") or []
    frame = _frame([curve])
    if frame:
        low, high = frame[0], frame[1]
        bins = _rebinned(curve, low, high)
    else:  # no percentile curve: the engine's own bins
        histogram = stats.get("histogram") or {"edges": [], "counts": []}
        total = sum(histogram["counts"]) or 1
        edges, counts = histogram["edges"], histogram["counts"]
        bins = [
            {"from": _mnok(a), "to": _mnok(b), "share": count / total}
            for a, b, count in zip(edges, edges[1:], counts, strict=False)
        ]
        low = bins[0]["from"] if bins else 0.0
        high = bins[-1]["to"] if bins else 1.0
    marks = [
        {"label": "P10", "value": _mnok(stats["p10"])},
        {"label": "P50", "value": _mnok(stats["p50"])},
        {"label": "P90", "value": _mnok(stats["p90"])},
        {"label": _("Mean"), "value": _mnok(stats["mean"])},
    ]
    labels = _staggered_labels(marks, low, high)
    x_scale = {"domain": [low, high], "nice": False, "zero": False}
    spec: dict[str, Any] = {
        "$schema": VEGA_LITE,
        "description": _("Distribution of the simulated net present value of %(name)s")
        % {"name": stats["name"]},
        "width": "container",
        "height": 260,
        "config": _config(),
        "layer": [
            {
                "data": {"values": bins},
                "mark": {"type": "bar", "binSpacing": 0, "clip": True},
                "encoding": {
                    "x": {
                        "field": "from",
                        "type": "quantitative",
                        "bin": "binned",
                        "title": _("NNV, NOK million"),
                        "scale": x_scale,
                        "axis": {"format": _axis_format(low, high), "labelOverlap": True},
                    },
                    "x2": {"field": "to"},
                    "y": {
                        "field": "share",
                        "type": "quantitative",
                        "title": _("Share of iterations"),
                        "axis": {"format": ".0%"},
                        # Headroom above the tallest bar for the four labels.
                        "scale": {"domainMax": max((b["share"] for b in bins), default=0) * 1.45},
                    },
                },
            },
            *_mark_layers(labels),
            {
                "data": {"values": [{"value": 0}]},
                "mark": {"type": "rule", "strokeWidth": 2, "color": "#c22020", "clip": True},
                "encoding": {"x": {"field": "value", "type": "quantitative"}},
            },
        ],
    }
    note = _outlier_note(frame) if frame else ""
    if note:
        spec["title"] = _note_title(note)
    return spec


def s_curve_chart(simulation: dict[str, Any]) -> dict[str, Any]:
    """The cumulative distribution (S-curve) of NNV for every simulated alternative: the
    probability that NNV is at most a given value, framed on P1–P99 like the histogram.
    Alternatives differ by dash, not only by colour."""
    values = [
        {"alternative": s["name"], "nnv": _mnok(p["nnv"]), "probability": p["probability"]}
        for s in simulation["alternatives"]
        for p in s.get("s_curve") or []
    ]
    names = [s["name"] for s in simulation["alternatives"]]
    dashes = [[1, 0], [6, 4], [2, 3], [8, 3, 2, 3]]
    frame = _frame([s.get("s_curve") or [] for s in simulation["alternatives"]])
    x: dict[str, Any] = {
        "field": "nnv",
        "type": "quantitative",
        "title": _("NNV, NOK million"),
        "axis": {"format": ",~f", "labelOverlap": True},
    }
    if frame:
        x["scale"] = {"domain": [frame[0], frame[1]], "nice": False, "zero": False}
        x["axis"]["format"] = _axis_format(frame[0], frame[1])
    spec: dict[str, Any] = {
        "$schema": VEGA_LITE,
        "description": _("Probability that NNV is at most a given value (S-curve)"),
        "width": "container",
        "height": 260,
        "config": _config(),
        "layer": [
            {
                "data": {"values": values},
                "mark": {"type": "line", "strokeWidth": 2, "clip": True},
                "encoding": {
                    "x": x,
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
                        "legend": {"orient": "bottom", "direction": "vertical"},
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
                "mark": {"type": "rule", "strokeWidth": 2, "color": "#c22020", "clip": True},
                "encoding": {"x": {"field": "value", "type": "quantitative"}},
            },
        ],
    }
    note = _outlier_note(frame) if frame else ""
    if note:
        spec["title"] = _note_title(note)
    return spec


def tornado_chart(bars: list[dict[str, Any]], base_nnv: float) -> dict[str, Any]:
    """NNV with one input at its low and at its high estimate, all others at expected
    values: one bar per input, widest swing on top, drawn from the expected NNV."""
    low_label, high_label = _("Low estimate"), _("High estimate")
    shown = bars[:TORNADO_BARS]
    labels: list[str] = []
    for bar in shown:
        label = wrapped(bar["line"], 36)
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
        "height": {"step": label_step(labels)},
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
                        "axis": WRAPPED_LABELS,
                    },
                    "x": {
                        "field": "from",
                        "type": "quantitative",
                        "title": _("NNV, NOK million"),
                        "axis": {"format": ",~f", "labelOverlap": True},
                        "scale": {"zero": False},
                    },
                    "x2": {"field": "to"},
                    "color": {
                        "field": "end",
                        "type": "nominal",
                        "title": None,
                        "scale": {"domain": [low_label, high_label]},
                        "legend": {"orient": "bottom", "direction": "vertical"},
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
