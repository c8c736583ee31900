"""One migrated template per test run, copied into each xdist worker's test database.

Running the migrations costs about 20 s of CPU (Django renders the models' states of some
ninety migrations), and every worker used to run them for its own database. Now the first
worker to get here migrates a template, under a lock in the run's temporary directory, and
each worker's database is a copy of it: on SQLite the template is a file, copied into the
worker's in-memory database with SQLite's backup; on PostgreSQL it is a database, and each
worker's is made with ``CREATE DATABASE ... TEMPLATE``. The copy holds everything migrate
leaves behind (tables, indexes, the append-only triggers, the rows of data migrations, content
types and permissions). The last worker to copy drops a PostgreSQL template.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from django.db import connections

LOCK = "db-template.lock"
STATE = "db-template.json"


@contextmanager
def _locked(run_dir: Path) -> Iterator[dict[str, Any]]:
    """The run's shared state, read and written under an exclusive lock."""
    with open(run_dir / LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = run_dir / STATE
        state = json.loads(path.read_text()) if path.exists() else {}
        yield state
        path.write_text(json.dumps(state))


def _template_name(alias: str, run_dir: Path, worker: str) -> str:
    connection = connections[alias]
    if connection.vendor == "sqlite":
        return str(run_dir / f"db-template-{alias}.sqlite3")
    test_name = connection.creation._get_test_db_name()
    return f"{test_name.removesuffix('_' + worker)}_template"


def _migrate_template(alias: str, name: str, verbosity: int) -> None:
    """Create and migrate the template as Django creates a test database, under its own name,
    then point the connection back at the real database."""
    connection = connections[alias]
    test_settings = connection.settings_dict["TEST"]
    test_name = test_settings.get("NAME")
    test_settings["NAME"] = name
    try:
        old_name = connection.creation.create_test_db(
            verbosity=verbosity, autoclobber=True, serialize=False
        )
        connection.creation.destroy_test_db(old_name, verbosity=verbosity, keepdb=True)
    finally:
        test_settings["NAME"] = test_name
    connection.close()


def _copy_instead_of_migrate(alias: str, template: str) -> Any:
    """A ``call_command`` that copies the template where ``create_test_db`` migrates."""
    from django.core import management

    call_command = management.call_command

    def call(name: str, *args: Any, **options: Any) -> Any:
        if name != "migrate" or options.get("database") != alias:
            return call_command(name, *args, **options)
        connection = connections[alias]
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            source = sqlite3.connect(template)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        # On PostgreSQL the database was created from the template: nothing is left to do.
        return None

    return call


@contextmanager
def from_template(run_dir: Path, worker: str, workers: int, verbosity: int) -> Iterator[None]:
    """Within the block, ``setup_databases`` makes the default database from the run's
    template (migrated here if no worker has yet) instead of running the migrations."""
    alias = "default"
    connection = connections[alias]
    template = _template_name(alias, run_dir, worker)
    with _locked(run_dir) as state:
        if not state.get("built"):
            _migrate_template(alias, template, verbosity)
            state["built"] = True
    test_settings = connection.settings_dict["TEST"]
    if connection.vendor == "postgresql":
        test_settings["TEMPLATE"] = template
    try:
        with mock.patch(
            "django.core.management.call_command", _copy_instead_of_migrate(alias, template)
        ):
            yield
    finally:
        test_settings.pop("TEMPLATE", None)
    with _locked(run_dir) as state:
        state["copied"] = state.get("copied", 0) + 1
        last = state["copied"] == workers
    if last and connection.vendor == "postgresql":
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{template}"')
