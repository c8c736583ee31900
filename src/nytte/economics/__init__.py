"""Cost-benefit engine (samfunnsøkonomisk analyse) following R-109 and DFØ's guide.

Pure Python + NumPy, no Django: the app builds an ``Analysis`` and calls
``compute``, ``simulate``, ``tornado``, ``break_even`` or ``check_cofunding``.
"""

from .cofunding import (
    CURRENT_RULES,
    EARLIER_RULES,
    CoFundingApplication,
    CoFundingCheck,
    CoFundingRules,
    check_cofunding,
)
from .compute import AlternativeResult, Result, compute
from .discounting import discount_factor, discount_factors
from .errors import CBAInputError, UnknownParameterSetError
from .io import load_analysis, write_excel, write_json
from .model import Alternative, Analysis, CashFlowLine, Estimate, NonPricedEffect
from .montecarlo import PortfolioSimulation, SimulationResult, simulate, simulate_many
from .params import DEFAULT_PARAMETER_SET, PARAMETER_SETS, ParameterSet, get_parameter_set
from .plusminus import consequence, symbol
from .sensitivity import break_even, tornado

__all__ = [
    "CURRENT_RULES",
    "DEFAULT_PARAMETER_SET",
    "EARLIER_RULES",
    "PARAMETER_SETS",
    "Alternative",
    "AlternativeResult",
    "Analysis",
    "CBAInputError",
    "CashFlowLine",
    "CoFundingApplication",
    "CoFundingCheck",
    "CoFundingRules",
    "Estimate",
    "NonPricedEffect",
    "ParameterSet",
    "PortfolioSimulation",
    "Result",
    "SimulationResult",
    "UnknownParameterSetError",
    "break_even",
    "check_cofunding",
    "compute",
    "consequence",
    "discount_factor",
    "discount_factors",
    "get_parameter_set",
    "load_analysis",
    "simulate",
    "simulate_many",
    "symbol",
    "tornado",
    "write_excel",
    "write_json",
]
