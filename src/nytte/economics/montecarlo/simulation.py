"""The public entry points: argument checks, seeding and the portfolio threads.

Every analysis gets its own random stream spawned from the seed, so results do
not depend on how many threads run the portfolio.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from ..errors import CBAInputError
from ..model import Analysis
from ..prepare import PreparedAnalysis, prepare
from .results import PortfolioSimulation, SimulationResult, summarise
from .sampling import sample_unit
from .tables import compile_units, default_table_size

SeedLike = int | np.random.SeedSequence | None


def _check(iterations: int, table_size: int | None) -> int:
    if not isinstance(iterations, int) or isinstance(iterations, bool) or iterations < 2:
        raise CBAInputError(
            f"iterations must be a whole number >= 2, got {iterations!r}", "iterations"
        )
    if table_size is None:
        return default_table_size(iterations)
    if table_size not in {2**k for k in range(4, 17)}:
        raise CBAInputError("table_size must be a power of two between 16 and 65536", "table_size")
    return table_size


def _seed_sequence(seed: SeedLike) -> tuple[np.random.SeedSequence, int | None]:
    if isinstance(seed, np.random.SeedSequence):
        entropy = seed.entropy if isinstance(seed.entropy, int) else None
        return seed, entropy
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
        raise CBAInputError(f"seed must be a non-negative integer, got {seed!r}", "seed")
    sequence = np.random.SeedSequence(seed)
    return sequence, int(sequence.entropy)  # record fresh entropy so a run can be repeated


def simulate(
    analysis: Analysis | PreparedAnalysis,
    iterations: int = 10_000,
    seed: SeedLike = None,
    *,
    table_size: int | None = None,
    bins: int = 40,
) -> SimulationResult:
    """Simulate NNV for every non-zero alternative, with histogram and S-curve data.

    Uses float64 sums. The same seed gives the same numbers; ``seed=None`` draws
    fresh entropy and records it in ``result.seed``.
    """
    table_size = _check(iterations, table_size)
    sequence, recorded = _seed_sequence(seed)
    prepared = analysis if isinstance(analysis, PreparedAnalysis) else prepare(analysis)
    (unit,) = compile_units([prepared], table_size, np.float64)
    rng = np.random.Generator(np.random.PCG64(sequence))
    samples = sample_unit(unit, iterations, rng, table_size, np.float64)
    alternatives = tuple(
        summarise(name, float(unit.deterministic[i]), samples[i], details=True, bins=bins)
        for i, name in enumerate(unit.alt_names)
    )
    return SimulationResult(
        analysis_name=prepared.analysis.name,
        iterations=iterations,
        seed=recorded,
        parameter_set=prepared.params.name,
        table_size=table_size,
        alternatives=alternatives,
    )


def nnv_samples(
    analysis: Analysis | PreparedAnalysis, iterations: int, seed: SeedLike
) -> dict[str, np.ndarray]:
    """The raw NNV draws of every non-zero alternative (name -> ``iterations`` values),
    for callers that combine several analyses draw by draw (the portfolio optimiser's
    risk constraint). Same seed, same draws as ``simulate``."""
    table_size = _check(iterations, None)
    sequence, _ = _seed_sequence(seed)
    prepared = analysis if isinstance(analysis, PreparedAnalysis) else prepare(analysis)
    (unit,) = compile_units([prepared], table_size, np.float64)
    rng = np.random.Generator(np.random.PCG64(sequence))
    samples = sample_unit(unit, iterations, rng, table_size, np.float64)
    return {name: np.asarray(samples[i]) for i, name in enumerate(unit.alt_names)}


def simulate_many(
    analyses: Sequence[Analysis | PreparedAnalysis],
    iterations: int = 10_000,
    seed: SeedLike = None,
    *,
    table_size: int | None = None,
    workers: int | None = None,
    chunk_size: int = 32,
    dtype: Any = np.float32,
    details: bool = False,
) -> PortfolioSimulation:
    """Simulate many analyses at once (the portfolio path).

    Summaries only (mean, std, P10/P50/P90, P(NNV<0)) unless ``details``. Sums
    are float32 by default (about 7 significant digits; means are accumulated in
    float64). Analysis i uses the i-th child of ``SeedSequence(seed)``, so its
    numbers do not depend on ``workers`` or ``chunk_size`` (the portfolio total
    depends on ``chunk_size`` only in the last bits, through summation order).
    """
    table_size = _check(iterations, table_size)
    sequence, recorded = _seed_sequence(seed)
    children = sequence.spawn(len(analyses))
    workers = workers or os.cpu_count() or 1
    chunks = [
        range(i, min(i + chunk_size, len(analyses))) for i in range(0, len(analyses), chunk_size)
    ]

    def run(chunk: range) -> tuple[list[SimulationResult], np.ndarray]:
        prepared = [
            a if isinstance(a, PreparedAnalysis) else prepare(a)
            for a in (analyses[i] for i in chunk)
        ]
        units = compile_units(prepared, table_size, dtype)
        total = np.zeros(iterations, dtype=np.float64)
        out = []
        for i, unit in zip(chunk, units, strict=True):
            rng = np.random.Generator(np.random.PCG64(children[i]))
            samples = sample_unit(unit, iterations, rng, table_size, dtype)
            if len(unit.alt_names):
                total += samples[0]
            alternatives = tuple(
                summarise(name, float(unit.deterministic[k]), samples[k], details=details)
                for k, name in enumerate(unit.alt_names)
            )
            out.append(
                SimulationResult(
                    analysis_name=unit.prepared.analysis.name,
                    iterations=iterations,
                    seed=None,
                    parameter_set=unit.prepared.params.name,
                    table_size=table_size,
                    alternatives=alternatives,
                )
            )
        return out, total

    if workers > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(run, chunks))
    else:
        parts = [run(chunk) for chunk in chunks]
    results = tuple(r for part, _ in parts for r in part)
    total_samples = np.zeros(iterations, dtype=np.float64)
    for _, part_total in parts:
        total_samples += part_total
    deterministic = sum(
        float(r.alternatives[0].deterministic_nnv) for r in results if r.alternatives
    )
    total = summarise("portfolio", deterministic, total_samples, details=details)
    return PortfolioSimulation(iterations=iterations, seed=recorded, results=results, total=total)
