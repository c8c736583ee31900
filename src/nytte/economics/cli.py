"""``nytte cba FILE``: run a cost-benefit analysis from JSON or Excel.

Bad input prints one line naming the field, line and year on stderr and exits
with status 2; it never shows a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys

from .compute import compute_prepared
from .errors import CBAInputError
from .io import load_analysis
from .montecarlo import simulate
from .prepare import prepare
from .sensitivity import break_even, tornado
from .table import render_table


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nytte cba",
        description="Cost-benefit analysis (R-109 / DFØ) of an analysis file in JSON or Excel "
        "format (see docs/economics.md).",
    )
    parser.add_argument("file", help="analysis file (.json or .xlsx)")
    parser.add_argument(
        "--iterations", type=int, default=10_000,
        help="Monte Carlo iterations (0 to skip the simulation; default 10000)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=None, help="random seed (reproducible runs)")
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format"
    )
    parser.add_argument(
        "--point", choices=("expected", "likely"), default="expected",
        help="value uncertain amounts at their expected value (default) or most likely value",
    )  # fmt: skip
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed usage / help
        return int(exc.code or 0)
    if args.iterations < 0 or args.iterations == 1:
        print("nytte cba: error: --iterations must be 0 or at least 2", file=sys.stderr)
        return 2
    if args.seed is not None and args.seed < 0:
        print("nytte cba: error: --seed must be a non-negative integer", file=sys.stderr)
        return 2
    try:
        analysis = load_analysis(args.file)
        prepared = prepare(analysis)
        result = compute_prepared(prepared, point=args.point)
        simulation = simulate(prepared, args.iterations, args.seed) if args.iterations else None
        bars = tornado(prepared)
        breaks = break_even(prepared)
    except CBAInputError as exc:
        print(f"nytte cba: error in {args.file}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"nytte cba: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        payload = {
            "result": result.to_dict(),
            "simulation": None if simulation is None else simulation.to_dict(),
            "tornado": [b.to_dict() for b in bars],
            "break_even": [b.to_dict() for b in breaks],
        }
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_table(result, simulation, bars, breaks))
    return 0


__all__ = ["build_parser", "main"]
