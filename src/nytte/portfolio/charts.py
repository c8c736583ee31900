"""What the portfolio charts draw, built from selector output by pure functions.

Vega-Lite specs are plain dicts that the page embeds as JSON data blocks (``charts.js`` draws
them); the dependency graph and the risk matrix are laid out here and drawn by templates, so
they need no script. Every chart on a page also has a table or list with the same figures.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nytte.core.charts import VEGA_LITE, WRAPPED_LABELS, label_step, wrapped

from .choices import DependencyKind, Phase
from .models import Dependency, Initiative


def cost_chart(table: dict[str, Any]) -> dict[str, Any]:
    """Stacked bars of most likely cost per paying organisation and year, from
    ``selectors.programme_cost_table``; years without cost are left out."""
    values = [
        {"organisation": row["organisation"], "year": str(year), "mnok": round(amount / 1e6, 1)}
        for row in table["rows"]
        for year, amount in zip(table["years"], row["cells"], strict=True)
        if amount
    ]
    return {
        "$schema": VEGA_LITE,
        "description": _("Most likely cost per paying organisation and year, NOK million"),
        "width": "container",
        "height": 280,
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "year",
                "type": "ordinal",
                "title": _("Year"),
                "axis": {"labelAngle": 0},
            },
            "y": {
                "field": "mnok",
                "type": "quantitative",
                "aggregate": "sum",
                "title": _("NOK million (most likely)"),
            },
            "color": {"field": "organisation", "type": "nominal", "title": _("Organisation")},
        },
    }


def roadmap_chart(initiatives: list[Initiative]) -> dict[str, Any]:
    """A Gantt-like bar per initiative from ``selectors.roadmap``, coloured by phase; one
    without a planned end is drawn as a point in time at its start."""
    phases = dict(Phase.choices)
    values = [
        {
            "initiative": wrapped(f"{i.code} {i.title}", 26),
            "start": i.planned_start.isoformat(),
            "end": (i.planned_end or i.planned_start).isoformat(),
            "phase": str(phases.get(i.phase, i.phase)),
        }
        for i in initiatives
    ]
    return {
        "$schema": VEGA_LITE,
        "description": _("Planned start and end of each initiative"),
        "width": "container",
        "height": {"step": label_step([v["initiative"] for v in values])},
        "data": {"values": values},
        "mark": {"type": "bar", "cornerRadius": 2},
        "encoding": {
            # sort: None keeps the selector's order (earliest start first).
            "y": {
                "field": "initiative",
                "type": "nominal",
                "sort": None,
                "title": None,
                "axis": WRAPPED_LABELS,
            },
            "x": {
                "field": "start",
                "type": "temporal",
                "title": None,
                "axis": {"format": "%Y", "orient": "top", "tickCount": "year"},
            },
            "x2": {"field": "end"},
            "color": {
                "field": "phase",
                "type": "nominal",
                "title": _("Phase"),
                # The legend follows the lifecycle, not the alphabet.
                "scale": {"domain": [str(label) for _value, label in Phase.choices]},
                "legend": {"orient": "bottom"},
            },
        },
    }


# Highest score in each band, the band's CSS modifier and its words for screen readers.
RISK_LEVELS = [
    (4, "low", gettext_lazy("low")),
    (12, "medium", gettext_lazy("medium")),
    (25, "high", gettext_lazy("high")),
]


def risk_levels(matrix: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each cell of ``selectors.risk_matrix`` its level, shown as colour and, for screen
    readers, as words (colour is never the only cue)."""
    for row in matrix:
        for cell in row["cells"]:
            _limit, cell["level"], cell["level_label"] = next(
                level for level in RISK_LEVELS if cell["score"] <= level[0]
            )
    return matrix


GRAPH_NODE = (230, 40)  # width, height of a box in the dependency graph
GRAPH_GAP = 14
GRAPH_COLUMNS = (0, 330, 660)  # x of incoming, this initiative, outgoing


def dependency_graph(initiative: Initiative, deps: dict[str, list[Dependency]]) -> dict[str, Any]:
    """Coordinates for a small SVG from ``selectors.dependencies``: incoming on the left, this
    initiative in the middle, outgoing on the right. Drawn on the server, so it needs no script
    and no inline style."""
    width, height = GRAPH_NODE
    kinds = dict(DependencyKind.choices)
    rows = max(len(deps["incoming"]), len(deps["outgoing"]), 1)
    total_height = rows * (height + GRAPH_GAP) + GRAPH_GAP
    centre_y = (total_height - height) / 2

    def node(
        x: int, y: float, other: Initiative, kind: str = "", current: bool = False
    ) -> dict[str, Any]:
        return {
            "x": x,
            "y": y,
            "text_x": x + 10,
            "text_y": y + (17 if kind else 25),
            "kind_y": y + 33,
            "label": f"{other.code} {other.title}"[:30],
            "kind_label": str(kinds.get(kind, "")),
            "current": current,
        }

    nodes = [node(GRAPH_COLUMNS[1], centre_y, initiative, current=True)]
    edges = []
    for column, key, attr in ((0, "incoming", "source"), (2, "outgoing", "target")):
        items = deps[key]
        offset = (total_height - len(items) * (height + GRAPH_GAP) - GRAPH_GAP) / 2
        for index, dep in enumerate(items):
            y = offset + GRAPH_GAP + index * (height + GRAPH_GAP)
            nodes.append(node(GRAPH_COLUMNS[column], y, getattr(dep, attr), dep.kind))
            if column == 0:
                x1, y1, x2, y2 = width, y + height / 2, GRAPH_COLUMNS[1], centre_y + height / 2
            else:
                x1, y1 = GRAPH_COLUMNS[1] + width, centre_y + height / 2
                x2, y2 = GRAPH_COLUMNS[2], y + height / 2
            edges.append({"x1": x1, "y1": y1, "x2": x2, "y2": y2, "kind": dep.kind})
    return {
        "width": GRAPH_COLUMNS[2] + width,
        "height": total_height,
        "node_width": width,
        "node_height": height,
        "nodes": nodes,
        "edges": edges,
    }
