"""Vega-Lite specs for the learning loop's pages; every chart has a table beside it with
the same figures."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from nytte.core.charts import VEGA_LITE


def _bars(values: list[dict[str, Any]], x: str, x_title: str, description: str) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE,
        "description": description,
        "width": "container",
        "height": {"step": 26},
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "label", "type": "nominal", "title": None, "sort": None},
            "x": {"field": x, "type": "quantitative", "title": x_title},
            "tooltip": [
                {"field": "label", "type": "nominal", "title": _("Group")},
                {"field": x, "type": "quantitative", "title": x_title},
                {"field": "count", "type": "quantitative", "title": _("Count")},
            ],
        },
    }


def calibration_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    values = [
        {"label": f"{r['label']}", "ratio": r["ratio"], "count": r["count"]}
        for r in rows
        if r["ratio"] is not None
    ]
    spec = _bars(
        values,
        "ratio",
        _("Realised ÷ forecast"),
        _("Ratio of realised to forecast benefits per group"),
    )
    spec["layer"] = [
        {"mark": {"type": "bar"}},
        {"mark": {"type": "rule", "color": "black"}, "encoding": {"x": {"datum": 1}}},
    ]
    spec.pop("mark")
    return spec


def stage_time_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    values = [
        {"label": r["label"], "median": r["median"], "count": r["count"]}
        for r in rows
        if r["median"] is not None
    ]
    return _bars(
        values,
        "median",
        _("Median days from received"),
        _("Median days from received to each stage and to the decision"),
    )


def outcome_chart(table: list[dict[str, Any]], outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    values = [
        {"label": row["label"], "outcome": o["label"], "count": n}
        for row in table
        for o, n in zip(outcomes, row["counts"], strict=True)
        if n
    ]
    return {
        "$schema": VEGA_LITE,
        "description": _("Outcomes of proposals per source"),
        "width": "container",
        "height": {"step": 26},
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "label", "type": "nominal", "title": None},
            "x": {"field": "count", "type": "quantitative", "title": _("Proposals")},
            "color": {"field": "outcome", "type": "nominal", "title": _("Outcome")},
        },
    }
