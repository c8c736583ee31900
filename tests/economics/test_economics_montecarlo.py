"""Monte Carlo: convergence, percentiles, correlation, reproducibility, portfolio path."""

import numpy as np
import pytest
from scipy import stats

from nytte.economics import Estimate, compute, simulate, simulate_many
from nytte.economics.errors import CBAInputError
from tests.economics.economics_helpers import analysis, line


def one_line(distribution: str, low: float = 80, likely: float = 100, high: float = 150):
    return analysis(
        line("B", "benefit", {2025: Estimate(low, likely, high)}, distribution=distribution)
    )


@pytest.mark.parametrize(
    ("distribution", "frozen"),
    [
        # PERT(80, 100, 150): Beta(1 + 4*20/70, 1 + 4*50/70) on [80, 150], mean 105.
        ("pert", stats.beta(1 + 4 * 20 / 70, 1 + 4 * 50 / 70, loc=80, scale=70)),
        # Triangular(80, 100, 150): mode at c = 20/70, mean 110.
        ("triangular", stats.triang(20 / 70, loc=80, scale=70)),
    ],
)
def test_samples_follow_the_distribution(distribution: str, frozen) -> None:
    sim = simulate(one_line(distribution), 200_000, seed=7).alternative("Project")
    assert sim.mean == pytest.approx(frozen.mean(), abs=4 * frozen.std() / 200_000**0.5)
    assert sim.std == pytest.approx(frozen.std(), rel=0.01)
    for p, value in ((0.1, sim.p10), (0.5, sim.p50), (0.9, sim.p90)):
        assert value == pytest.approx(frozen.ppf(p), abs=0.3)
    assert sim.deterministic_nnv == pytest.approx(frozen.mean(), rel=1e-12)


def test_mean_converges_to_the_deterministic_nnv() -> None:
    a = analysis(
        line("Build", "cost", {2025: Estimate(8e6, 10e6, 15e6)}, public=True),
        line(
            "Save",
            "benefit",
            {y: Estimate(1e6, 2e6, 2.5e6) for y in range(2026, 2036)},
            public=True,
        ),
    )
    expected = compute(a).alternative("Project").exact.nnv
    sim = simulate(a, 100_000, seed=1).alternative("Project")
    assert abs(sim.mean - expected) < 4 * sim.std / 100_000**0.5


def test_histogram_and_s_curve_are_consistent() -> None:
    sim = simulate(one_line("pert"), 10_000, seed=3, bins=20).alternative("Project")
    assert sim.histogram is not None and sim.s_curve is not None
    assert sum(sim.histogram["counts"]) == 10_000
    assert len(sim.histogram["edges"]) == 21
    values = [v for _, v in sim.s_curve]
    assert values == sorted(values)
    assert sim.s_curve[0][0] == 0.0 and sim.s_curve[-1][0] == 1.0
    assert sim.s_curve[50][1] == pytest.approx(sim.p50)


def test_probability_of_negative_nnv() -> None:
    # Benefit uniform-ish around zero: triangular(-100, 0, 100) is symmetric -> P(NNV<0) = 0.5.
    sim = simulate(one_line("triangular", -100, 0, 100), 100_000, seed=5).alternative("Project")
    assert sim.prob_negative == pytest.approx(0.5, abs=0.01)


def test_shared_factor_makes_lines_move_together() -> None:
    def spread(factor: str | None) -> float:
        est = Estimate(0, 50, 100)
        a = analysis(
            line("A", "benefit", {2025: est}, factor=factor, distribution="triangular"),
            line("B", "benefit", {2025: est}, factor=factor, distribution="triangular"),
        )
        return simulate(a, 50_000, seed=9).alternative("Project").std

    # One triangular(0, 50, 100) has sd 20.41; two independent: sqrt(2) * 20.41 = 28.87;
    # fully shared: 2 * 20.41 = 40.82.
    assert spread(None) == pytest.approx(28.87, rel=0.02)
    assert spread("wage") == pytest.approx(40.82, rel=0.02)


def test_partial_correlation_lies_between_independent_and_shared() -> None:
    est = Estimate(0, 50, 100)
    a = analysis(
        line("A", "benefit", {2025: est}, factor="f", distribution="triangular"),
        line("B", "benefit", {2025: est}, factor="f", distribution="triangular"),
        factors={"f": 0.5},
    )
    sd = simulate(a, 50_000, seed=9).alternative("Project").std
    assert 29.5 < sd < 40.0


def test_seed_reproducibility_and_recorded_entropy() -> None:
    a = one_line("pert")
    assert simulate(a, 1000, seed=11).to_dict() == simulate(a, 1000, seed=11).to_dict()
    assert simulate(a, 1000, seed=11).to_dict() != simulate(a, 1000, seed=12).to_dict()
    fresh = simulate(a, 1000)
    assert fresh.seed is not None
    assert simulate(a, 1000, seed=fresh.seed).to_dict() == fresh.to_dict()


def test_simulate_many_matches_single_runs_and_ignores_thread_count() -> None:
    analyses = [one_line("pert", 0, 10 * i, 100 * i + 10) for i in range(1, 8)]
    one = simulate_many(analyses, 5000, seed=4, workers=1, chunk_size=2, dtype=np.float64)
    two = simulate_many(analyses, 5000, seed=4, workers=2, chunk_size=2, dtype=np.float64)
    assert one.to_dict() == two.to_dict()
    # Per-analysis numbers do not depend on the chunking either (the total may differ
    # in the last bits because partial sums are added in another order).
    three = simulate_many(analyses, 5000, seed=4, workers=2, chunk_size=3, dtype=np.float64)
    assert [r.to_dict() for r in three.results] == [r.to_dict() for r in one.results]
    children = np.random.SeedSequence(4).spawn(len(analyses))
    single = simulate(analyses[3], 5000, seed=children[3]).alternative("Project")
    assert one.results[3].alternatives[0].p50 == pytest.approx(single.p50, rel=1e-12)
    assert one.total is not None
    assert one.total.deterministic_nnv == pytest.approx(
        sum(compute(a).alternative("Project").exact.nnv for a in analyses)
    )


def test_bad_iteration_count_is_an_input_error() -> None:
    with pytest.raises(CBAInputError, match="iterations"):
        simulate(one_line("pert"), 1, seed=1)
    with pytest.raises(CBAInputError, match="seed"):
        simulate(one_line("pert"), 10, seed=-3)


def test_nnv_samples_are_the_draws_simulate_summarises() -> None:
    from nytte.economics.montecarlo import nnv_samples

    a = one_line("pert")
    draws = nnv_samples(a, 2_000, seed=9)["Project"]
    sim = simulate(a, 2_000, seed=9).alternative("Project")
    assert draws.shape == (2_000,) and len(np.unique(draws)) > 100
    assert draws.mean() == pytest.approx(sim.mean, rel=1e-9)
    assert np.mean(draws < 0) == pytest.approx(sim.prob_negative)
    assert np.array_equal(draws, nnv_samples(a, 2_000, seed=9)["Project"])
