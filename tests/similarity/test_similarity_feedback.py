"""Bands, structured signals, confirmed links, taught words and the saved index (pure core)."""

from __future__ import annotations

import pytest

from nytte.similarity import Band, Bands, Document, Signals, SignalWeights, build_index, persist
from nytte.similarity.bands import DEFAULT_BANDS, fit_bands
from nytte.similarity.documents import TAUGHT_AT

DEBT = "Samordnet innkreving av statlige krav. Én betalingsplan for skyldnere med gjeld."
ROADS = "Bompenger og ferjebilletter samlet. Bilisten får én faktura for vegavgifter."
FILLER = [
    "Nytt arkivsystem for byggesaker i kommunen.",
    "Felles kantine for departementene i regjeringskvartalet.",
    "Værdata for bønder og fiskere fra flere målestasjoner.",
]


def docs(**meta: dict) -> list[Document]:
    texts = {"debt": DEBT, "roads": ROADS} | {f"f{i}": t for i, t in enumerate(FILLER)}
    return [Document(i, t, "initiative", meta.get(i, {})) for i, t in texts.items()]


def test_bands_split_scores_at_their_thresholds():
    bands = Bands(likely=0.7, possible=0.4)
    assert [bands.of(s) for s in (0.95, 0.7, 0.69, 0.4, 0.39, 0.0)] == [
        Band.LIKELY,
        Band.LIKELY,
        Band.POSSIBLE,
        Band.POSSIBLE,
        Band.WEAK,
        Band.WEAK,
    ]
    assert DEFAULT_BANDS.likely > DEFAULT_BANDS.possible > 0


def test_bands_discount_a_score_resting_on_few_words():
    bands = Bands(likely=0.7, possible=0.4, words=4.0)
    # 0.8 on four words or more stays 0.8; on two words it counts as 0.4, on one as 0.2.
    assert [bands.of(0.8, w) for w in (6.0, 4.0, 2.0, 1.0, 0.0)] == [
        Band.LIKELY,
        Band.LIKELY,
        Band.POSSIBLE,
        Band.WEAK,
        Band.WEAK,
    ]
    assert bands.score(0.8, 2.0) == pytest.approx(0.4)
    assert bands.of(0.8) == Band.LIKELY  # not measured: the plain score
    assert Bands(likely=0.7, possible=0.4).of(0.8, 1.0) == Band.LIKELY  # words 0: off
    # A query offering two words itself is held to two, not four.
    assert bands.of(0.8, 2.0, query_words=2.0) == Band.LIKELY
    assert bands.of(0.8, 1.0, query_words=2.0) == Band.POSSIBLE
    assert DEFAULT_BANDS.words > 1


BENEFIT = [
    Document("auto", "Barnetrygd uten søknad ved fødsel. NAV utbetaler barnetrygd automatisk."),
    Document("rate", "Høyere barnetrygd for tenåringer. Tenåringer koster mer, og satsen bør øke."),
    *(Document(f"f{i}", t) for i, t in enumerate(FILLER)),
]


def test_a_match_resting_on_one_shared_word_counts_one_word():
    """The near-miss shares only "barnetrygd" (and the themes it brings); the related
    text shares the request itself: higher, teenagers, cost."""
    index = build_index(BENEFIT)
    found = {
        m.id: m
        for m in index.query("Barnetrygden bør være høyere for tenåringer som koster mye.", 5)
    }
    assert found["auto"].words == pytest.approx(1.0)
    assert found["rate"].words is not None and found["rate"].words > 2.5
    # On the plain score both would be at least possibly related; discounted, only one.
    bands = Bands(likely=0.9, possible=0.4, words=3.0)
    assert bands.of(found["auto"].score) != Band.WEAK
    assert bands.of(found["auto"].score, found["auto"].words) == Band.WEAK
    assert bands.of(found["rate"].score, found["rate"].words) != Band.WEAK


def test_a_short_title_is_held_to_the_words_it_offers():
    index = build_index(BENEFIT)
    [best, *_rest] = index.query("Høyere barnetrygd for tenåringer", 5)
    assert best.id == "rate"
    assert best.query_words is not None and best.query_words < DEFAULT_BANDS.words
    assert best.words == pytest.approx(best.query_words, rel=0.25)
    held = Bands(likely=0.7, possible=0.4, words=DEFAULT_BANDS.words)
    assert held.of(best.score, best.words) != held.of_match(best) == Band.LIKELY


def test_a_target_found_through_a_link_rests_on_its_sources_words():
    index = build_index(BENEFIT)
    index.link("rate", "f1")
    found = {m.id: m for m in index.query("Tenåringer koster mer, satsen bør være høyere.", 5)}
    assert found["f1"].via == "rate"
    assert found["f1"].words == pytest.approx(found["rate"].words)
    assert found["f1"].words > 1.5


def test_fit_bands_keeps_likely_precise_and_no_match_proposals_quiet():
    shown = [(0.9, True), (0.8, True), (0.75, True), (0.6, False), (0.55, True), (0.3, False)]
    no_match_tops = [0.1, 0.2, 0.25, 0.3, 0.5]
    bands = fit_bands(shown, no_match_tops, likely_precision=0.9, quiet_share=0.8)
    # Above 0.61 everything shown is related; at 0.6 a quarter is not.
    assert bands.likely == pytest.approx(0.61)
    # The lowest threshold that keeps four of the five no-match proposals below it.
    assert bands.possible == pytest.approx(0.31)


def test_a_shared_organisation_lifts_a_candidate_and_is_reported():
    meta = {"debt": {"organisations": ["ske"]}, "roads": {"organisations": ["svv"]}}
    index = build_index(docs(**meta), signal_weights=SignalWeights(organisation=0.3))
    text = "Én faktura for alt jeg skylder"
    plain = {m.id: m.score for m in index.query(text, 5)}
    lifted = {
        m.id: m for m in index.query(text, 5, signals=Signals(organisations=frozenset({"svv"})))
    }
    assert lifted["roads"].score > plain["roads"]
    assert dict(lifted["roads"].shared) == {"organisations": ("svv",)}
    assert lifted["debt"].shared == ()


def test_a_shared_life_event_is_a_reason_even_at_weight_zero():
    meta = {"debt": {"life_events": ["7"]}}
    index = build_index(docs(**meta), signal_weights=SignalWeights(life_event=0.0))
    match = index.query(DEBT, 1, signals=Signals(life_events=frozenset({"7"})))[0]
    assert match.id == "debt"
    assert dict(match.shared) == {"life_events": ("7",)}


def test_a_confirmed_link_carries_the_linked_texts_score_to_its_target():
    corpus = [*docs(), Document("story", "Purringer fra fem steder på bilen min", "proposal")]
    index = build_index(corpus, link_weight=0.8)
    query = "Jeg får purringer fra fem ulike steder for bilen"
    before = {m.id: m.score for m in index.query(query, 5)}
    index.link("story", "roads")
    after = {m.id: m for m in index.query(query, 5)}
    assert after["roads"].score == pytest.approx(0.8 * after["story"].score)
    assert after["roads"].score > before.get("roads", 0.0)
    assert after["roads"].via == "story"
    # Only the kinds asked for come back, though the link's source is a proposal.
    assert {m.id for m in index.query(query, 5, kinds={"initiative"})} >= {"roads"}
    assert "story" not in {m.id for m in index.query(query, 5, kinds={"initiative"})}
    # A dismissed (excluded) target is never carried back in.
    assert "roads" not in {m.id for m in index.query(query, 5, exclude_ids={"roads"})}
    index.unlink("story", "roads")
    assert index.links() == set()


def test_taught_words_find_a_text_at_a_lower_weight_without_lengthening_it():
    story = "Purringer fra fem steder"
    plain = Document("roads", ROADS, "initiative")
    taught = Document("roads", f"{ROADS}\n{story}", "initiative", {TAUGHT_AT: len(ROADS) + 1})
    full = build_index([*docs()[2:], Document("debt", DEBT), plain])
    half = build_index([*docs()[2:], Document("debt", DEBT), taught], learned_weight=0.5)
    assert "roads" not in {m.id for m in full.query(story, 5)}
    assert half.query(story, 1)[0].id == "roads"
    as_own = build_index([*docs()[2:], Document("debt", DEBT), Document("roads", taught.text)])
    assert half.query(story, 1)[0].score < as_own.query(story, 1)[0].score


def test_a_saved_index_loads_memory_mapped_answers_the_same_and_stays_updatable(tmp_path):
    meta = {"roads": {"organisations": ["svv"]}}
    index = build_index([*docs(**meta), Document("p1", "Purringer på bilen", "proposal")])
    index.link("p1", "roads")
    index.update(Document("f0", "Nytt arkivsystem for byggesaker og plansaker.", "initiative"))
    path = tmp_path / "index.idx"
    persist.save(index, path, {"seen": {"x": 1}})
    loaded, extra = persist.load(path)
    assert extra == {"seen": {"x": 1}}
    assert not loaded._postings[0].slots.flags.writeable  # mapped read-only from the file
    signals = Signals(organisations=frozenset({"svv"}))
    for text in (DEBT, "bompenger for bilen", "purringer"):
        want = [(m.id, round(m.score, 6), m.via) for m in index.query(text, 5, signals=signals)]
        got = [(m.id, round(m.score, 6), m.via) for m in loaded.query(text, 5, signals=signals)]
        assert got == want
    # Texts are read from the mapped file; meta comes back from the stored signals.
    assert loaded.get("roads") == Document("roads", ROADS, "initiative")
    assert loaded.get("roads").meta == {"organisations": ["svv"]}
    loaded.update(Document("debt", "Fiskekvoter for kystflåten.", "initiative"))
    loaded.add([Document("new", "Samordnet innkreving av statlige krav fra alle etater.")])
    assert loaded.query(DEBT, 1)[0].id == "new"
    loaded.compact()
    assert loaded.query("fiskekvoter", 1)[0].id == "debt"
    loaded.rebuild()  # re-analyses every text, the mapped ones included, signals kept
    match = loaded.query("bompenger for bilen", 1, signals=signals)[0]
    assert (match.id, dict(match.shared)) == ("roads", {"organisations": ("svv",)})


def test_a_missing_or_foreign_file_is_no_index(tmp_path):
    assert persist.load(tmp_path / "none.idx") is None
    (tmp_path / "junk.idx").write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00junk!")
    assert persist.load(tmp_path / "junk.idx") is None
