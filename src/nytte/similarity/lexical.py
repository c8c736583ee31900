"""Queries over the incremental BM25 index: candidates, matches and their passages.

The index is layered: :class:`~nytte.similarity.postings.PostingStore` keeps the
postings and their updates (see there for why not bm25s),
:class:`~nytte.similarity.scoring.BM25Scorer` scores a query against every text
and blends in theme profiles, and :class:`LexicalIndex` turns scores into ranked
matches with passages.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from nytte.similarity.analysis import Analyzer
from nytte.similarity.documents import Match
from nytte.similarity.passages import best_passages
from nytte.similarity.postings import BM25Params
from nytte.similarity.scoring import BM25Scorer

__all__ = ["BM25Params", "LexicalIndex"]


class LexicalIndex(BM25Scorer):
    """BM25 over stems, compound parts and concepts, updatable one text at a time."""

    def __init__(
        self,
        analyzer: Analyzer | None = None,
        params: BM25Params | None = None,
        *,
        passages: int = 2,
        feedback_docs: int = 0,
        feedback_terms: int = 20,
        feedback_weight: float = 0.3,
        # Dev recall@5 of hard pairs: 0.477 without blending, 0.511 at 0.1, no better
        # higher up; from 0.25 near-misses and topic neighbours (the demo's analytics
        # platform above the debt overview it duplicates) start to climb.
        theme_weight: float = 0.1,
        theme_depth: int = 50,
    ) -> None:
        super().__init__(analyzer, params)
        self.passages = passages
        self.feedback_docs = feedback_docs
        self.feedback_terms = feedback_terms
        self.feedback_weight = feedback_weight
        self.theme_weight = theme_weight
        self.theme_depth = theme_depth

    def candidates(
        self,
        text: str,
        k: int = 10,
        kinds: Collection[str] | None = None,
        exclude_ids: Collection[str] = (),
    ) -> tuple[list[tuple[str, float]], dict[str, float]]:
        """Top ``k`` (id, normalised score) without passages, plus the weighted query terms."""
        with self._lock:
            bag = self.analyzer.term_weights(text)
            scores, weighted, self_score = self.score_bag(bag, kinds, exclude_ids)
            if self.feedback_docs and weighted:
                bag = self._expand(bag, scores)
                scores, _, self_score = self.score_bag(bag, kinds, exclude_ids)
            depth = max(k, self.theme_depth) if self.theme_weight > 0 else k
            # Select among non-zero scores only: argpartition is slow on many ties.
            hits = np.flatnonzero(scores > 0)
            if len(hits) > depth:
                values = scores[hits]
                hits = hits[np.argpartition(values, len(values) - depth)[len(values) - depth :]]
            found = [(s, min(1.0, float(scores[s]) / self_score)) for s in hits.tolist()]
            if self.theme_weight > 0 and found:
                found = self._blend_themes(bag, found)
            # Highest score first; ties broken by id so results are deterministic.
            ranked = sorted(
                ((self._slot_ids[s], score) for s, score in found),
                key=lambda item: (-item[1], item[0]),
            )
        return [(doc_id, score) for doc_id, score in ranked[:k] if doc_id], weighted

    def query(
        self,
        text: str,
        k: int = 10,
        kinds: Collection[str] | None = None,
        exclude_ids: Collection[str] = (),
    ) -> list[Match]:
        """The ``k`` most similar documents, best first, with the passages that matched."""
        if k <= 0:
            return []
        ranked, weighted = self.candidates(text, k, kinds, exclude_ids)
        matches = (self.explain(doc_id, score, weighted) for doc_id, score in ranked)
        return [m for m in matches if m is not None]

    def explain(self, doc_id: str, score: float, weighted: dict[str, float]) -> Match | None:
        """A :class:`Match` for ``doc_id`` with its best passages for these query terms;
        None if another thread removed it meanwhile (passages are built outside the lock)."""
        doc = self._docs.get(doc_id)
        if doc is None:
            return None
        passages = best_passages(doc.text, weighted, self.analyzer, self.passages)
        return Match(doc_id, score, doc.kind, passages)
