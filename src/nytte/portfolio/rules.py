"""Thresholds from the state project model and the Digitalisation Council (pure rules)."""

from __future__ import annotations

from .choices import SizeBand

# external quality assurance (KS1/KS2) above NOK 1 bn, or above NOK 300 m for
# digitalisation projects. Applied to the total most likely cost of the initiative.
QA_THRESHOLD = 1_000_000_000
QA_THRESHOLD_DIGITALISATION = 300_000_000
SMALL_MAX = 25_000_000
MEDIUM_MAX = 200_000_000


def needs_quality_assurance(total_cost: int, *, digitalisation: bool = True) -> bool:
    return total_cost > (QA_THRESHOLD_DIGITALISATION if digitalisation else QA_THRESHOLD)


def size_band(total_cost: int) -> str:
    if total_cost <= SMALL_MAX:
        return SizeBand.SMALL
    if total_cost <= MEDIUM_MAX:
        return SizeBand.MEDIUM
    return SizeBand.LARGE
