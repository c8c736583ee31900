"""How far a benefit has come: computed from baseline, targets and measurements, never typed.

Pure Python (no Django), so the rule is tested on its own and shared by pages, API, plan
and dashboard. The plan is the straight line from the baseline through each target in turn;
realisation is measured progress as a share of the way from the baseline to the last target,
so indicators that should rise and those that should fall are treated alike.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    date: dt.date
    value: float


@dataclass(frozen=True)
class Progress:
    """One indicator's state on a given day."""

    planned_value: float | None  # what the plan says for the latest measurement's date
    latest: Point | None
    realised_share: float | None  # 0.0 at the baseline, 1.0 at the last target
    planned_share: float | None  # the same for the plan, at the latest measurement's date
    gap: float | None  # planned minus realised, in percentage points of the way to go
    behind: bool
    next_due: dt.date | None
    overdue: bool

    @property
    def realised_percent(self) -> float | None:
        return None if self.realised_share is None else self.realised_share * 100


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day where it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def plan_points(baseline: Point | None, targets: Iterable[Point]) -> list[Point]:
    """The plan's corners: the baseline, then the targets after it in date order."""
    ordered = sorted(targets, key=lambda p: p.date)
    if baseline is None:
        return ordered
    return [baseline, *(p for p in ordered if p.date > baseline.date)]


def planned_value(points: Sequence[Point], on: dt.date) -> float | None:
    """The plan's value on a day: interpolated between corners, flat after the last one, and
    unknown before the first (there is no plan before the baseline)."""
    if not points or on < points[0].date:
        return None
    for before, after in itertools.pairwise(points):
        if before.date <= on <= after.date:
            span = (after.date - before.date).days
            fraction = (on - before.date).days / span if span else 1.0
            return before.value + fraction * (after.value - before.value)
    return points[-1].value


def _share(value: float, baseline: float, goal: float) -> float | None:
    if goal == baseline:
        return None
    return (value - baseline) / (goal - baseline)


def progress(
    *,
    baseline: Point | None,
    targets: Iterable[Point],
    measurements: Iterable[Point],
    frequency_months: int,
    today: dt.date,
    tolerance: float,
) -> Progress:
    """An indicator's progress; ``tolerance`` is in percentage points (10 means 10 %).

    Behind plan: the latest measurement trails the plan for its date by more than the
    tolerance, as a share of the way from the baseline to the last target. Overdue: the next
    measurement (one period after the last one, or after the baseline) is past due.
    """
    points = plan_points(baseline, targets)
    measured = sorted(measurements, key=lambda p: p.date)
    latest = measured[-1] if measured else None
    planned = planned_value(points, latest.date) if latest else None
    realised_share = planned_share = gap = None
    if baseline is not None and latest is not None and len(points) > 1:
        goal = points[-1].value
        realised_share = _share(latest.value, baseline.value, goal)
        if planned is not None:
            planned_share = _share(planned, baseline.value, goal)
    if realised_share is not None and planned_share is not None:
        gap = (planned_share - realised_share) * 100
    last_seen = latest.date if latest else (baseline.date if baseline else None)
    next_due = add_months(last_seen, frequency_months) if last_seen else None
    return Progress(
        planned_value=planned,
        latest=latest,
        realised_share=realised_share,
        planned_share=planned_share,
        gap=gap,
        behind=gap is not None and gap > tolerance,
        next_due=next_due,
        overdue=next_due is not None and next_due < today,
    )


def series(
    baseline: Point | None, targets: Iterable[Point], measurements: Iterable[Point]
) -> list[dict[str, object]]:
    """Planned and measured values on every date either has, for a chart and its table."""
    points = plan_points(baseline, targets)
    measured = {p.date: p.value for p in measurements}
    corners = {p.date: p.value for p in points}
    rows = []
    for day in sorted(set(corners) | set(measured)):
        planned = corners.get(day, planned_value(points, day))
        rows.append({"date": day, "planned": planned, "measured": measured.get(day)})
    return rows
