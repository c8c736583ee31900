"""Rendering helpers shared by the page, the DOCX and the workbook: labels looked up when
rendering, so a version saved in one language reads in the other."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
from typing import Any

from django.utils import formats

from nytte.portfolio.choices import GoalLevel, Phase, RiskStatus, StatusColour

from ..choices import BeneficiaryGroup, BenefitKind, BenefitStatus, Direction, Frequency
from .rules import PARTS, SECTORS, UNPLACED_REASONS

# ---------------------------------------------------------------------------------------------
# Rendering helpers shared by the page, the DOCX and the workbook

# Keys whose values are ISO dates in the plan; ``display`` turns them into dates.
DATE_KEYS = frozenset(
    {
        "built_on",
        "planned_start",
        "planned_end",
        "baseline_date",
        "date",
        "confirmed_on",
        "latest_date",
        "next_due",
    }
)


def label(choices: type[Any], value: Any) -> str:
    """A choice's label in the current language, or the stored value itself when the choice
    no longer exists (an old version may hold values since renamed)."""
    if value in (None, ""):
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def number_text(value: float | int | None) -> str:
    """A measured or target value in the current language: whole numbers without decimals,
    others with as many as they have (at most four)."""
    if value is None:
        return ""
    value = float(value)
    places = 0 if value.is_integer() else len(f"{value:.4f}".rstrip("0").split(".")[1])
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def arises_in(row: dict[str, Any]) -> str:
    """Where a benefit arises: the organisation's name or the group's label."""
    if row.get("arises_in_organisation"):
        return str(row["arises_in_organisation"])
    return label(BeneficiaryGroup, row.get("arises_in_group"))


def _parse_dates(node: Any) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in DATE_KEYS and isinstance(value, str):
                with contextlib.suppress(ValueError):  # not a date after all: leave it
                    node[key] = dt.date.fromisoformat(value)
            else:
                _parse_dates(value)
    elif isinstance(node, list):
        for item in node:
            _parse_dates(item)


def _part_texts(key: str) -> dict[str, str]:
    spec = PARTS.get(key, {"letter": "", "title": key, "description": ""})
    return {
        "letter": spec["letter"],
        "title": str(spec["title"]),
        "description": str(spec["description"]),
    }


def _goal_labels(goal: dict[str, Any] | None) -> None:
    if goal:
        goal["level_label"] = label(GoalLevel, goal.get("level"))
        if goal.get("parent"):
            _goal_labels(goal["parent"])
        for child in goal.get("children", []):
            _goal_labels(child)


def _risk_labels(risk: dict[str, Any]) -> None:
    risk["status_label"] = label(RiskStatus, risk.get("status"))


def display(plan: dict[str, Any], *, own: bool = False) -> dict[str, Any]:
    """A copy of a plan, live or frozen, ready to render in the current language: dates as
    ``datetime.date``, each choice with its ``…_label``, each overview part with its letter,
    title and description; each target and measurement with its value, date and ISO date
    as text (``value_text``, ``date_text``, ``date_iso``: a page lists hundreds, many on the
    same dates). The plan itself is left as it was, unless ``own``: a plan just built for
    this rendering alone, made ready in place rather than copied."""
    shown = plan if own else copy.deepcopy(plan)
    _parse_dates(shown)
    date_texts: dict[dt.date, str] = {}
    number_texts: dict[Any, str] = {}
    for goal in shown.get("benefit_goals", []):
        _goal_labels(goal)
    if shown.get("initiative"):
        initiative = shown["initiative"]
        initiative["phase_label"] = label(Phase, initiative.get("phase"))
        initiative["status_label"] = label(StatusColour, initiative.get("status"))
        for goal in initiative.get("goals", []):
            _goal_labels(goal)
    for goal in shown.get("goal_tree", []):
        _goal_labels(goal)
    for initiative in shown.get("initiatives", []):
        initiative["phase_label"] = label(Phase, initiative.get("phase"))
        initiative["status_label"] = label(StatusColour, initiative.get("status"))
    for owner in shown.get("owners", []):
        for b in owner["benefits"]:
            b["status_label"] = label(BenefitStatus, b.get("status"))
    overview = shown.get("overview", {})
    for part in overview.get("parts", []):
        part.update(_part_texts(part["key"]))
        for row in part["rows"]:
            row["kind_label"] = label(BenefitKind, row.get("kind"))
            row["arises_in"] = arises_in(row)
            row["sector_label"] = str(SECTORS.get(row.get("sector"), ""))
            row["reason_label"] = str(UNPLACED_REASONS.get(row.get("reason") or "", ""))
    for summary in overview.get("summary", []):
        summary.update(_part_texts(summary["key"]))
    # The summary turned round, a row per year, as a table shows it.
    overview["by_year"] = [
        {
            "year": year,
            "cells": [s["year_totals"][index] for s in overview.get("summary", [])],
            "total": overview["year_totals"][index],
        }
        for index, year in enumerate(shown.get("years", []))
    ]
    followup = shown.get("followup", {})
    for row in followup.get("rows", []):
        row["status_label"] = label(BenefitStatus, row.get("status"))
    for risk in followup.get("risks", []):
        _risk_labels(risk)
    for b in shown.get("benefits", []):
        b["kind_label"] = label(BenefitKind, b.get("kind"))
        b["status_label"] = label(BenefitStatus, b.get("status"))
        b["arises_in"] = arises_in(b)
        b["sector_label"] = str(SECTORS.get(b.get("sector"), ""))
        b["reason_label"] = str(UNPLACED_REASONS.get(b.get("unplaced_reason") or "", ""))
        b["part_titles"] = [_part_texts(key)["title"] for key in b.get("parts", [])]
        for risk in b.get("risks", []):
            _risk_labels(risk)
        for indicator in b.get("indicators", []):
            indicator["direction_label"] = label(Direction, indicator.get("direction"))
            indicator["frequency_label"] = label(Frequency, indicator.get("frequency"))
            indicator["baseline_text"] = number_text(indicator.get("baseline_value"))
            progress = indicator.get("progress", {})
            progress["latest_text"] = number_text(progress.get("latest_value"))
            for point in indicator.get("targets", []) + indicator.get("measurements", []):
                value, date = point.get("value"), point.get("date")
                if value not in number_texts:
                    number_texts[value] = number_text(value)
                point["value_text"] = number_texts[value]
                if isinstance(date, dt.date):
                    if date not in date_texts:
                        date_texts[date] = formats.date_format(date, "SHORT_DATE_FORMAT")
                    point["date_text"], point["date_iso"] = date_texts[date], date.isoformat()
    for row in shown.get("benefits_map", []):
        row["arises_in"] = arises_in(row)
    return shown
