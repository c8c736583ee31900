"""The plus-minus method (pluss-minus-metoden) for non-priced effects.

Significance (betydning: liten / middels / stor) and scope (omfang: from "stort
negativt" through "intet" to "stort positivt") give a consequence on the
nine-step scale -4 .. +4, shown as ``----`` .. ``++++``. The matrix is the
consequence fan used by DFØ's guide and Statens vegvesen V712:

=================  =====  =======  ====
scope \\ signif.    liten  middels  stor
=================  =====  =======  ====
stort positivt      ++     +++      ++++
middels positivt    +      ++       +++
lite positivt       0      +        ++
intet               0      0        0
lite negativt       0      -        --
middels negativt    -      --       ---
stort negativt      --     ---      ----
=================  =====  =======  ====

DFØ allows judgement between neighbouring steps, so an assessor may override
the matrix value by at most one step on the same side of zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import CBAInputError

_SIZE_WORDS = {
    "liten": 1, "lite": 1, "lita": 1, "small": 1, "low": 1,
    "middels": 2, "medium": 2, "moderate": 2,
    "stor": 3, "stort": 3, "store": 3, "large": 3, "big": 3, "high": 3,
}  # fmt: skip
_NONE_WORDS = {"intet", "ingen", "none", "ubetydelig", "0", "neutral", "nøytral"}
_POSITIVE = {"positiv", "positivt", "positive", "+"}
_NEGATIVE = {"negativ", "negativt", "negative", "-"}

# MATRIX[significance][abs(scope)] for significance 1..3 and |scope| 0..3.
MATRIX: dict[int, tuple[int, int, int, int]] = {
    1: (0, 0, 1, 2),
    2: (0, 1, 2, 3),
    3: (0, 2, 3, 4),
}

SIGNIFICANCE_LABELS = {1: "liten", 2: "middels", 3: "stor"}
SCOPE_LABELS = {
    -3: "stort negativt", -2: "middels negativt", -1: "lite negativt", 0: "intet",
    1: "lite positivt", 2: "middels positivt", 3: "stort positivt",
}  # fmt: skip


def parse_significance(value: Any, where: str = "significance") -> int:
    """``liten``/``middels``/``stor`` (or small/medium/large, or 1..3) -> 1..3."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 3:
        return value
    text = str(value).strip().lower()
    if text in _SIZE_WORDS:
        return _SIZE_WORDS[text]
    if text in {"1", "2", "3"}:
        return int(text)
    raise CBAInputError(
        f"significance {value!r} is not one of liten, middels, stor (small, medium, large)",
        where,
    )


def parse_scope(value: Any, where: str = "scope") -> int:
    """Scope such as ``"stort negativt"``, ``"small positive"`` or -3..3 -> -3..3."""
    if isinstance(value, int) and not isinstance(value, bool) and -3 <= value <= 3:
        return value
    text = " ".join(str(value).strip().lower().replace("_", " ").split())
    if text in _NONE_WORDS:
        return 0
    try:
        number = int(text)
    except ValueError:
        number = None
    if number is not None and -3 <= number <= 3:
        return number
    words = text.split()
    if len(words) == 2 and words[0] in _SIZE_WORDS and words[1] in _POSITIVE | _NEGATIVE:
        size = _SIZE_WORDS[words[0]]
        return size if words[1] in _POSITIVE else -size
    raise CBAInputError(
        f"scope {value!r} is not understood; use e.g. 'stort negativt', 'middels positivt', "
        "'intet' (or 'large negative', 'medium positive', 'none')",
        where,
    )


def consequence(significance: Any, scope: Any) -> int:
    """Consequence -4..4 from the matrix."""
    sig = parse_significance(significance)
    sco = parse_scope(scope)
    magnitude = MATRIX[sig][abs(sco)]
    return magnitude if sco >= 0 else -magnitude


def symbol(value: int) -> str:
    """-4..4 as ``----`` .. ``++++`` (0 as ``0``)."""
    if value == 0:
        return "0"
    return ("+" if value > 0 else "-") * abs(value)


def parse_consequence(value: Any, where: str = "consequence") -> int:
    """An integer -4..4 or a symbol string such as ``"++"``/``"0"``."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip().replace("−", "-")
        if text and set(text) == {"+"}:
            number = len(text)
        elif text and set(text) == {"-"} and len(text) > 1:
            number = -len(text)
        else:
            try:
                number = int(text)
            except ValueError:
                raise CBAInputError(
                    f"consequence {value!r} is not -4..4 or +/- signs", where
                ) from None
    if not -4 <= number <= 4:
        raise CBAInputError(f"consequence {number} is outside -4..4", where)
    return number


@dataclass(frozen=True)
class ScoredEffect:
    """An effect with its resolved consequence (what the result table shows)."""

    name: str
    significance: str
    scope: str
    matrix_consequence: int
    consequence: int
    overridden: bool
    description: str = ""

    @property
    def symbol(self) -> str:
        return symbol(self.consequence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "significance": self.significance,
            "scope": self.scope,
            "matrix_consequence": self.matrix_consequence,
            "consequence": self.consequence,
            "symbol": self.symbol,
            "overridden": self.overridden,
            "description": self.description,
        }


def score_effect(
    name: str,
    significance: Any,
    scope: Any,
    override: int | None = None,
    description: str = "",
    where: str = "effect",
) -> ScoredEffect:
    """Score one effect; an override may move at most one step, never across zero."""
    sig = parse_significance(significance, f"{where} significance")
    sco = parse_scope(scope, f"{where} scope")
    base = MATRIX[sig][abs(sco)] * (1 if sco >= 0 else -1)
    final = base
    if override is not None:
        final = parse_consequence(override, f"{where} consequence")
        if abs(final - base) > 1 or (sco > 0 > final) or (sco < 0 < final) or (sco == 0 != final):
            raise CBAInputError(
                f"consequence {symbol(final)} is not within one step of the matrix value "
                f"{symbol(base)} for significance {SIGNIFICANCE_LABELS[sig]} and scope "
                f"{SCOPE_LABELS[sco]}",
                where,
            )
    return ScoredEffect(
        name=name,
        significance=SIGNIFICANCE_LABELS[sig],
        scope=SCOPE_LABELS[sco],
        matrix_consequence=base,
        consequence=final,
        overridden=final != base,
        description=description,
    )
