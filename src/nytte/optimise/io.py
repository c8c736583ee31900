"""Read a problem file (JSON, docs/optimise.md) and write answers as JSON or a table."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import OptimiseInputError
from .model import Problem
from .result import DUAL_NOTE, Displacement, FrontierPoint, Plan


@dataclass
class RunOptions:
    """The file's ``options`` object: what to compute beside the plan."""

    time_limit: float | None = None
    mip_gap: float | None = None
    frontier: list[float] | None = None
    displace: str | None = None
    current_plan: dict[str, int] | None = None
    displacement_mode: str = "keep"
    extra: dict[str, Any] = field(default_factory=dict)


def load_problem(path: str | Path) -> tuple[Problem, RunOptions]:
    p = Path(path)
    if not p.exists():
        raise OptimiseInputError(f"file not found: {p}", "file")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise OptimiseInputError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", p.name
        ) from None
    except UnicodeDecodeError:
        raise OptimiseInputError("the file is not UTF-8 text", p.name) from None
    return Problem.from_dict(data), parse_options(
        data.get("options") if isinstance(data, dict) else None
    )


def parse_options(raw: Any) -> RunOptions:
    if raw is None:
        return RunOptions()
    if not isinstance(raw, dict):
        raise OptimiseInputError("expected an object", "options")
    unknown = sorted(set(raw) - {"time_limit", "mip_gap", "frontier", "displacement"})
    if unknown:
        raise OptimiseInputError(f"unknown field(s) {', '.join(unknown)}", "options")
    opts = RunOptions()
    for key in ("time_limit", "mip_gap"):
        if key in raw:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise OptimiseInputError("expected a non-negative number", f"options.{key}")
            setattr(opts, key, float(value))
    frontier = raw.get("frontier")
    if frontier is True:
        from .frontier import DEFAULT_LEVELS

        opts.frontier = list(DEFAULT_LEVELS)
    elif isinstance(frontier, list):
        if not frontier or not all(
            isinstance(x, int | float) and not isinstance(x, bool) and x >= 0 for x in frontier
        ):
            raise OptimiseInputError(
                "expected true or a list of budget multiples", "options.frontier"
            )
        opts.frontier = [float(x) for x in frontier]
    elif frontier not in (None, False):
        raise OptimiseInputError("expected true or a list of budget multiples", "options.frontier")
    disp = raw.get("displacement")
    if disp is not None:
        if not isinstance(disp, dict) or not isinstance(disp.get("proposal"), str):
            raise OptimiseInputError(
                "expected an object with a proposal id", "options.displacement"
            )
        opts.displace = disp["proposal"]
        opts.displacement_mode = disp.get("mode", "keep")
        plan = disp.get("current_plan")
        if plan is not None:
            opts.current_plan = parse_plan(plan, "options.displacement.current_plan")
    return opts


def parse_plan(value: Any, where: str) -> dict[str, int]:
    """``{"id": start}`` or ``[{"id": ..., "start": ...}]``."""
    if isinstance(value, list):
        out = {}
        for k, item in enumerate(value):
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("id"), str)
                or not (
                    isinstance(item.get("start"), int) and not isinstance(item.get("start"), bool)
                )
            ):
                raise OptimiseInputError('expected {"id": ..., "start": year}', f"{where}[{k}]")
            out[item["id"]] = item["start"]
        return out
    if isinstance(value, dict) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value.values()
    ):
        return dict(value)
    raise OptimiseInputError("expected an object id -> start year or a list", where)


def to_json(
    plan: Plan,
    frontier: list[FrontierPoint] | None = None,
    displacement: Displacement | None = None,
) -> str:
    from dataclasses import asdict

    payload: dict[str, Any] = {"plan": plan.to_dict()}
    if frontier is not None:
        payload["frontier"] = [asdict(p) for p in frontier]
    if displacement is not None:
        payload["displacement"] = displacement.to_dict()
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _m(x: float | None) -> str:
    return "-" if x is None else f"{x / 1e6:,.1f}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.2f} %"


def render_table(
    plan: Plan,
    frontier: list[FrontierPoint] | None = None,
    displacement: Displacement | None = None,
) -> str:
    """A plain-text report (amounts in NOK million)."""
    out = []
    status = "proven optimal" if plan.proven_optimal else f"feasible, gap {_pct(plan.gap)}"
    out.append(f"Plan: {status}")
    out.append(f"  value               {_m(plan.value)} m")
    out.append(f"  proven bound        {_m(plan.bound)} m")
    out.append(f"  solve time          {plan.solve_time:.2f} s")
    if plan.first_answer_time is not None:
        out.append(
            f"  first answer        {_m(plan.first_answer_value)} m after "
            f"{plan.first_answer_time:.3f} s ({plan.first_answer_method})"
        )
    if plan.baseline_value is not None:
        out.append(
            f"  benefit/cost greedy {_m(plan.baseline_value)} m "
            f"(optimiser gains {_pct(plan.gain_over_baseline)})"
        )
    out.append("")
    out.append(f"{'Chosen':<30} {'status':<9} {'start':>5} {'finish':>6} {'value (m)':>12}")
    for c in plan.chosen:
        out.append(f"{c.id[:30]:<30} {c.status:<9} {c.start:>5} {c.finish:>6} {_m(c.value):>12}")
    if plan.stopped:
        out.append(f"Stopped: {', '.join(plan.stopped)}")
    if plan.not_chosen:
        out.append(f"Not chosen: {', '.join(plan.not_chosen)}")
    out.append("")
    out.append(
        f"{'Budget (NOK m)':<20} {'year':>5} {'budget':>9} {'moved':>8} {'cost':>9} "
        f"{'funds':>8} {'left':>9} {'+1 kr':>7}"
    )
    duals = {(m.organisation, m.year): m.value_per_krone for m in plan.marginal_values}
    for u in plan.budget_use:
        out.append(
            f"{u.organisation[:20]:<20} {u.year:>5} {_m(u.budget):>9} {_m(u.moved_in):>8} "
            f"{_m(u.cost):>9} {_m(u.funded):>8} {_m(u.left):>9} "
            f"{duals.get((u.organisation, u.year), 0.0):>7.2f}"
        )
    out.append("'+1 kr': " + DUAL_NOTE)
    if plan.fund_payments:
        out.append("")
        out.append("Fund payments (NOK m):")
        for f in plan.fund_payments:
            out.append(f"  {f.fund}: {f.candidate} / {f.organisation} {f.year}: {_m(f.amount)}")
    if plan.binding:
        out.append("")
        out.append("Binding constraints:")
        out.extend(f"  {b.label}" for b in plan.binding)
    if plan.unconstrained_organisations:
        out.append(
            "No budget given (costs not constrained): "
            + ", ".join(plan.unconstrained_organisations)
        )
    if frontier is not None:
        out.append("")
        out.append(f"{'Frontier: budget x':<20} {'total (m)':>12} {'value (m)':>12} {'gap':>9}")
        for p in frontier:
            out.append(
                f"{p.level:<20g} {_m(p.total_budget):>12} {_m(p.value):>12} {_pct(p.gap):>9}"
                + (f"  {p.status}" if p.status == "infeasible" else "")
            )
    if displacement is not None:
        d = displacement
        out.append("")
        out.append(f"Displacement of {d.proposal!r} ({d.mode}):")
        out.append(
            f"  value change {_m(d.value_change)} m = gained {_m(d.value_gained)} m "
            f"- lost {_m(d.value_lost)} m"
        )
        for m in d.moves:
            when = f"{m.start_before or '-'} -> {m.start_after or '-'}"
            out.append(f"  {m.id:<30} {m.change:<8} {when:<14} {_m(m.value_change):>10} m")
        gaps = (d.without_proposal.gap, d.with_proposal.gap)
        out.append(f"  gaps of the two solves: {_pct(gaps[0])}, {_pct(gaps[1])}")
    return "\n".join(out) + "\n"
