"""Monte Carlo simulation of NNV: seeded, reproducible and vectorised.

How it is fast enough for pages and portfolios:

* Each line has one uncertainty draw per iteration that applies to all its years
  (a line is "one estimate", so its years move together), so the line's whole
  contribution to NNV is a monotone function of one quantile u. We tabulate that
  function at K midpoints (the per-line inverse-CDF table, with discounting,
  real growth, the NNV sign and the tax financing cost folded in) and sampling
  becomes one random 16-bit integer and one table lookup per line and iteration.
* Standard PERT / triangular quantile tables are computed once per process for a
  grid of modes and blended linearly in the mode; the blend is exact in the mean
  because both distributions' means are linear in the mode.
* Lines that share a factor (correlation 1, the default) share their draw; a
  factor with correlation rho < 1 links its lines through a Gaussian copula
  ``z = sqrt(rho) Z + sqrt(1 - rho) e``.
* Every analysis gets its own random stream spawned from the seed, so results
  do not depend on how many threads run the portfolio.

Modules: ``tables`` compiles analyses into per-line NNV quantile tables,
``sampling`` draws quantile indices (shared factors and the copula) and sums
the tables, ``results`` holds the result types and their statistics, and
``simulation`` is the public entry (argument checks, seeding, threads).
"""

from .results import AlternativeSimulation, PortfolioSimulation, SimulationResult
from .simulation import SeedLike, nnv_samples, simulate, simulate_many
from .tables import TABLE_SIZE, default_table_size

__all__ = [
    "TABLE_SIZE",
    "AlternativeSimulation",
    "PortfolioSimulation",
    "SeedLike",
    "SimulationResult",
    "default_table_size",
    "nnv_samples",
    "simulate",
    "simulate_many",
]
