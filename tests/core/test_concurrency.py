"""Lost updates (issue 18): two people editing one initiative, benefit or proposal from the
same state. The second save is refused with a conflict that keeps what was typed (pages: 409)
or a 412 (API with a stale If-Match); the first change is never silently undone."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from nytte.benefits.models import Benefit
from nytte.core.concurrency import VersionConflict, check_version, expected_from_if_match
from nytte.core.models import Programme
from nytte.portfolio import services as portfolio_services
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal
from tests.api.test_api_core import bearer
from tests.factories import BenefitFactory, InitiativeFactory, ProposalFactory
from tests.formdata import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(programme: Programme, facilitator) -> dict:
    organisation = programme.owner
    return {
        "initiative": InitiativeFactory(
            programme=programme, code="FI-1", owner_organisation=organisation
        ),
        "benefit": BenefitFactory(programme=programme, code="G-1", owner_organisation=organisation),
        "proposal": ProposalFactory(programme=programme, number=7),
    }


def _edit_url(kind: str, obj) -> str:
    slug = obj.programme.slug
    if kind == "initiative":
        return reverse("portfolio:initiative_edit", args=[slug, obj.code])
    if kind == "benefit":
        return reverse("benefits:benefit_edit", args=[slug, obj.code])
    return reverse("proposals:proposal_edit", args=[slug, obj.number])


@pytest.mark.parametrize("kind", ["initiative", "benefit", "proposal"])
def test_second_save_from_the_same_form_is_a_conflict_that_keeps_the_typing(
    kind, objects, facilitator, client_for
):
    obj = objects[kind]
    url = _edit_url(kind, obj)
    anne, bjorn = client_for(facilitator), client_for(facilitator)
    # Both open the form while the object is at the same version.
    anne_form = form_data(anne.get(url).content, "version")
    bjorn_form = form_data(bjorn.get(url).content, "version")
    assert anne_form["version"] == bjorn_form["version"] == [str(obj.version)]

    anne_form["title"] = ["Annes tittel"]
    assert anne.post(url, anne_form).status_code == 302
    bjorn_form["title"] = ["Bjørns tittel"]
    response = bjorn.post(url, bjorn_form)

    assert response.status_code == 409
    obj.refresh_from_db()
    assert obj.title == "Annes tittel"  # the first change is kept
    page = response.content.decode()
    assert "Bjørns tittel" in page  # what the second editor typed is kept
    assert "etter at du åpnet skjemaet" in page  # the conflict message, in bokmål
    # Saving again from the conflict page is a deliberate overwrite, and it works.
    again = form_data(response.content, "version")
    assert again["version"] == [str(obj.version)]
    assert bjorn.post(url, again).status_code == 302
    obj.refresh_from_db()
    assert obj.title == "Bjørns tittel"


def test_a_form_shown_again_after_an_error_keeps_its_original_version(
    objects, facilitator, client_for
):
    """A validation error must not quietly move the form to the newest version."""
    initiative = objects["initiative"]
    url = _edit_url("initiative", initiative)
    client = client_for(facilitator)
    stale = form_data(client.get(url).content, "version")
    portfolio_services.initiative_update(
        initiative=initiative, data={"title": "Endret av en annen"}, acting_user=facilitator
    )
    stale["title"] = [""]
    shown_again = client.post(url, stale)
    assert shown_again.status_code == 200
    retry = form_data(shown_again.content, "version")
    assert retry["version"] == ["1"]
    retry["title"] = ["Mitt forslag"]
    assert client.post(url, retry).status_code == 409


def test_service_rule_is_one_function(objects, facilitator):
    initiative = objects["initiative"]
    portfolio_services.initiative_update(
        initiative=initiative, data={"title": "A"}, acting_user=facilitator, expected_version=1
    )
    assert initiative.version == 2
    with pytest.raises(VersionConflict):
        portfolio_services.initiative_update(
            initiative=Initiative.objects.get(pk=initiative.pk),
            data={"title": "B"},
            acting_user=facilitator,
            expected_version=1,
        )
    assert Initiative.objects.get(pk=initiative.pk).title == "A"
    check_version(initiative, None)  # no expectation: nothing to check


def test_if_match_parsing(objects):
    initiative = objects["initiative"]
    assert expected_from_if_match(None, initiative) is None
    assert expected_from_if_match("*", initiative) is None
    assert expected_from_if_match('"v1"', initiative) == 1
    assert expected_from_if_match('"v9", "v1"', initiative) == 1
    assert expected_from_if_match('W/"v1"', initiative) == -1  # weak tags never match
    assert expected_from_if_match("rubbish", initiative) == -1


API = {
    "initiative": "/api/v1/programmes/{slug}/initiatives/FI-1",
    "benefit": "/api/v1/programmes/{slug}/benefits/G-1",
    "proposal": "/api/v1/programmes/{slug}/proposals/7",
}
MODELS = {"initiative": Initiative, "benefit": Benefit, "proposal": Proposal}


@pytest.mark.parametrize("kind", ["initiative", "benefit", "proposal"])
def test_api_etag_and_if_match(kind, objects, facilitator, settings):
    url = API[kind].format(slug=objects[kind].programme.slug)
    client = Client(**bearer(facilitator))
    read = client.get(url)
    assert read.status_code == 200
    tag = read.headers["ETag"]
    assert tag == '"v1"'

    first = client.patch(
        url, {"title": "Først"}, content_type="application/json", headers={"If-Match": tag}
    )
    assert first.status_code == 200, first.content
    assert first.headers["ETag"] == '"v2"'

    stale = client.patch(
        url, {"title": "Sist"}, content_type="application/json", headers={"If-Match": tag}
    )
    assert stale.status_code == 412
    assert stale.headers["Content-Type"] == "application/problem+json"
    assert stale.headers["ETag"] == '"v2"'
    assert MODELS[kind].objects.get(pk=objects[kind].pk).title == "Først"

    # Without If-Match the update is applied (documented), unless the setting requires it.
    assert client.patch(url, {"title": "Uten"}, content_type="application/json").status_code == 200
    settings.API_REQUIRE_IF_MATCH = True
    required = client.patch(url, {"title": "Krav"}, content_type="application/json")
    assert required.status_code == 428
    assert MODELS[kind].objects.get(pk=objects[kind].pk).title == "Uten"
