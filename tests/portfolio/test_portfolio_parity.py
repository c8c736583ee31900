"""One rule, one place: each rule of the register gives the same answer on every path that
writes (page, API, Excel import, CLI, admin), because each path goes through the service.

One test per rule; each drives every path that exists for it and expects the same answer.
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from nytte.core.actors import SYSTEM, System
from nytte.core.choices import ChangeAction
from nytte.core.models import ApiToken, ChangeLogEntry
from nytte.core.services import api_token_create, api_token_revoke
from nytte.portfolio import excel, services
from nytte.portfolio.choices import Phase
from nytte.portfolio.models import CostLine, Dependency, Initiative
from tests.api.test_api_core import bearer
from tests.factories import InitiativeFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes/framtidens-innkreving"


@pytest.fixture
def agency(programme):
    agency = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    programme.participants.add(agency)
    return agency


@pytest.fixture
def initiative(programme, agency, owner):
    return InitiativeFactory(
        programme=programme, code="FI-1", owner_organisation=agency, owner=owner, phase="idea"
    )


def _page(client_for, user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _page_post(initiative, **overrides) -> dict[str, str]:
    data = {
        "code": initiative.code,
        "title": initiative.title,
        "description": initiative.description,
        "owner_organisation": str(initiative.owner_organisation_id),
        "owner": str(initiative.owner_id or ""),
        "phase": initiative.phase,
        "status": initiative.status,
        "status_reason": initiative.status_reason,
        "planned_start": "",
        "planned_end": "",
    }
    data.update(overrides)
    return data


def _edit_url(initiative) -> str:
    return reverse("portfolio:initiative_edit", args=[initiative.programme.slug, initiative.code])


def _api_patch(user, initiative, body: dict):
    from django.test import Client

    return Client(**bearer(user)).patch(
        f"{BASE}/initiatives/{initiative.code}", body, content_type="application/json"
    )


def _import_with(programme, initiative, column: str, value, acting_user):
    """Export the register, change one cell of the initiative's row, import it back."""
    wb = load_workbook(io.BytesIO(excel.export_register(programme)))
    sheet = wb["Tiltak"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == initiative.code:
            row[headers.index(column)].value = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return excel.import_register(programme, buffer.getvalue(), acting_user=acting_user)


# -- an initiative's named owner is a member of its programme --------------------------------


def test_the_named_owner_must_be_a_member_of_the_programme_on_every_path(
    programme, initiative, owner, facilitator, client_for, other_programme
):
    stranger = UserFactory(username="fremmed")  # no role in this programme
    # The service: the rule itself.
    with pytest.raises(ValidationError) as refused:
        services.initiative_update(
            initiative=initiative, data={"owner": stranger}, acting_user=facilitator
        )
    assert "owner" in refused.value.message_dict
    # The page: the owner is not offered, and posting it is refused next to the field.
    response = _page(client_for, owner).post(
        _edit_url(initiative), _page_post(initiative, owner=str(stranger.pk))
    )
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    # The API, for the owner themselves and for a facilitator: 422 on the field.
    for user in (owner, facilitator):
        response = _api_patch(user, initiative, {"owner": stranger.username})
        assert response.status_code == 422, user
        assert "owner" in str(response.json())
    # The Excel import (as a facilitator): an error on the owner column, nothing saved.
    result = _import_with(
        programme, initiative, "Tiltakseier (brukernavn)", stranger.username, facilitator
    )
    assert not result.ok
    assert any(e.column == "Tiltakseier (brukernavn)" for e in result.errors)
    # The CLI import runs as the system, and the system is held to the rule too.
    result = _import_with(
        programme, initiative, "Tiltakseier (brukernavn)", stranger.username, System("cli")
    )
    assert not result.ok
    initiative.refresh_from_db()
    assert initiative.owner == owner
    # A member of the programme (any role) may be named on every path.
    response = _api_patch(facilitator, initiative, {"owner": facilitator.username})
    assert response.status_code == 200
    initiative.refresh_from_db()
    assert initiative.owner == facilitator


def test_an_owner_that_left_the_programme_does_not_block_other_changes(
    programme, initiative, owner, facilitator
):
    programme.memberships.filter(user=owner).delete()
    services.initiative_update(initiative=initiative, data={"title": "Ny"}, acting_user=SYSTEM)
    initiative.refresh_from_db()
    assert initiative.title == "Ny"


# -- the phase moves an actor may make ----------------------------------------------------


def test_an_owner_moves_one_phase_forward_at_a_time_on_every_path(
    programme, initiative, owner, facilitator, client_for
):
    # The service: idea → realise is refused for the owner, allowed for the facilitator.
    assert services.allowed_phases(owner, initiative) == [Phase.IDEA, Phase.CONCEPT]
    assert services.allowed_phases(facilitator, initiative) == list(Phase.values)
    with pytest.raises(ValidationError) as refused:
        services.initiative_update(
            initiative=initiative, data={"phase": Phase.REALISE}, acting_user=owner
        )
    assert "phase" in refused.value.message_dict
    # The page offers the owner only the allowed phases and refuses the others.
    client = _page(client_for, owner)
    form = client.get(_edit_url(initiative)).context["form"]
    assert [v for v, _label in form.fields["phase"].choices] == [Phase.IDEA, Phase.CONCEPT]
    response = client.post(_edit_url(initiative), _page_post(initiative, phase=Phase.REALISE))
    assert response.status_code == 200
    assert "phase" in response.context["form"].errors
    # The API refuses the owner the same move with 422 on the field.
    response = _api_patch(owner, initiative, {"phase": Phase.REALISE})
    assert response.status_code == 422
    assert "phase" in str(response.json())
    initiative.refresh_from_db()
    assert initiative.phase == Phase.IDEA
    # The Excel import needs EDIT on the programme: the owner may not import at all.
    with pytest.raises(Exception) as no_rights:
        _import_with(programme, initiative, "Fase", "realise", owner)
    assert type(no_rights.value).__name__ in {"PermissionDenied", "Http404"}
    # One step forward is allowed on the page and through the API alike.
    response = client.post(_edit_url(initiative), _page_post(initiative, phase=Phase.CONCEPT))
    assert response.status_code == 302
    response = _api_patch(owner, initiative, {"phase": Phase.PLAN})
    assert response.status_code == 200
    # And back to an earlier phase.
    assert _api_patch(owner, initiative, {"phase": Phase.IDEA}).status_code == 200
    # Those who edit the programme may set any phase: page, API and import agree.
    response = _page(client_for, facilitator).post(
        _edit_url(initiative), _page_post(initiative, phase=Phase.EXECUTE)
    )
    assert response.status_code == 302
    assert _api_patch(facilitator, initiative, {"phase": Phase.IDEA}).status_code == 200
    initiative.refresh_from_db()
    result = _import_with(programme, initiative, "Fase", Phase.REALISE, facilitator)
    assert result.ok, result.errors
    initiative.refresh_from_db()
    assert initiative.phase == Phase.REALISE


# -- line services: cost lines keep the initiative's totals, dependencies refuse cycles ----


def test_cost_lines_keep_the_totals_on_every_path(programme, initiative, agency, facilitator):
    services.cost_line_create(
        initiative=initiative,
        organisation=agency,
        year=2027,
        category="investment",
        low=1,
        likely=2,
        high=3,
        acting_user=facilitator,
    )
    line = CostLine.objects.get(initiative=initiative)
    initiative.refresh_from_db()
    assert initiative.cost_likely == 2
    # The generic entry point the line pages use dispatches to the same named service.
    services.child_update(line, data={"likely": 3, "high": 4}, acting_user=facilitator)
    initiative.refresh_from_db()
    assert initiative.cost_likely == 3
    from django.test import Client

    response = Client(**bearer(facilitator)).patch(
        f"/api/v1/costs/{line.pk}", {"likely": 2, "high": 3}, content_type="application/json"
    )
    assert response.status_code == 200
    initiative.refresh_from_db()
    assert initiative.cost_likely == 2
    services.cost_line_delete(line, acting_user=facilitator)
    initiative.refresh_from_db()
    assert initiative.cost_likely == 0


def test_a_dependency_cycle_is_refused_by_the_service_and_the_line_entry_point(
    programme, agency, facilitator
):
    a = InitiativeFactory(programme=programme, code="FI-A", owner_organisation=agency)
    b = InitiativeFactory(programme=programme, code="FI-B", owner_organisation=agency)
    services.dependency_create(source=a, target=b, kind="requires", acting_user=facilitator)
    with pytest.raises(ValidationError):
        services.child_create(
            Dependency(source=b, target=a, kind="requires"), acting_user=facilitator
        )
    loose = services.dependency_create(source=b, target=a, kind="enables", acting_user=facilitator)
    with pytest.raises(ValidationError):
        services.dependency_update(loose, data={"kind": "requires"}, acting_user=facilitator)
    with pytest.raises(ValidationError):
        services.child_update(loose, data={"kind": "requires"}, acting_user=facilitator)


def test_services_refuse_a_missing_actor(programme, initiative):
    with pytest.raises(TypeError):
        services.initiative_update(initiative=initiative, data={"title": "X"}, acting_user=None)
    with pytest.raises(TypeError):
        Initiative.objects.for_user(None)


# -- API tokens: created and revoked through the service, logged, secret never logged ------


def test_api_tokens_are_made_and_revoked_through_the_service_on_every_path(owner, facilitator):
    token, key = api_token_create(user=owner, name="robot", acting_user=owner)
    created = ChangeLogEntry.objects.get(object_id=str(token.pk), action=ChangeAction.CREATE)
    assert created.actor == owner
    assert token.key_hash not in str(created.changes)
    # Someone else's token is not theirs to make or revoke.
    with pytest.raises(Exception) as refused:
        api_token_revoke(token=token, acting_user=facilitator)
    assert type(refused.value).__name__ == "PermissionDenied"
    api_token_revoke(token=token, acting_user=owner)
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    # The CLI: create and revoke as the system, both logged.
    out = io.StringIO()
    call_command("token", "create", owner.username, "ci", stdout=out, stderr=io.StringIO())
    made = ApiToken.objects.get(name="ci")
    assert out.getvalue().strip().startswith(made.prefix)
    call_command("token", "revoke", made.prefix, stdout=io.StringIO())
    entries = ChangeLogEntry.objects.filter(object_id=str(made.pk)).order_by("timestamp", "pk")
    assert [(e.action, e.actor_label) for e in entries] == [
        (ChangeAction.CREATE, "system:cli"),
        (ChangeAction.DELETE, "system:cli"),
    ]
    assert key  # the plain key was returned once


# -- the admin is a write path: logged deletions, many-to-many in the log, services --------


@pytest.fixture
def admin_user(db):
    return UserFactory(username="superbruker", is_staff=True, is_superuser=True)


def test_the_admin_logs_delete_selected_and_many_to_many_and_uses_the_services(
    client_for, admin_user, programme, owner
):
    client = client_for(admin_user)
    # Many-to-many: a programme's participants changed in the admin are in the change log.
    agency = OrganisationFactory(name="Politiet")
    url = reverse("admin:core_programme_change", args=[programme.pk])
    form = client.get(url).context["adminform"].form
    data = {
        "name": programme.name,
        "slug": programme.slug,
        "owner": str(programme.owner_id),
        "participants": [str(o.pk) for o in programme.participants.all()] + [str(agency.pk)],
        "vision": programme.vision,
    }
    for name in form.fields:
        if name not in data and form.initial.get(name) is not None:
            data[name] = form.initial[name]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = ChangeLogEntry.objects.filter(
        object_id=str(programme.pk), action=ChangeAction.UPDATE
    ).latest("pk")
    assert "participants" in entry.changes
    assert "Politiet" in entry.changes["participants"]["after"]
    # "Delete selected" logs each deletion.
    doomed = [OrganisationFactory(name=f"Borte {n}") for n in range(2)]
    response = client.post(
        reverse("admin:core_organisation_changelist"),
        {"action": "delete_selected", "_selected_action": [o.pk for o in doomed], "post": "yes"},
    )
    assert response.status_code == 302
    for organisation in doomed:
        assert ChangeLogEntry.objects.filter(
            object_id=str(organisation.pk), action=ChangeAction.DELETE, actor=admin_user
        ).exists()
    # Tokens are revoked through the service (logged); not created or edited in the admin.
    token, _key = api_token_create(user=owner, name="robot", acting_user=SYSTEM)
    assert client.get(reverse("admin:core_apitoken_add")).status_code == 403
    response = client.post(
        reverse("admin:core_apitoken_changelist"),
        {"action": "delete_selected", "_selected_action": [token.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert ChangeLogEntry.objects.filter(
        object_id=str(token.pk), action=ChangeAction.DELETE, actor=admin_user
    ).exists()
    # The change log itself cannot be edited or deleted there.
    entry = ChangeLogEntry.objects.first()
    change = reverse("admin:core_changelogentry_change", args=[entry.pk])
    assert client.post(change, {}).status_code == 403
