"""Named, versioned parameter sets (R-109) so old analyses stay reproducible.

An analysis stores the *name* of its parameter set (and a result stores the full
values), so re-running it later gives the same answer even after a new circular
adds a new set. Never change a registered set in place: add a new name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import CBAInputError, UnknownParameterSetError


@dataclass(frozen=True)
class DiscountBand:
    """Rate ``rate`` applies to discounting steps ``first_step`` .. ``last_step``.

    Step k is the discounting from year k-1 to year k after the base year, so the
    band 1..40 covers "years 0-40" in R-109's wording. ``last_step=None`` means
    "and all later steps".
    """

    first_step: int
    last_step: int | None
    rate: float


@dataclass(frozen=True)
class ParameterSet:
    """The calculation parameters of one version of the rules.

    Values marked *(verify)* in docs/economics.md are defaults we could not pin to
    a single authoritative figure; they are still part of the frozen set.
    """

    name: str
    version: str
    description: str
    discount_bands: tuple[DiscountBand, ...]
    tax_financing_rate: float = 0.20
    #: Real price growth used by lines that ask for "default" growth (verify).
    default_real_growth: float = 0.008
    #: Years analysed year by year (R-109: 75). A longer lifetime is accepted: the flows
    #: after these years form a computed residual value, discounted at the rates that
    #: apply then (2 %) and keeping each flow's budget nature (see prepare.py).
    max_analysis_period: int = 75
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        _check_bands(self.discount_bands, self.name)
        if not 0 <= self.tax_financing_rate < 1:
            raise CBAInputError("tax_financing_rate must be in [0, 1)", f"parameters {self.name}")
        if self.max_analysis_period < 1:
            raise CBAInputError("max_analysis_period must be >= 1", f"parameters {self.name}")

    def rate_for_step(self, step: int) -> float:
        """Discount rate for step ``step`` (>= 1)."""
        for band in self.discount_bands:
            if step >= band.first_step and (band.last_step is None or step <= band.last_step):
                return band.rate
        raise AssertionError("bands are checked to cover every step")  # pragma: no cover

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["discount_bands"] = [asdict(b) for b in self.discount_bands]
        data["notes"] = list(self.notes)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParameterSet:
        """Build a (custom) set from a dict, e.g. one embedded in an analysis file."""
        where = f"parameters {data.get('name', '?')}"
        try:
            bands = tuple(
                DiscountBand(int(b["first_step"]), _opt_int(b.get("last_step")), float(b["rate"]))
                for b in data["discount_bands"]
            )
            return cls(
                name=str(data["name"]),
                version=str(data.get("version", "")),
                description=str(data.get("description", "")),
                discount_bands=bands,
                tax_financing_rate=float(data.get("tax_financing_rate", 0.20)),
                default_real_growth=float(data.get("default_real_growth", 0.008)),
                max_analysis_period=int(data.get("max_analysis_period", 75)),
                source=str(data.get("source", "")),
                notes=tuple(data.get("notes", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, CBAInputError):
                raise
            raise CBAInputError(f"invalid parameter set ({exc!r})", where) from None


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _check_bands(bands: tuple[DiscountBand, ...], name: str) -> None:
    """Bands must start at step 1, be contiguous and end open-ended."""
    where = f"parameters {name}"
    if not bands:
        raise CBAInputError("at least one discount band is required", where)
    expected = 1
    for i, band in enumerate(bands):
        if band.first_step != expected:
            raise CBAInputError(f"discount band {i} must start at step {expected}", where)
        if band.rate <= -1:
            raise CBAInputError(f"discount band {i} has a rate <= -100 %", where)
        if band.last_step is None:
            if i != len(bands) - 1:
                raise CBAInputError("only the last discount band may be open-ended", where)
            return
        if band.last_step < band.first_step:
            raise CBAInputError(f"discount band {i} ends before it starts", where)
        expected = band.last_step + 1
    raise CBAInputError("the last discount band must be open-ended (last_step null)", where)


_R109_BANDS = (
    DiscountBand(1, 40, 0.04),
    DiscountBand(41, 75, 0.03),
    DiscountBand(76, None, 0.02),
)

R109_2021 = ParameterSet(
    name="R-109:2021",
    version="2021",
    description="Finansdepartementet R-109/2021: 4 % / 3 % / 2 % real discount rate by "
    "period, 20 % tax financing cost.",
    discount_bands=_R109_BANDS,
    tax_financing_rate=0.20,
    default_real_growth=0.008,
    max_analysis_period=75,
    source="Rundskriv R-109/2021; DFØ Veileder i samfunnsøkonomiske analyser",
    notes=(
        "default_real_growth 0.8 %/year (growth in real GDP per capita) - verify",
        "max_analysis_period 75 years - verify",
    ),
)

R109_2014 = ParameterSet(
    name="R-109:2014",
    version="2014",
    description="Finansdepartementet R-109/14: same declining rates and 20 % tax financing "
    "cost; kept so analyses that recorded it re-run unchanged.",
    discount_bands=_R109_BANDS,
    tax_financing_rate=0.20,
    default_real_growth=0.013,
    max_analysis_period=75,
    source="Rundskriv R-109/14",
    notes=("default_real_growth 1.3 %/year - verify",),
)

DEFAULT_PARAMETER_SET = R109_2021.name

PARAMETER_SETS: dict[str, ParameterSet] = {p.name: p for p in (R109_2021, R109_2014)}


def get_parameter_set(name: str | None = None) -> ParameterSet:
    """Look up a registered set; ``None`` gives the current default."""
    key = DEFAULT_PARAMETER_SET if name is None else name
    try:
        return PARAMETER_SETS[key]
    except KeyError:
        known = ", ".join(sorted(PARAMETER_SETS))
        raise UnknownParameterSetError(
            f"unknown parameter set {key!r} (known: {known})", "parameter_set"
        ) from None
