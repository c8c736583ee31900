"""The power/interest grid of the stakeholder register as a Vega-Lite spec (drawn by
``charts.js``; the page's table has the same stakeholders)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from nytte.core.charts import VEGA_LITE

from .models import Stakeholder

AXIS = {"values": [1, 2, 3, 4, 5], "format": "d", "grid": False}
LABEL_CHARS = 26
SCALE = {"domain": [0.5, 5.5], "nice": False}
# Room on the right of interest 5 for the labels beside its circles.
X_SCALE = {"domain": [0.5, 6.4], "nice": False}


def short(names: list[str]) -> str:
    """The first name in a cell, cut to fit, and how many more ("NAV + 2")."""
    first = names[0] if len(names[0]) <= LABEL_CHARS else names[0][: LABEL_CHARS - 1] + "…"
    return first if len(names) == 1 else f"{first} + {len(names) - 1}"


def power_interest_grid(stakeholders: list[Stakeholder]) -> dict[str, Any]:
    """One circle per grid cell with stakeholders, sized and labelled by how many, plus the
    lines at 2.5 that split the grid into its four quadrants."""
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for s in stakeholders:
        cells[(s.interest, s.influence)].append(s.display_name)
    values = [
        {
            "interest": x,
            "influence": y,
            "count": len(names),
            "label": short(names),
        }
        for (x, y), names in sorted(cells.items())
    ]
    x = {
        "field": "interest",
        "type": "quantitative",
        "title": _("Interest"),
        "scale": X_SCALE,
        "axis": AXIS,
    }
    y = {
        "field": "influence",
        "type": "quantitative",
        "title": _("Influence"),
        "scale": SCALE,
        "axis": AXIS,
    }
    return {
        "$schema": VEGA_LITE,
        "description": _("Stakeholders by influence and interest"),
        "width": "container",
        "height": 320,
        "layer": [
            {
                "data": {"values": [{"at": 2.5}]},
                "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#6b7280"},
                "encoding": {"x": {"field": "at", "type": "quantitative", "scale": X_SCALE}},
            },
            {
                "data": {"values": [{"at": 2.5}]},
                "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#6b7280"},
                "encoding": {"y": {"field": "at", "type": "quantitative", "scale": SCALE}},
            },
            {
                "data": {"values": values},
                "mark": {"type": "circle", "opacity": 0.8, "color": "#1e6fbf"},
                "encoding": {
                    "x": x,
                    "y": y,
                    "size": {
                        "field": "count",
                        "type": "quantitative",
                        "title": _("Stakeholders"),
                        "scale": {"range": [400, 1600]},
                        "legend": None,
                    },
                },
            },
            {
                "data": {"values": values},
                "mark": {"type": "text", "color": "white", "fontWeight": "bold"},
                "encoding": {"x": x, "y": y, "text": {"field": "count", "type": "quantitative"}},
            },
            {
                "data": {"values": values},
                "mark": {"type": "text", "align": "left", "dx": 24, "color": "#1f2937"},
                "encoding": {"x": x, "y": y, "text": {"field": "label", "type": "nominal"}},
            },
        ],
    }
