"""Portfolio optimiser: choose and schedule initiatives under every organisation's budget.

Pure Python + NumPy + HiGHS (``highspy``), no Django. The app (or the CLI) builds a
``Problem`` and calls ``optimise``, ``frontier``, ``displacement``; docs/optimise.md has
the model, the JSON format and the limits.
"""

from .errors import InfeasibleError, OptimiseError, OptimiseInputError
from .model import Candidate, CostLine, Dependency, Exclusion, Fund, Problem
from .result import Displacement, FrontierPoint, Plan, Progress
from .solve import optimise

__all__ = [
    "Candidate",
    "CostLine",
    "Dependency",
    "Displacement",
    "Exclusion",
    "FrontierPoint",
    "Fund",
    "InfeasibleError",
    "OptimiseError",
    "OptimiseInputError",
    "Plan",
    "Problem",
    "Progress",
    "optimise",
]
