"""What the benefit pages draw, built from selector output by pure functions.

Vega-Lite specs are plain dicts that the page embeds as JSON data blocks (``charts.js`` draws
them). Every chart on a page also has a table with the same figures.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from nytte.core.charts import VEGA_LITE


def realisation_chart(series: list[dict[str, Any]], *, unit: str) -> dict[str, Any]:
    """Planned against measured values of one indicator over time, from
    ``selectors.indicator_series``: the plan as a dashed line through the baseline and the
    targets, the measurements as a solid line with points."""
    planned, measured = _("Planned"), _("Measured")
    values = [
        {"date": row["date"].isoformat(), "series": name, "value": row[key]}
        for row in series
        for name, key in ((planned, "planned"), (measured, "measured"))
        if row[key] is not None
    ]
    return {
        "$schema": VEGA_LITE,
        "description": _("Planned and measured values over time"),
        "width": "container",
        "height": 240,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {
                "field": "date",
                "type": "temporal",
                "title": _("Date"),
                "axis": {"format": "%Y-%m", "labelAngle": 0},
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": unit,
                "scale": {"zero": False},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": [planned, measured]},
                "legend": {"orient": "bottom"},
            },
            # Colour is never the only cue: the plan is dashed.
            "strokeDash": {
                "field": "series",
                "type": "nominal",
                "scale": {"domain": [planned, measured], "range": [[6, 4], [1, 0]]},
                "legend": None,
            },
        },
    }
