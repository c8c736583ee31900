"""Vega-Lite specs for step 4; every chart on a page has a table with the same figures."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from nytte.core.charts import VEGA_LITE

from .funding import ShareRow


def split_chart(rows: list[ShareRow]) -> dict[str, Any]:
    """Who pays beside who benefits: each organisation's share of the cost and of the
    gained yearly benefits, in per cent."""
    pays, gains = _("Share of the cost"), _("Share of the benefits")
    values = []
    for row in rows:
        values.append(
            {"organisation": row.organisation.label, "what": pays, "percent": row.share_percent}
        )
        values.append(
            {"organisation": row.organisation.label, "what": gains, "percent": row.benefit_percent}
        )
    return {
        "$schema": VEGA_LITE,
        "description": _("Each organisation's share of the cost beside its share of the benefits"),
        "width": "container",
        "height": {"step": 18},
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "organisation", "type": "nominal", "title": None},
            "yOffset": {"field": "what", "type": "nominal", "sort": [pays, gains]},
            "x": {"field": "percent", "type": "quantitative", "title": _("Per cent")},
            "color": {"field": "what", "type": "nominal", "title": None, "sort": [pays, gains]},
        },
    }
