"""Vega-Lite specs for a scenario run, built from ``selectors.compare``; every chart on the
page has a table with the same figures."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from nytte.core.charts import VEGA_LITE

from .selectors import Comparison, budget_chart_rows


def budget_chart(comparison: Comparison) -> dict[str, Any]:
    """Per organisation: budget, the baseline's planned cost and the plan's net cost per
    year, side by side."""
    series = {"budget": _("Budget"), "baseline": _("As planned"), "plan": _("Scenario plan")}
    values = [{**row, "series": series[row["series"]]} for row in budget_chart_rows(comparison)]
    return {
        "$schema": VEGA_LITE,
        "description": _("Budget, planned cost and the scenario's cost per organisation and year"),
        "data": {"values": values},
        "facet": {"row": {"field": "organisation", "type": "nominal", "title": None}},
        "spec": {
            "width": 480,
            "height": 160,
            "mark": {"type": "bar"},
            "encoding": {
                "x": {
                    "field": "year",
                    "type": "ordinal",
                    "title": _("Year"),
                    "axis": {"labelAngle": 0},
                },
                "xOffset": {"field": "series", "type": "nominal", "sort": list(series.values())},
                "y": {"field": "amount", "type": "quantitative", "title": _("NOK million")},
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "sort": list(series.values()),
                },
            },
        },
    }


def value_chart(comparison: Comparison) -> dict[str, Any]:
    """Value of the portfolio as planned against the scenario's plan (and its bound)."""
    bound = comparison.plan.get("bound")
    values = [
        {"what": _("As planned"), "mnok": round(comparison.baseline_value / 1e6, 1)},
        {"what": _("Scenario plan"), "mnok": round(comparison.plan_value / 1e6, 1)},
    ]
    if bound is not None:
        values.append({"what": _("Proven upper bound"), "mnok": round(bound / 1e6, 1)})
    return {
        "$schema": VEGA_LITE,
        "description": _("Portfolio value as planned and in the scenario, NOK million"),
        "width": "container",
        "height": 140,
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "what", "type": "nominal", "title": None, "sort": None},
            "x": {"field": "mnok", "type": "quantitative", "title": _("NOK million (NNV)")},
        },
    }


def frontier_chart(points: list[dict[str, Any]]) -> dict[str, Any]:
    """The efficient frontier: best value found (and its proven bound) at each total budget;
    the table beside it has the same figures."""
    values = []
    for p in points:
        if p.get("value") is None:
            continue
        budget = round(p["total_budget"] / 1e6, 1)
        values.append(
            {"budget": budget, "series": _("Best plan found"), "mnok": round(p["value"] / 1e6, 1)}
        )
        if p.get("bound") is not None:
            values.append(
                {
                    "budget": budget,
                    "series": _("Proven upper bound"),
                    "mnok": round(p["bound"] / 1e6, 1),
                }
            )
    return {
        "$schema": VEGA_LITE,
        "description": _("Best portfolio value at each total budget, NOK million"),
        "width": "container",
        "height": 220,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {
                "field": "budget",
                "type": "quantitative",
                "title": _("Total budget, NOK million"),
            },
            "y": {"field": "mnok", "type": "quantitative", "title": _("Value, NOK million (NNV)")},
            "color": {"field": "series", "type": "nominal", "title": None},
            "strokeDash": {"field": "series", "type": "nominal", "title": None},
        },
    }
