"""The optimiser's plan equals the optimum found by enumeration on small instances."""

import pytest

from nytte.optimise import InfeasibleError, optimise
from tests.optimise.optimise_helpers import brute_force, random_problem


@pytest.mark.parametrize("seed", range(40))
def test_optimum_matches_brute_force(seed: int) -> None:
    p = random_problem(seed)
    expected = brute_force(p)
    if expected is None:
        with pytest.raises(InfeasibleError):
            optimise(p, time_limit=10)
        return
    plan = optimise(p, time_limit=10)
    assert plan.status == "optimal"
    assert plan.value == pytest.approx(expected[0], rel=1e-6, abs=1e-6)
    assert plan.gap is not None and plan.gap <= 1e-6
    # the plan itself is feasible: brute force on it alone gives the same value
    assert sum(c.value for c in plan.chosen) == pytest.approx(plan.value)
