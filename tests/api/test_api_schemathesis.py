"""schemathesis over the whole OpenAPI schema (issue 18, "Input and output"): for every
operation, generated requests (a few per operation, so that CI stays quick) as a
facilitator of the demo's Framtidens innkreving must get no 5xx and no response that breaks
the documented schema. Path parameters are generated too, so most requests miss (404), and
some hit the demo's objects."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from nytte.api.api import api
from nytte.core.actors import SYSTEM
from nytte.core.services import api_token_create
from tests.core.walk_data import VICTIM

# Generated cases only: schemathesis's coverage phase adds some 45 boundary cases per
# operation (minutes for the whole schema); tests/api/test_api_input_guard.py covers those
# boundaries (64-bit overflow, NUL, paging limits) directly.
MAX_EXAMPLES = 5
APP = get_wsgi_application()
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))


@pytest.fixture(scope="module")
def token(demo_loaded, django_db_blocker) -> str:
    """A facilitator's token in the demo: writes are allowed, so generated bodies reach
    the services (each test's changes are rolled back)."""
    from nytte.core.demo import demo_user

    with django_db_blocker.unblock():
        _token, key = api_token_create(
            user=demo_user("fasilitator"), name="schemathesis", acting_user=SYSTEM
        )
    return key


@pytest.fixture
def keep_the_test_connection():
    """Requests go straight to the WSGI application, not through Django's test client, so
    its request signals would close the test's connection (inside the test's transaction)
    on PostgreSQL; the test client disconnects the same handler."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_the_test_connection")
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.generate],
)
def test_no_operation_answers_5xx_or_breaks_its_schema(case, token):
    slug = (case.path_parameters or {}).get("slug")
    # Half the cases aim at the demo programme, so that they reach its objects.
    if isinstance(slug, str) and len(slug) % 2 == 0:
        case.path_parameters["slug"] = VICTIM
    case.call_and_validate(
        app=APP,
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
