"""The API: token auth, visibility, problem+json errors, and an OpenAPI schema."""

from __future__ import annotations

import pytest
from django.test import Client

from nytte.core.actors import SYSTEM
from nytte.core.services import api_token_create


def bearer(user) -> dict[str, str]:
    _, key = api_token_create(user=user, name="test", acting_user=SYSTEM)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.mark.django_db
def test_without_credentials_the_api_answers_401_problem_json():
    response = Client().get("/api/v1/programmes")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


@pytest.mark.django_db
def test_a_wrong_token_is_refused(viewer):
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nyt_wrong")
    assert response.status_code == 401


@pytest.mark.django_db
def test_token_lists_only_the_users_programmes(viewer, programme, other_programme):
    response = Client().get("/api/v1/programmes", **bearer(viewer))
    assert response.status_code == 200
    body = response.json()
    assert [p["slug"] for p in body["items"]] == ["framtidens-innkreving"]
    assert body["count"] == 1


@pytest.mark.django_db
def test_other_programme_is_404_problem_json(viewer, other_programme):
    response = Client().get(f"/api/v1/programmes/{other_programme.slug}", **bearer(viewer))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Not found"


@pytest.mark.django_db
def test_me_lists_roles(facilitator):
    body = Client().get("/api/v1/me", **bearer(facilitator)).json()
    assert body["username"] == "fasilitator"
    assert body["memberships"] == [{"programme": "framtidens-innkreving", "role": "facilitator"}]


@pytest.mark.django_db
def test_the_browser_session_works_too(client_for, viewer):
    assert client_for(viewer).get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_openapi_schema_is_published():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Nytte API"
    assert "/api/v1/programmes" in schema["paths"]


@pytest.mark.django_db
def test_a_programme_shows_its_frame_and_participants_by_orgnr(viewer, programme):
    body = Client().get(f"/api/v1/programmes/{programme.slug}", **bearer(viewer)).json()
    assert body["participants"] == sorted(o.orgnr for o in programme.participants.all())
    assert {"target_picture", "start_year", "end_year"} <= set(body)
    listed = Client().get("/api/v1/programmes", **bearer(viewer)).json()["items"][0]
    assert listed["participants"] == body["participants"]


@pytest.mark.django_db
def test_a_facilitator_changes_the_frame_and_it_is_logged(facilitator, programme):
    from nytte.core.models import ChangeLogEntry

    url = f"/api/v1/programmes/{programme.slug}"
    body = {"target_picture": "## Målbilde", "start_year": 2025, "end_year": 2030}
    response = Client().patch(url, body, content_type="application/json", **bearer(facilitator))
    assert response.status_code == 200
    assert response.json()["end_year"] == 2030
    entry = ChangeLogEntry.objects.filter(object_id=str(programme.pk), action="update").get()
    assert entry.actor == facilitator
    assert set(entry.changes) == {"target_picture", "start_year", "end_year"}


@pytest.mark.django_db
def test_a_viewer_may_not_change_the_frame_and_an_outsider_does_not_see_it(
    viewer, outsider, programme
):
    url = f"/api/v1/programmes/{programme.slug}"
    patch = {"data": {"vision": "Nei"}, "content_type": "application/json"}
    assert Client().patch(url, **patch, **bearer(viewer)).status_code == 403
    assert Client().patch(url, **patch, **bearer(outsider)).status_code == 404
    programme.refresh_from_db()
    assert programme.vision != "Nei"


def test_the_schema_is_built_once_per_process_and_handed_out_as_a_copy(monkeypatch):
    from ninja import NinjaAPI

    from nytte.api.api import api

    first = api.get_openapi_schema(path_prefix="/api/v1/")
    built = []
    monkeypatch.setattr(
        NinjaAPI, "get_openapi_schema", lambda *a, **k: built.append(1) or {"paths": {}}
    )
    first["paths"].clear()  # a caller changing its copy changes nobody else's
    again = api.get_openapi_schema(path_prefix="/api/v1/")
    assert built == [] and len(again["paths"]) >= 10
