"""Dependencies, exclusions, flexibility, funds, forced items, running items, risk."""

import numpy as np
import pytest

from nytte.optimise import optimise
from tests.optimise.optimise_helpers import brute_force, cand, problem


def test_finish_dependency_delays_the_dependant() -> None:
    p = problem(
        [cand("A", 100, {"A": [50, 50]}), cand("B", 80, {"B": [30]})],
        years=4,
        dependencies=[{"candidate": "B", "requires": "A", "kind": "finish"}],
    )
    plan = optimise(p)
    assert plan.starts == {"A": 2027, "B": 2029}
    assert any(b.kind == "dependency" for b in plan.binding)


def test_start_dependency_allows_the_same_year_and_a_lag() -> None:
    deps = [{"candidate": "B", "requires": "A", "kind": "start"}]
    p = problem([cand("A", 100, {"A": [50, 50]}), cand("B", 80, {"B": [30]})], dependencies=deps)
    assert optimise(p).starts == {"A": 2027, "B": 2027}
    deps[0]["lag"] = 1
    p = problem([cand("A", 100, {"A": [50, 50]}), cand("B", 80, {"B": [30]})], dependencies=deps)
    assert optimise(p).starts == {"A": 2027, "B": 2028}


def test_a_dependant_is_dropped_with_what_it_requires() -> None:
    p = problem(
        [cand("A", -10, {"A": [50]}), cand("B", 5, {"B": [30]})],
        dependencies=[{"candidate": "B", "requires": "A", "kind": "start"}],
    )
    assert optimise(p).starts == {}  # A costs more value than B brings
    p = problem(
        [cand("A", -10, {"A": [50]}), cand("B", 50, {"B": [30]})],
        dependencies=[{"candidate": "B", "requires": "A", "kind": "start"}],
    )
    assert set(optimise(p).starts) == {"A", "B"}


def test_exclusion_keeps_the_better_alternative() -> None:
    p = problem(
        [cand("A", 100, {"A": [10]}), cand("B", 90, {"A": [10]}), cand("C", 5, {"A": [10]})],
        exclusions=[{"name": "one solution", "candidates": ["A", "B"]}],
    )
    plan = optimise(p)
    assert set(plan.starts) == {"A", "C"}
    assert any(b.kind == "exclusion" and "one solution" in b.label for b in plan.binding)


def test_flexibility_moves_budget_between_adjacent_years() -> None:
    items = [cand("A", 100, {"A": [105]}, latest_start=2027)]
    assert optimise(problem(items, budgets={"A": 100})).starts == {}
    plan = optimise(problem(items, budgets={"A": 100}, flexibility=0.05))
    assert plan.starts == {"A": 2027}
    use = {(u.organisation, u.year): u for u in plan.budget_use}
    assert use[("A", 2027)].moved_in == pytest.approx(5.0)
    assert use[("A", 2028)].moved_in == pytest.approx(-5.0)
    # 4 % is not enough
    assert optimise(problem(items, budgets={"A": 100}, flexibility={"A": 0.04})).starts == {}


def test_flexibility_can_lend_to_a_later_year() -> None:
    items = [cand("A", 100, {"A": [105]}, earliest_start=2029)]
    plan = optimise(problem(items, budgets={"A": 100}, flexibility=0.05))
    assert plan.starts == {"A": 2029}


def test_forced_in_and_forced_out() -> None:
    items = [cand("A", 100, {"A": [60]}), cand("B", 10, {"A": [60]}, latest_start=2027)]
    base = problem(items, budgets={"A": 100}, years=1)
    assert optimise(base).starts == {"A": 2027}
    forced = problem(items, budgets={"A": 100}, years=1, forced_in=["B"])
    assert optimise(forced).starts == {"B": 2027}
    out = problem(items, budgets={"A": 100}, years=1, forced_out=["A"])
    assert optimise(out).starts == {"B": 2027}


def test_mandatory_item_with_negative_value_is_kept() -> None:
    p = problem([cand("M", -50, {"A": [10]}, mandatory=True), cand("X", 30, {"A": [10]})])
    assert set(optimise(p).starts) == {"M", "X"}


def test_running_items_are_fixed_or_stopped_at_a_cost() -> None:
    running = cand("R", 20, {"A": [40, 40, 40]}, status="running", start=2026)
    new = cand("N", 100, {"A": [90]}, latest_start=2027)
    # fixed: it keeps its budget, so N does not fit in 2027
    plan = optimise(problem([running, new], budgets={"A": 100}))
    assert plan.starts == {"R": 2026}
    # stoppable at a cost of 5: stopping frees 40 - 5 for N
    stoppable = {**running, "stoppable": True,
                 "stop_costs": [{"organisation": "A", "amounts": [5]}]}  # fmt: skip
    p = problem([stoppable, new], budgets={"A": 100})
    plan = optimise(p)
    assert plan.starts == {"N": 2027} and plan.stopped == ["R"]
    assert plan.value == pytest.approx(brute_force(p)[0])
    use = {(u.organisation, u.year): u.cost for u in plan.budget_use}
    assert use[("A", 2027)] == pytest.approx(95)
    # a stop cost too high to fit keeps it running
    p = problem([{**stoppable, "stop_costs": [{"organisation": "A", "amounts": [20]}]}, new],
                budgets={"A": 100})  # fmt: skip
    assert optimise(p).starts == {"R": 2026}


def test_discounting_prefers_the_earliest_start_and_uses_the_rate() -> None:
    p = problem([cand("A", 100, {"A": [10]}, earliest_start=2028)], discount_rate=0.05)
    plan = optimise(p)
    assert plan.starts == {"A": 2028}
    assert plan.value == pytest.approx(100 / 1.05)


def test_goal_score_blend() -> None:
    items = [cand("A", 100, {"A": [60]}, score=0), cand("B", 50, {"A": [60]}, score=10)]
    p = problem(items, budgets={"A": 100}, years=1, objective={"score_weight": 10})
    assert optimise(p).starts == {"B": 2027}  # 50 + 100 > 100


FUND = {
    "id": "medfin",
    "max_share": 0.5,
    "max_amount": 50,
    "max_budget_years": 3,
    "include_running": False,
}


def test_fund_pays_at_most_its_share_and_cap() -> None:
    items = [cand("A", 500, {"A": [80, 80]}, latest_start=2027)]
    plain = problem(items, budgets={"A": 60})
    assert optimise(plain).starts == {}
    plan = optimise(problem(items, budgets={"A": 60}, funds=[FUND]))
    assert plan.starts == {"A": 2027}
    paid = sum(f.amount for f in plan.fund_payments)
    assert 40 - 1e-6 <= paid <= 50 + 1e-6  # needs 2 x 20, capped at 50
    capped = problem(items, budgets={"A": 60}, funds=[{**FUND, "max_amount": 30}])
    assert optimise(capped).starts == {}


def test_fund_pays_in_at_most_three_budget_years() -> None:
    items = [cand("A", 500, {"A": [20, 20, 20, 20]}, latest_start=2027)]
    p = problem(items, budgets={"A": 15}, years=4, funds=[FUND])
    assert optimise(p).starts == {}  # every year needs 5 from the fund
    p = problem(items, budgets={"A": 15}, years=4, funds=[{**FUND, "max_budget_years": 4}])
    plan = optimise(p)
    assert plan.starts == {"A": 2027}
    assert len({f.year for f in plan.fund_payments}) == 4


def test_fund_rules_on_organisations_kinds_years_and_its_own_budget() -> None:
    items = [
        {
            "id": "A",
            "nnv": 500,
            "latest_start": 2027,
            "costs": [
                {"organisation": "A", "kind": "investment", "amounts": [70]},
                {"organisation": "A", "kind": "operation", "amounts": [50]},
            ],
        }
    ]
    kw = {"budgets": {"A": 100}, "years": 1}
    assert optimise(problem(items, funds=[{**FUND, "cost_kinds": ["investment"]}], **kw)).starts
    assert not optimise(problem(items, funds=[{**FUND, "cost_kinds": ["other"]}], **kw)).starts
    assert not optimise(problem(items, funds=[{**FUND, "organisations": ["B"]}], **kw)).starts
    assert not optimise(problem(items, funds=[{**FUND, "years": [2030]}], **kw)).starts
    assert not optimise(problem(items, funds=[{**FUND, "budget": 10}], **kw)).starts
    assert optimise(problem(items, funds=[{**FUND, "budget": 20}], **kw)).starts
    assert not optimise(problem(items, funds=[{**FUND, "max_project_cost": 100}], **kw)).starts


def test_the_optimiser_chooses_which_fund_pays() -> None:
    items = [cand("A", 500, {"A": [130]}, latest_start=2027),
             cand("B", 400, {"A": [60]}, latest_start=2027)]  # fmt: skip
    funds = [
        {"id": "small", "budget": 30, "max_share": 0.5},
        {"id": "only-b", "budget": 100, "max_share": 0.5, "candidates": ["B"]},
    ]
    plan = optimise(problem(items, budgets={"A": 130}, years=1, funds=funds))
    assert set(plan.starts) == {"A", "B"}
    by_fund = {}
    for f in plan.fund_payments:
        by_fund[(f.fund, f.candidate)] = by_fund.get((f.fund, f.candidate), 0) + f.amount
    assert by_fund[("small", "A")] == pytest.approx(30)
    assert by_fund[("only-b", "B")] == pytest.approx(30)


def test_chance_constraint_matches_brute_force() -> None:
    safe = cand("S", 0, {"A": [30]}, nnv_samples=[10, 12, 8, 11, 9, 10, 10, 10, 10, 10])
    risky = cand("R", 0, {"A": [30]}, nnv_samples=[60, 70, -40, -30, 80, 90, -20, 100, 50, 40])
    p = problem([safe, risky], budgets={"A": 40}, years=1)
    assert optimise(p).starts == {"R": 2027}  # expected 40 > 10
    for level in (0.0, 0.1, 0.3):
        q = problem([safe, risky], budgets={"A": 40}, years=1,
                    risk={"max_probability_negative": level})  # fmt: skip
        plan = optimise(q)
        assert plan.value == pytest.approx(brute_force(q)[0])
        assert plan.starts == ({"R": 2027} if level >= 0.3 else {"S": 2027})


def test_marginal_values_are_estimates_from_the_lp() -> None:
    p = problem([cand("A", 100, {"A": [100]}), cand("B", 50, {"A": [100]})],
                budgets={"A": 100, "B": 100}, years=1)  # fmt: skip
    plan = optimise(p)
    duals = {(m.organisation, m.year): m.value_per_krone for m in plan.marginal_values}
    # the LP would buy more of B at 0.5 value per krone; B's budget is not used
    assert duals[("A", 2027)] == pytest.approx(0.5)
    assert duals[("B", 2027)] == 0
    assert plan.to_dict()["marginal_values_note"].startswith("Estimate from the LP")


def test_same_input_same_plan() -> None:
    from tests.optimise.optimise_helpers import random_problem

    p = random_problem(7)
    volatile = {"solve_time", "first_answer_time", "trace"}
    a = {k: v for k, v in optimise(p).to_dict().items() if k not in volatile}
    b = {k: v for k, v in optimise(p).to_dict().items() if k not in volatile}
    assert a == b


def test_progress_callback_is_called_and_can_stop() -> None:
    seen = []
    p = problem([cand("A", 100, {"A": [10]}), cand("B", 50, {"A": [10]})])
    optimise(p, progress=lambda e: seen.append(e.stage))
    assert seen[:2] == ["greedy", "lp"]


def test_progress_callback_can_stop_the_solve_and_the_plan_keeps_a_bound() -> None:
    from nytte.optimise.io import load_problem
    from tests.optimise.test_optimise_answers import EXAMPLE

    p, _ = load_problem(EXAMPLE)
    plan = optimise(p, progress=lambda e: e.stage == "mip")
    assert plan.chosen and plan.bound is not None and plan.bound >= plan.value
    assert plan.status == "optimal" or plan.gap > 0


def test_organisation_search_improves_a_start_to_the_optimum_of_independent_organisations(
    monkeypatch,
):
    """With every candidate paid by one organisation the problem splits by organisation,
    so one pass over groups of organisations must reach the proven optimum; the answer
    is a feasible plan whose value is its candidates' values."""
    import random
    import time

    from nytte.optimise import greedy, warmstart
    from nytte.optimise.build import build, prepare
    from nytte.optimise.warmstart import (
        is_feasible,
        organisation_groups,
        organisation_search,
        start_vector,
    )

    monkeypatch.setattr(warmstart, "ORGANISATION_SEARCH_MIN_CANDIDATES", 0)  # small is faster
    rnd = random.Random(3)
    orgs = ["A", "B", "C", "D"]
    candidates = [
        cand(
            f"c{k:03d}",
            rnd.randint(5, 60),
            {orgs[k % 4]: [rnd.randint(5, 30), rnd.randint(0, 20)]},
            earliest_start=2027,
            latest_start=2028,
        )
        for k in range(40)
    ]
    p = problem(candidates, budgets={o: [40, 40, 40] for o in orgs})
    prep = prepare(p)
    model = build(prep)
    start = greedy.benefit_cost(prep)
    found = organisation_search(
        model,
        start_vector(model, start.starts),
        start.value,
        organisation_groups(model, np.zeros(len(orgs))),
        time.perf_counter(),
        60.0,
    )
    best = optimise(p)
    assert best.status == "optimal" and best.value > start.value + 1
    assert found is not None and is_feasible(model, found.vector)
    assert found.value == pytest.approx(best.value, rel=1e-6)
    assert found.value == pytest.approx(greedy.evaluate(prep, found.starts))
