"""Small builders shared by the economics tests (imported by module name)."""

from __future__ import annotations

from nytte.economics import Alternative, Analysis, CashFlowLine, Estimate


def line(
    name: str,
    kind: str,
    amounts: dict[int, float | Estimate],
    *,
    organisation: str = "Skatteetaten",
    category: str | None = None,
    public: bool = False,
    **extra: object,
) -> CashFlowLine:
    est = {y: a if isinstance(a, Estimate) else Estimate.point(a) for y, a in amounts.items()}
    return CashFlowLine(
        name=name,
        kind=kind,  # type: ignore[arg-type]
        organisation=organisation,
        amounts=est,
        category=category or ("investment" if kind == "cost" else "efficiency"),
        public_budget=public,
        **extra,  # type: ignore[arg-type]
    )


def analysis(
    *lines: CashFlowLine,
    base_year: int = 2025,
    price_year: int | None = None,
    period: int = 11,
    first_year: int | None = None,
    **extra: object,
) -> Analysis:
    return Analysis(
        name="Test",
        base_year=base_year,
        price_year=base_year if price_year is None else price_year,
        period_years=period,
        first_year=first_year,
        alternatives=(Alternative("Zero", zero=True), Alternative("Project", lines=tuple(lines))),
        **extra,  # type: ignore[arg-type]
    )
