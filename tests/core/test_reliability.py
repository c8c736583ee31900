"""Reliability (issue 18): models and migrations agree (``makemigrations --check``), and
after the database kills the app's connection (``pg_terminate_backend``) the next request
succeeds: Django health-checks a kept connection before its first use in a request
(``CONN_HEALTH_CHECKS``) and opens a new one."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import connection

from tests.api.test_api_core import bearer


@pytest.mark.django_db
def test_makemigrations_check_is_clean():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit:  # Django exits 1 when a model change has no migration
        pytest.fail(f"Models changed without a migration:\n{out.getvalue()} (exit {exit.code})")


def _request(path: str, headers: dict[str, str]) -> int:
    """One request through Django's real WSGI handler, as gunicorn sends it: unlike the test
    client, it runs the connection housekeeping (request_started/finished)."""
    statuses = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        **headers,
    }
    body = WSGIHandler()(environ, lambda status, _headers: statuses.append(status))
    try:
        b"".join(body)
    finally:
        body.close()  # request_finished
    return int(statuses[0].split()[0])


@pytest.mark.django_db(transaction=True)
def test_the_next_request_after_the_connection_is_killed_succeeds(viewer, programme):
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    import psycopg

    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    assert connection.settings_dict["CONN_MAX_AGE"] > 0  # kept between requests
    headers = bearer(viewer)
    path = f"/api/v1/programmes/{programme.slug}"
    assert _request(path, headers) == 200
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"],
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=True,
    ) as admin:
        killed = admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    assert killed
    assert _request(path, headers) == 200
    assert connection.connection.info.backend_pid != pid  # a new connection
