"""Infeasibility messages, displacement, the frontier, input errors and the CLI."""

import json
from pathlib import Path

import pytest

from nytte.optimise import InfeasibleError, OptimiseInputError, Problem, optimise
from nytte.optimise.cli import main
from nytte.optimise.displacement import displacement
from nytte.optimise.frontier import frontier
from tests.optimise.optimise_helpers import cand, problem, random_problem

EXAMPLE = Path(__file__).parents[2] / "examples" / "optimise" / "example.json"


def test_mandatory_items_over_a_budget_are_named_before_solving() -> None:
    p = problem(
        [
            cand("M1", 10, {"A": [70]}, mandatory=True, latest_start=2027),
            cand("M2", 10, {"A": [50]}, status="running", start=2027),
        ],
        budgets={"A": 100},
    )
    with pytest.raises(InfeasibleError) as exc:
        optimise(p)
    assert exc.value.source == "check"
    message = str(exc.value)
    assert "'M1' (mandatory)" in message and "'M2' (running and cannot be stopped)" in message
    assert "for A in 2027" in message and "NOK 120" in message and "NOK 100" in message


def test_simple_conflicts_are_named() -> None:
    items = [cand("A", 10, {"A": [10]}, mandatory=True), cand("B", 10, {"A": [10]})]
    with pytest.raises(InfeasibleError, match="'A' is forced out but mandatory"):
        optimise(problem(items, forced_out=["A"]))
    with pytest.raises(InfeasibleError, match="allows one of 'A', 'B'"):
        optimise(problem(items, forced_in=["B"], exclusions=[["A", "B"]]))
    deps = [{"candidate": "A", "requires": "B"}]
    with pytest.raises(InfeasibleError, match="'B' is forced out but required by 'A'"):
        optimise(problem(items, forced_out=["B"], dependencies=deps))
    late = [cand("A", 10, {"A": [10]}, mandatory=True, earliest_start=2040)]
    with pytest.raises(InfeasibleError, match="cannot start within the plan"):
        optimise(problem(late))


def test_other_conflicts_are_explained_by_an_elastic_solve() -> None:
    # each fits alone in any year, four of them do not fit in three years
    items = [cand(f"M{k}", 10, {"A": [80]}, mandatory=True) for k in range(4)]
    with pytest.raises(InfeasibleError) as exc:
        optimise(problem(items, budgets={"A": 100}))
    assert exc.value.source == "relaxation"
    assert "budget of A" in str(exc.value) and "short by NOK 60" in str(exc.value)
    assert "(mandatory)" in str(exc.value)


def test_displacement_equals_the_difference_of_two_solves() -> None:
    items = [
        cand("A", 100, {"A": [60]}),
        cand("B", 80, {"A": [60]}),
        cand("C", 40, {"A": [30]}),
        cand("P", 150, {"A": [70]}, latest_start=2027),
    ]
    p = problem(items, budgets={"A": 100}, years=2)
    current = {"A": 2027, "C": 2027, "B": 2028}
    d = displacement(p, "P", current)
    assert d.current_value == pytest.approx(
        sum(p.value(p.candidate(c), s) for c, s in current.items())
    )
    # the two solves, done by hand on the same restricted problem
    restricted = p.with_changes(
        candidates=tuple(
            c if c.id == "P" else c.__class__(**{**c.__dict__, "earliest_start": current[c.id]})
            for c in p.candidates
        )
    )
    without = optimise(restricted.with_changes(forced_out=("P",)))
    with_ = optimise(restricted.with_changes(forced_in=("P",)))
    assert d.value_change == pytest.approx(with_.value - without.value)
    assert d.without_proposal.starts == current
    changes = {m.id: m.change for m in d.moves}
    assert changes["P"] == "in"
    assert d.value_gained - d.value_lost == pytest.approx(d.value_change)
    assert all(m.change in ("out", "later", "in") for m in d.moves)


def test_reoptimising_displacement_is_two_free_solves() -> None:
    p = random_problem(3)
    proposal = next(c.id for c in p.candidates if not c.mandatory and c.id not in p.forced_out)
    try:
        d = displacement(p, proposal, mode="reoptimise")
    except InfeasibleError:
        pytest.skip("the proposal cannot be included in this instance")
    a = optimise(p.with_changes(forced_out=(*p.forced_out, proposal))).value
    b = optimise(p.with_changes(forced_in=(*p.forced_in, proposal))).value
    assert d.value_change == pytest.approx(b - a)


def test_frontier_is_monotone_and_reports_infeasible_levels() -> None:
    items = [cand(f"c{k}", 10 + 7 * k, {"A": [10 + 5 * k]}) for k in range(8)]
    items.append(cand("M", 0, {"A": [40]}, mandatory=True, latest_start=2027))
    p = problem(items, budgets={"A": 100}, years=2)
    points = frontier(p, [0.25, 0.5, 1.0, 1.5, 2.0], time_limit=5)
    assert points[0].status == "infeasible" and "'M' (mandatory)" in points[0].message
    values = [pt.value for pt in points[1:]]
    assert values == sorted(values)
    assert points[-1].total_budget == pytest.approx(400)
    assert points[2].value == pytest.approx(optimise(p).value)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"surprise": 1}, "input: unknown field(s) surprise"),
        ({"years": 0}, "years"),
        ({"budgets": {"A": [1, 2]}}, "budgets.A: expected 3 yearly amounts"),
        ({"forced_in": ["nope"]}, "forced_in: unknown candidate(s) 'nope'"),
        ({"dependencies": [{"candidate": "A", "requires": "A"}]}, "cannot require itself"),
        ({"risk": {"max_probability_negative": 0.1}}, "needs nnv_samples"),
    ],
)
def test_input_errors_name_the_field(change: dict, where: str) -> None:
    data = {
        "first_year": 2027,
        "years": 3,
        "budgets": {"A": 100},
        "candidates": [cand("A", 1, {"A": [1]}), cand("A2", 1, {"A": [1]})],
        **change,
    }
    with pytest.raises(OptimiseInputError, match=where.replace("(", r"\(").replace(")", r"\)")):
        Problem.from_dict(data)


def test_round_trip_of_the_example() -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    p = Problem.from_dict(data)
    assert Problem.from_dict(p.to_dict()) == p


def test_cli_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(EXAMPLE), "--time-limit", "5"]) == 0
    out = capsys.readouterr().out
    for label in ("Plan: proven optimal", "Binding constraints", "Frontier", "Displacement"):
        assert label in out
    assert main([str(EXAMPLE), "--time-limit", "5", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["plan"]["proven_optimal"] is True
    assert payload["displacement"]["proposal"] == "ai-triage"
    assert len(payload["frontier"]) == 4


def test_cli_errors_exit_2_without_traceback(tmp_path: Path, capsys) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["forced_out"] = ["register-cleanup"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert main([str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "'register-cleanup' is forced out but mandatory" in err
    assert main([str(tmp_path / "missing.json")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_nytte_command_dispatches_to_optimise(capsys) -> None:
    from nytte.cli import main as nytte_main

    with pytest.raises(SystemExit) as exc:
        nytte_main(["optimise", str(EXAMPLE), "--time-limit", "5", "--format", "json"])
    assert exc.value.code == 0
    assert json.loads(capsys.readouterr().out)["plan"]["status"] == "optimal"
