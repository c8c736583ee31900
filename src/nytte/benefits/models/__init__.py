"""The benefits register: why the programme exists, where each benefit lands and who takes
it out. A benefit is one object however many initiatives contribute to it, so totals count it
once and initiatives get their attributed share.
One module per sub-domain: ``benefits`` (benefits, shares, yearly amounts), ``indicators``
(indicators, targets, measurements) and ``plans`` (saved realisation plans).
"""

from __future__ import annotations

from .benefits import PERCENT_VALIDATORS, Benefit, BenefitAmount, Contribution
from .indicators import Indicator, Measurement, Target
from .plans import PlanFile, RealisationPlan, RealisationPlanBenefit

__all__ = [
    "PERCENT_VALIDATORS",
    "Benefit",
    "BenefitAmount",
    "Contribution",
    "Indicator",
    "Measurement",
    "PlanFile",
    "RealisationPlan",
    "RealisationPlanBenefit",
    "Target",
]
