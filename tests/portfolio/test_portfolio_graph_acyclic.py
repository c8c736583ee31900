"""``is_acyclic``: the linear check an import runs before searching for cycles edge by edge."""

from __future__ import annotations

from nytte.portfolio.graph import find_cycle, is_acyclic


def test_an_empty_graph_and_a_chain_are_acyclic():
    assert is_acyclic([])
    assert is_acyclic([("A", "B"), ("B", "C"), ("A", "C")])


def test_a_loop_anywhere_makes_the_graph_cyclic():
    assert not is_acyclic([("A", "B"), ("B", "C"), ("C", "A"), ("X", "Y")])
    assert not is_acyclic([("A", "A")])


def test_it_agrees_with_find_cycle_on_a_large_graph():
    chain = [(n, n + 1) for n in range(10_000)]
    assert is_acyclic(chain)
    assert find_cycle(chain, (10_000, 0)) is not None
    assert not is_acyclic([*chain, (10_000, 0)])
