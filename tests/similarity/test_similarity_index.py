"""The lexical index: add, update, remove and compact keep queries consistent."""

from __future__ import annotations

import pytest

from nytte.similarity import BACKENDS, Document, Index, LexicalIndex, build_index

DOCS = [
    Document(
        "innkreving",
        "Felles innkreving av statlige krav\nSkyldneren får én innkrever og én betalingsplan "
        "for all gjeld til staten.",
        "initiative",
    ),
    Document(
        "dagpenger",
        "Forhåndsutfylt søknad om dagpenger\nNAV henter arbeidsforhold og inntekt fra "
        "a-ordningen når arbeidsledige søker dagpenger.",
        "initiative",
    ),
    Document(
        "barnehage",
        "Samordnet opptak til barnehage\nForeldre søker barnehageplass ett sted, på tvers "
        "av kommunene.",
        "initiative",
    ),
    Document(
        "oppstart",
        "Én registrering når du starter bedrift\nEnhetsregisteret, mva-registeret og "
        "arbeidsgiverregistrering i samme søknad.",
        "proposal",
    ),
    Document(
        "dodsbo",
        "Oversikt over dødsboet\nArvingene får en samlet oversikt over kontoer, gjeld og "
        "eiendom etter dødsfall.",
        "proposal",
    ),
]


@pytest.fixture
def index() -> LexicalIndex:
    idx = build_index(DOCS)
    assert isinstance(idx, LexicalIndex)
    return idx


def ids(index: Index, text: str, **kwargs: object) -> list[str]:
    return [m.id for m in index.query(text, **kwargs)]  # type: ignore[arg-type]


def test_build_index_gives_a_lexical_index_that_satisfies_the_protocol(index: LexicalIndex) -> None:
    assert isinstance(index, Index)
    assert len(index) == len(DOCS)
    assert "dagpenger" in index


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown similarity backend"):
        build_index(DOCS, backend="nope")
    assert set(BACKENDS) >= {"lexical", "hybrid"}


def test_it_finds_a_paraphrase_first(index: LexicalIndex) -> None:
    assert ids(index, "Skyldnere bør få én samlet plan for gjelden de har til staten")[0] == (
        "innkreving"
    )
    assert ids(index, "Arbeidsledige bør slippe å fylle ut dagpengesøknaden selv")[0] == "dagpenger"
    assert ids(index, "Barnehageplassen bør kunne søkes i nabokommunen")[0] == "barnehage"


def test_it_matches_through_compounds_and_nynorsk(index: LexicalIndex) -> None:
    assert ids(index, "Opptaket til barnehagar bør samordnast")[0] == "barnehage"
    assert ids(index, "betalingsplanen for skyldnaren")[0] == "innkreving"


def test_it_matches_english_through_concepts(index: LexicalIndex) -> None:
    assert ids(index, "Heirs need an overview of the estate after a death")[0] == "dodsbo"


def test_an_updated_text_is_found_by_its_new_words_not_its_old(index: LexicalIndex) -> None:
    index.update(Document("barnehage", "Digitalt førerkort i appen", "initiative"))
    assert "barnehage" not in ids(index, "barnehageplass i kommunene")
    assert ids(index, "førerkort i appen")[0] == "barnehage"
    assert len(index) == len(DOCS)


def test_removed_ids_are_never_returned(index: LexicalIndex) -> None:
    index.remove("innkreving")
    index.remove("does-not-exist")
    assert "innkreving" not in index
    assert "innkreving" not in ids(index, "innkreving av statlige krav og gjeld", k=10)
    assert len(index) == len(DOCS) - 1


def test_compaction_keeps_results(index: LexicalIndex) -> None:
    index.update(Document("barnehage", "Samordnet opptak til barnehage i regionen", "initiative"))
    index.remove("dodsbo")
    before = index.query("opptak barnehage gjeld")
    index.compact()  # also re-freezes the average length, so scores may move a little
    after = index.query("opptak barnehage gjeld")
    assert [m.id for m in before] == [m.id for m in after]
    assert [m.score for m in after] == pytest.approx([m.score for m in before], abs=0.02)


def test_automatic_compaction_after_many_updates() -> None:
    index = LexicalIndex()
    for round_ in range(3):
        for i in range(600):
            index.update(
                Document(f"d{i}", f"tekst nummer {i} runde {round_} om gjeld", "initiative")
            )
    assert len(index) == 600
    assert index.query("runde 2 gjeld", k=1)[0].id.startswith("d")
    assert "runde 0" not in index.get(index.query("runde", k=1)[0].id).text  # type: ignore[union-attr]


def test_kinds_and_exclude_ids_filter(index: LexicalIndex) -> None:
    assert set(ids(index, "søknad gjeld oversikt", kinds={"proposal"})) <= {"oppstart", "dodsbo"}
    assert "dodsbo" not in ids(index, "oversikt over dødsboet", exclude_ids={"dodsbo"})


def test_scores_are_normalised_and_sorted(index: LexicalIndex) -> None:
    matches = index.query(DOCS[0].text)
    assert matches[0].id == "innkreving"
    assert matches[0].score == pytest.approx(1.0, abs=0.05)
    assert all(0.0 <= m.score <= 1.0 for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_empty_index_and_empty_query() -> None:
    index = build_index([])
    assert index.query("gjeld") == []
    index.add(DOCS)
    assert index.query("") == []
    assert index.query("og det er") == []
    assert index.query("gjeld", k=0) == []


def test_rebuild_relearns_and_keeps_documents(index: LexicalIndex) -> None:
    index.update(Document("ny", "Fiskekvoteregisteret for fiskekvoter", "proposal"))
    index.rebuild()
    assert len(index) == len(DOCS) + 1
    assert ids(index, "fiskekvoter")[0] == "ny"


def test_pruning_common_terms_keeps_the_top_results() -> None:
    """Common terms scored only for rare-term candidates: same top results."""
    words = [
        "gjeld",
        "skatt",
        "søknad",
        "bedrift",
        "barnehage",
        "arv",
        "flytting",
        "samtykke",
        "bank",
        "lån",
    ]
    docs = [
        Document(f"d{i}", " ".join(words[(i * j) % len(words)] for j in range(1, 8)) + f" unik{i}")
        for i in range(300)
    ]
    # Theme blending re-ranks the BM25 top; this is about the BM25 sums themselves.
    exact, pruned = LexicalIndex(theme_weight=0), LexicalIndex(theme_weight=0)
    exact.add(docs)
    pruned.add(docs)
    pruned.COMMON_SHARE, pruned.COMMON_MIN_POSTINGS, pruned.CANDIDATES = 0.2, 0, 50
    for i in (3, 77, 150):
        query = f"unik{i} unik{i + 1} gjeld skatt bank"
        assert [m.id for m in pruned.query(query, k=2)] == [m.id for m in exact.query(query, k=2)]


def test_pseudo_relevance_feedback_keeps_the_promises() -> None:
    index = build_index(DOCS, feedback_docs=2)
    matches = index.query("gjeld til staten", k=3)
    assert matches[0].id == "innkreving"
    assert all(0.0 <= m.score <= 1.0 for m in matches)
    assert "innkreving" not in [m.id for m in index.query("gjeld", exclude_ids={"innkreving"})]


def test_a_user_story_meets_the_initiative_on_its_topic_not_just_its_life_event() -> None:
    # The story shares no word with either text; both are about jobs, only one about losing one.
    docs = [
        Document("a", "Raskere dagpenger\nArbeidsledige får svar på søknaden innen en uke."),
        Document("b", "Bedre rekruttering\nStillingsannonser og jobbintervju samlet på ett sted."),
        Document("c", "Barnehageplass for nyfødte\nForeldre søker plass når barnet registreres."),
    ]
    story = "Jeg mistet jobben i vår og visste ikke hvordan jeg skulle klare meg."
    assert [m.id for m in build_index(docs).query(story, 1)] == ["a"]


THEMED = [
    Document("debt", "Gjeldsrådgivning før tvangsinnfordring og utlegg"),
    Document("kindergarten", "Hver måned får jeg svar fra barnehagen om plass og betaling"),
    Document("tax", "Forhåndsutfylt skattemelding for personlige skattytere"),
    Document("move", "Melde flytting og ny adresse ett sted"),
    Document("job", "Dagpenger når du mister jobben"),
]


def test_theme_profiles_lift_the_text_on_the_same_topic_and_lower_the_one_sharing_words() -> None:
    query = "Jeg får purringer og inkassovarsler hver måned"
    bm25 = {m.id: m.score for m in build_index(THEMED, theme_weight=0).query(query, k=5)}
    blended = {m.id: m.score for m in build_index(THEMED, theme_weight=1.0).query(query, k=5)}
    # Debt collection is the query's topic: its score rises. The kindergarten text
    # shares only everyday words ("hver måned"), no topic: its score falls.
    assert blended["debt"] > bm25["debt"]
    assert blended["kindergarten"] < bm25["kindergarten"]
    assert all(0.0 <= score <= 1.0 for score in blended.values())


def test_theme_blending_keeps_a_text_found_by_itself_at_full_score() -> None:
    index = build_index(THEMED, theme_weight=1.0)
    best = index.query(THEMED[0].text, k=1)[0]
    assert best.id == "debt" and best.score == pytest.approx(1.0)
