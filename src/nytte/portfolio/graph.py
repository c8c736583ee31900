"""Cycle detection for "requires" dependencies (pure)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


def find_cycle(edges: Iterable[tuple[N, N]], new_edge: tuple[N, N]) -> list[N] | None:
    """The cycle that ``new_edge`` would close, as a path from its source back to it."""
    source, target = new_edge
    if source == target:
        return [source, source]
    graph: dict[N, list[N]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    # A new edge source -> target closes a cycle iff target already reaches source.
    parents: dict[N, N] = {}
    stack, seen = [target], {target}
    while stack:
        node = stack.pop()
        if node == source:
            path = [source]
            while path[-1] != target:
                path.append(parents[path[-1]])
            return [source, *reversed(path)]
        for nxt in graph.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                parents[nxt] = node
                stack.append(nxt)
    return None


def is_acyclic(edges: Iterable[tuple[N, N]]) -> bool:
    """Whether the whole graph is free of cycles, in linear time (Kahn's algorithm).

    Checking each new edge with ``find_cycle`` costs a search per edge; an import of
    thousands of dependencies asks this once and searches only if the answer is no.
    """
    out: dict[N, list[N]] = {}
    indegree: dict[N, int] = {}
    for a, b in edges:
        out.setdefault(a, []).append(b)
        indegree[b] = indegree.get(b, 0) + 1
        indegree.setdefault(a, 0)
    ready = [node for node, degree in indegree.items() if degree == 0]
    visited = 0
    while ready:
        node = ready.pop()
        visited += 1
        for nxt in out.get(node, ()):
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    return visited == len(indegree)
