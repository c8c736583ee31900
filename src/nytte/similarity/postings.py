"""An incremental BM25 index over analysed Norwegian/English text.

Why not bm25s: it rebuilds its whole matrix to add one text (seconds at
100,000 texts), and saving an initiative must update the index at once.
Here every term owns growable NumPy posting arrays (slot, weighted term
frequency). Adding a text appends to the postings of its terms; removing or
replacing one only marks its slot dead and lowers document frequencies.
Dead slots are dropped by :meth:`LexicalIndex.compact`, which runs by itself
once they pass a fifth of the live ones (a few seconds at 100,000 texts,
once per ~20,000 updates).

This module holds the storage and its updates; BM25 scoring and theme blending
are in :mod:`nytte.similarity.scoring`, queries in :mod:`nytte.similarity.lexical`.
"""

from __future__ import annotations

import itertools
import math
import threading
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from nytte.similarity.analysis import THEME_PREFIX, Analyzer, AnalyzerConfig
from nytte.similarity.documents import TAUGHT_AT, Document
from nytte.similarity.signals import Signals, SignalStore


@dataclass(frozen=True, slots=True)
class BM25Params:
    """BM25 constants; ``k3`` saturates repeated query terms (large = count them linearly,
    which measured best for whole-text queries)."""

    k1: float = 1.2
    b: float = 0.75
    k3: float = 100.0


class Postings:
    """Append-only (slot, BM25 term weight) arrays that double their capacity when full."""

    __slots__ = ("n", "slots", "weights")

    def __init__(self, capacity: int = 4) -> None:
        self.slots = np.empty(capacity, dtype=np.int32)
        self.weights = np.empty(capacity, dtype=np.float32)
        self.n = 0

    def append(self, slot: int, weight: float) -> None:
        if self.n == len(self.slots):
            cap = max(4, 2 * len(self.slots))
            self.slots = np.resize(self.slots, cap)
            self.weights = np.resize(self.weights, cap)
        self.slots[self.n] = slot
        self.weights[self.n] = weight
        self.n += 1

    @classmethod
    def from_arrays(cls, slots: np.ndarray, weights: np.ndarray) -> Postings:
        p = cls(0)
        p.slots, p.weights, p.n = slots.astype(np.int32), weights.astype(np.float32), len(slots)
        return p


class PostingStore:
    """Per-term posting arrays and per-slot term arrays, updatable one text at a time."""

    #: Batches from this size use the bulk path (same result, fewer NumPy calls).
    BULK_BATCH = 500

    def __init__(self, analyzer: Analyzer | None = None, params: BM25Params | None = None) -> None:
        self.analyzer = analyzer or Analyzer(AnalyzerConfig())
        self.params = params or BM25Params()
        self._lock = threading.RLock()
        self._clear()

    def _clear(self) -> None:
        self._docs: dict[str, Document] = {}
        self._slot_of: dict[str, int] = {}
        self._slot_ids: list[str | None] = []
        self._slot_terms: list[tuple[np.ndarray, np.ndarray]] = []
        self._length = np.zeros(1024, dtype=np.float32)
        self._alive = np.zeros(1024, dtype=bool)
        self._kind = np.zeros(1024, dtype=np.int16)
        self._kinds: dict[str, int] = {}
        self._term_ids: dict[str, int] = {}
        self._term_names: list[str] = []
        self._postings: list[Postings] = []
        self._df: list[int] = []
        self._is_theme = bytearray()
        self._total_length = 0.0
        self._dead = 0
        # Average length frozen into the stored BM25 weights; refreshed by compact()
        # when the live average drifts more than DRIFT away from it.
        self._avgdl: float | None = None
        self._signals = SignalStore()

    # -- size ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def get(self, doc_id: str) -> Document | None:
        return self._docs.get(doc_id)

    def ids(self) -> list[str]:
        return list(self._docs)

    @property
    def vocabulary_size(self) -> int:
        return len(self._term_ids)

    def memory_bytes(self) -> int:
        """Approximate bytes held in NumPy arrays (postings and per-slot terms)."""
        total = self._length.nbytes + self._alive.nbytes + self._kind.nbytes
        total += sum(p.slots.nbytes + p.weights.nbytes for p in self._postings)
        total += sum(t.nbytes + w.nbytes for t, w in self._slot_terms)
        return total

    # -- writes -------------------------------------------------------------
    def add(self, docs: Iterable[Document]) -> None:
        """Add documents; an id already present is replaced."""
        batch = list(docs)
        with self._lock:
            # A batch at least as large as the index re-learns the compound
            # vocabulary first: amortised, the vocabulary keeps up as the index grows.
            if batch and len(batch) >= len(self._docs):
                self.analyzer.learn(d.text for d in batch)
            self._add(batch)

    def _add(self, batch: list[Document]) -> None:
        with self._lock:
            if len(batch) < self.BULK_BATCH:
                for doc in batch:
                    self._insert(doc)
                self._check_drift()
                return
            # Bulk path: gather postings in lists, then extend each term's arrays once.
            if self._avgdl is None:
                # Estimate from a sample; compaction corrects it if it drifts.
                sample = [sum(self.analyzer.term_weights(d.text).values()) for d in batch[:1000]]
                self._avgdl = max(float(np.mean(sample)), 1.0)
            pending: dict[int, tuple[array[int], array[float]]] = {}
            for doc in batch:
                self._insert(doc, pending)
            for tid, (slots, weights) in pending.items():
                post = self._postings[tid]
                post.slots = np.concatenate([post.slots[: post.n], np.frombuffer(slots, np.int32)])
                post.weights = np.concatenate(
                    [post.weights[: post.n], np.frombuffer(weights, np.float32)]
                )
                post.n = len(post.slots)
            self._check_drift()

    def update(self, doc: Document) -> None:
        """Replace (or add) one document: its old terms stop matching at once."""
        with self._lock:
            self._insert(doc)
            self._check_drift()

    def remove(self, doc_id: str) -> None:
        """Forget a document; unknown ids are ignored."""
        with self._lock:
            self._delete(doc_id)
            self._maybe_compact()

    def rebuild(self) -> None:
        """Re-learn the compound vocabulary from all texts and re-index everything.

        Run after large imports or nightly; queries stay correct without it.
        """
        with self._lock:
            docs = list(self._docs.values())
            self._clear()
            self.analyzer.learn((d.text for d in docs), reset=True)
            self._add(docs)

    def _term_weights(self, tfs: np.ndarray, length: float) -> np.ndarray:
        """BM25 document-side factor tf·(k1+1) / (tf + k1·(1 − b + b·len/avgdl))."""
        p = self.params
        avgdl = self._avgdl or 1.0
        return tfs * (p.k1 + 1.0) / (tfs + p.k1 * (1.0 - p.b + p.b * length / avgdl))

    #: Weight of taught words (``Document.meta[TAUGHT_AT]`` onwards: the texts of proposals
    #: confirmed as linked) against the text's own words; chosen by simulation on the
    #: eval set (docs/similarity.md). Taught words do not lengthen the text for BM25.
    learned_weight: float = 0.5

    def _bag(self, doc: Document) -> tuple[dict[str, float], float]:
        """The text's terms with taught words down-weighted, and its own length."""
        cut = int((doc.meta or {}).get(TAUGHT_AT, -1))
        if not 0 <= cut < len(doc.text):
            bag = self.analyzer.term_weights(doc.text)
            return bag, float(sum(bag.values()))
        bag = self.analyzer.term_weights(doc.text[:cut])
        length = float(sum(bag.values()))
        if self.learned_weight > 0:
            for term, weight in self.analyzer.term_weights(doc.text[cut:]).items():
                bag[term] = bag.get(term, 0.0) + self.learned_weight * weight
        return bag, length

    def _insert(
        self,
        doc: Document,
        pending: dict[int, tuple[array[int], array[float]]] | None = None,
    ) -> None:
        if doc.id in self._docs:
            self._delete(doc.id)
        bag, length = self._bag(doc)
        slot = len(self._slot_ids)
        self._ensure_capacity(slot + 1)
        tfs = np.fromiter(bag.values(), dtype=np.float32, count=len(bag))
        if self._avgdl is None:
            self._avgdl = max(length, 1.0)
        weights = self._term_weights(tfs, length).tolist()
        tids = np.empty(len(bag), dtype=np.int32)
        for i, term in enumerate(bag):
            tid = self._term_ids.get(term)
            if tid is None:
                tid = len(self._postings)
                self._term_ids[term] = tid
                self._term_names.append(term)
                self._postings.append(Postings())
                self._df.append(0)
                self._is_theme.append(term.startswith(THEME_PREFIX))
            if pending is None:
                self._postings[tid].append(slot, weights[i])
            else:
                lists = pending.get(tid)
                if lists is None:
                    lists = pending[tid] = (array("i"), array("f"))
                lists[0].append(slot)
                lists[1].append(weights[i])
            self._df[tid] += 1
            tids[i] = tid
        self._length[slot] = length
        self._alive[slot] = True
        self._kind[slot] = self._kinds.setdefault(doc.kind, len(self._kinds))
        self._slot_ids.append(doc.id)
        self._slot_terms.append((tids, tfs))
        self._slot_of[doc.id] = slot
        self._docs[doc.id] = doc
        self._signals.put(doc.id, Signals.of(doc.meta))
        self._total_length += length

    def _delete(self, doc_id: str) -> None:
        slot = self._slot_of.pop(doc_id, None)
        if slot is None:
            return
        del self._docs[doc_id]
        self._signals.drop(doc_id)
        self._alive[slot] = False
        self._slot_ids[slot] = None
        tids, _ = self._slot_terms[slot]
        for tid in tids.tolist():
            self._df[tid] -= 1
        self._total_length -= float(self._length[slot])
        self._dead += 1

    def _ensure_capacity(self, n: int) -> None:
        if n <= len(self._length):
            return
        cap = max(n, 2 * len(self._length))
        self._length = np.resize(self._length, cap)
        self._alive = np.concatenate([self._alive, np.zeros(cap - len(self._alive), bool)])
        self._kind = np.resize(self._kind, cap)

    #: Re-weight postings when the live average length moves this far (relative).
    DRIFT = 0.25

    def _maybe_compact(self) -> None:
        if self._dead > max(1000, len(self._docs) // 5):
            self.compact()

    def _check_drift(self) -> None:
        self._maybe_compact()
        if not self._docs or self._avgdl is None:
            return
        live = self._total_length / len(self._docs)
        if abs(live / self._avgdl - 1.0) > self.DRIFT:
            self.compact()

    def compact(self) -> None:
        """Drop dead slots and renumber; postings are rebuilt from stored term arrays."""
        with self._lock:
            live = [s for s, i in enumerate(self._slot_ids) if i is not None]
            new_of = np.full(len(self._slot_ids), -1, dtype=np.int64)
            new_of[live] = np.arange(len(live))
            terms = [self._slot_terms[s] for s in live]
            n_terms = len(self._postings)
            if live:
                self._avgdl = max(self._total_length / len(live), 1.0)
            if terms:
                all_tids = np.concatenate([t for t, _ in terms])
                lengths = self._length[np.asarray(live, dtype=np.int64)]
                all_tfs = np.concatenate(
                    [
                        self._term_weights(w, float(n))
                        for (_, w), n in zip(terms, lengths, strict=True)
                    ]
                )
                all_slots = np.repeat(
                    np.arange(len(live), dtype=np.int32), [len(t) for t, _ in terms]
                )
                order = np.argsort(all_tids, kind="stable")
                all_tids, all_tfs, all_slots = all_tids[order], all_tfs[order], all_slots[order]
                bounds = np.searchsorted(all_tids, np.arange(n_terms + 1))
            else:
                all_tfs = np.empty(0, np.float32)
                all_slots = np.empty(0, np.int32)
                bounds = np.zeros(n_terms + 1, dtype=np.int64)
            self._postings = [
                Postings.from_arrays(all_slots[a:b].copy(), all_tfs[a:b].copy())
                for a, b in itertools.pairwise(bounds.tolist())
            ]
            keep = np.asarray(live, dtype=np.int64)
            self._length = self._length[keep].copy()
            self._kind = self._kind[keep].copy()
            self._alive = np.ones(len(live), dtype=bool)
            self._slot_ids = [self._slot_ids[s] for s in live]
            self._slot_terms = terms
            self._slot_of = {i: n for n, i in enumerate(self._slot_ids) if i is not None}
            self._dead = 0
            self._ensure_capacity(len(live) + 1)

    # -- reads --------------------------------------------------------------
    def idf(self, df: int) -> float:
        n = len(self._docs)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))
