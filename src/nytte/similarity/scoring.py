"""BM25 scoring over a :class:`PostingStore`, pseudo-relevance feedback and theme blending.

Scores are computed for every slot at once from the postings (rare terms in one
``bincount`` pass, very common terms only for the best candidates), then the
lexical candidates can be re-scored with the cosine of their theme profiles.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from nytte.similarity.analysis import THEME_PREFIX
from nytte.similarity.postings import Postings, PostingStore


@dataclass(frozen=True, slots=True)
class Evidence:
    """A query's indexed terms (sorted ids), their query-side BM25 weights, the share of
    each term that each query word gave it (rows sum to 1), and how many words the query
    itself offers (:meth:`BM25Scorer.evidence_words` of the query against itself)."""

    tids: np.ndarray
    weights: np.ndarray
    shares: np.ndarray
    words: float


def effective_number(values: np.ndarray) -> float:
    """exp(entropy) of the shares of ``values``: n for n equal parts, 1 for one, 0 for none."""
    total = float(values.sum())
    if total <= 0.0:
        return 0.0
    p = values[values > 0.0] / total
    return float(np.exp(-(p * np.log(p)).sum()))


class BM25Scorer(PostingStore):
    """BM25 scores of a query against every stored text, with feedback and theme blending."""

    # Query tuning, set by LexicalIndex.__init__.
    feedback_docs: int
    feedback_terms: int
    feedback_weight: float
    theme_weight: float

    #: Terms in more documents than this share of the index (and than
    #: COMMON_MIN_POSTINGS) are scored only for the best CANDIDATES slots found
    #: by the rarer terms; exact below ~10,000 texts, near-exact above.
    COMMON_SHARE = 0.05
    COMMON_MIN_POSTINGS = 5_000
    CANDIDATES = 500

    def score_all(
        self,
        text: str,
        kinds: Collection[str] | None = None,
        exclude_ids: Iterable[str] = (),
    ) -> tuple[np.ndarray, dict[str, float], float]:
        """BM25 score of every slot (0 where filtered), the idf-weighted query terms,
        and the self-score.

        The self-score is what the query would score against itself as a document
        of this index; dividing by it puts scores in [0, 1] (clipped).
        """
        return self.score_bag(self.analyzer.term_weights(text), kinds, exclude_ids)

    def score_bag(
        self,
        bag: dict[str, float],
        kinds: Collection[str] | None = None,
        exclude_ids: Iterable[str] = (),
    ) -> tuple[np.ndarray, dict[str, float], float]:
        """:meth:`score_all` for an analysed query (term → weight)."""
        p = self.params
        n_slots = len(self._slot_ids)
        scores = np.zeros(n_slots, dtype=np.float32)
        if not self._docs or not bag:
            return scores, {}, 1.0
        avgdl = self._avgdl or 1.0
        qlen = sum(bag.values())
        q_norm = p.k1 * (1.0 - p.b + p.b * qlen / avgdl)
        cutoff = max(self.COMMON_SHARE * len(self._docs), self.COMMON_MIN_POSTINGS)
        weighted: dict[str, float] = {}
        common: list[tuple[Postings, np.float32]] = []
        rare_slots: list[np.ndarray] = []
        rare_weights: list[np.ndarray] = []
        self_score = 0.0
        for term, qtf in bag.items():
            tid = self._term_ids.get(term)
            df = self._df[tid] if tid is not None else 0
            idf = self.idf(df)
            qw = qtf * (p.k3 + 1.0) / (qtf + p.k3)
            self_score += idf * qw * (p.k1 + 1.0) * qtf / (qtf + q_norm)
            if not df or tid is None:
                continue
            weighted[term] = idf * qw
            post = self._postings[tid]
            w = np.float32(idf * qw)
            if post.n > cutoff:
                common.append((post, w))
                continue
            rare_slots.append(post.slots[: post.n])
            rare_weights.append(w * post.weights[: post.n])
        if rare_slots:
            # One C pass over all postings: faster than a scatter-add per term.
            scores = np.bincount(
                np.concatenate(rare_slots), np.concatenate(rare_weights), minlength=n_slots
            ).astype(np.float32)
        self._mask(scores, kinds, exclude_ids)
        if common:
            touched = np.flatnonzero(scores)
            if not len(touched):
                for post, w in common:
                    scores[post.slots[: post.n]] += w * post.weights[: post.n]
                self._mask(scores, kinds, exclude_ids)
            else:
                if len(touched) > self.CANDIDATES:
                    best = np.argpartition(-scores[touched], self.CANDIDATES - 1)
                    touched = np.sort(touched[best[: self.CANDIDATES]])
                for post, w in common:
                    slots = post.slots[: post.n]  # ascending: slots are appended in order
                    pos = np.minimum(np.searchsorted(slots, touched), post.n - 1)
                    hit = slots[pos] == touched
                    scores[touched[hit]] += w * post.weights[pos[hit]]
        return scores, weighted, max(self_score, 1e-9)

    def evidence(
        self,
        owners: Mapping[str, Mapping[str, float]],
        weighted: Mapping[str, float],
        bag: Mapping[str, float],
    ) -> Evidence | None:
        """What :meth:`evidence_words` needs of a query: ``owners`` from
        :meth:`Analyzer.term_owners`, ``weighted`` from :meth:`score_bag` for ``bag``."""
        words: dict[str, int] = {}
        rows: list[tuple[int, float, Mapping[str, float], float]] = []
        for term, weight in weighted.items():
            tid = self._term_ids.get(term)
            mine = owners.get(term)
            if tid is None or not mine or term not in bag:
                continue  # e.g. a term added by pseudo-relevance feedback
            for word in mine:
                words.setdefault(word, len(words))
            rows.append((tid, weight, mine, bag[term]))
        if not rows:
            return None
        rows.sort(key=lambda row: row[0])
        shares = np.zeros((len(rows), len(words)))
        for i, (_tid, _weight, mine, _qtf) in enumerate(rows):
            total = sum(mine.values())
            for word, w in mine.items():
                shares[i, words[word]] = w / total
        weights = np.fromiter((r[1] for r in rows), np.float64, len(rows))
        # The query scored against itself as a document (as score_bag's self-score).
        p = self.params
        qtf = np.fromiter((r[3] for r in rows), np.float64, len(rows))
        q_norm = p.k1 * (1.0 - p.b + p.b * sum(bag.values()) / (self._avgdl or 1.0))
        own = effective_number((weights * qtf * (p.k1 + 1.0) / (qtf + q_norm)) @ shares)
        return Evidence(
            np.fromiter((r[0] for r in rows), np.int64, len(rows)), weights, shares, own
        )

    def evidence_words(self, evidence: Evidence | None, slot: int) -> float:
        """How many of the query's words the match of ``slot`` rests on: the exponential of
        the entropy of the query words' shares of its BM25 score (each shared term's part
        split between the words that produced it).

        1 when one word (with its compound parts, concepts and themes) carries the whole
        match, n when n words carry it equally, 0 when nothing is shared. A near-miss
        typically shares one salient word with the query ("barnetrygd", "gebyr") and the
        themes that word brings; a related text shares several (docs/similarity.md)."""
        if evidence is None:
            return 0.0
        tids, tfs = self._slot_terms[slot]
        if not len(tids):
            return 0.0
        pos = np.minimum(np.searchsorted(evidence.tids, tids), len(evidence.tids) - 1)
        hit = evidence.tids[pos] == tids
        if not hit.any():
            return 0.0
        doc_side = self._term_weights(tfs[hit].astype(np.float64), float(self._length[slot]))
        return effective_number((evidence.weights[pos[hit]] * doc_side) @ evidence.shares[pos[hit]])

    def _expand(self, bag: dict[str, float], scores: np.ndarray) -> dict[str, float]:
        """Pseudo-relevance feedback: add the strongest terms of the top documents.

        Each feedback document contributes its terms by tf·idf, scaled by its
        share of the top scores; the added mass is ``feedback_weight`` of the query's.
        """
        hits = np.flatnonzero(scores > 0)
        if not len(hits):
            return bag
        m = min(self.feedback_docs, len(hits))
        top = hits[np.argpartition(scores[hits], len(hits) - m)[len(hits) - m :]]
        total = float(scores[top].sum()) or 1.0
        gain: dict[int, float] = {}
        for slot in top.tolist():
            tids, tfs = self._slot_terms[slot]
            share = float(scores[slot]) / total
            for tid, tf in zip(tids.tolist(), tfs.tolist(), strict=True):
                gain[tid] = gain.get(tid, 0.0) + share * tf * self.idf(self._df[tid])
        best = sorted(gain.items(), key=lambda item: -item[1])[: self.feedback_terms]
        mass = sum(g for _, g in best) or 1.0
        budget = self.feedback_weight * sum(bag.values())
        expanded = dict(bag)
        for tid, g in best:
            term = self._term_names[tid]
            expanded[term] = expanded.get(term, 0.0) + budget * g / mass
        return expanded

    def _mask(
        self, scores: np.ndarray, kinds: Collection[str] | None, exclude: Iterable[str]
    ) -> None:
        n = len(scores)
        scores[~self._alive[:n]] = 0.0
        if kinds is not None:
            codes = [self._kinds[k] for k in kinds if k in self._kinds]
            scores[~np.isin(self._kind[:n], codes)] = 0.0
        for doc_id in exclude:
            slot = self._slot_of.get(doc_id)
            if slot is not None:
                scores[slot] = 0.0

    def _theme_profile(self, pairs: Iterable[tuple[int | None, float]]) -> dict[int, float]:
        """Unit vector of a text's theme terms, sublinear tf × idf; unknown terms (id
        None) only count towards the length."""
        vec: dict[int, float] = {}
        length = 0.0
        for tid, tf in pairs:
            df = 0 if tid is None else self._df[tid]
            value = (1.0 + math.log(tf) if tf >= 1.0 else tf) * self.idf(df)
            length += value * value
            if tid is not None:
                vec[tid] = value
        if not length:
            return {}
        norm = math.sqrt(length)
        return {tid: value / norm for tid, value in vec.items()}

    def _blend_themes(
        self, bag: dict[str, float], found: list[tuple[int, float]]
    ) -> list[tuple[int, float]]:
        """Blend each candidate's lexical score with how alike its theme profile is.

        BM25 adds theme terms to a sum that a user story's everyday words dominate;
        the cosine of the two texts' theme profiles (life events, topics) asks
        whether they are about the same thing at all, whatever their length.
        Score = (lexical + w × cosine) / (1 + w), so the same text still scores 1.
        """
        query = self._theme_profile(
            (self._term_ids.get(term), tf)
            for term, tf in bag.items()
            if term.startswith(THEME_PREFIX)
        )
        if not query:
            return found
        w = self.theme_weight
        out = []
        for slot, lexical in found:
            tids, tfs = self._slot_terms[slot]
            mine = self._theme_profile(
                (tid, tf)
                for tid, tf in zip(tids.tolist(), tfs.tolist(), strict=True)
                if self._is_theme[tid]
            )
            cosine = sum(value * mine.get(tid, 0.0) for tid, value in query.items())
            out.append((slot, (lexical + w * cosine) / (1.0 + w)))
        return out
