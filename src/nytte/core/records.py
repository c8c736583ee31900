"""The change log and the proposals' domain events are append-only, in the database itself.

A trigger on each table refuses ``UPDATE`` and ``DELETE`` (and, on PostgreSQL, ``TRUNCATE``),
whoever sends them: the app, the admin, a shell or ``psql``. One update is let through: a
reference column set to NULL, which is what ``ON DELETE SET NULL`` does when the user, the
programme or the organisation a row names is deleted. The row itself, what it says happened,
stays. So deleting a programme still works, and its history is kept (detached).

The only other way past the triggers is :func:`purge_allowed`, for the test suite's flush of
the database between tests: on PostgreSQL it sets ``nytte.records_purge`` for the session, on
SQLite it answers the SQL function ``nytte_records_purge()`` (registered on every connection;
a connection without it, e.g. the ``sqlite3`` shell, cannot delete either).

The triggers are installed by migrations (core 0008, proposals 0007) and again after every
``migrate`` (``post_migrate``), since SQLite drops a table's triggers when a migration
rebuilds the table.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

# Each append-only table and its reference columns (those ON DELETE SET NULL may clear).
RECORD_TABLES: dict[str, tuple[str, ...]] = {
    "core_changelogentry": ("actor_id", "programme_id", "organisation_id"),
    "proposals_proposalevent": ("actor_id", "proposal_id"),
}
MESSAGE = "is append-only: its rows cannot be changed or deleted"
_purging: contextvars.ContextVar[bool] = contextvars.ContextVar("nytte_purging", default=False)

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION nytte_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    col text;
    old_row jsonb;
    new_row jsonb;
BEGIN
    IF coalesce(current_setting('nytte.records_purge', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        old_row := to_jsonb(OLD);
        new_row := to_jsonb(NEW);
        FOREACH col IN ARRAY TG_ARGV LOOP
            IF (new_row ->> col) IS NOT NULL
               AND (new_row ->> col) IS DISTINCT FROM (old_row ->> col) THEN
                RAISE EXCEPTION '% %', TG_TABLE_NAME, '__MESSAGE__'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            old_row := old_row - col;
            new_row := new_row - col;
        END LOOP;
        IF old_row IS NOT DISTINCT FROM new_row THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '% %', TG_TABLE_NAME, '__MESSAGE__'
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
""".replace("__MESSAGE__", MESSAGE)


def _pg_statements(table: str, refs: tuple[str, ...]) -> list[str]:
    args = ", ".join(f"'{c}'" for c in refs)
    return [
        PG_FUNCTION,
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION nytte_append_only({args})",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION nytte_append_only()",
    ]


def _sqlite_statements(table: str, refs: tuple[str, ...], columns: list[str]) -> list[str]:
    content = [c for c in columns if c not in refs]
    abort = f"SELECT RAISE(ABORT, '{table} {MESSAGE}');"
    moved = " OR ".join(f'(NEW."{c}" IS NOT NULL AND NEW."{c}" IS NOT OLD."{c}")' for c in refs)
    of_content = ", ".join(f'"{c}"' for c in content)
    of_refs = ", ".join(f'"{c}"' for c in refs)
    statements = [f"DROP TRIGGER IF EXISTS {table}_{name}" for name in ("del", "upd", "ref")]
    return [
        *statements,
        f"CREATE TRIGGER {table}_del BEFORE DELETE ON {table} "
        f"WHEN NOT nytte_records_purge() BEGIN {abort} END",
        f"CREATE TRIGGER {table}_upd BEFORE UPDATE OF {of_content} ON {table} "
        f"WHEN NOT nytte_records_purge() BEGIN {abort} END",
        f"CREATE TRIGGER {table}_ref BEFORE UPDATE OF {of_refs} ON {table} "
        f"WHEN NOT nytte_records_purge() AND ({moved}) BEGIN {abort} END",
    ]


def install(connection: BaseDatabaseWrapper, tables: list[str] | None = None) -> None:
    """Create (or re-create) the triggers on the record tables that exist."""
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table, refs in RECORD_TABLES.items():
            if table not in existing or (tables is not None and table not in tables):
                continue
            if connection.vendor == "postgresql":
                statements = _pg_statements(table, refs)
            elif connection.vendor == "sqlite":
                columns = [
                    c.name for c in connection.introspection.get_table_description(cursor, table)
                ]
                statements = _sqlite_statements(table, refs, columns)
            else:  # another database: the app still never changes a record
                continue
            for sql in statements:
                cursor.execute(sql)


def uninstall(connection: BaseDatabaseWrapper, tables: list[str] | None = None) -> None:
    with connection.cursor() as cursor:
        for table in tables or list(RECORD_TABLES):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            elif connection.vendor == "sqlite":
                for name in ("del", "upd", "ref"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{name}")


def install_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """``post_migrate`` receiver: triggers a table rebuild may have dropped come back. Sent
    once per app after the whole ``migrate``; core's is enough."""
    if getattr(sender, "label", None) == "core":
        install(connections[using])


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: the SQL function SQLite's triggers ask."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "nytte_records_purge", 0, lambda: int(_purging.get()), deterministic=False
        )


@contextmanager
def purge_allowed(using: str = "default") -> Iterator[None]:
    """Let deletes through the triggers for the block: only for emptying a whole test
    database (``flush``); the application never calls it."""
    connection = connections[using]
    token = _purging.set(True)
    pg = connection.vendor == "postgresql"
    try:
        if pg:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('nytte.records_purge', 'on', false)")
        yield
    finally:
        _purging.reset(token)
        if pg:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('nytte.records_purge', '', false)")
