"""Cycle detection for "requires" dependencies, checked against brute-force reachability."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from nytte.portfolio.graph import find_cycle

Edge = tuple[int, int]
nodes = st.integers(min_value=0, max_value=7)
edges = st.lists(st.tuples(nodes, nodes), max_size=25)


def reaches(edge_list: list[Edge], start: int, goal: int) -> bool:
    """Brute force: grow the reachable set until nothing changes."""
    reached = {start}
    while True:
        grown = reached | {b for a, b in edge_list if a in reached}
        if grown == reached:
            return goal in reached
        reached = grown


@given(edges, st.tuples(nodes, nodes))
def test_a_cycle_is_found_exactly_when_the_new_edge_closes_one(edge_list, new_edge):
    source, target = new_edge
    closes = source == target or reaches(edge_list, target, source)
    assert (find_cycle(edge_list, new_edge) is not None) is closes


@given(edges, st.tuples(nodes, nodes))
def test_a_returned_cycle_is_the_new_edge_and_a_real_path_back(edge_list, new_edge):
    cycle = find_cycle(edge_list, new_edge)
    if cycle is None:
        return
    source, target = new_edge
    assert cycle[0] == cycle[-1] == source
    assert cycle[1] == target
    existing = set(edge_list)
    assert all(step in existing for step in pairwise(cycle[1:]))
    # A simple cycle: no node visited twice on the way round.
    assert len(set(cycle[:-1])) == len(cycle) - 1


@given(edges, st.tuples(nodes, nodes))
def test_the_answer_does_not_depend_on_edge_order(edge_list, new_edge):
    found = find_cycle(edge_list, new_edge) is not None
    assert (find_cycle(list(reversed(edge_list)), new_edge) is not None) is found


def test_the_example_from_the_register():
    existing = [("FI-2", "FI-3"), ("FI-3", "FI-1")]
    assert find_cycle(existing, ("FI-1", "FI-2")) == ["FI-1", "FI-2", "FI-3", "FI-1"]
    assert find_cycle(existing, ("FI-2", "FI-1")) is None
    assert find_cycle(existing, ("FI-1", "FI-1")) == ["FI-1", "FI-1"]


def test_a_long_chain_does_not_exhaust_the_stack():
    chain = [(n, n + 1) for n in range(20_000)]
    cycle = find_cycle(chain, (20_000, 0))
    assert cycle is not None
    assert len(cycle) == 20_002


def test_no_edges_means_no_cycle():
    assert find_cycle([], (1, 2)) is None
