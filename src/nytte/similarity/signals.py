"""Structured signals beside the text: life events and organisations.

A proposal names the organisations it affects and the life events it touches; an
initiative has its organisations and life events. Sharing them is evidence that two texts
are about the same thing even when their words differ (a user's story names the agency,
not the initiative's vocabulary). Each signal adds to the text score the share of the
query's signal weight (idf, so a signal every text carries counts for little) that the
candidate shares, times a weight fitted on the dev split (benchmarks/similarity.py).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: Document.meta keys the index reads signals from.
LIFE_EVENTS = "life_events"
ORGANISATIONS = "organisations"
SIGNAL_KINDS: tuple[str, ...] = (LIFE_EVENTS, ORGANISATIONS)


@dataclass(frozen=True, slots=True)
class Signals:
    """The structured facts of a text: life event keys and organisation keys."""

    life_events: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()

    @classmethod
    def of(cls, meta: Mapping[str, Any] | None) -> Signals:
        meta = meta or {}
        return cls(
            frozenset(str(v) for v in meta.get(LIFE_EVENTS, ()) or ()),
            frozenset(str(v) for v in meta.get(ORGANISATIONS, ()) or ()),
        )

    def get(self, kind: str) -> frozenset[str]:
        return self.life_events if kind == LIFE_EVENTS else self.organisations

    def __bool__(self) -> bool:
        return bool(self.life_events or self.organisations)


@dataclass(frozen=True, slots=True)
class SignalWeights:
    """Score added for sharing all of the query's (idf-weighted) life events / organisations.

    Chosen on the dev split (docs/similarity.md): sharing the query's organisations
    raised the related pairs shown above *weak* from 42 to 62 of 134; a shared life event
    added nothing there (the set's life events coincide with words already matched), so
    its weight is 0 and it is shown as a reason only."""

    life_event: float = 0.0
    organisation: float = 0.15

    def of(self, kind: str) -> float:
        return self.life_event if kind == LIFE_EVENTS else self.organisation


class SignalStore:
    """Each document's signals and how many documents carry each value (for idf)."""

    def __init__(self) -> None:
        self.by_id: dict[str, Signals] = {}
        self.df: dict[str, Counter[str]] = {kind: Counter() for kind in SIGNAL_KINDS}
        self._interned: dict[Signals, Signals] = {}

    def put(self, doc_id: str, signals: Signals) -> None:
        self.drop(doc_id)
        if not signals:
            return
        # Many texts carry the same organisations and life events: one object for each
        # combination (a fifth of the memory at 100,000 texts).
        self.by_id[doc_id] = self._interned.setdefault(signals, signals)
        for kind in SIGNAL_KINDS:
            self.df[kind].update(signals.get(kind))

    def drop(self, doc_id: str) -> None:
        old = self.by_id.pop(doc_id, None)
        if old is None:
            return
        for kind in SIGNAL_KINDS:
            self.df[kind].subtract(old.get(kind))

    def idf(self, kind: str, value: str, n_docs: int) -> float:
        df = max(self.df[kind].get(value, 0), 0)
        return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))

    def shared(
        self, query: Signals, doc_id: str, weights: SignalWeights, n_docs: int
    ) -> tuple[float, dict[str, tuple[str, ...]]]:
        """The bonus for ``doc_id`` and the values it shares with ``query``, by kind."""
        mine = self.by_id.get(doc_id)
        if mine is None or not query:
            return 0.0, {}
        bonus = 0.0
        shared: dict[str, tuple[str, ...]] = {}
        for kind in SIGNAL_KINDS:
            wanted = query.get(kind)
            common = wanted & mine.get(kind)
            if not common:
                continue
            total = sum(self.idf(kind, v, n_docs) for v in wanted) or 1.0
            part = sum(self.idf(kind, v, n_docs) for v in common) / total
            bonus += weights.of(kind) * part
            shared[kind] = tuple(sorted(common))
        return bonus, shared


def signals_from(values: Iterable[tuple[str, Iterable[Any]]]) -> dict[str, list[str]]:
    """Document.meta entries from (kind, values) pairs, e.g. for the Django bridge."""
    return {kind: sorted(str(v) for v in vals) for kind, vals in values}
