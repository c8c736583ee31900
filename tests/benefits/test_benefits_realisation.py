"""Realisation is computed from baseline, targets and measurements: the pure rule."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nytte.benefits.realisation import Point, add_months, plan_points, planned_value, progress

D = dt.date
BASE = Point(D(2026, 1, 1), 1000.0)  # 1,000 manual cases a month at the baseline
TARGETS = [Point(D(2027, 1, 1), 600.0)]  # to fall to 600 in a year (365 days)
MIDYEAR = D(2026, 7, 2)


def run(measurements, *, today=MIDYEAR, tolerance=10.0, targets=TARGETS, months=3):
    return progress(
        baseline=BASE,
        targets=targets,
        measurements=measurements,
        frequency_months=months,
        today=today,
        tolerance=tolerance,
    )


def test_the_plan_is_the_straight_line_from_the_baseline_to_the_target():
    # 2026-07-02 is 182 of 365 days in: 1000 + 182/365 × (600 − 1000) = 800.55 (to 2 dp)
    assert planned_value(plan_points(BASE, TARGETS), D(2026, 7, 2)) == pytest.approx(
        1000 - 182 / 365 * 400
    )
    assert planned_value(plan_points(BASE, TARGETS), D(2025, 12, 31)) is None  # before baseline
    assert planned_value(plan_points(BASE, TARGETS), D(2030, 1, 1)) == 600.0  # flat after


def test_a_falling_indicator_on_plan_is_not_behind():
    # Measured 800 on 2026-07-02: realised (800 − 1000)/(600 − 1000) = 50 %;
    # planned 182/365 = 49.86 %; gap −0.14 points: on track.
    result = run([Point(D(2026, 7, 2), 800.0)])
    assert result.realised_share == pytest.approx(0.5)
    assert result.planned_share == pytest.approx(182 / 365)
    assert result.gap == pytest.approx((182 / 365 - 0.5) * 100)
    assert not result.behind


def test_a_falling_indicator_that_lags_is_behind_by_the_gap_in_points():
    # Measured 900: realised 100/400 = 25 %, planned 49.86 %: gap 24.86 points.
    result = run([Point(D(2026, 7, 2), 900.0)])
    assert result.gap == pytest.approx((182 / 365 - 0.25) * 100)
    assert result.behind
    # The same lag is within a tolerance of 30 points.
    assert not run([Point(D(2026, 7, 2), 900.0)], tolerance=30).behind


def test_a_rising_indicator_is_judged_the_same_way():
    base, target = Point(D(2026, 1, 1), 20.0), [Point(D(2027, 1, 1), 80.0)]
    # Halfway in time (2026-07-02, 182/365) the plan says 20 + 60 × 182/365 = 49.9;
    # 35 is (35 − 20)/60 = 25 % of the way: 24.9 points behind.
    result = progress(
        baseline=base,
        targets=target,
        measurements=[Point(D(2026, 7, 2), 35.0)],
        frequency_months=3,
        today=D(2026, 7, 2),
        tolerance=10,
    )
    assert result.realised_share == pytest.approx(0.25)
    assert result.behind


def test_the_latest_measurement_counts_and_order_of_input_does_not_matter():
    measurements = [Point(D(2026, 7, 2), 800.0), Point(D(2026, 4, 1), 990.0)]
    assert run(measurements).latest == Point(D(2026, 7, 2), 800.0)
    assert run(list(reversed(measurements))) == run(measurements)


def test_several_targets_make_a_bent_plan():
    targets = [Point(D(2026, 7, 1), 900.0), Point(D(2027, 1, 1), 600.0)]
    # Halfway between the two targets (2026-10-01 is 92 of 184 days): 900 − 300 × 92/184 = 750.
    assert planned_value(plan_points(BASE, targets), D(2026, 10, 1)) == pytest.approx(750.0)
    # Planned share there: (750 − 1000)/(600 − 1000) = 62.5 %.
    result = run([Point(D(2026, 10, 1), 750.0)], targets=targets, today=D(2026, 10, 2))
    assert result.planned_share == pytest.approx(0.625)
    assert result.gap == pytest.approx(0.0)


def test_without_baseline_or_measurements_there_is_no_realisation_and_no_verdict():
    assert run([]).realised_share is None
    assert not run([]).behind
    no_baseline = progress(
        baseline=None,
        targets=TARGETS,
        measurements=[Point(D(2026, 7, 2), 800.0)],
        frequency_months=3,
        today=D(2026, 7, 2),
        tolerance=10,
    )
    assert no_baseline.realised_share is None
    assert not no_baseline.behind


def test_a_target_equal_to_the_baseline_gives_no_share():
    assert run([Point(D(2026, 7, 2), 800.0)], targets=[Point(D(2027, 1, 1), 1000.0)]).gap is None


def test_a_measurement_is_overdue_one_period_after_the_last_one():
    measured = [Point(D(2026, 3, 31), 950.0)]
    # Quarterly: next due 2026-06-30.
    assert run(measured, today=D(2026, 6, 30)).next_due == D(2026, 6, 30)
    assert not run(measured, today=D(2026, 6, 30)).overdue
    assert run(measured, today=D(2026, 7, 1)).overdue
    # Without measurements the clock starts at the baseline: due 2026-04-01.
    assert run([], today=D(2026, 4, 2)).overdue
    assert run([], today=D(2026, 4, 2), months=12).next_due == D(2027, 1, 1)


def test_adding_months_keeps_the_day_or_takes_the_last_of_a_short_month():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert add_months(D(2026, 5, 15), 12) == D(2027, 5, 15)


values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(baseline=values, goal=values, measured=values, tolerance=st.floats(0, 100))
def test_realisation_is_the_same_for_a_mirrored_indicator(baseline, goal, measured, tolerance):
    """Whether lower or higher is better only flips signs: mirroring every value around
    zero changes neither the shares nor the verdict."""
    if abs(goal - baseline) < 1e-3:
        return

    def judge(sign: float):
        return progress(
            baseline=Point(D(2026, 1, 1), sign * baseline),
            targets=[Point(D(2027, 1, 1), sign * goal)],
            measurements=[Point(D(2026, 7, 2), sign * measured)],
            frequency_months=3,
            today=D(2026, 7, 2),
            tolerance=tolerance,
        )

    up, down = judge(1.0), judge(-1.0)
    assert up.realised_share == pytest.approx(down.realised_share, rel=1e-9, abs=1e-9)
    assert up.gap == pytest.approx(down.gap, rel=1e-9, abs=1e-6)


@given(st.integers(0, 365))
def test_being_exactly_on_the_plan_is_never_behind(day):
    when = D(2026, 1, 1) + dt.timedelta(days=day)
    on_plan = planned_value(plan_points(BASE, TARGETS), when)
    result = run([Point(when, on_plan)], today=when, tolerance=0.0001)
    assert not result.behind
