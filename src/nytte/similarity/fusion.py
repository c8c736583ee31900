"""Lexical matching fused with a sentence-embedding model's ranking.

The word lists find texts that share words, compounds and themes; a good embedding model
also finds texts that tell the same story in other words. Neither score means the same
as the other, so the two *rankings* are fused, not their scores: reciprocal rank fusion
(Cormack, Clarke & Büttcher, 2009) of the lexical top ``depth`` and the embedding top
``depth``. Document vectors are computed elsewhere (a background task stores them with
the rows) and handed in with :meth:`FusedIndex.set_vector`; a text without a vector is
simply found lexically. Only the query is embedded at query time.

Bands stay on the lexical score (``Match.score``): the order is fused, but what the
facilitator reads as *likely* / *possibly related* / *weak* is the calibrated word
evidence, so a text that only the model found is shown, and shown as weak
(docs/similarity.md, "A stronger model").
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable, Sequence
from typing import Protocol

import numpy as np

from nytte.similarity.documents import Document, Match
from nytte.similarity.embedding import text_digest
from nytte.similarity.lexical import LexicalIndex
from nytte.similarity.signals import Signals

#: The usual RRF constant: ranks beyond a few dozen matter little.
RRF_K = 60


class QueryEmbedder(Protocol):
    """What the fused index needs of a model: unit vectors for query texts."""

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]],
    *,
    weights: Sequence[float] | None = None,
    k: int = RRF_K,
) -> dict[str, float]:
    """id → Σ weight / (k + rank) over the rankings (rank 1 = first)."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, doc_id in enumerate(ranking, start=1):
            fused[doc_id] = fused.get(doc_id, 0.0) + weight / (k + rank)
    return fused


def cosine_top_k(
    matrix: np.ndarray, vector: np.ndarray, k: int, allowed: np.ndarray | None = None
) -> list[tuple[int, float]]:
    """The ``k`` rows of ``matrix`` (unit rows) nearest ``vector``, as (row, cosine), best
    first; rows where ``allowed`` is False are skipped. Brute force: at 100,000 × 384
    float32 one product is ~10 ms on one core, well below encoding the query."""
    if k <= 0 or len(matrix) == 0:
        return []
    sims = matrix @ np.asarray(vector, np.float32)
    if allowed is not None:
        sims = np.where(allowed, sims, -np.inf)
    n = min(k, int(np.count_nonzero(np.isfinite(sims))))
    if n == 0:
        return []
    top = np.argpartition(-sims, n - 1)[:n]
    order = sorted(top.tolist(), key=lambda row: (-float(sims[row]), row))
    return [(row, float(sims[row])) for row in order]


class VectorSet:
    """Unit vectors by id in one growable matrix (rows of removed ids are reused), each
    with a kind, so a query can keep to some kinds without a Python loop over rows."""

    def __init__(self, dimension: int | None = None) -> None:
        self.dimension = dimension
        self._matrix = np.zeros((0, dimension or 0), np.float32)
        self._alive = np.zeros(0, bool)
        self._kind = np.zeros(0, np.int16)
        self._kinds: dict[str, int] = {}
        self._row: dict[str, int] = {}
        self._ids: list[str | None] = []
        self._free: list[int] = []

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._row

    def get(self, doc_id: str) -> np.ndarray | None:
        row = self._row.get(doc_id)
        return None if row is None else self._matrix[row]

    def set(self, doc_id: str, vector: np.ndarray, kind: str = "") -> None:
        v = np.asarray(vector, np.float32).reshape(-1)
        if (self.dimension is None or not self._row) and self.dimension != len(v):
            self.clear(len(v))
        if len(v) != self.dimension:
            raise ValueError(f"vector of {len(v)} dimensions; this set holds {self.dimension}")
        norm = float(np.linalg.norm(v))
        v = v / norm if norm > 0 else v
        row = self._row.get(doc_id)
        if row is None:
            row = self._free.pop() if self._free else self._grow()
            self._row[doc_id] = row
            self._ids[row] = doc_id
            self._alive[row] = True
        self._matrix[row] = v
        self.set_kind(doc_id, kind)

    def set_kind(self, doc_id: str, kind: str) -> None:
        row = self._row.get(doc_id)
        if row is not None:
            self._kind[row] = self._kinds.setdefault(kind, len(self._kinds))

    def _grow(self) -> int:
        n = len(self._ids)
        if n == len(self._matrix):
            capacity = max(16, n * 2)
            matrix = np.zeros((capacity, self.dimension or 0), np.float32)
            matrix[:n] = self._matrix[:n]
            alive = np.zeros(capacity, bool)
            alive[:n] = self._alive[:n]
            kind = np.zeros(capacity, np.int16)
            kind[:n] = self._kind[:n]
            self._matrix, self._alive, self._kind = matrix, alive, kind
        self._ids.append(None)
        return n

    def remove(self, doc_id: str) -> None:
        row = self._row.pop(doc_id, None)
        if row is not None:
            self._alive[row] = False
            self._ids[row] = None
            self._free.append(row)

    def clear(self, dimension: int | None = None) -> None:
        self.__init__(dimension if dimension is not None else self.dimension)  # type: ignore[misc]

    def nearest(
        self,
        vector: np.ndarray,
        k: int,
        kinds: Collection[str] | None = None,
        skip: Collection[str] = (),
    ) -> list[tuple[str, float]]:
        """The ``k`` nearest ids (cosine), only of ``kinds`` if given, never ``skip``."""
        n = len(self._ids)
        if n == 0 or self.dimension != len(vector):
            return []
        allowed = self._alive[:n].copy()
        if kinds is not None:
            codes = [self._kinds[kind] for kind in kinds if kind in self._kinds]
            allowed &= np.isin(self._kind[:n], codes)
        for doc_id in skip:
            row = self._row.get(doc_id)
            if row is not None:
                allowed[row] = False
        found = cosine_top_k(self._matrix[:n], vector, k, allowed)
        return [(self._ids[row] or "", score) for row, score in found]


class FusedIndex:
    """A :class:`LexicalIndex` whose ranking is fused with an embedding model's.

    ``depth`` candidates come from each side (lexical with its signals and confirmed
    links; embedding by cosine over the stored vectors of the allowed kinds), fused by RRF
    with ``embedding_weight`` on the model's ranks. ``Match.score`` stays the lexical score
    (0 for a text only the model found), so the calibrated bands keep their meaning.
    """

    def __init__(
        self,
        lexical: LexicalIndex,
        embedder: QueryEmbedder | None = None,
        *,
        depth: int = 50,
        embedding_weight: float = 1.0,
        query_cache: int = 256,
    ) -> None:
        self.lexical = lexical
        self.embedder = embedder
        self.depth = depth
        self.embedding_weight = embedding_weight
        self.vectors = VectorSet()
        self._digests: dict[str, str] = {}
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._query_cache = query_cache
        self._lock = threading.RLock()

    # -- Index protocol: texts go to the lexical index --------------------------------
    def __len__(self) -> int:
        return len(self.lexical)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.lexical

    def add(self, docs: Iterable[Document]) -> None:
        batch = list(docs)
        for d in batch:
            self._doc_changed(d)
        self.lexical.add(batch)

    def update(self, doc: Document) -> None:
        self._doc_changed(doc)
        self.lexical.update(doc)

    def remove(self, doc_id: str) -> None:
        self.lexical.remove(doc_id)
        with self._lock:
            self.vectors.remove(doc_id)
            self._digests.pop(doc_id, None)

    def _doc_changed(self, doc: Document) -> None:
        """A vector stands for one text: drop it when the text changes; keep it when only
        the signals or the kind changed (a proposal merged keeps its words)."""
        with self._lock:
            held = self._digests.get(doc.id)
            if held is None:
                return
            if held != text_digest(doc.text):
                self.vectors.remove(doc.id)
                del self._digests[doc.id]
            else:
                self.vectors.set_kind(doc.id, doc.kind)

    def rebuild(self) -> None:
        self.lexical.rebuild()

    # -- vectors ---------------------------------------------------------------------
    def set_vector(self, doc_id: str, vector: np.ndarray, digest: str | None = None) -> bool:
        """Hold ``vector`` for the indexed text ``doc_id``; refused (False) if no such text
        is indexed or, given ``digest`` (``embedding.text_digest`` of the text the vector
        was made from), the indexed text is another."""
        doc = self.lexical.get(doc_id)
        if doc is None:
            return False
        current = text_digest(doc.text)
        if digest is not None and digest != current:
            return False
        with self._lock:
            self.vectors.set(doc_id, vector, doc.kind)
            self._digests[doc_id] = current
        return True

    def clear_vectors(self) -> None:
        with self._lock:
            self.vectors.clear()
            self._digests.clear()

    def stored_query_vector(self, doc_id: str, text: str) -> np.ndarray | None:
        """The held vector of ``doc_id`` when it can stand for ``text`` as a query: the
        text is the one indexed and the model embeds queries and passages alike."""
        if not getattr(self.embedder, "symmetric", False):
            return None
        doc = self.lexical.get(doc_id)
        if doc is None or doc.text != text:
            return None
        with self._lock:
            vector = self.vectors.get(doc_id)
            return None if vector is None else vector.copy()

    def remove_vector(self, doc_id: str) -> None:
        with self._lock:
            self.vectors.remove(doc_id)
            self._digests.pop(doc_id, None)

    def query_vector(self, text: str) -> np.ndarray | None:
        """The query's embedding (cached by text: the tab asks the same text often)."""
        if self.embedder is None:
            return None
        with self._lock:
            cached = self._queries.get(text)
            if cached is not None:
                self._queries.move_to_end(text)
                return cached
        vector = np.asarray(self.embedder.embed_queries([text])[0], np.float32)
        with self._lock:
            self._queries[text] = vector
            while len(self._queries) > self._query_cache:
                self._queries.popitem(last=False)
        return vector

    # -- query -----------------------------------------------------------------------
    def query(
        self,
        text: str,
        k: int = 10,
        kinds: Collection[str] | None = None,
        exclude_ids: Collection[str] = (),
        signals: Signals | None = None,
        vector: np.ndarray | None = None,
    ) -> list[Match]:
        if k <= 0:
            return []
        via: dict[str, str] = {}
        words: dict[str, float] = {}
        own: list[float] = []
        lexical, weighted = self.lexical.candidates(
            text, max(k, self.depth), kinds, exclude_ids, signals, via, words, own
        )
        if vector is None and len(self.vectors):
            vector = self.query_vector(text)
        dense: list[tuple[str, float]] = []
        if vector is not None:
            with self._lock:
                dense = self.vectors.nearest(vector, self.depth, kinds, exclude_ids)
        lexical_score = dict(lexical)
        semantic_rank = {doc_id: rank for rank, (doc_id, _cos) in enumerate(dense, start=1)}
        fused = reciprocal_rank_fusion(
            [[i for i, _s in lexical], [i for i, _s in dense]],
            weights=[1.0, self.embedding_weight],
        )
        ranked = sorted(fused, key=lambda i: (-fused[i], -lexical_score.get(i, 0.0), i))
        out: list[Match] = []
        for doc_id in ranked:
            m = self.lexical.explain(
                doc_id,
                lexical_score.get(doc_id, 0.0),
                weighted,
                signals,
                via.get(doc_id),
                words.get(doc_id, 0.0),
                own[0] if own else None,
            )
            if m is not None:
                out.append(dataclasses.replace(m, semantic_rank=semantic_rank.get(doc_id)))
                if len(out) == k:
                    break
        return out
