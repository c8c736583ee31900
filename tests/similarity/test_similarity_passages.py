"""Passages explain a match: the best sentences and the words that matched."""

from __future__ import annotations

from nytte.similarity import Document, build_index
from nytte.similarity.analysis import Analyzer
from nytte.similarity.passages import best_passages, sentence_spans

TEXT = (
    "Samordnet registrering ved oppstart.\n"
    "Brønnøysundregistrene lager én løsning for nye bedrifter. "
    "Gjeldsordningen for skyldnere endres ikke! Kontakt oss?"
)


def test_sentence_spans_cover_sentences_of_the_original_text() -> None:
    spans = sentence_spans(TEXT)
    assert [TEXT[a:b] for a, b in spans] == [
        "Samordnet registrering ved oppstart.",
        "Brønnøysundregistrene lager én løsning for nye bedrifter.",
        "Gjeldsordningen for skyldnere endres ikke!",
        "Kontakt oss?",
    ]


def test_best_passage_holds_the_matched_terms() -> None:
    analyzer = Analyzer()
    query = analyzer.term_weights("gjeld og skyldnere")
    passages = best_passages(TEXT, dict.fromkeys(query, 1.0), analyzer)
    assert passages[0].text == "Gjeldsordningen for skyldnere endres ikke!"
    assert set(passages[0].terms) == {"Gjeldsordningen", "skyldnere"}
    assert TEXT[passages[0].start : passages[0].end] == passages[0].text


def test_matches_from_the_index_carry_passages_with_matched_words() -> None:
    index = build_index([Document("a", TEXT), Document("b", "Noe helt annet om fiske.")])
    match = index.query("ny bedrift skal registreres ved oppstart")[0]
    assert match.id == "a"
    assert match.passages
    for passage in match.passages:
        assert passage.terms
        assert TEXT[passage.start : passage.end] == passage.text
        for word in passage.terms:
            assert word in passage.text
    words = {w.lower() for p in match.passages for w in p.terms}
    assert {"oppstart", "registrering"} <= words or {"bedrifter"} <= words


def test_a_theme_phrase_is_reported_as_its_content_words() -> None:
    text = "Kort om saken. Da far gikk bort, ble vi satt på vent i ukevis."
    analyzer = Analyzer()
    query = analyzer.term_weights("dødsfall i familien og lang ventetid")
    best = best_passages(text, query, analyzer)[0]
    assert best.text == "Da far gikk bort, ble vi satt på vent i ukevis."
    assert {"gikk", "bort", "vent"} <= set(best.terms)
    assert "på" not in best.terms
