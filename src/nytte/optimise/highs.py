"""Running HiGHS on a built model: options, a silent instance, the MIP progress callback,
and the outcome (status, primal and dual values, objective and bound).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import highspy
import numpy as np

from .matrix import Model
from .result import Progress

ProgressCallback = Callable[[Progress], bool | None]
#: A plan is called optimal only if (bound - value) / |value| is at most this.
DEFAULT_MIP_GAP = 1e-6
#: Share of HiGHS's MIP effort spent on primal heuristics (HiGHS default 0.05): more
#: finds good plans sooner on these knapsack-like problems (benchmarks/optimise.py).
HEURISTIC_EFFORT = 0.05


@dataclass
class HighsOutcome:
    status: str
    col_values: np.ndarray | None
    row_values: np.ndarray | None
    row_duals: np.ndarray | None
    objective: float | None
    bound: float | None
    run_time: float
    trace: list[tuple[float, float | None, float | None]] = field(default_factory=list)


_BANNER_SHOWN = False


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance. HiGHS prints a banner to the C-level stdout the first
    time one is made in a process; that would corrupt ``--format json``, so the first
    construction runs with file descriptor 1 pointed at /dev/null."""
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN = True
    h.silent()
    return h


def run_highs(
    model: Model,
    *,
    relax: bool,
    time_limit: float,
    mip_gap: float = DEFAULT_MIP_GAP,
    start: np.ndarray | None = None,
    progress: ProgressCallback | None = None,
    clock_offset: float = 0.0,
    cost: np.ndarray | None = None,
    lower: np.ndarray | None = None,
    upper: np.ndarray | None = None,
    maximise: bool | None = None,
) -> HighsOutcome:
    h = new_highs()
    for key, value in (
        ("threads", 1),
        ("random_seed", 0),
        ("time_limit", float(max(time_limit, 0.01))),
        ("mip_rel_gap", float(mip_gap)),
        ("mip_abs_gap", 1e-9),
        ("mip_heuristic_effort", float(os.environ.get("NYTTE_OPT_HEUR", HEURISTIC_EFFORT))),
    ):
        h.setOptionValue(key, value)
    lp = highspy.HighsLp()
    lp.num_col_ = model.n_col
    lp.num_row_ = model.n_row
    lp.col_cost_ = np.asarray(model.col_cost if cost is None else cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(model.col_lower if lower is None else lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(model.col_upper if upper is None else upper, dtype=np.float64)
    maximise = model.maximise if maximise is None else maximise
    lp.row_lower_ = np.asarray(model.row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(model.row_upper, dtype=np.float64)
    start_, index, value = model.csc()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start_
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    lp.sense_ = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    if not relax and any(model.col_integer):
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if k else highspy.HighsVarType.kContinuous
            for k in model.col_integer
        ]
    h.passModel(lp)
    trace: list[tuple[float, float | None, float | None]] = []
    last = [0.0]

    def finite(x: float) -> float | None:
        return None if not np.isfinite(x) or abs(x) >= 1e29 else x * model.obj_scale

    def note(event: highspy.HighsCallbackEvent, improving: bool) -> None:
        try:
            out = event.data_out
            now = out.running_time
            if not improving and now - last[0] < 0.2:
                return
            last[0] = now
            entry = (now + clock_offset, finite(out.mip_primal_bound), finite(out.mip_dual_bound))
            trace.append(entry)
            if progress is not None and progress(Progress("mip", *entry)):
                event.interrupt()
        except Exception:  # never let a callback error abort the solve
            pass

    if not relax:
        h.cbMipImprovingSolution.subscribe(lambda e: note(e, True))
        h.cbMipInterrupt.subscribe(lambda e: note(e, False))
        if start is not None:
            sol = highspy.HighsSolution()
            sol.col_value = list(start)
            sol.value_valid = True
            h.setSolution(sol)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    solution = h.getSolution()
    has_primal = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    name = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kInfeasible: "infeasible",
        highspy.HighsModelStatus.kTimeLimit: "time_limit",
        highspy.HighsModelStatus.kInterrupt: "interrupted",
        highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
    }.get(status, str(status))
    cols = np.asarray(solution.col_value) if has_primal else None
    rows = np.asarray(solution.row_value) if has_primal else None
    duals = np.asarray(solution.row_dual) if relax and solution.dual_valid else None
    if relax:
        objective = info.objective_function_value if has_primal else None
        bound = objective
    else:
        objective = info.objective_function_value if has_primal else None
        bound = info.mip_dual_bound
        if not np.isfinite(bound) or abs(bound) >= 1e29:
            bound = None
    if not relax:
        trace.append(
            (h.getRunTime() + clock_offset, finite(objective or np.nan), finite(bound or np.nan))
        )
    return HighsOutcome(name, cols, rows, duals, objective, bound, h.getRunTime(), trace)
