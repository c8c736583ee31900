"""Rounding to whole kroner for reporting (floats stay exact inside the engine)."""

from __future__ import annotations

import math


def kroner(value: float) -> int:
    """Round half away from zero, as people round money by hand."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))
