"""R-109 on the Django side: an analysis period longer than 75 years is accepted and the
engine reports the residual value for the years after year 75."""

from __future__ import annotations

import pytest

from tests.api.test_api_costbenefit import BASE, api, initiative, send  # noqa: F401

pytestmark = pytest.mark.django_db


def test_an_85_year_lifetime_is_saved_and_analysed(initiative, owner):  # noqa: F811
    response = send(api(owner), "put", f"{BASE}/analysis/settings", {"period_years": 85})
    assert response.status_code == 200, response.content
    body = api(owner).get(f"{BASE}/analysis").json()
    assert body["settings"]["period_years"] == 85
    assert body["result"]["last_year"] == body["result"]["first_year"] + 84
    assert body["result"]["residual_from_year"] == body["result"]["base_year"] + 76


def test_a_year_typed_as_the_period_is_refused(initiative, owner):  # noqa: F811
    response = send(api(owner), "put", f"{BASE}/analysis/settings", {"period_years": 2035})
    assert response.status_code == 422
