"""The MILP as arrays for HiGHS: columns, rows and the triplets of its matrix, with what each
row means (``RowInfo``) so answers can name it. ``build.py`` fills it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .build import Prepared

MONEY = 1e6  # NOK per model unit
INF = math.inf


@dataclass(frozen=True)
class RowInfo:
    kind: str  # select, budget, fund_eligible, fund_share, fund_link, fund_years, fund_budget,
    # fund_overlap, dependency, exclusion, risk_scenario, risk_count
    label: str
    org: str | None = None
    year: int | None = None
    ref: object = None


@dataclass
class Model:
    """A built MILP: column and row arrays plus what each index means."""

    prep: Prepared
    col_cost: list[float] = field(default_factory=list)
    col_lower: list[float] = field(default_factory=list)
    col_upper: list[float] = field(default_factory=list)
    col_integer: list[bool] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    rows_info: list[RowInfo] = field(default_factory=list)
    trip_row: list[np.ndarray] = field(default_factory=list)
    trip_col: list[np.ndarray] = field(default_factory=list)
    trip_val: list[np.ndarray] = field(default_factory=list)
    x_cols: list[dict[int, int]] = field(default_factory=list)  # candidate -> {start: col}
    p_cols: list[tuple[int, int, int, int, int]] = field(default_factory=list)  # f,i,o,t,col
    m_cols: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    w_cols: list[int] = field(default_factory=list)
    #: fund year indicators: (fund, candidate, year index, col)
    z_cols: list[tuple[int, int, int, int]] = field(default_factory=list)
    slack_cols: list[tuple[int, int]] = field(default_factory=list)  # (row, col) elastic
    budget_rows: dict[tuple[int, int], int] = field(default_factory=dict)
    fund_budget_rows: dict[tuple[int, int], int] = field(default_factory=dict)
    obj_scale: float = 1.0
    maximise: bool = True

    @property
    def n_col(self) -> int:
        return len(self.col_cost)

    @property
    def n_row(self) -> int:
        return len(self.row_lower)

    def add_col(self, cost: float, lower: float, upper: float, integer: bool) -> int:
        self.col_cost.append(cost)
        self.col_lower.append(lower)
        self.col_upper.append(upper)
        self.col_integer.append(integer)
        return len(self.col_cost) - 1

    def add_row(self, lower: float, upper: float, info: RowInfo, cols=(), vals=()) -> int:
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self.rows_info.append(info)
        r = len(self.row_lower) - 1
        if len(cols):
            self.add_entries(r, cols, vals)
        return r

    def add_entries(self, row, cols, vals) -> None:
        cols = np.asarray(cols, dtype=np.int64)
        self.trip_col.append(cols)
        self.trip_row.append(np.broadcast_to(np.asarray(row, dtype=np.int64), cols.shape))
        self.trip_val.append(np.asarray(vals, dtype=np.float64))

    def csc(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Column-wise matrix (start, index, value), duplicates summed; cached."""
        key = (self.n_col, self.n_row, len(self.trip_col))
        cached = self.__dict__.get("_csc")
        if cached is not None and cached[0] == key:
            return cached[1]
        result = self._build_csc()
        self.__dict__["_csc"] = (key, result)
        return result

    def _build_csc(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self.trip_col:
            rows = np.concatenate(self.trip_row)
            cols = np.concatenate(self.trip_col)
            vals = np.concatenate(self.trip_val)
        else:
            rows = cols = np.zeros(0, dtype=np.int64)
            vals = np.zeros(0)
        key = cols * max(1, self.n_row) + rows
        order = np.argsort(key, kind="stable")
        key, vals = key[order], vals[order]
        uniq, first = np.unique(key, return_index=True)
        summed = np.add.reduceat(vals, first) if len(vals) else vals
        keep = summed != 0
        uniq, summed = uniq[keep], summed[keep]
        ucols = uniq // max(1, self.n_row)
        urows = uniq % max(1, self.n_row)
        start = np.searchsorted(ucols, np.arange(self.n_col + 1))
        return start.astype(np.int32), urows.astype(np.int32), summed
