"""The potential × complexity matrix as a Vega-Lite spec, built from ``assessment.matrix_points``.

The page embeds the spec as a JSON data block that ``charts.js`` draws; a table beside it has
the same figures and the links, so nothing depends on the chart. Tooltips are Vega's own
(the ``title`` attribute), since the page's CSP forbids the styles vega-tooltip injects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from nytte.core.charts import VEGA_LITE, wrapped

from .assessment import TRACK_THRESHOLD, MatrixPoint
from .choices import Track

# Each track's colour (Designsystemet's theme colours) and shape: colour is never the only cue.
TRACK_STYLE: dict[str, tuple[str, str]] = {
    Track.QUICK_WIN: ("#1f7a35", "circle"),
    Track.STRATEGIC: ("#0062ba", "diamond"),
    Track.PILOT: ("#8a3ab9", "square"),
    Track.PARK: ("#6b7280", "triangle-up"),
}
# Where each quadrant's name is written: (complexity, potential) in 0–100.
QUADRANT_LABELS: list[tuple[str, float, float, str]] = [
    (Track.QUICK_WIN, 2, 98, "left"),
    (Track.STRATEGIC, 98, 98, "right"),
    (Track.PILOT, 2, 2, "left"),
    (Track.PARK, 98, 2, "right"),
]


def matrix_chart(points: Sequence[MatrixPoint]) -> dict[str, Any]:
    """Each placed proposal as a point at (complexity, potential), shaped and coloured by its
    suggested track; lines at the threshold split the quadrants; a click opens the proposal."""
    labels = {value: str(label) for value, label in Track.choices}
    values = [
        {
            "reference": p.proposal.reference,
            "title": p.proposal.title[:80],
            "potential": round(p.potential, 1),
            "complexity": round(p.complexity, 1),
            "suggested": labels[p.suggested_track] if p.suggested_track else "",
            "track": labels.get(p.proposal.track, _("Not set")),
            "assessments": p.n_submitted,
            "url": p.proposal.get_absolute_url() + "?tab=assessment",
        }
        for p in points
        if p.placed
    ]
    domain = [labels[track] for track in TRACK_STYLE]
    axis_scale = {"domain": [0, 100], "nice": False}
    # Every layer gives the same title, or Vega-Lite joins the layers' titles on the axis.
    x_title, y_title = _("Complexity (0–100)"), _("Innovation potential (0–100)")

    def x(name: str) -> dict[str, Any]:
        return {"field": name, "type": "quantitative", "scale": axis_scale, "title": x_title}

    def y(name: str) -> dict[str, Any]:
        return {"field": name, "type": "quantitative", "scale": axis_scale, "title": y_title}

    # Quadrant names wrap onto short lines, so they fit a phone's quarter of the chart; each
    # hangs from the top corner of its quadrant, clear of the axis labels.
    quadrants = [
        {
            "x": x,
            "y": y if y > TRACK_THRESHOLD else TRACK_THRESHOLD - 2,
            "label": wrapped(labels[track], 16),
            "align": align,
        }
        for track, x, y, align in QUADRANT_LABELS
    ]

    def quadrant_layer(align: str, upper: bool) -> dict[str, Any]:
        return {
            "data": {
                "values": [q for q in quadrants if q["align"] == align and (q["y"] > 50) == upper]
            },
            "mark": {
                "type": "text",
                "align": align,
                "baseline": "top",
                "lineBreak": "\n",
                "color": "#4b5563",
                "fontWeight": 600,
            },
            "encoding": {"x": x("x"), "y": y("y"), "text": {"field": "label"}},
        }

    return {
        "$schema": VEGA_LITE,
        "description": _(
            "Assessed proposals by innovation potential (up) and complexity (right), with "
            "the suggested track of each quadrant"
        ),
        "width": "container",
        "height": 420,
        "layer": [
            {
                "data": {"values": [{"at": TRACK_THRESHOLD}]},
                "mark": {"type": "rule", "strokeDash": [6, 4], "color": "#6b7280"},
                "encoding": {"x": x("at")},
            },
            {
                "data": {"values": [{"at": TRACK_THRESHOLD}]},
                "mark": {"type": "rule", "strokeDash": [6, 4], "color": "#6b7280"},
                "encoding": {"y": y("at")},
            },
            quadrant_layer("left", upper=True),
            quadrant_layer("left", upper=False),
            quadrant_layer("right", upper=True),
            quadrant_layer("right", upper=False),
            {
                "data": {"values": values},
                "layer": [
                    {
                        "mark": {
                            "type": "point",
                            "filled": True,
                            "size": 160,
                            "opacity": 0.9,
                            "cursor": "pointer",
                        },
                        "encoding": {
                            "x": x("complexity"),
                            "y": y("potential"),
                            "color": {
                                "field": "suggested",
                                "type": "nominal",
                                "title": _("Suggested track"),
                                "scale": {
                                    "domain": domain,
                                    "range": [style[0] for style in TRACK_STYLE.values()],
                                },
                                "legend": {"orient": "bottom", "columns": 2},
                            },
                            "shape": {
                                "field": "suggested",
                                "type": "nominal",
                                "scale": {
                                    "domain": domain,
                                    "range": [style[1] for style in TRACK_STYLE.values()],
                                },
                            },
                            "href": {"field": "url"},
                            "tooltip": [
                                {"field": "reference", "title": _("Proposal")},
                                {"field": "title", "title": _("Title")},
                                {
                                    "field": "potential",
                                    "type": "quantitative",
                                    "format": ".0f",
                                    "title": _("Innovation potential"),
                                },
                                {
                                    "field": "complexity",
                                    "type": "quantitative",
                                    "format": ".0f",
                                    "title": _("Complexity"),
                                },
                                {"field": "suggested", "title": _("Suggested track")},
                                {"field": "track", "title": _("Track set")},
                                {"field": "assessments", "title": _("Submitted assessments")},
                            ],
                        },
                    },
                    {
                        "mark": {
                            "type": "text",
                            "align": "left",
                            "dx": 9,
                            "dy": -9,
                            "fontSize": 12,
                            "color": "#1e2b3c",
                        },
                        "encoding": {
                            "x": x("complexity"),
                            "y": y("potential"),
                            "text": {"field": "reference"},
                            "href": {"field": "url"},
                        },
                    },
                ],
            },
        ],
    }
