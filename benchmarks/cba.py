"""Benchmark of the Monte Carlo engine on a portfolio (nytte.economics).

500 initiatives x ~10 lines x 10-40 years with PERT and triangular uncertainty.
Prints end-to-end time (validation, tables, sampling, discounting, percentiles)
and peak traced memory for 10 000 and 100 000 iterations, one initiative at
100 000 iterations, a straightforward pure-Python loop measured in the same run
(on few iterations, scaled linearly) and the random-number floor.

Run: ``python benchmarks/cba.py [--initiatives 500] [--loop-iterations 20]``.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from nytte.economics import (
    Alternative,
    Analysis,
    CashFlowLine,
    Estimate,
    discount_factors,
    get_parameter_set,
    simulate,
    simulate_many,
)
from nytte.economics.prepare import prepare


def make_portfolio(n: int, seed: int = 2024) -> list[Analysis]:
    rnd = random.Random(seed)
    analyses = []
    for i in range(n):
        period = rnd.randint(10, 40)
        years = range(2025, 2025 + period)
        lines = []
        n_lines = rnd.randint(8, 12)
        for j in range(n_lines):
            kind = "cost" if j < n_lines // 2 else "benefit"
            base = rnd.uniform(0.2e6, 5e6)
            lo, hi = rnd.uniform(0.5, 0.95), rnd.uniform(1.05, 2.0)
            if kind == "cost" and j < 2:
                span = years[: rnd.randint(1, 3)]
                category = "investment"
            else:
                span = years[rnd.randint(1, 3) :]
                category = "operation" if kind == "cost" else rnd.choice(["efficiency", "external"])
            amounts = {y: Estimate(base * lo, base, base * hi) for y in span}
            lines.append(
                CashFlowLine(
                    name=f"line {j}",
                    kind=kind,
                    organisation=rnd.choice(["Skatteetaten", "NAV", "Brreg", "Banks", "Citizens"]),
                    amounts=amounts,
                    category=category,
                    public_budget=rnd.random() < 0.6,
                    distribution=rnd.choice(["pert", "triangular"]),
                    factor=rnd.choice([None, None, None, "adoption"]),
                    real_growth=rnd.choice([None, "default"]),
                )
            )
        analyses.append(
            Analysis(
                name=f"initiative {i}",
                base_year=2025,
                price_year=2025,
                period_years=period,
                alternatives=(
                    Alternative("zero", zero=True),
                    Alternative("do it", lines=tuple(lines)),
                ),
            )
        )
    return analyses


def timed(fn, *, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mb(fn) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def pure_python_loop(analyses: list[Analysis], iterations: int, seed: int = 1) -> list[float]:
    """What one would write first: draw each line per iteration, loop over years."""
    rnd = random.Random(seed)
    params = get_parameter_set()
    dfs = list(discount_factors(120, params))
    tfc = params.tax_financing_rate
    p10s = []
    for a in analyses:
        alt = a.alternatives[1]
        samples = []
        for _ in range(iterations):
            nnv = 0.0
            for line in alt.lines:
                # One draw per line and iteration (the engine's model): a quantile u for
                # triangular lines, a Beta variate for PERT lines, used for every year.
                u = rnd.random()
                b = None
                pv = 0.0
                for year, e in line.amounts.items():
                    if e.high == e.low:
                        value = e.low
                    elif line.distribution == "triangular":
                        c = (e.likely - e.low) / (e.high - e.low)
                        s = math.sqrt(u * c) if u < c else 1 - math.sqrt((1 - u) * (1 - c))
                        value = e.low + (e.high - e.low) * s
                    else:
                        if b is None:
                            c = (e.likely - e.low) / (e.high - e.low)
                            b = rnd.betavariate(1 + 4 * c, 5 - 4 * c)
                        value = e.low + (e.high - e.low) * b
                    growth = 1.008 ** (year - a.price_year) if line.real_growth else 1.0
                    pv += value * growth * dfs[year - a.base_year]
                sign = 1.0 if line.kind == "benefit" else -1.0
                nnv += sign * pv * (1 + tfc if line.public_budget else 1.0)
            samples.append(nnv)
        samples.sort()
        p10s.append(samples[int(0.1 * (len(samples) - 1))])
    return p10s


def rng_floor(n_draws_per_iter: int, iterations: int, workers: int) -> float:
    """Time to draw one 16-bit uniform per uncertain line and iteration, in parallel."""
    seqs = np.random.SeedSequence(0).spawn(workers)
    per = math.ceil(n_draws_per_iter * iterations / workers / 4)

    def draw(seq: np.random.SeedSequence) -> None:
        bitgen = np.random.PCG64(seq)
        block = 2**20
        left = per
        while left > 0:
            bitgen.random_raw(min(block, left))
            left -= block

    with ThreadPoolExecutor(workers) as pool:
        start = time.perf_counter()
        list(pool.map(draw, seqs))
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--initiatives", type=int, default=500)
    parser.add_argument("--loop-iterations", type=int, default=10)
    args = parser.parse_args()
    workers = os.cpu_count() or 1

    t0 = time.perf_counter()
    portfolio = make_portfolio(args.initiatives)
    build = time.perf_counter() - t0
    n_lines = sum(len(a.alternatives[1].lines) for a in portfolio)
    line_years = sum(len(li.amounts) for a in portfolio for li in a.alternatives[1].lines)
    print(
        f"Portfolio: {len(portfolio)} initiatives, {n_lines} lines, {line_years} line-years "
        f"(built in {build:.2f} s); {workers} CPU(s)"
    )

    cold = timed(lambda: simulate(portfolio[0], 1000, seed=1))
    print(f"Cold start (quantile master tables, once per process): {cold * 1000:.0f} ms")

    results = {}
    for iterations in (10_000, 100_000):
        run = lambda it=iterations: simulate_many(portfolio, it, seed=42)  # noqa: E731
        seconds = timed(run, repeat=3 if iterations == 10_000 else 2)
        peak = peak_mb(run)
        results[iterations] = seconds
        print(
            f"Portfolio, {iterations:>7,} iterations: {seconds:6.2f} s end to end, "
            f"peak traced memory {peak:6.1f} MB"
        )

    one = portfolio[0]
    prepared = prepare(one)
    single = timed(lambda: simulate(one, 100_000, seed=1), repeat=5)
    single_prepared = timed(lambda: simulate(prepared, 100_000, seed=1), repeat=5)
    print(
        f"One initiative ({len(one.alternatives[1].lines)} lines, {one.period_years} years), "
        f"100,000 iterations: {single * 1000:.1f} ms "
        f"({single_prepared * 1000:.1f} ms with a prepared analysis)"
    )

    loop_n = args.loop_iterations
    loop = timed(lambda: pure_python_loop(portfolio, loop_n))
    loop_10k = loop / loop_n * 10_000
    print(
        f"Pure-Python loop: {loop:.2f} s for {loop_n} iterations "
        f"-> {loop_10k:.0f} s scaled to 10,000 iterations"
    )
    print(
        f"Speed-up vs the loop at 10,000 iterations: {loop_10k / results[10_000]:.0f}x; "
        f"at 100,000: {loop_10k * 10 / results[100_000]:.0f}x"
    )

    uncertain = n_lines  # every line in the portfolio is uncertain
    for iterations in (10_000, 100_000):
        floor = min(rng_floor(uncertain, iterations, workers) for _ in range(2))
        print(
            f"Random-number floor, {iterations:>7,} iterations ({workers} threads): "
            f"{floor:.2f} s -> engine is {results[iterations] / floor:.1f}x the floor"
        )

    summary = simulate_many(portfolio, 10_000, seed=42)
    assert summary.total is not None
    rel = [
        abs(r.alternatives[0].mean - r.alternatives[0].deterministic_nnv)
        / max(r.alternatives[0].std, 1.0)
        for r in summary.results
    ]
    print(
        f"Check: |MC mean - deterministic NNV| / sd, median over initiatives "
        f"{statistics.median(rel):.4f} (expect ~0.008 at 10,000 iterations)"
    )


if __name__ == "__main__":
    main()
