"""Checking the sheets of indicators and their lines: indicators, targets, measurements.

Each is matched with what is stored by its natural key (benefit code, indicator name, date),
in one query per sheet.
"""

from __future__ import annotations

from typing import Any

from nytte.core.excel.plan import differs, present
from nytte.core.excel.read import OMIT

from ..models import Indicator, Measurement, Target
from .format import INDICATORS, MEASUREMENTS, TARGETS
from .validate import Plan, blank, indicator_keys
from .write import Writer

INDICATOR_FIELDS = (
    "unit",
    "method",
    "data_source",
    "measuring_cost",
    "direction",
    "frequency",
    "baseline_value",
    "baseline_date",
)
MEASUREMENT_FIELDS = ("value", "source", "comment")


def plan_indicators(plan: Plan) -> None:
    stored = {
        (r["benefit__code"], r["name"]): r
        for r in Indicator.objects.filter(benefit__programme=plan.programme).values(
            "pk", "benefit__code", "name", *INDICATOR_FIELDS
        )
    }
    plan.indicator_keys = indicator_keys(plan)
    seen: dict[tuple[str, str], int] = {}
    sheet = INDICATORS.name
    for row in plan.rows(INDICATORS):
        code, name = plan.known_benefit(INDICATORS, row), row.values.get("name")
        if code is None or blank(name):
            continue
        if not plan.unique(sheet, row, (code, name), seen, "name") or row.failed:
            continue
        data = present(row.values, INDICATOR_FIELDS)
        if row.values.get("baseline_value") is OMIT:
            data["baseline_value"] = None  # a blank baseline is no baseline
        existing = stored.get((code, name))
        if existing is not None and not differs(data, existing):
            plan.count(INDICATORS, "unchanged")
            continue
        base = {f: existing[f] for f in INDICATOR_FIELDS} if existing else {}
        plan.validate_model(
            sheet, row.number, Indicator(name=name, **{**base, **data}), exclude=["benefit"]
        )
        plan.count(INDICATORS, "created" if existing is None else "updated")
        pk = None if existing is None else existing["pk"]
        plan.step(INDICATORS, row, Writer.indicator, code=code, name=name, pk=pk, data=data)


def plan_targets(plan: Plan) -> None:
    """Whether a target comes after its indicator's baseline is checked in the trial write:
    the baseline may change in the same file."""
    stored = {
        (r[1], r[2], r[3]): r
        for r in Target.objects.filter(indicator__benefit__programme=plan.programme).values_list(
            "pk", "indicator__benefit__code", "indicator__name", "date", "value"
        )
    }
    seen: dict[tuple[Any, ...], int] = {}
    sheet = TARGETS.name
    for row in plan.rows(TARGETS):
        key, date = plan.known_indicator(TARGETS, row), row.values.get("date")
        if key is None or blank(date):
            continue
        if not plan.unique(sheet, row, (*key, date), seen, "date") or row.failed:
            continue
        value = row.values["value"]
        existing = stored.get((*key, date))
        if existing is not None and existing[4] == value:
            plan.count(TARGETS, "unchanged")
            continue
        plan.validate_model(
            sheet, row.number, Target(date=date, value=value), exclude=["indicator"]
        )
        plan.count(TARGETS, "created" if existing is None else "updated")
        pk = None if existing is None else existing[0]
        plan.step(
            TARGETS, row, Writer.target, code=key[0], name=key[1], date=date, pk=pk, value=value
        )


def plan_measurements(plan: Plan) -> None:
    stored = {
        (r["indicator__benefit__code"], r["indicator__name"], r["date"]): r
        for r in Measurement.objects.filter(indicator__benefit__programme=plan.programme).values(
            "pk", "indicator__benefit__code", "indicator__name", "date", *MEASUREMENT_FIELDS
        )
    }
    seen: dict[tuple[Any, ...], int] = {}
    sheet = MEASUREMENTS.name
    for row in plan.rows(MEASUREMENTS):
        key, date = plan.known_indicator(MEASUREMENTS, row), row.values.get("date")
        if key is None or blank(date):
            continue
        if not plan.unique(sheet, row, (*key, date), seen, "date") or row.failed:
            continue
        data = present(row.values, MEASUREMENT_FIELDS)
        existing = stored.get((*key, date))
        if existing is not None and not differs(data, existing):
            plan.count(MEASUREMENTS, "unchanged")
            continue
        plan.validate_model(
            sheet,
            row.number,
            Measurement(date=date, **data),
            exclude=["indicator", "recorded_by"],
        )
        plan.count(MEASUREMENTS, "created" if existing is None else "updated")
        pk = None if existing is None else existing["pk"]
        plan.step(
            MEASUREMENTS,
            row,
            Writer.measurement,
            code=key[0],
            name=key[1],
            date=date,
            pk=pk,
            data=data,
        )
