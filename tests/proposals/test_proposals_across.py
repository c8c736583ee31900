"""Seeing across programmes without leaking (issue 16, part 4): a facilitator learns that a
similar item exists in another programme, its band and who facilitates it there, sees what
it is only with a role in that programme, and can tell that programme's facilitators.

Every text of the other programme's items carries ``MARK``; the leak tests fail as soon as
any of it reaches a page, an API answer or an e-mail of someone without a role there."""

from __future__ import annotations

import importlib
import json

import pytest
from django.core import mail
from django.urls import reverse

from nytte.core.choices import Role
from nytte.proposals import matching, services
from nytte.proposals.choices import EventKind
from nytte.proposals.models import ProposalEvent
from nytte.similarity import Band
from tests.api.test_api_core import bearer
from tests.factories import (
    InitiativeFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# The module (the package exports its function of the same name).
across_module = importlib.import_module("nytte.proposals.matching.across")

# In every text of the other programme's items: must never reach someone without a role there.
MARK = "Qzxhemmeligmerke"
# In the proposal's own title: must never reach the other programme's facilitators.
OWN = "Vqavsendermerke"

TEXT = (
    "Varsel på SMS før gebyr ved betalingsmislighold. Skyldneren får et varsel på SMS før "
    "det legges på gebyr, slik at kravet kan betales i tide og inkasso unngås."
)


@pytest.fixture(autouse=True)
def _fresh_indexes():
    matching.reset()
    yield
    matching.reset()


@pytest.fixture
def world(programme, other_programme, facilitator):
    """A proposal here; in the other programme an initiative and a proposal like it (both
    marked), an unrelated initiative, and a facilitator with an e-mail address."""
    facilitator.first_name, facilitator.last_name = "Frida", "Fasilitator"
    facilitator.email = "frida@skatteetaten.example"
    facilitator.save()
    proposal = ProposalFactory(
        programme=programme,
        title=f"SMS-varsel før gebyr {OWN}",
        need=TEXT,
        idea="Send et varsel på SMS før gebyret legges på.",
        proposer_name=f"Ola {OWN}",
    )
    theirs = InitiativeFactory(
        programme=other_programme,
        code=f"X{MARK[:6]}",
        title=f"Varsel på SMS før gebyr {MARK}",
        description=f"{TEXT} {MARK}",
        status_reason=MARK,
    )
    their_proposal = ProposalFactory(
        programme=other_programme,
        title=f"SMS-varsel før gebyr og inkasso {MARK}",
        need=f"{TEXT} {MARK}",
        idea=f"Varsle på SMS. {MARK}",
        proposer_name=f"Kari {MARK}",
    )
    unrelated = InitiativeFactory(
        programme=other_programme,
        title=f"Nytt arkivsystem {MARK}",
        description=f"Sak- og arkivsystem for saksbehandlere. {MARK}",
    )
    berit = UserFactory(
        username="berit", first_name="Berit", last_name="Bedrift", email="berit@brreg.example"
    )
    MembershipFactory(user=berit, programme=other_programme, role=Role.FACILITATOR)
    return {
        "proposal": proposal,
        "theirs": theirs,
        "their_proposal": their_proposal,
        "unrelated": unrelated,
        "berit": berit,
        "other": other_programme,
    }


def tab_url(proposal) -> str:
    return proposal.get_absolute_url() + "?tab=harmonisation"


def api_similar(proposal) -> str:
    return f"/api/v1/programmes/{proposal.programme.slug}/proposals/{proposal.number}/similar"


def notify_url(proposal) -> str:
    return reverse(
        "proposals:harmonise_notify",
        kwargs={"slug": proposal.programme.slug, "number": proposal.number},
    )


def assert_no_leak(*bodies: str | bytes) -> None:
    for body in bodies:
        text = body.decode() if isinstance(body, bytes) else body
        assert MARK not in text
        assert MARK[:6] not in text  # nor the initiative's code


# ---------------------------------------------------------------------------------------------
# The service


def test_a_similar_item_elsewhere_is_found_with_its_band_and_facilitator_but_not_what_it_is(
    world, facilitator
):
    found = matching.across(world["proposal"], facilitator)
    assert found, "the other programme's near-identical initiative is found"
    first = found[0]
    assert first.programme == world["other"]
    assert first.band in (Band.LIKELY, Band.POSSIBLE)
    assert first.facilitators == ("Berit Bedrift",)
    assert not first.visible and first.obj is None and first.why is None
    assert first.title == "" and first.reference == "" and first.url == ""
    # The unrelated initiative is not among them (weak matches are left out).
    assert f"initiative:{world['unrelated'].pk}" not in {c.target.split(":", 1)[1] for c in found}


def test_with_a_role_in_the_other_programme_the_item_is_shown(world, facilitator):
    MembershipFactory(user=facilitator, programme=world["other"], role=Role.VIEWER)
    found = matching.across(world["proposal"], facilitator)
    assert found[0].visible
    assert MARK in found[0].title
    assert found[0].url.startswith(f"/p/{world['other'].slug}/")


def test_a_programme_that_does_not_take_part_is_not_compared_either_way(
    world, facilitator, programme
):
    world["other"].match_across = False
    world["other"].save()
    assert matching.across(world["proposal"], facilitator) == ()
    world["other"].match_across = True
    world["other"].save()
    programme.match_across = False
    programme.save()
    world["proposal"].programme = programme
    assert matching.across(world["proposal"], facilitator) == ()


def test_a_deleted_item_is_not_shown_even_from_a_stale_index(world, facilitator):
    assert matching.across(world["proposal"], facilitator)
    world["theirs"].delete()
    world["their_proposal"].delete()
    targets = {c.target for c in matching.across(world["proposal"], facilitator)}
    assert not any(f":{world['theirs'].pk}" in t for t in targets if ":initiative:" in t)


# ---------------------------------------------------------------------------------------------
# The tab and the API


def test_the_tab_says_where_and_who_and_leaks_nothing(world, facilitator, client_for):
    response = client_for(facilitator, "en").get(tab_url(world["proposal"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="harmonise-across"' in html
    assert "A similar item in Starte og drive bedrift" in html
    assert "Facilitated by Berit Bedrift" in html
    assert "Tell the facilitators of Starte og drive bedrift" in html
    assert_no_leak(html)


def test_a_viewer_of_the_proposal_sees_no_other_programmes(world, viewer, client_for):
    response = client_for(viewer, "en").get(tab_url(world["proposal"]))
    assert response.status_code == 200
    assert 'id="harmonise-across"' not in response.content.decode()
    assert_no_leak(response.content)


def test_the_api_tells_as_much_as_the_tab(world, facilitator, client):
    response = client.get(api_similar(world["proposal"]), **bearer(facilitator))
    assert response.status_code == 200
    elsewhere = response.json()["other_programmes"]
    assert elsewhere and elsewhere[0]["programme"] == "Starte og drive bedrift"
    assert elsewhere[0]["visible"] is False
    assert elsewhere[0]["title"] is None and elsewhere[0]["reference"] is None
    assert elsewhere[0]["facilitators"] == ["Berit Bedrift"]
    assert_no_leak(response.content)
    MembershipFactory(user=facilitator, programme=world["other"], role=Role.VIEWER)
    shown = client.get(api_similar(world["proposal"]), **bearer(facilitator)).json()
    assert MARK in json.dumps(shown["other_programmes"])


def test_the_api_gives_a_viewer_no_other_programmes(world, viewer, client):
    response = client.get(api_similar(world["proposal"]), **bearer(viewer))
    assert response.status_code == 200
    assert response.json()["other_programmes"] == []
    assert_no_leak(response.content)


# ---------------------------------------------------------------------------------------------
# Telling the other programme's facilitators


def test_the_notice_names_the_proposal_and_programme_but_not_its_text(
    world, facilitator, client_for, django_capture_on_commit_callbacks
):
    target = matching.across(world["proposal"], facilitator)[0].target
    client = client_for(facilitator, "en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(notify_url(world["proposal"]), {"target": target})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["berit@brreg.example"]
    text = message.subject + message.body
    assert world["proposal"].reference in text
    assert "Framtidens innkreving" in text
    assert "frida@skatteetaten.example" in text
    # Nothing of the proposal's own text or proposer reaches the other programme.
    assert OWN not in text and "Ola" not in text and "inkasso unngås" not in text
    event = ProposalEvent.objects.get(proposal=world["proposal"], kind=EventKind.CROSS_NOTICE)
    assert event.actor == facilitator and event.data["recipients"] == 1
    assert_no_leak(json.dumps(event.data))
    # The tab says so, and a second notice about the same item is refused.
    html = client.get(tab_url(world["proposal"])).content.decode()
    assert "Its facilitators have been told" in html
    assert_no_leak(html)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(notify_url(world["proposal"]), {"target": target})
    assert again.status_code == 200 and "already been told" in again.content.decode()
    assert len(mail.outbox) == 1


def test_the_recipient_sees_their_own_item_in_the_notice(
    world, facilitator, django_capture_on_commit_callbacks
):
    target = f"{world['other'].pk}:initiative:{world['theirs'].pk}"
    if target not in {c.target for c in matching.across(world["proposal"], facilitator)}:
        pytest.skip("the initiative is not among the matches")  # pragma: no cover
    with django_capture_on_commit_callbacks(execute=True):
        services.cross_notice_send(
            proposal=world["proposal"], target=target, acting_user=facilitator
        )
    body = mail.outbox[0].body
    assert world["theirs"].code in body and world["theirs"].get_absolute_url() in body


def test_no_notice_about_an_item_that_is_not_a_match_nor_from_someone_who_does_not_facilitate(
    world, facilitator, viewer, client_for, django_capture_on_commit_callbacks
):
    unrelated = f"{world['other'].pk}:initiative:{world['unrelated'].pk}"
    with django_capture_on_commit_callbacks(execute=True):
        refused = client_for(facilitator, "en").post(
            notify_url(world["proposal"]), {"target": unrelated}
        )
    assert refused.status_code == 200
    assert "no longer among the similar items" in refused.content.decode()
    target = matching.across(world["proposal"], facilitator)[0].target
    forbidden = client_for(viewer).post(notify_url(world["proposal"]), {"target": target})
    assert forbidden.status_code == 403
    assert mail.outbox == []
    assert not ProposalEvent.objects.filter(kind=EventKind.CROSS_NOTICE).exists()


def test_the_api_sends_the_notice_once(
    world, facilitator, client, django_capture_on_commit_callbacks
):
    target = matching.across(world["proposal"], facilitator)[0].target
    url = api_similar(world["proposal"]) + "/notices"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"target": target}, content_type="application/json", **bearer(facilitator)
        )
    assert response.status_code == 201
    assert response.json() == {"programme": "Starte og drive bedrift", "recipients": 1}
    assert_no_leak(response.content)
    again = client.post(
        url, {"target": target}, content_type="application/json", **bearer(facilitator)
    )
    assert again.status_code == 422
    assert len(mail.outbox) == 1


def test_nothing_of_the_hidden_programme_reaches_any_page_or_answer_of_the_facilitator(
    world, facilitator, client_for, client
):
    """The whole round as the facilitator with no role in the other programme: the tab, the
    typing box, the proposal list, the API's suggestions, dismissals and events."""
    browser = client_for(facilitator, "en")
    slug, number = world["proposal"].programme.slug, world["proposal"].number
    pages = [
        tab_url(world["proposal"]),
        world["proposal"].get_absolute_url(),
        reverse("proposals:proposal_list", kwargs={"slug": slug}),
        reverse("proposals:similar", kwargs={"slug": slug})
        + "?title=SMS+varsel+gebyr&need="
        + "Skyldneren+får+varsel+før+gebyr",
    ]
    bodies = []
    for url in pages:
        response = browser.get(url)
        assert response.status_code == 200, url
        bodies.append(response.content)
    base = f"/api/v1/programmes/{slug}/proposals/{number}"
    for url in (f"{base}/similar", f"{base}/dismissals", f"{base}/events"):
        response = client.get(url, **bearer(facilitator))
        assert response.status_code == 200, url
        bodies.append(response.content)
    assert_no_leak(*bodies)


def test_programmes_sharing_organisations_are_asked_first_and_the_number_is_capped(
    programme, monkeypatch
):
    shared = OrganisationFactory(name="Arbeids- og velferdsetaten")
    programme.participants.add(shared)
    far = ProgrammeFactory(name="Aaa uten felles virksomheter", slug="aaa")
    near = ProgrammeFactory(name="Zzz med NAV", slug="zzz")
    near.participants.add(shared)
    assert across_module.other_programmes(programme)[:2] == [near, far]
    monkeypatch.setattr(across_module, "MAX_PROGRAMMES", 1)
    assert across_module.other_programmes(programme) == [near]


def test_a_programme_whose_index_was_never_built_is_skipped_not_built_here(
    world, facilitator, settings, tmp_path
):
    settings.NYTTE_SIMILARITY_DIR = str(tmp_path)
    matching.reset()
    assert matching.across(world["proposal"], facilitator) == ()
    assert not list(tmp_path.glob("*.idx"))  # nothing was built at this page's expense
    matching.fresh(world["other"].pk)  # its own tab builds and saves it
    matching.reset()  # another worker: only the file
    assert matching.across(world["proposal"], facilitator)
