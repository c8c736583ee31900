"""``nytte optimise FILE``: choose and schedule a portfolio from a JSON problem file.

Bad or infeasible input prints one line (the conflicts named) on stderr and exits with
status 2; it never shows a traceback.
"""

from __future__ import annotations

import argparse
import sys

from .displacement import displacement
from .errors import OptimiseError
from .frontier import frontier
from .io import load_problem, render_table, to_json
from .solve import DEFAULT_MIP_GAP, DEFAULT_TIME_LIMIT, optimise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nytte optimise",
        description="Portfolio optimisation of a problem file in JSON (see docs/optimise.md).",
    )
    parser.add_argument("file", help="problem file (.json)")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="seconds per solve (default: the file's options.time_limit, "
        f"else {DEFAULT_TIME_LIMIT:g})",
    )
    parser.add_argument(
        "--gap",
        type=float,
        default=None,
        help=f"relative gap at which a plan counts as optimal (default {DEFAULT_MIP_GAP:g})",
    )
    parser.add_argument(
        "--frontier", action="store_true", help="also compute the efficient frontier"
    )
    parser.add_argument(
        "--displace",
        metavar="ID",
        default=None,
        help="also show what proposal ID would push out or later",
    )
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    for name in ("time_limit", "gap"):
        value = getattr(args, name)
        if value is not None and value < 0:
            print(
                f"nytte optimise: error: --{name.replace('_', '-')} must be >= 0", file=sys.stderr
            )
            return 2
    try:
        problem, options = load_problem(args.file)
        time_limit = args.time_limit if args.time_limit is not None else options.time_limit
        time_limit = DEFAULT_TIME_LIMIT if time_limit is None else time_limit
        gap = args.gap if args.gap is not None else options.mip_gap
        gap = DEFAULT_MIP_GAP if gap is None else gap
        plan = optimise(problem, time_limit=time_limit, mip_gap=gap)
        levels = options.frontier
        if args.frontier and levels is None:
            from .frontier import DEFAULT_LEVELS

            levels = list(DEFAULT_LEVELS)
        points = frontier(problem, levels, time_limit=time_limit, mip_gap=gap) if levels else None
        proposal = args.displace or options.displace
        moved = None
        if proposal:
            moved = displacement(
                problem,
                proposal,
                options.current_plan,
                mode=options.displacement_mode,
                time_limit=time_limit,
                mip_gap=gap,
            )
    except OptimiseError as exc:
        print(f"nytte optimise: error in {args.file}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"nytte optimise: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        sys.stdout.write(to_json(plan, points, moved))
    else:
        sys.stdout.write(render_table(plan, points, moved))
    return 0


__all__ = ["build_parser", "main"]
