"""The hybrid backend with a stand-in embedder (the real model is optional)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from nytte.similarity import Document, Index, build_index
from nytte.similarity.rerank import HybridIndex

CONCEPTS = ("gjeld", "barn", "bedrift", "død")


class KeywordEmbedder:
    """Vectors from which of a few concept words a text mentions: enough to
    show that the semantic score, not the words, decides the order."""

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for text in texts:
            low = text.lower()
            v = np.array([1.0 if c in low else 0.0 for c in CONCEPTS] + [0.2], dtype=np.float32)
            rows.append(v / np.linalg.norm(v))
        return np.vstack(rows)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded.extend(texts)
        return self._embed(texts)


DOCS = [
    Document("a", "Innkreving av gjeld til staten med én betalingsplan", "initiative"),
    Document("b", "Barnetrygd uten søknad når barn blir født", "initiative"),
    Document("c", "Registrering av ny bedrift i én søknad", "proposal"),
    Document("d", "Oversikt over dødsboet for arvingene", "proposal"),
]


@pytest.fixture
def hybrid() -> HybridIndex:
    index = build_index(DOCS, backend="hybrid", embedder=KeywordEmbedder(), weight=0.9, floor=0.0)
    assert isinstance(index, HybridIndex)
    return index


def test_hybrid_satisfies_the_index_protocol(hybrid: HybridIndex) -> None:
    assert isinstance(hybrid, Index)
    assert len(hybrid) == 4
    assert "a" in hybrid


def test_semantic_score_reorders_lexical_candidates(hybrid: HybridIndex) -> None:
    matches = hybrid.query("søknad om plass for barn", k=3)
    assert matches[0].id == "b"
    assert all(0.0 <= m.score <= 1.0 for m in matches)


def test_dense_stage_finds_texts_without_shared_words(hybrid: HybridIndex) -> None:
    assert hybrid.refresh() == 4
    ids = [m.id for m in hybrid.query("hva skjer etter et dødsfall", k=2)]
    assert "d" in ids


def test_updates_and_removals_reach_the_vectors(hybrid: HybridIndex) -> None:
    hybrid.refresh()
    hybrid.query("gjeld", k=2)  # builds the dense matrix
    hybrid.update(Document("a", "Ny tekst om bedrift og registrering", "initiative"))
    hybrid.remove("d")
    assert hybrid.vector("a") is None
    assert hybrid.refresh() == 1  # only the updated text is encoded again
    ids = [m.id for m in hybrid.query("bedrift", k=4)]
    assert "d" not in ids
    assert ids[0] in {"a", "c"}


def test_filters_apply_to_the_dense_stage(hybrid: HybridIndex) -> None:
    hybrid.refresh()
    matches = hybrid.query("gjeld og barn", k=4, kinds={"proposal"}, exclude_ids={"c"})
    assert {m.id for m in matches} <= {"d"}
