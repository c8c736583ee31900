"""The bridge between the text matcher and the database: what is suggested, what never is,
that the index follows edits and deletions made anywhere, and that a query costs a fixed
number of database queries."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nytte.portfolio import services as portfolio_services
from nytte.portfolio.models import Initiative
from nytte.proposals import matching, services
from nytte.proposals.choices import Stage
from nytte.proposals.models import Proposal
from tests.factories import InitiativeFactory, ProposalFactory

pytestmark = pytest.mark.django_db

TOPICS = [
    ("Digitalt dødsbo", "Arvinger får oversikt over dødsboet og kan skifte det digitalt."),
    ("Barnehageplass", "Foreldre søker barnehageplass for barnet i kommunen på ett sted."),
    ("Arbeidstillatelse", "Arbeidsinnvandrere får behandlet søknaden om oppholdstillatelse raskt."),
    ("Bompenger", "Bilister betaler bompenger og fergebilletter automatisk."),
    ("Lærlingplass", "Ungdom finner lærebedrift og lærlingplass gjennom en felles tjeneste."),
    ("Skattekort", "Nye arbeidstakere får skattekortet sitt uten å søke om det."),
]


@pytest.fixture(autouse=True)
def _fresh_indexes():
    """Each test builds its programme's index anew (primary keys are reused)."""
    matching.reset()
    yield
    matching.reset()


@pytest.fixture
def portfolio(programme):
    """Initiatives on unrelated topics, and one on state debt collection."""
    for n, (title, text) in enumerate(TOPICS, start=1):
        InitiativeFactory(programme=programme, code=f"FI-{n}", title=title, description=text)
    return InitiativeFactory(
        programme=programme,
        code="FI-99",
        title="Samordnet innkreving av statlige krav",
        description=(
            "Statens krav mot skyldnere samles i én innkrevingsløsning for alle etater, "
            "så skyldneren får én betalingsplan i stedet for mange."
        ),
    )


def ids(suggestions):
    return [(s.kind, s.obj.pk) for s in suggestions]


def test_the_obvious_near_duplicate_comes_first_with_why(programme, portfolio):
    text = "Én felles innkreving av statens krav, med én betalingsplan for skyldneren"
    found = matching.similar(programme, text)
    assert found, "the near-duplicate must be found"
    first = found[0]
    assert (first.kind, first.obj) == ("initiative", portfolio)
    assert first.reference == "FI-99"
    assert 0 < first.score <= 1
    assert all(a.score >= b.score for a, b in itertools.pairwise(found))
    # Why: sentences of the initiative with the words that matched, marked.
    marked = {text.lower() for why in first.passages for text, hit in why.segments if hit}
    assert {"betalingsplan", "krav"} <= marked
    assert any(why.field for why in first.passages)  # which field the sentence is from
    assert "betalingsplan" in {t.lower() for t in first.terms}


def test_a_proposal_is_found_and_can_be_left_out(programme, portfolio):
    proposal = ProposalFactory(
        programme=programme,
        title="Varsel før inkasso",
        need="Skyldnere får ikke vite om kravet før det går til inkasso.",
        idea="Send et varsel i god tid før inkasso.",
    )
    found = matching.similar(programme, "varsel om krav før inkasso")
    assert ("proposal", proposal.pk) == ids(found)[0]
    assert found[0].reference == proposal.reference
    left_out = matching.similar(programme, "varsel om krav før inkasso", exclude_proposal=proposal)
    assert ("proposal", proposal.pk) not in ids(left_out)


def test_merged_rejected_and_deleted_texts_are_never_suggested(
    programme, portfolio, facilitator, django_capture_on_commit_callbacks
):
    text = "varsel om krav før inkasso"
    need = {"need": "Skyldnere får ikke vite om kravet før inkasso.", "idea": "Send varsel."}
    merged = ProposalFactory(programme=programme, title="Varsel før inkasso", **need)
    rejected = ProposalFactory(programme=programme, title="Inkassovarsel", **need)
    kept = ProposalFactory(programme=programme, title="Tidlig varsel", **need)
    before = ids(matching.similar(programme, text, k=10))  # the index is built now
    assert {("proposal", merged.pk), ("proposal", rejected.pk)} <= set(before)

    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_merge(proposal=merged, into=kept, acting_user=facilitator)
        services.proposal_move(
            proposal=rejected, to=Stage.REJECTED, reason="Utenfor mandatet", acting_user=facilitator
        )
    portfolio_services.initiative_delete(initiative=portfolio, acting_user=facilitator)

    after = ids(matching.similar(programme, text, k=10))
    assert ("proposal", merged.pk) not in after
    assert ("proposal", rejected.pk) not in after
    assert ("proposal", kept.pk) in after
    gone = ids(matching.similar(programme, "samordnet innkreving av statlige krav", k=10))
    assert ("initiative", portfolio.pk) not in gone


def test_the_index_follows_an_edited_initiative(programme, portfolio, facilitator):
    assert ids(matching.similar(programme, "samordnet innkreving betalingsplan"))[0] == (
        "initiative",
        portfolio.pk,
    )
    portfolio_services.initiative_update(
        initiative=portfolio,
        data={
            "title": "Felles vergemål",
            "description": "Verger får fullmakt digitalt og slipper papirskjema.",
        },
        acting_user=facilitator,
    )
    new = ids(matching.similar(programme, "fullmakt for verger"))
    assert new and new[0] == ("initiative", portfolio.pk)  # new words are found
    old = ids(matching.similar(programme, "samordnet innkreving betalingsplan"))
    assert ("initiative", portfolio.pk) not in old  # old words are not


def test_a_new_text_is_found_without_rebuilding(programme, portfolio):
    matching.similar(programme, "innkreving")  # built
    fresh = InitiativeFactory(
        programme=programme, title="Sykepenger", description="Sykmeldte får sykepenger raskere."
    )
    assert ids(matching.similar(programme, "sykepenger for sykmeldte"))[0] == (
        "initiative",
        fresh.pk,
    )


def test_a_write_that_bypasses_updated_at_is_caught_by_the_periodic_check(
    programme, portfolio, monkeypatch
):
    matching.similar(programme, "innkreving")  # built
    Initiative.objects.filter(pk=portfolio.pk).update(description="Verger får fullmakt digitalt.")
    monkeypatch.setattr(matching.index, "RECONCILE_SECONDS", -1.0)
    assert ids(matching.similar(programme, "fullmakt for verger"))[0] == (
        "initiative",
        portfolio.pk,
    )


def test_other_programmes_texts_stay_in_their_own_index(programme, other_programme, portfolio):
    elsewhere = InitiativeFactory(
        programme=other_programme,
        title="Samordnet innkreving av statlige krav",
        description=portfolio.description,
    )
    found = ids(matching.similar(programme, "samordnet innkreving av statlige krav", k=20))
    assert ("initiative", elsewhere.pk) not in found
    assert ("initiative", portfolio.pk) in found


def _populate(programme, n: int) -> None:
    """``n`` initiatives and proposals on debt collection, and one of each the query below
    describes, so its suggestions are of both kinds whatever ``n`` is."""
    for i in range(n):
        InitiativeFactory(
            programme=programme,
            title=f"Innkreving {i}",
            description=f"Krav nummer {i} mot skyldnere samles i innkrevingsløsningen.",
        )
        ProposalFactory(
            programme=programme,
            title=f"Betalingsplan {i}",
            need="Skyldnere har krav fra mange etater.",
            idea=f"Én betalingsplan for krav {i}.",
        )
    InitiativeFactory(
        programme=programme, title="Digitalt vergemål", description="Verger får fullmakt digitalt."
    )
    ProposalFactory(
        programme=programme,
        title="Barnehageplass",
        need="Foreldre venter på barnehageplass.",
        idea="Tildel plass raskere.",
    )


def _queries(programme, text: str) -> tuple[int, set[str]]:
    with CaptureQueriesContext(connection) as ctx:
        found = matching.similar(programme, text, k=6)
    return len(ctx.captured_queries), {s.kind for s in found}


# Matches one initiative and one proposal best, and the others loosely: both kinds.
BOTH = "fullmakt for verger, barnehageplass for foreldre, krav mot skyldnere"


@pytest.mark.parametrize("n", [3, 30])
def test_a_query_costs_a_fixed_number_of_queries(
    programme, n, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(matching.index, "RECONCILE_SECONDS", 3600.0)  # however slow the machine
    _populate(programme, n)
    text = BOTH
    matching.similar(programme, text)  # the first query builds the index
    with django_assert_max_num_queries(3):  # signature + one fetch per kind
        found = matching.similar(programme, text, k=6)
    assert len(found) == 6
    assert {s.kind for s in found} == {"initiative", "proposal"}
    # After a change: the same, plus two reads for each changed kind and two for the changed
    # rows' organisations and life events.
    ProposalFactory(programme=programme, title="Ny betalingsplan", need="Krav.", idea="Plan.")
    with django_assert_max_num_queries(7):
        matching.similar(programme, text, k=5)
    # Once the change is in, the index knows its own signature again: no rows are compared.
    with django_assert_max_num_queries(3):
        matching.similar(programme, text, k=5)


def test_query_count_does_not_grow_with_the_programme(programme, other_programme, monkeypatch):
    monkeypatch.setattr(matching.index, "RECONCILE_SECONDS", 3600.0)
    _populate(programme, 3)
    _populate(other_programme, 30)
    matching.similar(programme, BOTH)
    matching.similar(other_programme, BOTH)
    small = _queries(programme, BOTH)
    large = _queries(other_programme, BOTH)
    assert small == large == (3, {"initiative", "proposal"})


def test_score_of_gives_the_servers_score_for_one_target(programme, portfolio):
    proposal = ProposalFactory(
        programme=programme,
        title="Én betalingsplan",
        need="Skyldnere har krav fra mange etater.",
        idea="Samle statens krav i én innkreving med én betalingsplan.",
    )
    score = matching.score_of(programme, proposal, "initiative", portfolio.pk)
    assert score is not None and 0 < score <= 1
    unrelated = Initiative.objects.get(programme=programme, code="FI-1")  # dødsbo
    assert (matching.score_of(programme, proposal, "initiative", unrelated.pk) or 0) < score


def test_mark_flags_whole_words_only():
    segments = matching.mark("Kravet og krav, krave.", ["krav"])
    assert [text for text, hit in segments if hit] == ["krav"]
    assert "".join(text for text, _hit in segments) == "Kravet og krav, krave."


def test_a_marked_sentence_is_escaped_around_its_marks():
    text = "<b>Krav</b> & krav."
    why = matching.Why(text=text, field="", terms=("krav",), segments=matching.mark(text, ["krav"]))
    assert why.marked == "&lt;b&gt;<mark>Krav</mark>&lt;/b&gt; &amp; <mark>krav</mark>."


def test_parse_target():
    assert matching.parse_target("initiative:12") == ("initiative", 12)
    assert matching.parse_target("proposal:3") == ("proposal", 3)
    assert matching.parse_target("benefit:3") is None
    assert matching.parse_target("proposal:x") is None


def test_proposal_document_text_has_all_its_fields(programme):
    proposal = ProposalFactory(
        programme=programme, title="T", need="N", idea="I", expected_benefits="B"
    )
    assert matching.document_text(proposal) == "T\nN\nI\nB"
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.RECEIVED


def test_why_prefers_a_passage_beyond_the_title(programme, portfolio):
    found = matching.similar(programme, "samordnet innkreving av statlige krav og betalingsplan")
    first = found[0]
    assert first.obj == portfolio
    assert any(why.text == portfolio.title for why in first.passages)
    assert first.why is not None and first.why.text != portfolio.title
    only_title = matching.Suggestion(
        kind="initiative", obj=portfolio, score=0.5, passages=first.passages[:0]
    )
    assert only_title.why is None
