"""The administration pages: who gets in (the programme admin; 403 for other roles, 404 for
another programme's admin, login for the anonymous; site pages for site administrators),
that every change lands in the change log, and that a refused form keeps what was typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from nytte.administration import services
from nytte.core.choices import ChangeAction, Role
from nytte.core.models import ChangeLogEntry, Organisation, Programme, ProgrammeMembership
from nytte.portfolio.models import Goal, LifeEvent
from tests.factories import GoalFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PROGRAMME_PAGES = ["programme", "members", "settings", "organisations", "goals", "life_events"]
SITE_PAGES = [("site", {}), ("programme_create", {}), ("organisation_create", {})]


def url(name, programme, **query):
    path = reverse(f"administration:{name}", kwargs={"slug": programme.slug})
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("page", PROGRAMME_PAGES)
def test_the_programme_admin_gets_every_page(page, programme, programme_admin, client_for):
    assert client_for(programme_admin).get(url(page, programme)).status_code == 200


@pytest.mark.parametrize("page", PROGRAMME_PAGES)
@pytest.mark.parametrize("persona", ["facilitator", "viewer", "owner", "forum_member"])
def test_other_roles_are_refused_with_403(page, persona, programme, client_for, request):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(url(page, programme)).status_code == 403
    assert client.post(url(page, programme), {"action": "add"}).status_code == 403


@pytest.mark.parametrize("page", PROGRAMME_PAGES)
def test_another_programmes_admin_gets_404(page, programme, outsider, client_for):
    assert client_for(outsider).get(url(page, programme)).status_code == 404


@pytest.mark.parametrize("page", PROGRAMME_PAGES)
def test_the_anonymous_are_sent_to_log_in(page, programme, client):
    response = client.get(url(page, programme))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("page", "kwargs"), SITE_PAGES)
def test_site_pages_are_for_site_administrators(page, kwargs, programme_admin, client_for):
    path = reverse(f"administration:{page}", kwargs=kwargs)
    assert client_for(programme_admin).get(path).status_code == 403
    assert client_for(UserFactory(is_superuser=True)).get(path).status_code == 200


def test_the_programme_page_links_to_administration_for_admins_only(
    programme, programme_admin, facilitator, client_for
):
    link = url("programme", programme)
    assert link in client_for(programme_admin).get(programme.get_absolute_url()).content.decode()
    assert link not in client_for(facilitator).get(programme.get_absolute_url()).content.decode()


# -- people and roles ---------------------------------------------------------------------


def test_adding_an_existing_user_by_email_is_logged(programme, programme_admin, client_for):
    person = UserFactory(email="kari@example.no")
    response = client_for(programme_admin).post(
        url("members", programme),
        {"action": "add", "user": "KARI@example.no", "role": Role.CONTRIBUTOR},
    )
    assert response.status_code == 302
    membership = ProgrammeMembership.objects.get(programme=programme, user=person)
    entry = ChangeLogEntry.objects.get(object_id=str(membership.pk))
    assert (entry.action, entry.actor) == (ChangeAction.CREATE, programme_admin)


def test_an_unknown_user_is_refused_and_what_was_typed_is_kept(
    programme, programme_admin, client_for, english
):
    response = client_for(programme_admin, "en").post(
        url("members", programme), {"action": "add", "user": "ingen-slik", "role": Role.VIEWER}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "No account has this user name" in page
    assert 'value="ingen-slik"' in page


def test_removing_the_last_admin_in_the_page_is_refused(programme, programme_admin, client_for):
    membership = ProgrammeMembership.objects.get(programme=programme, user=programme_admin)
    client = client_for(programme_admin, "en")
    response = client.post(
        url("members", programme), {"action": "remove", "membership": membership.pk}, follow=True
    )
    assert "last programme admin" in response.content.decode()
    assert ProgrammeMembership.objects.filter(pk=membership.pk).exists()
    response = client.post(
        url("members", programme),
        {"action": "role", "membership": membership.pk, "role": Role.VIEWER},
    )
    assert "last programme admin" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.PROGRAMME_ADMIN


def test_changing_and_removing_a_role(programme, programme_admin, viewer, client_for):
    membership = ProgrammeMembership.objects.get(programme=programme, user=viewer)
    client = client_for(programme_admin)
    client.post(
        url("members", programme),
        {"action": "role", "membership": membership.pk, "role": Role.FACILITATOR},
    )
    membership.refresh_from_db()
    assert membership.role == Role.FACILITATOR
    client.post(url("members", programme), {"action": "remove", "membership": membership.pk})
    assert not ProgrammeMembership.objects.filter(pk=membership.pk).exists()
    actions = set(
        ChangeLogEntry.objects.filter(object_id=str(membership.pk)).values_list("action", flat=True)
    )
    assert actions == {ChangeAction.UPDATE, ChangeAction.DELETE}


def test_a_membership_of_another_programme_is_404(
    programme, other_programme, programme_admin, client_for
):
    foreign = MembershipFactory(programme=other_programme, role=Role.VIEWER)
    response = client_for(programme_admin).post(
        url("members", programme), {"action": "remove", "membership": foreign.pk}
    )
    assert response.status_code == 404


def test_inviting_sends_the_mail_and_the_link_lets_a_newcomer_join(
    programme, programme_admin, client_for, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(programme_admin).post(
            url("members", programme),
            {"action": "invite", "email": "ny@example.no", "role": Role.CONTRIBUTOR},
        )
    assert response.status_code == 302
    link = next(line for line in mailoutbox[0].body.splitlines() if "/invitations/" in line)
    path = link[link.index("/invitations/") :]
    assert client.get(path).status_code == 200
    refused = client.post(
        path,
        {
            "action": "create",
            "username": "nyperson",
            "full_name": "Ny Person",
            "password": "et-langt-passord-42",
            "password_again": "noe annet",
        },
    )
    assert refused.status_code == 200 and 'value="nyperson"' in refused.content.decode()
    response = client.post(
        path,
        {
            "action": "create",
            "username": "nyperson",
            "full_name": "Ny Person",
            "password": "et-langt-passord-42",
            "password_again": "et-langt-passord-42",
        },
    )
    assert response.status_code == 302 and response.url == programme.get_absolute_url()
    assert ProgrammeMembership.objects.filter(
        programme=programme, user__username="nyperson", role=Role.CONTRIBUTOR
    ).exists()
    # Logged in now, and the link is spent.
    assert client.get(programme.get_absolute_url()).status_code == 200
    assert client.get(path).status_code == 410


def test_a_logged_in_invitee_joins_with_their_account(programme, programme_admin, client_for):
    _, token = services.invitation_create(
        programme=programme, email="a@example.no", role=Role.VIEWER, acting_user=programme_admin
    )
    person = UserFactory()
    path = reverse("administration:invitation", kwargs={"token": token})
    client = client_for(person)
    assert client.post(path, {"action": "join"}).status_code == 302
    assert ProgrammeMembership.objects.filter(programme=programme, user=person).exists()


def test_the_invitation_page_keeps_the_referrer_for_its_own_form(
    programme, programme_admin, client
):
    """With ``Referrer-Policy: no-referrer`` Chromium sends ``Origin: null`` with the form,
    and Django's CSRF check refuses it (found in the browser)."""
    _, token = services.invitation_create(
        programme=programme, email="a@example.no", role=Role.VIEWER, acting_user=programme_admin
    )
    response = client.get(reverse("administration:invitation", kwargs={"token": token}))
    assert response.get("Referrer-Policy", "same-origin") != "no-referrer"
    assert response["Cache-Control"] == "private, no-store"


def test_an_unknown_link_is_404_and_says_so(client, english):
    response = client.get(reverse("administration:invitation", kwargs={"token": "nope"}))
    assert response.status_code == 404
    assert "no longer works" in response.content.decode()


def test_withdrawing_an_invitation(programme, programme_admin, client_for):
    invitation, token = services.invitation_create(
        programme=programme, email="a@example.no", role=Role.VIEWER, acting_user=programme_admin
    )
    client_for(programme_admin).post(
        url("members", programme), {"action": "cancel", "invitation": invitation.pk}
    )
    assert services.invitation_for_token(token) is None


# -- settings, organisations, goals, life events ----------------------------------------------


def settings_data(programme, **changes):
    data = {
        "name": programme.name,
        "vision": programme.vision,
        "target_picture": programme.target_picture,
        "start_year": "",
        "end_year": "",
        "behind_plan_tolerance": "10",
        "public_form_intro": "",
    }
    if programme.public_form_open:
        data["public_form_open"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_settings_are_saved_and_logged(programme, programme_admin, client_for):
    data = settings_data(programme, name="Nytt navn", public_form_open=None)
    response = client_for(programme_admin).post(url("settings", programme), data)
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.name, programme.public_form_open) == ("Nytt navn", False)
    entry = ChangeLogEntry.objects.filter(programme=programme).first()
    assert entry.actor == programme_admin and "name" in entry.changes


def test_refused_settings_keep_what_was_typed(programme, programme_admin, client_for, english):
    data = settings_data(programme, vision="Skrevet inn", start_year="2030", end_year="2020")
    response = client_for(programme_admin, "en").post(url("settings", programme), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "cannot come before the first" in page and "Skrevet inn" in page
    programme.refresh_from_db()
    assert programme.vision != "Skrevet inn"


def test_a_closed_public_form_shows_a_clear_page(programme, client, english):
    Programme.objects.filter(pk=programme.pk).update(public_form_open=False)
    path = reverse("proposals:public_submit", kwargs={"slug": programme.slug})
    for response in (client.get(path), client.post(path, {"title": "Idé"})):
        page = response.content.decode()
        assert response.status_code == 200
        assert "public proposal form is closed" in page
        assert 'name="title"' not in page and 'name="proposer_email"' not in page


def test_the_public_form_shows_the_programmes_intro(programme, client):
    Programme.objects.filter(pk=programme.pk).update(public_form_intro="Velkommen, alle sammen!")
    path = reverse("proposals:public_submit", kwargs={"slug": programme.slug})
    assert "Velkommen, alle sammen!" in client.get(path).content.decode()


def test_organisations_join_and_leave(programme, programme_admin, client_for):
    nav = OrganisationFactory(name="NAV")
    client = client_for(programme_admin)
    client.post(url("organisations", programme), {"action": "add", "organisation": nav.pk})
    assert nav in programme.participants.all()
    client.post(url("organisations", programme), {"action": "remove", "organisation": nav.pk})
    assert nav not in programme.participants.all()


def test_goals_are_added_edited_and_deleted(programme, programme_admin, client_for):
    client = client_for(programme_admin)
    client.post(
        url("goals", programme),
        {
            "action": "create",
            "level": "societal",
            "code": "S1",
            "title": "Samfunnsmål",
            "weight": "1",
        },
    )
    societal = Goal.objects.get(programme=programme, code="S1")
    client.post(
        url("goals", programme),
        {
            "action": "create",
            "level": "impact",
            "parent": societal.pk,
            "code": "E1",
            "title": "Effektmål",
            "weight": "2",
        },
    )
    impact = Goal.objects.get(programme=programme, code="E1")
    assert impact.parent == societal
    refused = client.post(
        url("goals", programme), {"action": "delete", "goal": societal.pk}, follow=True
    )
    assert Goal.objects.filter(pk=societal.pk).exists() and "E1" in refused.content.decode()
    client.post(
        url("goals", programme),
        {
            "action": "update",
            "goal": impact.pk,
            "level": "impact",
            "parent": societal.pk,
            "code": "E1",
            "title": "Nytt effektmål",
            "weight": "3",
        },
    )
    impact.refresh_from_db()
    assert impact.title == "Nytt effektmål"
    client.post(url("goals", programme), {"action": "delete", "goal": impact.pk})
    assert not Goal.objects.filter(pk=impact.pk).exists()
    assert ChangeLogEntry.objects.filter(programme=programme, object_id=str(impact.pk)).count() == 3


def test_an_impact_goal_without_parent_is_refused_and_kept(
    programme, programme_admin, client_for, english
):
    response = client_for(programme_admin, "en").post(
        url("goals", programme),
        {
            "action": "create",
            "level": "impact",
            "code": "E9",
            "title": "Foreldreløs",
            "weight": "1",
        },
    )
    page = response.content.decode()
    assert "An impact goal serves a societal goal." in page and 'value="Foreldreløs"' in page


def test_another_programmes_goal_is_404(other_programme, programme, programme_admin, client_for):
    foreign = GoalFactory(programme=other_programme)
    response = client_for(programme_admin).post(
        url("goals", programme), {"action": "delete", "goal": foreign.pk}
    )
    assert response.status_code == 404


def test_life_events_are_added_in_the_page(programme, programme_admin, client_for):
    client_for(programme_admin).post(
        url("life_events", programme), {"action": "create", "name": "Starte og drive bedrift"}
    )
    event = LifeEvent.objects.get(name="Starte og drive bedrift")
    assert event.slug == "starte-og-drive-bedrift"
    assert ChangeLogEntry.objects.filter(object_id=str(event.pk), actor=programme_admin).exists()


# -- site administration --------------------------------------------------------------------------


def test_a_site_admin_creates_an_organisation_with_a_checked_number(client_for, english):
    client = client_for(UserFactory(is_superuser=True), "en")
    path = reverse("administration:organisation_create")
    refused = client.post(path, {"name": "Feil", "orgnr": "974761077", "kind": "agency"})
    assert "check digit" in refused.content.decode() and 'value="Feil"' in refused.content.decode()
    client.post(path, {"name": "Skatteetaten", "orgnr": "974 761 076", "kind": "agency"})
    organisation = Organisation.objects.get(orgnr="974761076")
    assert ChangeLogEntry.objects.filter(object_id=str(organisation.pk), action="create").exists()


def test_a_site_admin_creates_a_programme_with_its_first_admin(client_for):
    site_admin = UserFactory(is_superuser=True)
    first = UserFactory(username="forste")
    owner = OrganisationFactory()
    response = client_for(site_admin).post(
        reverse("administration:programme_create"),
        {"name": "Nytt program", "owner": owner.pk, "first_admin": "forste"},
    )
    programme = Programme.objects.get(slug="nytt-program")
    assert response.url == url("programme", programme)
    assert ProgrammeMembership.objects.filter(
        programme=programme, user=first, role=Role.PROGRAMME_ADMIN
    ).exists()
    assert owner in programme.participants.all()


def test_edit_forms_open_with_the_current_values(programme, programme_admin, client_for):
    goal = GoalFactory(programme=programme, title="Gammel tittel")
    event = LifeEvent.objects.create(name="Flytte", slug="flytte")
    client = client_for(programme_admin)
    page = client.get(url("goals", programme, edit=goal.pk)).content.decode()
    assert f'name="goal" value="{goal.pk}"' in page and 'value="Gammel tittel"' in page
    page = client.get(url("life_events", programme, edit=event.pk)).content.decode()
    assert f'name="event" value="{event.pk}"' in page and 'value="Flytte"' in page
