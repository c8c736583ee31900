"""The efficient frontier: the best value at each total budget level.

Each level multiplies every organisation's budget (every year) by the same factor;
fund budgets stay as given. Levels are solved from the smallest up, each offered the
previous level's plan as a start (it stays feasible when budgets grow), so the values
never fall as the budget rises. Each point carries its own bound and gap.
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import InfeasibleError
from .model import Problem
from .result import FrontierPoint
from .solve import DEFAULT_MIP_GAP, ProgressCallback, optimise

DEFAULT_LEVELS = (0.5, 0.75, 1.0, 1.25, 1.5)


def frontier(
    problem: Problem,
    levels: Sequence[float] = DEFAULT_LEVELS,
    *,
    time_limit: float = 30.0,
    mip_gap: float = DEFAULT_MIP_GAP,
    progress: ProgressCallback | None = None,
) -> list[FrontierPoint]:
    """``time_limit`` is shared evenly between the levels."""
    levels = sorted({float(x) for x in levels})
    if not levels or levels[0] < 0:
        raise ValueError("frontier levels must be non-negative multiples of the budgets")
    per_level = time_limit / len(levels)
    points: list[FrontierPoint] = []
    previous = None
    for level in levels:
        scaled = problem.with_changes(
            budgets={org: tuple(b * level for b in years) for org, years in problem.budgets.items()}
        )
        total = sum(sum(years) for years in scaled.budgets.values())
        try:
            plan = optimise(
                scaled,
                time_limit=per_level,
                mip_gap=mip_gap,
                progress=progress,
                warm_vector=None if previous is None else previous.solution,
            )
        except InfeasibleError as exc:
            points.append(FrontierPoint(level, total, "infeasible", None, None, None, [], str(exc)))
            continue
        points.append(
            FrontierPoint(
                level,
                total,
                plan.status,
                plan.value,
                plan.bound,
                plan.gap,
                [c.id for c in plan.chosen],
            )
        )
        previous = plan
    return points
