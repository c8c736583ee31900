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
