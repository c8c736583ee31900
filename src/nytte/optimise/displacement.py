"""Displacement: what one new proposal pushes out or later, and the value at stake.

Two solves of the same model, one with the proposal forced out and one with it forced
in; the answer is their difference, so it is exactly as good as the two gaps.

* ``mode="keep"`` (default): the plan may only *give way* to the proposal. Items of the
  current plan may be dropped or started later (never earlier), nothing else comes in,
  running items may be stopped only if they are stoppable. The "without" solve then
  normally returns the current plan itself.
* ``mode="reoptimise"``: both solves are free re-optimisations of the whole portfolio;
  the difference also holds what re-planning around the proposal gains.

In both, a tiny preference for each item's current start keeps ties where they are,
so a move is reported only when it changes the value.
"""

from __future__ import annotations

from dataclasses import replace

from .errors import OptimiseInputError
from .model import Problem
from .result import Displacement, Move, Plan
from .solve import DEFAULT_MIP_GAP, ProgressCallback, optimise


def displacement(
    problem: Problem,
    proposal: str,
    current: dict[str, int] | None = None,
    *,
    mode: str = "keep",
    time_limit: float = 30.0,
    mip_gap: float = DEFAULT_MIP_GAP,
    progress: ProgressCallback | None = None,
) -> Displacement:
    """``current``: candidate id -> start year of the plan in force. Without it, the
    current plan is the best plan without the proposal. ``time_limit`` is per solve."""
    ids = {c.id for c in problem.candidates}
    if proposal not in ids:
        raise OptimiseInputError(f"unknown candidate {proposal!r}", "displacement.proposal")
    if mode not in ("keep", "reoptimise"):
        raise OptimiseInputError("must be 'keep' or 'reoptimise'", "displacement.mode")
    base = problem.with_changes(
        forced_in=tuple(c for c in problem.forced_in if c != proposal),
        forced_out=tuple(c for c in problem.forced_out if c != proposal),
    )
    current_value = None
    if current is None:
        first = optimise(
            base.with_changes(forced_out=(*base.forced_out, proposal)),
            time_limit=time_limit,
            mip_gap=mip_gap,
            progress=progress,
        )
        current = first.starts
    else:
        unknown = sorted(set(current) - ids)
        if unknown:
            raise OptimiseInputError(
                f"unknown candidate(s) {', '.join(map(repr, unknown))}", "displacement.current_plan"
            )
        current_value = sum(problem.value(problem.candidate(c), s) for c, s in current.items())
    if proposal in current:
        raise OptimiseInputError(f"{proposal!r} is already in the current plan", "displacement")
    if mode == "keep":
        candidates = []
        for c in base.candidates:
            if c.id in current and c.status != "running":
                c = replace(c, earliest_start=current[c.id])
            candidates.append(c)
        outside = tuple(c.id for c in base.candidates if c.id not in current and c.id != proposal)
        base = base.with_changes(
            candidates=tuple(candidates), forced_out=tuple(sorted({*base.forced_out, *outside}))
        )
    penalty = {c: s for c, s in current.items()}
    without = optimise(
        base.with_changes(forced_out=(*base.forced_out, proposal)),
        time_limit=time_limit,
        mip_gap=mip_gap,
        progress=progress,
        warm_start=current,
        start_penalty=penalty,
    )
    with_ = optimise(
        base.with_changes(forced_in=(*base.forced_in, proposal)),
        time_limit=time_limit,
        mip_gap=mip_gap,
        progress=progress,
        warm_start=without.starts,
        start_penalty=penalty,
    )
    moves = _moves(problem, without, with_, proposal)
    lost = -sum(m.value_change for m in moves if m.value_change < 0)
    gained = sum(m.value_change for m in moves if m.value_change > 0)
    return Displacement(proposal, mode, current_value, without, with_, moves, lost, gained)


def _moves(problem: Problem, before: Plan, after: Plan, proposal: str) -> list[Move]:
    a, b = before.starts, after.starts
    moves = []
    for cid in sorted(set(a) | set(b), key=lambda c: (c != proposal, c)):
        sa, sb = a.get(cid), b.get(cid)
        if sa == sb:
            continue
        c = problem.candidate(cid)
        va = problem.value(c, sa) if sa is not None else 0.0
        vb = problem.value(c, sb) if sb is not None else 0.0
        if sb is None:
            change = "out"
        elif sa is None:
            change = "in"
        else:
            change = "later" if sb > sa else "earlier"
        moves.append(Move(cid, change, sa, sb, vb - va))
    return moves
