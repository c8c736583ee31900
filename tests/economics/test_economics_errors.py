"""Bad input gives a clear CBAInputError that names the field, line and year."""

import copy
import json
from pathlib import Path

import pytest

from nytte.economics import Analysis, compute
from nytte.economics.errors import CBAInputError, UnknownParameterSetError

EXAMPLE = json.loads(
    (Path(__file__).parents[2] / "examples" / "cba" / "example.json").read_text(encoding="utf-8")
)


def run(mutate) -> str:
    data = copy.deepcopy(EXAMPLE)
    mutate(data)
    with pytest.raises(CBAInputError) as info:
        compute(Analysis.from_dict(data))
    return str(info.value)


def first_line(data: dict) -> dict:
    return data["alternatives"][1]["lines"][0]


def test_the_example_is_valid() -> None:
    assert compute(Analysis.from_dict(EXAMPLE)).alternative("Consent API").nnv > 0


def test_high_below_low_names_line_and_year() -> None:
    def mutate(d: dict) -> None:
        first_line(d)["amounts"]["2025"] = {"low": 10, "likely": 9, "high": 5}

    message = run(mutate)
    assert (
        "'Build the API'" in message
        and "2025" in message
        and "high (5) is below low (10)" in message
    )


def test_year_outside_the_period() -> None:
    message = run(lambda d: first_line(d)["amounts"].update({"2040": 1}))
    assert "year 2040 is outside the analysis period 2025-2036" in message
    assert "'Build the API'" in message


def test_negative_year() -> None:
    def mutate(d: dict) -> None:
        d["base_year"] = -1

    assert "base_year -1 is negative" in run(mutate)
    assert "year -3 is negative" in run(lambda d: first_line(d)["amounts"].update({"-3": 1}))


def test_unknown_parameter_set() -> None:
    def mutate(d: dict) -> None:
        d["parameter_set"] = "R-109:1999"

    with pytest.raises(UnknownParameterSetError, match=r"unknown parameter set 'R-109:1999'"):
        compute(Analysis.from_dict({**copy.deepcopy(EXAMPLE), "parameter_set": "R-109:1999"}))
    assert "known: R-109:2014, R-109:2021" in run(mutate)


def test_flows_before_the_base_year_are_rejected() -> None:
    def mutate(d: dict) -> None:
        d["first_year"] = 2024

    assert "before the base year 2025" in run(mutate)


def test_missing_zero_alternative() -> None:
    def mutate(d: dict) -> None:
        d["alternatives"][0]["zero"] = False

    assert "zero alternative" in run(mutate)


def test_zero_alternative_must_be_empty() -> None:
    def mutate(d: dict) -> None:
        d["alternatives"][0]["lines"] = [first_line(d)]

    assert "zero alternative is the reference" in run(mutate)


def test_a_year_typed_for_the_period_is_refused() -> None:
    # A lifetime beyond 75 years is analysed (R-109, residual value); a year is not a lifetime.
    def mutate(d: dict) -> None:
        d["period_years"] = 2035

    assert "exceeds 200 years" in run(mutate)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("kind", "income", "kind must be 'cost' or 'benefit'"),
        ("category", "benefit-ish", "category 'benefit-ish' is not valid for a cost"),
        ("distribution", "normal", "distribution must be 'pert' or 'triangular'"),
        ("organisation", "", "organisation"),
        ("public_budget", "maybe", "public_budget must be true or false"),
        ("amounts", {"20x5": 1}, "'20x5' is not a year"),
        ("amounts", {"2025": "lots"}, "expected a number, got 'lots'"),
        ("amounts", {"2025": {"low": 1, "high": 2}}, "missing 'likely'"),
    ],
)
def test_line_field_errors(field: str, value: object, expected: str) -> None:
    assert expected in run(lambda d: first_line(d).__setitem__(field, value))


def test_effect_with_unknown_scope() -> None:
    def mutate(d: dict) -> None:
        d["alternatives"][1]["effects"][0]["scope"] = "very good"

    message = run(mutate)
    assert "scope 'very good' is not understood" in message and "'Trust in data sharing'" in message
