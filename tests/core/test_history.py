"""The change log records who changed what, before and after, from any caller."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from nytte.core import selectors, services
from nytte.core.actors import SYSTEM
from nytte.core.choices import ChangeAction, OrganisationKind
from nytte.core.models import ChangeLogEntry, Organisation
from tests.factories import OrganisationFactory, UserFactory, valid_orgnr


@pytest.mark.django_db
def test_create_update_delete_are_logged_with_actor_and_values():
    user = UserFactory(full_name="Kari Nordmann", is_superuser=True)
    organisation = services.organisation_create(
        name="Skatteetaten",
        orgnr="974761076",
        kind=OrganisationKind.AGENCY,
        short_name="SKE",
        acting_user=user,
    )
    services.object_update(
        organisation, acting_user=user, data={"short_name": "Skatt", "kind": "other"}
    )
    organisation_id = organisation.pk
    services.object_delete(organisation, acting_user=SYSTEM)

    entries = list(
        ChangeLogEntry.objects.filter(object_id=str(organisation_id)).order_by("timestamp", "id")
    )
    assert [e.action for e in entries] == [
        ChangeAction.CREATE,
        ChangeAction.UPDATE,
        ChangeAction.DELETE,
    ]
    created, updated, deleted = entries
    assert created.actor == user
    assert created.changes["orgnr"] == {"before": None, "after": "974761076"}
    assert updated.changes == {
        "kind": {"before": "agency", "after": "other"},
        "short_name": {"before": "SKE", "after": "Skatt"},
    }
    assert deleted.actor is None
    assert deleted.changes["name"] == {"before": "Skatteetaten", "after": None}


@pytest.mark.django_db
def test_an_update_that_changes_nothing_writes_no_entry():
    organisation = OrganisationFactory()
    before = ChangeLogEntry.objects.count()
    services.object_update(organisation, acting_user=SYSTEM, data={"name": organisation.name})
    assert ChangeLogEntry.objects.count() == before


@pytest.mark.django_db
def test_an_invalid_update_is_refused_and_leaves_no_trace():
    organisation = OrganisationFactory()
    before = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError):
        services.object_update(organisation, acting_user=SYSTEM, data={"orgnr": "974761077"})
    organisation.refresh_from_db()
    assert organisation.orgnr != "974761077"
    assert ChangeLogEntry.objects.count() == before


@pytest.mark.django_db
def test_related_objects_and_many_to_many_are_shown_by_name(english):
    user = UserFactory(is_superuser=True)
    ministry = OrganisationFactory(name="Finansdepartementet", kind=OrganisationKind.MINISTRY)
    agency = OrganisationFactory(name="Skatteetaten")
    nav = OrganisationFactory(name="NAV")
    programme = services.programme_create(
        name="Framtidens innkreving",
        slug="fi",
        owner=agency,
        participants=[nav],
        acting_user=user,
    )
    services.object_update(
        programme, acting_user=user, data={"owner": ministry}, m2m={"participants": [ministry]}
    )
    timeline = selectors.history_for(programme)
    newest = timeline[0]
    labels = {f["label"]: (f["before"], f["after"]) for f in newest["fields"]}
    assert labels["owning organisation"] == ("Skatteetaten", "Finansdepartementet")
    assert labels["participating organisations"] == (
        ["NAV", "Skatteetaten"],
        ["Finansdepartementet"],
    )
    assert newest["entry"].programme == programme


@pytest.mark.django_db
def test_choice_values_are_shown_in_the_readers_language():
    organisation = OrganisationFactory(kind=OrganisationKind.AGENCY)
    services.object_update(organisation, acting_user=SYSTEM, data={"kind": "ministry"})
    with translation.override("nb"):
        change = selectors.history_for(organisation)[0]["fields"][0]
        assert (change["label"], change["before"], change["after"]) == (
            "type",
            "Etat",
            "Departement",
        )
    with translation.override("en"):
        change = selectors.history_for(organisation)[0]["fields"][0]
        assert (change["before"], change["after"]) == ("Agency", "Ministry")


@pytest.mark.django_db
def test_organisation_numbers_are_validated_on_create(english):
    with pytest.raises(ValidationError, match="check digit"):
        services.organisation_create(
            name="Feil", orgnr="974761077", kind=OrganisationKind.AGENCY, acting_user=SYSTEM
        )
    assert not Organisation.objects.filter(name="Feil").exists()
    services.organisation_create(
        name="Riktig", orgnr=valid_orgnr(4242), kind=OrganisationKind.AGENCY, acting_user=SYSTEM
    )


@pytest.mark.django_db
def test_changes_in_the_admin_are_logged_with_the_admin_user(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    organisation = OrganisationFactory(name="Gammelt navn")
    client.force_login(admin_user)
    response = client.post(
        f"/admin/core/organisation/{organisation.pk}/change/",
        {
            "name": "Nytt navn",
            "short_name": organisation.short_name,
            "orgnr": organisation.orgnr,
            "kind": organisation.kind,
            "parent": "",
        },
        HTTP_HOST="localhost",
    )
    assert response.status_code == 302
    entry = ChangeLogEntry.objects.get(object_id=str(organisation.pk), action="update")
    assert entry.actor == admin_user
    assert entry.changes["name"] == {"before": "Gammelt navn", "after": "Nytt navn"}
