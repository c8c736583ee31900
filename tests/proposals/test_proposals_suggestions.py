"""Harmonisation suggestions with calibrated bands, reasons and dismissals: the tab, the
typing box, the API, learning from confirmed links, and the saved index."""

from __future__ import annotations

import threading

import pytest
from django.test import Client
from django.urls import reverse

from nytte.core.actors import SYSTEM
from nytte.core.models import ChangeLogEntry
from nytte.proposals import matching, services
from nytte.proposals.choices import LinkKind
from nytte.proposals.matching import index as index_module
from nytte.proposals.matching import store
from nytte.proposals.models import Dismissal, Proposal
from nytte.similarity import Band
from tests.api.test_api_core import bearer
from tests.factories import InitiativeFactory, OrganisationFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_indexes():
    matching.reset()
    yield
    matching.reset()


@pytest.fixture
def nav(db):
    return OrganisationFactory(name="Arbeids- og velferdsetaten", short_name="NAV")


@pytest.fixture
def world(programme, nav):
    """A debt initiative, a job initiative owned by NAV, a proposal like the first, and an
    unrelated proposal that nothing matches closely."""
    debt = InitiativeFactory(
        programme=programme,
        code="FI-1",
        title="Samordnet innkreving av statlige krav",
        description="Statens krav mot skyldnere samles i én innkrevingsløsning for alle etater.",
    )
    job = InitiativeFactory(
        programme=programme,
        code="FI-2",
        title="Raskere dagpenger",
        description="Dagpenger utbetales raskere når arbeidsgiveren har meldt oppsigelsen.",
        owner_organisation=nav,
    )
    for i in range(6):
        InitiativeFactory(
            programme=programme,
            title=f"Arkivsystem {i}",
            description="Nytt sak- og arkivsystem for etatens saksbehandlere.",
        )
    close = ProposalFactory(
        programme=programme,
        title="Felles innkreving av statens krav",
        need="Skyldnere med krav fra flere etater mister oversikten.",
        idea="Samle innkrevingen av statlige krav i én løsning for alle etater.",
    )
    lonely = ProposalFactory(
        programme=programme,
        title="Gatelys på skoleveien",
        need="Skoleveien er mørk om vinteren.",
        idea="Sett opp gatelys langs veien.",
    )
    return {"debt": debt, "job": job, "close": close, "lonely": lonely}


def tab(client: Client, proposal: Proposal):
    return client.get(proposal.get_absolute_url() + "?tab=harmonisation")


def dismiss_url(proposal: Proposal) -> str:
    return reverse(
        "proposals:harmonise_dismiss",
        kwargs={"slug": proposal.programme.slug, "number": proposal.number},
    )


def api_base(proposal: Proposal) -> str:
    return f"/api/v1/programmes/{proposal.programme.slug}/proposals/{proposal.number}"


def test_the_tab_shows_bands_not_bare_percentages(world, facilitator, client_for):
    response = tab(client_for(facilitator, language="en"), world["close"])
    first = response.context["suggestion_rows"][0]["suggestion"]
    assert first.obj == world["debt"] and first.band == Band.LIKELY
    html = response.content.decode()
    assert "Likely the same thing" in html
    assert "<meter" not in html


def test_nothing_close_says_so_and_keeps_the_weak_list_to_expand(world, facilitator, client_for):
    response = tab(client_for(facilitator, language="en"), world["lonely"])
    assert response.context["suggestion_rows"] == []
    html = response.content.decode()
    assert "No close match among 8 initiatives and 1 proposal." in html
    weak = response.context["weak_rows"]
    if weak:  # whatever shares a word is folded away, not hidden
        assert 'id="harmonise-weak"' in html
        assert all(r["suggestion"].band == Band.WEAK for r in weak)


def test_the_same_message_in_bokmal(world, facilitator, client_for):
    html = tab(client_for(facilitator, language="nb"), world["lonely"]).content.decode()
    assert "Ingen nære treff blant 8 tiltak og 1 forslag." in html


def test_a_dismissed_suggestion_is_never_suggested_again_either_way(
    programme, world, facilitator, client_for
):
    twin = ProposalFactory(
        programme=programme,
        title="Én innkreving av statlige krav",
        need="Skyldnere mister oversikten over krav fra flere etater.",
        idea="All innkreving av statens krav i én løsning.",
    )
    client = client_for(facilitator, language="en")
    targets = {r["suggestion"].obj for r in tab(client, world["close"]).context["suggestion_rows"]}
    assert {world["debt"], twin} <= targets
    response = client.post(dismiss_url(world["close"]), {"target": f"proposal:{twin.pk}"})
    assert response.status_code == 302
    dismissal = Dismissal.objects.get()
    assert (dismissal.proposal, dismissal.target_proposal, dismissal.dismissed_by) == (
        world["close"],
        twin,
        facilitator,
    )
    assert ChangeLogEntry.objects.filter(object_id=str(dismissal.pk), action="create").exists()
    rows = tab(client, world["close"]).context
    shown = {r["suggestion"].obj for r in rows["suggestion_rows"] + rows["weak_rows"]}
    assert twin not in shown and world["debt"] in shown
    assert rows["dismissals"] == [dismissal]
    # Nor the other way round.
    back = tab(client, twin).context
    assert world["close"] not in {
        r["suggestion"].obj for r in back["suggestion_rows"] + back["weak_rows"]
    }
    # Taken back: suggested again.
    client.post(
        reverse(
            "proposals:harmonise_dismissal_delete",
            kwargs={"slug": programme.slug, "number": world["close"].number, "pk": dismissal.pk},
        )
    )
    again = tab(client, world["close"]).context["suggestion_rows"]
    assert twin in {r["suggestion"].obj for r in again}


def test_only_facilitators_dismiss(world, contributor, client_for):
    response = client_for(contributor).post(
        dismiss_url(world["close"]), {"target": f"initiative:{world['debt'].pk}"}
    )
    assert response.status_code == 403
    assert not Dismissal.objects.exists()


def test_a_confirmed_link_teaches_the_index_and_the_tab_says_so(
    programme, world, facilitator, client_for
):
    earlier = ProposalFactory(
        programme=programme,
        title="Mistet jobben og venter på pengene",
        need="Jeg mistet jobben og har ventet i seks uker på første utbetaling.",
        idea="Betal ut før husleia forfaller.",
    )
    later = ProposalFactory(
        programme=programme,
        title="Venter på pengene etter at jeg mistet jobben",
        need="Etter at jeg mistet jobben har jeg ventet uker på første utbetaling.",
        idea="Pengene må komme før husleia forfaller.",
    )
    client = client_for(facilitator, language="en")

    def suggestion_for(initiative):
        context = tab(client, later).context
        rows = context["suggestion_rows"] + context["weak_rows"]
        return next((r["suggestion"] for r in rows if r["suggestion"].obj == initiative), None)

    before = suggestion_for(world["job"])
    services.link_create(
        proposal=earlier, kind=LinkKind.OVERLAP, target_initiative=world["job"], acting_user=SYSTEM
    )
    after = suggestion_for(world["job"])
    assert after is not None and after.via == earlier
    assert before is None or after.score > before.score
    html = tab(client, later).content.decode()
    assert f"Found through {earlier.reference}" in html


def test_shared_organisations_and_life_events_are_shown_as_reasons(
    programme, world, nav, facilitator, client_for
):
    from tests.factories import LifeEventFactory

    event = LifeEventFactory(name="Miste og finne jobb", slug="miste-og-finne-jobb")
    world["job"].life_events.add(event)
    proposal = ProposalFactory(
        programme=programme,
        title="Dagpenger før husleia",
        need="Dagpenger kommer for sent etter oppsigelsen.",
        idea="Utbetal dagpenger raskere.",
    )
    proposal.affected_organisations.add(nav)
    proposal.life_events.add(event)
    matching.reset()
    html = tab(client_for(facilitator, language="en"), proposal).content.decode()
    assert "same life event: Miste og finne jobb" in html
    assert "both involve NAV" in html


def test_the_typing_box_folds_weak_matches(programme, world, contributor, client_for):
    url = reverse("proposals:similar", kwargs={"slug": programme.slug})
    client = client_for(contributor, language="en")
    close = client.get(url, {"title": "Innkreving av statlige krav", "need": "Krav fra etater"})
    assert close.context["suggestions"].close
    assert "Likely the same thing" in close.content.decode() or "Possibly related" in (
        close.content.decode()
    )
    lonely = client.get(url, {"title": "Fiskekvoter for kystflåten", "need": "Kvotene er små"})
    html = lonely.content.decode()
    assert "No close match among 8 initiatives and 2 proposals." in html


def test_the_api_gives_bands_reasons_and_takes_dismissals(world, facilitator, viewer):
    base = api_base(world["close"])
    body = Client(**bearer(viewer)).get(base + "/similar").json()
    assert body["n_initiatives"] == 8 and body["close"] >= 1
    first = body["suggestions"][0]
    assert first["reference"] == "FI-1" and first["band"] == "likely"
    assert {"shared_organisations", "via", "passages", "score"} <= set(first)
    close_only = Client(**bearer(viewer)).get(base + "/similar?weak=false").json()
    assert all(s["band"] != "weak" for s in close_only["suggestions"])
    # Viewers read; facilitators dismiss.
    refused = Client(**bearer(viewer)).post(
        base + "/dismissals", {"target_initiative": "FI-1"}, content_type="application/json"
    )
    assert refused.status_code == 403
    client = Client(**bearer(facilitator))
    made = client.post(
        base + "/dismissals", {"target_initiative": "FI-1"}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["dismissed_by"] == facilitator.username
    after = client.get(base + "/similar").json()
    assert "FI-1" not in {s["reference"] for s in after["suggestions"]}
    assert [d["target_initiative"] for d in client.get(base + "/dismissals").json()] == ["FI-1"]
    gone = client.delete(base + f"/dismissals/{made.json()['id']}")
    assert gone.status_code == 204
    assert client.get(base + "/similar").json()["suggestions"][0]["reference"] == "FI-1"


def test_another_programme_cannot_be_dismissed_into(world, other_programme, facilitator):
    stranger = InitiativeFactory(programme=other_programme, code="SB-1")
    response = Client(**bearer(facilitator)).post(
        api_base(world["close"]) + "/dismissals",
        {"target_initiative": stranger.code},
        content_type="application/json",
    )
    assert response.status_code in (404, 422)
    assert not Dismissal.objects.exists()


def test_the_index_is_saved_once_and_loaded_by_the_next_worker(
    programme, world, settings, tmp_path, monkeypatch
):
    settings.NYTTE_SIMILARITY_DIR = tmp_path
    first = matching.similar(programme, "innkreving av statlige krav", k=3)
    path = store.path_for(programme.pk)
    assert path is not None and path.exists()
    # A new worker: loads the file instead of building, and catches up on a later change.
    matching.reset()
    monkeypatch.setattr(index_module, "_build", lambda *a: pytest.fail("built, not loaded"))
    world["job"].title = "Samordnet innkreving av bompenger"
    world["job"].save()
    again = matching.similar(programme, "innkreving av statlige krav", k=3)
    assert again[0].obj == first[0].obj
    assert world["job"] in {s.obj for s in matching.similar(programme, "bompenger", k=3)}


def test_a_starting_worker_loads_the_saved_indexes_and_builds_none(
    programme, other_programme, world, settings, tmp_path, monkeypatch
):
    from nytte.core import worker_start
    from nytte.proposals.matching import warm

    settings.NYTTE_SIMILARITY_DIR = tmp_path
    matching.similar(programme, "innkreving av statlige krav", k=3)  # built and saved
    InitiativeFactory(programme=other_programme, code="SB-1")  # never built: no file
    matching.reset()  # a new worker
    monkeypatch.setattr(index_module, "_build", lambda *a: pytest.fail("built, not loaded"))
    assert warm.warm_saved_indexes() == [programme.pk]
    assert index_module._INDEXES[("default", programme.pk)].checked_at >= 0  # loaded
    assert ("default", other_programme.pk) not in index_module._INDEXES
    assert not store.path_for(other_programme.pk).exists()

    # gunicorn's worker start hook runs it in a thread (which closes its own connection).
    started = []
    monkeypatch.setattr(warm, "warm_saved_indexes", lambda: started.append(1) or [])
    worker_start.run()
    threads = [t for t in threading.enumerate() if t.name == "nytte-warm-indexes"]
    for thread in threads:
        thread.join(5)
    assert started == [1]
    monkeypatch.setenv("NYTTE_WARM_INDEXES", "0")
    assert warm.warm_in_background() is None
