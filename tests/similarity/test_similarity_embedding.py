"""The embedding backend: a model loaded from a local directory (never a hub name), and its
ranking fused with the words'."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nytte.similarity import Document, build_index
from nytte.similarity.bands import DEFAULT_BANDS, Band
from nytte.similarity.embedding import ModelDirError, OnnxEmbedder, model_dir, text_digest
from nytte.similarity.fusion import (
    FusedIndex,
    VectorSet,
    cosine_top_k,
    reciprocal_rank_fusion,
)
from nytte.similarity.lexical import LexicalIndex
from tests.similarity.embedding_model import minilm_dir


@pytest.fixture(scope="module")
def minilm(tmp_path_factory) -> OnnxEmbedder:
    return OnnxEmbedder(minilm_dir(tmp_path_factory.mktemp("models")))


# -- loading from a directory -----------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["sentence-transformers/all-MiniLM-L6-v2", "intfloat/multilingual-e5-small", "x"]
)
def test_a_hub_name_or_missing_directory_is_refused_not_fetched(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # so no relative directory of that name exists
    with pytest.raises(ModelDirError, match="never downloads"):
        model_dir(name)
    with pytest.raises(ModelDirError):
        OnnxEmbedder(name)


def test_loading_sets_the_offline_flags_first(tmp_path, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with pytest.raises(ModelDirError):
        OnnxEmbedder(tmp_path)  # an empty directory: fails, but only after going offline
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "1"


def test_a_directory_without_tokenizer_or_onnx_file_says_what_is_missing(tmp_path):
    with pytest.raises(ModelDirError, match=r"tokenizer\.json"):
        OnnxEmbedder(tmp_path)
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(ModelDirError, match="no ONNX model"):
        OnnxEmbedder(tmp_path)


def test_minilm_vectors_are_unit_length_and_close_for_paraphrases(minilm):
    texts = [
        "A man is eating food.",
        "A man is eating a piece of bread.",
        "The girl is carrying a baby.",
        "Tax returns are due in April.",
    ]
    vectors = minilm.embed_passages(texts)
    assert vectors.shape == (4, 384) and minilm.dimension == 384
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors.T
    # sentence-transformers' documentation gives 0.755 for this pair with the float model;
    # the int8 export stays close to it.
    assert sims[0, 1] == pytest.approx(0.755, abs=0.03)
    assert sims[0, 1] > 0.5 > max(sims[0, 2], sims[0, 3], sims[1, 2])


def test_a_text_gets_the_same_vector_alone_or_padded_in_a_batch(minilm):
    short, long = "Renew a passport.", " ".join(["Apply for a permit to build a garage."] * 8)
    together = minilm.embed_passages([short, long])
    alone = np.vstack([minilm.embed_passages([short]), minilm.embed_passages([long])])
    assert np.allclose(together, alone, atol=1e-4)


def test_model_id_names_the_files_and_the_prefixes(minilm, tmp_path):
    assert minilm.model_id.startswith("minilm@")
    assert minilm.symmetric
    other = tmp_path / "minilm"
    other.mkdir()
    for name in ("model.onnx", "tokenizer.json"):
        (other / name).symlink_to(minilm.root / name)
    (other / "nytte-embedding.json").write_text(
        json.dumps({"query_prefix": "query: ", "passage_prefix": "passage: "})
    )
    with_prefixes = OnnxEmbedder(other)
    assert with_prefixes.model_id != minilm.model_id  # vectors made before are stale
    assert not with_prefixes.symmetric
    q, p = with_prefixes.embed_queries(["pay a fee"]), with_prefixes.embed_passages(["pay a fee"])
    assert not np.allclose(q, p)


# -- fusion (pure) ----------------------------------------------------------------------


def test_reciprocal_rank_fusion_by_hand():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["c", "d"]], weights=[1.0, 0.5], k=60)
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["c"] == pytest.approx(1 / 63 + 0.5 / 61)
    assert fused["d"] == pytest.approx(0.5 / 62)
    assert sorted(fused, key=lambda i: -fused[i]) == ["c", "a", "b", "d"]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 10),
    st.integers(0, 2**31 - 1),
)
def test_cosine_top_k_agrees_with_sorting_everything(n, k, seed):
    rng = np.random.default_rng(seed)
    matrix = rng.normal(size=(n, 8)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    query = matrix[0] * 0.5 + rng.normal(size=8).astype(np.float32) * 0.5
    allowed = rng.random(n) > 0.3
    got = cosine_top_k(matrix, query, k, allowed)
    sims = matrix @ query
    expected = sorted((i for i in range(n) if allowed[i]), key=lambda i: (-sims[i], i))[:k]
    assert [row for row, _s in got] == expected
    assert all(s == pytest.approx(float(sims[row]), abs=1e-6) for row, s in got)


def test_vector_set_keeps_to_kinds_skips_ids_and_reuses_rows():
    vs = VectorSet()
    vs.set("a", np.array([1.0, 0.0]), "initiative")
    vs.set("b", np.array([0.9, 0.1]), "proposal")
    vs.set("c", np.array([0.0, 3.0]), "initiative")  # normalised on the way in
    assert np.linalg.norm(vs.get("c")) == pytest.approx(1.0)
    q = np.array([1.0, 0.0])
    assert [i for i, _ in vs.nearest(q, 3)] == ["a", "b", "c"]
    assert [i for i, _ in vs.nearest(q, 3, kinds={"initiative"})] == ["a", "c"]
    assert [i for i, _ in vs.nearest(q, 3, skip={"a"})] == ["b", "c"]
    vs.remove("a")
    vs.set("d", np.array([0.0, -1.0]), "proposal")  # takes a's row
    assert len(vs) == 3 and vs._row["d"] == 0
    assert [i for i, _ in vs.nearest(np.array([1.0, 0.2]), 5)] == ["b", "c", "d"]
    with pytest.raises(ValueError, match="dimensions"):
        vs.set("e", np.array([1.0, 0.0, 0.0]))


class Topics:
    """A stand-in model: a text's vector is its topic's axis (known words → topic), so a
    test can say which texts the "model" sees as alike whatever their words."""

    AXES = {"passport": 0, "travel": 0, "identity": 0, "tax": 1, "income": 1, "school": 2}
    symmetric = True

    def __init__(self) -> None:
        self.calls = 0

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        return self.embed_passages(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        out = np.full((len(texts), 4), 0.01, np.float32)
        for row, text in enumerate(texts):
            for word, axis in self.AXES.items():
                if word in text.lower():
                    out[row, axis] += 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)


DOCS = [
    Document("i1", "Renew your passport online in minutes", "initiative"),
    Document("i2", "Pre-filled income tax return for pensioners", "initiative"),
    Document("i3", "School meals ordered through one form", "initiative"),
    Document("p1", "Apply for a travel document without queueing", "proposal"),
    Document("p2", "Online tax return help", "proposal"),
]


def fused(weight: float = 1.0) -> tuple[FusedIndex, Topics]:
    model = Topics()
    lexical = build_index(DOCS)
    assert isinstance(lexical, LexicalIndex)
    index = FusedIndex(lexical, model, embedding_weight=weight)
    for doc, vector in zip(DOCS, model.embed_passages([d.text for d in DOCS]), strict=True):
        assert index.set_vector(doc.id, vector, text_digest(doc.text))
    return index, model


def test_the_model_finds_what_the_words_miss_and_it_shows_as_weak():
    index, _model = fused()
    text = "New identity card for travel abroad"
    lexical_ids = [m.id for m in index.lexical.query(text, 5)]
    assert "i1" not in lexical_ids  # no word in common with the passport initiative
    matches = index.query(text, 3, kinds={"initiative"})
    assert matches[0].id == "i1" and matches[0].semantic_rank == 1
    # Bands stay on the word evidence: found only by the model → score 0 → weak.
    assert matches[0].score == 0.0 and matches[0].words == 0.0
    assert DEFAULT_BANDS.of(matches[0].score, matches[0].words) == Band.WEAK
    assert all(m.semantic_rank is None for m in index.lexical.query(text, 5))


def test_fusion_keeps_lexical_scores_kinds_and_exclusions():
    index, _model = fused()
    text = "Online tax return for pensioners"
    plain = {m.id: m.score for m in index.lexical.query(text, 10)}
    matches = index.query(text, 10, kinds={"initiative"}, exclude_ids={"i2"})
    assert {m.kind for m in matches} == {"initiative"} and "i2" not in {m.id for m in matches}
    for m in matches:
        assert m.score == pytest.approx(plain.get(m.id, 0.0))


def test_a_changed_text_drops_its_vector_a_changed_kind_keeps_it():
    index, _model = fused()
    index.update(Document("p1", "Apply for a travel document without queueing", "merged"))
    assert index.vectors.get("p1") is not None
    assert [i for i, _ in index.vectors.nearest(index.vectors.get("p1"), 5, {"merged"})] == ["p1"]
    index.update(Document("p1", "Something else entirely", "proposal"))
    assert index.vectors.get("p1") is None
    index.remove("i1")
    assert index.vectors.get("i1") is None


def test_a_vector_of_another_text_is_refused():
    index, model = fused()
    vector = model.embed_passages(["old passport text"])[0]
    assert not index.set_vector("i1", vector, text_digest("old passport text"))
    assert not index.set_vector("nope", vector)
    assert index.set_vector("i1", vector)


def test_the_query_is_embedded_once_per_text_and_a_stored_vector_saves_even_that():
    index, model = fused()
    index.query("passport renewal", 3)
    index.query("passport renewal", 3)
    assert model.calls == 1
    own = index.stored_query_vector("p1", DOCS[3].text)
    assert own is not None
    index.query(DOCS[3].text, 3, exclude_ids={"p1"}, vector=own)
    assert model.calls == 1
    assert index.stored_query_vector("p1", "another text") is None


def test_without_vectors_fusion_is_the_lexical_ranking():
    lexical = build_index(DOCS)
    assert isinstance(lexical, LexicalIndex)
    index = FusedIndex(lexical, Topics())
    text = "Online tax return for pensioners"
    assert [(m.id, m.score) for m in index.query(text, 5)] == [
        (m.id, m.score) for m in lexical.query(text, 5)
    ]


def test_real_model_through_the_fused_backend(minilm):
    docs = [
        Document("a", "Citizens renew their passport online", "initiative"),
        Document("b", "Farmers report livestock numbers each spring", "initiative"),
        Document("c", "A digital driving licence on the phone", "initiative"),
    ]
    index = build_index(docs, backend="fused", embedder=minilm)
    assert isinstance(index, FusedIndex)
    for doc, vector in zip(docs, minilm.embed_passages([d.text for d in docs]), strict=True):
        index.set_vector(doc.id, vector)
    assert index.query("Getting a new travel document via the web", 1)[0].id == "a"
