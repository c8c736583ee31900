"""Plus-minus method: significance x scope -> consequence on -4 .. +4."""

import pytest

from nytte.economics import consequence, symbol
from nytte.economics.errors import CBAInputError
from nytte.economics.plusminus import score_effect


@pytest.mark.parametrize(
    ("significance", "scope", "expected"),
    [
        ("stor", "stort positivt", 4),
        ("stor", "stort negativt", -4),
        ("middels", "middels positivt", 2),
        ("liten", "lite positivt", 0),
        ("liten", "stort positivt", 2),
        ("stor", "lite negativt", -2),
        ("middels", "stort negativt", -3),
        ("stor", "intet", 0),
        ("large", "medium positive", 3),
        ("small", "small negative", 0),
        (2, -1, -1),
    ],
)
def test_matrix(significance: object, scope: object, expected: int) -> None:
    assert consequence(significance, scope) == expected


def test_matrix_is_antisymmetric_and_monotone() -> None:
    for sig in ("liten", "middels", "stor"):
        values = [consequence(sig, s) for s in range(-3, 4)]
        assert values == sorted(values)
        assert values == [-v for v in reversed(values)]
    for scope in range(1, 4):
        assert [consequence(s, scope) for s in (1, 2, 3)] == sorted(
            consequence(s, scope) for s in (1, 2, 3)
        )


def test_symbols() -> None:
    assert [symbol(v) for v in (-4, -1, 0, 2, 4)] == ["----", "-", "0", "++", "++++"]


def test_override_within_one_step_is_allowed_and_recorded() -> None:
    scored = score_effect("Trust", "liten", "lite positivt", override=1)
    assert (scored.matrix_consequence, scored.consequence, scored.overridden) == (0, 1, True)
    assert scored.symbol == "+"


def test_override_more_than_one_step_or_across_zero_is_rejected() -> None:
    with pytest.raises(CBAInputError, match="within one step"):
        score_effect("Trust", "stor", "stort positivt", override=2)
    with pytest.raises(CBAInputError, match="within one step"):
        score_effect("Risk", "middels", "lite negativt", override=1)


def test_unknown_words_are_reported() -> None:
    with pytest.raises(CBAInputError, match="significance 'enorm'"):
        consequence("enorm", "intet")
