"""Co-funding scheme rules (domain.md §7)."""

from nytte.economics import EARLIER_RULES, CoFundingApplication, check_cofunding


def application(**changes: object) -> CoFundingApplication:
    facts = {
        "total_cost": 40_000_000,
        "requested": 20_000_000,
        "budget_years": (2026, 2027, 2028),
        "nnv": 12_000_000,
        "concept_phase_finished": True,
        "execution_started": False,
    }
    facts.update(changes)
    return CoFundingApplication(**facts)  # type: ignore[arg-type]


def rule(check, name: str):
    return next(c for c in check.checks if c.rule == name)


def test_a_typical_application_is_eligible() -> None:
    check = check_cofunding(application())
    assert check.eligible
    assert all(c.passed for c in check.checks)


def test_cost_band_includes_its_limits() -> None:
    assert rule(
        check_cofunding(application(total_cost=10_000_000, requested=0)), "cost band"
    ).passed
    high = check_cofunding(application(total_cost=100_000_001))
    assert rule(high, "cost band").passed is False
    assert "outside" in rule(high, "cost band").reason


def test_share_above_half_fails_but_earlier_joined_up_category_allowed_85_percent() -> None:
    facts = application(requested=30_000_000)  # 75 % of 40 m
    assert rule(check_cofunding(facts), "funded share").passed is False
    joined = application(requested=30_000_000, category="joined_up_services")
    assert rule(check_cofunding(joined, EARLIER_RULES), "funded share").passed


def test_at_most_three_budget_years() -> None:
    check = check_cofunding(application(budget_years=(2026, 2027, 2028, 2029)))
    assert rule(check, "budget years").passed is False
    assert not check.eligible


def test_nnv_must_be_positive_and_unknowns_are_not_passes() -> None:
    assert rule(check_cofunding(application(nnv=0)), "profitable (NNV > 0)").passed is False
    unknown = check_cofunding(application(nnv=None))
    assert rule(unknown, "profitable (NNV > 0)").passed is None
    assert not unknown.eligible


def test_phase_rules() -> None:
    check = check_cofunding(application(concept_phase_finished=False, execution_started=True))
    assert [c.rule for c in check.failed] == ["concept phase finished", "execution not started"]


def test_result_serialises() -> None:
    data = check_cofunding(application()).to_dict()
    assert data["eligible"] is True
    assert {"rule", "passed", "reason"} <= set(data["checks"][0])
