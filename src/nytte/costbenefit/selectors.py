"""Reads for cost-benefit analyses: the live evaluation of an initiative and its snapshots."""

from __future__ import annotations

from typing import Any

from nytte.economics import (
    Analysis,
    break_even,
    compute,
    simulate,
    tornado,
)
from nytte.economics.prepare import prepare
from nytte.portfolio.models import Initiative

from .build import build_analysis, settings_for
from .models import Snapshot


def evaluate(initiative: Initiative, analysis: Analysis | None = None) -> dict[str, Any]:
    """Compute the result table, the Monte Carlo simulation (with the initiative's
    iterations and seed), the tornado and the break-even values.

    Raises ``nytte.economics.CBAInputError`` when the inputs do not make an analysis.
    """
    config = settings_for(initiative)
    analysis = analysis or build_analysis(initiative)
    prepared = prepare(analysis)
    return {
        "analysis": analysis,
        "result": compute(analysis),
        "simulation": simulate(prepared, iterations=config.iterations, seed=config.seed),
        "tornado": tornado(prepared, initiative.code),
        "break_even": break_even(prepared, initiative.code),
        "settings": config,
    }


def snapshots(*, initiative: Initiative) -> list[Snapshot]:
    return list(
        Snapshot.objects.filter(initiative=initiative)
        .select_related("created_by")
        .defer("inputs", "results", "simulation")
    )
