"""The analyzer: inflections, compounds, nynorsk and English reach the same terms."""

from __future__ import annotations

import pytest

from nytte.similarity.analysis import CONCEPT_PREFIX, Analyzer, AnalyzerConfig, detect_language


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def stems(analyzer: Analyzer, text: str) -> set[str]:
    return {t for t in analyzer.term_weights(text) if not t.startswith(CONCEPT_PREFIX)}


@pytest.mark.parametrize(
    "forms",
    [
        ("bruker", "brukere", "brukerne", "brukeren"),
        ("søknad", "søknaden", "søknader", "søknadene"),
        ("virksomhet", "virksomheten", "virksomheter", "virksomhetene"),
        ("gjeld", "gjelden", "gjelda"),
    ],
)
def test_it_stems_bokmal_inflections_to_one_stem(
    analyzer: Analyzer, forms: tuple[str, ...]
) -> None:
    assert len({analyzer.stem(f) for f in forms}) == 1


@pytest.mark.parametrize(
    ("nynorsk", "bokmal"),
    [
        ("tenestene", "tjenestene"),
        ("verksemda", "virksomheten"),
        ("brukarane", "brukerne"),
        ("innkrevjinga", "innkrevingen"),
        ("løysinga", "løsningen"),
        ("arbeidsgjevar", "arbeidsgiver"),
    ],
)
def test_it_maps_nynorsk_to_bokmal_stems(analyzer: Analyzer, nynorsk: str, bokmal: str) -> None:
    assert analyzer.stem(nynorsk) == analyzer.stem(bokmal)


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("gjeldsordning", {"gjeld", "ordning"}),
        ("gjeldsordningen", {"gjeld", "ordning"}),
        ("innkrevingsløsningen", {"innkreving", "løsning"}),
        ("skattemeldingen", {"skatt", "melding"}),
        ("lånesøknad", {"lån", "søknad"}),
    ],
)
def test_it_splits_compounds_into_known_parts(
    analyzer: Analyzer, word: str, parts: set[str]
) -> None:
    assert set(analyzer.splitter.split(word)) == parts
    terms = stems(analyzer, word)
    assert analyzer.stem(word) in terms  # the whole word is kept too
    assert parts <= terms


@pytest.mark.parametrize("word", ["løsning", "forslag", "oversikt", "samarbeid", "utbetaling"])
def test_it_leaves_non_compounds_whole(analyzer: Analyzer, word: str) -> None:
    assert analyzer.splitter.split(word) == ()


def test_it_learns_compound_parts_from_the_corpus() -> None:
    analyzer = Analyzer()
    assert analyzer.splitter.split("fiskekvoteregister") == ()
    analyzer.learn(["Fiskekvote og kvote.", "Kvoter for fisk.", "Fisk og fiske.", "kvote"])
    assert {"fisk", "kvot"} <= set(analyzer.splitter.split("fiskekvoten"))


def test_it_drops_stop_words_in_all_three_languages(analyzer: Analyzer) -> None:
    assert analyzer.term_weights("og det er ikke i the and of ikkje dei frå") == {}


def test_it_stems_english_texts_with_the_english_stemmer(analyzer: Analyzer) -> None:
    terms = stems(analyzer, "The agencies are collecting debts from unemployed citizens")
    assert {"agenc", "collect", "debt", "unemploy", "citizen"} <= terms


def test_it_detects_the_language_from_function_words() -> None:
    assert (
        detect_language(
            ["the", "debt", "of", "the", "state", "is", "collected", "by", "the", "agency"]
        )
        == "en"
    )
    assert (
        detect_language(["gjelden", "til", "staten", "skal", "kreves", "inn", "av", "etaten"])
        == "nb"
    )


def test_concepts_join_synonyms_across_languages(analyzer: Analyzer) -> None:
    debt = CONCEPT_PREFIX + "debt"
    for text in ("gjeld", "skyld", "restanse", "debts"):
        assert debt in analyzer.term_weights(text), text


def test_concepts_and_compounds_can_be_switched_off() -> None:
    plain = Analyzer(AnalyzerConfig(compounds=False, concepts=False, themes=False))
    terms = plain.term_weights("gjeldsordningen")
    assert list(terms) == [plain.stem("gjeldsordningen")]


def test_tokens_keep_spans_of_the_original_text(analyzer: Analyzer) -> None:
    text = "Ny  Gjeldsordning, for ARBEIDSLEDIGE."
    for token in analyzer.tokens(text):
        assert text[token.start : token.end] == token.surface
    assert [t.surface for t in analyzer.tokens(text)] == ["Ny", "Gjeldsordning", "ARBEIDSLEDIGE"]


def test_it_normalises_unicode_forms(analyzer: Analyzer) -> None:
    composed = "søknad"
    decomposed = "so\u0308knad".replace("o\u0308", "ø")  # same text written another way
    assert analyzer.term_weights("SØKNAD") == analyzer.term_weights(composed)
    assert analyzer.term_weights(decomposed) == analyzer.term_weights(composed)
    assert analyzer.term_weights("ﬁnans") == analyzer.term_weights("finans")


def test_themes_link_a_user_story_to_its_life_event(analyzer: Analyzer) -> None:
    story = analyzer.term_weights("Etter begravelsen måtte vi finne ut hva pappa skyldte")
    initiative = analyzer.term_weights("Oversikt over dødsboet for arvingene")
    shared = {t for t in story if t.startswith("~~")} & {
        t for t in initiative if t.startswith("~~")
    }
    assert "~~death" in shared


def test_themes_can_be_switched_off() -> None:
    plain = Analyzer(AnalyzerConfig(themes=False))
    assert not any(t.startswith("~~") for t in plain.term_weights("dødsbo arvinger pappa"))


def themes(analyzer: Analyzer, text: str) -> set[str]:
    return {t for t in analyzer.term_weights(text) if t.startswith("~~")}


def test_a_topic_word_adds_its_topic_and_its_life_event(analyzer: Analyzer) -> None:
    assert {"~~debt", "~~debt/setoff"} <= themes(analyzer, "motregning")
    assert {"~~debt", "~~debt/collection"} <= themes(analyzer, "namsmannen")
    assert "~~debt/setoff" not in themes(analyzer, "namsmannen")


def test_topics_can_be_left_out() -> None:
    plain = Analyzer(AnalyzerConfig(topic_weight=0.0))
    assert themes(plain, "motregning") == {"~~debt"}


def test_phrases_signal_a_theme_their_words_do_not(analyzer: Analyzer) -> None:
    assert "~~death" in themes(analyzer, "Pappa gikk bort i fjor")
    assert "~~death" not in themes(analyzer, "Han gikk hjem og la boka bort")
    assert "~~job/loss" in themes(analyzer, "Jeg mistet jobben i mars")
    assert "~~job/loss" not in themes(analyzer, "Jeg mistet lommeboka på jobben")
    # Hyphenated words are phrases of their parts.
    assert "~~income" in themes(analyzer, "Lønnen står i a-meldingen")
    off = Analyzer(AnalyzerConfig(phrases=False))
    assert "~~death" not in themes(off, "Pappa gikk bort i fjor")


def test_phrase_tokens_span_the_phrase_and_agree_with_the_bag(analyzer: Analyzer) -> None:
    text = "Da mor gikk bort, måtte vi fylle ut skjemaer."
    tokens = analyzer.tokens(text)
    phrase = next(t for t in tokens if t.surface == "gikk bort")
    assert text[phrase.start : phrase.end] == "gikk bort"
    assert "~~death" in dict(phrase.terms)
    summed: dict[str, float] = {}
    for token in tokens:
        for term, weight in token.terms:
            summed[term] = summed.get(term, 0.0) + weight
    assert summed == pytest.approx(analyzer.term_weights(text))


def test_theme_words_act_only_in_their_own_language(analyzer: Analyzer) -> None:
    assert "~~family" in themes(analyzer, "Far og mor fikk barnetrygd")
    english = "The office is far from the station and the road is closed"
    assert "~~family" not in themes(analyzer, english)
    assert "~~death" in themes(analyzer, "The heirs of the deceased wait for probate")
