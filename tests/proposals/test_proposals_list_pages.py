"""The board and the list of a programme's proposals: what they show and to whom, the
filters (shared with the API), sorting, paging, and query counts that do not grow with the
number of proposals."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from nytte.portfolio.models import LifeEvent
from nytte.proposals.choices import Channel, Source, Stage, Track
from nytte.proposals.models import Proposal, Support
from tests.factories import OrganisationFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db
_batches = itertools.count(1)


def board_url(programme) -> str:
    return reverse("proposals:board", kwargs={"slug": programme.slug})


def list_url(programme) -> str:
    return reverse("proposals:proposal_list", kwargs={"slug": programme.slug})


def refs(response) -> list[str]:
    """The references in the list's table, in order."""
    return [p.reference for p in response.context["proposals"]]


def _many(programme, n: int) -> list[Proposal]:
    """``n`` proposals spread over every stage, source and track, each with two affected
    organisations, a life event and two supporters."""
    batch = next(_batches)
    orgs = [OrganisationFactory() for _ in range(2)]
    programme.participants.add(*orgs)
    event = LifeEvent.objects.create(name=f"Hendelse {batch}", slug=f"hendelse-{batch}")
    fans = [UserFactory() for _ in range(2)]
    start = Proposal.objects.filter(programme=programme).order_by("-number").first()
    first = (start.number if start else 0) + 1
    proposals = Proposal.objects.bulk_create(
        Proposal(
            programme=programme,
            number=first + i,
            title=f"Forslag {batch}-{i}",
            need="Behov",
            idea="Idé",
            stage=Stage.values[i % len(Stage.values)],
            source=Source.values[i % len(Source.values)],
            track=Track.values[i % len(Track.values)] if i % 2 else "",
            proposer=fans[0] if i % 3 == 0 else None,
            proposer_name="" if i % 3 == 0 else f"Person {i}",
        )
        for i in range(n)
    )
    for proposal in proposals:
        proposal.affected_organisations.set(orgs)
        proposal.life_events.set([event])
    Support.objects.bulk_create(Support(proposal=p, user=u) for p in proposals for u in fans)
    return proposals


# ---------------------------------------------------------------------------------------------
# The board


def test_the_board_has_a_column_per_open_stage_and_counts_the_side_exits(
    programme, viewer, client_for, english
):
    received = ProposalFactory(programme=programme, title="Varsel før inkasso")
    assessed = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT, source="supplier")
    ProposalFactory(programme=programme, stage=Stage.REJECTED)
    ProposalFactory(programme=programme, stage=Stage.PARKED)
    ProposalFactory(programme=programme, stage=Stage.PARKED)
    Support.objects.create(proposal=assessed, user=viewer)
    response = client_for(viewer, language="en").get(board_url(programme))
    assert response.status_code == 200
    columns = {c["stage"]: c for c in response.context["columns"]}
    assert list(columns) == [Stage.RECEIVED, Stage.HARMONISATION, Stage.ASSESSMENT, Stage.READY]
    assert [p.pk for p in columns[Stage.RECEIVED]["cards"]] == [received.pk]
    assert [p.pk for p in columns[Stage.ASSESSMENT]["cards"]] == [assessed.pk]
    assert columns[Stage.ASSESSMENT]["cards"][0].n_supports == 1
    assert columns[Stage.HARMONISATION]["cards"] == []
    exits = {e["stage"]: e["count"] for e in response.context["exits"]}
    assert exits == {Stage.PARKED: 2, Stage.REJECTED: 1, Stage.MERGED: 0}
    text = response.content.decode()
    # Accessible without dragging: a heading and an ordered list per column.
    assert '<h2 class="ds-heading flow-column__heading" data-size="xs" id="column-received-h">' in (
        text
    )
    assert text.count('<ol class="flow-cards">') == 2
    assert f"{list_url(programme)}?stage=parked" in text
    assert "Varsel før inkasso" in text and "Supplier" in text
    # A viewer cannot move anything.
    assert 'name="to"' not in text


def test_the_facilitator_can_move_cards_forward_from_the_board(programme, facilitator, client_for):
    for stage in (Stage.RECEIVED, Stage.HARMONISATION, Stage.ASSESSMENT, Stage.READY):
        ProposalFactory(programme=programme, stage=stage)
    text = client_for(facilitator).get(board_url(programme)).content.decode()
    assert text.count('name="next" value="board"') == 3  # not from "ready"
    for to in (Stage.HARMONISATION, Stage.ASSESSMENT, Stage.READY):
        assert f'name="to" value="{to}"' in text


def test_the_board_takes_the_lists_filters_but_not_its_stage_or_sort(
    programme, contributor, client_for
):
    mine = ProposalFactory(programme=programme, proposer=contributor, source="staff")
    ProposalFactory(programme=programme, source="supplier")
    response = client_for(contributor).get(board_url(programme), {"mine": "on", "stage": "ready"})
    cards = [p for column in response.context["columns"] for p in column["cards"]]
    assert cards == [mine]
    response = client_for(contributor).get(board_url(programme), {"source": "supplier"})
    assert [p.source for c in response.context["columns"] for p in c["cards"]] == ["supplier"]


def test_a_full_column_sends_the_rest_to_the_list(programme, viewer, client_for, monkeypatch):
    from nytte.proposals.views import flow as flow_views

    monkeypatch.setattr(flow_views, "BOARD_LIMIT", 2)
    for _ in range(5):
        ProposalFactory(programme=programme)
    response = client_for(viewer, language="en").get(board_url(programme))
    column = response.context["columns"][0]
    assert (len(column["cards"]), column["count"], column["more"]) == (2, 5, 3)
    assert "3 more in the list" in response.content.decode()


@pytest.mark.parametrize("page", ["board", "proposal_list"])
def test_the_pages_are_for_the_programmes_roles(programme, outsider, client, page):
    url = reverse(f"proposals:{page}", kwargs={"slug": programme.slug})
    assert client.get(url).status_code == 302  # to the login
    from django.test import Client

    other = Client()
    other.force_login(outsider)
    assert other.get(url).status_code == 404


def test_the_programme_page_links_to_the_board(programme, viewer, client_for):
    text = client_for(viewer).get(programme.get_absolute_url()).content.decode()
    assert board_url(programme) in text


# ---------------------------------------------------------------------------------------------
# The list


def test_the_list_filters_by_stage_source_channel_and_track(programme, viewer, client_for):
    a = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT, source="supplier")
    b = ProposalFactory(programme=programme, source="research", track=Track.PILOT)
    c = ProposalFactory(programme=programme, stage=Stage.PARKED)
    Proposal.objects.filter(pk=c.pk).update(channel=Channel.IMPORT)
    client = client_for(viewer)
    url = list_url(programme)
    assert refs(client.get(url, {"stage": ["assessment", "parked"]})) == [c.reference, a.reference]
    assert refs(client.get(url, {"source": "supplier"})) == [a.reference]
    assert refs(client.get(url, {"channel": "import"})) == [c.reference]
    assert refs(client.get(url, {"track": "pilot"})) == [b.reference]
    assert refs(client.get(url)) == [c.reference, b.reference, a.reference]  # newest first


def test_the_list_filters_by_organisation_life_event_and_words(programme, viewer, client_for):
    nav = OrganisationFactory(name="NAV")
    programme.participants.add(nav)
    bank = OrganisationFactory(name="Banken")  # not a participant, but named by a proposal
    event = LifeEvent.objects.create(name="Miste og finne jobb", slug="miste-og-finne-jobb")
    a = ProposalFactory(programme=programme, title="Trekk i lønn", need="Dobbelt trekk")
    a.affected_organisations.set([nav])
    b = ProposalFactory(programme=programme, title="eFaktura", idea="Betal i nettbanken")
    b.affected_organisations.set([nav, bank])
    b.life_events.set([event])
    client = client_for(viewer)
    url = list_url(programme)
    assert refs(client.get(url, {"organisation": nav.orgnr})) == [b.reference, a.reference]
    assert refs(client.get(url, {"organisation": bank.orgnr})) == [b.reference]
    assert refs(client.get(url, {"life_event": "miste-og-finne-jobb"})) == [b.reference]
    assert refs(client.get(url, {"q": "nettbanken"})) == [b.reference]
    assert refs(client.get(url, {"q": "DOBBELT lønn"})) == [a.reference]
    assert refs(client.get(url, {"q": a.reference})) == [a.reference]
    # An organisation nobody named is no choice: the filter says so and filters nothing.
    stranger = OrganisationFactory()
    response = client.get(url, {"organisation": stranger.orgnr})
    assert response.context["form"].errors["organisation"]


def test_mine_and_supported_are_about_the_person_asking(programme, contributor, client_for):
    mine = ProposalFactory(programme=programme, proposer=contributor)
    registered = ProposalFactory(programme=programme, created_by=contributor)
    backed = ProposalFactory(programme=programme)
    ProposalFactory(programme=programme)
    Support.objects.create(proposal=backed, user=contributor)
    client = client_for(contributor)
    url = list_url(programme)
    assert refs(client.get(url, {"mine": "on"})) == [registered.reference, mine.reference]
    assert refs(client.get(url, {"supported": "on"})) == [backed.reference]
    assert len(refs(client.get(url))) == 4


def test_the_list_sorts_stages_in_flow_order_and_by_supporters(programme, viewer, client_for):
    ready = ProposalFactory(programme=programme, stage=Stage.READY)
    received = ProposalFactory(programme=programme)
    parked = ProposalFactory(programme=programme, stage=Stage.PARKED)
    harm = ProposalFactory(programme=programme, stage=Stage.HARMONISATION)
    for user in UserFactory.create_batch(2):
        Support.objects.create(proposal=parked, user=user)
    Support.objects.create(proposal=ready, user=UserFactory())
    client = client_for(viewer)
    url = list_url(programme)
    flow = [received.reference, harm.reference, ready.reference, parked.reference]
    assert refs(client.get(url, {"sort": "stage"})) == flow
    assert refs(client.get(url, {"sort": "-stage"})) == flow[::-1]
    by_support = refs(client.get(url, {"sort": "-supporters"}))
    assert by_support[:2] == [parked.reference, ready.reference]
    response = client.get(url, {"sort": "-stage"})
    headers = {c["key"]: c["aria_sort"] for c in response.context["columns"] if c["key"]}
    assert headers["stage"] == "descending" and headers["title"] == "none"


def test_every_page_counts_each_proposals_own_supporters(
    programme, viewer, facilitator, client_for
):
    """Counted per proposal whatever else the query joins or filters on (its organisations,
    the board's numbering, the API's lines), and zero for none."""
    none, one, three = (ProposalFactory(programme=programme) for _ in range(3))
    orgs = [OrganisationFactory() for _ in range(2)]
    programme.participants.add(*orgs)
    for proposal in (none, one, three):
        proposal.affected_organisations.set(orgs)
    Support.objects.create(proposal=one, user=viewer)
    for user in UserFactory.create_batch(3):
        Support.objects.create(proposal=three, user=user)
    expected = {none.reference: 0, one.reference: 1, three.reference: 3}
    client = client_for(viewer)
    for query in ({}, {"sort": "-supporters"}, {"organisation": orgs[0].orgnr}):
        response = client.get(list_url(programme), query)
        counts = {p.reference: p.n_supports for p in response.context["proposals"]}
        assert counts == expected, query
    assert refs(client.get(list_url(programme), {"sort": "-supporters"})) == [
        three.reference,
        one.reference,
        none.reference,
    ]
    board = client.get(board_url(programme), {"organisation": orgs[1].orgnr})
    cards = board.context["columns"][0]["cards"]
    assert {p.reference: p.n_supports for p in cards} == expected
    api = client_for(facilitator).get(f"/api/v1/programmes/{programme.slug}/proposals")
    assert {p["reference"]: p["supporters"] for p in api.json()["items"]} == expected


def test_a_card_links_to_its_proposal_and_moves_it_forward(programme, facilitator, client_for):
    card = ProposalFactory(programme=programme, stage=Stage.HARMONISATION, track=Track.PILOT)
    response = client_for(facilitator, language="en").get(board_url(programme))
    text = response.content.decode()
    assert f'href="{card.get_absolute_url()}"' in text
    move = reverse("proposals:move", kwargs={"slug": programme.slug, "number": card.number})
    assert f'action="{move}"' in text
    assert "Move to assessment" in text
    assert "<dd>Pilot or experiment</dd>" in text
    received = timezone.localtime(card.created_at).isoformat()
    assert f'<time datetime="{received}">' in text


def test_the_list_pages_through_fifty_at_a_time(programme, viewer, client_for):
    _many(programme, 53)
    client = client_for(viewer)
    first = refs(client.get(list_url(programme)))
    second = refs(client.get(list_url(programme), {"page": 2}))
    assert (len(first), len(second)) == (50, 3)
    assert not set(first) & set(second)


def test_an_outside_proposers_name_is_shown_to_facilitators_only(
    programme, facilitator, viewer, client_for, english
):
    ProposalFactory(programme=programme, proposer_name="Kari Nordmann", proposer_email="k@x.no")
    colleague = ProposalFactory(programme=programme, proposer=UserFactory(full_name="Ola Hansen"))
    assert colleague.proposer.display_name == "Ola Hansen"
    seen = client_for(facilitator, language="en").get(list_url(programme)).content.decode()
    hidden = client_for(viewer, language="en").get(list_url(programme)).content.decode()
    assert "Kari Nordmann" in seen and "Ola Hansen" in seen
    assert "Kari Nordmann" not in hidden and "Ola Hansen" in hidden
    assert "Someone outside the programme" in hidden


def test_htmx_gets_only_the_results(programme, viewer, client_for):
    ProposalFactory(programme=programme, title="Bare resultatene")
    response = client_for(viewer).get(list_url(programme), HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="results"')
    assert "Bare resultatene" in text
    response = client_for(viewer).get(board_url(programme), HTTP_HX_REQUEST="true")
    assert response.content.decode().lstrip().startswith('<div id="board"')


# ---------------------------------------------------------------------------------------------
# Query counts


@pytest.mark.parametrize("page", ["board", "proposal_list"])
@pytest.mark.parametrize("who", ["facilitator", "viewer"])
def test_query_counts_do_not_grow_with_the_proposals(
    programme, client_for, request, django_assert_max_num_queries, pinned_queries, page, who
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = request.getfixturevalue(who)
    client = client_for(user)
    url = reverse(f"proposals:{page}", kwargs={"slug": programme.slug})
    params = {"mine": "on"} if page == "board" else {"sort": "stage"}
    _many(programme, 3)
    client.get(url)  # warm the session and caches
    requests = {"filtered": params, "plain": {}}
    few = {}
    for kind, query in requests.items():
        with CaptureQueriesContext(connection) as few[kind]:
            assert client.get(url, query).status_code == 200
    _many(programme, 30)
    for kind, query in requests.items():  # each request pinned on its own
        with (
            django_assert_max_num_queries(len(few[kind].captured_queries)),
            pinned_queries(f"{page}, {kind} ({who})"),
        ):
            assert client.get(url, query).status_code == 200
