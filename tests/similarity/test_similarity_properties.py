"""Property tests: whatever the texts, query results keep their promises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nytte.similarity import Document, LexicalIndex

WORDS = [
    "gjeld",
    "skatt",
    "søknad",
    "bedrift",
    "foretak",
    "arbeidsledig",
    "jobbsøker",
    "barnehage",
    "innkreving",
    "gjeldsordning",
    "samtykke",
    "bank",
    "inntekt",
    "NAV",
    "Skatteetaten",
    "kommune",
    "arv",
    "dødsbo",
    "flytting",
    "tjenesten",
    "tenestene",
    "og",
    "i",
    "på",
    "the",
    "debt",
    "collection",
    "unemployed",
    "ærlig",
    "Åpen",
    "øke",
]

texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=25).map(" ".join)
corpora = st.lists(texts, min_size=1, max_size=25)
# One analyzer for every example: learning from each corpus is what indexing does.
_INDEX = LexicalIndex()


def fresh(corpus: list[str]) -> LexicalIndex:
    index = LexicalIndex(_INDEX.analyzer)
    index.add(
        Document(f"d{i}", t, "proposal" if i % 2 else "initiative") for i, t in enumerate(corpus)
    )
    return index


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=corpora, query=texts, k=st.integers(min_value=1, max_value=12))
def test_results_are_sorted_bounded_unique_and_respect_k(
    corpus: list[str], query: str, k: int
) -> None:
    index = fresh(corpus)
    matches = index.query(query, k=k)
    assert len(matches) <= k
    assert len({m.id for m in matches}) == len(matches)
    assert all(0.0 < m.score <= 1.0 for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert all(m.id in index for m in matches)


@settings(max_examples=40, deadline=None)
@given(corpus=corpora, query=texts)
def test_queries_are_deterministic(corpus: list[str], query: str) -> None:
    first = fresh(corpus).query(query, k=10)
    again = fresh(corpus).query(query, k=10)
    assert first == again
    assert fresh(corpus).query(query, k=10) == fresh(corpus).query(query, k=10)


@settings(max_examples=40, deadline=None)
@given(corpus=corpora, query=texts, data=st.data())
def test_filters_hold(corpus: list[str], query: str, data: st.DataObject) -> None:
    index = fresh(corpus)
    excluded = set(data.draw(st.lists(st.sampled_from(index.ids()), max_size=3)))
    for m in index.query(query, k=30, kinds={"proposal"}, exclude_ids=excluded):
        assert m.kind == "proposal"
        assert m.id not in excluded


@settings(max_examples=30, deadline=None)
@given(
    corpus=corpora, edits=st.lists(st.tuples(st.integers(0, 30), texts, st.booleans()), max_size=15)
)
def test_incremental_edits_match_a_fresh_build(
    corpus: list[str], edits: list[tuple[int, str, bool]]
) -> None:
    index = fresh(corpus)
    current = {f"d{i}": t for i, t in enumerate(corpus)}
    for n, text, delete in edits:
        doc_id = f"d{n}"
        if delete:
            index.remove(doc_id)
            current.pop(doc_id, None)
        else:
            index.update(Document(doc_id, text, "initiative"))
            current[doc_id] = text
    assert set(index.ids()) == set(current)
    rebuilt = LexicalIndex(index.analyzer)
    rebuilt.add(Document(i, t, "initiative") for i, t in current.items())
    probe = " ".join(current.values())[:200]
    got = {m.id for m in index.query(probe, k=100)}
    want = {m.id for m in rebuilt.query(probe, k=100)}
    assert got == want
    for m in index.query(probe, k=100):
        assert m.id in current


@settings(max_examples=30, deadline=None)
@given(corpus=corpora, query=texts)
def test_passages_point_into_the_document(corpus: list[str], query: str) -> None:
    index = fresh(corpus)
    for m in index.query(query, k=5):
        doc = index.get(m.id)
        assert doc is not None
        for p in m.passages:
            assert doc.text[p.start : p.end] == p.text
            assert p.terms
