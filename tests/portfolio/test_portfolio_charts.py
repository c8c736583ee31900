"""The chart builders are pure: selector output in, Vega-Lite specs and SVG layout out."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from nytte.portfolio import charts


def test_cost_chart_has_one_value_per_organisation_and_year_with_cost():
    table = {"years": [2026, 2027], "rows": [{"organisation": "SKE", "cells": [2_000_000, 0]}]}
    spec = charts.cost_chart(table)
    assert spec["$schema"].endswith("vega-lite/v5.json")
    assert spec["data"]["values"] == [{"organisation": "SKE", "year": "2026", "mnok": 2.0}]
    assert spec["encoding"]["y"]["aggregate"] == "sum"


def test_roadmap_chart_draws_a_missing_end_as_the_start_and_lists_phases_in_order():
    initiative = SimpleNamespace(
        code="FI-1", title="Samordnet innkreving", phase="plan",
        planned_start=datetime.date(2026, 1, 1), planned_end=None,
    )  # fmt: skip
    spec = charts.roadmap_chart([initiative])
    (value,) = spec["data"]["values"]
    assert value["start"] == value["end"] == "2026-01-01"
    assert value["initiative"] == "FI-1 Samordnet innkreving"
    domain = spec["encoding"]["color"]["scale"]["domain"]
    assert len(domain) == 6 and domain.index(value["phase"]) == 2


def test_risk_levels_band_scores_as_low_medium_and_high():
    matrix = [{"cells": [{"score": s} for s in (4, 5, 12, 15)]}]
    levels = [cell["level"] for cell in charts.risk_levels(matrix)[0]["cells"]]
    assert levels == ["low", "medium", "medium", "high"]


def test_dependency_graph_puts_incoming_left_and_outgoing_right():
    def initiative(code: str) -> SimpleNamespace:
        return SimpleNamespace(code=code, title="Tiltak")

    main = initiative("FI-1")
    deps = {
        "incoming": [SimpleNamespace(source=initiative("FI-3"), kind="conflicts")],
        "outgoing": [SimpleNamespace(target=initiative("FI-2"), kind="requires")],
    }
    graph = charts.dependency_graph(main, deps)
    xs = {node["label"].split()[0]: node["x"] for node in graph["nodes"]}
    assert xs["FI-3"] < xs["FI-1"] < xs["FI-2"]
    assert [edge["kind"] for edge in graph["edges"]] == ["conflicts", "requires"]
